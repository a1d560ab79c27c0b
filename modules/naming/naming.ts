/**
 * One naming scheme for every resource the kit creates: `<project>-<environment>-<thing>`.
 *
 * Modules never build names by hand; they ask the `Naming` they were given. That keeps names
 * predictable (people search the console by them), collision-free between environments and
 * previews, and inside each AWS service's length and character limits.
 */

const SEGMENT = /^[a-z][a-z0-9-]*[a-z0-9]$/;

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

export class Naming {
  readonly project: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;

  constructor(props: NamingProps) {
    for (const [field, value] of [
      ["project", props.project],
      ["environment", props.environment],
    ] as const) {
      if (!SEGMENT.test(value) || value.includes("--")) {
        throw new Error(
          `naming.${field}: "${value}" must be lowercase letters, digits and single hyphens, starting with a letter`,
        );
      }
    }
    if (!/^\d{12}$/.test(props.accountId)) {
      throw new Error(`naming.accountId: "${props.accountId}" must be 12 digits`);
    }
    this.project = props.project;
    this.environment = props.environment;
    this.accountId = props.accountId;
    this.region = props.region;
  }

  /** `<project>-<environment>` — the prefix every name starts with. */
  get prefix(): string {
    return `${this.project}-${this.environment}`;
  }

  /**
   * `<project>-<environment>-<thing>`, shortened to `maxLength` with a stable hash when needed.
   * `thing` is lowercase words joined by hyphens (`uploads`, `app-task`).
   */
  name(thing: string, maxLength: number = NAME_LIMITS.default): string {
    if (!SEGMENT.test(thing) && !/^[a-z0-9]$/.test(thing)) {
      throw new Error(`naming: "${thing}" must be lowercase letters, digits and hyphens`);
    }
    return fitName(`${this.prefix}-${thing}`, maxLength);
  }

  /** A globally unique S3 bucket name: `<project>-<environment>-<thing>-<account>-<region>`. */
  bucketName(thing: string): string {
    return fitName(`${this.name(thing)}-${this.accountId}-${this.region}`, NAME_LIMITS.s3Bucket);
  }

  /** A Naming for a child environment that shares this one's project, account and region. */
  withEnvironment(environment: string): Naming {
    return new Naming({ ...this, environment });
  }

  /** Tags every resource carries (applied through the provider's `default_tags`). */
  tags(extra: Record<string, string> = {}): Record<string, string> {
    return { Project: this.project, Environment: this.environment, ManagedBy: "cdktf", ...extra };
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
