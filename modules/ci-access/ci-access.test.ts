import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { describe, expect, test } from "vitest";
import { Naming } from "../naming/naming.js";
import { StateBackend } from "../state/state-backend.js";
import { policy, type Synthesised, synthesise, testNaming } from "../testing/synthesised.js";
import { CiAccess, type CiAccessProps } from "./ci-access.js";

type Statement = Record<string, unknown>;

const EXISTING_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const PREVIEW_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app-preview";
const HOST_DATABASE = "arn:aws:rds:us-east-1:123456789012:db:acme-dev-db";
const RELEASE_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app";
const environment = (name: string) => ({
  naming: testNaming.withEnvironment(name),
  hostedZoneId: `Z0${name.toUpperCase()}0000000001`,
});
const base = {
  releaseRepositoryArn: RELEASE_REPOSITORY,
  github: { owner: "acme", repository: "platform" },
  stateKeyPrefix: "acme/",
  previewStateKeyPrefix: "acme/preview/",
  previewWorkloads: {
    hostNaming: testNaming.withEnvironment("dev"),
    hostDatabaseArn: HOST_DATABASE,
    repositoryArn: PREVIEW_REPOSITORY,
  },
  previewHost: { clusterName: "acme-dev-cluster", loadBalancerName: "acme-dev-alb" },
};

const build = (props: Partial<CiAccessProps> = {}) =>
  synthesise((scope) => {
    const state = new StateBackend(scope, "state", { naming: testNaming });
    new CiAccess(scope, "ci", {
      naming: testNaming,
      state,
      applyEnvironments: ["dev", "staging", "prod"].map(environment),
      ...base,
      ...props,
    });
  });

const full = build({ previewDomain: "Preview.Acme.Example.", previewHostedZoneId: "Z0123456789ABCDEFGHIJ" });
const existing = build({
  existingOidcProviderArn: EXISTING_PROVIDER,
  applyEnvironments: [environment("prod")],
  defaultBranch: "trunk",
});

/** The Terraform name of the role called `name`. */
function roleId(s: Synthesised, name: string): string {
  const found = Object.entries(s.resources("aws_iam_role")).find(([, r]) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return found[0];
}
function role(s: Synthesised, kind: string) {
  return s.resources("aws_iam_role")[roleId(s, `acme-test-ci-${kind}`)]!;
}
function trust(s: Synthesised, kind: string): Statement[] {
  return policy(role(s, kind).assume_role_policy).Statement;
}
/** Inline policies of the role, by policy name. */
function inline(s: Synthesised, kind: string): Record<string, Statement[]> {
  const id = roleId(s, `acme-test-ci-${kind}`);
  return Object.fromEntries(
    s
      .list("aws_iam_role_policy")
      .filter((p) => String(p.role).includes(`aws_iam_role.${id}.`))
      .map((p) => [String(p.name), policy(p.policy).Statement]),
  );
}
/** The statements of the managed policy named `name`. */
function managed(s: Synthesised, name: string): Statement[] {
  const found = s.list("aws_iam_policy").find((p) => p.name === name);
  if (!found) throw new Error(`no managed policy ${name}`);
  return policy(found.policy).Statement;
}
const READ_POLICIES = ["acme-test-ci-terraform-read", "acme-test-ci-terraform-read-unscoped"];
const readStatements = (s: Synthesised) => READ_POLICIES.flatMap((name) => managed(s, name));
/** The managed policies attached to the role, by Terraform reference. */
function attached(s: Synthesised, kind: string): string[] {
  const id = roleId(s, `acme-test-ci-${kind}`);
  return s
    .list("aws_iam_role_policy_attachment")
    .filter((a) => a.role === `\${aws_iam_role.${id}.name}`)
    .map((a) => String(a.policy_arn));
}
/** The Terraform reference to the ARN of the managed policy named `name`. */
function policyRef(s: Synthesised, name: string): string {
  const found = Object.entries(s.resources("aws_iam_policy")).find(([, p]) => p.name === name);
  if (!found) throw new Error(`no managed policy ${name}`);
  return `\${aws_iam_policy.${found[0]}.arn}`;
}
const boundaryOf = (env: string) => `arn:aws:iam::123456789012:policy/acme-test-${env}-workload-boundary`;
const instanceBoundaryOf = (env: string) =>
  `arn:aws:iam::123456789012:policy/acme-test-${env}-instance-boundary`;
const PREVIEW_BOUNDARY = "arn:aws:iam::123456789012:policy/acme-test-preview-workload-boundary";
/** The boundaries each role that creates roles may give them (an apply role: either of its environment's). */
const BOUNDARY_OF: Record<string, string[]> = {
  preview: [PREVIEW_BOUNDARY],
  "apply-dev": [boundaryOf("dev"), instanceBoundaryOf("dev")],
  "apply-prod": [boundaryOf("prod"), instanceBoundaryOf("prod")],
};
const APPLY_KINDS = ["apply-dev", "apply-staging", "apply-prod"];
/** Everything the role may do: its inline policies and the shared read policy. */
const allStatements = (s: Synthesised, kind: string) => [
  ...Object.values(inline(s, kind)).flat(),
  ...readStatements(s),
];
const list = (value: unknown) => [value].flat().map(String);

describe("GitHub OIDC provider", () => {
  test("is created for token.actions.githubusercontent.com with the sts.amazonaws.com audience", () => {
    const provider = full.only("aws_iam_openid_connect_provider");
    expect(provider).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    // AWS no longer checks thumbprints for GitHub's provider; provider 5.100 makes the list optional.
    expect(provider.thumbprint_list).toBeUndefined();
  });

  test("an existing provider is used instead of creating a second one", () => {
    expect(existing.list("aws_iam_openid_connect_provider")).toHaveLength(0);
    for (const kind of ["plan", "preview", "apply-prod"]) {
      expect(trust(existing, kind)[0]?.Principal).toEqual({ Federated: EXISTING_PROVIDER });
    }
  });
});

describe("trust policies", () => {
  const pullRequestsAndMain = ["repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"];
  test.each([
    ["plan", pullRequestsAndMain],
    ["preview", pullRequestsAndMain],
  ])(
    "%s is assumable only by pull request and default-branch workflows of the repository (exact sub and aud)",
    (kind, sub) => {
      expect(trust(full, kind)).toEqual([
        {
          Sid: "GitHubActions",
          Effect: "Allow",
          Principal: {
            Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.[\w-]+\.arn\}$/),
          },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": sub,
            },
          },
        },
      ]);
    },
  );

  test("the default branch is a prop: pushes to it and schedules get the plan and preview roles, never apply", () => {
    for (const kind of ["plan", "preview"]) {
      expect(trust(existing, kind)[0]?.Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": [
            "repo:acme/platform:pull_request",
            "repo:acme/platform:ref:refs/heads/trunk",
          ],
        },
      });
    }
    for (const kind of APPLY_KINDS) expect(JSON.stringify(trust(full, kind))).not.toContain(":ref:");
    expect(JSON.stringify(trust(existing, "apply-prod"))).not.toContain(":ref:");
  });

  test.each(["dev", "staging", "prod"])(
    "the %s apply role is assumable only from the GitHub environment of the same name",
    (env) => {
      expect(trust(full, `apply-${env}`)[0]?.Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:acme/platform:environment:${env}`,
        },
      });
    },
  );

  test("one apply role per listed environment, and no other", () => {
    const names = full.list("aws_iam_role").map((r) => String(r.name));
    expect(names.filter((n) => n.includes("-ci-apply")).sort()).toEqual([
      "acme-test-ci-apply-dev",
      "acme-test-ci-apply-prod",
      "acme-test-ci-apply-staging",
    ]);
    expect(
      existing
        .list("aws_iam_role")
        .map((r) => String(r.name))
        .filter((n) => n.includes("-ci-apply")),
    ).toEqual(["acme-test-ci-apply-prod"]);
    expect(trust(existing, "apply-prod")[0]?.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/platform:environment:prod",
      },
    });
  });

  test("no trust condition uses a pattern: every sub is compared exactly", () => {
    for (const kind of ["plan", "preview", ...APPLY_KINDS]) {
      for (const statement of trust(full, kind)) {
        expect(Object.keys(statement.Condition as object)).toEqual(["StringEquals"]);
        expect(JSON.stringify(statement.Condition)).not.toContain("*");
      }
    }
  });

  test("sessions last at most an hour", () => {
    for (const kind of ["plan", "preview", ...APPLY_KINDS])
      expect(role(full, kind).max_session_duration).toBe(3600);
  });
});

describe("no wildcard action or principal anywhere", () => {
  test("no policy of the construct has a '*' action or a '*' principal", () => {
    const documents = [
      ...full.list("aws_iam_role_policy").map((p) => p.policy),
      ...full.list("aws_iam_policy").map((p) => p.policy),
      ...full.list("aws_iam_role").map((r) => r.assume_role_policy),
    ];
    // 5 trust policies; 14 inline policies (plan 1, preview 4, each apply role 3); the two read
    // policies, four boundary guards, the preview upkeep and roles policies, four workload
    // boundaries, three instance boundaries and three apply roles' EC2 capacity policies.
    expect(documents).toHaveLength(37);
    for (const document of documents) {
      for (const s of policy(document).Statement) {
        expect(list(s.Action)).not.toContain("*");
        expect(s.Principal ?? {}).not.toBe("*");
        expect(JSON.stringify(s.Principal ?? {})).not.toContain('"*"');
      }
    }
  });

  test("service-wide actions (svc:*) appear only in the apply role, never on resource '*'", () => {
    for (const kind of ["plan", "preview"]) {
      for (const s of allStatements(full, kind)) {
        for (const action of list(s.Action)) expect(action).not.toMatch(/:\*$/);
      }
    }
    for (const kind of APPLY_KINDS) {
      const wildcard = inline(full, kind)["manage-stack"]!.filter((s) =>
        list(s.Action).some((a) => a.endsWith(":*")),
      );
      expect(wildcard.length).toBeGreaterThan(5);
      for (const s of wildcard) expect(list(s.Resource)).not.toContain("*");
    }
  });
});

describe("plan role", () => {
  test("reads resource configuration through the shared read policy, attached to every role", () => {
    for (const kind of ["plan", "preview", ...APPLY_KINDS]) {
      for (const name of READ_POLICIES) expect(attached(full, kind)).toContain(policyRef(full, name));
    }
  });

  test("the read policy is describe/get/list only, and reads no data (objects, secrets, items, logs)", () => {
    const actions = readStatements(full).flatMap((s) => list(s.Action));
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:(Describe|Get|List|View)/);
    for (const dataRead of [
      "s3:GetObject",
      "s3:Get*",
      "secretsmanager:GetSecretValue",
      "ssm:GetParameter",
      "dynamodb:GetItem",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
    ]) {
      expect(actions).not.toContain(dataRead);
    }
  });

  test("writes nothing, not even a state lock: it reads state objects and the lock table's digests", () => {
    const statements = Object.values(inline(full, "plan")).flat();
    const writes = statements.filter((s) =>
      list(s.Action).some((a) => /:(Put|Delete|Create|Update|Modify)/.test(a)),
    );
    expect(writes).toEqual([]);
    expect(statements.find((s) => s.Sid === "StateObjects")?.Action).toBe("s3:GetObject");
    expect(statements.find((s) => s.Sid === "StateLockTableItems")).toMatchObject({
      Action: "dynamodb:GetItem",
      Condition: {
        Null: { "dynamodb:LeadingKeys": "false" },
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [expect.stringMatching(/\/acme\/\*$/)] },
      },
    });
  });

  test("has nothing but the read policy and state read access", () => {
    expect(Object.keys(inline(full, "plan"))).toEqual(["tfstate-read"]);
    expect(attached(full, "plan").sort()).toEqual(READ_POLICIES.map((name) => policyRef(full, name)).sort());
  });
});

describe("preview role", () => {
  // Its inline statements and the managed policy its IAM statements live in (the inline quota).
  const manage = [
    ...inline(full, "preview")["manage-previews"]!,
    ...managed(full, "acme-test-ci-preview-roles"),
  ];

  test("manages its pull request's own secrets by name, and re-tags only what is already a preview's", () => {
    expect(attached(full, "preview")).toContain(policyRef(full, "acme-test-ci-preview-upkeep"));
    const [secrets, retag, ...rest] = managed(full, "acme-test-ci-preview-upkeep");
    expect(rest).toEqual([]);
    expect(secrets?.Resource).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-pr-*");
    expect(list(secrets?.Action)).toContain("secretsmanager:CreateSecret");
    expect(list(secrets?.Action)).not.toContain("secretsmanager:GetSecretValue");
    expect(retag?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/Preview": "true" } });
    for (const action of list(retag?.Action))
      expect(action).toMatch(/:(Tag|Untag|AddTags|RemoveTags|CreateTags|DeleteTags)/);
  });

  test("writes only the bucket settings the storage module uses: no ACL, website, CORS or replication", () => {
    const buckets = manage.find((s) => s.Sid === "PreviewBuckets");
    const actions = list(buckets?.Action);
    expect(actions).toContain("s3:PutBucketPublicAccessBlock");
    for (const action of actions)
      expect(action).not.toMatch(/\*|Acl|Website|Cors|Replication|Notification|Logging/);
  });

  test("every statement is limited to preview names or preview tags", () => {
    const unscoped = manage.filter(
      (s) =>
        !s.Condition && !list(s.Resource).every((r) => r.includes(":acme-pr-") || r.includes("/acme-pr-")),
    );
    expect(unscoped).toEqual([]);
  });

  test("the only action on '*' is the reaper's tag lookup: no write, no account-wide deregistration", () => {
    expect(inline(full, "preview")["actions-without-resource-scope"]).toEqual([
      { Sid: "FindPreviewsByTag", Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
    ]);
    for (const s of allStatements(full, "preview"))
      expect(list(s.Action)).not.toContain("ecs:DeregisterTaskDefinition");
    expect(Object.keys(inline(full, "preview")).sort()).toEqual([
      "actions-without-resource-scope",
      "manage-previews",
      "tfstate-read",
      "tfstate-read-write",
    ]);
  });

  test("has no ECR permission of its own: the stack that owns the preview repository grants the push", () => {
    const ecr = Object.values(inline(full, "preview"))
      .flat()
      .flatMap((s) => list(s.Action))
      .filter((a) => a.startsWith("ecr:"));
    expect(ecr).toEqual([]);
  });

  test("creates ECS, load balancer, log and IAM resources only with the Preview=true tag", () => {
    for (const sid of [
      "RegisterPreviewTaskDefinitions",
      "CreatePreviewTargetGroups",
      "CreatePreviewListenerRules",
      "CreatePreviewLogGroups",
      "TagPreviewRoles",
      "CreatePreviewSecurityGroups",
      "AddPreviewSecurityGroupRules",
    ]) {
      expect(manage.find((s) => s.Sid === sid)?.Condition, sid).toEqual({
        StringEquals: { "aws:RequestTag/Preview": "true" },
      });
    }
    expect(manage.find((s) => s.Sid === "CreatePreviewServices")?.Condition).toMatchObject({
      StringEquals: { "aws:RequestTag/Preview": "true" },
    });
  });

  test("a preview service runs only a preview's task definition, never another environment's", () => {
    const previewTaskDefinitions = "arn:aws:ecs:us-east-1:123456789012:task-definition/acme-pr-*:*";
    expect(manage.find((s) => s.Sid === "CreatePreviewServices")?.Condition).toEqual({
      StringEquals: { "aws:RequestTag/Preview": "true" },
      ArnLike: { "ecs:task-definition": previewTaskDefinitions },
    });
    // UpdateService names a task definition only when it changes it.
    expect(manage.find((s) => s.Sid === "UpdatePreviewServices")?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Preview": "true" },
      ArnLikeIfExists: { "ecs:task-definition": previewTaskDefinitions },
    });
  });

  test("changes and deletes them only while they carry the Preview=true tag", () => {
    for (const sid of [
      "UpdatePreviewServices",
      "DeletePreviewServices",
      "RunPreviewTasks",
      "ChangePreviewTargetGroups",
      "ChangePreviewListenerRules",
      "ChangePreviewLogGroups",
      "ChangePreviewRoles",
      "ChangePreviewSecurityGroups",
    ]) {
      expect(manage.find((s) => s.Sid === sid)?.Condition, sid).toMatchObject({
        StringEquals: { "aws:ResourceTag/Preview": "true" },
      });
    }
  });

  test("runs services and one-off tasks only in the host's cluster, rules only on the host's load balancer", () => {
    const statement = (sid: string) => manage.find((s) => s.Sid === sid);
    const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/acme-dev-cluster";
    expect(statement("RunPreviewTasks")?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Preview": "true" },
      ArnEquals: { "ecs:cluster": cluster },
    });
    for (const sid of ["CreatePreviewServices", "UpdatePreviewServices", "DeletePreviewServices"]) {
      expect(statement(sid)?.Resource, sid).toBe(
        "arn:aws:ecs:us-east-1:123456789012:service/acme-dev-cluster/acme-pr-*",
      );
    }
    expect(statement("CreatePreviewListenerRules")?.Resource).toBe(
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/acme-dev-alb/*/*",
    );
    expect(statement("ChangePreviewListenerRules")?.Resource).toBe(
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/acme-dev-alb/*/*/*",
    );
    expect(statement("CreateSecurityGroupsInHostVpc")?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Project": "acme", "aws:ResourceTag/Environment": "dev" },
    });
    // Nothing of the preview role's matches another environment's load balancer or cluster by a pattern.
    const resources = manage.flatMap((s) => list(s.Resource));
    expect(resources.filter((r) => /acme-\*|service\/\*|:\*:123456789012/.test(r))).toEqual([]);
  });

  test("may tag only while creating, so existing resources cannot be tagged into its reach", () => {
    const tagging = manage.filter((s) =>
      list(s.Action).some((a) => /:(TagResource|AddTags|CreateTags)$/.test(a)),
    );
    for (const s of tagging) {
      const equals = (s.Condition as { StringEquals: Record<string, unknown> }).StringEquals;
      const createAction = Object.keys(equals).find((k) => k.endsWith(":CreateAction"));
      const nameScoped = list(s.Resource).every((r) => r.includes("acme-pr-"));
      expect(equals["aws:RequestTag/Preview"], String(s.Sid)).toBe("true");
      expect(Boolean(createAction) || nameScoped, String(s.Sid)).toBe(true);
    }
  });

  test("names scope services, task definitions, target groups, buckets, log groups and roles to <project>-pr-", () => {
    const resources = (sid: string) => list(manage.find((s) => s.Sid === sid)?.Resource);
    expect(resources("CreatePreviewServices")).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:service/acme-dev-cluster/acme-pr-*",
    ]);
    expect(resources("RegisterPreviewTaskDefinitions")).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:task-definition/acme-pr-*:*",
    ]);
    expect(resources("CreatePreviewTargetGroups")).toEqual([
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-pr-*/*",
    ]);
    expect(resources("PreviewBuckets")).toEqual(["arn:aws:s3:::acme-pr-*"]);
    expect(resources("ChangePreviewLogGroups")).toEqual([
      "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/acme-pr-*",
      "arn:aws:logs:us-east-1:123456789012:log-group:acme-pr-*",
    ]);
    expect(resources("ChangePreviewRoles")).toEqual(["arn:aws:iam::123456789012:role/acme-pr-*"]);
  });

  test("passes only preview roles, and only to ECS tasks", () => {
    const passRole = manage.filter((s) => list(s.Action).includes("iam:PassRole"));
    expect(passRole).toEqual([
      expect.objectContaining({
        Resource: "arn:aws:iam::123456789012:role/acme-pr-*",
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
    ]);
  });

  test("changes only pr-* address records, in the preview zone under the preview domain", () => {
    expect(manage.find((s) => s.Sid === "ChangePreviewRecords")).toMatchObject({
      Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
      Condition: {
        "ForAllValues:StringLike": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["pr-*.preview.acme.example"],
        },
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME"],
        },
      },
    });
    const anyZone = inline(existing, "preview")["manage-previews"]!.find(
      (s) => s.Sid === "ChangePreviewRecords",
    );
    expect(anyZone?.Resource).toBe("arn:aws:route53:::hostedzone/*");
    expect(JSON.stringify(anyZone?.Condition)).toContain('["pr-*"]');
  });

  test("reads only its host's state, and writes and locks only state under the preview prefix", () => {
    const policies = inline(full, "preview");
    expect(policies["tfstate-read"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: "s3:GetObject",
      Resource: expect.stringMatching(/\/acme\/dev\/\*$/),
    });
    expect(policies["tfstate-read-write"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: expect.stringMatching(/\/acme\/preview\/\*$/),
    });
    const lockWrites = Object.values(policies)
      .flat()
      .filter((s) => list(s.Action).some((a) => /^dynamodb:(Put|Delete)Item$/.test(a)));
    expect(lockWrites).toHaveLength(1);
    expect(JSON.stringify(lockWrites[0]?.Condition)).toMatch(/\/acme\/preview\/\*"\]/);
  });
});

describe("apply roles: one per environment, each reaching only its own environment", () => {
  const manage = (env: string) => inline(full, `apply-${env}`)["manage-stack"]!;
  const resources = (env: string, sid: string) => list(manage(env).find((s) => s.Sid === sid)?.Resource);

  test.each(["dev", "staging", "prod"])("%s reads, writes and locks only its own stack's state", (env) => {
    const policies = inline(full, `apply-${env}`);
    expect(Object.keys(policies)).not.toContain("tfstate-read");
    expect(policies["tfstate-read-write"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: expect.stringMatching(new RegExp(`/acme/${env}/\\*$`)),
    });
    expect(JSON.stringify(policies["tfstate-read-write"])).toContain(`/acme/${env}/*"]`);
  });

  test("names scope databases, containers, load balancers, buckets, logs, secrets and alarms to <project>-<env>-", () => {
    expect(resources("prod", "Database")).toEqual([
      "arn:aws:rds:*:123456789012:db:acme-prod-*",
      "arn:aws:rds:*:123456789012:subgrp:acme-prod-*",
      "arn:aws:rds:*:123456789012:pg:acme-prod-*",
      "arn:aws:rds:*:123456789012:og:acme-prod-*",
      "arn:aws:rds:*:123456789012:snapshot:acme-prod-*",
      "arn:aws:rds:*:123456789012:og:default:*",
    ]);
    expect(resources("dev", "Buckets")).toEqual(["arn:aws:s3:::acme-dev-*", "arn:aws:s3:::acme-dev-*/*"]);
    for (const sid of ["Containers", "LoadBalancers", "Logs", "Topics", "Secrets", "WebFirewall"]) {
      for (const resource of resources("dev", sid)) {
        expect(resource, sid).toMatch(/acme-dev[-/]|delivery:\*|managedruleset|og:default/);
        expect(resource, sid).not.toMatch(/acme-(staging|prod|pr)-/);
      }
    }
  });

  test("id-only resources (EC2, ACM, KMS, scaling targets) by the Environment tag: created with it, changed while carrying it", () => {
    const m = manage("staging");
    const condition = (sid: string) => m.find((s) => s.Sid === sid)?.Condition;
    for (const sid of ["NetworkOfThisEnvironment", "Certificates", "Keys", "Autoscaling"]) {
      expect(condition(sid), sid).toEqual({ StringEquals: { "aws:ResourceTag/Environment": "staging" } });
    }
    for (const sid of [
      "CreateNetworkForThisEnvironment",
      "TagNewCertificates",
      "CreateKeys",
      "TagNewKeys",
      "RegisterScalableTargets",
    ]) {
      expect(condition(sid), sid).toEqual({ StringEquals: { "aws:RequestTag/Environment": "staging" } });
    }
  });

  test("cannot re-tag another environment's resource into its own reach", () => {
    const deny = manage("dev").find((s) => s.Sid === "NeverRetagAnotherEnvironment");
    expect(deny).toMatchObject({
      Effect: "Deny",
      Resource: "*",
      Condition: {
        Null: { "aws:ResourceTag/Environment": "false" },
        StringNotEquals: { "aws:ResourceTag/Environment": "dev" },
      },
    });
    expect(list(deny?.Action)).toEqual(expect.arrayContaining(["ec2:CreateTags", "kms:TagResource"]));
  });

  test("changes DNS records only in its own hosted zone", () => {
    expect(resources("prod", "DnsRecords")).toEqual(["arn:aws:route53:::hostedzone/Z0PROD0000000001"]);
  });

  test("IAM actions are limited to the environment's roles and policies (and service-linked roles)", () => {
    const iam = manage("dev").filter(
      (s) => s.Effect === "Allow" && list(s.Action).some((a) => a.startsWith("iam:")),
    );
    for (const s of iam) {
      for (const action of list(s.Action)) expect(action).toMatch(/^iam:[A-Za-z]+$/);
      for (const resource of list(s.Resource)) {
        expect(resource).toMatch(
          /^arn:aws:iam::123456789012:(role\/acme-dev-\*|policy\/acme-dev-\*|role\/aws-service-role\/\*)$/,
        );
      }
    }
  });

  test("passes its environment's roles only to ECS tasks and VPC flow logs", () => {
    expect(manage("dev").find((s) => list(s.Action).includes("iam:PassRole"))).toMatchObject({
      Resource: "arn:aws:iam::123456789012:role/acme-dev-*",
      Condition: {
        StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"] },
      },
    });
  });

  test("may attach only its environment's managed policies, and only to roles under its boundary", () => {
    expect(manage("dev").find((s) => list(s.Action).includes("iam:AttachRolePolicy"))?.Condition).toEqual({
      ArnLike: { "iam:PolicyARN": "arn:aws:iam::123456789012:policy/acme-dev-*" },
      StringEquals: { "iam:PermissionsBoundary": [boundaryOf("dev"), instanceBoundaryOf("dev")] },
    });
  });

  test("has no ECR permission of its own, so it can push to no repository but the one granted to it", () => {
    for (const kind of APPLY_KINDS) {
      const ecr = Object.values(inline(full, kind))
        .flat()
        .flatMap((s) => list(s.Action))
        .filter((a) => a.startsWith("ecr:"));
      expect(ecr).toEqual([]);
    }
  });

  test("actions that accept only resource '*' are a policy of their own, each named, none a pattern, no deregistration", () => {
    const unscoped = inline(full, "apply-dev")["actions-without-resource-scope"]!;
    for (const s of unscoped) {
      expect(s.Resource).toBe("*");
      for (const action of list(s.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
    const creating = unscoped.find((s) => s.Sid === "CreateTaggedWithoutResourceScope");
    expect(creating?.Condition).toEqual({ StringEquals: { "aws:RequestTag/Environment": "dev" } });
    for (const kind of APPLY_KINDS)
      expect(JSON.stringify(inline(full, kind))).not.toContain("ecs:DeregisterTaskDefinition");
  });
});

describe("roles created by CI carry a workload boundary: preview the preview one, each apply role its environment's", () => {
  const preview = [
    ...inline(full, "preview")["manage-previews"]!,
    ...managed(full, "acme-test-ci-preview-roles"),
  ];
  const sid = (statements: Statement[], name: string) => statements.find((s) => s.Sid === name);
  /** IAM's action match: `*` any run of characters, `?` one, case-insensitive. */
  const matches = (pattern: string, action: string) => {
    const escaped = pattern.replace(/[.+^$()|[\]\\{}]/g, "\\$&");
    return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test(action);
  };

  test("a boundary per environment and the preview one, named <project>-<bootstrap>-[<env>|preview]-workload-boundary", () => {
    for (const env of ["dev", "staging", "prod"])
      expect(managed(full, `acme-test-${env}-workload-boundary`).length).toBeGreaterThan(5);
    expect(managed(full, "acme-test-preview-workload-boundary").length).toBeGreaterThan(5);
    let ci: CiAccess | undefined;
    synthesise((scope) => {
      const state = new StateBackend(scope, "state", { naming: testNaming });
      ci = new CiAccess(scope, "ci", {
        naming: testNaming,
        state,
        applyEnvironments: [environment("prod")],
        ...base,
      });
    });
    expect(ci?.workloadBoundaries.prod?.policyArn).toBe(boundaryOf("prod"));
    expect(ci?.previewWorkloadBoundary.policyArn).toBe(PREVIEW_BOUNDARY);
  });

  test("an environment's boundary reaches only that environment's data and the release repository", () => {
    const text = JSON.stringify(managed(full, "acme-test-staging-workload-boundary"));
    expect(text).toContain("acme-staging-*");
    expect(text).not.toMatch(/acme-(dev|prod|pr|test)-/);
    expect(text).toContain(RELEASE_REPOSITORY);
    expect(text).not.toContain("app-preview");
  });

  test("the preview boundary is scoped to the given host and preview repository", () => {
    const statements = managed(full, "acme-test-preview-workload-boundary");
    const text = JSON.stringify(statements);
    expect(text).toContain("secret:acme-pr-*");
    expect(text).not.toContain("secret:acme-dev");
    expect(text).toContain(HOST_DATABASE);
    expect(statements.find((s) => s.Sid === "PullPreviewImages")?.Resource).toBe(PREVIEW_REPOSITORY);
  });

  test("preview creates roles only with the Preview tag and the preview workload boundary", () => {
    expect(sid(preview, "CreatePreviewRoles")).toEqual({
      Sid: "CreatePreviewRoles",
      Effect: "Allow",
      Action: "iam:CreateRole",
      Resource: "arn:aws:iam::123456789012:role/acme-pr-*",
      Condition: {
        StringEquals: { "aws:RequestTag/Preview": "true", "iam:PermissionsBoundary": PREVIEW_BOUNDARY },
      },
    });
  });

  test("preview puts inline policies and boundaries only on tagged preview roles that carry the preview workload boundary", () => {
    expect(sid(preview, "GrantPreviewRolesWithinBoundary")).toEqual({
      Sid: "GrantPreviewRolesWithinBoundary",
      Effect: "Allow",
      Action: ["iam:PutRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"],
      Resource: "arn:aws:iam::123456789012:role/acme-pr-*",
      Condition: {
        StringEquals: { "aws:ResourceTag/Preview": "true", "iam:PermissionsBoundary": PREVIEW_BOUNDARY },
      },
    });
  });

  test("no preview statement names an environment's workload boundary", () => {
    const text = JSON.stringify(Object.values(inline(full, "preview")));
    for (const env of ["dev", "staging", "prod"]) {
      expect(text).not.toContain(boundaryOf(env));
      expect(text).not.toContain(instanceBoundaryOf(env));
    }
  });

  test("apply creates roles, grants them and changes who may assume them only with its environment's boundary", () => {
    expect(sid(inline(full, "apply-dev")["manage-stack"]!, "RolesWithinBoundary")).toEqual({
      Sid: "RolesWithinBoundary",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
      ],
      Resource: "arn:aws:iam::123456789012:role/acme-dev-*",
      Condition: {
        StringEquals: { "iam:PermissionsBoundary": [boundaryOf("dev"), instanceBoundaryOf("dev")] },
      },
    });
  });

  test.each(["preview", "apply-dev", "apply-prod"])(
    "no Allow of the %s role grants an action that adds permissions to a role, or changes its trust, without its boundary condition",
    (kind) => {
      const grants = [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:UpdateAssumeRolePolicy",
      ];
      const allows = [
        ...Object.values(inline(full, kind)).flat(),
        ...full
          .list("aws_iam_policy")
          .filter((p) => attached(full, kind).includes(policyRef(full, String(p.name))))
          .flatMap((p) => policy(p.policy).Statement),
      ].filter((s) => s.Effect === "Allow");
      const granting = allows.filter((s) => list(s.Action).some((a) => grants.some((g) => matches(a, g))));
      expect(granting.length).toBeGreaterThan(0);
      for (const s of granting) {
        const condition = (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)
          ?.StringEquals?.["iam:PermissionsBoundary"];
        expect(list(condition).length, String(s.Sid)).toBeGreaterThan(0);
        expect(BOUNDARY_OF[kind], String(s.Sid)).toEqual(expect.arrayContaining(list(condition)));
      }
    },
  );

  test.each<[string, string, string | string[]]>([
    ["apply-dev", "acme-test-ci-dev-boundary-guard", [boundaryOf("dev"), instanceBoundaryOf("dev")]],
    ["apply-prod", "acme-test-ci-prod-boundary-guard", [boundaryOf("prod"), instanceBoundaryOf("prod")]],
    ["preview", "acme-test-ci-preview-boundary-guard", PREVIEW_BOUNDARY],
  ])(
    "%s (not plan) carries explicit denies: no role without its boundary, none removed, no boundary changed",
    (kind, name, boundary) => {
      const guard = policyRef(full, name);
      expect(attached(full, kind)).toContain(guard);
      const guards = full.list("aws_iam_policy").filter((p) => String(p.name).endsWith("boundary-guard"));
      expect(guards).toHaveLength(4);
      for (const other of guards.filter((p) => p.name !== name))
        expect(attached(full, kind)).not.toContain(policyRef(full, String(other.name)));
      expect(attached(full, "plan")).not.toContain(guard);
      expect(managed(full, name)).toEqual([
        {
          Sid: "NoRoleWithoutTheWorkloadBoundary",
          Effect: "Deny",
          Action: [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:AttachRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:UpdateAssumeRolePolicy",
          ],
          Resource: "arn:aws:iam::123456789012:role/*",
          Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
          Sid: "NeverRemoveABoundary",
          Effect: "Deny",
          Action: "iam:DeleteRolePermissionsBoundary",
          Resource: "arn:aws:iam::123456789012:role/*",
        },
        {
          Sid: "NeverChangeTheWorkloadBoundaries",
          Effect: "Deny",
          Action: [
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
          ],
          Resource: [
            boundaryOf("dev"),
            boundaryOf("staging"),
            boundaryOf("prod"),
            instanceBoundaryOf("dev"),
            instanceBoundaryOf("staging"),
            instanceBoundaryOf("prod"),
            PREVIEW_BOUNDARY,
          ],
        },
      ]);
    },
  );

  test("the roles' inline policies still fit IAM's 10,240-character quota per role", () => {
    // IAM counts the document without whitespace; a reference resolves to an ARN, at most ~80 characters.
    const size = (kind: string) =>
      Object.values(inline(full, kind))
        .map((statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements }))
        .join("")
        .replace(/\$\{[^}]+\}/g, "x".repeat(80)).length;
    for (const kind of ["plan", "preview", ...APPLY_KINDS]) expect(size(kind), kind).toBeLessThan(10_240);
  });
});

describe("EC2 container instances: each apply role's own managed policy, and the instance boundaries", () => {
  const ec2 = (env: string) => managed(full, `acme-test-ci-${env}-ec2-capacity`);
  const statement = (env: string, name: string) => {
    const found = ec2(env).find((s) => s.Sid === name);
    if (!found) throw new Error(`no statement ${name}`);
    return found;
  };

  test("one instance boundary per environment, named <project>-<bootstrap>-<env>-instance-boundary, exposed by slug", () => {
    for (const env of ["dev", "staging", "prod"])
      expect(managed(full, `acme-test-${env}-instance-boundary`).length).toBeGreaterThan(5);
    let ci: CiAccess | undefined;
    synthesise((scope) => {
      const state = new StateBackend(scope, "state", { naming: testNaming });
      ci = new CiAccess(scope, "ci", {
        naming: testNaming,
        state,
        applyEnvironments: [environment("prod")],
        ...base,
      });
    });
    expect(Object.keys(ci?.instanceBoundaries ?? {})).toEqual(["prod"]);
    expect(ci?.instanceBoundaries.prod?.policyArn).toBe(instanceBoundaryOf("prod"));
    expect(Object.keys(ci?.ec2CapacityPolicies ?? {})).toEqual(["prod"]);
  });

  test("the policy is attached to its own apply role only, never to plan or preview", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const ref = policyRef(full, `acme-test-ci-${env}-ec2-capacity`);
      for (const kind of ["plan", "preview", ...APPLY_KINDS])
        expect(attached(full, kind).includes(ref), `${kind} / ${env}`).toBe(kind === `apply-${env}`);
    }
  });

  test("autoscaling groups and instance profiles by the environment's name prefix", () => {
    expect(statement("staging", "AutoScalingGroups").Resource).toBe(
      "arn:aws:autoscaling:*:123456789012:autoScalingGroup:*:autoScalingGroupName/acme-staging-*",
    );
    expect(list(statement("staging", "AutoScalingGroups").Action)).toEqual(
      expect.arrayContaining([
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:SetInstanceProtection",
      ]),
    );
    expect(statement("staging", "InstanceProfiles").Resource).toBe(
      "arn:aws:iam::123456789012:instance-profile/acme-staging-*",
    );
    const text = JSON.stringify(ec2("staging"));
    expect(text).not.toMatch(/acme-(dev|prod|pr)-|acme-test-(dev|prod)-/);
  });

  test("attaches exactly the agents' two AWS managed policies, and only to roles under its instance boundary", () => {
    expect(statement("dev", "AttachContainerInstancePolicies")).toEqual({
      Sid: "AttachContainerInstancePolicies",
      Effect: "Allow",
      Action: "iam:AttachRolePolicy",
      Resource: "arn:aws:iam::123456789012:role/acme-dev-*",
      Condition: {
        ArnEquals: {
          "iam:PolicyARN": [
            "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
          ],
        },
        StringEquals: { "iam:PermissionsBoundary": instanceBoundaryOf("dev") },
      },
    });
  });

  test("passes roles to EC2, creates Auto Scaling's service-linked role, and launches only Amazon's images", () => {
    expect(statement("dev", "PassRolesToInstances")).toMatchObject({
      Resource: "arn:aws:iam::123456789012:role/acme-dev-*",
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    });
    expect(statement("dev", "AutoScalingServiceLinkedRole").Condition).toEqual({
      StringEquals: { "iam:AWSServiceName": "autoscaling.amazonaws.com" },
    });
    expect(statement("dev", "LaunchFromAmazonImages")).toMatchObject({
      Action: "ec2:RunInstances",
      Resource: "arn:aws:ec2:*::image/*",
      Condition: { StringEquals: { "ec2:Owner": "amazon" } },
    });
  });

  test("no service-wide action, no action on '*', no IAM action beyond roles and instance profiles of the environment", () => {
    for (const s of ec2("dev")) {
      expect(s.Effect).toBe("Allow");
      for (const action of list(s.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(list(s.Resource)).not.toContain("*");
      for (const resource of list(s.Resource).filter((r) => r.startsWith("arn:aws:iam:")))
        expect(resource).toMatch(
          /^arn:aws:iam::123456789012:(role\/acme-dev-\*|instance-profile\/acme-dev-\*|role\/aws-service-role\/autoscaling\.amazonaws\.com\/\*)$/,
        );
    }
  });
});

describe("policy rule exceptions", () => {
  test("name exactly one deliberate exception per apply role (its service-wide actions), with a reason", () => {
    let ci: CiAccess | undefined;
    synthesise((scope) => {
      const state = new StateBackend(scope, "state", { naming: testNaming });
      ci = new CiAccess(scope, "ci", {
        naming: testNaming,
        state,
        applyEnvironments: [environment("dev"), environment("prod")],
        ...base,
      });
    });
    expect(
      ci?.policyExceptions.map((e) => ({
        rule: e.rule,
        policy: (e.scope as IamRolePolicy).nameInput,
        construct: e.scope.node.id,
        reason: e.reason.length > 40,
      })),
    ).toEqual([
      { rule: "CKV_AWS_63", policy: "manage-stack", construct: "apply-dev-manage", reason: true },
      { rule: "CKV_AWS_63", policy: "manage-stack", construct: "apply-prod-manage", reason: true },
    ]);
  });
});

describe("invalid settings are refused at synth", () => {
  test("a prefix naming (Naming.fromPrefix) is refused: the roles' scopes are built on <project>-<environment>", () => {
    expect(() =>
      synthesise((scope) => {
        const state = new StateBackend(scope, "state", { naming: testNaming });
        new CiAccess(scope, "ci", {
          ...base,
          naming: Naming.fromPrefix({ prefix: "payments", accountId: "123456789012", region: "us-east-1" }),
          state,
          applyEnvironments: [environment("prod")],
        });
      }),
    ).toThrow(/^ciAccess\.naming: /);
  });

  test.each([
    [{ github: { owner: "acme", repository: "*" } }, "ciAccess.github.repository"],
    [{ github: { owner: "ac:me", repository: "platform" } }, "ciAccess.github.owner"],
    [{ applyEnvironments: [] }, "ciAccess.applyEnvironments"],
    [{ applyEnvironments: [environment("pr-1")] }, "ciAccess.applyEnvironments[0].naming.environment"],
    [{ applyEnvironments: [environment("prod"), environment("prod")] }, "ciAccess.applyEnvironments"],
    [
      { applyEnvironments: [{ ...environment("prod"), hostedZoneId: "zone" }] },
      "ciAccess.applyEnvironments[0].hostedZoneId",
    ],
    [
      { releaseRepositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/*" },
      "ciAccess.releaseRepositoryArn",
    ],
    [{ stateKeyPrefix: "" }, "ciAccess.stateKeyPrefix"],
    [{ previewStateKeyPrefix: "preview/" }, "ciAccess.previewStateKeyPrefix"],
    [{ previewStateKeyPrefix: "acme/" }, "ciAccess.previewStateKeyPrefix"],
    [
      { existingOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/example.com" },
      "ciAccess.existingOidcProviderArn",
    ],
    [{ previewHostedZoneId: "zone" }, "ciAccess.previewHostedZoneId"],
    [{ defaultBranch: "*" }, "ciAccess.defaultBranch"],
    [{ defaultBranch: "release/*" }, "ciAccess.defaultBranch"],
    [{ defaultBranch: "main:x" }, "ciAccess.defaultBranch"],
    [{ defaultBranch: "" }, "ciAccess.defaultBranch"],
    [{ defaultBranch: "../main" }, "ciAccess.defaultBranch"],
    [
      {
        previewWorkloads: {
          ...base.previewWorkloads,
          hostDatabaseArn: "arn:aws:rds:us-east-1:123456789012:db:*",
        },
      },
      "previewWorkloadBoundary.hostDatabaseArn",
    ],
    [
      {
        previewWorkloads: {
          ...base.previewWorkloads,
          hostDatabaseArn: "arn:aws:rds:eu-west-1:123456789012:db:acme-dev-db",
        },
      },
      "previewWorkloadBoundary.hostDatabaseArn",
    ],
  ] as Array<[Partial<CiAccessProps>, string]>)("%o is refused with %s", (props, field) => {
    expect(() => build(props)).toThrow(field);
  });
});
