import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { describe, expect, test } from "vitest";
import { StateBackend } from "../state/state-backend.js";
import { policy, type Synthesised, synthesise, testNaming } from "../testing/synthesised.js";
import { CiAccess, type CiAccessProps } from "./ci-access.js";

type Statement = Record<string, unknown>;

const EXISTING_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const PREVIEW_REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/acme-shared-app-preview";
const HOST_DATABASE = "arn:aws:rds:us-east-1:123456789012:db:acme-dev-db";
const base = {
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
      applyEnvironments: ["dev", "staging", "prod"],
      ...base,
      ...props,
    });
  });

const full = build({ previewDomain: "Preview.Acme.Example.", previewHostedZoneId: "Z0123456789ABCDEFGHIJ" });
const existing = build({
  existingOidcProviderArn: EXISTING_PROVIDER,
  applyEnvironments: ["prod"],
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
const readStatements = (s: Synthesised) => managed(s, "acme-test-ci-terraform-read");
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
const BOUNDARY = "arn:aws:iam::123456789012:policy/acme-test-workload-boundary";
const PREVIEW_BOUNDARY = "arn:aws:iam::123456789012:policy/acme-test-preview-workload-boundary";
/** The boundary each role that creates roles must give them. */
const BOUNDARY_OF: Record<string, string> = { preview: PREVIEW_BOUNDARY, apply: BOUNDARY };
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
    for (const kind of ["plan", "preview", "apply"]) {
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
    for (const s of [full, existing]) expect(JSON.stringify(trust(s, "apply"))).not.toContain(":ref:");
  });

  test("apply is assumable only from the listed GitHub environments", () => {
    expect(trust(full, "apply")[0]?.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [
          "repo:acme/platform:environment:dev",
          "repo:acme/platform:environment:staging",
          "repo:acme/platform:environment:prod",
        ],
      },
    });
    expect(trust(existing, "apply")[0]?.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/platform:environment:prod",
      },
    });
  });

  test("no trust condition uses a pattern: every sub is compared exactly", () => {
    for (const kind of ["plan", "preview", "apply"]) {
      for (const statement of trust(full, kind)) {
        expect(Object.keys(statement.Condition as object)).toEqual(["StringEquals"]);
        expect(JSON.stringify(statement.Condition)).not.toContain("*");
      }
    }
  });

  test("sessions last at most an hour", () => {
    for (const kind of ["plan", "preview", "apply"]) expect(role(full, kind).max_session_duration).toBe(3600);
  });
});

describe("no wildcard action or principal anywhere", () => {
  test("no policy of the construct has a '*' action or a '*' principal", () => {
    const documents = [
      ...full.list("aws_iam_role_policy").map((p) => p.policy),
      ...full.list("aws_iam_policy").map((p) => p.policy),
      ...full.list("aws_iam_role").map((r) => r.assume_role_policy),
    ];
    // 3 trust policies, 8 inline policies, the read policy, two boundary guards, the preview
    // upkeep policy, two boundaries.
    expect(documents).toHaveLength(17);
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
    const wildcard = inline(full, "apply")["manage-stacks"]!.filter((s) =>
      list(s.Action).some((a) => a.endsWith(":*")),
    );
    expect(wildcard.length).toBeGreaterThan(5);
    for (const s of wildcard) expect(list(s.Resource)).not.toContain("*");
  });
});

describe("plan role", () => {
  test("reads resource configuration through the shared read policy, attached to every role", () => {
    for (const kind of ["plan", "preview", "apply"]) {
      expect(attached(full, kind)).toContain(policyRef(full, "acme-test-ci-terraform-read"));
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

  test("cannot write state, except Terraform's lockfiles and the lock table", () => {
    const statements = Object.values(inline(full, "plan")).flat();
    const writes = statements.filter((s) =>
      list(s.Action).some((a) => /:(Put|Delete|Create|Update|Modify)/.test(a)),
    );
    expect(writes.map((s) => s.Sid).sort()).toEqual(["StateLockFiles", "StateLockTable"]);
    for (const resource of list(writes.find((s) => s.Sid === "StateLockFiles")?.Resource)) {
      expect(resource).toMatch(/\/acme\/\*\.tflock$/);
    }
    expect(statements.find((s) => s.Sid === "StateObjects")?.Action).toBe("s3:GetObject");
  });

  test("has nothing but the read policy and state read access", () => {
    expect(Object.keys(inline(full, "plan"))).toEqual(["tfstate-read"]);
    expect(attached(full, "plan")).toEqual([policyRef(full, "acme-test-ci-terraform-read")]);
  });
});

describe("preview role", () => {
  const manage = inline(full, "preview")["manage-previews"]!;

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

  test("actions that accept only '*' are a policy of their own: one write (deregistering task definitions) and the reaper's tag lookup", () => {
    expect(inline(full, "preview")["actions-without-resource-scope"]).toEqual([
      {
        Sid: "DeregisterTaskDefinitions",
        Effect: "Allow",
        Action: "ecs:DeregisterTaskDefinition",
        Resource: "*",
      },
      { Sid: "FindPreviewsByTag", Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
    ]);
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
      "CreatePreviewServices",
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
  });

  test("changes and deletes them only while they carry the Preview=true tag", () => {
    for (const sid of [
      "ChangePreviewServices",
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
    for (const sid of ["CreatePreviewServices", "ChangePreviewServices"]) {
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

  test("reads every stack's state but writes only state under the preview prefix", () => {
    const policies = inline(full, "preview");
    expect(policies["tfstate-read"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: "s3:GetObject",
      Resource: expect.stringMatching(/\/acme\/\*$/),
    });
    expect(policies["tfstate-read-write"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: expect.stringMatching(/\/acme\/preview\/\*$/),
    });
  });
});

describe("apply role", () => {
  const manage = inline(full, "apply")["manage-stacks"]!;

  test("reads and writes every stack's state", () => {
    expect(inline(full, "apply")["tfstate-read-write"]?.find((s) => s.Sid === "StateObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: expect.stringMatching(/\/acme\/\*$/),
    });
  });

  test("IAM actions are limited to the project's roles and policies (and service-linked roles)", () => {
    const iam = manage.filter(
      (s) => s.Effect === "Allow" && list(s.Action).some((a) => a.startsWith("iam:")),
    );
    for (const s of iam) {
      for (const action of list(s.Action)) expect(action).toMatch(/^iam:[A-Za-z]+$/);
      for (const resource of list(s.Resource)) {
        expect(resource).toMatch(
          /^arn:aws:iam::123456789012:(role\/acme-\*|policy\/acme-\*|role\/aws-service-role\/\*)$/,
        );
      }
    }
    expect(iam.find((s) => s.Sid === "ServiceLinkedRoles")?.Condition).toHaveProperty([
      "StringEquals",
      "iam:AWSServiceName",
    ]);
  });

  test("passes project roles only to ECS tasks and VPC flow logs", () => {
    expect(manage.find((s) => list(s.Action).includes("iam:PassRole"))).toMatchObject({
      Resource: "arn:aws:iam::123456789012:role/acme-*",
      Condition: {
        StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"] },
      },
    });
  });

  test("may attach only the project's own managed policies, and only to roles under the workload boundary", () => {
    expect(manage.find((s) => list(s.Action).includes("iam:AttachRolePolicy"))?.Condition).toEqual({
      ArnLike: { "iam:PolicyARN": "arn:aws:iam::123456789012:policy/acme-*" },
      StringEquals: { "iam:PermissionsBoundary": BOUNDARY },
    });
  });

  test("is denied any change to the bootstrap stack's roles (its own included) and to the state bucket", () => {
    const denies = manage.filter((s) => s.Effect === "Deny");
    expect(denies.find((s) => s.Sid === "NeverChangeBootstrapRoles")?.Resource).toEqual([
      "arn:aws:iam::123456789012:role/acme-test-*",
      "arn:aws:iam::123456789012:policy/acme-test-*",
    ]);
    const bucket = denies.find((s) => s.Sid === "NeverChangeTheStateBucket");
    expect(list(bucket?.Action)).toEqual(expect.arrayContaining(["s3:PutBucket*", "s3:DeleteObjectVersion"]));
    expect(list(bucket?.Resource)).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}\/\*$/),
    ]);
  });

  test("has no ECR permission of its own, so it can push to no repository but the one granted to it", () => {
    const ecr = Object.values(inline(full, "apply"))
      .flat()
      .flatMap((s) => list(s.Action))
      .filter((a) => a.startsWith("ecr:"));
    expect(ecr).toEqual([]);
  });

  test("actions that accept only resource '*' are a policy of their own, each named, none a pattern", () => {
    const unscoped = inline(full, "apply")["actions-without-resource-scope"]!;
    expect(unscoped).toHaveLength(1);
    expect(unscoped[0]?.Resource).toBe("*");
    for (const action of list(unscoped[0]?.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    expect(list(unscoped[0]?.Action)).toEqual(
      expect.arrayContaining(["acm:RequestCertificate", "cloudfront:CreateDistribution", "kms:CreateKey"]),
    );
  });

  test("service-wide actions are scoped to this account, and where names allow, to the project", () => {
    const resources = (sid: string) => list(manage.find((s) => s.Sid === sid)?.Resource);
    expect(resources("Network")).toEqual(["arn:aws:ec2:*:123456789012:*"]);
    expect(resources("Buckets")).toEqual(["arn:aws:s3:::acme-*"]);
    expect(manage.find((s) => s.Sid === "ProjectKeys")?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Project": "acme" },
    });
  });
});

describe("roles created by CI carry a workload boundary: preview the preview one, apply the general one", () => {
  const preview = inline(full, "preview")["manage-previews"]!;
  const apply = inline(full, "apply")["manage-stacks"]!;
  const sid = (statements: Statement[], name: string) => statements.find((s) => s.Sid === name);
  /** IAM's action match: `*` any run of characters, `?` one, case-insensitive. */
  const matches = (pattern: string, action: string) => {
    const escaped = pattern.replace(/[.+^$()|[\]\\{}]/g, "\\$&");
    return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test(action);
  };

  test("both boundary policies are created beside the roles, named <project>-<env>-[preview-]workload-boundary", () => {
    expect(managed(full, "acme-test-workload-boundary").length).toBeGreaterThan(5);
    expect(managed(full, "acme-test-preview-workload-boundary").length).toBeGreaterThan(5);
    let ci: CiAccess | undefined;
    synthesise((scope) => {
      const state = new StateBackend(scope, "state", { naming: testNaming });
      ci = new CiAccess(scope, "ci", { naming: testNaming, state, applyEnvironments: ["prod"], ...base });
    });
    expect(ci?.workloadBoundary.policyArn).toBe(BOUNDARY);
    expect(ci?.previewWorkloadBoundary.policyArn).toBe(PREVIEW_BOUNDARY);
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
      Action: ["iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: "arn:aws:iam::123456789012:role/acme-pr-*",
      Condition: {
        StringEquals: { "aws:ResourceTag/Preview": "true", "iam:PermissionsBoundary": PREVIEW_BOUNDARY },
      },
    });
  });

  test("no preview statement names the general workload boundary", () => {
    expect(JSON.stringify(Object.values(inline(full, "preview")))).not.toContain(BOUNDARY);
  });

  test("apply creates roles, puts inline policies and sets boundaries only with the workload boundary", () => {
    expect(sid(apply, "ProjectRolesWithinBoundary")).toEqual({
      Sid: "ProjectRolesWithinBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: "arn:aws:iam::123456789012:role/acme-*",
      Condition: { StringEquals: { "iam:PermissionsBoundary": BOUNDARY } },
    });
  });

  test.each(["preview", "apply"])(
    "no Allow of the %s role grants an action that adds permissions to a role without its boundary condition",
    (kind) => {
      const grants = [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:PutRolePermissionsBoundary",
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
        expect(s.Condition, String(s.Sid)).toHaveProperty(
          ["StringEquals", "iam:PermissionsBoundary"],
          BOUNDARY_OF[kind],
        );
      }
    },
  );

  test.each([
    ["apply", "acme-test-ci-boundary-guard", BOUNDARY],
    ["preview", "acme-test-ci-preview-boundary-guard", PREVIEW_BOUNDARY],
  ])(
    "%s (not plan) carries explicit denies: no role without its boundary, none removed, neither boundary changed",
    (kind, name, boundary) => {
      const guard = policyRef(full, name);
      const other = policyRef(
        full,
        kind === "apply" ? "acme-test-ci-preview-boundary-guard" : "acme-test-ci-boundary-guard",
      );
      expect(attached(full, kind)).toContain(guard);
      expect(attached(full, kind)).not.toContain(other);
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
          Resource: [BOUNDARY, PREVIEW_BOUNDARY],
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
    for (const kind of ["plan", "preview", "apply"]) expect(size(kind), kind).toBeLessThan(10_240);
  });
});

describe("policy rule exceptions", () => {
  test("name exactly the two deliberate exceptions, each on its own policy, with a reason", () => {
    let ci: CiAccess | undefined;
    synthesise((scope) => {
      const state = new StateBackend(scope, "state", { naming: testNaming });
      ci = new CiAccess(scope, "ci", { naming: testNaming, state, applyEnvironments: ["prod"], ...base });
    });
    expect(
      ci?.policyExceptions.map((e) => ({
        rule: e.rule,
        policy: (e.scope as IamRolePolicy).nameInput,
        construct: e.scope.node.id,
        reason: e.reason.length > 40,
      })),
    ).toEqual([
      { rule: "CKV_AWS_63", policy: "manage-stacks", construct: "apply-manage", reason: true },
      {
        rule: "CKV_AWS_355",
        policy: "actions-without-resource-scope",
        construct: "apply-unscoped",
        reason: true,
      },
    ]);
  });
});

describe("invalid settings are refused at synth", () => {
  test.each([
    [{ github: { owner: "acme", repository: "*" } }, "ciAccess.github.repository"],
    [{ github: { owner: "ac:me", repository: "platform" } }, "ciAccess.github.owner"],
    [{ applyEnvironments: [] }, "ciAccess.applyEnvironments"],
    [{ applyEnvironments: ["prod*"] }, "ciAccess.applyEnvironments"],
    [{ applyEnvironments: ["prod", "prod"] }, "ciAccess.applyEnvironments"],
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
