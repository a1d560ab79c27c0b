/** Inputs and wiring every Terraform module shares: `name`, the naming built on it, ids of `for_each` resources. */
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region/index.js";
import { Lazy } from "cdktf";
import { Naming } from "../naming/naming.js";
import { maxLength, namePrefix } from "./conditions.js";
import type { TerraformModuleStack } from "./module-stack.js";

/** The limitation every module whose constructs write ARNs by hand lists. */
export const AWS_PARTITION_ONLY =
  "ARNs the module writes use the `aws` partition, as the TypeScript constructs do: not for AWS China or GovCloud.";

/**
 * The `name` variable and a `Naming` on it: every resource is named `<name>-<thing>`. The region
 * comes from the `aws_region` data source (the provider's own setting: no AWS call), the account
 * from `accountId`, a reference to a resource attribute that holds it (a VPC's `owner_id`), since
 * looking it up would need credentials at plan. Call `limitNameLength` once the construct is built.
 */
export function moduleNaming(stack: TerraformModuleStack, what: string, accountId: () => string): Naming {
  const name = stack.variable("name", {
    type: "string",
    description: `The start of every name the module gives (\`<name>-<thing>\`), e.g. \`payments-prod\`: names the ${what}.`,
    rules: [namePrefix("var.name")],
  });
  const region = new DataAwsRegion(stack, "region");
  region.overrideLogicalId("current");
  return Naming.fromPrefix({
    prefix: name.stringValue,
    accountId: Lazy.stringValue({ produce: () => accountId() }),
    region: region.name,
  });
}

/** Adds the `name` length rule: the longest name the construct made must fit its AWS limit. */
export function limitNameLength(stack: TerraformModuleStack, naming: Naming): void {
  const limit = naming.prefixLimit;
  if (!limit) return;
  const longest = limit.name.replace("<prefix>", "<name>");
  stack.rule("name", maxLength("var.name", limit.maxLength, `${longest} must fit AWS's limit`));
}
