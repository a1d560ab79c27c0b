import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { Naming } from "../naming/naming.js";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import { StateBackend } from "./state-backend.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const s = synthesise((scope) => {
  const state = new StateBackend(scope, "state", { naming: testNaming });
  state.grantReadState(new IamRole(scope, "planner", { name: "planner", assumeRolePolicy: trust }), {
    keyPrefix: "acme/",
  });
  state.grantReadWriteState(new IamRole(scope, "previewer", { name: "previewer", assumeRolePolicy: trust }), {
    keyPrefix: "acme/preview/",
  });
});

function grantTo(role: string) {
  const grant = s.list("aws_iam_role_policy").find((p) => String(p.role).includes(`aws_iam_role.${role}.`));
  return policy(grant?.policy).Statement;
}

describe("state bucket", () => {
  test("is named from the naming, and Terraform refuses to destroy it", () => {
    const bucket = s.only("aws_s3_bucket");
    expect(bucket.bucket).toBe(StateBackend.names(testNaming).bucket);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("is private, versioned, encrypted and TLS-only", () => {
    expect(s.only("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(s.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(s.only("aws_s3_bucket_server_side_encryption_configuration").rule).toHaveLength(1);
    expect(String(s.only("aws_s3_bucket_policy").policy)).toContain("aws:SecureTransport");
  });

  test("keeps old state versions 90 days, and always the 20 newest", () => {
    const rules = s.only("aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>;
    expect(rules).toContainEqual(
      expect.objectContaining({
        noncurrent_version_expiration: [{ noncurrent_days: 90, newer_noncurrent_versions: 20 }],
      }),
    );
  });
});

describe("lock table", () => {
  test("has a LockID string hash key, on-demand billing, PITR, SSE and deletion protection", () => {
    expect(s.only("aws_dynamodb_table")).toMatchObject({
      name: "acme-test-tfstate-lock",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("state access grants", () => {
  test("read access: list and read state under the prefix, and write nothing — no lockfile, no lock item", () => {
    const statements = grantTo("planner");
    expect(statements.find((x) => x.Sid === "StateObjects")).toMatchObject({
      Action: "s3:GetObject",
      Resource: expect.stringMatching(/\/acme\/\*$/),
    });
    expect(statements.find((x) => x.Sid === "ListState")?.Condition).toEqual({
      StringLike: { "s3:prefix": ["acme/*"] },
    });
    const actions = statements.flatMap((x) => [x.Action].flat().map(String));
    expect(actions.filter((a) => /:(Put|Delete)/.test(a))).toEqual([]);
    // The S3 backend reads the table's `-md5` digest of each state key.
    expect(statements.find((x) => x.Sid === "StateLockTableItems")).toMatchObject({
      Action: "dynamodb:GetItem",
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [expect.stringMatching(/\/acme\/\*$/)] },
      },
    });
  });

  test("read-write access, lockfiles and lock items included, is limited to its prefix", () => {
    const statements = grantTo("previewer");
    expect(statements.find((x) => x.Sid === "StateObjects")).toMatchObject({
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: expect.stringMatching(/\/acme\/preview\/\*$/),
    });
    expect(statements.find((x) => x.Sid === "StateLockTableItems")).toMatchObject({
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Condition: {
        Null: { "dynamodb:LeadingKeys": "false" },
        "ForAllValues:StringLike": {
          "dynamodb:LeadingKeys": [expect.stringMatching(/\/acme\/preview\/\*$/)],
        },
      },
    });
  });

  test("an empty or wildcard prefix is refused", () => {
    for (const keyPrefix of ["", "*"]) {
      expect(() =>
        synthesise((scope) => {
          const state = new StateBackend(scope, "state", { naming: testNaming });
          state.grantReadState(new IamRole(scope, "r", { name: "r", assumeRolePolicy: trust }), {
            keyPrefix,
          });
        }),
      ).toThrow("state.keyPrefix");
    }
  });
});

describe("props given as Terraform references (a module's variables)", () => {
  const tokens = synthesise((scope) => {
    const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
    new StateBackend(scope, "state", {
      naming: Naming.fromPrefix({
        prefix: variable("name", "string").stringValue,
        accountId: "123456789012",
        region: "eu-west-1",
      }),
      noncurrentVersionExpirationDays: variable("days", "number").numberValue,
      keepNoncurrentVersions: variable("keep", "number").numberValue,
      kmsKeyArn: variable("kms", "string").stringValue,
      protect: variable("protect", "bool").booleanValue as unknown as boolean,
    });
  });

  test("names are built on the prefix reference", () => {
    expect(tokens.only("aws_s3_bucket").bucket).toBe(`\${var.name}-tfstate-123456789012-eu-west-1`);
    expect(tokens.only("aws_dynamodb_table").name).toBe(`\${var.name}-tfstate-lock`);
  });

  test("protect switches the table's deletion protection; prevent_destroy, literal only, stays on", () => {
    expect(tokens.only("aws_dynamodb_table")).toMatchObject({
      deletion_protection_enabled: `\${var.protect}`,
      lifecycle: { prevent_destroy: true },
      server_side_encryption: { enabled: true, kms_key_arn: `\${var.kms}` },
    });
    expect(tokens.only("aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: true });
  });

  test("superseded versions follow the references", () => {
    const rules = tokens.only("aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>;
    expect(rules).toContainEqual(
      expect.objectContaining({
        noncurrent_version_expiration: [
          { noncurrent_days: `\${var.days}`, newer_noncurrent_versions: `\${var.keep}` },
        ],
      }),
    );
  });
});

describe("replication", () => {
  test("off by default", () => {
    expect(s.list("aws_s3_bucket_replication_configuration")).toHaveLength(0);
  });

  test("replicates every state version to the bucket given, re-encrypted with its key", () => {
    const replicated = synthesise((scope) => {
      new StateBackend(scope, "state", {
        naming: testNaming,
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        replication: {
          destinationBucketArn: "arn:aws:s3:::acme-test-tfstate-123456789012-eu-west-1",
          destinationKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab",
        },
      });
    });
    const [rule] = replicated.only("aws_s3_bucket_replication_configuration").rule as Array<
      Record<string, unknown>
    >;
    expect(rule?.destination).toMatchObject({
      bucket: "arn:aws:s3:::acme-test-tfstate-123456789012-eu-west-1",
      encryption_configuration: {
        replica_kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab",
      },
    });
    expect(replicated.only("aws_iam_role").name).toBe("acme-test-tfstate-replication");
    // The state bucket itself is unchanged: still versioned and protected.
    expect(replicated.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(replicated.only("aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: true });
  });
});
