import {
  LbListenerRule,
  type LbListenerRuleAction,
  type LbListenerRuleCondition,
} from "@cdktf/provider-aws/lib/lb-listener-rule/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, type IntegerRange } from "../validation/validators.js";

/** The priorities a listener rule accepts (lower is evaluated first). */
export const LISTENER_RULE_PRIORITY: IntegerRange = { min: 1, max: 50_000 };
/** ALB quota: match evaluations (condition values) in one condition. */
export const LISTENER_RULE_MAX_VALUES_PER_CONDITION = 3;
/** ALB quota: match evaluations (condition values) in one rule, all conditions together. */
export const LISTENER_RULE_MAX_VALUES = 5;
/** ALB quota: wildcards (`*`, `?`) in the condition values of one rule. */
export const LISTENER_RULE_MAX_WILDCARDS = 5;
/** ALB quota: target groups in one (weighted) forward action. */
export const LISTENER_RULE_MAX_TARGET_GROUPS = 5;
/** The weights a target group of a weighted forward accepts. */
export const TARGET_GROUP_WEIGHT: IntegerRange = { min: 0, max: 999 };
/** The stickiness durations of a weighted forward (one second to seven days). */
export const STICKINESS_SECONDS: IntegerRange = { min: 1, max: 604_800, unit: "seconds" };
/** The session timeouts of an authenticate action (one second to seven days). */
export const AUTH_SESSION_TIMEOUT_SECONDS: IntegerRange = { min: 1, max: 604_800, unit: "seconds" };
/** The content types a fixed response may have. */
export const FIXED_RESPONSE_CONTENT_TYPES = [
  "text/plain",
  "text/css",
  "text/html",
  "application/javascript",
  "application/json",
] as const;

/** A host condition value: a lowercase DNS name where `*` and `?` are wildcards. */
export const HOST_CONDITION = /^[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?(\.[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?)+$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;
/** An HTTP method as ALB matches it: uppercase letters, `_` and `-`. */
const METHOD = /^[A-Z_-]{1,40}$/;
const IPV4_CIDR =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
/** Visible ASCII, as ALB conditions match it; 128 characters at most. */
const VISIBLE_ASCII = /^[\x20-\x7e]{1,128}$/;
const COGNITO_USER_POOL_ARN = /^arn:aws(-[a-z]+)*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[A-Za-z0-9_-]+$/;

/** A header condition of a listener rule. */
export interface ListenerRuleHeaderCondition {
  /** The header's name, e.g. `X-Canary`. */
  readonly name: string;
  /** Values, one of which the header must have (`*` and `?` wildcards). */
  readonly values: readonly string[];
}

/** A query-string condition of a listener rule. */
export interface ListenerRuleQueryCondition {
  /** The key; without it, the value of any key matches. @default - any key */
  readonly key?: string;
  /** The value (`*` and `?` wildcards). */
  readonly value: string;
}

/** What a request must match; every condition given must match (at least one condition). */
export interface ListenerRuleConditions {
  /** Host header values (`*` and `?` wildcards), any of which matches. @default - any host */
  readonly hosts?: readonly string[];
  /** Path patterns (case-sensitive, `*` and `?` wildcards), any of which matches. @default - any path */
  readonly paths?: readonly string[];
  /** HTTP headers: each must be present with one of its values (wildcards allowed). @default - none */
  readonly headers?: readonly ListenerRuleHeaderCondition[];
  /** HTTP methods (`GET`, `POST`, …), any of which matches. @default - any method */
  readonly methods?: readonly string[];
  /**
   * Query string key/value pairs, any of which matches; a pair without `key` matches the value of any
   * key. @default - none
   */
  readonly queryStrings?: readonly ListenerRuleQueryCondition[];
  /**
   * Source addresses (IPv4 or IPv6 CIDRs) of the connection — behind CloudFront that is CloudFront's
   * edge, not the viewer. @default - any address
   */
  readonly sourceIps?: readonly string[];
}

/** One target group of a weighted forward. */
export interface WeightedTarget {
  /** The target group. */
  readonly targetGroupArn: string;
  /** Its share, 0–999, relative to the others' (0: no new requests). */
  readonly weight: number;
}

/** Where a redirect goes: every part not given is kept from the request (`#{host}` …). */
export interface RedirectTarget {
  /** `HTTP`, `HTTPS` or `#{protocol}`. @default "#{protocol}" */
  readonly protocol?: "HTTP" | "HTTPS" | "#{protocol}";
  /** The host. @default "#{host}" */
  readonly host?: string;
  /** The port. @default "#{port}" */
  readonly port?: string;
  /** The path, starting with `/`. @default "/#{path}" */
  readonly path?: string;
  /** The query string, without `?`. @default "#{query}" */
  readonly query?: string;
  /** 301 (permanent) or 302 (temporary). @default 302 */
  readonly statusCode?: 301 | 302;
}

/** A response the load balancer writes itself. */
export interface FixedResponse {
  /** A 2XX, 4XX or 5XX status code. */
  readonly statusCode: number;
  /** One of `FIXED_RESPONSE_CONTENT_TYPES`. @default "text/plain" */
  readonly contentType?: (typeof FIXED_RESPONSE_CONTENT_TYPES)[number];
  /** The body, up to 1024 characters. @default - empty */
  readonly messageBody?: string;
}

/** What a matching request gets: exactly one of the keys. */
export interface ListenerRuleAction {
  /** Forward to this target group. @default - not this action */
  readonly forward?: string;
  /**
   * Forward to several target groups by weight (a canary release: `[{ stable, 90 }, { canary, 10 }]`).
   * @default - not this action
   */
  readonly weightedForward?: readonly WeightedTarget[];
  /**
   * With `weightedForward`: keep a client on the target group it first got for this many seconds.
   * @default - no stickiness
   */
  readonly stickinessSeconds?: number;
  /** Redirect. @default - not this action */
  readonly redirect?: RedirectTarget;
  /** Answer with a fixed response. @default - not this action */
  readonly fixedResponse?: FixedResponse;
}

/** What an authenticate action does with a request without a session. */
export type OnUnauthenticated = "deny" | "allow" | "authenticate";

/** An OpenID Connect identity provider the load balancer signs users in with. */
export interface OidcAuthentication {
  /** The issuer (`https://…`). */
  readonly issuer: string;
  /** The authorization endpoint (`https://…`). */
  readonly authorizationEndpoint: string;
  /** The token endpoint (`https://…`). */
  readonly tokenEndpoint: string;
  /** The user info endpoint (`https://…`). */
  readonly userInfoEndpoint: string;
  /** The client id. */
  readonly clientId: string;
  /**
   * The client secret: a Terraform reference only (a sensitive variable, or a secret's value read
   * from Secrets Manager) — a literal in code is refused. It is stored in the state.
   */
  readonly clientSecret: string;
  /** The scopes asked for. @default "openid" */
  readonly scope?: string;
  /** Requests without a session: `authenticate` (sign in), `deny` (401) or `allow`. @default "authenticate" */
  readonly onUnauthenticated?: OnUnauthenticated;
  /** How long a session lasts. @default 604800 (seven days) */
  readonly sessionTimeoutSeconds?: number;
}

/** A Cognito user pool the load balancer signs users in with. */
export interface CognitoAuthentication {
  /** The user pool's ARN. */
  readonly userPoolArn: string;
  /** The user pool app client's id. */
  readonly clientId: string;
  /** The user pool's domain prefix (or custom domain). */
  readonly domain: string;
  /** The scopes asked for. @default "openid" */
  readonly scope?: string;
  /** Requests without a session: `authenticate` (sign in), `deny` (401) or `allow`. @default "authenticate" */
  readonly onUnauthenticated?: OnUnauthenticated;
  /** How long a session lasts. @default 604800 (seven days) */
  readonly sessionTimeoutSeconds?: number;
}

/** Sign users in before the rule's action (HTTPS listeners only): exactly one of the keys. */
export interface ListenerRuleAuthentication {
  /** An OpenID Connect provider. @default - not this one */
  readonly oidc?: OidcAuthentication;
  /** A Cognito user pool. @default - not this one */
  readonly cognito?: CognitoAuthentication;
}

/** A listener rule without its listener: what `LoadBalancer.addRule` takes. */
export interface ListenerRuleOptions {
  /**
   * Unique on the listener, 1–50000; lower is evaluated first. 1 is the load balancer's `/metrics`
   * deny rule; previews' host rules use 1000 + N.
   */
  readonly priority: number;
  /** What a request must match (at most 5 values in all, 3 per condition). */
  readonly conditions: ListenerRuleConditions;
  /** What a matching request gets. */
  readonly action: ListenerRuleAction;
  /** Sign the user in first (order 1; the action is then order 2). @default - no authentication */
  readonly authenticate?: ListenerRuleAuthentication;
  /** The rule's `Name` tag. @default - none */
  readonly name?: string;
}

/** Props of `ListenerRule`. */
export interface ListenerRuleProps extends ListenerRuleOptions {
  /** The listener's ARN (HTTPS for `authenticate`). */
  readonly listenerArn: string;
}

const F = "edge.listenerRule";

function exactlyOne<T extends object>(value: T, field: string, keys: readonly (keyof T & string)[]) {
  const given = keys.filter((k) => value[k] !== undefined);
  if (given.length !== 1) {
    throw new PropError(field, `give exactly one of ${keys.join(", ")} (got ${given.join(", ") || "none"})`);
  }
  return given[0] as keyof T & string;
}

function values(list: readonly string[], field: string, check: (v: string) => boolean, what: string) {
  if (list.length === 0) throw new PropError(field, "give at least one value, or leave the condition out");
  if (list.length > LISTENER_RULE_MAX_VALUES_PER_CONDITION) {
    throw new PropError(
      field,
      `${list.length} values: ALB accepts at most ${LISTENER_RULE_MAX_VALUES_PER_CONDITION} per condition`,
    );
  }
  list.forEach((v, i) => {
    if (!Token.isUnresolved(v) && !check(v)) throw new PropError(`${field}[${i}]`, `"${v}" ${what}`);
  });
  return [...list];
}

const httpsUrl = (value: string, field: string) => {
  if (!Token.isUnresolved(value) && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(value)) {
    throw new PropError(field, `"${value}" must be an https:// URL`);
  }
};

/** The conditions as the provider's blocks, checked against ALB's rules and quotas. */
export function listenerRuleConditions(c: ListenerRuleConditions, field = `${F}.conditions`) {
  const blocks: LbListenerRuleCondition[] = [];
  const counted: string[] = [];
  if (c.hosts) {
    const v = values(
      c.hosts,
      `${field}.hosts`,
      (h) => HOST_CONDITION.test(h) && h.length <= 128,
      "must be a lowercase host name (wildcards * and ?), up to 128 characters",
    );
    blocks.push({ hostHeader: { values: v } });
    counted.push(...v);
  }
  if (c.paths) {
    const v = values(
      c.paths,
      `${field}.paths`,
      (p) => VISIBLE_ASCII.test(p) && /^[/*]/.test(p),
      "must start with / (or *), visible ASCII, up to 128 characters",
    );
    blocks.push({ pathPattern: { values: v } });
    counted.push(...v);
  }
  (c.headers ?? []).forEach((h, i) => {
    const where = `${field}.headers[${i}]`;
    if (!HEADER_NAME.test(h.name)) {
      throw new PropError(`${where}.name`, `"${h.name}" must be an HTTP header name of up to 40 characters`);
    }
    const v = values(
      h.values,
      `${where}.values`,
      (x) => VISIBLE_ASCII.test(x),
      "must be visible ASCII, up to 128 characters",
    );
    blocks.push({ httpHeader: { httpHeaderName: h.name, values: v } });
    counted.push(...v);
  });
  if (c.methods) {
    const v = values(
      c.methods,
      `${field}.methods`,
      (m) => METHOD.test(m),
      "must be an uppercase HTTP method such as GET",
    );
    blocks.push({ httpRequestMethod: { values: v } });
    counted.push(...v.map(() => ""));
  }
  if (c.queryStrings) {
    const where = `${field}.queryStrings`;
    values(
      c.queryStrings.map((q) => q.value),
      where,
      () => true,
      "",
    );
    c.queryStrings.forEach((q, i) => {
      for (const [part, text] of [
        ["key", q.key],
        ["value", q.value],
      ] as const) {
        if (text !== undefined && !Token.isUnresolved(text) && !VISIBLE_ASCII.test(text)) {
          throw new PropError(
            `${where}[${i}].${part}`,
            `"${text}" must be visible ASCII, up to 128 characters`,
          );
        }
      }
    });
    blocks.push({ queryString: c.queryStrings.map((q) => ({ key: q.key, value: q.value })) });
    counted.push(...c.queryStrings.map((q) => `${q.key ?? ""}${q.value}`));
  }
  if (c.sourceIps) {
    const v = values(
      c.sourceIps,
      `${field}.sourceIps`,
      (ip) => IPV4_CIDR.test(ip) || IPV6_CIDR.test(ip),
      "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24",
    );
    blocks.push({ sourceIp: { values: v } });
    counted.push(...v.map(() => ""));
  }
  if (blocks.length === 0) {
    throw new PropError(
      field,
      "give at least one condition (hosts, paths, headers, methods, queryStrings, sourceIps)",
    );
  }
  if (counted.length > LISTENER_RULE_MAX_VALUES) {
    throw new PropError(
      field,
      `${counted.length} condition values: ALB accepts at most ${LISTENER_RULE_MAX_VALUES} per rule (split the rule)`,
    );
  }
  const wildcards = counted.join("").match(/[*?]/g)?.length ?? 0;
  if (wildcards > LISTENER_RULE_MAX_WILDCARDS) {
    throw new PropError(
      field,
      `${wildcards} wildcards: ALB accepts at most ${LISTENER_RULE_MAX_WILDCARDS} per rule`,
    );
  }
  return blocks;
}

/** The main action as the provider's block, checked. */
export function listenerRuleAction(a: ListenerRuleAction, order: number | undefined, field = `${F}.action`) {
  const kind = exactlyOne(a, field, ["forward", "weightedForward", "redirect", "fixedResponse"]);
  if (a.stickinessSeconds !== undefined && kind !== "weightedForward") {
    throw new PropError(`${field}.stickinessSeconds`, "applies to weightedForward only");
  }
  switch (kind) {
    case "forward":
      return { type: "forward", order, targetGroupArn: a.forward } satisfies LbListenerRuleAction;
    case "weightedForward": {
      const targets = a.weightedForward ?? [];
      const where = `${field}.weightedForward`;
      if (targets.length === 0 || targets.length > LISTENER_RULE_MAX_TARGET_GROUPS) {
        throw new PropError(
          where,
          `give 1 to ${LISTENER_RULE_MAX_TARGET_GROUPS} target groups (got ${targets.length})`,
        );
      }
      for (const [i, t] of targets.entries()) {
        assertIntegerInRange(t.weight, `${where}[${i}].weight`, TARGET_GROUP_WEIGHT);
      }
      if (targets.every((t) => t.weight === 0)) {
        throw new PropError(where, "at least one target group needs a weight above 0");
      }
      const arns = targets.map((t) => t.targetGroupArn);
      const twice = arns.find((arn, i) => !Token.isUnresolved(arn) && arns.indexOf(arn) !== i);
      if (twice) throw new PropError(where, `"${twice}" is listed twice`);
      const seconds = a.stickinessSeconds;
      if (seconds !== undefined)
        assertIntegerInRange(seconds, `${field}.stickinessSeconds`, STICKINESS_SECONDS);
      return {
        type: "forward",
        order,
        forward: {
          targetGroup: targets.map((t) => ({ arn: t.targetGroupArn, weight: t.weight })),
          stickiness:
            seconds === undefined ? { enabled: false, duration: 1 } : { enabled: true, duration: seconds },
        },
      } satisfies LbListenerRuleAction;
    }
    case "redirect": {
      const r = a.redirect ?? {};
      const where = `${field}.redirect`;
      if (
        r.protocol === undefined &&
        r.host === undefined &&
        r.port === undefined &&
        r.path === undefined &&
        r.query === undefined
      ) {
        throw new PropError(
          where,
          "change at least one of protocol, host, port, path, query (a redirect to the same URL loops)",
        );
      }
      if (r.path !== undefined && !Token.isUnresolved(r.path) && !r.path.startsWith("/")) {
        throw new PropError(`${where}.path`, `"${r.path}" must start with /`);
      }
      const status = r.statusCode ?? 302;
      if (status !== 301 && status !== 302)
        throw new PropError(`${where}.statusCode`, `${status} must be 301 or 302`);
      return {
        type: "redirect",
        order,
        redirect: {
          protocol: r.protocol,
          host: r.host,
          port: r.port,
          path: r.path,
          query: r.query,
          statusCode: `HTTP_${status}`,
        },
      } satisfies LbListenerRuleAction;
    }
    default: {
      const f = a.fixedResponse as FixedResponse;
      const where = `${field}.fixedResponse`;
      if (!Number.isInteger(f.statusCode) || !/^[245]\d\d$/.test(String(f.statusCode))) {
        throw new PropError(`${where}.statusCode`, `${f.statusCode} must be a 2XX, 4XX or 5XX status code`);
      }
      const contentType = f.contentType ?? "text/plain";
      if (!FIXED_RESPONSE_CONTENT_TYPES.includes(contentType)) {
        throw new PropError(
          `${where}.contentType`,
          `"${contentType}" must be one of ${FIXED_RESPONSE_CONTENT_TYPES.join(", ")}`,
        );
      }
      if (f.messageBody !== undefined && f.messageBody.length > 1024) {
        throw new PropError(`${where}.messageBody`, `${f.messageBody.length} characters: at most 1024`);
      }
      return {
        type: "fixed-response",
        order,
        fixedResponse: { statusCode: String(f.statusCode), contentType, messageBody: f.messageBody },
      } satisfies LbListenerRuleAction;
    }
  }
}

/** The authenticate action (order 1) as the provider's block, checked. */
export function listenerRuleAuthentication(auth: ListenerRuleAuthentication, field = `${F}.authenticate`) {
  const kind = exactlyOne(auth, field, ["oidc", "cognito"]);
  const common = (o: OidcAuthentication | CognitoAuthentication, where: string) => {
    const on = o.onUnauthenticated ?? "authenticate";
    if (!["deny", "allow", "authenticate"].includes(on)) {
      throw new PropError(`${where}.onUnauthenticated`, `"${on}" must be deny, allow or authenticate`);
    }
    const timeout = o.sessionTimeoutSeconds ?? 604_800;
    assertIntegerInRange(timeout, `${where}.sessionTimeoutSeconds`, AUTH_SESSION_TIMEOUT_SECONDS);
    return { scope: o.scope ?? "openid", onUnauthenticatedRequest: on, sessionTimeout: timeout };
  };
  if (kind === "oidc") {
    const o = auth.oidc as OidcAuthentication;
    const where = `${field}.oidc`;
    for (const key of ["issuer", "authorizationEndpoint", "tokenEndpoint", "userInfoEndpoint"] as const) {
      httpsUrl(o[key], `${where}.${key}`);
    }
    if (!Token.isUnresolved(o.clientSecret)) {
      throw new PropError(
        `${where}.clientSecret`,
        "must be a Terraform reference (a sensitive variable or a secret's value), never a literal in code",
      );
    }
    return {
      type: "authenticate-oidc",
      order: 1,
      authenticateOidc: {
        issuer: o.issuer,
        authorizationEndpoint: o.authorizationEndpoint,
        tokenEndpoint: o.tokenEndpoint,
        userInfoEndpoint: o.userInfoEndpoint,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        ...common(o, where),
      },
    } satisfies LbListenerRuleAction;
  }
  const c = auth.cognito as CognitoAuthentication;
  const where = `${field}.cognito`;
  if (!Token.isUnresolved(c.userPoolArn) && !COGNITO_USER_POOL_ARN.test(c.userPoolArn)) {
    throw new PropError(
      `${where}.userPoolArn`,
      `"${c.userPoolArn}" is not a Cognito user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>)`,
    );
  }
  return {
    type: "authenticate-cognito",
    order: 1,
    authenticateCognito: {
      userPoolArn: c.userPoolArn,
      userPoolClientId: c.clientId,
      userPoolDomain: c.domain,
      ...common(c, where),
    },
  } satisfies LbListenerRuleAction;
}

/**
 * A general listener rule: conditions on host, path, headers, method, query string and source
 * address; one action — forward, weighted forward (canary), redirect or fixed response — optionally
 * after signing the user in with OIDC or Cognito. Checked against ALB's quotas (5 condition values
 * per rule, 3 per condition, 5 wildcards, 5 target groups). Prefer `LoadBalancer.addRule`, which
 * also refuses a priority already taken on the listener.
 */
export class ListenerRule extends Construct {
  /** The listener rule. */
  readonly rule: LbListenerRule;
  /** The rule's ARN. */
  readonly arn: string;
  /** Its priority. */
  readonly priority: number;

  constructor(scope: Construct, id: string, props: ListenerRuleProps) {
    super(scope, id);
    assertIntegerInRange(props.priority, `${F}.priority`, LISTENER_RULE_PRIORITY);
    const condition = listenerRuleConditions(props.conditions);
    const auth = props.authenticate ? listenerRuleAuthentication(props.authenticate) : undefined;
    const action = listenerRuleAction(props.action, auth ? 2 : undefined);
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.listenerArn,
      priority: props.priority,
      condition,
      action: auth ? [auth, action] : [action],
      tags: props.name ? { Name: props.name } : undefined,
    });
    this.arn = this.rule.arn;
    this.priority = props.priority;
  }
}
