import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ADMIN_POLICY,
  can,
  canAssume,
  decide,
  explain,
  explainAssume,
  handWrittenRole,
  type NamedPolicy,
  type PolicyDocument,
  policyProblems,
  type StackJson,
  SynthesisedIam,
  unexpected,
  webIdentity,
} from "./iam-simulation.js";

const A = "123456789012";
const R = "us-east-1";
const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: Statement.flat() as PolicyDocument["Statement"],
});
const policy = (name: string, ...statements: PolicyDocument["Statement"][]): NamedPolicy => ({
  name,
  document: doc(...statements),
});

describe("evaluating hand-written policies", () => {
  const boundary = policy("boundary", {
    Sid: "ProjectObjects",
    Effect: "Allow",
    Action: ["s3:GetObject", "s3:PutObject"],
    Resource: "arn:aws:s3:::acme-*/*",
  });
  const capped = handWrittenRole({
    name: "capped",
    accountId: A,
    policies: [ADMIN_POLICY],
    permissionsBoundary: boundary,
  });

  test("a boundary caps an admin policy: only what both allow is allowed", () => {
    expect(can(capped, "s3:GetObject", "arn:aws:s3:::acme-dev-uploads/users/1")).toBe(true);
    expect(can(capped, "s3:GetObject", "arn:aws:s3:::other-bucket/users/1")).toBe(false);
    expect(can(capped, "s3:DeleteObject", "arn:aws:s3:::acme-dev-uploads/users/1")).toBe(false);
    expect(can(capped, "iam:CreateUser", `arn:aws:iam::${A}:user/mallory`)).toBe(false);
    const admin = handWrittenRole({ name: "admin", accountId: A, policies: [ADMIN_POLICY] });
    expect(can(admin, "iam:CreateUser", `arn:aws:iam::${A}:user/mallory`)).toBe(true);
  });

  test("explain names the statements that grant, and the boundary that does not", () => {
    expect(explain(capped, { action: "s3:PutObject", resource: "arn:aws:s3:::acme-x/k" })).toEqual({
      decision: "Allowed",
      because: ["AdministratorAccess#1", "boundary boundary#ProjectObjects"],
    });
    expect(explain(capped, { action: "s3:DeleteObject", resource: "arn:aws:s3:::acme-x/k" })).toEqual({
      decision: "ImplicitlyDenied",
      because: ["AdministratorAccess#1 allows it", "but boundary boundary does not"],
    });
  });

  test("an explicit deny wins over any allow, and is named", () => {
    const role = handWrittenRole({
      name: "denied",
      accountId: A,
      policies: [
        ADMIN_POLICY,
        policy("guard", {
          Sid: "NoUsers",
          Effect: "Deny",
          Action: "iam:Create*",
          Resource: `arn:aws:iam::${A}:user/*`,
        }),
      ],
    });
    expect(explain(role, { action: "iam:CreateUser", resource: `arn:aws:iam::${A}:user/mallory` })).toEqual({
      decision: "ExplicitlyDenied",
      because: ["guard#NoUsers"],
    });
    expect(can(role, "iam:CreateRole", `arn:aws:iam::${A}:role/x`)).toBe(true);
  });

  test("conditions see the resource's tags, the request's tags and other context keys", () => {
    const role = handWrittenRole({
      name: "tagged",
      accountId: A,
      policies: [
        policy(
          "p",
          {
            Effect: "Allow",
            Action: "rds:DeleteDBInstance",
            Resource: `arn:aws:rds:*:${A}:db:*`,
            Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
          },
          {
            Effect: "Allow",
            Action: "ecs:CreateService",
            Resource: `arn:aws:ecs:*:${A}:service/*`,
            Condition: {
              StringEquals: { "aws:RequestTag/Preview": "true" },
              ArnLike: { "ecs:task-definition": `arn:aws:ecs:*:${A}:task-definition/acme-pr-*` },
              "ForAllValues:StringEquals": { "ecs:subnet": ["subnet-a", "subnet-b"] },
            },
          },
        ),
      ],
    });
    const db = `arn:aws:rds:${R}:${A}:db:acme-dev-db`;
    expect(can(role, "rds:DeleteDBInstance", db, { resourceTags: { Environment: "dev" } })).toBe(true);
    expect(can(role, "rds:DeleteDBInstance", db, { resourceTags: { Environment: "prod" } })).toBe(false);
    expect(can(role, "rds:DeleteDBInstance", db)).toBe(false);

    const service = `arn:aws:ecs:${R}:${A}:service/acme-dev-cluster/acme-pr-1-app`;
    const create = (taskDefinition: string, subnets: string[]) =>
      can(role, "ecs:CreateService", service, {
        requestTags: { Preview: "true" },
        context: { "ecs:task-definition": taskDefinition, "ecs:subnet": subnets },
      });
    expect(create(`arn:aws:ecs:${R}:${A}:task-definition/acme-pr-1-app:1`, ["subnet-a"])).toBe(true);
    expect(create(`arn:aws:ecs:${R}:${A}:task-definition/acme-prod-app:3`, ["subnet-a"])).toBe(false);
    expect(create(`arn:aws:ecs:${R}:${A}:task-definition/acme-pr-1-app:1`, ["subnet-a", "subnet-z"])).toBe(
      false,
    );
  });

  test("secretsmanager:ResourceTag/<key> is filled from the secret's tags (the validated entry point drops it)", () => {
    const hostDb = `arn:aws:rds:${R}:${A}:db:acme-dev-db`;
    const role = handWrittenRole({
      name: "migrate",
      accountId: A,
      policies: [
        policy("p", {
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: `arn:aws:secretsmanager:${R}:${A}:secret:rds!db-*`,
          Condition: { StringEquals: { "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": hostDb } },
        }),
      ],
    });
    const secret = `arn:aws:secretsmanager:${R}:${A}:secret:rds!db-1234-AbCdEf`;
    const tagged = (db: string) => ({ resourceTags: { "aws:rds:primaryDBInstanceArn": db } });
    expect(can(role, "secretsmanager:GetSecretValue", secret, tagged(hostDb))).toBe(true);
    expect(
      can(role, "secretsmanager:GetSecretValue", secret, tagged(`arn:aws:rds:${R}:${A}:db:acme-prod-db`)),
    ).toBe(false);
  });

  test("S3 requests carry no resource tags: the kit's buckets have no attribute-based access control", () => {
    const role = handWrittenRole({
      name: "abac",
      accountId: A,
      policies: [
        policy("p", {
          Effect: "Allow",
          Action: "s3:DeleteBucket",
          Resource: "arn:aws:s3:::*",
          Condition: { StringEquals: { "aws:ResourceTag/Environment": "dev" } },
        }),
      ],
    });
    expect(
      can(role, "s3:DeleteBucket", "arn:aws:s3:::acme-dev-x", { resourceTags: { Environment: "dev" } }),
    ).toBe(false);
  });

  test("an action that takes no resource is granted only by Resource *, not by an ARN that looks like its target", () => {
    const scoped = handWrittenRole({
      name: "scoped",
      accountId: A,
      policies: [
        policy("p", {
          Effect: "Allow",
          Action: "ecs:DeregisterTaskDefinition",
          Resource: `arn:aws:ecs:${R}:${A}:task-definition/acme-pr-*:*`,
        }),
      ],
    });
    const everywhere = handWrittenRole({
      name: "everywhere",
      accountId: A,
      policies: [policy("p", { Effect: "Allow", Action: "ecs:DeregisterTaskDefinition", Resource: "*" })],
    });
    expect(can(scoped, "ecs:DeregisterTaskDefinition", "*")).toBe(false);
    expect(can(everywhere, "ecs:DeregisterTaskDefinition", "*")).toBe(true);
  });

  test("a wildcard in the first part of an ARN's resource matches as in IAM (the simulator alone would not)", () => {
    const role = handWrittenRole({
      name: "waf",
      accountId: A,
      policies: [
        policy("p", {
          Effect: "Allow",
          Action: "wafv2:DeleteWebACL",
          Resource: `arn:aws:wafv2:*:${A}:*/webacl/acme-dev-*/*`,
        }),
      ],
    });
    const acl = (scope: string, name: string) =>
      `arn:aws:wafv2:us-east-1:${A}:${scope}/webacl/${name}/0f1e2d3c-0000-4000-8000-0123456789ab`;
    expect(can(role, "wafv2:DeleteWebACL", acl("global", "acme-dev-cdn"))).toBe(true);
    expect(can(role, "wafv2:DeleteWebACL", acl("regional", "acme-dev-alb"))).toBe(true);
    expect(can(role, "wafv2:DeleteWebACL", acl("global", "acme-prod-cdn"))).toBe(false);
  });

  test("unexpected() lists each row whose decision differs, with its reason", () => {
    const role = handWrittenRole({ name: "admin", accountId: A, policies: [ADMIN_POLICY] });
    expect(
      unexpected([
        { role, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", allowed: true },
        { role, action: "s3:PutObject", resource: "arn:aws:s3:::b/k", allowed: false },
      ]),
    ).toEqual([
      "admin: s3:PutObject on arn:aws:s3:::b/k is Allowed (AdministratorAccess#1), expected denied",
    ]);
  });
});

describe("trust policies", () => {
  const provider = `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`;
  const trusting = (subjects: string | string[], operator = "StringEquals") =>
    handWrittenRole({
      name: "ci",
      accountId: A,
      policies: [],
      trustPolicy: doc({
        Sid: "GitHubActions",
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          ...(operator === "StringEquals"
            ? {}
            : { [operator]: { "token.actions.githubusercontent.com:sub": subjects } }),
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            ...(operator === "StringEquals" ? { "token.actions.githubusercontent.com:sub": subjects } : {}),
          },
        },
      }),
    });
  const token = (sub: string, aud = "sts.amazonaws.com") => webIdentity(provider, { sub, aud });

  test("a GitHub token is judged on its sub and aud claims", () => {
    const role = trusting(["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"]);
    expect(canAssume(role, token("repo:acme/platform:pull_request"))).toBe(true);
    expect(canAssume(role, token("repo:acme/platform:ref:refs/heads/main"))).toBe(true);
    expect(canAssume(role, token("repo:acme/platform:environment:prod"))).toBe(false);
    expect(canAssume(role, token("repo:evil/platform:pull_request"))).toBe(false);
    expect(canAssume(role, token("repo:acme/platform:pull_request", "sigstore"))).toBe(false);
    expect(canAssume(role, webIdentity(provider, { sub: "repo:acme/platform:pull_request" }))).toBe(false);
  });

  test("only the trusted provider's tokens count", () => {
    const role = trusting("repo:acme/platform:pull_request");
    const gitlab = `arn:aws:iam::${A}:oidc-provider/gitlab.com`;
    expect(
      canAssume(
        role,
        webIdentity(gitlab, { sub: "repo:acme/platform:pull_request", aud: "sts.amazonaws.com" }),
      ),
    ).toBe(false);
  });

  test("a wildcard subject lets every environment's token in (why the roles use StringEquals)", () => {
    const role = trusting("repo:acme/platform:*", "StringLike");
    expect(canAssume(role, token("repo:acme/platform:environment:prod"))).toBe(true);
    expect(explainAssume(role, token("repo:acme/platform-fork:environment:prod"))).toEqual({
      decision: "ImplicitlyDenied",
      because: ["no statement allows it"],
    });
  });
});

describe("requests are checked against the Service Authorization Reference", () => {
  const role = handWrittenRole({ name: "admin", accountId: A, policies: [ADMIN_POLICY] });

  test("an unknown action is refused", () => {
    expect(() => can(role, "rds:DeleteDBInstanse", `arn:aws:rds:${R}:${A}:db:x`)).toThrow(
      'action "rds:DeleteDBInstanse" is not in the Service Authorization Reference',
    );
  });

  test("a resource the action does not take is refused", () => {
    expect(() => can(role, "s3:DeleteBucket", "arn:aws:s3:::bucket/key")).toThrow(
      "is no ARN of the resource types it takes (bucket)",
    );
    expect(() => can(role, "rds:DeleteDBInstance", `arn:aws:rds:${R}:${A}:db:acme-*`)).toThrow(
      "without wildcards",
    );
    expect(() =>
      can(role, "ecs:DeregisterTaskDefinition", `arn:aws:ecs:${R}:${A}:task-definition/x:1`),
    ).toThrow('must be "*"');
  });

  test("a condition key that does not apply to the request is refused", () => {
    expect(() =>
      can(role, "s3:GetObject", "arn:aws:s3:::b/k", {
        context: { "iam:PermissionsBoundary": "arn:aws:iam::1:policy/x" },
      }),
    ).toThrow('condition key "iam:PermissionsBoundary" does not apply');
    expect(() =>
      can(role, "rds:DeleteDBInstance", `arn:aws:rds:${R}:${A}:db:x`, {
        requestTags: { Environment: "dev" },
      }),
    ).toThrow("takes no request tags");
    expect(() =>
      can(role, "iam:PassRole", `arn:aws:iam::${A}:role/x`, {
        context: { "iam:PassedToService": ["a", "b"] },
      }),
    ).toThrow("single-valued");
  });

  test("a key action needs the key's policy", () => {
    expect(() => can(role, "kms:ScheduleKeyDeletion", `arn:aws:kms:${R}:${A}:key/1234`)).toThrow(
      "resourcePolicy",
    );
    const keyPolicy = doc({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${A}:root` },
      Action: "kms:*",
      Resource: "*",
    });
    expect(
      can(role, "kms:ScheduleKeyDeletion", `arn:aws:kms:${R}:${A}:key/1234`, { resourcePolicy: keyPolicy }),
    ).toBe(true);
    const noAccount = doc({
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
    });
    expect(
      decide(role, {
        action: "kms:ScheduleKeyDeletion",
        resource: `arn:aws:kms:${R}:${A}:key/1234`,
        resourcePolicy: noAccount,
      }),
    ).toBe("ImplicitlyDenied");
  });
});

describe("policyProblems", () => {
  test("a sound policy has none", async () => {
    expect(
      await policyProblems(doc({ Effect: "Allow", Action: ["s3:Get*"], Resource: "*" }), "identity"),
    ).toEqual([]);
  });

  test("what the simulator would silently misread is reported", async () => {
    const problems = await policyProblems(
      doc({
        Sid: "Typos",
        Effect: "Deny",
        Action: ["s3:DeleteBuckett"],
        Resource: "*",
        Condition: {
          StringEqualz: { "aws:ResourceTag/Environment": "prod" },
          StringEquals: { "s3:nosuchkey": "x" },
        },
      }),
      "identity",
      "guard",
    );
    expect(problems).toEqual([
      'guard#Typos: unknown condition operator "StringEqualz"',
      'guard#Typos: unknown condition key "s3:nosuchkey"',
      'guard#Typos: action "s3:DeleteBuckett" matches no action',
    ]);
  });

  test("a malformed statement is reported", async () => {
    const problems = await policyProblems(
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Alow" as "Allow", Action: "s3:GetObject", Resource: "*" }],
      },
      "identity",
      "p",
    );
    expect(problems.join("\n")).toContain('Effect must be present and exactly \\"Allow\\" or \\"Deny\\"');
  });
});

describe("loading synthesised stacks", () => {
  const fixtures = mkdtempSync(join(tmpdir(), "iam-simulation-fixtures-"));
  beforeAll(() => {
    writeFileSync(
      join(fixtures, "host.state.json"),
      JSON.stringify({
        outputs: {
          database_resource_id: { value: "db-HOSTFIXTURE0000000000000001" },
          cluster_arn: { value: `arn:aws:ecs:${R}:${A}:cluster/acme-host-cluster` },
        },
      }),
    );
  });
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  const provider = (environment: string) => ({
    aws: [
      {
        region: R,
        allowed_account_ids: [A],
        default_tags: [{ tags: { Project: "acme", Environment: environment } }],
      },
    ],
  });
  const json = (value: unknown) => JSON.stringify(value);
  const bootstrap: StackJson = {
    provider: provider("bootstrap"),
    resource: {
      aws_iam_policy: {
        boundary: {
          name: "acme-bootstrap-boundary",
          policy: json(
            doc({
              Sid: "Objects",
              Effect: "Allow",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::acme-*/*",
            }),
          ),
        },
      },
    },
  };
  const host: StackJson = {
    provider: provider("host"),
    output: { database_resource_id: { value: `\${aws_db_instance.db.resource_id}` } },
    resource: {
      aws_db_instance: { db: { identifier: "acme-host-db" } },
      aws_s3_bucket: { uploads: { bucket: "acme-host-uploads" } },
      aws_dynamodb_table: { locks: { name: "acme-host-locks" } },
      aws_secretsmanager_secret: { key: { name: "acme-host/signing-key" } },
      aws_iam_policy: {
        extra: {
          name: "acme-host-extra",
          policy: json(
            doc({
              Sid: "Table",
              Effect: "Allow",
              Action: "dynamodb:GetItem",
              Resource: `\${aws_dynamodb_table.locks.arn}`,
            }),
          ),
        },
      },
      aws_iam_role: {
        task: {
          name: "acme-host-task",
          assume_role_policy: json(
            doc({
              Effect: "Allow",
              Principal: { Service: "ecs-tasks.amazonaws.com" },
              Action: "sts:AssumeRole",
            }),
          ),
          permissions_boundary: `arn:aws:iam::${A}:policy/acme-bootstrap-boundary`,
          inline_policy: [
            {
              name: "secrets",
              policy: json(
                doc({
                  Sid: "Secrets",
                  Effect: "Allow",
                  Action: "secretsmanager:GetSecretValue",
                  Resource: [
                    `\${aws_secretsmanager_secret.key.arn}`,
                    `\${aws_db_instance.db.master_user_secret[0].secret_arn}`,
                  ],
                }),
              ),
            },
          ],
        },
      },
      aws_iam_role_policy: {
        objects: {
          role: `\${aws_iam_role.task.name}`,
          name: "objects",
          policy: json(
            doc(
              {
                Sid: "Objects",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: `\${aws_s3_bucket.uploads.arn}/users/*`,
              },
              {
                Sid: "Connect",
                Effect: "Allow",
                Action: "rds-db:connect",
                Resource: `arn:aws:rds-db:${R}:${A}:dbuser:\${aws_db_instance.db.resource_id}/app`,
              },
            ),
          ),
        },
      },
      aws_iam_role_policy_attachment: {
        extra: { role: `\${aws_iam_role.task.id}`, policy_arn: `\${aws_iam_policy.extra.arn}` },
      },
    },
  };
  const preview: StackJson = {
    provider: provider("pr-1"),
    data: {
      terraform_remote_state: { host: { backend: "s3", config: { key: "acme/host/terraform.tfstate" } } },
    },
    resource: {
      aws_iam_role_policy: {
        connect: {
          role: "acme-host-task",
          name: "connect",
          policy: json(
            doc({
              Effect: "Allow",
              Action: "rds-db:connect",
              Resource: `arn:aws:rds-db:${R}:${A}:dbuser:\${data.terraform_remote_state.host.outputs.database_resource_id}/pr_1`,
            }),
          ),
        },
      },
    },
  };
  const load = (stacks: Record<string, StackJson>, options = {}) =>
    SynthesisedIam.fromStacks(stacks, { fixtures, ...options });

  test("a role gets its inline, attached and boundary policies, interpolations resolved to concrete ARNs", async () => {
    const iam = await load({ bootstrap, host, preview });
    const task = iam.role("acme-host-task");
    expect(task.arn).toBe(`arn:aws:iam::${A}:role/acme-host-task`);
    expect(task.policies.map((p) => p.name)).toEqual(["secrets", "objects", "connect", "acme-host-extra"]);
    expect(task.permissionsBoundary?.arn).toBe(`arn:aws:iam::${A}:policy/acme-bootstrap-boundary`);
    expect(task.policies.find((p) => p.name === "acme-host-extra")?.document).toEqual(
      doc({
        Sid: "Table",
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: `arn:aws:dynamodb:${R}:${A}:table/acme-host-locks`,
      }),
    );
    expect(JSON.stringify(task.policies[0]?.document)).toContain(
      `arn:aws:secretsmanager:${R}:${A}:secret:acme-host/signing-key-AbCdEf`,
    );
    expect(iam.attribute("host", "aws_db_instance.db", "master_user_secret[0].secret_arn")).toMatch(
      new RegExp(
        `^arn:aws:secretsmanager:${R}:${A}:secret:rds!db-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}-AbCdEf$`,
      ),
    );
    expect(iam.defaultTags("host")).toEqual({ Project: "acme", Environment: "host" });
  });

  test("load() reads every stack of a cdktf output folder", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "iam-simulation-out-"));
    try {
      for (const [name, stack] of Object.entries({ bootstrap, host })) {
        mkdirSync(join(outdir, "stacks", name), { recursive: true });
        writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(stack));
      }
      const iam = await SynthesisedIam.load(outdir, { fixtures });
      expect(iam.stackNames.sort()).toEqual(["bootstrap", "host"]);
      expect(iam.roles.map((r) => `${r.stack}/${r.name}`)).toEqual(["host/acme-host-task"]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("a stack's published ids and other stacks' remote state agree, both from the fixture", async () => {
    const iam = await load({ bootstrap, host, preview });
    expect(iam.attribute("host", "aws_db_instance.db", "resource_id")).toBe("db-HOSTFIXTURE0000000000000001");
    const task = iam.role("acme-host-task");
    const dbuser = (user: string) => `arn:aws:rds-db:${R}:${A}:dbuser:db-HOSTFIXTURE0000000000000001/${user}`;
    expect(can(task, "rds-db:connect", dbuser("pr_1"))).toBe(false); // the boundary allows no rds-db:connect
    expect(JSON.stringify(task.policies.find((p) => p.name === "connect")?.document)).toContain(
      dbuser("pr_1"),
    );
    expect(JSON.stringify(task.policies.find((p) => p.name === "objects")?.document)).toContain(
      dbuser("app"),
    );
  });

  test("the evaluated role is capped by the boundary of another stack", async () => {
    const iam = await load({ bootstrap, host, preview });
    const task = iam.role("acme-host-task");
    expect(can(task, "s3:GetObject", "arn:aws:s3:::acme-host-uploads/users/1")).toBe(true);
    expect(can(task, "s3:GetObject", "arn:aws:s3:::acme-host-uploads/other/1")).toBe(false);
    expect(
      explain(task, {
        action: "dynamodb:GetItem",
        resource: `arn:aws:dynamodb:${R}:${A}:table/acme-host-locks`,
      }),
    ).toEqual({
      decision: "ImplicitlyDenied",
      because: ["acme-host-extra#Table allows it", "but boundary acme-bootstrap-boundary does not"],
    });
  });

  test("an interpolation it cannot resolve fails the load instead of becoming a wildcard", async () => {
    const withPolicy = (resource: string): Record<string, StackJson> => ({
      bootstrap,
      host: {
        ...host,
        resource: {
          ...host.resource,
          aws_iam_role_policy: {
            odd: {
              role: "acme-host-task",
              name: "odd",
              policy: json(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: resource })),
            },
          },
        },
      },
    });
    await expect(load(withPolicy(`\${aws_s3_bucket.uploads.website_endpoint}`))).rejects.toThrow(
      "no rule for aws_s3_bucket.website_endpoint",
    );
    await expect(load(withPolicy(`\${aws_s3_bucket.missing.arn}`))).rejects.toThrow(
      "no resource aws_s3_bucket.missing",
    );
    await expect(load(withPolicy(`\${var.bucket_arn}`))).rejects.toThrow(
      `cannot resolve "\${var.bucket_arn}"`,
    );
    await expect(load(withPolicy(`\${jsonencode({ a = 1 })}`))).rejects.toThrow("not a plain reference");
    await expect(
      load({
        ...withPolicy("x"),
        preview: { ...preview, resource: {} },
        other: {
          ...preview,
          resource: {
            aws_iam_role_policy: {
              p: {
                role: "acme-host-task",
                name: "p",
                policy: json(
                  doc({
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: `\${data.terraform_remote_state.host.outputs.nothing}`,
                  }),
                ),
              },
            },
          },
        },
      }),
    ).rejects.toThrow('no string output "nothing"');
  });

  test("an AWS managed policy must be given its contents", async () => {
    const managed = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    const stacks = {
      bootstrap,
      host: {
        ...host,
        resource: {
          ...host.resource,
          aws_iam_role_policy_attachment: { m: { role: "acme-host-task", policy_arn: managed } },
        },
      },
    };
    await expect(load(stacks)).rejects.toThrow(
      `policy ${managed} is in no synthesised stack (an AWS managed policy`,
    );
    const iam = await load(stacks, {
      awsManagedPolicies: {
        [managed]: doc({ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }),
      },
    });
    expect(iam.role("acme-host-task").policies.map((p) => p.name)).toContain(
      "AmazonECSTaskExecutionRolePolicy",
    );
  });

  test("a boundary no stack defines, an unknown role or an unmodelled IAM resource fails loudly", async () => {
    await expect(load({ host })).rejects.toThrow(
      "permissions_boundary: policy arn:aws:iam::123456789012:policy/acme-bootstrap-boundary is in no synthesised stack",
    );
    await expect(
      load({
        bootstrap,
        host: { ...host, resource: { ...host.resource, aws_iam_user: { u: { name: "mallory" } } } },
      }),
    ).rejects.toThrow("aws_iam_user is not modelled");
    const iam = await load({ bootstrap, host });
    expect(() => iam.role("acme-host-nothing")).toThrow(
      'no stack creates a role named "acme-host-nothing"; roles: acme-host-task',
    );
  });

  test("a policy the simulator would misread fails the load", async () => {
    const stacks = {
      bootstrap: {
        ...bootstrap,
        resource: {
          aws_iam_policy: {
            boundary: {
              name: "acme-bootstrap-boundary",
              policy: json(
                doc({
                  Sid: "Guard",
                  Effect: "Deny",
                  Action: "s3:*",
                  Resource: "*",
                  Condition: { StringNotEqual: { "aws:ResourceTag/Environment": "dev" } },
                }),
              ),
            },
          },
        },
      },
      host,
    };
    await expect(load(stacks)).rejects.toThrow(
      'acme-bootstrap-boundary#Guard: unknown condition operator "StringNotEqual"',
    );
  });
});
