import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { describe, expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { Cluster } from "./cluster.js";
import { ContainerRepository } from "./repository.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const defaults = synthesise((scope) => {
  new ContainerRepository(scope, "repo", { naming: testNaming });
  new Cluster(scope, "cluster", { naming: testNaming });
});

const options = synthesise((scope) => {
  const repo = new ContainerRepository(scope, "repo", {
    naming: testNaming,
    name: "worker",
    keepImages: 10,
    expireUntaggedAfterDays: 3,
    forceDelete: true,
    kmsKeyArn: kmsKey,
  });
  repo.grantPull(new IamRole(scope, "puller", { name: "puller", assumeRolePolicy: trust }));
  repo.grantPush(new IamRole(scope, "pusher", { name: "pusher", assumeRolePolicy: trust }));
});

type Rule = { rulePriority: number; selection: Record<string, unknown>; action: { type: string } };
const rules = (s: typeof defaults) =>
  (JSON.parse(String(s.only("aws_ecr_lifecycle_policy").policy)) as { rules: Rule[] }).rules;
const grantTo = (role: string) => {
  const grant = options.list("aws_iam_role_policy").find((p) => String(p.role).includes(`.${role}`));
  if (!grant) throw new Error(`no grant for ${role}`);
  return policy(grant.policy).Statement;
};

describe("repository: secure defaults", () => {
  test("is named <project>-<env>-app, with immutable tags, scanned on push, kept on destroy", () => {
    expect(defaults.only("aws_ecr_repository")).toMatchObject({
      name: "acme-test-app",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      force_delete: false,
    });
  });

  test("images are encrypted with an ECR-managed key", () => {
    expect(defaults.only("aws_ecr_repository").encryption_configuration).toEqual([
      { encryption_type: "AES256" },
    ]);
  });

  test("the lifecycle policy expires untagged images after a day and keeps the last 30 images", () => {
    expect(rules(defaults)).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 1,
        },
        action: { type: "expire" },
      }),
      expect.objectContaining({
        rulePriority: 2,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
        action: { type: "expire" },
      }),
    ]);
  });
});

describe("repository: options", () => {
  test("name, kept images, untagged expiry and force delete are configurable", () => {
    expect(options.only("aws_ecr_repository")).toMatchObject({
      name: "acme-test-worker",
      force_delete: true,
    });
    expect(rules(options).map((r) => r.selection.countNumber)).toEqual([3, 10]);
  });

  test("a KMS key switches encryption to KMS with that key", () => {
    expect(options.only("aws_ecr_repository").encryption_configuration).toEqual([
      { encryption_type: "KMS", kms_key: kmsKey },
    ]);
  });

  test("keepImages below 1 is refused", () => {
    expect(() =>
      synthesise((scope) => {
        new ContainerRepository(scope, "r", { naming: testNaming, keepImages: 0 });
      }),
    ).toThrow("compute.repository.keepImages");
  });

  test("a KMS alias is refused: it cannot scope a grant", () => {
    expect(() =>
      synthesise((scope) => {
        new ContainerRepository(scope, "r", {
          naming: testNaming,
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/ecr",
        });
      }),
    ).toThrow("compute.repository.kmsKeyArn");
  });
});

describe("repository: grants", () => {
  test("grantPull: pull actions on this repository only, plus the registry login", () => {
    expect(grantTo("puller")).toEqual([
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: expect.stringMatching(/^\$\{aws_ecr_repository\.[\w-]+\.arn\}$/),
      },
    ]);
  });

  test("grantPush: layer upload and PutImage on this repository only", () => {
    const push = grantTo("pusher").find((s) => s.Sid === "PushImages");
    expect(push?.Action).toEqual(
      expect.arrayContaining([
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
      ]),
    );
    expect(push?.Resource).toMatch(/^\$\{aws_ecr_repository\.[\w-]+\.arn\}$/);
  });

  test("only GetAuthorizationToken, which has no resource-level permissions, has a '*' resource", () => {
    for (const s of [...grantTo("puller"), ...grantTo("pusher")]) {
      if (s.Resource === "*") expect(s.Action).toBe("ecr:GetAuthorizationToken");
      for (const action of [s.Action].flat()) expect(String(action)).not.toMatch(/\*/);
    }
  });
});

describe("cluster", () => {
  test("is named <project>-<env>-cluster with Container Insights enabled", () => {
    expect(defaults.only("aws_ecs_cluster")).toMatchObject({
      name: "acme-test-cluster",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });
});
