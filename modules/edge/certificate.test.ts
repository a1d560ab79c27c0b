import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { synthesise } from "../testing/synthesised.js";
import { DnsValidatedCertificate } from "./certificate.js";

const zone = "Z0123456789ABCDEFGHIJ";

const single = synthesise((scope) => {
  new DnsValidatedCertificate(scope, "cert", {
    domainName: "origin.platform.example.com",
    hostedZoneId: zone,
  });
});

const several = synthesise((scope) => {
  new DnsValidatedCertificate(scope, "cert", {
    domainName: "origin.platform.example.com",
    subjectAlternativeNames: ["*.preview.dev.example.com", "preview.dev.example.com", "api.example.com"],
    hostedZoneId: zone,
    provider: new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" }),
  });
});

/** A Terraform reference to the current `for_each` element's attribute. */
const each = (attribute: string) => `\${each.value.${attribute}}`;
const certificate = (s: typeof single) =>
  `aws_acm_certificate.${Object.keys(s.resources("aws_acm_certificate"))[0]}`;

describe("DnsValidatedCertificate", () => {
  test("requests a DNS-validated certificate with transparency logging, replaced before it is destroyed", () => {
    expect(single.only("aws_acm_certificate")).toMatchObject({
      domain_name: "origin.platform.example.com",
      validation_method: "DNS",
      options: { certificate_transparency_logging_preference: "ENABLED" },
      lifecycle: { create_before_destroy: true },
    });
  });

  test("one validation record per name, keyed by domain name, iterating the set without tolist()", () => {
    expect(single.only("aws_route53_record")).toMatchObject({
      for_each: `\${{ for dvo in ${certificate(single)}.domain_validation_options : dvo.domain_name => dvo }}`,
      zone_id: zone,
      name: each("resource_record_name"),
      type: each("resource_record_type"),
      records: [each("resource_record_value")],
      ttl: 60,
      allow_overwrite: true,
    });
  });

  test("a wildcard and its base name share one record: only the first of the pair is kept", () => {
    expect(several.only("aws_route53_record").for_each).toBe(
      `\${{ for dvo in ${certificate(several)}.domain_validation_options : dvo.domain_name => dvo if contains(["origin.platform.example.com","*.preview.dev.example.com","api.example.com"], dvo.domain_name) }}`,
    );
  });

  test("the validation waits for every record, and the certificate ARN to use is the validation's", () => {
    const record = Object.keys(single.resources("aws_route53_record"))[0];
    expect(single.only("aws_acm_certificate_validation")).toMatchObject({
      certificate_arn: `\${${certificate(single)}.arn}`,
      validation_record_fqdns: `\${[ for key, val in aws_route53_record.${record}: val.fqdn]}`,
    });
  });

  test("with a provider, certificate and validation use it; the records use the stack's (Route 53 is global)", () => {
    expect(several.only("aws_acm_certificate").provider).toBe("aws.us_east_1");
    expect(several.only("aws_acm_certificate_validation").provider).toBe("aws.us_east_1");
    expect(several.only("aws_route53_record").provider).toBeUndefined();
  });

  test("names must be lowercase DNS names and listed once", () => {
    for (const [domainName, subjectAlternativeNames, field] of [
      ["Example.com", [], "edge.certificate.domainName"],
      ["example.com", ["https://www.example.com"], "edge.certificate.subjectAlternativeNames"],
      ["example.com", ["www.example.com", "www.example.com"], "listed twice"],
    ] as const) {
      expect(() =>
        synthesise((scope) => {
          new DnsValidatedCertificate(scope, "cert", {
            domainName,
            subjectAlternativeNames,
            hostedZoneId: zone,
          });
        }),
      ).toThrow(field);
    }
  });
});

describe("names known only at plan (a Terraform module's variables)", () => {
  const atPlan = synthesise((scope) => {
    new DnsValidatedCertificate(scope, "cert", {
      domainName: new TerraformVariable(scope, "domain_name", { type: "string" }).stringValue,
      subjectAlternativeNames: new TerraformVariable(scope, "sans", { type: "list(string)" }).listValue,
      hostedZoneId: zone,
    });
  });

  test("the list goes through unchecked (the module's validation checks it)", () => {
    expect(atPlan.only("aws_acm_certificate")).toMatchObject({
      domain_name: `\${var.domain_name}`,
      subject_alternative_names: `\${var.sans}`,
    });
  });

  test("a wildcard whose base name is also on the certificate shares its record: dropped at plan", () => {
    expect(atPlan.only("aws_route53_record").for_each).toBe(
      `\${{ for dvo in ${certificate(atPlan)}.domain_validation_options : dvo.domain_name => dvo if !(startswith(dvo.domain_name, "*.") && contains(concat([var.domain_name], var.sans), trimprefix(dvo.domain_name, "*."))) }}`,
    );
  });
});
