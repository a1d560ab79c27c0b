/** S3 buckets: storage and requests, from the usage file. */
import { type Pricer, usage } from "../line.js";

export const s3Bucket: Pricer = (ctx) => [
  usage(ctx, "S3 Standard storage", "storage_gb", "s3-standard-gb-month", "GB-month"),
  usage(ctx, "PUT/LIST requests", "put_requests_thousands", "s3-put-1k", "1,000 requests"),
  usage(ctx, "GET requests", "get_requests_thousands", "s3-get-1k", "1,000 requests"),
];
