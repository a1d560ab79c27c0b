import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate/index.js";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation/index.js";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record/index.js";
import { Fn, TerraformIterator, type TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";

import { assertDnsName, assertNoDuplicates } from "../validation/validators.js";

/** The DNS-name check, kept exported here where the edge module has always offered it. */
export { assertDnsName } from "../validation/validators.js";

/** Props of `DnsValidatedCertificate`: the names, their zone and the provider that issues it. */
export interface DnsValidatedCertificateProps {
  /** The certificate's subject, e.g. `origin.platform.example.com`. */
  readonly domainName: string;
  /** More names on the same certificate, e.g. `*.preview.dev.example.com`. @default - none */
  readonly subjectAlternativeNames?: readonly string[];
  /** The public Route 53 zone that receives the validation records; every name must be in it. */
  readonly hostedZoneId: string;
  /**
   * The AWS provider the certificate is issued with; CloudFront only accepts certificates from
   * us-east-1. The validation records are written with the stack's default provider (Route 53 is global).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An ACM certificate validated by DNS in a Route 53 zone: one CNAME per distinct name, and an
 * `aws_acm_certificate_validation` that waits until ACM has issued it. Use `certificateArn` (the
 * validation's), not `certificate.arn`, so listeners and distributions wait for the issued certificate.
 *
 * Renewal is automatic as long as the validation records stay in the zone.
 */
export class DnsValidatedCertificate extends Construct {
  /** The ACM certificate; reference `certificateArn` to wait for its validation. */
  readonly certificate: AcmCertificate;
  /** The validation that waits until ACM has issued the certificate. */
  readonly validation: AcmCertificateValidation;
  /** One record per distinct name (`*.x` and `x` share a record), keyed by domain name (`for_each`). */
  readonly validationRecords: Route53Record;
  /** The ARN of the issued certificate: referencing it waits for validation. */
  readonly certificateArn: string;
  /** Every name on the certificate, subject first. */
  readonly names: readonly string[];

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.subjectAlternativeNames ?? [])];
    assertDnsName(props.domainName, "edge.certificate.domainName");
    // A list given as a Terraform reference is checked by the module's variable validation.
    const sansAtPlan = Token.isUnresolved(props.subjectAlternativeNames);
    for (const name of sansAtPlan ? [] : (props.subjectAlternativeNames ?? [])) {
      assertDnsName(name, "edge.certificate.subjectAlternativeNames");
    }
    if (!sansAtPlan) assertNoDuplicates(names, "edge.certificate.subjectAlternativeNames");
    this.names = names;

    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames?.length
        ? [...props.subjectAlternativeNames]
        : undefined,
      validationMethod: "DNS",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      tags: { Name: props.domainName },
      // Listeners and distributions switch to the new certificate before the old one is deleted.
      lifecycle: { createBeforeDestroy: true },
    });

    // `*.x` and `x` validate with the same record; keep the first name of each such pair.
    const base = (name: string) => name.replace(/^\*\./, "");
    const distinct = names.filter((name, i) => names.findIndex((other) => base(other) === base(name)) === i);
    // Names known only at plan (a module's variables): drop `*.x` when `x` is on the certificate too.
    const atPlan = Token.isUnresolved(props.domainName) || sansAtPlan;
    const filter = atPlan
      ? ` if !(startswith(dvo.domain_name, "*.") && contains(${Token.asString(Fn.concat([[props.domainName], props.subjectAlternativeNames ?? []]))}, trimprefix(dvo.domain_name, "*.")))`
      : distinct.length < names.length
        ? ` if contains(${JSON.stringify(distinct)}, dvo.domain_name)`
        : "";
    // Iterate the set itself. TerraformIterator.fromComplexList wraps it in tolist(), and tolist() of a
    // set whose elements are still unknown is unknown as a whole, so with two or more names the plan
    // fails ("for_each keys cannot be determined until apply"). Keyed by domain_name, known at plan.
    const byDomain = TerraformIterator.fromMap(
      Token.asAnyMap(
        `\${{ for dvo in ${this.certificate.fqn}.domain_validation_options : dvo.domain_name => dvo${filter} }}`,
      ),
    );
    this.validationRecords = new Route53Record(this, "validation-record", {
      forEach: byDomain,
      zoneId: props.hostedZoneId,
      name: byDomain.getString("resource_record_name"),
      type: byDomain.getString("resource_record_type"),
      records: [byDomain.getString("resource_record_value")],
      ttl: 60,
      // ACM gives the same record for the same name in one account (a re-created certificate, or the
      // CloudFront and ALB certificates sharing a name): take it over rather than fail.
      allowOverwrite: true,
    });

    this.validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(
        TerraformIterator.fromResources(this.validationRecords).pluckProperty("fqdn"),
      ),
    });
    this.certificateArn = this.validation.certificateArn;
  }
}
