import { LoadBalancer, LoadBalancerVpcOrigin } from "@aws-platform-kit/modules/edge";
import { Network } from "@aws-platform-kit/modules/network";
import { Bucket } from "@aws-platform-kit/modules/storage";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

/** An internal load balancer in a network's private subnets, behind a CloudFront VPC origin. */
export const capability: Capability = {
  id: "vpc-origin",
  title: "edge: internal ALB reached through a CloudFront VPC origin",
  build(scope, { naming }) {
    const network = new Network(scope, "network", {
      naming,
      cidr: "10.90.0.0/16",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      natMode: "none",
    });
    const logs = new Bucket(scope, "alb-logs", { naming, purpose: "cap-alb-logs", forceDestroy: true });
    const lb = new LoadBalancer(scope, "alb", {
      naming,
      vpcId: network.vpcId,
      subnetIds: network.subnetIds("private"),
      internal: true,
      waf: false,
      deletionProtection: false,
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      domainName: "origin.cap.example.com",
      accessLogs: { bucket: logs },
    });
    new LoadBalancerVpcOrigin(scope, "origin", { naming, loadBalancerArn: lb.arn, purpose: "cap-api" });
  },
  check({ resourcesOf }) {
    const [lb] = resourcesOf("aws_lb", "vpc-origin");
    expect(lb?.values.internal).toBe(true);
    const [origin] = resourcesOf("aws_cloudfront_vpc_origin", "vpc-origin");
    expect(origin?.values.vpc_origin_endpoint_config).toEqual([
      expect.objectContaining({ origin_protocol_policy: "https-only", https_port: 443 }),
    ]);
  },
};
