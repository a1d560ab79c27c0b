/**
 * One front door per environment: CloudFront, with the environment's only WAF web ACL, reaches an
 * internal load balancer through a VPC origin; the load balancer has no public address and admits
 * CloudFront's origin-facing prefix list alone. Previews reach dev's load balancer through a second
 * distribution (`*.<previews domain>`, the viewer's Host forwarded, the same web ACL). An environment
 * may keep an internet-facing load balancer only by saying why in its config. Read from the
 * synthesised stacks; the offline plans of the same stacks run in infra/app.test.ts.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CLOUDFRONT_MANAGED_POLICIES,
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS,
} from "@aws-platform-kit/modules/edge";
import { testOutdir } from "@aws-platform-kit/modules/testing";
import { App, Testing } from "cdktf";
import { beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../app.js";
import { ENVIRONMENT_NAMES, loadEnvironment } from "../environments/index.js";
import { modelFromSynth, type SynthesisedJson } from "../plan/plan-model.js";
import { evaluate } from "../policy/engine.js";
import { RULES } from "../policy/rules/index.js";
import { PlatformStack } from "./platform-stack.js";

type Resource = Record<string, unknown>;
type StackJson = { resource: Record<string, Record<string, Resource>> };

let stacks: Record<string, StackJson> = {};
let publicDev: StackJson;

beforeAll(() => {
  const app = buildApp({
    outdir: testOutdir(),
    bootstrap: false,
    previews: [{ prNumber: 7, imageTag: "3f2c1a9" }],
    now: new Date("2026-11-23T15:00:00Z"),
  });
  stacks = Object.fromEntries(
    app.node.children.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack as never)) as StackJson]),
  );
  // dev as a team would write it to keep its load balancer on the internet.
  const config = {
    ...loadEnvironment("dev"),
    loadBalancer: { internetFacingReason: "partners call the API directly from their own CDN" },
  };
  // app.synth, not Testing.synth: suppressions are written by an aspect, which only the app runs.
  const outdir = testOutdir();
  const other = new App({ outdir });
  new PlatformStack(other, "dev", { config });
  other.synth();
  publicDev = JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as StackJson;
});

const all = (stack: StackJson, type: string) => Object.entries(stack.resource[type] ?? {});
const only = (stack: StackJson, type: string): [string, Resource] => {
  const found = all(stack, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const ref = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

describe.each(ENVIRONMENT_NAMES)("%s: CloudFront is the only way in", (name) => {
  test("the load balancer is internal, in the private subnets", () => {
    const stack = stacks[name] as StackJson;
    const [, lb] = only(stack, "aws_lb");
    expect(lb.internal).toBe(true);
    const subnets = lb.subnets as string[];
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    for (const subnet of subnets) expect(subnet).toMatch(/^\$\{aws_subnet\.network_private-/);
  });

  test("its security group admits HTTPS from CloudFront's origin-facing prefix list, nothing from anywhere", () => {
    const stack = stacks[name] as StackJson;
    const [groupName] =
      all(stack, "aws_security_group").find(([key]) => key.startsWith("load-balancer_")) ?? [];
    expect(groupName).toBeDefined();
    const ingress = all(stack, "aws_vpc_security_group_ingress_rule")
      .map(([, rule]) => rule)
      .filter((rule) => rule.security_group_id === ref("aws_security_group", groupName as string, "id"));
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 443,
        to_port: 443,
        ip_protocol: "tcp",
        prefix_list_id: CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS["us-east-1"],
      }),
    ]);
    for (const [, rule] of all(stack, "aws_vpc_security_group_ingress_rule")) {
      expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
      expect(rule.cidr_ipv6).not.toBe("::/0");
    }
  });

  test("one WAF web ACL, at CloudFront, on every distribution; none on the load balancer", () => {
    const stack = stacks[name] as StackJson;
    const [aclName, acl] = only(stack, "aws_wafv2_web_acl");
    expect(acl.scope).toBe("CLOUDFRONT");
    expect(all(stack, "aws_wafv2_web_acl_association")).toEqual([]);
    const distributions = all(stack, "aws_cloudfront_distribution");
    expect(distributions.length).toBe(name === "dev" ? 2 : 1);
    for (const [, distribution] of distributions) {
      expect(distribution.web_acl_id).toBe(ref("aws_wafv2_web_acl", aclName, "arn"));
    }
  });

  test("the API origin is a VPC origin to that load balancer, HTTPS and TLS 1.2 only", () => {
    const stack = stacks[name] as StackJson;
    const [lbName] = only(stack, "aws_lb");
    const [originName, origin] = only(stack, "aws_cloudfront_vpc_origin");
    const [endpoint] = origin.vpc_origin_endpoint_config as Resource[];
    expect(endpoint).toMatchObject({
      arn: ref("aws_lb", lbName, "arn"),
      origin_protocol_policy: "https-only",
      origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }],
    });
    for (const [, distribution] of all(stack, "aws_cloudfront_distribution")) {
      const api = (distribution.origin as Resource[]).find((o) => o.origin_id === "api") as Resource;
      expect(api.vpc_origin_config).toMatchObject({
        vpc_origin_id: ref("aws_cloudfront_vpc_origin", originName, "id"),
      });
      expect(api.custom_origin_config).toBeUndefined();
    }
  });
});

describe("previews reach dev's load balancer through CloudFront", () => {
  const previewsDistribution = () => {
    const found = all(stacks.dev as StackJson, "aws_cloudfront_distribution").filter(([key]) =>
      key.startsWith("previews-cdn_"),
    );
    expect(found).toHaveLength(1);
    return (found[0] as [string, Resource])[1];
  };

  test("a distribution for *.<previews domain> sends every path, with the viewer's Host, to the ALB", () => {
    const distribution = previewsDistribution();
    expect(distribution.aliases).toEqual(["*.preview.dev.platform.example.com"]);
    expect((distribution.origin as Resource[]).map((o) => o.origin_id)).toEqual(["api"]);
    const behaviour = distribution.default_cache_behavior as Resource;
    expect(behaviour).toMatchObject({
      target_origin_id: "api",
      cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
      origin_request_policy_id: CLOUDFRONT_MANAGED_POLICIES.allViewer,
      viewer_protocol_policy: "redirect-to-https",
    });
    expect(distribution.ordered_cache_behavior).toBeUndefined();
    expect(distribution.default_root_object).toBeUndefined();
  });

  test("the ALB's certificate covers the preview hosts, so TLS to the origin verifies with their Host", () => {
    const certificates = all(stacks.dev as StackJson, "aws_acm_certificate").map(([, c]) => c);
    const alb = certificates.find((c) => c.domain_name === "origin.dev.platform.example.com") as Resource;
    expect(alb.subject_alternative_names).toEqual(["*.preview.dev.platform.example.com"]);
  });

  test("one wildcard alias serves every preview host; a preview stack adds no DNS record", () => {
    const records = all(stacks.dev as StackJson, "aws_route53_record").map(([, r]) => r);
    const wildcard = records.filter((r) => r.name === "*.preview.dev.platform.example.com");
    expect(wildcard.map((r) => r.type).sort()).toEqual(["A", "AAAA"]);
    expect(all(stacks["preview-pr-7"] as StackJson, "aws_route53_record")).toEqual([]);
  });

  test("the second distribution's account-wide names do not collide with the first's", () => {
    const dev = stacks.dev as StackJson;
    for (const type of ["aws_cloudfront_origin_access_control", "aws_cloudfront_response_headers_policy"]) {
      const names = all(dev, type).map(([, r]) => r.name);
      expect(new Set(names).size, type).toBe(names.length);
    }
  });
});

describe("an environment that says why keeps an internet-facing load balancer", () => {
  test("public subnets, open on 80 and 443, a web ACL of its own, and no VPC origin", () => {
    const [, lb] = only(publicDev, "aws_lb");
    expect(lb.internal).toBe(false);
    for (const subnet of lb.subnets as string[]) expect(subnet).toMatch(/^\$\{aws_subnet\.network_public-/);
    expect(
      all(publicDev, "aws_wafv2_web_acl")
        .map(([, acl]) => acl.scope)
        .sort(),
    ).toEqual(["CLOUDFRONT", "REGIONAL"]);
    expect(all(publicDev, "aws_cloudfront_vpc_origin")).toEqual([]);
  });

  test("the policy rule KIT_ALB_1 records the reason instead of failing", () => {
    const findings = evaluate(modelFromSynth("dev", publicDev as unknown as SynthesisedJson), RULES).findings;
    const alb = findings.filter((f) => f.rule === "KIT_ALB_1");
    expect(alb).toEqual([
      expect.objectContaining({
        status: "suppressed",
        reason: expect.stringContaining("partners call the API directly"),
      }),
    ]);
  });

  test("without the reason, the same load balancer is a violation", () => {
    const [lbName, lb] = only(publicDev, "aws_lb");
    const stripped = structuredClone(publicDev);
    const bare = { ...lb };
    delete bare["//"];
    (stripped.resource.aws_lb as Record<string, Resource>)[lbName] = bare;
    const findings = evaluate(modelFromSynth("dev", stripped as unknown as SynthesisedJson), RULES).findings;
    expect(findings.filter((f) => f.rule === "KIT_ALB_1").map((f) => f.status)).toEqual(["violation"]);
  });
});
