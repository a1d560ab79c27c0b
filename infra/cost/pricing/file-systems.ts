/** EFS file systems: Standard storage, from the usage file (throughput mode elastic/bursting is not estimated). */
import { type Pricer, usage } from "../line.js";

export const efsFileSystem: Pricer = (ctx) => [
  usage(ctx, "EFS Standard storage", "storage_gb", "efs-standard-gb-month", "GB-month"),
];
