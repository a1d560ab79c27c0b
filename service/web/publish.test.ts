import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack } from "../test/harness.js";
import { buildWeb } from "./build.js";
import { assetObjects, uploadAssetObjects } from "./publish.js";

let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), "web-publish-"));
  await buildWeb({ outDir });
});
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe("publishing the front end to the assets bucket", () => {
  it("uploads hashed assets as immutable first and index.html as no-cache last", async () => {
    const objects = await assetObjects(outDir);
    expect(objects.at(-1)).toMatchObject({
      key: "index.html",
      contentType: "text/html; charset=utf-8",
      cacheControl: "no-cache",
    });
    const assets = objects.slice(0, -1);
    const byKey = Object.fromEntries(assets.map((asset) => [path.extname(asset.key), asset]));
    expect(Object.keys(byKey).sort()).toEqual([".css", ".js", ".svg"]);
    expect(byKey[".js"]).toMatchObject({ key: expect.stringMatching(/^assets\/app-[A-Z0-9]{8}\.js$/) });
    expect(byKey[".css"]).toMatchObject({ contentType: "text/css; charset=utf-8" });
    expect(byKey[".js"]).toMatchObject({ contentType: "text/javascript; charset=utf-8" });
    expect(byKey[".svg"]).toMatchObject({ contentType: "image/svg+xml" });
    for (const asset of assets) expect(asset.cacheControl).toBe("public, max-age=31536000, immutable");
  });

  it("stores each object with its content type and cache control (S3 stand-in)", async () => {
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: stack().s3Endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const bucket = `assets-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const objects = await assetObjects(outDir);
    const order: string[] = [];
    await uploadAssetObjects(s3, bucket, objects, (object) => order.push(object.key));
    expect(order).toEqual(objects.map((object) => object.key));
    for (const object of objects) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
      expect(head.ContentType, object.key).toBe(object.contentType);
      expect(head.CacheControl, object.key).toBe(object.cacheControl);
      expect(head.ContentLength, object.key).toBe(object.size);
    }
    const index = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "index.html" }));
    expect(await index.Body!.transformToString()).toContain(`/${objects[0]!.key}`);
  });
});
