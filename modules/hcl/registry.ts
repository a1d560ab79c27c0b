/** Every Terraform module generated into `modules/terraform/`, in the order the README lists them. */
import { compute } from "./compute.js";
import { database } from "./database.js";
import { edge } from "./edge.js";
import type { HclModule } from "./hcl-module.js";
import { network } from "./network.js";
import { state } from "./state.js";
import { storage } from "./storage.js";

export const MODULES: readonly HclModule[] = [network, storage, database, compute, edge, state];
