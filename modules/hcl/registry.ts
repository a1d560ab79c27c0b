/** Every Terraform module generated into `modules/terraform/`, in the order the README lists them. */
import type { HclModule } from "./hcl-module.js";
import { network } from "./network.js";

export const MODULES: readonly HclModule[] = [network];
