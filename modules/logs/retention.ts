/** CloudWatch Logs accepts only these retention periods (days); anything else fails at apply time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Throws, naming `field`, when `days` is not a retention period CloudWatch Logs accepts. */
export function assertLogRetention(days: number, field: string): void {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(
      `${field}: ${days} is not a CloudWatch Logs retention period (use one of ${LOG_RETENTION_DAYS.join(", ")})`,
    );
  }
}
