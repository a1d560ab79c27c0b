/**
 * A PostgreSQL database by its address, and the one implementation of its intent methods
 * (`allowFrom`, `grantConnect`, `grantReadCredentials`) that a `Database` of this stack and a
 * database referenced from another stack's state (`Database.fromAttributes`) share: both write the
 * same rules and the same policies.
 */
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement } from "../iam/policy.js";
import {
  type AllowFromOptions,
  allowFromOptions,
  allowTraffic,
  type SecurityGroupRef,
} from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import { ARN_KINDS, assertArn, assertIntegerInRange, assertNoWildcard } from "../validation/validators.js";

/** PostgreSQL's port. The instance always listens here, so security-group rules can be written at synth. */
export const POSTGRES_PORT = 5432;

/**
 * A database by its address: a `Database` of this stack, or the attributes of one read from another
 * stack's state (`Database.fromAttributes`; previews use dev's database).
 */
export interface DatabaseRef {
  /** The DB instance identifier, `<project>-<env>-<purpose>`. */
  readonly identifier: string;
  /** The instance's hostname. */
  readonly address: string;
  /** The port PostgreSQL listens on. */
  readonly port: number;
  /** The database's own security group, where `allowFrom` adds ingress. */
  readonly securityGroupId: string;
  /** The immutable resource id (`db-…`) that IAM database authentication ARNs use. */
  readonly resourceId: string;
  /** The secret (managed by RDS, JSON `{username, password}`) that holds the master credentials. */
  readonly masterSecretArn: string;
}

/** What `Database.fromAttributes` needs: the database's address, and where it lives. */
export interface DatabaseAttributes extends Omit<DatabaseRef, "port"> {
  /** The port PostgreSQL listens on. @default 5432 (a `Database` always listens there) */
  readonly port?: number;
  /** The database's region, part of the `rds-db:connect` ARN and of the KMS condition. */
  readonly region: string;
  /** The database's account, part of the `rds-db:connect` ARN. */
  readonly accountId: string;
  /**
   * The customer-managed KMS key the master secret is encrypted with; `grantReadCredentials` also
   * allows decrypting with it, through Secrets Manager only.
   * @default - the AWS-managed key: no KMS grant needed
   */
  readonly kmsKeyArn?: string;
  /**
   * The database's `purpose`, which names the inline policies grants write (`rds-<purpose>-…`), so
   * grants on two databases to one role stay apart.
   * @default "db" (a `Database`'s default purpose)
   */
  readonly purpose?: string;
}

/** A database's address and the settings its grants use: what `DatabaseAccess` needs. */
export interface DatabaseAccessTarget {
  /** Where rules and grants point. */
  readonly database: DatabaseRef;
  /** The database's region. */
  readonly region: string;
  /** The database's account. */
  readonly accountId: string;
  /** The master secret's customer-managed KMS key, if any. */
  readonly kmsKeyArn: string | undefined;
  /** Names the inline policies (`rds-<purpose>-…`). */
  readonly purpose: string;
}

/**
 * The rules and grants of one database, written into `scope`. `Database` and `ImportedDatabase`
 * each hold one, so an owned and a referenced database produce the same rules and policies.
 */
export class DatabaseAccess {
  /** Sources already allowed: the ref object, or its id when that is a literal such as `sg-0abc`. */
  private readonly allowedSources = new Set<unknown>();

  constructor(
    private readonly scope: Construct,
    private readonly target: DatabaseAccessTarget,
  ) {}

  /** See `Database.allowFrom`. */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    const { description, egressOnSource } = allowFromOptions(options);
    const key = Token.isUnresolved(source.id) ? source : source.id;
    if (this.allowedSources.has(key)) return;
    this.allowedSources.add(key);
    const { database } = this.target;
    allowTraffic(this.scope, `allow-from-${this.allowedSources.size}`, {
      from: source,
      to: { id: database.securityGroupId },
      port: database.port,
      description: description ?? clientsDescription(database),
      egressOnSource: egressOnSource ?? true,
    });
  }

  /** See `Database.grantReadCredentials`. */
  grantReadCredentials(role: IamRole): IamRolePolicy {
    const { database, kmsKeyArn, region } = this.target;
    const statements: PolicyStatement[] = [
      {
        sid: "ReadMasterSecret",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [database.masterSecretArn],
      },
    ];
    if (kmsKeyArn) {
      statements.push({
        sid: "DecryptMasterSecret",
        actions: ["kms:Decrypt"],
        resources: [kmsKeyArn],
        conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      });
    }
    return attachPolicy(
      this.scope,
      `grant-read-credentials-${role.friendlyUniqueId}`,
      role,
      `${this.policyPrefix()}-read-credentials`,
      statements,
    );
  }

  /** See `Database.grantConnect`. */
  grantConnect(role: IamRole, dbUser: string): IamRolePolicy {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbUser)) {
      throw new PropError(
        "database.grantConnect",
        `"${dbUser}" is not a PostgreSQL user name (lowercase letters, digits, underscores; no "*")`,
      );
    }
    const { database, region, accountId } = this.target;
    return attachPolicy(
      this.scope,
      `grant-connect-${dbUser}-${role.friendlyUniqueId}`,
      role,
      `${this.policyPrefix()}-connect-${dbUser}`,
      [
        {
          sid: "ConnectWithIam",
          actions: ["rds-db:connect"],
          resources: [
            `arn:${partitionOf(region)}:rds-db:${region}:${accountId}:dbuser:${database.resourceId}/${dbUser}`,
          ],
        },
      ],
    );
  }

  /** Inline policy names are per role; prefixing them with the database keeps two databases apart. */
  private policyPrefix(): string {
    return `rds-${this.target.purpose}`;
  }
}

/** The description `allowFrom` gives its rules unless told otherwise. */
function clientsDescription(database: DatabaseRef): string {
  return `PostgreSQL clients to ${database.identifier}`;
}

/**
 * Ingress on the database's port from every group in `sourceIds`, a list known only at plan (a
 * Terraform module's variable): one rule with `for_each`, keyed by position in the list so that ids
 * unknown until apply (a group created in the same run) still plan. The rules are `allowFrom`'s,
 * ingress only: the sources' groups, and their egress, are the caller's.
 */
export function allowFromEach(
  scope: Construct,
  id: string,
  database: DatabaseRef,
  sourceIds: readonly string[],
): VpcSecurityGroupIngressRule {
  const sources = TerraformIterator.fromMap(
    Fn.zipmap(Fn.range(0, Fn.lengthOf(sourceIds)), sourceIds as string[]) as unknown as Record<
      string,
      string
    >,
  );
  return new VpcSecurityGroupIngressRule(scope, id, {
    forEach: sources,
    securityGroupId: database.securityGroupId,
    referencedSecurityGroupId: Token.asString(sources.value),
    description: clientsDescription(database),
    ipProtocol: "tcp",
    fromPort: database.port,
    toPort: database.port,
  });
}

/**
 * A database created elsewhere, by its attributes (`Database.fromAttributes`): it can admit security
 * groups and grant roles access exactly as a `Database` of this stack does, without owning the
 * instance. It creates nothing until one of those methods is called.
 */
export class ImportedDatabase extends Construct implements DatabaseRef {
  /** The DB instance identifier, as given. */
  readonly identifier: string;
  /** The instance's hostname, as given. */
  readonly address: string;
  /** The port PostgreSQL listens on: as given, or 5432. */
  readonly port: number;
  /** The database's security group id, as given. */
  readonly securityGroupId: string;
  /** The instance's resource id (`db-…`), as given. */
  readonly resourceId: string;
  /** The master secret's ARN, as given. */
  readonly masterSecretArn: string;
  /** The master secret's customer-managed KMS key, if one was given. */
  readonly kmsKeyArn: string | undefined;
  private readonly access: DatabaseAccess;

  constructor(scope: Construct, id: string, attributes: DatabaseAttributes) {
    super(scope, id);
    const port = assertIntegerInRange(attributes.port ?? POSTGRES_PORT, "database.port", {
      min: 1,
      max: 65535,
    });
    checkAttributes(attributes);
    this.identifier = attributes.identifier;
    this.address = attributes.address;
    this.port = port;
    this.securityGroupId = attributes.securityGroupId;
    this.resourceId = attributes.resourceId;
    this.masterSecretArn = attributes.masterSecretArn;
    this.kmsKeyArn = attributes.kmsKeyArn;
    this.access = new DatabaseAccess(this, {
      database: this,
      region: attributes.region,
      accountId: attributes.accountId,
      kmsKeyArn: attributes.kmsKeyArn,
      purpose: attributes.purpose ?? "db",
    });
  }

  /**
   * Lets `source` connect to the database's port: ingress on the database's group (written in this
   * stack) and, unless told otherwise, egress on `source`. As `Database.allowFrom`.
   */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    this.access.allowFrom(source, options);
  }

  /** Lets `role` read the master credentials, as `Database.grantReadCredentials`. */
  grantReadCredentials(role: IamRole): IamRolePolicy {
    return this.access.grantReadCredentials(role);
  }

  /** Lets `role` sign in as `dbUser` with IAM database authentication, as `Database.grantConnect`. */
  grantConnect(role: IamRole, dbUser: string): IamRolePolicy {
    return this.access.grantConnect(role, dbUser);
  }
}

/** Refuses attributes that would scope a grant wider than one database, or are not what they claim. */
function checkAttributes(attributes: DatabaseAttributes): void {
  const literal = (value: string) => !Token.isUnresolved(value);
  assertArn(attributes.masterSecretArn, "database.masterSecretArn", ARN_KINDS.secret);
  if (attributes.kmsKeyArn !== undefined) {
    assertArn(attributes.kmsKeyArn, "database.kmsKeyArn", ARN_KINDS.kmsKey);
  }
  assertNoWildcard(attributes.resourceId, "database.resourceId");
  if (literal(attributes.resourceId) && !/^db-[A-Z0-9]+$/.test(attributes.resourceId)) {
    throw new PropError(
      "database.resourceId",
      `"${attributes.resourceId}" is not an RDS resource id such as db-ABCDEFGHIJKLMNOPQRSTUVWXYZ`,
    );
  }
  if (literal(attributes.securityGroupId) && !/^sg-[0-9a-f]+$/.test(attributes.securityGroupId)) {
    throw new PropError(
      "database.securityGroupId",
      `"${attributes.securityGroupId}" is not a security group id such as sg-0123456789abcdef0`,
    );
  }
  if (literal(attributes.accountId) && !/^\d{12}$/.test(attributes.accountId)) {
    throw new PropError("database.accountId", `"${attributes.accountId}" must be 12 digits`);
  }
  if (literal(attributes.region) && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(attributes.region)) {
    throw new PropError("database.region", `"${attributes.region}" is not an AWS region such as us-east-1`);
  }
  const purpose = attributes.purpose;
  if (purpose !== undefined && !/^[a-z][a-z0-9-]*$/.test(purpose)) {
    throw new PropError("database.purpose", `"${purpose}" must be lowercase letters, digits and hyphens`);
  }
}

/** The ARN partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
