import { type ChildProcess, fork } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";

export interface S3StandIn {
  endpoint: string;
  directory: string;
  stop(): Promise<void>;
}

/** Credentials s3rver accepts (it checks the access key id, not the signature). */
export const standInCredentials = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

/** Starts s3rver (plus AbortMultipartUpload) in a child process storing objects under `directory`. */
export async function startS3StandIn(options: { directory: string; port?: number }): Promise<S3StandIn> {
  await mkdir(options.directory, { recursive: true });
  const child: ChildProcess = fork(
    path.join(import.meta.dirname, "s3-stand-in-process.mjs"),
    [options.directory, String(options.port ?? 0)],
    { execArgv: ["--openssl-legacy-provider"], stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message.port));
    child.once("exit", (code) => reject(new Error(`S3 stand-in exited with code ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory: options.directory,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Multipart uploads started and neither completed nor aborted, as s3rver keeps them on disk. */
export async function pendingMultipartUploads(
  standIn: { directory: string },
  bucket: string,
): Promise<string[]> {
  return readdir(path.join(standIn.directory, bucket, "._S3rver_uploads")).catch(() => []);
}
