/**
 * One naming scheme for every resource the kit creates: `<project>-<environment>-<thing>` by
 * default, or `<prefix>-<thing>` for teams with a naming scheme of their own (`Naming.fromPrefix`).
 *
 * Modules never build names by hand; they ask the `Naming` they were given. That keeps names
 * predictable (people search the console by them), collision-free between environments and
 * previews, and inside each AWS service's length and character limits.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";

/** A name segment (project, environment, prefix): lowercase letters, digits and hyphens, from a letter. */
export const SEGMENT = /^[a-z][a-z0-9-]*[a-z0-9]$/;
/** What a name segment must be (besides matching `SEGMENT`, it has no `--`). */
export const SEGMENT_RULE = "must be lowercase letters, digits and single hyphens, starting with a letter";

/** AWS name limits the kit runs into; longer names are shortened with a stable hash suffix. */
export const NAME_LIMITS = {
  /** S3 bucket names: 3–63 characters, globally unique. */
  s3Bucket: 63,
  /** ALB and target group names. */
  loadBalancer: 32,
  /** IAM role names. */
  iamRole: 64,
  /** Most other names (log groups are longer, security groups 255). */
  default: 128,
} as const;

/** The kit's scheme: names `<project>-<environment>-<thing>`, tags `Project`, `Environment`, `ManagedBy`. */
export interface NamingProps {
  /** Short project slug, lowercase letters, digits and hyphens (e.g. `acme`). */
  readonly project: string;
  /** Environment slug (`dev`, `prod`, `pr-42`). */
  readonly environment: string;
  /** AWS account id, used to make globally unique names (S3 buckets) unique. */
  readonly accountId: string;
  /** AWS region, part of globally unique names. */
  readonly region: string;
}

/** A consumer's own scheme: names `<prefix>-<thing>`, and exactly the tags given. */
export interface PrefixNamingProps {
  /**
   * The start of every name: with `payments`, the database is `payments-db`.
   * Lowercase letters, digits and single hyphens, starting with a letter (`payments-prod` is fine).
   */
  readonly prefix: string;
  /**
   * Every tag resources carry (applied through the provider's `default_tags`), exactly these: the
   * kit adds no `Project`, `Environment` or `ManagedBy` of its own. A `Project` or `Environment` tag
   * given here is also what `naming.project` / `naming.environment` return.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /** AWS account id, used to make globally unique names (S3 buckets) unique. */
  readonly accountId: string;
  /** AWS region, part of globally unique names. */
  readonly region: string;
}

/** The longest prefix a name leaves room for, and that name's shape (`<prefix>-alb`). */
export interface PrefixLimit {
  /** Characters the prefix may have. */
  readonly maxLength: number;
  /** The name that sets the limit, with `<prefix>` in place of the prefix. */
  readonly name: string;
}

/** Digits in an AWS account id. */
const ACCOUNT_ID_LENGTH = 12;
/** The longest region name in any partition (`ap-southeast-5`, `us-gov-west-1` are shorter or equal). */
const LONGEST_REGION_NAME = 14;

/** Which scheme a `Naming` follows: the kit's `<project>-<environment>`, or a plain prefix. */
export type NamingScheme = "project-environment" | "prefix";

type Layout =
  | { readonly kind: "project-environment"; readonly project: string; readonly environment: string }
  | { readonly kind: "prefix"; readonly tags: Readonly<Record<string, string>> };

/**
 * Names and tags every resource a module creates: `<project>-<environment>-<thing>` in the kit's
 * scheme (`new Naming({ project, environment, ... })`), `<prefix>-<thing>` in a team's own
 * (`Naming.fromPrefix`).
 */
export class Naming {
  /** AWS account id, part of globally unique names. */
  readonly accountId: string;
  /** AWS region, part of globally unique names. */
  readonly region: string;
  /** The start of every name: `<project>-<environment>`, or the prefix given to `fromPrefix`. */
  readonly prefix: string;
  private readonly layout: Layout;
  private readonly prefixLimits: PrefixLimit[] = [];

  /**
   * A naming in the kit's scheme, `<project>-<environment>-<thing>`, from `NamingProps`; or, given
   * `PrefixNamingProps`, the same as `Naming.fromPrefix`.
   */
  constructor(props: NamingProps | PrefixNamingProps) {
    if (!Token.isUnresolved(props.accountId)) assertAccountId(props.accountId);
    this.accountId = props.accountId;
    this.region = props.region;
    if ("prefix" in props) {
      if ("project" in props || "environment" in props) {
        throw new PropError(
          "naming.prefix",
          "give either a prefix, or a project and an environment (the kit's scheme), not both",
        );
      }
      if (!Token.isUnresolved(props.prefix)) assertSegment("naming.prefix", props.prefix);
      const tags = props.tags ?? {};
      for (const [key, value] of Object.entries(tags)) assertTag(key, value);
      this.prefix = props.prefix;
      this.layout = { kind: "prefix", tags: { ...tags } };
    } else {
      assertSegment("naming.project", props.project);
      assertSegment("naming.environment", props.environment);
      this.prefix = `${props.project}-${props.environment}`;
      this.layout = { kind: "project-environment", project: props.project, environment: props.environment };
    }
  }

  /**
   * A naming for a team that has its own scheme: names are `<prefix>-<thing>` (S3 bucket names still
   * end in `-<account>-<region>`, to be globally unique) and resources carry exactly `tags`.
   *
   * Modules that build on the kit's scheme (CI access: preview roles reach `<project>-pr-*`;
   * observability's budget filters spend by the `Environment` tag) read `project` and `environment`:
   * give `Project` / `Environment` tags for those; without them, reading either throws a `PropError`.
   */
  static fromPrefix(props: PrefixNamingProps): Naming {
    return new Naming(props);
  }

  /** Which scheme this naming follows: modules built on the kit's scheme (CI access) check it. */
  get scheme(): NamingScheme {
    return this.layout.kind;
  }

  /**
   * The project slug. For a `fromPrefix` naming, its `Project` tag.
   * @throws PropError for a `fromPrefix` naming without a `Project` tag
   */
  get project(): string {
    if (this.layout.kind === "project-environment") return this.layout.project;
    return this.fromTag("project", "Project");
  }

  /**
   * The environment slug. For a `fromPrefix` naming, its `Environment` tag.
   * @throws PropError for a `fromPrefix` naming without an `Environment` tag
   */
  get environment(): string {
    if (this.layout.kind === "project-environment") return this.layout.environment;
    return this.fromTag("environment", "Environment");
  }

  /**
   * `<prefix>-<thing>` (`<project>-<environment>-<thing>` in the kit's scheme), shortened to
   * `maxLength` with a stable hash when needed. `thing` is lowercase words joined by hyphens
   * (`uploads`, `app-task`).
   */
  name(thing: string, maxLength: number = NAME_LIMITS.default): string {
    if (!SEGMENT.test(thing) && !/^[a-z0-9]$/.test(thing)) {
      throw new PropError("naming", `"${thing}" must be lowercase letters, digits and hyphens`);
    }
    if (Token.isUnresolved(this.prefix)) {
      // A prefix known only at plan (a Terraform variable) cannot be shortened here: record the
      // longest prefix this name leaves room for, for the variable's own validation.
      this.prefixLimits.push({ maxLength: maxLength - thing.length - 1, name: `<prefix>-${thing}` });
      return `${this.prefix}-${thing}`;
    }
    return fitName(`${this.prefix}-${thing}`, maxLength);
  }

  /** A globally unique S3 bucket name: `<prefix>-<thing>-<account>-<region>`. */
  bucketName(thing: string): string {
    if (Token.isUnresolved(this.prefix)) {
      const suffix = ACCOUNT_ID_LENGTH + LONGEST_REGION_NAME + 2;
      this.prefixLimits.push({
        maxLength: NAME_LIMITS.s3Bucket - thing.length - 1 - suffix,
        name: `<prefix>-${thing}-<account>-<region>`,
      });
      return `${this.prefix}-${thing}-${this.accountId}-${this.region}`;
    }
    return fitName(`${this.name(thing)}-${this.accountId}-${this.region}`, NAME_LIMITS.s3Bucket);
  }

  /**
   * For a prefix known only at plan time (a Terraform reference): the longest prefix every name made
   * so far leaves room for, and the name that sets it. Literal prefixes are shortened with a hash
   * instead, so this is `undefined` for them, as it is before any name is made.
   */
  get prefixLimit(): PrefixLimit | undefined {
    return this.prefixLimits.reduce<PrefixLimit | undefined>(
      (tightest, limit) =>
        tightest === undefined || limit.maxLength < tightest.maxLength ? limit : tightest,
      undefined,
    );
  }

  /**
   * A Naming for a child environment that shares this one's project, account and region.
   * @throws PropError for a `fromPrefix` naming, which has no environment to replace: make another
   */
  withEnvironment(environment: string): Naming {
    if (this.layout.kind === "prefix") {
      throw new PropError(
        "naming.withEnvironment",
        `a naming made by Naming.fromPrefix ("${this.prefix}") has no environment to replace; make another Naming.fromPrefix`,
      );
    }
    return new Naming({
      project: this.layout.project,
      environment,
      accountId: this.accountId,
      region: this.region,
    });
  }

  /**
   * Tags every resource carries (applied through the provider's `default_tags`), with `extra` on
   * top: `Project`, `Environment` and `ManagedBy` in the kit's scheme; exactly the given tags for a
   * `fromPrefix` naming.
   */
  tags(extra: Record<string, string> = {}): Record<string, string> {
    if (this.layout.kind === "prefix") return { ...this.layout.tags, ...extra };
    return {
      Project: this.layout.project,
      Environment: this.layout.environment,
      ManagedBy: "cdktf",
      ...extra,
    };
  }

  private fromTag(field: "project" | "environment", tag: "Project" | "Environment"): string {
    const value = this.layout.kind === "prefix" ? this.layout.tags[tag] : undefined;
    if (value === undefined) {
      throw new PropError(
        `naming.${field}`,
        `a naming made by Naming.fromPrefix ("${this.prefix}") has no ${field}; add tags.${tag}, or use new Naming({ project, environment, ... })`,
      );
    }
    return value;
  }
}

function assertSegment(field: string, value: string): void {
  if (!SEGMENT.test(value) || value.includes("--")) {
    throw new PropError(field, `"${value}" ${SEGMENT_RULE}`);
  }
}

function assertAccountId(accountId: string): void {
  if (!/^\d{12}$/.test(accountId))
    throw new PropError("naming.accountId", `"${accountId}" must be 12 digits`);
}

/** AWS tag limits: keys 1–128 characters, values up to 256, and the `aws:` prefix is AWS's own. */
function assertTag(key: string, value: string): void {
  if (key.length < 1 || key.length > 128 || /^aws:/i.test(key)) {
    throw new PropError(
      `naming.tags.${key}`,
      "a tag key must be 1–128 characters and must not start with aws: (reserved for AWS)",
    );
  }
  if (value.length > 256) {
    throw new PropError(`naming.tags.${key}`, `the value is ${value.length} characters; AWS allows 256`);
  }
}

/** Shortens `name` to `maxLength` keeping it unique: a prefix plus an 8-character hash of the whole. */
function fitName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const hash = fnv1a(name).toString(16).padStart(8, "0");
  return `${name.slice(0, maxLength - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
