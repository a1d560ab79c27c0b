/**
 * What `npm run web:publish` puts in the static-assets bucket, and the upload itself. CloudFront
 * serves the bucket at the environment's domain and passes each object's Cache-Control on to browsers
 * (the Managed-CachingOptimized policy honours it), so the headers are set per object here.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { hashedAssetsDirectory } from "./build.js";

export const hashedCacheControl = "public, max-age=31536000, immutable";
export const revalidateCacheControl = "no-cache";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

export interface AssetObject {
  /** S3 key, which is also the URL path without its leading slash. */
  key: string;
  file: string;
  size: number;
  contentType: string;
  cacheControl: string;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The objects to upload from a build, in upload order: hashed assets first, index.html last, so
 * no visitor ever gets an index.html that names an asset not uploaded yet.
 */
export async function assetObjects(buildDirectory: string): Promise<AssetObject[]> {
  const objects: AssetObject[] = [];
  for (const file of await filesUnder(buildDirectory)) {
    const key = path.relative(buildDirectory, file).split(path.sep).join("/");
    const contentType = contentTypes[path.extname(file).toLowerCase()];
    if (!contentType) {
      throw new Error(
        `${key}: no content type known for ${path.extname(file) || "a file without extension"}`,
      );
    }
    const hashed = key.startsWith(`${hashedAssetsDirectory}/`);
    objects.push({
      key,
      file,
      size: (await stat(file)).size,
      contentType,
      cacheControl: hashed ? hashedCacheControl : revalidateCacheControl,
    });
  }
  const rank = (object: AssetObject) =>
    object.key === "index.html" ? 2 : object.key.startsWith(`${hashedAssetsDirectory}/`) ? 0 : 1;
  if (!objects.some((object) => object.key === "index.html")) {
    throw new Error(`${buildDirectory} has no index.html: run npm run build:web`);
  }
  return objects.sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/** Uploads `objects` one after another, in the given order. */
export async function uploadAssetObjects(
  s3: S3Client,
  bucket: string,
  objects: readonly AssetObject[],
  onUploaded: (object: AssetObject) => void = () => {},
): Promise<void> {
  for (const object of objects) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: object.key,
        Body: await readFile(object.file),
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
      }),
    );
    onUploaded(object);
  }
}

/**
 * Paths to invalidate after an upload: index.html under both names CloudFront caches it by (the
 * root object `/` is cached separately from `/index.html`). Hashed assets never need invalidating.
 */
export const invalidationPaths = ["/", "/index.html"] as const;
