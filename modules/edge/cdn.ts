import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution/index.js";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control/index.js";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy/index.js";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery/index.js";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination/index.js";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { assertLogRetention } from "../logs/retention.js";
import type { Naming } from "../naming/naming.js";
import type { Bucket } from "../storage/bucket.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, assertNoDuplicates, assertNonEmptyList } from "../validation/validators.js";
import { AliasRecord } from "./alias-record.js";
import type { CachePolicy, OriginRequestPolicy } from "./cache-policy.js";
import { assertDnsName, DnsValidatedCertificate } from "./certificate.js";
import { CloudFrontFunction, spaDeepLinkFunctionCode } from "./cloudfront-function.js";
import { type ManagedRuleGroup, WebAcl } from "./waf.js";

/**
 * AWS managed CloudFront policies, by their fixed ids (the same in every account), so that no
 * `aws_cloudfront_*_policy` data source has to call AWS at plan time. Sources:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 */
export const CLOUDFRONT_MANAGED_POLICIES = {
  /** Cache policy `Managed-CachingOptimized`: long TTLs, no cookies/query/headers in the key, gzip + brotli. */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Cache policy `Managed-CachingDisabled`: TTL 0, nothing cached. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Origin request policy `Managed-AllViewerExceptHostHeader`: every viewer header, cookie and query string except Host. */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
  /** Origin request policy `Managed-AllViewer`: every viewer header (Host included), cookie and query string. */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/** CloudFront's hosted zone id, the target zone of every alias to a distribution. */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/** No inline script or style, nothing from other origins, no framing. */
export const DEFAULT_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Source expressions that defeat a Content-Security-Policy; `contentSecurityPolicy` refuses them. */
export const UNSAFE_CSP_SOURCE = /'unsafe-(inline|eval|hashes)'/;
/** The rule on `contentSecurityPolicy`, in the words of its check. */
export const CSP_RULE =
  "must not allow 'unsafe-inline', 'unsafe-eval' or 'unsafe-hashes', which defeat the policy; move inline code to files (or use hashes)";

/** Paths CloudFront sends to the API origin (the ALB) rather than the assets bucket. */
export const DEFAULT_API_PATHS = ["/api/*", "/healthz", "/readyz"] as const;

/** The methods CloudFront passes to the API origin. */
const API_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] as const;

/** Two years, the HSTS preload list's recommendation (its minimum is one). */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** The error codes CloudFront accepts in a custom error response. */
export const CLOUDFRONT_ERROR_CODES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504] as const;

/** One more cache behaviour of a `Cdn`, for the requests whose path matches `pathPattern`. */
export interface CdnBehaviour {
  /** The path pattern (`*` and `?` wildcards), e.g. `/static/*`. */
  readonly pathPattern: string;
  /** Which origin serves it: the assets bucket or the API origin (which must then be given). */
  readonly origin: "assets" | "api";
  /**
   * The cache policy: a `CachePolicy`, or a policy id (`CLOUDFRONT_MANAGED_POLICIES`).
   * @default - assets: `Managed-CachingOptimized`; api: `Managed-CachingDisabled`
   */
  readonly cachePolicy?: CachePolicy | string;
  /**
   * The origin request policy: an `OriginRequestPolicy`, or a policy id.
   * @default - assets: none; api: the API paths' (`Managed-AllViewerExceptHostHeader`, or `Managed-AllViewer` with `forwardHostHeader`)
   */
  readonly originRequestPolicy?: OriginRequestPolicy | string;
  /** CloudFront Functions run on this behaviour's viewer requests. @default - none */
  readonly functions?: {
    /** Runs on each viewer request before the cache is looked up. @default - none */
    readonly viewerRequest?: CloudFrontFunction;
  };
}

/** A page CloudFront answers with when the origin returns an error. */
export interface CdnErrorResponse {
  /** The origin's status code, one of `CLOUDFRONT_ERROR_CODES`. */
  readonly errorCode: number;
  /** The status code the viewer gets (with `responsePagePath`). @default - the origin's */
  readonly responseCode?: number;
  /** The page the viewer gets instead, e.g. `/errors/404.html` (from the default behaviour's origin). @default - the origin's body */
  readonly responsePagePath?: string;
  /** Seconds CloudFront caches the error. @default 10 */
  readonly ttlSeconds?: number;
}

/** Props of `Cdn`: the domain, the assets bucket, the optional API origin and the edge protections. */
export interface CdnProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /**
   * Prefixes the names of the distribution's account-wide resources (origin access control, headers
   * policy, log delivery), so that a second `Cdn` in the same environment does not collide:
   * `<prefix>-<purpose>-security-headers`.
   * @default - none: `<prefix>-security-headers`
   */
  readonly purpose?: string;
  /**
   * The environment's domain, served by the distribution, e.g. `platform.example.com`; a wildcard
   * (`*.preview.dev.example.com`) serves every name under it.
   */
  readonly domainName: string;
  /** The public Route 53 zone of `domainName`: certificate validation and the alias record. */
  readonly hostedZoneId: string;
  /**
   * The static-assets bucket (default behaviour). The module adds the Origin Access Control
   * statement to its policy: `s3:GetObject` for `cloudfront.amazonaws.com` from this distribution only.
   * With SSE-KMS, the key policy must also let CloudFront decrypt (not done here); use SSE-S3.
   * @default - no bucket: every path goes to `apiOrigin` (which is then required)
   */
  readonly assets?: Bucket;
  /**
   * The API origin: the ALB's own name (`origin.<domain>`), reached over HTTPS. `apiPaths` go there,
   * uncached, with every viewer header, cookie and query string except Host.
   * @default - no API origin: everything is served from the bucket
   */
  readonly apiOrigin?: {
    /** The ALB's own DNS name with a certificate for it, e.g. `origin.platform.example.com`. */
    readonly domainName: string;
    /**
     * Reach an internal ALB through this CloudFront VPC origin (`LoadBalancerVpcOrigin.id`) instead
     * of over the internet. `domainName` must still be a name on the ALB's certificate: CloudFront
     * checks it (TLS to the origin is verified either way).
     * @default - over the internet (an internet-facing ALB)
     */
    readonly vpcOriginId?: string;
  };
  /**
   * Send the viewer's `Host` header to `apiOrigin` (origin request policy `Managed-AllViewer`), so
   * the load balancer's host rules see the name the viewer asked for (preview hosts). The ALB's
   * certificate must then cover every name the distribution serves.
   * @default false (`Managed-AllViewerExceptHostHeader`: the origin sees `apiOrigin.domainName`)
   */
  readonly forwardHostHeader?: boolean;
  /** Path patterns routed to `apiOrigin`. @default ["/api/*", "/healthz", "/readyz"] */
  readonly apiPaths?: readonly string[];
  /** A provider for us-east-1: CloudFront's certificate, web ACL and log delivery live there. */
  readonly usEast1Provider: AwsProvider;
  /** Which edge locations serve the site. @default "PriceClass_100" (North America and Europe) */
  readonly priceClass?: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** Protect the distribution with a CLOUDFRONT-scope WAF web ACL. @default true */
  readonly waf?: boolean;
  /**
   * Attach this existing CLOUDFRONT-scope web ACL (another `Cdn`'s `webAcl.arn`) instead of creating
   * one: one ACL, its fee and its logs, for several distributions of an environment. `waf` and the
   * `waf…` props are then ignored.
   * @default - a web ACL of its own (unless `waf: false`)
   */
  readonly webAclArn?: string;
  /** Requests one client may send in 5 minutes before WAF blocks it. @default 2000 */
  readonly wafRateLimitPer5Min?: number;
  /** Managed WAF rules that only count, per group (see `WebAcl`). @default - all block */
  readonly wafCountOnlyRules?: Partial<Record<ManagedRuleGroup, readonly string[]>>;
  /** Days to keep WAF logs. @default 30 */
  readonly wafLogRetentionDays?: number;
  /**
   * The Content-Security-Policy header; `'unsafe-inline'` and `'unsafe-eval'` are refused.
   * @default - `DEFAULT_CONTENT_SECURITY_POLICY`: same origin only, no inline code, no framing
   */
  readonly contentSecurityPolicy?: string;
  /**
   * Access logs (CloudFront standard logging v2) to a CloudWatch log group in us-east-1, kept this
   * many days; `false` turns them off. (Legacy standard logging needs S3 ACLs, which this kit's
   * buckets disable.)
   * @default 30
   */
  readonly accessLogRetentionDays?: number | false;
  /**
   * More cache behaviours, evaluated in this order before the API paths (so `/api/admin/*` given
   * here goes before `/api/*`). Not with `apiPaths` known only at plan.
   * @default - none
   */
  readonly behaviours?: readonly CdnBehaviour[];
  /**
   * Serve a single-page app's deep links: a CloudFront Function on the default (assets) behaviour's
   * viewer requests rewrites every GET whose path is not an API path and whose last segment has no
   * file extension (`/tasks/123`) to `/index.html` (`spaDeepLinkFunctionCode`). Needs `assets`.
   * Costs $0.10 per million requests on the default behaviour.
   * @default false
   */
  readonly spaDeepLinks?: boolean;
  /** Custom error responses. @default - none: the origin's errors pass through */
  readonly errorResponses?: readonly CdnErrorResponse[];
  /**
   * Serve only viewers in (`whitelist`) or outside (`blacklist`) these countries, by ISO 3166-1
   * alpha-2 code (`["DE", "FR"]`); others get 403.
   * @default - no geographic restriction
   */
  readonly geoRestriction?: {
    /** `whitelist`: only these countries; `blacklist`: all but these. */
    readonly type: "whitelist" | "blacklist";
    /** ISO 3166-1 alpha-2 country codes. */
    readonly locations: readonly string[];
  };
}

/**
 * A CloudFront distribution for the environment's domain: static assets from a private S3 bucket
 * through Origin Access Control (the bucket is reachable only through this distribution), optionally
 * the API from the ALB (over the internet, or through a VPC origin to an internal ALB; without a
 * bucket, every path goes to the ALB); HTTPS only (HTTP redirected), TLS ≥ 1.2, HTTP/2 and HTTP/3, IPv6; a
 * response-headers policy with HSTS (preload), CSP, nosniff, frame-deny and referrer policy; a
 * us-east-1 certificate validated in the zone; a WAF web ACL; access logs; and the alias records.
 */
export class Cdn extends Construct {
  /** The CloudFront distribution. */
  readonly distribution: CloudfrontDistribution;
  /** The environment's domain (the alias), e.g. `platform.example.com`. */
  readonly domainName: string;
  /** The distribution's id, for cache invalidations. */
  readonly distributionId: string;
  /** The distribution's ARN. */
  readonly distributionArn: string;
  /** `dxxxx.cloudfront.net`. */
  readonly distributionDomainName: string;
  /** The us-east-1 certificate for `domainName`, validated in the hosted zone. */
  readonly certificate: DnsValidatedCertificate;
  /**
   * The Origin Access Control CloudFront signs its requests to the assets bucket with (created even
   * without `assets`, where nothing uses it).
   */
  readonly originAccessControl: CloudfrontOriginAccessControl;
  /** The security-headers policy: HSTS with preload, CSP, nosniff, frame-deny, referrer policy. */
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;
  /** The A and AAAA aliases from `domainName` to the distribution. */
  readonly aliasRecord: AliasRecord;
  /** The CLOUDFRONT-scope web ACL; undefined with `waf: false` or `webAclArn`. */
  readonly webAcl: WebAcl | undefined;
  /** The web ACL attached to the distribution: its own, `webAclArn`, or undefined. */
  readonly webAclArn: string | undefined;
  /** The us-east-1 log group of the access logs; undefined with `accessLogRetentionDays: false`. */
  readonly accessLogGroup: CloudwatchLogGroup | undefined;
  /** The deep-link function on the default behaviour; undefined unless `spaDeepLinks`. */
  readonly spaDeepLinkFunction: CloudFrontFunction | undefined;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    const { usEast1Provider } = props;
    const purpose = props.purpose;
    if (purpose !== undefined && !/^[a-z][a-z0-9-]{0,19}$/.test(purpose)) {
      throw new PropError("edge.cdn.purpose", `"${purpose}" must be 1-20 lowercase letters, digits and -`);
    }
    const naming = props.naming;
    const named = (what: string) => naming.name(purpose ? `${purpose}-${what}` : what);
    assertDnsName(props.domainName, "edge.cdn.domainName", true);
    if (props.apiOrigin) assertDnsName(props.apiOrigin.domainName, "edge.cdn.apiOrigin.domainName", false);
    if (!props.assets && !props.apiOrigin) {
      throw new PropError(
        "edge.cdn.apiOrigin",
        "is required without assets (the distribution needs an origin)",
      );
    }
    const csp = props.contentSecurityPolicy ?? DEFAULT_CONTENT_SECURITY_POLICY;
    const unsafe = UNSAFE_CSP_SOURCE.exec(csp);
    if (unsafe) {
      throw new PropError("edge.cdn.contentSecurityPolicy", `"${unsafe[0]}": ${CSP_RULE}`);
    }
    const apiPaths = props.apiPaths ?? DEFAULT_API_PATHS;
    const pathsAtPlan = Token.isUnresolved(apiPaths);
    if (props.apiOrigin && !pathsAtPlan) {
      assertNonEmptyList(apiPaths, "edge.cdn.apiPaths", "path pattern for the API origin");
    }
    const accessLogDays = props.accessLogRetentionDays ?? 30;
    if (accessLogDays !== false) assertLogRetention(accessLogDays, "edge.cdn.accessLogRetentionDays");
    this.domainName = props.domainName;

    this.certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domainName,
      hostedZoneId: props.hostedZoneId,
      provider: usEast1Provider,
    });

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "oac", {
      name: named("assets"),
      description: "CloudFront signs every request to the assets bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    this.responseHeadersPolicy = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: named("security-headers"),
      comment: "HSTS, CSP, nosniff, frame deny, referrer policy",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        // The XSS auditor is gone from browsers and could be abused; "0" turns it off where it remains.
        xssProtection: { protection: false, override: true },
      },
      customHeadersConfig: {
        items: [
          {
            header: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=()",
            override: true,
          },
        ],
      },
    });

    if (props.webAclArn === undefined && (props.waf ?? true)) {
      this.webAcl = new WebAcl(this, "waf", {
        naming,
        purpose: purpose ? `${purpose}-cdn` : "cdn",
        scope: "CLOUDFRONT",
        rateLimitPer5Min: props.wafRateLimitPer5Min,
        countOnlyRules: props.wafCountOnlyRules,
        logRetentionDays: props.wafLogRetentionDays,
        provider: usEast1Provider,
      });
    }

    this.webAclArn = props.webAclArn ?? this.webAcl?.arn;

    const assetsOrigin = "assets";
    const apiOrigin = "api";
    const responseHeadersPolicyId = this.responseHeadersPolicy.id;
    const originRequestPolicyId = props.forwardHostHeader
      ? CLOUDFRONT_MANAGED_POLICIES.allViewer
      : CLOUDFRONT_MANAGED_POLICIES.allViewerExceptHostHeader;
    const apiBehaviour = {
      targetOriginId: apiOrigin,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: [...API_METHODS],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
      originRequestPolicyId,
      responseHeadersPolicyId,
    };
    const behaviours = (props.behaviours ?? []).map((b, i) => {
      const field = `edge.cdn.behaviours[${i}]`;
      if (!Token.isUnresolved(b.pathPattern) && !/^[/*][\x21-\x7e]{0,254}$/.test(b.pathPattern)) {
        throw new PropError(
          `${field}.pathPattern`,
          `"${b.pathPattern}" must start with / (or *), up to 255 characters`,
        );
      }
      if (b.origin === "assets" && !props.assets)
        throw new PropError(`${field}.origin`, '"assets" needs the assets bucket');
      if (b.origin === "api" && !props.apiOrigin)
        throw new PropError(`${field}.origin`, '"api" needs apiOrigin');
      if (b.origin !== "assets" && b.origin !== "api")
        throw new PropError(`${field}.origin`, `"${b.origin}" must be assets or api`);
      const idOf = (p: CachePolicy | OriginRequestPolicy | string | undefined) =>
        typeof p === "string" ? p : p?.id;
      const api = b.origin === "api";
      const viewerRequest = b.functions?.viewerRequest;
      return {
        pathPattern: b.pathPattern,
        targetOriginId: api ? apiOrigin : assetsOrigin,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: api ? [...API_METHODS] : ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId:
          idOf(b.cachePolicy) ??
          (api ? CLOUDFRONT_MANAGED_POLICIES.cachingDisabled : CLOUDFRONT_MANAGED_POLICIES.cachingOptimized),
        originRequestPolicyId: idOf(b.originRequestPolicy) ?? (api ? originRequestPolicyId : undefined),
        responseHeadersPolicyId,
        functionAssociation: viewerRequest
          ? [{ eventType: "viewer-request", functionArn: viewerRequest.arn }]
          : undefined,
      };
    });
    if (behaviours.length && pathsAtPlan) {
      throw new PropError("edge.cdn.behaviours", "cannot be combined with apiPaths known only at plan");
    }
    const patterns = behaviours.map((b) => b.pathPattern);
    const twice = patterns.find(
      (p, i) => patterns.indexOf(p) !== i || (props.apiOrigin && !pathsAtPlan && apiPaths.includes(p)),
    );
    if (twice !== undefined)
      throw new PropError(
        "edge.cdn.behaviours",
        `path pattern "${twice}" is given twice (or is an API path)`,
      );

    if (props.spaDeepLinks) {
      if (!props.assets)
        throw new PropError(
          "edge.cdn.spaDeepLinks",
          "needs the assets bucket (the default behaviour serves index.html)",
        );
      if (pathsAtPlan)
        throw new PropError("edge.cdn.spaDeepLinks", "cannot be combined with apiPaths known only at plan");
      this.spaDeepLinkFunction = new CloudFrontFunction(this, "spa-deep-links", {
        name: named("spa-deep-links").slice(0, 64),
        comment: "Single-page app deep links: extensionless paths get /index.html",
        code: spaDeepLinkFunctionCode(apiPaths),
      });
    }

    const errorResponses = (props.errorResponses ?? []).map((e, i) => {
      const field = `edge.cdn.errorResponses[${i}]`;
      if (!(CLOUDFRONT_ERROR_CODES as readonly number[]).includes(e.errorCode)) {
        throw new PropError(
          `${field}.errorCode`,
          `${e.errorCode} must be one of ${CLOUDFRONT_ERROR_CODES.join(", ")}`,
        );
      }
      if ((e.responseCode === undefined) !== (e.responsePagePath === undefined)) {
        throw new PropError(field, "give responseCode and responsePagePath together (or neither)");
      }
      if (e.responseCode !== undefined)
        assertIntegerInRange(e.responseCode, `${field}.responseCode`, { min: 200, max: 599 });
      if (e.responsePagePath !== undefined && !e.responsePagePath.startsWith("/")) {
        throw new PropError(`${field}.responsePagePath`, `"${e.responsePagePath}" must start with /`);
      }
      return {
        errorCode: e.errorCode,
        responseCode: e.responseCode,
        responsePagePath: e.responsePagePath,
        errorCachingMinTtl: assertIntegerInRange(e.ttlSeconds ?? 10, `${field}.ttlSeconds`, {
          min: 0,
          max: 31_536_000,
          unit: "seconds",
        }),
      };
    });
    const codes = errorResponses.map((e) => e.errorCode);
    const repeated = codes.find((c, i) => codes.indexOf(c) !== i);
    if (repeated !== undefined)
      throw new PropError("edge.cdn.errorResponses", `errorCode ${repeated} is given twice`);

    const geo = props.geoRestriction;
    if (geo) {
      if (geo.type !== "whitelist" && geo.type !== "blacklist") {
        throw new PropError("edge.cdn.geoRestriction.type", `"${geo.type}" must be whitelist or blacklist`);
      }
      assertNonEmptyList(
        geo.locations,
        "edge.cdn.geoRestriction.locations",
        "ISO 3166-1 alpha-2 country code",
      );
      geo.locations.forEach((l, i) => {
        if (!/^[A-Z]{2}$/.test(l)) {
          throw new PropError(
            `edge.cdn.geoRestriction.locations[${i}]`,
            `"${l}" must be an ISO 3166-1 alpha-2 code such as DE`,
          );
        }
      });
      assertNoDuplicates([...geo.locations], "edge.cdn.geoRestriction.locations");
    }

    const timeouts = { originReadTimeout: 30, originKeepaliveTimeout: 5 };
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${naming.prefix}: ${props.domainName}`,
      aliases: [props.domainName],
      priceClass: props.priceClass ?? "PriceClass_100",
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      // Only for the bucket: an API origin answers `/` itself.
      defaultRootObject: props.assets ? "index.html" : undefined,
      webAclId: this.webAclArn,
      origin: [
        ...(props.assets
          ? [
              {
                originId: assetsOrigin,
                domainName: props.assets.regionalDomainName,
                originAccessControlId: this.originAccessControl.id,
              },
            ]
          : []),
        ...(props.apiOrigin
          ? [
              {
                originId: apiOrigin,
                domainName: props.apiOrigin.domainName,
                ...(props.apiOrigin.vpcOriginId
                  ? // TLS 1.2 and HTTPS only are set on the VPC origin itself.
                    { vpcOriginConfig: { vpcOriginId: props.apiOrigin.vpcOriginId, ...timeouts } }
                  : {
                      customOriginConfig: {
                        httpPort: 80,
                        httpsPort: 443,
                        originProtocolPolicy: "https-only",
                        originSslProtocols: ["TLSv1.2"],
                        ...timeouts,
                      },
                    }),
              },
            ]
          : []),
      ],
      defaultCacheBehavior: props.assets
        ? {
            targetOriginId: assetsOrigin,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: CLOUDFRONT_MANAGED_POLICIES.cachingOptimized,
            responseHeadersPolicyId,
            functionAssociation: this.spaDeepLinkFunction
              ? [{ eventType: "viewer-request", functionArn: this.spaDeepLinkFunction.arn }]
              : undefined,
          }
        : apiBehaviour,
      orderedCacheBehavior:
        behaviours.length || (props.assets && props.apiOrigin && !pathsAtPlan)
          ? [
              ...behaviours,
              ...(props.assets && props.apiOrigin && !pathsAtPlan
                ? apiPaths.map((pathPattern) => ({ pathPattern, ...apiBehaviour }))
                : []),
            ]
          : undefined,
      customErrorResponse: errorResponses.length ? errorResponses : undefined,
      viewerCertificate: {
        acmCertificateArn: this.certificate.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      restrictions: {
        geoRestriction: geo
          ? { restrictionType: geo.type, locations: [...geo.locations] }
          : { restrictionType: "none" },
      },
      tags: { Name: purpose ? named("cdn") : naming.name("cdn") },
    });
    if (props.assets && props.apiOrigin && pathsAtPlan) {
      // Paths known only at plan (a module's variable): one behaviour per path, in order.
      this.distribution.addOverride("dynamic.ordered_cache_behavior", {
        for_each: apiPaths,
        content: {
          path_pattern: `\${ordered_cache_behavior.value}`,
          target_origin_id: apiOrigin,
          viewer_protocol_policy: "redirect-to-https",
          allowed_methods: [...API_METHODS],
          cached_methods: ["GET", "HEAD"],
          compress: true,
          cache_policy_id: CLOUDFRONT_MANAGED_POLICIES.cachingDisabled,
          origin_request_policy_id: originRequestPolicyId,
          response_headers_policy_id: responseHeadersPolicyId,
        },
      });
    }
    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.distributionDomainName = this.distribution.domainName;

    props.assets?.addToResourcePolicy({
      sid: "CloudFrontOriginAccessControlRead",
      principal: { Service: "cloudfront.amazonaws.com" },
      actions: ["s3:GetObject"],
      resources: [`${props.assets.bucketArn}/*`],
      conditions: { StringEquals: { "AWS:SourceArn": this.distribution.arn } },
    });

    this.aliasRecord = new AliasRecord(this, "alias", {
      zoneId: props.hostedZoneId,
      name: props.domainName,
      targetDnsName: this.distribution.domainName,
      targetZoneId: CLOUDFRONT_HOSTED_ZONE_ID,
    });

    if (accessLogDays !== false) {
      this.accessLogGroup = this.accessLogs(named("cdn-access"), usEast1Provider, accessLogDays);
    }
  }

  /** Standard logging v2: the distribution → a log delivery → a CloudWatch log group in us-east-1. */
  private accessLogs(name: string, provider: AwsProvider, retentionInDays: number): CloudwatchLogGroup {
    const logGroup = new CloudwatchLogGroup(this, "access-log-group", {
      provider,
      // Under /aws/vendedlogs/, CloudWatch Logs grants log delivery through one shared resource policy
      // instead of one statement per group (resource policies are capped at 5120 characters).
      name: `/aws/vendedlogs/cloudfront/${name}`,
      retentionInDays,
      tags: { Name: name },
    });
    const source = new CloudwatchLogDeliverySource(this, "access-log-source", {
      provider,
      name,
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "access-log-destination", {
      provider,
      name,
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: logGroup.arn }],
    });
    new CloudwatchLogDelivery(this, "access-log-delivery", {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
    });
    return logGroup;
  }
}
