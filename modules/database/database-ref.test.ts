import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { createSecurityGroup } from "../network/security-group.js";
import { policy, type ResourceConfig, synthesise, testNaming, testOutdir } from "../testing/synthesised.js";
import { PropError } from "../validation/prop-error.js";
import { Database } from "./database.js";
import type { DatabaseAttributes } from "./database-ref.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/** A database as another stack's outputs give it: literal ids. */
const published: DatabaseAttributes = {
  identifier: "acme-dev-db",
  address: "acme-dev-db.abcdefghijkl.us-east-1.rds.amazonaws.com",
  securityGroupId: "sg-0123456789abcdef0",
  resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf",
  region: "us-east-1",
  accountId: "123456789012",
};

// The same grants and rules, once on a Database of this stack (`owned`) and once on a reference
// built from its attributes (`referenced`); and once on a reference to another stack's database.
const s = synthesise((scope) => {
  const owned = new Database(scope, "owned", {
    naming: testNaming,
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    kmsKeyArn: key,
  });
  const referenced = Database.fromAttributes(scope, "referenced", {
    identifier: owned.identifier,
    address: owned.address,
    port: owned.port,
    securityGroupId: owned.securityGroupId,
    resourceId: owned.resourceId,
    masterSecretArn: owned.masterSecretArn,
    region: testNaming.region,
    accountId: testNaming.accountId,
    kmsKeyArn: owned.kmsKeyArn,
  });
  const service = createSecurityGroup(scope, "service", {
    naming: testNaming,
    purpose: "service",
    vpcId: "vpc-1",
    description: "service",
  });
  const role = new IamRole(scope, "task", { name: "task", assumeRolePolicy: trust });
  for (const database of [owned, referenced]) {
    database.allowFrom(service, "service to PostgreSQL");
    database.grantConnect(role, "app_user");
    database.grantReadCredentials(role);
  }

  const other = Database.fromAttributes(scope, "other", published);
  other.grantConnect(role, "pr_7");
  other.allowFrom({ id: "sg-0fedcba9876543210" }, { egressOnSource: false });
  Database.fromAttributes(scope, "unused", published);
});

/** The resources of `type` written under construct `id`, by the rest of their name (hash dropped). */
const under = (type: string, id: string): Record<string, ResourceConfig> =>
  Object.fromEntries(
    Object.entries(s.resources(type))
      .filter(([name]) => name.startsWith(`${id}_`))
      .map(([name, config]) => [name.slice(id.length + 1).replace(/_[0-9A-F]{8}$/, ""), config]),
  );

describe("a referenced database writes exactly what its owner would", () => {
  test.each([
    "aws_iam_role_policy",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
  ])("%s: the same resources, with the same settings", (type) => {
    const owned = under(type, "owned");
    expect(Object.keys(owned).length).toBeGreaterThan(0);
    expect(under(type, "referenced")).toEqual(owned);
  });

  test("the grants are the owner's: connect as one user, read only the master secret, decrypt through Secrets Manager", () => {
    const statements = Object.values(under("aws_iam_role_policy", "referenced")).flatMap(
      (p) => policy(p.policy).Statement,
    );
    expect(statements.map((st) => st.Sid).sort()).toEqual([
      "ConnectWithIam",
      "DecryptMasterSecret",
      "ReadMasterSecret",
    ]);
  });
});

describe("a database of another stack, by its published attributes", () => {
  test("grantConnect scopes rds-db:connect to its resource id and one user, in its region and account", () => {
    const [grant] = Object.values(under("aws_iam_role_policy", "other"));
    expect(grant?.name).toBe("rds-db-connect-pr_7");
    expect(policy(grant?.policy).Statement).toEqual([
      {
        Sid: "ConnectWithIam",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/pr_7",
      },
    ]);
  });

  test("allowFrom writes ingress on its group, on 5432, and no egress when told so", () => {
    expect(Object.values(under("aws_vpc_security_group_ingress_rule", "other"))).toEqual([
      {
        security_group_id: "sg-0123456789abcdef0",
        referenced_security_group_id: "sg-0fedcba9876543210",
        description: "PostgreSQL clients to acme-dev-db",
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
      },
    ]);
    expect(under("aws_vpc_security_group_egress_rule", "other")).toEqual({});
  });

  test("a reference creates nothing until a grant or rule is asked of it", () => {
    expect(s.addresses().filter((address) => address.includes(".unused_"))).toEqual([]);
  });
});

describe("attributes that would widen a grant, or are not what they claim, are refused", () => {
  // Refused while the construct is built: nothing to synthesise.
  const scope = () => new TerraformStack(Testing.app({ outdir: testOutdir() }), "refused");

  test.each<[string, Partial<DatabaseAttributes>, string]>([
    ["a wildcard resource id", { resourceId: "db-*" }, "database.resourceId"],
    ["something else than a resource id", { resourceId: "acme-dev-db" }, "database.resourceId"],
    [
      "a wildcard secret",
      { masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:*" },
      "database.masterSecretArn",
    ],
    ["a KMS alias", { kmsKeyArn: "alias/rds" }, "database.kmsKeyArn"],
    ["a security group name", { securityGroupId: "acme-dev-db" }, "database.securityGroupId"],
    ["a short account id", { accountId: "1234" }, "database.accountId"],
    ["a port that is not one", { port: 70000 }, "database.port"],
  ])("%s", (_, change, field) => {
    let error: unknown;
    try {
      Database.fromAttributes(scope(), "db", { ...published, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropError);
    expect((error as PropError).field).toBe(field);
  });

  test("a user name with a wildcard is refused by grantConnect, as on an owned database", () => {
    const stack = scope();
    const role = new IamRole(stack, "task", { name: "task", assumeRolePolicy: trust });
    expect(() => Database.fromAttributes(stack, "db", published).grantConnect(role, "*")).toThrow(
      /^database\.grantConnect: /,
    );
  });
});
