import type { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { AwsConfig } from "../config.js";

export interface StoredObject {
  body: Readable;
  contentType: string;
  contentLength?: number;
}

export interface ObjectStore {
  /**
   * Streams `body` to `key` (multipart above 5 MB, at most two parts in memory). If `body` errors
   * or is destroyed, the upload fails and any multipart upload already started is aborted.
   */
  put(key: string, body: Readable, contentType: string): Promise<void>;
  /** Undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Resolves when the bucket answers. */
  ping(): Promise<void>;
  /** Creates the bucket if missing (local stand-ins and tests; in AWS the bucket is infrastructure). */
  ensureBucket(): Promise<void>;
}

export function createObjectStore(aws: AwsConfig, bucket: string): ObjectStore {
  const client = new S3Client({
    region: aws.region,
    ...(aws.s3Endpoint
      ? {
          endpoint: aws.s3Endpoint,
          forcePathStyle: aws.s3ForcePathStyle,
          // S3 stand-ins (s3rver) store the aws-chunked checksum framing inside streamed objects;
          // only send checksums when an operation requires them.
          requestChecksumCalculation: "WHEN_REQUIRED" as const,
          responseChecksumValidation: "WHEN_REQUIRED" as const,
        }
      : {}),
  });

  return {
    async put(key, body, contentType) {
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
        // One 5 MiB part (S3's smallest) in flight while the next fills. Against two in flight, two
        // runs of `npm run bench -- upload`: RSS growth 58 MB instead of 67 MB (medians), throughput
        // 86 MB/s instead of 90 MB/s to the local stand-in.
        queueSize: 1,
        partSize: 5 * 1024 * 1024,
        leavePartsOnError: false,
      });
      await upload.done();
    },
    async get(key) {
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return {
          body: result.Body as Readable,
          contentType: result.ContentType ?? "application/octet-stream",
          ...(result.ContentLength !== undefined ? { contentLength: result.ContentLength } : {}),
        };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }), {
        abortSignal: AbortSignal.timeout(2_000),
      });
    },
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
      }
    },
  };
}
