/** KMS keys, Secrets Manager secrets, WAF web ACLs. */
import { blocks } from "../../policy/plan-model.js";
import { monthly, notPriced, type Pricer, usage } from "../line.js";

export const kmsKey: Pricer = (ctx) => [monthly(ctx, "customer managed key", "kms-key-month")];

export const secret: Pricer = (ctx) => [monthly(ctx, "secret", "secrets-manager-secret-month")];

/** Managed rule groups that carry their own subscription and request fees. */
const PAID_RULE_GROUPS = /BotControl|ATPRuleSet|ACFPRuleSet|AntiDDoS/;

export const webAcl: Pricer = (ctx) => {
  const rules = blocks(ctx.resource.values.rule);
  const paid = rules
    .flatMap((r) =>
      blocks(r.statement).flatMap((s) => blocks(s.managed_rule_group_statement).map((m) => String(m.name))),
    )
    .filter((name) => PAID_RULE_GROUPS.test(name));
  return [
    monthly(ctx, "web ACL", "waf-web-acl-month"),
    ...(rules.length
      ? [monthly(ctx, `rules and rule groups × ${rules.length}`, "waf-rule-month", rules.length, "rules")]
      : []),
    usage(ctx, "requests inspected", "requests_millions", "waf-requests-million", "million requests"),
    ...paid.map((name) =>
      notPriced(`${name} fees`, "intelligent threat mitigation fees are not in the price table"),
    ),
  ];
};
