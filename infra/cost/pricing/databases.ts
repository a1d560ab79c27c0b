/**
 * RDS instances (instance hours, storage and provisioned gp3 performance, the managed master
 * secret, enhanced monitoring, Database Insights), read replicas (priced as instances, with their
 * source's storage), replicated automated backups, and DynamoDB tables.
 */
import {
  blocks,
  lookup,
  type PlannedResource,
  referencesOf,
  type StackModel,
} from "../../plan/plan-model.js";
import { type CostLine, hourly, monthly, notPriced, type Pricer, usage } from "../line.js";

/** gp3 for PostgreSQL from 400 GiB: what the storage price includes. */
const GP3_BASELINE = { iops: 12000, throughputMiBps: 500 };

/**
 * vCPUs of an RDS instance class by its size: micro to large have 2, xlarge 4, N·xlarge 4·N (true
 * of the t, m, r and x families RDS offers for PostgreSQL). Undefined for a size it cannot read.
 */
export function vcpusOf(instanceClass: string): number | undefined {
  const size = instanceClass.split(".")[2];
  if (size === undefined) return undefined;
  if (["micro", "small", "medium", "large"].includes(size)) return 2;
  if (size === "xlarge") return 4;
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? 4 * Number(multiple[1]) : undefined;
}

/** A read replica's source instance in the same stack (by the reference in `replicate_source_db`). */
function replicaSource(stack: StackModel, replica: PlannedResource): PlannedResource | undefined {
  for (const reference of referencesOf(replica, "replicate_source_db")) {
    const source = lookup(stack, reference);
    if (source?.type === "aws_db_instance") return source;
  }
  const identifier = replica.values.replicate_source_db;
  return typeof identifier === "string"
    ? stack.resources.find((r) => r.type === "aws_db_instance" && r.values.identifier === identifier)
    : undefined;
}

const STORAGE_PRICES: Record<string, string> = { gp3: "rds-gp3-gb-month", gp2: "rds-gp3-gb-month" };

export const dbInstance: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const engine = typeof v.engine === "string" ? v.engine : "unknown engine";
  const instanceClass = typeof v.instance_class === "string" ? v.instance_class : "unknown class";
  // Multi-AZ runs (and bills) a standby: instance hours and storage double.
  const copies = v.multi_az === true ? 2 : 1;
  const az = copies === 2 ? "Multi-AZ" : "Single-AZ";
  const lines: CostLine[] = [];
  const priceId = `rds-${engine}-${instanceClass}-hour`;
  lines.push(
    ctx.price(priceId) === undefined
      ? notPriced(`${engine} ${instanceClass} (${az})`, `no price "${priceId}" in the price table`)
      : hourly(ctx, `${engine} ${instanceClass} (${az})`, priceId, copies),
  );
  const storageType = typeof v.storage_type === "string" ? v.storage_type : "gp2";
  const storagePrice = STORAGE_PRICES[storageType];
  // A replica's storage is its source's (it is not known until the replica exists).
  const isReplica =
    typeof v.replicate_source_db === "string" || referencesOf(ctx.resource, "replicate_source_db").length > 0;
  const source =
    isReplica && !(Number(v.allocated_storage) > 0) ? replicaSource(ctx.stack, ctx.resource) : undefined;
  const gb = Number(source ? source.values.allocated_storage : v.allocated_storage);
  if (!storagePrice)
    lines.push(notPriced(`${storageType} storage`, `no price for RDS ${storageType} storage`));
  else if (!(gb > 0)) lines.push(notPriced(`${storageType} storage`, "allocated_storage is not known"));
  else
    lines.push(
      monthly(
        ctx,
        `${storageType} storage: ${gb} GB (${az})${source ? ", as its source" : ""}`,
        storagePrice,
        gb * copies,
        "GB-month",
      ),
    );
  if (storageType === "gp3") {
    const iops = Number(v.iops);
    if (iops > GP3_BASELINE.iops)
      lines.push(
        monthly(
          ctx,
          `gp3 IOPS above ${GP3_BASELINE.iops}: ${iops - GP3_BASELINE.iops} (${az})`,
          "rds-gp3-iops-month",
          (iops - GP3_BASELINE.iops) * copies,
          "IOPS-month",
        ),
      );
    const throughput = Number(v.storage_throughput);
    if (throughput > GP3_BASELINE.throughputMiBps)
      lines.push(
        monthly(
          ctx,
          `gp3 throughput above ${GP3_BASELINE.throughputMiBps} MiBps: ${throughput - GP3_BASELINE.throughputMiBps} MiBps (${az})`,
          "rds-gp3-throughput-mibps-month",
          (throughput - GP3_BASELINE.throughputMiBps) * copies,
          "MiBps-month",
        ),
      );
  }
  // A source named by ARN is in another region: its changes cross regions to reach the replica.
  const sourceText = [v.replicate_source_db, ctx.resource.config.replicate_source_db].find(
    (x): x is string => typeof x === "string",
  );
  if (sourceText !== undefined && (sourceText.startsWith("arn:") || /\.arn\}$/.test(sourceText)))
    lines.push(
      usage(
        ctx,
        "replication from the source's region (cross-region transfer)",
        "replication_transfer_gb",
        "rds-cross-region-transfer-gb",
        "GB",
      ),
    );
  if (Number(v.monitoring_interval) > 0)
    lines.push(
      usage(
        ctx,
        `enhanced monitoring every ${Number(v.monitoring_interval)} s (RDSOSMetrics log ingestion)`,
        "enhanced_monitoring_gb",
        "cloudwatch-logs-ingest-gb",
        "GB",
      ),
    );
  if (v.database_insights_mode === "advanced") {
    const vcpus = vcpusOf(instanceClass);
    lines.push(
      vcpus === undefined
        ? notPriced("Database Insights advanced", `the vCPUs of ${instanceClass} are not known`)
        : hourly(
            ctx,
            `Database Insights advanced: ${vcpus} vCPUs`,
            "rds-database-insights-advanced-vcpu-hour",
            vcpus,
          ),
    );
  }
  if (v.manage_master_user_password === true)
    lines.push(
      monthly(
        ctx,
        "master password secret (Secrets Manager, created by RDS)",
        "secrets-manager-secret-month",
      ),
    );
  return lines;
};

/** Automated backups copied to another region: the transfer and the backup storage there. */
export const automatedBackupsReplication: Pricer = (ctx) => [
  usage(
    ctx,
    "backups and logs sent to the other region",
    "transfer_gb",
    "rds-cross-region-transfer-gb",
    "GB",
  ),
  usage(ctx, "replicated backup storage", "storage_gb", "rds-backup-storage-gb-month", "GB-month"),
];

export const dynamodbTable: Pricer = (ctx) => {
  const v = ctx.resource.values;
  const pitr = blocks(v.point_in_time_recovery).some((p) => p.enabled === true);
  const storage = [
    usage(ctx, "storage", "storage_gb", "dynamodb-storage-gb-month", "GB-month"),
    ...(pitr
      ? [usage(ctx, "point-in-time recovery", "storage_gb", "dynamodb-pitr-gb-month", "GB-month")]
      : []),
  ];
  if (v.billing_mode === "PROVISIONED") {
    return [
      hourly(
        ctx,
        `write capacity × ${Number(v.write_capacity)} WCU`,
        "dynamodb-wcu-hour",
        Number(v.write_capacity),
      ),
      hourly(
        ctx,
        `read capacity × ${Number(v.read_capacity)} RCU`,
        "dynamodb-rcu-hour",
        Number(v.read_capacity),
      ),
      ...storage,
    ];
  }
  return [
    usage(ctx, "writes (on demand)", "write_millions", "dynamodb-write-million", "million WRU"),
    usage(ctx, "reads (on demand)", "read_millions", "dynamodb-read-million", "million RRU"),
    ...storage,
  ];
};
