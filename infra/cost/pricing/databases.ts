/** RDS instances (instance hours, storage, the managed master secret) and DynamoDB tables. */
import { blocks } from "../../plan/plan-model.js";
import { type CostLine, hourly, monthly, notPriced, type Pricer, usage } from "../line.js";

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
  const gb = Number(v.allocated_storage);
  if (!storagePrice)
    lines.push(notPriced(`${storageType} storage`, `no price for RDS ${storageType} storage`));
  else if (!(gb > 0)) lines.push(notPriced(`${storageType} storage`, "allocated_storage is not known"));
  else
    lines.push(
      monthly(ctx, `${storageType} storage: ${gb} GB (${az})`, storagePrice, gb * copies, "GB-month"),
    );
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
