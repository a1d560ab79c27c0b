import { Route53Record } from "@cdktf/provider-aws/lib/route53-record/index.js";
import { Construct } from "constructs";
import { assertDnsName } from "./certificate.js";

/** Props of `AliasRecord`: a name and the AWS endpoint it points at. */
export interface AliasRecordProps {
  /** The Route 53 hosted zone the record goes in. */
  readonly zoneId: string;
  /** The record's name, e.g. `platform.example.com` or `pr-42.preview.dev.example.com`. */
  readonly name: string;
  /** The target's DNS name: an ALB's `dnsName`, a distribution's `*.cloudfront.net` name. */
  readonly targetDnsName: string;
  /** The target's own hosted zone id: an ALB's `zoneId`, CloudFront's `Z2FDTNDATAQYW2`. */
  readonly targetZoneId: string;
  /**
   * Also publish an AAAA alias. Turn it off for IPv4-only targets, such as this module's ALB.
   * @default true
   */
  readonly ipv6?: boolean;
  /**
   * Let Route 53 check the target's health before answering. Only useful with failover or weighted
   * records; must stay off for CloudFront targets.
   * @default false
   */
  readonly evaluateTargetHealth?: boolean;
}

/**
 * A Route 53 alias (A, and AAAA unless `ipv6: false`) from a name to an AWS endpoint. Usable on its
 * own with plain ids, e.g. a preview stack pointing `pr-42.<preview domain>` at dev's ALB read from
 * remote state.
 */
export class AliasRecord extends Construct {
  /** The A alias record. */
  readonly a: Route53Record;
  /** The AAAA alias record; undefined with `ipv6: false`. */
  readonly aaaa: Route53Record | undefined;
  /** The record's name. */
  readonly fqdn: string;

  constructor(scope: Construct, id: string, props: AliasRecordProps) {
    super(scope, id);
    assertDnsName(props.name, "edge.aliasRecord.name");
    const record = (type: "A" | "AAAA") =>
      new Route53Record(this, type.toLowerCase(), {
        zoneId: props.zoneId,
        name: props.name,
        type,
        alias: {
          name: props.targetDnsName,
          zoneId: props.targetZoneId,
          evaluateTargetHealth: props.evaluateTargetHealth ?? false,
        },
      });
    this.a = record("A");
    this.aaaa = (props.ipv6 ?? true) ? record("AAAA") : undefined;
    this.fqdn = this.a.fqdn;
  }
}
