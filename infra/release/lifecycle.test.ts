/**
 * The order of the lifecycle steps, read from a dry run's printed commands: what runs against AWS
 * and in which order is exactly what a reviewer sees in `--dry-run`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { previewDown, previewUp } from "./preview.js";
import { releaseApply, releasePlan } from "./release.js";
import { Runner } from "./runner.js";

const outdir = mkdtempSync(join(tmpdir(), "lifecycle-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

async function record(run: (runner: Runner) => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  await run(new Runner(true, (line) => lines.push(line)));
  return lines
    .filter((l) => l.trim().startsWith("$"))
    .map((l) =>
      l
        .trim()
        .slice(2)
        .replace(/^\(cd \S+ && (.*)\)$/, "$1"),
    );
}
const indexOf = (commands: string[], pattern: RegExp) => {
  const index = commands.findIndex((c) => pattern.test(c));
  expect(index, `no command matches ${pattern}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("preview:up", () => {
  test("applies the plan it made, then migrates, then waits for a stable service", async () => {
    const commands = await record((runner) =>
      previewUp(runner, { prNumber: 31, imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    const plan = indexOf(commands, /terraform plan .*-out=preview\.tfplan/);
    const apply = indexOf(commands, /terraform apply .*preview\.tfplan$/);
    const migrate = indexOf(commands, /aws ecs run-task .*--task-definition/);
    const stable = indexOf(commands, /aws ecs wait services-stable .*acme-pr-31-app/);
    expect(plan).toBeLessThan(apply);
    expect(apply).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(stable);
    expect(commands.some((c) => /terraform apply(?! .*\.tfplan)/.test(c))).toBe(false);
  });
});

describe("preview:down", () => {
  test("drops the schema while the migration task exists, destroys, then removes the state", async () => {
    const commands = await record((runner) =>
      previewDown(runner, { prNumber: 31, outdir, offlinePlan: false }),
    );
    const drop = indexOf(commands, /aws ecs run-task .*db-drop-schema\.js/);
    const destroyPlan = indexOf(commands, /terraform plan .*-destroy .*-out=destroy\.tfplan/);
    const destroy = indexOf(commands, /terraform apply .*destroy\.tfplan$/);
    const state = indexOf(
      commands,
      /aws s3 rm s3:\/\/acme-bootstrap-tfstate-123456789012-us-east-1\/acme\/preview\/pr-31\/terraform\.tfstate$/,
    );
    const lock = indexOf(commands, /aws dynamodb delete-item .*acme\/preview\/pr-31\/terraform\.tfstate-md5/);
    expect(drop).toBeLessThan(destroyPlan);
    expect(destroyPlan).toBeLessThan(destroy);
    expect(destroy).toBeLessThan(state);
    expect(state).toBeLessThan(lock);
  });
});

describe("release of an environment", () => {
  test("plan saves release.tfplan and a summary beside the stack", async () => {
    const commands = await record((runner) =>
      releasePlan(runner, { stack: "staging", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    indexOf(commands, /terraform plan .*-out=release\.tfplan/);
    expect(readFileSync(join(outdir, "stacks", "staging", "plan-summary.md"), "utf8")).toContain("`staging`");
  });

  test("plans take no state lock: the read-only plan role may write none (applying the saved plan locks)", async () => {
    const commands = await record((runner) =>
      releasePlan(runner, { stack: "prod", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    const plans = commands.filter((c) => /^terraform plan /.test(c));
    expect(plans.length).toBe(1);
    for (const plan of plans) expect(plan).toContain("-lock=false");
  });

  test("apply migrates with the new image before applying exactly the saved plan", async () => {
    const commands = await record((runner) =>
      releaseApply(runner, { stack: "staging", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    const register = indexOf(commands, /aws ecs register-task-definition .*acme-shared-app:3f2c1a9/);
    const migrate = indexOf(commands, /aws ecs run-task/);
    const apply = indexOf(commands, /terraform apply .*release\.tfplan$/);
    const stable = indexOf(commands, /aws ecs wait services-stable/);
    expect(register).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(apply);
    expect(apply).toBeLessThan(stable);
  });

  test("apply's migration names the application role, so a service that signs in as it finds it", async () => {
    const commands = await record((runner) =>
      releaseApply(runner, { stack: "prod", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    const runTask = commands[indexOf(commands, /aws ecs run-task/)] as string;
    const overrides = /--overrides '([^']+)'/.exec(runTask)?.[1];
    expect(JSON.parse(overrides ?? "null")).toEqual({
      containerOverrides: [{ name: "app", environment: [{ name: "DATABASE_APP_ROLE", value: "app" }] }],
    });
  });

  test("only environment stacks can be released", async () => {
    await expect(
      releasePlan(new Runner(true, () => {}), { stack: "bootstrap", imageTag: "3f2c1a9", outdir }),
    ).rejects.toThrow('release: "bootstrap" is not an environment stack');
  });
});
