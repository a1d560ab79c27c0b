/**
 * S3 buckets: storage and requests, from the usage file; the storage classes lifecycle transitions
 * move objects to, Intelligent-Tiering's monitoring and archive tiers, and cross-region replication.
 */
import { type NoCharge, notPriced, type Pricer, usage } from "../line.js";

export const s3Bucket: Pricer = (ctx) => [
  usage(ctx, "S3 Standard storage", "storage_gb", "s3-standard-gb-month", "GB-month"),
  usage(ctx, "PUT/LIST requests", "put_requests_thousands", "s3-put-1k", "1,000 requests"),
  usage(ctx, "GET requests", "get_requests_thousands", "s3-get-1k", "1,000 requests"),
];

/** Per transition storage class: the label, the usage key (GB stored there) and the price. */
export const TRANSITION_CLASS_PRICES: Readonly<
  Record<string, { readonly label: string; readonly key: string; readonly priceId: string }>
> = {
  STANDARD_IA: {
    label: "S3 Standard-IA storage",
    key: "standard_ia_storage_gb",
    priceId: "s3-standard-ia-gb-month",
  },
  INTELLIGENT_TIERING: {
    label: "S3 Intelligent-Tiering storage (frequent access tier)",
    key: "intelligent_tiering_storage_gb",
    priceId: "s3-intelligent-tiering-fa-gb-month",
  },
  ONEZONE_IA: {
    label: "S3 One Zone-IA storage",
    key: "onezone_ia_storage_gb",
    priceId: "s3-onezone-ia-gb-month",
  },
  GLACIER_IR: {
    label: "S3 Glacier Instant Retrieval storage",
    key: "glacier_ir_storage_gb",
    priceId: "s3-glacier-ir-gb-month",
  },
  GLACIER: {
    label: "S3 Glacier Flexible Retrieval storage",
    key: "glacier_storage_gb",
    priceId: "s3-glacier-gb-month",
  },
  DEEP_ARCHIVE: {
    label: "S3 Glacier Deep Archive storage",
    key: "deep_archive_storage_gb",
    priceId: "s3-deep-archive-gb-month",
  },
};

const NO_TRANSITIONS: NoCharge = {
  free: "no transitions: expiry rules have no charge, and the objects are priced on the bucket",
};

/** The storage classes a lifecycle configuration's rules move objects to, in S3's order. */
function transitionClasses(values: Readonly<Record<string, unknown>>): string[] {
  const rules = Array.isArray(values.rule) ? (values.rule as Array<Record<string, unknown>>) : [];
  const found = new Set<string>();
  for (const rule of rules) {
    for (const block of ["transition", "noncurrent_version_transition"]) {
      const transitions = Array.isArray(rule[block]) ? (rule[block] as Array<Record<string, unknown>>) : [];
      for (const t of transitions) if (typeof t.storage_class === "string") found.add(t.storage_class);
    }
  }
  const order = Object.keys(TRANSITION_CLASS_PRICES);
  return [...found].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * The storage classes the rules move objects to, one usage line each (GB kept there, from the
 * usage file): what moved out of Standard costs this instead of the bucket's Standard price.
 * Transition requests (from $0.01 per 1,000 objects) are not estimated.
 */
export const s3LifecycleConfiguration: Pricer = (ctx) => {
  const classes = transitionClasses(ctx.resource.values);
  if (classes.length === 0) return NO_TRANSITIONS;
  return classes.map((storageClass) => {
    const price = TRANSITION_CLASS_PRICES[storageClass];
    return price
      ? usage(ctx, price.label, price.key, price.priceId, "GB-month")
      : notPriced(`S3 ${storageClass} storage`, `no price for the storage class ${storageClass}`, "usage");
  });
};

/** Intelligent-Tiering: monitoring per object, and the archive tiers the configuration turns on. */
export const s3IntelligentTiering: Pricer = (ctx) => {
  const tiers = Array.isArray(ctx.resource.values.tiering)
    ? (ctx.resource.values.tiering as Array<Record<string, unknown>>).map((t) => t.access_tier)
    : [];
  return [
    usage(
      ctx,
      "Intelligent-Tiering monitoring and automation",
      "monitored_objects_thousands",
      "s3-intelligent-tiering-monitoring-1k-objects",
      "1,000 objects",
    ),
    ...(tiers.includes("ARCHIVE_ACCESS")
      ? [
          usage(
            ctx,
            "Intelligent-Tiering Archive Access tier",
            "archive_access_storage_gb",
            "s3-int-archive-access-gb-month",
            "GB-month",
          ),
        ]
      : []),
    ...(tiers.includes("DEEP_ARCHIVE_ACCESS")
      ? [
          usage(
            ctx,
            "Intelligent-Tiering Deep Archive Access tier",
            "deep_archive_access_storage_gb",
            "s3-int-deep-archive-access-gb-month",
            "GB-month",
          ),
        ]
      : []),
  ];
};

/**
 * Cross-region replication: the data copied to the other region, and the destination's PUT
 * requests (one per replicated version). The replicas' storage is priced on the destination bucket.
 */
export const s3Replication: Pricer = (ctx) => [
  usage(ctx, "Cross-region replication data transfer", "replicated_gb", "s3-crr-transfer-gb", "GB"),
  usage(ctx, "Replication PUT requests", "replicated_put_requests_thousands", "s3-put-1k", "1,000 requests"),
];
