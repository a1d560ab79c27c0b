/**
 * The HCL examples are what Terraform users copy: they are in `terraform fmt` style, and there is
 * one for every generated module.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { findTerraform } from "../terraform/toolchain.js";
import { TERRAFORM_MODULES } from "./example-plan.js";

const run = promisify(execFile);

test("every module has an example, and every example is terraform fmt clean", async () => {
  const modules = readdirSync(TERRAFORM_MODULES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "examples")
    .map((entry) => entry.name)
    .sort();
  const examples = readdirSync(join(TERRAFORM_MODULES, "examples")).sort();
  expect(modules.length).toBeGreaterThanOrEqual(6);
  expect(examples).toEqual(modules);
  const { path } = await findTerraform();
  // `fmt -check` exits 3 and lists the files that differ; the diff says how.
  const result = await run(
    path,
    ["fmt", "-check", "-recursive", "-diff", "-no-color", join(TERRAFORM_MODULES, "examples")],
    {
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
    },
  ).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "" }),
  );
  expect(result.stdout).toBe("");
  expect(result.code).toBe(0);
});
