/** What each Terraform module is: its folder, its README's words, and how it is built from a construct. */
import type { TerraformModuleStack } from "./module-stack.js";

/** One Terraform module generated from the package's constructs. */
export interface HclModule {
  /** Folder under `modules/terraform/`, and the module's name. */
  readonly name: string;
  /** The README's title line. */
  readonly title: string;
  /** The README's first paragraph: what the module builds. */
  readonly summary: string;
  /** A `module` block that plans with only the required variables set (and any worth showing). */
  readonly example: string;
  /** What differs from the TypeScript API, or what Terraform cannot express: listed in the README. */
  readonly limitations: readonly string[];
  /** Declares the variables, builds the construct from them, and declares the outputs. */
  build(stack: TerraformModuleStack): void;
}
