/** Shapes of AWS ids the modules check. Internal: not part of the package's public API. */

/** A VPC id: `vpc-0123456789abcdef0`. */
export const VPC_ID = /^vpc-[0-9a-f]+$/;
