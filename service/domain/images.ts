export type ImageType = "image/png" | "image/jpeg" | "image/webp";

/** Bytes needed to tell the supported image types apart. */
export const imageSignatureLength = 12;

/** Identifies PNG, JPEG and WebP by their leading bytes; the client's declared type is not trusted. */
export function detectImageType(head: Buffer): ImageType | undefined {
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return "image/png";
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (
    head.length >= 12 &&
    head.subarray(0, 4).toString("latin1") === "RIFF" &&
    head.subarray(8, 12).toString("latin1") === "WEBP"
  ) {
    return "image/webp";
  }
  return undefined;
}
