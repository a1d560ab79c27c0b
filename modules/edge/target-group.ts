import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";

/** The rule on a target port, in the words of its check. */
export const TARGET_PORT_RULE = "must be a TCP port (1–65535)";
/** A health-check path ELB accepts: `/` and then URL-safe characters, up to 1024 in all. */
export const HEALTH_CHECK_PATH = /^\/[\w\-./~%]*$/;
/** The longest health-check path ELB accepts. */
export const HEALTH_CHECK_PATH_MAX_LENGTH = 1024;
/** The rule on a health-check path, in the words of its check. */
export const HEALTH_CHECK_PATH_RULE = "must be a path starting with /";

/** Props of `ServiceTargetGroup`. */
export interface ServiceTargetGroupProps {
  /** Names and tags the target group. */
  readonly naming: Naming;
  /**
   * What it serves (`app`); the group is named `<project>-<env>-<name>-<port>`, shortened to the
   * 32 characters target group names allow.
   */
  readonly name: string;
  /** The VPC the targets (Fargate task IPs) live in. */
  readonly vpcId: string;
  /** The port the service listens on inside its task. @default 3000 */
  readonly port?: number;
  /** A path that answers 200 only when the service can take traffic. @default "/readyz" */
  readonly healthCheckPath?: string;
  /**
   * How long a deregistering target keeps its in-flight requests. Short, because the service drains
   * on SIGTERM and deploys should not wait the AWS default of 300 s.
   * @default 15
   */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * An IP target group for a Fargate service, HTTP on the task port, health-checked on a readiness
 * path. Usable on its own with a plain VPC id (preview stacks create theirs next to dev's ALB).
 */
export class ServiceTargetGroup extends Construct {
  /** The target group. */
  readonly targetGroup: LbTargetGroup;
  /** The target group's ARN, for a listener rule or a service's load balancer block. */
  readonly arn: string;
  /** `targetgroup/<name>/<id>`, the CloudWatch `TargetGroup` dimension. */
  readonly arnSuffix: string;
  /** The port the targets are registered on (the service's container port). */
  readonly port: number;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    const port = props.port ?? 3000;
    const healthCheckPath = props.healthCheckPath ?? "/readyz";
    const delay = props.deregistrationDelaySeconds ?? 15;
    // Values given as Terraform references are checked by the module's variable validation.
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new PropError("edge.targetGroup.port", `${port} ${TARGET_PORT_RULE}`);
    }
    if (
      !Token.isUnresolved(healthCheckPath) &&
      (!HEALTH_CHECK_PATH.test(healthCheckPath) || healthCheckPath.length > HEALTH_CHECK_PATH_MAX_LENGTH)
    ) {
      throw new PropError(
        "edge.targetGroup.healthCheckPath",
        `"${healthCheckPath}" ${HEALTH_CHECK_PATH_RULE}`,
      );
    }
    if (!Number.isInteger(delay) || delay < 0 || delay > 3600) {
      throw new PropError("edge.targetGroup.deregistrationDelaySeconds", `${delay} must be 0–3600 seconds`);
    }
    this.port = port;

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      // The port is part of the name, so a port change creates the new group before the old one goes.
      // A port known only at plan is appended after the name, with room kept for five digits.
      name: Token.isUnresolved(port)
        ? `${props.naming.name(props.name, NAME_LIMITS.loadBalancer - 6)}-${Token.asString(port)}`
        : props.naming.name(`${props.name}-${port}`, NAME_LIMITS.loadBalancer),
      vpcId: props.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      protocolVersion: "HTTP1",
      port,
      deregistrationDelay: String(delay),
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: healthCheckPath,
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      lifecycle: { createBeforeDestroy: true },
    });
    this.arn = this.targetGroup.arn;
    this.arnSuffix = this.targetGroup.arnSuffix;
  }
}
