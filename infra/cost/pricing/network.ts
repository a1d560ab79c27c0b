/** NAT gateways, public IPv4 addresses, VPC endpoints, flow logs delivered to S3. */
import { type PlannedResource, referencesOf, refersTo, Unresolved } from "../../plan/plan-model.js";
import { hourly, notPriced, type Pricer, usage } from "../line.js";

/**
 * How many subnets a list attribute names: references to subnets in this stack, else the list's
 * length when its elements are there (ids, or one reference each); undefined when the whole list
 * comes from elsewhere (another stack's state) and its length is unknown.
 */
export function subnetCount(resource: PlannedResource, attribute: string): number | undefined {
  const refs = referencesOf(resource, attribute).filter((r) => refersTo(r, "aws_subnet"));
  if (refs.length) return refs.length;
  const value = resource.values[attribute];
  if (Array.isArray(value) && value.length) return value.length;
  return value instanceof Unresolved ? undefined : 0;
}

export const natGateway: Pricer = (ctx) => [
  hourly(ctx, "NAT gateway", "nat-gateway-hour"),
  usage(ctx, "data processed", "data_processed_gb", "nat-gateway-data-gb", "GB"),
];

/** An Elastic IP is a public IPv4 address, charged whether attached (to a NAT gateway, say) or idle. */
export const elasticIp: Pricer = (ctx) => [hourly(ctx, "public IPv4 address", "public-ipv4-hour")];

export const vpcEndpoint: Pricer = (ctx) => {
  const type = ctx.resource.values.vpc_endpoint_type;
  if (type === "Gateway") return { free: "gateway endpoints (S3, DynamoDB) have no charge" };
  if (type !== "Interface" && type !== undefined && type !== null) {
    return [
      notPriced(`${String(type)} endpoint`, "only Interface and Gateway endpoints are in the price table"),
    ];
  }
  const subnets = subnetCount(ctx.resource, "subnet_ids");
  if (!subnets) return [notPriced("interface endpoint", "its subnets (one charge per AZ) are not known")];
  return [
    hourly(ctx, `interface endpoint × ${subnets} AZ`, "interface-endpoint-az-hour", subnets),
    usage(ctx, "data processed", "data_processed_gb", "interface-endpoint-data-gb", "GB"),
  ];
};

/**
 * A flow log to CloudWatch Logs is billed as ingestion into its log group (priced there); one to S3
 * is billed per GB delivered (vended logs), plus the conversion when the files are Parquet.
 */
export const flowLog: Pricer = (ctx) => {
  if (ctx.resource.values.log_destination_type !== "s3") {
    return { free: "billed as ingestion into its log group" };
  }
  const options = ctx.resource.values.destination_options;
  const format = (Array.isArray(options) ? options[0] : options) as { file_format?: unknown } | undefined;
  return [
    usage(ctx, "flow logs delivered to S3", "delivered_gb", "vended-logs-s3-gb", "GB"),
    ...(format?.file_format === "parquet"
      ? [usage(ctx, "conversion to Parquet", "delivered_gb", "vended-logs-s3-parquet-gb", "GB")]
      : []),
  ];
};
