/**
 * Network: a VPC over explicit AZs with public, private and database subnet tiers, NAT, gateway and interface VPC endpoints, optional dual-stack IPv6 and secondary ranges, flow logs to CloudWatch Logs or S3 and a locked default security group; security groups and the rules between them; `Network.fromAttributes` for one created elsewhere.
 *
 * @packageDocumentation
 */

export {
  type Cidr,
  cidrContains,
  cidrSubnet,
  cidrsOverlap,
  formatCidr,
  PRIVATE_RANGES,
  parseCidr,
} from "./cidr.js";
export * from "./endpoints.js";
export * from "./network.js";
export * from "./network-ref.js";
export * from "./security-group.js";
