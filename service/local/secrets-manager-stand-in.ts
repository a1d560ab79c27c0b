import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsManagerStandIn {
  endpoint: string;
  /** Sets (or replaces, as a rotation would) the SecretString of `secretId`. */
  set(secretId: string, secretString: string): void;
  /** GetSecretValue calls served so far, by secret id. */
  reads(secretId: string): number;
  stop(): Promise<void>;
}

/**
 * Just enough of AWS Secrets Manager for the real SDK client: `GetSecretValue` over its JSON
 * protocol (POST /, X-Amz-Target: secretsmanager.GetSecretValue). No emulator can be installed here.
 */
export async function startSecretsManagerStandIn(): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, { value: string; version: number }>();
  const readCounts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, {
          "Content-Type": "application/x-amz-json-1.1",
          ...(errorType ? { "X-Amzn-ErrorType": errorType } : {}),
        });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
        return reply(
          400,
          { __type: "UnknownOperationException", message: "only GetSecretValue" },
          "UnknownOperationException",
        );
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
        SecretId?: string;
      };
      const secret = SecretId === undefined ? undefined : secrets.get(SecretId);
      if (!SecretId || !secret) {
        return reply(
          400,
          {
            __type: "ResourceNotFoundException",
            message: "Secrets Manager can't find the specified secret.",
          },
          "ResourceNotFoundException",
        );
      }
      readCounts.set(SecretId, (readCounts.get(SecretId) ?? 0) + 1);
      reply(200, {
        ARN: SecretId,
        Name: SecretId.split(":").pop(),
        SecretString: secret.value,
        VersionId: `v${secret.version}`,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: Date.now() / 1000,
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    set(secretId, value) {
      secrets.set(secretId, { value, version: (secrets.get(secretId)?.version ?? 0) + 1 });
    },
    reads: (secretId) => readCounts.get(secretId) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
