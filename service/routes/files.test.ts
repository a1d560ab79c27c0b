import { createHash, randomBytes } from "node:crypto";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingMultipartUploads } from "../local/s3-stand-in.js";
import {
  eventually,
  rawUpload,
  type SignedUpUser,
  stack,
  startTestService,
  type TestService,
} from "../test/harness.js";

const maxUploadBytes = 12 * 1024 * 1024;
let service: TestService;
let s3: S3Client;
let alice: SignedUpUser;
let bob: SignedUpUser;

beforeAll(async () => {
  service = await startTestService({ env: { MAX_UPLOAD_BYTES: String(maxUploadBytes) } });
  s3 = new S3Client({
    region: "us-east-1",
    endpoint: stack().s3Endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  [alice, bob] = await Promise.all([service.signUp(), service.signUp()]);
});
afterAll(() => service?.stop());

async function objectKeys(userId: string): Promise<string[]> {
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: service.bucket, Prefix: `users/${userId}/` }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!);
}

function upload(user: SignedUpUser, bytes: Buffer | string, name = "notes.txt", type = "text/plain") {
  const form = new FormData();
  // A copy as Uint8Array: the DOM's BlobPart type (the web front end's, type-checked in the same
  // program) does not take a Buffer that might sit on a SharedArrayBuffer.
  const part = typeof bytes === "string" ? bytes : new Uint8Array(bytes);
  form.append("file", new Blob([part], { type }), name);
  return service.call("POST", "/api/files", { token: user.token, body: form });
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("upload and download", () => {
  it("stores a multipart-sized file byte for byte and serves it as an attachment", async () => {
    const content = randomBytes(6 * 1024 * 1024 + 123);
    const created = await upload(alice, content, "report.bin", "application/octet-stream");
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: "report.bin",
      size: content.length,
      contentType: "application/octet-stream",
      createdAt: expect.any(String),
    });

    const response = await fetch(`${service.url}/api/files/${created.body.id}/content`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe("attachment; filename=report.bin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(content));

    const metadata = await service.call("GET", `/api/files/${created.body.id}`, { token: alice.token });
    expect(metadata.body).toEqual(created.body);
  });

  it("generates the object key; the client's file name is only metadata", async () => {
    const created = await upload(alice, "x", "../../etc/passwd");
    expect(created.status).toBe(201);
    expect(created.body.name).toBe("passwd");
    const row = await service.prisma.file.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.objectKey).toMatch(new RegExp(`^users/${alice.user.id}/files/[0-9a-f-]{36}$`));
    expect(await objectKeys(alice.user.id)).toContain(row.objectKey);
  });

  it("lists files newest first with cursor pagination", async () => {
    const user = await service.signUp();
    for (const name of ["a.txt", "b.txt", "c.txt"]) await upload(user, name, name);
    const first = await service.call("GET", "/api/files?limit=2", { token: user.token });
    expect(first.body.items.map((f: { name: string }) => f.name)).toEqual(["c.txt", "b.txt"]);
    const second = await service.call("GET", `/api/files?limit=2&cursor=${first.body.nextCursor}`, {
      token: user.token,
    });
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: "a.txt" })], nextCursor: null });
  });

  it("deletes the object and the row", async () => {
    const user = await service.signUp();
    const created = await upload(user, "bye");
    expect(
      (await service.call("DELETE", `/api/files/${created.body.id}`, { token: user.token })).status,
    ).toBe(204);
    expect((await service.call("GET", `/api/files/${created.body.id}`, { token: user.token })).status).toBe(
      404,
    );
    expect(await service.prisma.file.count({ where: { userId: user.user.id } })).toBe(0);
    expect(await objectKeys(user.user.id)).toEqual([]);
  });

  it("hides another user's file behind 404 for metadata, content and delete", async () => {
    const created = await upload(alice, "private");
    for (const [method, path] of [
      ["GET", `/api/files/${created.body.id}`],
      ["GET", `/api/files/${created.body.id}/content`],
      ["DELETE", `/api/files/${created.body.id}`],
    ] as const) {
      const response = await service.call(method, path, { token: bob.token });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
    expect((await service.call("GET", "/api/files", { token: bob.token })).body.items).toEqual([]);
    expect((await service.call("GET", `/api/files/${created.body.id}`, { token: alice.token })).status).toBe(
      200,
    );
  });
});

describe("rejected uploads", () => {
  it("answers 415 to a body that is not multipart and 400 to a form without the file field", async () => {
    const json = await service.call("POST", "/api/files", { token: alice.token, json: { file: "x" } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append("other", new Blob(["x"]), "x.txt");
    const wrongField = await service.call("POST", "/api/files", { token: alice.token, body: form });
    expect(wrongField.status).toBe(400);
    const empty = new FormData();
    empty.append("note", "no file here");
    const noFile = await service.call("POST", "/api/files", { token: alice.token, body: empty });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.message).toBe("multipart field file is required");
  });

  it("answers 413 to a file over MAX_UPLOAD_BYTES and keeps neither row, object nor parts", async () => {
    const user = await service.signUp();
    const upload = rawUpload({
      url: service.url,
      path: "/api/files",
      token: user.token,
      field: "file",
      filename: "big",
    });
    await upload.send(maxUploadBytes + 1024 * 1024);
    await upload.finish();
    const response = await upload.response;
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe("payload_too_large");
    await eventually("the oversized upload to be cleaned up", async () => {
      return (await service.prisma.file.count({ where: { userId: user.user.id } })) === 0;
    });
    expect(await objectKeys(user.user.id)).toEqual([]);
    expect(await pendingMultipartUploads({ directory: stack().s3Directory }, service.bucket)).toEqual([]);
  });

  it("answers 413 at once when the declared Content-Length is already too large", async () => {
    const upload = rawUpload({
      url: service.url,
      path: "/api/files",
      token: alice.token,
      field: "file",
      filename: "huge",
      contentLength: 10 * maxUploadBytes,
    });
    // Headers only: the answer must not wait for (or read) any of the body.
    upload.open();
    const response = await upload.response;
    upload.abort();
    expect(response.status).toBe(413);
  });

  it("leaves no row, no object and no multipart parts when the client disconnects mid-upload", async () => {
    const user = await service.signUp();
    const upload = rawUpload({
      url: service.url,
      path: "/api/files",
      token: user.token,
      field: "file",
      filename: "partial",
    });
    // More than one 5 MiB part, so a multipart upload with stored parts exists when the client leaves.
    await upload.send(11 * 1024 * 1024);
    await eventually("the upload to be in progress", async () => {
      const uploading = await service.prisma.file.count({
        where: { userId: user.user.id, status: "uploading" },
      });
      return (
        uploading === 1 &&
        (await pendingMultipartUploads({ directory: stack().s3Directory }, service.bucket)).length > 0
      );
    });
    upload.abort();
    await eventually("the aborted upload to be cleaned up", async () => {
      const rows = await service.prisma.file.count({ where: { userId: user.user.id } });
      return (
        rows === 0 &&
        (await pendingMultipartUploads({ directory: stack().s3Directory }, service.bucket)).length === 0
      );
    });
    expect(await objectKeys(user.user.id)).toEqual([]);
    expect((await service.call("GET", "/api/files", { token: user.token })).body.items).toEqual([]);
  });
});

describe("crash recovery", () => {
  it("reaps rows left mid-delete or mid-upload by a crash, with their objects", async () => {
    const user = await service.signUp();
    const keys = [`users/${user.user.id}/files/crashed-delete`, `users/${user.user.id}/files/crashed-upload`];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: service.bucket, Key: key, Body: "orphan" }));
    }
    const longAgo = new Date(Date.now() - 48 * 3600_000);
    await service.prisma.file.createMany({
      data: [
        {
          userId: user.user.id,
          objectKey: keys[0]!,
          name: "a",
          contentType: "text/plain",
          status: "deleting",
          updatedAt: longAgo,
        },
        {
          userId: user.user.id,
          objectKey: keys[1]!,
          name: "b",
          contentType: "text/plain",
          status: "uploading",
          updatedAt: longAgo,
        },
      ],
    });
    const fresh = await upload(user, "still here");
    expect(await service.app.locals.files.reapInterrupted()).toBe(2);
    expect(await objectKeys(user.user.id)).toEqual([
      (await service.prisma.file.findUniqueOrThrow({ where: { id: fresh.body.id } })).objectKey,
    ]);
    expect(await service.prisma.file.count({ where: { userId: user.user.id } })).toBe(1);
  });
});
