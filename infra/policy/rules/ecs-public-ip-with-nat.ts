import { isUnset, referencesIn, refersTo, show, Unresolved } from "../../plan/plan-model.js";
import { firstBlock, subnetsHaveNat } from "../context.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const ecsPublicIpWithNat = defineRule({
  id: "CKV_AWS_333",
  title: "ECS services get no public IP when a NAT gateway exists",
  severity: "medium",
  resourceTypes: ["aws_ecs_service"],
  check(service, stack) {
    const network = firstBlock(service.values.network_configuration);
    const assign = network.assign_public_ip;
    if (assign instanceof Unresolved && !isUnset(assign))
      return unverified(`assign_public_ip is ${show(assign)}`);
    if (assign !== true) return pass();
    const subnets = referencesIn(service.config.network_configuration).filter((r) =>
      refersTo(r, "aws_subnet"),
    );
    // Without NAT (dev's natMode "none") a public IP is how tasks reach ECR and AWS APIs.
    if (!subnetsHaveNat(stack, subnets)) return pass();
    return fail("assign_public_ip is true although the VPC routes private subnets through a NAT gateway");
  },
  fix: "Run the service in private subnets with assign_public_ip = false; the NAT gateway gives it outbound access.",
});
