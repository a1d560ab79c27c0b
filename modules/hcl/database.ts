/** The database module for Terraform: `Database` with every prop a variable. */
import { Fn, TerraformLocal, Token } from "cdktf";
import {
  ALLOCATED_STORAGE_GB,
  APPLY_METHODS,
  BACKUP_RETENTION_DAYS,
  BACKUP_WINDOW,
  BACKUP_WINDOW_RULE,
  Database,
  type DatabaseParameter,
  defaultMaxAllocatedStorageGb,
  ENGINE_MAJOR_RULE,
  ENGINE_VERSION,
  ENGINE_VERSION_RULE,
  INSTANCE_CLASS,
  INSTANCE_CLASS_RULE,
  KMS_KEY_ARN_RULE,
  MAINTENANCE_WINDOW,
  MAINTENANCE_WINDOW_RULE,
  MANAGED_PARAMETER_RULE,
  MANAGED_PARAMETERS,
  MINIMUM_MAJOR_VERSION,
  PARAMETER_TWICE_RULE,
  PERFORMANCE_INSIGHTS_RETENTION,
  PERFORMANCE_INSIGHTS_RETENTION_RULE,
  POSTGRES_IDENTIFIER,
  POSTGRES_IDENTIFIER_RULE,
  PROTECTED_BACKUP_DAYS,
  PROTECTED_BACKUP_RULE,
  RESERVED_NAME_RULE,
  RESERVED_NAMES,
  SLOW_QUERY_THRESHOLD_MS,
  SUBNET_COUNT_RULE,
  SUBNET_DUPLICATE_RULE,
} from "../database/database.js";
import { allowFromEach } from "../database/database-ref.js";
import {
  ADVANCED_INSIGHTS_RETENTION_DAYS,
  ADVANCED_INSIGHTS_RULE,
  DATABASE_INSIGHTS_MODES,
  type DatabaseInsightsMode,
  GP3_IOPS,
  GP3_PROVISIONING_THRESHOLD_GB,
  GP3_THRESHOLD_RULE,
  GP3_THROUGHPUT_MIBPS,
} from "../database/instance-options.js";
import { LOG_GROUP_CLASSES, type LogGroupClass } from "../logs/log-group-class.js";
import { ARN_KINDS, arnPattern, oneOfRule } from "../validation/validators.js";
import { hclList, integerInRange, logRetentionDays, matches, oneOf, optional } from "./conditions.js";
import type { HclModule } from "./hcl-module.js";
import type { Rule } from "./module-stack.js";
import { limitNameLength, moduleNaming } from "./shared.js";

const DATABASE = "database/database.ts#DatabaseProps";

/** A PostgreSQL name (database, master user): the construct's pattern, and not a reserved one. */
function postgresName(ref: string): Rule[] {
  return [
    { condition: matches(ref, POSTGRES_IDENTIFIER), message: POSTGRES_IDENTIFIER_RULE },
    { condition: `!contains(${hclList(RESERVED_NAMES)}, ${ref})`, message: RESERVED_NAME_RULE },
  ];
}

export const database: HclModule = {
  name: "database",
  title: "RDS for PostgreSQL in the database subnets, private, encrypted and TLS-only",
  summary:
    "An RDS for PostgreSQL instance in the subnets you give, in its own security group that admits only the groups you list, on port 5432 over TLS. Storage is encrypted gp3 with autoscaling, the master password is generated and rotated by RDS in Secrets Manager (never in configuration or state), IAM database authentication and Performance Insights are on, the postgresql and upgrade logs go to log groups with a retention, and deletion protection, a final snapshot and seven days of backups are the default.",
  example: `module "database" {
  source = "github.com/acme/platform//modules/terraform/database"

  name       = "payments-prod"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.database_subnet_ids

  instance_class             = "db.t4g.medium"
  allocated_storage_gb       = 50
  multi_az                   = true
  allowed_security_group_ids = [module.service.security_group_id]
}`,
  limitations: [
    "`purpose` is not a variable: every name is `<name>-db` (instance, security group, subnet group, final snapshot) or `<name>-db-postgres<major>` (parameter group); give each database its own `name`.",
    "`allowFrom(group)` is the list `allowed_security_group_ids`, and it writes the ingress rule on the database's group only: the egress rule on each listed group (port 5432 to `security_group_id`) is the caller's to write, as `allowFrom(group, { egressOnSource: false })` leaves it.",
    "The ingress rules are keyed by position in `allowed_security_group_ids`, so ids not known until apply (a group created in the same run) plan; removing an id from the middle of the list rewrites the rules after it.",
    "`grantReadCredentials` and `grantConnect` are not part of the module: write those IAM policies in the calling module from the outputs `master_secret_arn` (and `kms_key_arn`) and `resource_id` (`arn:aws:rds-db:<region>:<account>:dbuser:<resource_id>/<user>`).",
    "Read replicas (`addReadReplica`), enhanced monitoring (`monitoringIntervalSeconds`), `masterSecretRotationDays` and `backupReplication` are not variables: each adds resources (a replica, a role, a rotation schedule, a key in another region with its provider) that a module would create behind `count`; write them beside the module from its outputs (`identifier`, `arn`, `master_secret_arn`).",
    "`parameters` entries are spelled `{ name, value, apply_method }` (snake_case) rather than `applyMethod`.",
    "`max_allocated_storage_gb = null` stands for the prop's computed default: 100 GiB, or twice `allocated_storage_gb` when that is more.",
  ],
  build(stack) {
    let built: Database | undefined;
    // The account id is not used by anything the module writes (it would be, by the grants), but the
    // naming takes one: the security group's ARN holds it, and the group depends on nothing here.
    const naming = moduleNaming(stack, "instance, its security group, subnet and parameter groups", () =>
      Token.asString(Fn.element(Fn.split(":", (built as Database).securityGroup.arn), 4)),
    );
    const vpcId = stack.variable("vpc_id", { type: "string", doc: `${DATABASE}.vpcId` });
    const subnetIds = stack.variable("subnet_ids", {
      type: "list(string)",
      doc: `${DATABASE}.subnetIds`,
      rules: [
        { condition: "length(var.subnet_ids) >= 2", message: SUBNET_COUNT_RULE },
        {
          condition: "length(distinct(var.subnet_ids)) == length(var.subnet_ids)",
          message: SUBNET_DUPLICATE_RULE,
        },
      ],
    });
    const instanceClass = stack.variable("instance_class", {
      type: "string",
      doc: `${DATABASE}.instanceClass`,
      default: "db.t4g.micro",
      rules: [{ condition: matches("var.instance_class", INSTANCE_CLASS), message: INSTANCE_CLASS_RULE }],
    });
    const allocatedStorage = stack.variable("allocated_storage_gb", {
      type: "number",
      doc: `${DATABASE}.allocatedStorageGb`,
      default: 20,
      rules: [integerInRange("var.allocated_storage_gb", ALLOCATED_STORAGE_GB)],
    });
    const multiAz = stack.variable("multi_az", {
      type: "bool",
      doc: `${DATABASE}.multiAz`,
      default: false,
    });
    const allowed = stack.variable("allowed_security_group_ids", {
      type: "list(string)",
      description:
        "Security groups whose members may connect on 5432 (`allowFrom` in the TypeScript API): one ingress rule each on the database's group. Their own egress to `security_group_id` is the caller's.",
      default: [],
      rules: [
        {
          condition: `alltrue([for id in var.allowed_security_group_ids : ${matches("id", /^sg-[0-9a-f]+$/)}])`,
          message: "each must be a security group id such as sg-0123456789abcdef0",
        },
        {
          condition:
            "length(distinct(var.allowed_security_group_ids)) == length(var.allowed_security_group_ids)",
          message: "lists a group twice; list each group once",
        },
      ],
    });
    const engineVersion = stack.variable("engine_version", {
      type: "string",
      doc: `${DATABASE}.engineVersion`,
      default: "16",
      rules: [
        { condition: matches("var.engine_version", ENGINE_VERSION), message: ENGINE_VERSION_RULE },
        {
          condition: `tonumber(split(".", var.engine_version)[0]) >= ${MINIMUM_MAJOR_VERSION}`,
          message: ENGINE_MAJOR_RULE,
        },
      ],
    });
    const allowMajorUpgrade = stack.variable("allow_major_version_upgrade", {
      type: "bool",
      doc: `${DATABASE}.allowMajorVersionUpgrade`,
      default: false,
    });
    const maxStorage = stack.variable("max_allocated_storage_gb", {
      type: "number",
      doc: `${DATABASE}.maxAllocatedStorageGb`,
      description: "`null`: that computed default.",
      default: null,
      rules: [
        {
          // A conditional, not `optional`'s `||`: Terraform evaluates both sides of `||`, and
          // floor(null) is an error, which would fail the rule for null.
          condition: `var.max_allocated_storage_gb == null ? true : (floor(var.max_allocated_storage_gb) == var.max_allocated_storage_gb && var.max_allocated_storage_gb >= var.allocated_storage_gb && var.max_allocated_storage_gb <= ${ALLOCATED_STORAGE_GB.max})`,
          message: `must be a whole number from allocated_storage_gb to ${ALLOCATED_STORAGE_GB.max}`,
        },
      ],
    });
    const backupDays = stack.variable("backup_retention_days", {
      type: "number",
      doc: `${DATABASE}.backupRetentionDays`,
      default: 7,
      rules: [
        integerInRange("var.backup_retention_days", BACKUP_RETENTION_DAYS),
        {
          condition: `!var.deletion_protection || var.backup_retention_days >= ${PROTECTED_BACKUP_DAYS}`,
          message: PROTECTED_BACKUP_RULE,
        },
      ],
    });
    const deletionProtection = stack.variable("deletion_protection", {
      type: "bool",
      doc: `${DATABASE}.deletionProtection`,
      default: true,
    });
    const databaseName = stack.variable("database_name", {
      type: "string",
      doc: `${DATABASE}.databaseName`,
      default: "app",
      rules: postgresName("var.database_name"),
    });
    const masterUsername = stack.variable("master_username", {
      type: "string",
      doc: `${DATABASE}.masterUsername`,
      default: "platform_admin",
      rules: postgresName("var.master_username"),
    });
    const logRetention = stack.variable("log_retention_days", {
      type: "number",
      doc: `${DATABASE}.logRetentionDays`,
      default: 30,
      rules: [logRetentionDays("var.log_retention_days")],
    });
    const logClass = stack.variable("log_group_class", {
      type: "string",
      doc: `${DATABASE}.logGroupClass`,
      description: "`null`: CloudWatch's default, `STANDARD`.",
      default: null,
      rules: [optional("var.log_group_class", oneOf("var.log_group_class", LOG_GROUP_CLASSES))],
    });
    const slowQuery = stack.variable("slow_query_threshold_ms", {
      type: "number",
      doc: `${DATABASE}.slowQueryThresholdMs`,
      default: 1000,
      rules: [integerInRange("var.slow_query_threshold_ms", SLOW_QUERY_THRESHOLD_MS)],
    });
    const insightsRetention = stack.variable("performance_insights_retention_days", {
      type: "number",
      doc: `${DATABASE}.performanceInsightsRetentionDays`,
      default: 7,
      rules: [
        {
          condition: `contains([${PERFORMANCE_INSIGHTS_RETENTION.join(", ")}], var.performance_insights_retention_days)`,
          message: PERFORMANCE_INSIGHTS_RETENTION_RULE,
        },
      ],
    });
    const kmsKeyArn = stack.variable("kms_key_arn", {
      type: "string",
      doc: `${DATABASE}.kmsKeyArn`,
      description: "`null`: AWS-managed keys.",
      default: null,
      rules: [
        optional("var.kms_key_arn", {
          condition: matches("var.kms_key_arn", arnPattern(ARN_KINDS.kmsKey)),
          message: KMS_KEY_ARN_RULE,
        }),
      ],
    });
    const backupWindow = stack.variable("backup_window", {
      type: "string",
      doc: `${DATABASE}.backupWindow`,
      description: "`null`: chosen by RDS.",
      default: null,
      rules: [
        optional("var.backup_window", {
          condition: matches("var.backup_window", BACKUP_WINDOW),
          message: BACKUP_WINDOW_RULE,
        }),
      ],
    });
    const maintenanceWindow = stack.variable("maintenance_window", {
      type: "string",
      doc: `${DATABASE}.maintenanceWindow`,
      description: "`null`: chosen by RDS.",
      default: null,
      rules: [
        optional("var.maintenance_window", {
          condition: matches("var.maintenance_window", MAINTENANCE_WINDOW),
          message: MAINTENANCE_WINDOW_RULE,
        }),
      ],
    });
    const parameters = stack.variable("parameters", {
      type: `list(object({ name = string, value = string, apply_method = optional(string, "immediate") }))`,
      doc: `${DATABASE}.parameters`,
      description:
        'Each `{ name, value, apply_method }`; `apply_method` is `"immediate"` (the default: dynamic parameters) or `"pending-reboot"` (static ones).',
      default: [],
      rules: [
        {
          condition: `alltrue([for p in var.parameters : !contains(${hclList(MANAGED_PARAMETERS)}, p.name)])`,
          message: MANAGED_PARAMETER_RULE,
        },
        {
          condition: "length(distinct([for p in var.parameters : p.name])) == length(var.parameters)",
          message: PARAMETER_TWICE_RULE,
        },
        {
          condition: `alltrue([for p in var.parameters : contains(${hclList(APPLY_METHODS)}, p.apply_method)])`,
          message: `each apply_method ${oneOfRule(APPLY_METHODS)}`,
        },
      ],
    });

    const insightsMode = stack.variable("database_insights_mode", {
      type: "string",
      doc: `${DATABASE}.databaseInsightsMode`,
      description: "`null`: RDS's own (`standard`).",
      default: null,
      rules: [
        optional("var.database_insights_mode", oneOf("var.database_insights_mode", DATABASE_INSIGHTS_MODES)),
        {
          condition: `var.database_insights_mode == null ? true : (var.database_insights_mode != "advanced" || var.performance_insights_retention_days >= ${ADVANCED_INSIGHTS_RETENTION_DAYS})`,
          message: ADVANCED_INSIGHTS_RULE,
        },
      ],
    });
    const gp3Rules = (ref: string, range: typeof GP3_IOPS) => [
      optional(ref, integerInRange(ref, range)),
      {
        condition: `${ref} == null ? true : var.allocated_storage_gb >= ${GP3_PROVISIONING_THRESHOLD_GB}`,
        message: GP3_THRESHOLD_RULE,
      },
    ];
    const iops = stack.variable("iops", {
      type: "number",
      doc: `${DATABASE}.iops`,
      description: "`null`: the gp3 baseline.",
      default: null,
      rules: gp3Rules("var.iops", GP3_IOPS),
    });
    const throughput = stack.variable("storage_throughput_mibps", {
      type: "number",
      doc: `${DATABASE}.storageThroughputMiBps`,
      description: "`null`: the gp3 baseline.",
      default: null,
      rules: gp3Rules("var.storage_throughput_mibps", GP3_THROUGHPUT_MIBPS),
    });

    built = new Database(stack, "database", {
      naming,
      vpcId: vpcId.stringValue,
      subnetIds: subnetIds.listValue,
      engineVersion: engineVersion.stringValue,
      allowMajorVersionUpgrade: allowMajorUpgrade.booleanValue as unknown as boolean,
      instanceClass: instanceClass.stringValue,
      allocatedStorageGb: allocatedStorage.numberValue,
      // null: the prop's default, computed from allocated_storage_gb, once, as a local.
      maxAllocatedStorageGb: new TerraformLocal(
        stack,
        "max_allocated_storage_gb",
        Fn.coalesce([maxStorage.value, defaultMaxAllocatedStorageGb(allocatedStorage.numberValue)]),
      ).asNumber,
      multiAz: multiAz.booleanValue as unknown as boolean,
      backupRetentionDays: backupDays.numberValue,
      deletionProtection: deletionProtection.booleanValue as unknown as boolean,
      databaseName: databaseName.stringValue,
      masterUsername: masterUsername.stringValue,
      logRetentionDays: logRetention.numberValue,
      logGroupClass: logClass.stringValue as LogGroupClass,
      slowQueryThresholdMs: slowQuery.numberValue,
      performanceInsightsRetentionDays: insightsRetention.numberValue,
      kmsKeyArn: kmsKeyArn.stringValue,
      backupWindow: backupWindow.stringValue,
      maintenanceWindow: maintenanceWindow.stringValue,
      parameters: parameters.value as DatabaseParameter[],
      databaseInsightsMode: insightsMode.stringValue as DatabaseInsightsMode,
      iops: iops.numberValue,
      storageThroughputMiBps: throughput.numberValue,
    });
    const db = built;
    allowFromEach(db, "allow-from", db, allowed.listValue);

    stack.output("address", { value: db.address, description: "The instance's hostname." });
    stack.output("port", { value: db.port, description: "The port PostgreSQL listens on (5432)." });
    stack.output("endpoint", { value: db.endpoint, description: "`<address>:<port>`." });
    stack.output("master_secret_arn", {
      value: db.masterSecretArn,
      description:
        "The secret (managed and rotated by RDS, JSON `{username, password}`) that holds the master credentials.",
    });
    stack.output("security_group_id", {
      value: db.securityGroupId,
      description: "The database's own security group: ingress from `allowed_security_group_ids` only.",
    });
    stack.output("identifier", {
      value: db.identifier,
      description: "The DB instance identifier, `<name>-db`.",
    });
    stack.output("arn", { value: db.arn, description: "The instance's ARN." });
    stack.output("resource_id", {
      value: db.resourceId,
      description: "The immutable resource id (`db-…`) that IAM database authentication ARNs use.",
    });
    stack.output("database_name", {
      value: db.databaseName,
      description: "The database created with the instance.",
    });
    stack.output("master_username", {
      value: db.masterUsername,
      description: "The master user's name (its password is in the master secret).",
    });
    stack.output("kms_key_arn", {
      value: kmsKeyArn.stringValue,
      description: "The customer-managed KMS key, or null (AWS-managed keys).",
    });
    stack.output("parameter_group_name", {
      value: db.parameterGroup.name,
      description: "The parameter group: TLS required, slow queries logged, and `parameters`.",
    });
    stack.output("subnet_group_name", { value: db.subnetGroup.name, description: "The DB subnet group." });
    limitNameLength(stack, naming);
  },
};
