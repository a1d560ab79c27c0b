/**
 * The modules that read a naming's prefix, project or environment, built with `Naming.fromPrefix`:
 * every name starts with the prefix, and nothing of the kit's `<project>-<environment>` scheme leaks in.
 */
import { describe, expect, test } from "vitest";
import { AccountBaseline } from "../account-baseline/account-baseline.js";
import { Cluster } from "../compute/cluster.js";
import { ContainerRepository } from "../compute/repository.js";
import { Database } from "../database/database.js";
import { Network } from "../network/network.js";
import { WriteOnlySecret } from "../secrets/write-only-secret.js";
import { StateBackend } from "../state/state-backend.js";
import { Bucket } from "../storage/bucket.js";
import { synthesise } from "../testing/synthesised.js";
import { Naming } from "./naming.js";

const naming = Naming.fromPrefix({
  prefix: "payments",
  tags: { team: "payments" },
  accountId: "123456789012",
  region: "eu-west-1",
});

const s = synthesise((scope) => {
  const network = new Network(scope, "network", {
    naming,
    cidr: "10.40.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
  });
  new Database(scope, "database", { naming, vpcId: network.vpcId, subnetIds: network.subnetIds("database") });
  new Bucket(scope, "uploads", { naming, purpose: "uploads" });
  new WriteOnlySecret(scope, "signing-key", { naming, purpose: "signing-key", description: "signs tokens" });
  new StateBackend(scope, "state", { naming });
  new Cluster(scope, "cluster", { naming });
  new ContainerRepository(scope, "repository", { naming });
  new AccountBaseline(scope, "baseline", { naming });
});

const names = (type: string, attribute: string) => s.list(type).map((r) => String(r[attribute]));

describe("modules built with a prefix naming", () => {
  test.each([
    ["aws_db_instance", "identifier", "payments-db"],
    ["aws_s3_bucket", "bucket", "payments-uploads-123456789012-eu-west-1"],
    ["aws_secretsmanager_secret", "name", "payments/signing-key"],
    ["aws_ecs_cluster", "name", "payments-cluster"],
    ["aws_ecr_repository", "name", "payments-app"],
  ])("%s is named from the prefix", (type, attribute, name) => {
    expect(names(type, attribute)).toContain(name);
  });

  test("every IAM role, security group and log group is named from the prefix", () => {
    const all = [
      ...names("aws_iam_role", "name"),
      ...names("aws_security_group", "name"),
      ...names("aws_cloudwatch_log_group", "name"),
    ];
    expect(all.length).toBeGreaterThan(3);
    for (const name of all) expect(name).toMatch(/^(\/[\w/-]+\/)?payments-/);
  });

  test("nothing in the synthesised stack carries a project or environment the naming never had", () => {
    const text = JSON.stringify(s.json.resource);
    expect(text).not.toContain("undefined");
    expect(text).not.toMatch(/"(Project|Environment)"/);
  });
});
