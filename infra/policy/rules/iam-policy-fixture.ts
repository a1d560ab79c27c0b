/** An inline role policy for rule tests; resources embed ARNs known only at apply, as the modules' do. */
import { later, ref } from "../../plan/plan-fixture.js";

export function rolePolicy(statements: Array<Record<string, unknown>>) {
  return {
    address: "aws_iam_role_policy.p",
    values: {
      role: ref("aws_iam_role.task.name"),
      name: "p",
      policy: later(
        JSON.stringify({
          Version: "2012-10-17",
          Statement: statements.map((s) => ({ Effect: "Allow", ...s })),
        }),
      ),
    },
  };
}
