import {
  blocks,
  isUnset,
  lookup,
  type PlannedResource,
  referencesOf,
  show,
  Unresolved,
} from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/** Listeners without a protocol default to HTTP on an application load balancer. */
const isHttp = (protocol: unknown) => protocol === "HTTP" || isUnset(protocol);

function redirectsToHttps(actions: unknown): boolean {
  const list = blocks(actions);
  return (
    list.length > 0 &&
    list.every((a) => a.type === "redirect" && blocks(a.redirect).some((r) => r.protocol === "HTTPS"))
  );
}

function actionTypes(actions: unknown): string {
  return (
    blocks(actions)
      .map((a) => show(a.type))
      .join(", ") || "none"
  );
}

export const albHttpRedirects = defineRule({
  id: "CKV2_AWS_20",
  checkov: ["CKV2_AWS_20", "CKV_AWS_2"],
  title: "HTTP listeners only redirect to HTTPS",
  severity: "high",
  resourceTypes: ["aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule"],
  check(resource, stack) {
    if (resource.type.endsWith("_listener")) {
      const protocol = resource.values.protocol;
      if (protocol instanceof Unresolved && !isUnset(protocol))
        return unverified(`protocol is ${show(protocol)}`);
      if (!isHttp(protocol) || redirectsToHttps(resource.values.default_action)) return pass();
      return fail(
        `HTTP listener's default action is ${actionTypes(resource.values.default_action)}, not a redirect to HTTPS`,
      );
    }
    // A listener rule: its actions must redirect too when it sits on an HTTP listener.
    if (redirectsToHttps(resource.values.action)) return pass();
    const listenerRef = referencesOf(resource, "listener_arn")[0];
    const listener: PlannedResource | undefined = listenerRef ? lookup(stack, listenerRef) : undefined;
    if (!listener)
      return unverified(
        `the listener (${listenerRef ?? show(resource.values.listener_arn)}) is not in this stack, so whether it is HTTP cannot be checked`,
      );
    if (!isHttp(listener.values.protocol)) return pass();
    return fail(
      `rule on HTTP listener ${listener.address} has action ${actionTypes(resource.values.action)}, not a redirect to HTTPS`,
    );
  },
  fix: 'Give HTTP listeners (and their rules) one action: redirect with protocol "HTTPS", port "443", status_code "HTTP_301".',
});
