/**
 * What the observability alarms watch: the load balancer, the ECS service, the database and the
 * service's refused sign-ins. Each alarm exists only when its target is given.
 */

/** The load balancer and target group the service sits behind. */
export interface LoadBalancerTarget {
  /** The ALB's ARN suffix, `app/<name>/<id>` (the `LoadBalancer` metric dimension; `aws_lb.arn_suffix`). */
  readonly arnSuffix: string;
  /** The target group's ARN suffix, `targetgroup/<name>/<id>` (`aws_lb_target_group.arn_suffix`). */
  readonly targetGroupArnSuffix: string;
  /**
   * Alarm when the targets' 99th-percentile response time stays above this many seconds.
   * @default 1
   */
  readonly p99LatencySeconds?: number;
}

/** The ECS service to watch. */
export interface ServiceTarget {
  /** The ECS cluster's name (the `ClusterName` metric dimension). */
  readonly clusterName: string;
  /** The service's name (the `ServiceName` metric dimension). */
  readonly serviceName: string;
}

/** The RDS instance to watch. */
export interface DatabaseTarget {
  /** The DB instance identifier (the `DBInstanceIdentifier` metric dimension). */
  readonly identifier: string;
  /** The instance's allocated storage in GiB; the free-storage alarm fires below 10 % of it. */
  readonly allocatedStorageGb: number;
  /**
   * The instance's `max_connections`; the connections alarm fires above 80 % of it.
   * @default - no connections alarm (the limit depends on the instance class and parameter group)
   */
  readonly maxConnections?: number;
}

/**
 * The CloudWatch Logs filter pattern of a refused sign-in in the service's logs: the access-log
 * line (service/access-log.ts) of a `POST /api/auth/login` answered 401, which is what
 * service/routes/auth.ts answers for a wrong email or password. A line looks like
 * `{"level":"warn",…,"req":{"method":"POST","url":"/api/auth/login"},"res":{"statusCode":401},…,"msg":"request completed"}`.
 *
 * The URL is matched as a regular expression, not as the exact string: Express routes paths
 * case-insensitively and ignores a trailing slash and the query string, so `/API/Auth/LOGIN/?x=1`
 * reaches the same handler and must be counted too. The status keeps out every other outcome
 * (200 signed in, 400 malformed, 429 rate limited) and every other route's 401.
 */
export const FAILED_SIGN_IN_PATTERN =
  '{ $.req.method = "POST" && $.req.url = %^/[Aa][Pp][Ii]/[Aa][Uu][Tt][Hh]/[Ll][Oo][Gg][Ii][Nn]% && $.res.statusCode = 401 }';

/** The service's refused sign-ins, counted from its logs (`FAILED_SIGN_IN_PATTERN`). */
export interface FailedSignInsTarget {
  /** The service's CloudWatch Logs group (`FargateService.logGroup.name`). */
  readonly logGroupName: string;
  /**
   * Alarm when at least this many sign-ins are refused within 5 minutes.
   * @default 10 - more than a person mistyping a password; a password-guessing run gets there
   */
  readonly threshold?: number;
}

/**
 * The service's own metrics, which it writes as CloudWatch embedded metric format lines to its log
 * (service/emf.ts: `METRICS_NAMESPACE`, `METRICS_SERVICE`): requests, 4xx and 5xx, latency,
 * database pool use and upload bytes, service-wide and per route.
 */
export interface ApplicationTarget {
  /** The `Service` dimension the service publishes with (its `METRICS_SERVICE`). */
  readonly serviceName: string;
  /**
   * The namespace the service publishes in (its `METRICS_NAMESPACE`).
   * @default `<prefix>/service` - the namespace of the failed sign-ins metric too
   */
  readonly namespace?: string;
  /**
   * Alarm when more than this percentage of requests are answered 5xx for 10 minutes (only
   * 5-minute periods with at least 10 requests count: one failure among three requests is noise).
   * @default 5
   */
  readonly errorRatePercent?: number;
  /**
   * Alarm when the application's 99th-percentile latency stays above this many milliseconds.
   * @default 1000
   */
  readonly p99LatencyMs?: number;
}
