import { expect, test } from "vitest";
import { outcome } from "../rule-fixture.js";
import { ec2Imdsv2 } from "./ec2-imdsv2.js";

const template = (metadata?: Record<string, unknown>) => ({
  address: "aws_launch_template.ec2",
  values: {
    name: "acme-dev-ec2",
    image_id: "ami-0123456789abcdef0",
    ...(metadata ? { metadata_options: [metadata] } : {}),
  },
});
const instance = (metadata?: Record<string, unknown>) => ({
  address: "aws_instance.bastion",
  values: {
    ami: "ami-0123456789abcdef0",
    instance_type: "t4g.nano",
    ...(metadata ? { metadata_options: [metadata] } : {}),
  },
});

test("passes a launch template or instance that requires IMDSv2, or has no metadata endpoint", () => {
  expect(outcome(ec2Imdsv2, [template({ http_tokens: "required", http_endpoint: "enabled" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
  expect(outcome(ec2Imdsv2, [instance({ http_tokens: "required" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
  expect(outcome(ec2Imdsv2, [instance({ http_endpoint: "disabled" })])).toEqual({
    plan: "pass",
    synth: "pass",
  });
});

test("fails one that allows IMDSv1 or says nothing", () => {
  expect(outcome(ec2Imdsv2, [template({ http_tokens: "optional" })])).toMatchObject({
    plan: "violation",
    synth: "violation",
    message: 'metadata_options.http_tokens is "optional"',
  });
  expect(outcome(ec2Imdsv2, [template()])).toMatchObject({
    plan: "violation",
    message: "metadata_options.http_tokens is not set (IMDSv1 allowed)",
  });
  expect(outcome(ec2Imdsv2, [instance({ http_endpoint: "enabled" })])).toMatchObject({ plan: "violation" });
});
