import { list, show, Unresolved } from "../../plan/plan-model.js";
import { defineRule, fail, pass, unverified } from "../rule.js";

export const rdsLogExports = defineRule({
  id: "CKV_AWS_129",
  title: "RDS exports its logs to CloudWatch",
  severity: "medium",
  resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
  check(db) {
    const exports = db.values.enabled_cloudwatch_logs_exports;
    if (exports instanceof Unresolved && exports.expression !== undefined)
      return unverified(`enabled_cloudwatch_logs_exports is ${show(exports)}`);
    const logs = list(exports instanceof Unresolved ? undefined : exports);
    if (logs.length === 0)
      return fail("enabled_cloudwatch_logs_exports is empty: database logs stay on the instance");
    const engine = db.values.engine;
    if (typeof engine === "string" && /postgres/.test(engine) && !logs.includes("postgresql"))
      return fail(
        `enabled_cloudwatch_logs_exports is ${show(logs)}: PostgreSQL's own log ("postgresql") is not exported`,
      );
    return pass();
  },
  fix: 'Set enabled_cloudwatch_logs_exports (["postgresql", "upgrade"] for PostgreSQL).',
});
