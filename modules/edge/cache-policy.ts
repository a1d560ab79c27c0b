import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy/index.js";
import { CloudfrontOriginRequestPolicy } from "@cdktf/provider-aws/lib/cloudfront-origin-request-policy/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";

/** A cache or origin request policy name: letters, digits, `-` and `_`, up to 128 characters. */
export const CLOUDFRONT_POLICY_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** CloudFront's quota: names in one cookie, header or query string list of a policy. */
export const CLOUDFRONT_POLICY_MAX_ITEMS = 10;

/** Which cookies or query strings: none, all, only `items`, or all but `items`. */
export interface KeyValueSelection {
  /** `none`, `all`, `whitelist` (only `items`) or `allExcept`. */
  readonly behavior: "none" | "all" | "whitelist" | "allExcept";
  /** The names, for `whitelist` and `allExcept`. @default - none */
  readonly items?: readonly string[];
}

/** Props of `CachePolicy`. */
export interface CachePolicyProps {
  /** The policy's name, unique in the account. */
  readonly name: string;
  /** What it is for. @default - none */
  readonly comment?: string;
  /** Seconds an object stays cached when the origin sends no Cache-Control. @default 86400 */
  readonly defaultTtlSeconds?: number;
  /** The least seconds an object stays cached. @default 1 */
  readonly minTtlSeconds?: number;
  /** The most seconds an object stays cached. @default 31536000 */
  readonly maxTtlSeconds?: number;
  /** Cookies in the cache key (and sent to the origin). @default { behavior: "none" } */
  readonly cookies?: KeyValueSelection;
  /** Headers in the cache key (and sent to the origin). @default - none */
  readonly headers?: readonly string[];
  /** Query strings in the cache key (and sent to the origin). @default { behavior: "none" } */
  readonly queryStrings?: KeyValueSelection;
  /** Cache gzip and brotli variants (and compress). @default true */
  readonly compression?: boolean;
}

/** Which viewer headers an origin request policy sends to the origin. */
export interface OriginRequestHeaders {
  /** `none`, `whitelist` (`items`), `allViewer`, `allViewerAndWhitelistCloudFront` or `allExcept`. */
  readonly behavior: "none" | "whitelist" | "allViewer" | "allViewerAndWhitelistCloudFront" | "allExcept";
  /** The header names `behavior` lists, includes or excludes. @default - none */
  readonly items?: readonly string[];
}

/** Props of `OriginRequestPolicy`. */
export interface OriginRequestPolicyProps {
  /** The policy's name, unique in the account. */
  readonly name: string;
  /** What it is for. @default - none */
  readonly comment?: string;
  /** Cookies sent to the origin. @default { behavior: "none" } */
  readonly cookies?: KeyValueSelection;
  /**
   * Headers sent to the origin: `none`, `whitelist` (`items`), `allViewer`,
   * `allViewerAndWhitelistCloudFront` (every viewer header and the CloudFront ones in `items`) or
   * `allExcept`.
   * @default { behavior: "none" }
   */
  readonly headers?: OriginRequestHeaders;
  /** Query strings sent to the origin. @default { behavior: "none" } */
  readonly queryStrings?: KeyValueSelection;
}

function policyName(name: string, field: string): void {
  if (!Token.isUnresolved(name) && !CLOUDFRONT_POLICY_NAME.test(name)) {
    throw new PropError(field, `"${name}" must be 1-128 letters, digits, - and _`);
  }
}

/** `items` checked against `behavior`: required for whitelist/allExcept-like ones, refused otherwise. */
function selection(
  s: { behavior: string; items?: readonly string[] } | undefined,
  field: string,
  itemsFor: readonly string[],
): { behavior: string; items: string[] | undefined } {
  const behavior = s?.behavior ?? "none";
  const items = s?.items ? [...s.items] : undefined;
  const wants = itemsFor.includes(behavior);
  if (wants && !items?.length) throw new PropError(`${field}.items`, `give the names for "${behavior}"`);
  if (!wants && items?.length) throw new PropError(`${field}.items`, `"${behavior}" takes no names`);
  if (items && items.length > CLOUDFRONT_POLICY_MAX_ITEMS) {
    throw new PropError(
      `${field}.items`,
      `${items.length} names: CloudFront accepts at most ${CLOUDFRONT_POLICY_MAX_ITEMS}`,
    );
  }
  return { behavior, items };
}

const ttl = (value: number, field: string) =>
  assertIntegerInRange(value, field, { min: 0, max: 31_536_000, unit: "seconds" });

/**
 * A custom CloudFront cache policy: TTLs and what goes into the cache key (cookies, headers, query
 * strings, which CloudFront then also sends to the origin). Give it to a `Cdn` behaviour's
 * `cachePolicy`; the AWS managed ones are in `CLOUDFRONT_MANAGED_POLICIES`.
 */
export class CachePolicy extends Construct {
  /** The policy resource. */
  readonly policy: CloudfrontCachePolicy;
  /** Its id (a behaviour's `cache_policy_id`). */
  readonly id: string;

  constructor(scope: Construct, id: string, props: CachePolicyProps) {
    super(scope, id);
    const f = "edge.cachePolicy";
    policyName(props.name, `${f}.name`);
    const min = ttl(props.minTtlSeconds ?? 1, `${f}.minTtlSeconds`);
    const def = ttl(props.defaultTtlSeconds ?? 86_400, `${f}.defaultTtlSeconds`);
    const max = ttl(props.maxTtlSeconds ?? 31_536_000, `${f}.maxTtlSeconds`);
    if (!(min <= def && def <= max)) {
      throw new PropError(
        `${f}.defaultTtlSeconds`,
        `${def} must be between minTtlSeconds (${min}) and maxTtlSeconds (${max})`,
      );
    }
    const cookies = selection(props.cookies, `${f}.cookies`, ["whitelist", "allExcept"]);
    const queryStrings = selection(props.queryStrings, `${f}.queryStrings`, ["whitelist", "allExcept"]);
    const headers = props.headers?.length
      ? selection({ behavior: "whitelist", items: props.headers }, `${f}.headers`, ["whitelist"])
      : { behavior: "none", items: undefined };
    const compression = props.compression ?? true;
    this.policy = new CloudfrontCachePolicy(this, "policy", {
      name: props.name,
      comment: props.comment,
      minTtl: min,
      defaultTtl: def,
      maxTtl: max,
      parametersInCacheKeyAndForwardedToOrigin: {
        enableAcceptEncodingGzip: compression,
        enableAcceptEncodingBrotli: compression,
        ...selectionConfigs(cookies, headers, queryStrings),
      },
    });
    this.id = this.policy.id;
  }
}

/**
 * A custom CloudFront origin request policy: which cookies, headers and query strings CloudFront
 * sends to the origin without putting them in the cache key. Give it to a `Cdn` behaviour's
 * `originRequestPolicy`.
 */
export class OriginRequestPolicy extends Construct {
  /** The policy resource. */
  readonly policy: CloudfrontOriginRequestPolicy;
  /** Its id (a behaviour's `origin_request_policy_id`). */
  readonly id: string;

  constructor(scope: Construct, id: string, props: OriginRequestPolicyProps) {
    super(scope, id);
    const f = "edge.originRequestPolicy";
    policyName(props.name, `${f}.name`);
    const cookies = selection(props.cookies, `${f}.cookies`, ["whitelist", "allExcept"]);
    const queryStrings = selection(props.queryStrings, `${f}.queryStrings`, ["whitelist", "allExcept"]);
    const headers = selection(props.headers, `${f}.headers`, [
      "whitelist",
      "allViewerAndWhitelistCloudFront",
      "allExcept",
    ]);
    this.policy = new CloudfrontOriginRequestPolicy(this, "policy", {
      name: props.name,
      comment: props.comment,
      ...selectionConfigs(cookies, headers, queryStrings),
    });
    this.id = this.policy.id;
  }
}

/** The cookie, header and query-string blocks both policy kinds write the same way. */
function selectionConfigs(
  cookies: { behavior: string; items?: readonly string[] },
  headers: { behavior: string; items?: readonly string[] },
  queryStrings: { behavior: string; items?: readonly string[] },
) {
  const items = (list?: readonly string[]) => (list ? { items: [...list] } : undefined);
  return {
    cookiesConfig: { cookieBehavior: cookies.behavior, cookies: items(cookies.items) },
    headersConfig: { headerBehavior: headers.behavior, headers: items(headers.items) },
    queryStringsConfig: {
      queryStringBehavior: queryStrings.behavior,
      queryStrings: items(queryStrings.items),
    },
  };
}
