/**
 * RDS for PostgreSQL's default `max_connections` is `LEAST({DBInstanceClassMemory/9531392}, 5000)`.
 * DBInstanceClassMemory is the instance's memory less what the OS and RDS keep, which AWS does not
 * publish per class; three quarters of the nominal memory matches what small instances report
 * (db.t4g.micro: ~80), and erring low makes the connections alarm fire early rather than late.
 */
const NOMINAL_GIB: Readonly<Record<string, number>> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  "2xlarge": 32,
  "4xlarge": 64,
  "8xlarge": 128,
  "12xlarge": 192,
  "16xlarge": 256,
  "24xlarge": 384,
};
/** Memory-optimised (r) classes have twice the memory per size of the general-purpose (m) ones. */
const FAMILY_FACTOR: Readonly<Record<string, number>> = { t: 1, m: 1, r: 2, x: 4 };

/** The default max_connections of `instanceClass` (e.g. `db.t4g.micro`), or undefined if unknown. */
export function defaultMaxConnections(instanceClass: string): number | undefined {
  const match = /^db\.([a-z])(\d+)[a-z]*\.([a-z0-9]+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, , size] = match as unknown as [string, string, string, string];
  const factor = FAMILY_FACTOR[family];
  const gib = NOMINAL_GIB[size];
  if (factor === undefined || gib === undefined) return undefined;
  // t classes stop at 2xlarge and have the m family's memory per size.
  if (family === "t" && gib > 32) return undefined;
  const bytes = gib * factor * 1024 ** 3 * 0.75;
  return Math.min(Math.floor(bytes / 9_531_392), 5000);
}
