import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { describe, expect, test } from "vitest";
import { policy, synthesise, testNaming } from "../testing/synthesised.js";
import {
  BLUE_GREEN_PASSWORD_RULE,
  Database,
  type DatabaseProps,
  WRITE_ONLY_RESTORE_RULE,
  WRITE_ONLY_ROTATION_RULE,
} from "./database.js";

const network = { naming: testNaming, vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });

describe("the default: RDS manages the password, no blue/green", () => {
  const s = synthesise((scope) => {
    new Database(scope, "db", network);
  });
  test("manage_master_user_password, no password attribute, no variable, no secret of the kit's", () => {
    const db = s.only("aws_db_instance");
    expect(db.manage_master_user_password).toBe(true);
    for (const k of ["password", "password_wo", "password_wo_version", "blue_green_update"]) {
      expect(db).not.toHaveProperty(k);
    }
    expect(s.json.variable ?? {}).toEqual({});
    expect(s.list("aws_secretsmanager_secret")).toEqual([]);
    expect(s.list("aws_secretsmanager_secret_version")).toEqual([]);
  });
});

describe("write-only master password, blue/green updates", () => {
  let db: Database | undefined;
  const s = synthesise((scope) => {
    db = new Database(scope, "db", {
      ...network,
      purpose: "orders-db",
      kmsKeyArn: key,
      masterPassword: { managedBy: "write-only", version: 3 },
      blueGreenUpdate: true,
    });
    db.grantReadCredentials(new IamRole(scope, "task", { name: "task", assumeRolePolicy: trust }));
  });
  const variable = "orders_db_master_password";
  const versionName = () => Object.keys(s.resources("aws_secretsmanager_secret_version"))[0];

  test("the password comes from an ephemeral, sensitive, required variable with a fixed name", () => {
    expect(s.json.variable?.[variable]).toMatchObject({
      type: "string",
      sensitive: true,
      nullable: false,
      ephemeral: true,
    });
    expect(s.json.variable?.[variable]).not.toHaveProperty("default");
    expect(db?.masterPasswordVariable?.friendlyUniqueId).toBe(variable);
    expect(db?.masterPasswordManagedBy).toBe("write-only");
  });

  test("the instance takes it through password_wo, versioned; RDS does not manage it; blue/green on", () => {
    const instance = s.only("aws_db_instance");
    expect(instance.password_wo).toBe(`\${var.${variable}}`);
    expect(instance.password_wo_version).toBe(3);
    expect(instance).not.toHaveProperty("password");
    expect(instance).not.toHaveProperty("manage_master_user_password");
    expect(instance).not.toHaveProperty("master_user_secret_kms_key_id");
    expect(instance.blue_green_update).toEqual({ enabled: true });
  });

  test("the kit's secret: named in the environment prefix, the database's key, RDS's JSON shape", () => {
    const secret = s.only("aws_secretsmanager_secret");
    expect(secret).toMatchObject({
      name: "acme-test-orders-db-master",
      kms_key_id: key,
      recovery_window_in_days: 30,
    });
    const version = s.only("aws_secretsmanager_secret_version");
    expect(version.secret_string_wo).toBe(
      `\${jsonencode({"username" = "platform_admin", "password" = var.${variable}})}`,
    );
    expect(version.secret_string_wo_version).toBe(3);
    expect(version).not.toHaveProperty("secret_string");
    // Written after the instance has taken the password.
    expect(version.depends_on).toEqual([`aws_db_instance.${Object.keys(s.resources("aws_db_instance"))[0]}`]);
  });

  test("masterSecretArn (and so every grant and consumer) is the kit's secret, read from its version", () => {
    expect(db?.masterSecretArn).toBeDefined();
    const [statement] = policy(s.only("aws_iam_role_policy").policy).Statement;
    expect(statement?.Resource).toBe(`\${aws_secretsmanager_secret_version.${versionName()}.arn}`);
  });

  test("an unprotected database's secret is deleted at once (a re-created one can take its name)", () => {
    const t = synthesise((scope) => {
      new Database(scope, "db", {
        ...network,
        deletionProtection: false,
        backupRetentionDays: 1,
        masterPassword: { managedBy: "write-only", version: 1 },
      });
    });
    expect(t.only("aws_secretsmanager_secret").recovery_window_in_days).toBe(0);
    expect(t.only("aws_secretsmanager_secret")).not.toHaveProperty("kms_key_id");
  });
});

describe("invalid combinations fail at synth, naming the field", () => {
  const buildWith = (props: Partial<DatabaseProps>) => () =>
    synthesise((scope) => {
      new Database(scope, "db", { ...network, ...props });
    });
  test.each<[string, Partial<DatabaseProps>, string]>([
    [
      "blue/green with the default password",
      { blueGreenUpdate: true },
      `database.blueGreenUpdate: ${BLUE_GREEN_PASSWORD_RULE}`,
    ],
    [
      "blue/green with an RDS-managed password",
      { blueGreenUpdate: true, masterPassword: { managedBy: "rds" } },
      `database.blueGreenUpdate: ${BLUE_GREEN_PASSWORD_RULE}`,
    ],
    [
      "rotation days with a write-only password",
      { masterSecretRotationDays: 30, masterPassword: { managedBy: "write-only", version: 1 } },
      `database.masterSecretRotationDays: ${WRITE_ONLY_ROTATION_RULE}`,
    ],
    [
      "a restore with a write-only password",
      {
        restore: { snapshotIdentifier: "acme-test-db-before" },
        masterPassword: { managedBy: "write-only", version: 1 },
      },
      `database.restore: ${WRITE_ONLY_RESTORE_RULE}`,
    ],
    [
      "a version of 0",
      { masterPassword: { managedBy: "write-only", version: 0 } },
      "database.masterPassword.version: 0",
    ],
    [
      "a fractional version",
      { masterPassword: { managedBy: "write-only", version: 1.5 } },
      "database.masterPassword.version: 1.5",
    ],
    [
      "an unknown mode",
      { masterPassword: { managedBy: "user" } as unknown as DatabaseProps["masterPassword"] },
      'database.masterPassword.managedBy: "user" must be one of "rds", "write-only"',
    ],
  ])("%s", (_name, props, message) => {
    expect(buildWith(props)).toThrow(message);
  });
});
