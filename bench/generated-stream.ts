import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

const MiB = 1024 * 1024;

/**
 * `bytes` of incompressible data, produced as it is read and never stored: one random 1 MiB block,
 * repeated. The upload suite sends it through the service and, as its baseline, straight to S3.
 */
export function generatedStream(bytes: number): Readable {
  const block = randomBytes(MiB);
  let left = bytes;
  return new Readable({
    highWaterMark: MiB,
    read() {
      if (left <= 0) return void this.push(null);
      const chunk = left >= block.length ? block : block.subarray(0, left);
      left -= chunk.length;
      this.push(chunk);
    },
  });
}
