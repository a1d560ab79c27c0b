import { isUnset, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

/**
 * Instances answer instance metadata only to IMDSv2 (session tokens), which a server-side request
 * forgery cannot obtain with a plain GET; or they have no metadata endpoint at all. A launch template
 * or instance that leaves `http_tokens` unset gets IMDSv1 unless the AMI or account says otherwise.
 */
export const ec2Imdsv2 = defineRule({
  id: "CKV_AWS_79",
  title: "EC2 instances and launch templates require IMDSv2",
  severity: "high",
  resourceTypes: ["aws_launch_template", "aws_instance"],
  check(resource) {
    const options = firstBlock(resource.values.metadata_options);
    const tokens = options.http_tokens;
    if (tokens === "required" || options.http_endpoint === "disabled") return pass();
    for (const value of [tokens, options.http_endpoint]) {
      if (value instanceof Unresolved && !isUnset(value))
        return unverified(`metadata_options.http_tokens is ${show(tokens)}`);
    }
    return fail(
      `metadata_options.http_tokens is ${isUnset(tokens) ? "not set (IMDSv1 allowed)" : show(tokens)}`,
    );
  },
  fix: 'Add metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } (the compute module\'s Ec2Capacity has it).',
});
