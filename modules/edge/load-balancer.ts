import type { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbListenerCertificate } from "@cdktf/provider-aws/lib/lb-listener-certificate/index.js";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { conditional, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import {
  allowIngressFromCidr,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import type { Bucket } from "../storage/bucket.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn, assertIntegerInRange, type IntegerRange } from "../validation/validators.js";
import { AliasRecord } from "./alias-record.js";
import { DnsValidatedCertificate } from "./certificate.js";
import { elbLogDeliveryPrincipal, elbLogDeliveryPrincipalsAtPlan } from "./elb-log-delivery.js";
import { HostRule } from "./host-rule.js";
import { ListenerRule, type ListenerRuleOptions } from "./listener-rule.js";
import { ServiceTargetGroup } from "./target-group.js";
import { cloudFrontPrefixListId } from "./vpc-origin.js";
import { type ClientAddressSource, type ManagedRuleGroup, WebAcl } from "./waf.js";

/** TLS 1.3 and 1.2 with forward-secret AEAD ciphers only. */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Priority of the rule that hides `/metrics` from the internet; below every host rule (≥ 100). */
export const METRICS_DENY_PRIORITY = 1;
/** The fewest public subnets (each in its own availability zone) an ALB accepts. */
export const ALB_MIN_SUBNETS = 2;
/** The rule on `subnetIds`, in the words of its check. */
export const ALB_SUBNETS_RULE = "an ALB needs subnets in at least two availability zones";
/** An access-log key prefix ELB accepts (and that keeps out of ELB's own `AWSLogs/` tree). */
export const ACCESS_LOG_PREFIX = /^[a-z0-9][a-z0-9/-]*[a-z0-9]$/;
/** The rule on `accessLogs.prefix`, in the words of its check. */
export const ACCESS_LOG_PREFIX_RULE = "must be lowercase letters, digits, - and /, without AWSLogs";
/** The idle timeouts an ALB accepts. */
export const IDLE_TIMEOUT_SECONDS: IntegerRange = { min: 1, max: 4000, unit: "seconds" };
/** `Strict-Transport-Security` the HTTPS listener adds when the service sets none: two years. */
const HSTS = "max-age=63072000; includeSubDomains";

/**
 * A load balancer by its address: a `LoadBalancer` of this stack, or the attributes of one read from
 * another stack's state (`LoadBalancer.fromAttributes`; previews add host rules to dev's listener).
 */
export interface LoadBalancerRef {
  /** The load balancer's ARN. */
  readonly arn: string;
  /** `app/<name>/<id>`, the CloudWatch `LoadBalancer` dimension. */
  readonly arnSuffix: string;
  /** The load balancer's AWS DNS name (alias target). */
  readonly dnsName: string;
  /** The load balancer's canonical hosted zone id (alias target). */
  readonly zoneId: string;
  /** The load balancer's security group: the source a service admits (`service.allowFrom`). */
  readonly securityGroupId: string;
  /** The HTTPS listener, where host rules go. */
  readonly httpsListenerArn: string;
}

/** Props of `LoadBalancer`: where it runs, its names and certificate, logs and WAF. */
export interface LoadBalancerProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /** The VPC of the service's tasks. */
  readonly vpcId: string;
  /**
   * Subnets in at least two availability zones: public ones for an internet-facing load balancer,
   * private ones with `internal: true`.
   */
  readonly subnetIds: readonly string[];
  /**
   * An internal load balancer, reached only through a CloudFront VPC origin (`LoadBalancerVpcOrigin`):
   * no public addresses, and its security group admits HTTPS from CloudFront's origin-facing prefix
   * list only (nothing from `0.0.0.0/0`). Put it in private subnets. Switching an existing load
   * balancer replaces it (and its listeners): turn deletion protection off for that one apply.
   * @default false (internet-facing, 80 and 443 open to the internet)
   */
  readonly internal?: boolean;
  /**
   * The id of the `com.amazonaws.global.cloudfront.origin-facing` prefix list, for `internal: true`
   * in a region missing from `CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS`.
   * @default - the table's id for `naming.region`
   */
  readonly originPrefixListId?: string;
  /** The public Route 53 zone for `domainName`, its certificate validation records and alias. */
  readonly hostedZoneId: string;
  /** The load balancer's own name, e.g. `origin.platform.example.com` (CloudFront's API origin). */
  readonly domainName: string;
  /**
   * More names on the load balancer's certificate, e.g. `*.preview.dev.example.com` for preview hosts.
   * Each must be in `hostedZoneId`.
   * @default - none
   */
  readonly subjectAlternativeNames?: readonly string[];
  /** The port the service listens on. @default 3000 */
  readonly targetPort?: number;
  /** The service's readiness path. @default "/readyz" */
  readonly healthCheckPath?: string;
  /** Refuse to delete the load balancer (turn off only for throwaway environments). @default true */
  readonly deletionProtection?: boolean;
  /**
   * Where access logs go: a modules/storage `Bucket` encrypted with SSE-S3 (ALB log delivery cannot
   * write to SSE-KMS buckets), in the stack's region. The module adds the log-delivery statement to
   * its policy. Logs land under `<prefix>/AWSLogs/<account>/`.
   */
  readonly accessLogs: {
    /** The bucket (SSE-S3) the logs go to. */
    readonly bucket: Bucket;
    /** The key prefix the logs go under. @default "alb" */
    readonly prefix?: string;
  };
  /** Seconds an idle connection is kept open. @default 60 */
  readonly idleTimeoutSeconds?: number;
  /**
   * How requests that may be HTTP-desync attacks are handled: `strictest` rejects every request that
   * is not RFC 7230 compliant; `defensive` (the AWS default) lets ambiguous but low-risk ones through.
   * @default "strictest"
   */
  readonly desyncMitigationMode?: "defensive" | "strictest";
  /** Protect the load balancer with a regional WAF web ACL. @default true */
  readonly waf?: boolean;
  /** Requests one client may send in 5 minutes before WAF blocks it. @default 2000 */
  readonly wafRateLimitPer5Min?: number;
  /** Managed WAF rules that only count, per group (see `WebAcl`). @default - all block */
  readonly wafCountOnlyRules?: Partial<Record<ManagedRuleGroup, readonly string[]>>;
  /** Days to keep WAF logs. @default 30 */
  readonly wafLogRetentionDays?: number;
  /**
   * Most requests arrive through CloudFront, so WAF rate-limits per client address in
   * X-Forwarded-For (and per source address for requests without the header) instead of per
   * CloudFront edge address.
   * @default true
   */
  readonly behindCloudFront?: boolean;
}

/**
 * An Application Load Balancer, HTTPS only — internet-facing in public subnets, or (`internal: true`)
 * internal in private subnets behind a CloudFront VPC origin:
 * - security group open to the internet on 80 and 443 (IPv4; the ALB is IPv4-only), or for an internal
 *   one to CloudFront's origin-facing prefix list on 443 only; no egress rules of its own —
 *   `service.allowFrom(alb.securityGroup)` writes the one path out, to the service's port;
 * - HTTP listener that only redirects to HTTPS (301);
 * - HTTPS listener with the TLS 1.3 policy and a DNS-validated ACM certificate (waits for issue),
 *   forwarding to the default target group, with HSTS, nosniff and frame-deny headers and no
 *   `Server` header;
 * - `/metrics*` answered 404 at priority 1, before any host rule (host rules need priority ≥ 100);
 * - invalid header fields dropped, strictest desync mitigation, access logs to S3, deletion protection;
 * - a regional WAF web ACL; an alias `domainName` → the load balancer.
 */
export class LoadBalancer extends Construct implements LoadBalancerRef {
  /**
   * A load balancer created elsewhere (another stack, read from its state), to add host rules to
   * and to admit on services, without owning it. Creates nothing until a method is called.
   */
  static fromAttributes(scope: Construct, id: string, attributes: LoadBalancerRef): ImportedLoadBalancer {
    return new ImportedLoadBalancer(scope, id, attributes);
  }

  /** The Application Load Balancer. */
  readonly alb: Lb;
  /** Its security group: 80 and 443 from the internet (internal: 443 from CloudFront); services admit it with `allowFrom`. */
  readonly securityGroup: SecurityGroup;
  /** The HTTPS listener (TLS 1.3 policy), forwarding to `targetGroup`. */
  readonly httpsListener: LbListener;
  /** The HTTP listener, which only redirects to HTTPS. */
  readonly httpListener: LbListener;
  /** The default target group: the environment's service registers here. */
  readonly targetGroup: ServiceTargetGroup;
  /** The ACM certificate (use `dnsCertificate.certificateArn` to wait for its validation). */
  readonly certificate: AcmCertificate;
  /** Certificate, validation records and validation. */
  readonly dnsCertificate: DnsValidatedCertificate;
  /** The rule that answers `/metrics*` with 404. */
  readonly metricsDenyRule: LbListenerRule;
  /** `domainName` → the load balancer. */
  readonly aliasRecord: AliasRecord;
  /** The regional WAF web ACL, unless `waf` is off. */
  readonly webAcl: WebAcl | undefined;
  /** The load balancer's ARN. */
  readonly arn: string;
  /** `app/<name>/<id>`, the CloudWatch `LoadBalancer` dimension. */
  readonly arnSuffix: string;
  /** The load balancer's AWS DNS name (alias target). */
  readonly dnsName: string;
  /** The load balancer's canonical hosted zone id (alias target). */
  readonly zoneId: string;
  /** Its own name, `origin.<domain>`. */
  readonly domainName: string;
  /** Whether it is internal (reached through a CloudFront VPC origin) rather than internet-facing. */
  readonly internal: boolean;
  readonly securityGroupId: string;
  readonly httpsListenerArn: string;
  /** Priorities taken on the HTTPS listener, with what took them (the `/metrics` deny rule holds 1). */
  private readonly rulePriorities = reservedPriorities();
  private readonly hostedZoneId: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { naming } = props;
    // Lists given as Terraform references are checked by the module's variable validation.
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < ALB_MIN_SUBNETS) {
      throw new PropError("edge.subnetIds", ALB_SUBNETS_RULE);
    }
    const { bucket } = props.accessLogs;
    if (bucket.kmsKeyArn) {
      throw new PropError(
        "edge.accessLogs.bucket",
        "ALB access logs can only be written to an SSE-S3 bucket; give a bucket without kmsKeyArn",
      );
    }
    const prefix = props.accessLogs.prefix ?? "alb";
    if (!Token.isUnresolved(prefix) && (!ACCESS_LOG_PREFIX.test(prefix) || prefix.includes("AWSLogs"))) {
      throw new PropError("edge.accessLogs.prefix", `"${prefix}" ${ACCESS_LOG_PREFIX_RULE}`);
    }
    const idleTimeout = assertIntegerInRange(
      props.idleTimeoutSeconds ?? 60,
      "edge.idleTimeoutSeconds",
      IDLE_TIMEOUT_SECONDS,
    );
    this.domainName = props.domainName;
    this.hostedZoneId = props.hostedZoneId;
    const internal = props.internal ?? false;
    this.internal = internal;
    const originPrefixList = internal
      ? cloudFrontPrefixListId(naming.region, "edge.originPrefixListId", props.originPrefixListId)
      : undefined;

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose: "alb",
      vpcId: props.vpcId,
      // Kept as it was in both modes: a new description replaces the group, and other stacks'
      // rules (previews' services admit it) would hold up its deletion. The rules say who may reach it.
      description: "Internet to the ALB on 80 (redirect) and 443; out only to the service",
    });
    this.securityGroupId = this.securityGroup.id;
    if (originPrefixList) {
      // The prefix list weighs 55 against the group's 60 inbound rules: it is the only one here.
      new VpcSecurityGroupIngressRule(this, "ingress-cloudfront", {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: originPrefixList,
        description: "HTTPS from CloudFront (VPC origin, origin-facing prefix list)",
      });
    } else {
      for (const port of [80, 443]) {
        allowIngressFromCidr(this, `ingress-${port}`, {
          group: this.securityGroup,
          port,
          cidr: "0.0.0.0/0",
          description:
            port === 80 ? "HTTP from the internet (redirected to HTTPS)" : "HTTPS from the internet",
        });
      }
    }

    // A region known only at plan (a module's provider) grants both kinds of log-delivery principal.
    const principals = Token.isUnresolved(naming.region)
      ? elbLogDeliveryPrincipalsAtPlan(naming.region, naming.accountId)
      : [elbLogDeliveryPrincipal(naming.region)];
    principals.forEach((principal, i) => {
      bucket.addToResourcePolicy({
        sid: i === 0 ? "AlbAccessLogDelivery" : "AlbAccessLogDeliveryService",
        principal,
        actions: ["s3:PutObject"],
        resources: [`${bucket.bucketArn}/${prefix}/AWSLogs/${naming.accountId}/*`],
      });
    });

    this.alb = new Lb(this, "alb", {
      name: naming.name("alb", NAME_LIMITS.loadBalancer),
      loadBalancerType: "application",
      internal,
      ipAddressType: "ipv4",
      subnets: [...props.subnetIds],
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: props.desyncMitigationMode ?? "strictest",
      enableDeletionProtection: props.deletionProtection ?? true,
      enableHttp2: true,
      idleTimeout,
      accessLogs: { bucket: bucket.bucketName, prefix, enabled: true },
      tags: { Name: naming.name("alb") },
      // ELB checks that it may write to the bucket when logging is switched on.
      dependsOn: [bucket.policy],
    });
    this.arn = this.alb.arn;
    this.arnSuffix = this.alb.arnSuffix;
    this.dnsName = this.alb.dnsName;
    this.zoneId = this.alb.zoneId;

    this.dnsCertificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames,
      hostedZoneId: props.hostedZoneId,
    });
    this.certificate = this.dnsCertificate.certificate;

    this.targetGroup = new ServiceTargetGroup(this, "target-group", {
      naming,
      name: "app",
      vpcId: props.vpcId,
      port: props.targetPort,
      healthCheckPath: props.healthCheckPath,
    });

    this.httpListener = new LbListener(this, "http", {
      loadBalancerArn: this.alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    this.httpsListener = new LbListener(this, "https", {
      loadBalancerArn: this.alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: ALB_SSL_POLICY,
      certificateArn: this.dnsCertificate.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      // Added only when the response has none: direct (preview) traffic gets them too.
      routingHttpResponseStrictTransportSecurityHeaderValue: HSTS,
      routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
      routingHttpResponseXFrameOptionsHeaderValue: "DENY",
      routingHttpResponseServerEnabled: false,
    });
    this.httpsListenerArn = this.httpsListener.arn;

    // Prometheus metrics are for the VPC (scraped from the task), never for the internet.
    this.metricsDenyRule = new LbListenerRule(this, "deny-metrics", {
      listenerArn: this.httpsListener.arn,
      priority: METRICS_DENY_PRIORITY,
      condition: [{ pathPattern: { values: ["/metrics*"] } }],
      action: [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" },
        },
      ],
      tags: { Name: naming.name("deny-metrics") },
    });

    this.aliasRecord = new AliasRecord(this, "alias", {
      zoneId: props.hostedZoneId,
      name: props.domainName,
      targetDnsName: this.alb.dnsName,
      targetZoneId: this.alb.zoneId,
      ipv6: false,
    });

    // `waf` given as a Terraform reference creates the ACL; the module makes it conditional.
    if (props.waf ?? true) {
      const behindCloudFront = props.behindCloudFront ?? true;
      this.webAcl = new WebAcl(this, "waf", {
        naming,
        purpose: "alb",
        scope: "REGIONAL",
        rateLimitPer5Min: props.wafRateLimitPer5Min,
        // Known only at plan: a local, so that WebAcl's comparison with it parses as meant.
        clientAddress: Token.isUnresolved(behindCloudFront)
          ? (new TerraformLocal(
              this,
              "waf-client-address",
              conditional(behindCloudFront, "x-forwarded-for", "source-ip"),
            ).asString as ClientAddressSource)
          : behindCloudFront
            ? "x-forwarded-for"
            : "source-ip",
        countOnlyRules: props.wafCountOnlyRules,
        logRetentionDays: props.wafLogRetentionDays,
      });
      this.webAcl.associate("association", this.alb.arn);
    }
  }

  /**
   * Forwards requests for `host` to a target group, on this load balancer's HTTPS listener.
   * `priority` must be unique and ≥ 100 (`HOST_RULE_MIN_PRIORITY`). The host must be covered by the
   * certificate (`domainName` or `subjectAlternativeNames`). Stacks that only have the listener's ARN
   * (previews) use `new HostRule(...)` directly.
   */
  addHostRule(host: string, targetGroupArn: string, priority: number): HostRule {
    return addHostRule(this, this.rulePriorities, {
      listenerArn: this.httpsListenerArn,
      host,
      targetGroupArn,
      priority,
    });
  }

  /**
   * A general rule on the HTTPS listener (`ListenerRule`: conditions on host, path, headers, method,
   * query string, source address; forward, weighted forward, redirect or fixed response, optionally
   * behind OIDC or Cognito sign-in). Its priority must not be taken by another rule added here, a
   * host rule or the `/metrics` deny rule (1): a collision is refused at synth.
   */
  addRule(id: string, options: ListenerRuleOptions): ListenerRule {
    return addRule(this, this.rulePriorities, id, { ...options, listenerArn: this.httpsListenerArn });
  }

  /**
   * Serves one more certificate on the HTTPS listener (SNI), for names the main certificate does
   * not cover: an existing ACM certificate by ARN, or a new DNS-validated one for `domainName`
   * (validated in `hostedZoneId`, by default the load balancer's zone).
   */
  addCertificate(id: string, certificate: ListenerCertificateSource): ListenerCertificate {
    return addCertificate(this, id, this.httpsListenerArn, certificate, this.hostedZoneId);
  }
}

/** One more certificate for a listener: an existing one by ARN, or a new DNS-validated one. */
export type ListenerCertificateSource =
  | {
      /** An issued ACM certificate in the load balancer's region. */
      readonly certificateArn: string;
    }
  | {
      /** The certificate's subject. */
      readonly domainName: string;
      /** More names on it. @default - none */
      readonly subjectAlternativeNames?: readonly string[];
      /**
       * The public zone of the names (validation records).
       * @default - the load balancer's `hostedZoneId` (required on an imported load balancer)
       */
      readonly hostedZoneId?: string;
    };

/** What `addCertificate` made. */
export interface ListenerCertificate {
  /** The listener certificate (`aws_lb_listener_certificate`). */
  readonly listenerCertificate: LbListenerCertificate;
  /** The certificate's ARN (for a new one, its validation's: the listener waits for issue). */
  readonly certificateArn: string;
  /** The new certificate, when a `domainName` was given. */
  readonly dnsCertificate: DnsValidatedCertificate | undefined;
}

/**
 * A load balancer created elsewhere, by its attributes (`LoadBalancer.fromAttributes`): host rules
 * go on its HTTPS listener, and its security group is a source services admit. Nothing of the load
 * balancer itself is managed here.
 */
export class ImportedLoadBalancer extends Construct implements LoadBalancerRef {
  /** The load balancer's ARN, as given. */
  readonly arn: string;
  /** `app/<name>/<id>`, the CloudWatch `LoadBalancer` dimension, as given. */
  readonly arnSuffix: string;
  /** The load balancer's AWS DNS name (alias target), as given. */
  readonly dnsName: string;
  /** The load balancer's canonical hosted zone id (alias target), as given. */
  readonly zoneId: string;
  /** The load balancer's security group id, as given. */
  readonly securityGroupId: string;
  /** The HTTPS listener's ARN, as given: host rules go there. */
  readonly httpsListenerArn: string;
  /** The load balancer's security group, as a source for `allowFrom`. */
  readonly securityGroup: SecurityGroupRef;
  /** Priorities taken by rules added here (1 stays reserved for the owner's `/metrics` deny rule). */
  private readonly rulePriorities = reservedPriorities();

  constructor(scope: Construct, id: string, attributes: LoadBalancerRef) {
    super(scope, id);
    assertArn(attributes.arn, "edge.loadBalancer.arn", ARN_KINDS.loadBalancer);
    assertArn(attributes.httpsListenerArn, "edge.loadBalancer.httpsListenerArn", ARN_KINDS.listener);
    this.arn = attributes.arn;
    this.arnSuffix = attributes.arnSuffix;
    this.dnsName = attributes.dnsName;
    this.zoneId = attributes.zoneId;
    this.securityGroupId = attributes.securityGroupId;
    this.httpsListenerArn = attributes.httpsListenerArn;
    this.securityGroup = { id: attributes.securityGroupId };
  }

  /**
   * Forwards requests for `host` to a target group, on the HTTPS listener, as
   * `LoadBalancer.addHostRule` does. Priorities are checked only against the rules added here: the
   * owning stack's rules are not known to this one.
   */
  addHostRule(host: string, targetGroupArn: string, priority: number): HostRule {
    return addHostRule(this, this.rulePriorities, {
      listenerArn: this.httpsListenerArn,
      host,
      targetGroupArn,
      priority,
    });
  }

  /**
   * A general rule on the HTTPS listener, as `LoadBalancer.addRule` adds it. Priorities are checked
   * against the rules added here and the owner's `/metrics` deny rule (1) only.
   */
  addRule(id: string, options: ListenerRuleOptions): ListenerRule {
    return addRule(this, this.rulePriorities, id, { ...options, listenerArn: this.httpsListenerArn });
  }

  /** One more certificate on the HTTPS listener (SNI); a new one needs `hostedZoneId`. */
  addCertificate(id: string, certificate: ListenerCertificateSource): ListenerCertificate {
    return addCertificate(this, id, this.httpsListenerArn, certificate, undefined);
  }
}

/** A listener's taken priorities, the `/metrics` deny rule's already in. */
function reservedPriorities(): Map<number, string> {
  return new Map([[METRICS_DENY_PRIORITY, "the /metrics deny rule"]]);
}

function addRule(
  scope: Construct,
  taken: Map<number, string>,
  id: string,
  props: ListenerRuleOptions & { listenerArn: string },
): ListenerRule {
  const holder = taken.get(props.priority);
  if (holder !== undefined) {
    throw new PropError("edge.addRule.priority", `${props.priority} is already used by ${holder}`);
  }
  const rule = new ListenerRule(scope, `rule-${id}`, props);
  taken.set(props.priority, `rule "${id}"`);
  return rule;
}

function addCertificate(
  scope: Construct,
  id: string,
  listenerArn: string,
  source: ListenerCertificateSource,
  defaultZoneId: string | undefined,
): ListenerCertificate {
  let certificateArn: string;
  let dnsCertificate: DnsValidatedCertificate | undefined;
  if ("certificateArn" in source) {
    certificateArn = source.certificateArn;
    if (
      !Token.isUnresolved(certificateArn) &&
      !/^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)
    ) {
      throw new PropError(
        "edge.addCertificate.certificateArn",
        `"${certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`,
      );
    }
  } else {
    const hostedZoneId = source.hostedZoneId ?? defaultZoneId;
    if (hostedZoneId === undefined) {
      throw new PropError(
        "edge.addCertificate.hostedZoneId",
        "is required for a new certificate on an imported load balancer",
      );
    }
    dnsCertificate = new DnsValidatedCertificate(scope, `sni-certificate-${id}`, {
      domainName: source.domainName,
      subjectAlternativeNames: source.subjectAlternativeNames,
      hostedZoneId,
    });
    certificateArn = dnsCertificate.certificateArn;
  }
  const listenerCertificate = new LbListenerCertificate(scope, `sni-${id}`, { listenerArn, certificateArn });
  return { listenerCertificate, certificateArn, dnsCertificate };
}

/** The one way a host rule is added to a load balancer's listener, owned or referenced. */
function addHostRule(
  scope: Construct,
  taken: Map<number, string>,
  rule: { listenerArn: string; host: string; targetGroupArn: string; priority: number },
): HostRule {
  const { host, priority } = rule;
  const holder = taken.get(priority);
  if (holder !== undefined) {
    throw new PropError("edge.addHostRule.priority", `${priority} is already used by ${holder}`);
  }
  const hostRule = new HostRule(scope, `host-rule-${priority}`, rule);
  taken.set(priority, host);
  return hostRule;
}
