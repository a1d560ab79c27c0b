import { describe, expect, test } from "vitest";
import { synthesise } from "../testing/synthesised.js";
import { AliasRecord } from "./alias-record.js";

const zone = "Z0123456789ABCDEFGHIJ";

// As a preview stack uses it: dev's ALB name and zone id read from remote state.
const toAlb = synthesise((scope) => {
  new AliasRecord(scope, "alias", {
    zoneId: zone,
    name: "pr-42.preview.dev.example.com",
    targetDnsName: "acme-dev-alb-1234567890.us-east-1.elb.amazonaws.com",
    targetZoneId: "Z35SXDOTRQ7X7K",
    ipv6: false,
  });
});

const toDistribution = synthesise((scope) => {
  new AliasRecord(scope, "alias", {
    zoneId: zone,
    name: "www.example.com",
    targetDnsName: "d111111abcdef8.cloudfront.net",
    targetZoneId: "Z2FDTNDATAQYW2",
  });
});

describe("AliasRecord", () => {
  test("ipv6: false writes only the A alias (for the IPv4-only ALB)", () => {
    expect(toAlb.list("aws_route53_record")).toEqual([
      expect.objectContaining({
        zone_id: zone,
        name: "pr-42.preview.dev.example.com",
        type: "A",
        alias: {
          name: "acme-dev-alb-1234567890.us-east-1.elb.amazonaws.com",
          zone_id: "Z35SXDOTRQ7X7K",
          evaluate_target_health: false,
        },
      }),
    ]);
  });

  test("by default both A and AAAA aliases point at the target", () => {
    const records = toDistribution.list("aws_route53_record");
    expect(records.map((r) => r.type)).toEqual(["A", "AAAA"]);
    for (const record of records) {
      expect(record).toMatchObject({
        zone_id: zone,
        name: "www.example.com",
        alias: {
          name: "d111111abcdef8.cloudfront.net",
          zone_id: "Z2FDTNDATAQYW2",
          evaluate_target_health: false,
        },
      });
    }
  });

  test("a name that is not a DNS name is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new AliasRecord(scope, "alias", {
          zoneId: zone,
          name: "WWW.example.com",
          targetDnsName: "x",
          targetZoneId: "y",
        });
      }),
    ).toThrow("edge.aliasRecord.name");
  });
});
