/**
 * VPC endpoints: interface endpoints (PrivateLink) in the private subnets behind a security group of
 * their own that admits only HTTPS from inside the VPC, and gateway endpoints (S3, DynamoDB) on the
 * route tables.
 */
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import {
  conditional,
  Fn,
  type ITerraformDependable,
  Op,
  propertyAccess,
  TerraformIterator,
  Token,
} from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertNoDuplicates } from "../validation/validators.js";
import { allowIngressFromCidr, createSecurityGroup } from "./security-group.js";

/** A gateway endpoint's service: the only two AWS offers. */
export type GatewayEndpointService = "s3" | "dynamodb";
/** Every `GatewayEndpointService`. */
export const GATEWAY_ENDPOINT_SERVICES: readonly GatewayEndpointService[] = ["s3", "dynamodb"];

/**
 * Interface endpoints a Fargate service in private subnets without NAT usually needs: image pulls
 * (`ecr.api`, `ecr.dkr`, with S3 through the gateway endpoint), logs, secrets, STS, SSM (ECS Exec
 * needs `ssmmessages`) and KMS. A suggestion for `interfaceEndpoints`, not a default.
 */
export const COMMON_INTERFACE_ENDPOINTS: readonly string[] = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "secretsmanager",
  "sts",
  "ssm",
  "ssmmessages",
  "kms",
];

/** An interface endpoint's service short name: what follows `com.amazonaws.<region>.`. */
export const INTERFACE_ENDPOINT_PATTERN = /^[a-z0-9]+([.-][a-z0-9]+)*$/;
/** What an interface endpoint name must be. */
export const INTERFACE_ENDPOINT_RULE =
  "must be a service's short name, lowercase letters, digits, dots and hyphens, such as ecr.api or secretsmanager (the endpoint is com.amazonaws.<region>.<name>)";

/** Checks the interface endpoint list (a Terraform reference passes: its variable checks it). */
export function assertInterfaceEndpoints(names: readonly string[]): void {
  if (Token.isUnresolved(names)) return;
  names.forEach((name, i) => {
    if (Token.isUnresolved(name)) return;
    if (!INTERFACE_ENDPOINT_PATTERN.test(name) || name.startsWith("com.amazonaws.")) {
      throw new PropError(`network.interfaceEndpoints[${i}]`, `"${name}" ${INTERFACE_ENDPOINT_RULE}`);
    }
  });
  assertNoDuplicates(names, "network.interfaceEndpoints");
}

/** Checks the gateway endpoint list: known services, no repeat, S3 kept. */
export function assertGatewayEndpoints(services: readonly string[]): void {
  services.forEach((service, i) => {
    if (!GATEWAY_ENDPOINT_SERVICES.includes(service as GatewayEndpointService)) {
      throw new PropError(
        `network.gatewayEndpoints[${i}]`,
        `"${service}" must be one of "s3", "dynamodb" (the only gateway endpoints AWS offers)`,
      );
    }
  });
  assertNoDuplicates(services, "network.gatewayEndpoints");
  if (!services.includes("s3")) {
    throw new PropError(
      "network.gatewayEndpoints",
      'must include "s3": the S3 gateway endpoint is free and keeps S3 traffic off NAT, so the network always has it',
    );
  }
}

/** The construct id of an interface endpoint: `ecr.api` → `endpoint-ecr-api`. */
export function interfaceEndpointId(name: string): string {
  return `endpoint-${name.replace(/\./g, "-")}`;
}

/** What `createInterfaceEndpoints` needs. */
export interface InterfaceEndpointsProps {
  /** Names and tags the endpoints and their security group. */
  readonly naming: Naming;
  /** The VPC the endpoints serve. */
  readonly vpcId: string;
  /** The VPC's IPv4 ranges (primary and secondary): HTTPS is admitted from each. */
  readonly vpcCidrs: readonly string[];
  /** Where the endpoints' network interfaces go: the private subnets. */
  readonly subnetIds: string[];
  /** Service short names (literal, or a Terraform list). */
  readonly names: readonly string[];
  /** What the endpoints wait for (the secondary ranges their subnets may lie in). */
  readonly dependsOn: ITerraformDependable[];
}

/** The endpoints and their security group. */
export interface InterfaceEndpoints {
  /** The endpoints' security group: HTTPS from the VPC's ranges, no egress. */
  readonly securityGroup: SecurityGroup;
  /** One per name, in the order given (one `for_each` resource when the names are a reference). */
  readonly endpoints: readonly VpcEndpoint[];
}

/**
 * One security group (ingress 443 from each VPC range, nothing else, no egress) and one interface
 * endpoint per service, private DNS on, in the given subnets.
 */
export function createInterfaceEndpoints(
  scope: Construct,
  props: InterfaceEndpointsProps,
): InterfaceEndpoints {
  const { naming } = props;
  const securityGroup = createSecurityGroup(scope, "endpoints-sg", {
    naming,
    purpose: "vpc-endpoints",
    vpcId: props.vpcId,
    description: "Interface VPC endpoints: HTTPS from inside the VPC only",
  });
  // Names known only at plan (a module's variable): the group and its rules exist only when the list
  // is not empty (`count`), and the endpoints name the group through `one(...)`.
  const atPlan = Token.isUnresolved(props.names);
  const count = atPlan ? Token.asNumber(conditional(Op.gte(Fn.lengthOf(props.names), 1), 1, 0)) : undefined;
  if (count !== undefined) securityGroup.count = count;
  const groupRef = {
    id: atPlan ? Token.asString(Fn.one(propertyAccess(securityGroup.fqn, ["*", "id"]))) : securityGroup.id,
  };
  props.vpcCidrs.forEach((cidr, i) => {
    const rule = allowIngressFromCidr(scope, i === 0 ? "endpoints-https" : `endpoints-https-${i}`, {
      group: groupRef,
      port: 443,
      cidr,
      description:
        i === 0 ? "HTTPS from the VPC to its interface endpoints" : "HTTPS from a secondary VPC range",
    });
    if (count !== undefined) rule.count = count;
  });
  const common = {
    vpcId: props.vpcId,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: props.subnetIds,
    securityGroupIds: [groupRef.id],
    ...(props.dependsOn.length ? { dependsOn: props.dependsOn } : {}),
  };
  if (atPlan) {
    const each = TerraformIterator.fromList(Fn.toset(props.names) as unknown as string[]);
    const endpoint = new VpcEndpoint(scope, "interface-endpoint", {
      forEach: each,
      ...common,
      serviceName: `com.amazonaws.${naming.region}.${each.value}`,
      tags: { Name: `${naming.name("endpoint")}-${Fn.replace(each.value as string, ".", "-")}` },
    });
    return { securityGroup, endpoints: [endpoint] };
  }
  const endpoints = props.names.map(
    (name) =>
      new VpcEndpoint(scope, interfaceEndpointId(name), {
        ...common,
        serviceName: `com.amazonaws.${naming.region}.${name}`,
        tags: { Name: naming.name(`endpoint-${name.replace(/\./g, "-")}`) },
      }),
  );
  return { securityGroup, endpoints };
}
