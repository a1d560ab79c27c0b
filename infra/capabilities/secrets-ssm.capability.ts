import { FargateService } from "@aws-platform-kit/modules/compute";
import { WriteOnlyParameter } from "@aws-platform-kit/modules/secrets";
import { expect } from "vitest";
import type { Capability } from "./capability.js";

/** An SSM parameter known before apply, to see the execution role's grant in the plan. */
const OTHER_PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/acme-cap/cap-ssm-other";

/**
 * An SSM Parameter Store SecureString written from an ephemeral variable (never in the plan),
 * injected into a small Fargate service through its task definition's `secrets`, and read by the
 * application through `grantRead`.
 */
export const capability: Capability = {
  id: "secrets-ssm",
  title: "secrets: SSM SecureString behind the secrets grant surface, injected into a Fargate service",
  build(scope, { naming }) {
    const parameter = new WriteOnlyParameter(scope, "signing-key", {
      naming,
      purpose: "cap-ssm-signing-key",
      description: "Capability check: a signing key in Parameter Store",
    });
    const service = new FargateService(scope, "service", {
      naming,
      name: "cap-ssm",
      cluster: {
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-cap-cluster",
        clusterName: "acme-cap-cluster",
      },
      repository: {
        repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-cap-app",
        repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/acme-cap-app",
      },
      imageTag: "3f2c1a9",
      vpcId: "vpc-0abc1234",
      subnetIds: ["subnet-0abc1234"],
      desiredCount: 0,
      secrets: {
        APP_SECRET: parameter.containerSecret,
        OTHER_TOKEN: { secretArn: OTHER_PARAMETER },
      },
    });
    parameter.grantRead(service.taskRole);
  },
  check({ plan, resourcesOf }) {
    const [parameter] = resourcesOf("aws_ssm_parameter", "secrets-ssm");
    expect(parameter?.values).toMatchObject({
      name: "/acme-cap/cap-ssm-signing-key",
      type: "SecureString",
      tier: "Standard",
      value_wo_version: 1,
    });
    // Write-only: the value is in neither the plan's values nor anywhere else in it.
    expect(parameter?.values.value_wo ?? null).toBeNull();
    expect(JSON.stringify(plan)).not.toContain("offline-plan-placeholder-not-a-secret");
    const policies = resourcesOf("aws_iam_role_policy", "secrets-ssm").map((p) => p.values);
    expect(policies.map((p) => p.name).sort()).toEqual(
      expect.arrayContaining(["parameter-cap_ssm_signing_key-read", "start-tasks"]),
    );
  },
};
