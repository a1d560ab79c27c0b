/**
 * Checks the modules make again and again — whole numbers in a range, CloudWatch Logs retention
 * periods, DNS names, ARNs of one resource type, lists that must not be empty, names without
 * wildcards — written once, each throwing a `PropError` that names the field.
 *
 * Every `assert…` lets a Terraform reference (a token, known only at apply) through: the value
 * cannot be judged at synth. The `is…` predicates answer for literal values only (a token is never
 * "a DNS name"), for call sites that word their own message.
 */
import { Token } from "cdktf";
import { PropError } from "./prop-error.js";

// ---------------------------------------------------------------------------------------------
// One of a few values

/** The rule "must be one of …" for a closed set of values: `must be one of "none", "single"`. */
export function oneOfRule(values: readonly string[]): string {
  return `must be one of ${values.map((value) => `"${value}"`).join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// Whole numbers in a range

/** The bounds of `assertIntegerInRange`. */
export interface IntegerRange {
  /** The smallest value accepted. */
  readonly min: number;
  /** The largest value accepted. @default - no upper bound */
  readonly max?: number;
  /** The unit, for the message: `days` reads "a whole number of days from 1 to 36500". @default - none */
  readonly unit?: string;
}

/** True when `value` is a whole number within `range` (bounds included). */
export function isIntegerInRange(value: number, range: IntegerRange): boolean {
  return Number.isInteger(value) && value >= range.min && (range.max === undefined || value <= range.max);
}

/**
 * Throws a `PropError` naming `field` unless `value` is a whole number within `range`; returns it.
 * The message reads `<value> must be a whole number from <min> to <max>` (or `≥ <min>` without a
 * maximum).
 */
export function assertIntegerInRange(value: number, field: string, range: IntegerRange): number {
  if (Token.isUnresolved(value) || isIntegerInRange(value, range)) return value;
  throw new PropError(field, `${value} ${integerRangeRule(range)}`);
}

/** The rule `assertIntegerInRange` checks, in words: `must be a whole number of days from 1 to 35`. */
export function integerRangeRule(range: IntegerRange): string {
  const number = range.unit ? `a whole number of ${range.unit}` : "a whole number";
  const bounds = range.max === undefined ? `≥ ${range.min}` : `from ${range.min} to ${range.max}`;
  return `must be ${number} ${bounds}`;
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs retention

/** CloudWatch Logs accepts only these retention periods (days); anything else fails at apply time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The rule `assertLogRetentionDays` checks, in words. */
export const LOG_RETENTION_RULE = `is not a CloudWatch Logs retention period (use one of ${LOG_RETENTION_DAYS.join(", ")})`;

/** True when `days` is a retention period CloudWatch Logs accepts. */
export function isLogRetentionDays(days: number): boolean {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}

/** Throws a `PropError` naming `field` when `days` is not a retention period CloudWatch Logs accepts. */
export function assertLogRetentionDays(days: number, field: string): void {
  if (Token.isUnresolved(days) || isLogRetentionDays(days)) return;
  throw new PropError(field, `${days} ${LOG_RETENTION_RULE}`);
}

// ---------------------------------------------------------------------------------------------
// DNS names

/** A DNS name, optionally a wildcard (`*.preview.dev.example.com`); lowercase, as ACM and Route 53 store it. */
export const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** True when `name` is a lowercase DNS name of at most 253 characters (a leading `*.` allowed if `wildcard`). */
export function isDnsName(name: string, wildcard = true): boolean {
  return DNS_NAME.test(name) && name.length <= 253 && (wildcard || !name.startsWith("*."));
}

/** Throws a `PropError` naming `field` unless `name` is a lowercase DNS name (a leading `*.` allowed if `wildcard`). */
export function assertDnsName(name: string, field: string, wildcard = true): void {
  if (Token.isUnresolved(name) || isDnsName(name, wildcard)) return;
  throw new PropError(field, `"${name}" ${dnsNameRule(wildcard)}`);
}

/** The rule `assertDnsName` checks, in words. */
export function dnsNameRule(wildcard = true): string {
  return `must be a lowercase DNS name of at most 253 characters${wildcard ? " (a leading *. is allowed)" : ""}`;
}

// ---------------------------------------------------------------------------------------------
// ARNs

/** One kind of ARN `assertArn` accepts: a service and a resource type. */
export interface ArnKind {
  /** What the ARN names, for the message: `KMS key`. */
  readonly name: string;
  /** The service namespace, e.g. `kms`. */
  readonly service: string;
  /** How the resource part starts, with its separator: `key/`, `secret:`. @default - any resource type */
  readonly resourceType?: string;
  /**
   * The rest of the resource part, as a regular expression source, without anchors. Never admits
   * `*` or `?`: an ARN here scopes a grant to one resource.
   * @default - letters, digits and `/_+=.,@:-`
   */
  readonly resource?: string;
  /** Whether the ARN names a region (IAM and S3 ARNs do not). @default true */
  readonly regional?: boolean;
  /** Whether the ARN names an account (S3 bucket ARNs do not). @default true */
  readonly inAccount?: boolean;
  /** How such an ARN is written, for the message: `arn:aws:kms:<region>:<account>:key/<id>`. */
  readonly shape: string;
}

/** The ARN kinds the modules check. */
export const ARN_KINDS = {
  /** A KMS key (not an alias: an alias cannot scope an IAM grant). */
  kmsKey: {
    name: "KMS key",
    service: "kms",
    resourceType: "key/",
    resource: "[A-Za-z0-9-]+",
    shape: "arn:aws:kms:<region>:<account>:key/<id>",
  },
  /** One whole Secrets Manager secret, with its 6-character suffix (RDS-managed ones start `rds!`). */
  secret: {
    name: "Secrets Manager secret",
    service: "secretsmanager",
    resourceType: "secret:",
    resource: "[A-Za-z0-9/_+=.@!-]+",
    shape: "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>, no wildcards",
  },
  /** An S3 bucket (not its objects). */
  s3Bucket: {
    name: "S3 bucket",
    service: "s3",
    resource: "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    regional: false,
    inAccount: false,
    shape: "arn:aws:s3:::<bucket name>",
  },
  /** An Elastic Load Balancing v2 load balancer. */
  loadBalancer: {
    name: "load balancer",
    service: "elasticloadbalancing",
    resourceType: "loadbalancer/",
    shape: "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>",
  },
  /** A load balancer's listener. */
  listener: {
    name: "listener",
    service: "elasticloadbalancing",
    resourceType: "listener/",
    shape: "arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>",
  },
} as const satisfies Record<string, ArnKind>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The regular expression an ARN of `kind` matches (any partition: `aws`, `aws-cn`, `aws-us-gov`). */
export function arnPattern(kind: ArnKind): RegExp {
  const region = (kind.regional ?? true) ? "[a-z0-9-]+" : "";
  const account = (kind.inAccount ?? true) ? "\\d{12}" : "";
  const resource = `${escapeRegExp(kind.resourceType ?? "")}${kind.resource ?? "[A-Za-z0-9/_+=.,@:-]+"}`;
  return new RegExp(`^arn:aws(-[a-z]+)*:${escapeRegExp(kind.service)}:${region}:${account}:${resource}$`);
}

/** True when `value` is a literal ARN of `kind`. */
export function isArn(value: string, kind: ArnKind): boolean {
  return arnPattern(kind).test(value);
}

/**
 * Throws a `PropError` naming `field` unless `value` is an ARN of `kind` (or a reference to one).
 * The message reads `"<value>" is not a <kind> ARN (<shape>)`.
 */
export function assertArn(value: string, field: string, kind: ArnKind): void {
  if (Token.isUnresolved(value) || isArn(value, kind)) return;
  throw new PropError(field, `"${value}" is not a ${kind.name} ARN (${kind.shape})`);
}

// ---------------------------------------------------------------------------------------------
// Lists

/** Throws a `PropError` naming `field` when `values` is empty; the message reads `give at least one <what>`. */
export function assertNonEmptyList(values: readonly unknown[], field: string, what: string): void {
  if (values.length === 0) throw new PropError(field, `give at least one ${what}`);
}

/** Throws a `PropError` naming `field` when a value is listed twice; the message names it. */
export function assertNoDuplicates(values: readonly string[], field: string): void {
  const duplicate = values.find((value, i) => values.indexOf(value) !== i);
  if (duplicate !== undefined) throw new PropError(field, `"${duplicate}" is listed twice`);
}

// ---------------------------------------------------------------------------------------------
// Wildcards

/** True when `value` holds an IAM wildcard (`*` or `?`), as in a resource ARN or an S3 key prefix. */
export function hasWildcard(value: string): boolean {
  return /[*?]/.test(value);
}

/**
 * Throws a `PropError` naming `field` when `value` holds `*` or `?`: where a value ends up in a
 * policy's resource (an ARN, a key prefix), a wildcard would reach more than the one resource meant.
 */
export function assertNoWildcard(value: string, field: string): void {
  if (hasWildcard(value)) {
    throw new PropError(
      field,
      `"${value}" must not contain "*" or "?": a wildcard would reach more than the one resource meant`,
    );
  }
}
