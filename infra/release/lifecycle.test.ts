/**
 * The order of the lifecycle steps, read from a dry run's printed commands: what runs against AWS
 * and in which order is exactly what a reviewer sees in `--dry-run`. A release: migrate → apply →
 * ready; an environment's first release: apply (service at 0 tasks) → migrate → scale → ready.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadEnvironment } from "../environments/index.js";
import { previewDown, previewUp } from "./preview.js";
import { RELEASE_MANIFEST, readManifest, releaseApply, releasePlan } from "./release.js";
import { Runner, type RunOptions, type RunResult } from "./runner.js";

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
/** Runs a dry run without keeping its output. */
const quietly = <T>(run: (runner: Runner) => Promise<T>): Promise<T> => run(new Runner(true, () => {}));
/** The synthesised Terraform configuration of `stack` in `outdir`. */
const synthesised = (stack: string) =>
  JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
    resource: Record<string, Record<string, unknown>>;
  };
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

  test("apply migrates with the new image before applying exactly the saved plan, then waits for readiness", async () => {
    const commands = await record(async (runner) => {
      await releasePlan(runner, { stack: "staging", imageTag: "3f2c1a9", outdir, offlinePlan: false });
      await releaseApply(runner, { stack: "staging", imageTag: "3f2c1a9", outdir });
    });
    const register = indexOf(commands, /aws ecs register-task-definition .*acme-shared-app:3f2c1a9/);
    const migrate = indexOf(commands, /aws ecs run-task/);
    const apply = indexOf(commands, /terraform apply .*release\.tfplan$/);
    const check = indexOf(commands, /aws ecs describe-services .*services\[0\]\.desiredCount/);
    const stable = indexOf(commands, /aws ecs wait services-stable/);
    expect(register).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(apply);
    expect(apply).toBeLessThan(check);
    expect(check).toBeLessThan(stable);
    // The service already runs tasks: nothing scales it.
    expect(commands.filter((c) => /aws ecs update-service/.test(c))).toEqual([]);
    expect(commands.filter((c) => /aws ecs run-task/.test(c))).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(join(outdir, "stacks", "staging", RELEASE_MANIFEST), "utf8"));
    expect(manifest).toEqual({ stack: "staging", imageTag: "3f2c1a9", firstRelease: false, desiredCount: 2 });
  });

  test("a first release plans the service with 0 tasks and no autoscaling; a later one with its configured count and autoscaling", async () => {
    const service = () =>
      synthesised("dev").resource.aws_ecs_service as Record<
        string,
        { desired_count: number; lifecycle?: unknown }
      >;
    const scaling = () => Object.keys(synthesised("dev").resource.aws_appautoscaling_target ?? {});
    const summary = await quietly((runner) =>
      releasePlan(runner, {
        stack: "dev",
        imageTag: "3f2c1a9",
        outdir,
        offlinePlan: false,
        dryRunFirstRelease: true,
      }),
    );
    expect(Object.values(service()).map((s) => s.desired_count)).toEqual([0]);
    expect(Object.values(service())[0]?.lifecycle).toBeUndefined();
    expect(scaling()).toEqual([]);
    expect(summary).toContain("First release of `dev`");
    expect(
      readManifest(join(outdir, "stacks", "dev"), { stack: "dev", imageTag: "3f2c1a9", outdir }),
    ).toEqual({
      stack: "dev",
      imageTag: "3f2c1a9",
      firstRelease: true,
      desiredCount: loadEnvironment("dev").service.desiredCount,
    });

    const later = await quietly((runner) =>
      releasePlan(runner, { stack: "dev", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    expect(Object.values(service()).map((s) => s.desired_count)).toEqual([
      loadEnvironment("dev").service.desiredCount,
    ]);
    // Autoscaling owns the count from then on: a plan never sets the service back.
    expect(Object.values(service())[0]?.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    expect(scaling()).toHaveLength(1);
    expect(later).not.toContain("First release");
  });

  test("a first release applies (creating the database and an idle service), migrates, then starts the service, then waits", async () => {
    const commands = await record(async (runner) => {
      await releasePlan(runner, {
        stack: "prod",
        imageTag: "3f2c1a9",
        outdir,
        offlinePlan: false,
        dryRunFirstRelease: true,
      });
      await releaseApply(runner, { stack: "prod", imageTag: "3f2c1a9", outdir });
    });
    const plan = indexOf(commands, /terraform plan .*-out=release\.tfplan/);
    const apply = indexOf(commands, /terraform apply .*release\.tfplan$/);
    const migrate = indexOf(commands, /aws ecs run-task .*--task-definition/);
    const scale = indexOf(
      commands,
      new RegExp(
        `aws ecs update-service .* --desired-count ${loadEnvironment("prod").service.desiredCount} `,
      ),
    );
    const stable = indexOf(commands, /aws ecs wait services-stable/);
    expect(plan).toBeLessThan(apply);
    expect(apply).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(scale);
    expect(scale).toBeLessThan(stable);
    // Nothing to migrate before the apply: no database yet, no task definition to copy.
    expect(commands.some((c) => /aws ecs register-task-definition/.test(c))).toBe(false);
    expect(commands.filter((c) => /aws ecs run-task/.test(c))).toHaveLength(1);
  });

  test("a release that finds the service at 0 tasks (a first release stopped before its scale step) starts it after migrating and applying", async () => {
    /** ECS answers that the service is set to run no task. */
    class IdleService extends Runner {
      override async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
        const result = await super.run(command, options);
        return command.includes("describe-services") ? { ...result, stdout: "0\n" } : result;
      }
    }
    const lines: string[] = [];
    const runner = new IdleService(true, (line) => lines.push(line));
    await releasePlan(runner, { stack: "staging", imageTag: "3f2c1a9", outdir, offlinePlan: false });
    await releaseApply(runner, { stack: "staging", imageTag: "3f2c1a9", outdir });
    const commands = lines.filter((l) => l.trim().startsWith("$")).map((l) => l.trim());
    const migrate = indexOf(commands, /aws ecs run-task/);
    const apply = indexOf(commands, /terraform apply .*release\.tfplan\)$/);
    const check = indexOf(commands, /aws ecs describe-services/);
    const scale = indexOf(
      commands,
      new RegExp(
        `aws ecs update-service .* --desired-count ${loadEnvironment("staging").service.desiredCount} `,
      ),
    );
    const stable = indexOf(commands, /aws ecs wait services-stable/);
    expect([migrate, apply, check, scale, stable]).toEqual(
      [migrate, apply, check, scale, stable].sort((a, b) => a - b),
    );
  });

  test("apply refuses a first release's plan once the stack has outputs (applied since): migrating nothing, applying nothing", async () => {
    /** The stack's state has outputs, as after an apply. */
    class Applied extends Runner {
      override async run(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
        const result = await super.run(command, options);
        if (command.join(" ") !== "terraform output -json") return result;
        const outputs = {
          url: "https://example.com",
          cluster_arn: "arn:aws:ecs:us-east-1:123456789012:cluster/acme-dev-cluster",
          service_name: "acme-dev-app",
          migration_task_definition_arn:
            "arn:aws:ecs:us-east-1:123456789012:task-definition/acme-dev-app-migrate:1",
          run_task_network: {
            awsvpcConfiguration: {
              subnets: ["subnet-1"],
              securityGroups: ["sg-1"],
              assignPublicIp: "DISABLED",
            },
          },
        };
        const json = Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value }]));
        return { ...result, stdout: JSON.stringify(json) };
      }
    }
    const options = { stack: "dev", imageTag: "3f2c1a9", outdir };
    await quietly((runner) =>
      releasePlan(runner, { ...options, offlinePlan: false, dryRunFirstRelease: true }),
    );
    const lines: string[] = [];
    await expect(releaseApply(new Applied(true, (line) => lines.push(line)), options)).rejects.toThrow(
      "the saved plan is for the stack's first release, but the stack has outputs now",
    );
    expect(lines.filter((l) => /\$ .*(aws ecs|terraform apply)/.test(l))).toEqual([]);
  });

  test("apply refuses a plan made for another image, or no plan at all", async () => {
    await quietly((runner) =>
      releasePlan(runner, { stack: "staging", imageTag: "3f2c1a9", outdir, offlinePlan: false }),
    );
    await expect(
      quietly((runner) => releaseApply(runner, { stack: "staging", imageTag: "aaaaaaa", outdir })),
    ).rejects.toThrow("the saved plan is for staging at 3f2c1a9, not staging at aaaaaaa");
    const empty = mkdtempSync(join(tmpdir(), "lifecycle-empty-"));
    try {
      await expect(
        quietly((runner) => releaseApply(runner, { stack: "staging", imageTag: "3f2c1a9", outdir: empty })),
      ).rejects.toThrow("run release:plan first");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("apply's migration names the application role, so a service that signs in as it finds it", async () => {
    const commands = await record(async (runner) => {
      await releasePlan(runner, { stack: "prod", imageTag: "3f2c1a9", outdir, offlinePlan: false });
      await releaseApply(runner, { stack: "prod", imageTag: "3f2c1a9", outdir });
    });
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
