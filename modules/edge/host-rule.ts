import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule/index.js";
import { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";

/**
 * Priorities below this are the load balancer's own rules (the `/metrics` deny rule is priority 1),
 * so that every host rule is evaluated after them.
 */
export const HOST_RULE_MIN_PRIORITY = 100;
/** The highest listener rule priority ELB accepts. */
export const HOST_RULE_MAX_PRIORITY = 50_000;

/** An ALB host condition value: a DNS name, where `*` and `?` are wildcards. */
const HOST = /^[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?(\.[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?)+$/;

/** Props of `HostRule`: which host goes to which target group, at which priority. */
export interface HostRuleProps {
  /** The HTTPS listener's ARN (a `LoadBalancer`'s `httpsListener.arn`, or read from remote state). */
  readonly listenerArn: string;
  /** The Host header to match, e.g. `pr-42.preview.dev.example.com`. */
  readonly host: string;
  /** Where matching requests go. */
  readonly targetGroupArn: string;
  /**
   * Unique on the listener; lower is evaluated first. Must be ≥ `HOST_RULE_MIN_PRIORITY` (100) so the
   * load balancer's own rules stay first.
   */
  readonly priority: number;
}

/**
 * A listener rule that forwards requests for one host name to a target group. Usable on its own with
 * plain ids: a preview stack adds `pr-<N>.<preview domain>` to dev's HTTPS listener this way.
 */
export class HostRule extends Construct {
  /** The listener rule. */
  readonly rule: LbListenerRule;
  /** The rule's ARN. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: HostRuleProps) {
    super(scope, id);
    const { priority, host } = props;
    if (
      !Number.isInteger(priority) ||
      priority < HOST_RULE_MIN_PRIORITY ||
      priority > HOST_RULE_MAX_PRIORITY
    ) {
      throw new PropError(
        "edge.hostRule.priority",
        `${priority} must be a whole number from ${HOST_RULE_MIN_PRIORITY} to ${HOST_RULE_MAX_PRIORITY}; lower priorities are reserved for the load balancer's own rules (the /metrics deny rule)`,
      );
    }
    if (!HOST.test(host) || host.length > 128) {
      throw new PropError(
        "edge.hostRule.host",
        `"${host}" must be a lowercase host name (up to 128 characters)`,
      );
    }
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.listenerArn,
      priority,
      condition: [{ hostHeader: { values: [host] } }],
      action: [{ type: "forward", targetGroupArn: props.targetGroupArn }],
      tags: { Name: host },
    });
    this.arn = this.rule.arn;
  }
}
