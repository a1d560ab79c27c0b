/**
 * The shell scripts the workflows call (.github/scripts/), run with bash and jq as on a runner and a
 * stand-in `gh` that answers from fixtures and records every call.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { REPOSITORY_ROOT } from "./workflows.js";

const scratch = mkdtempSync(join(tmpdir(), "github-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const script = (name: string) => join(REPOSITORY_ROOT, ".github/scripts", name);
const MARKER = "<!-- platform-kit:plan -->";

// Answers `gh api --paginate …/comments` and `gh issue list` by running the --jq filter over a
// fixture, like gh does; records each call (arguments separated by \x1f) and the bodies it sends.
const FAKE_GH = `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\x1f' "$@" >>"$GH_LOG"; echo >>"$GH_LOG"
filter=""; prev=""
for arg in "$@"; do
  [[ "$prev" == --jq ]] && filter="$arg"
  [[ "$arg" == body=@* ]] && cp "\${arg#body=@}" "$GH_SENT"
  [[ "$prev" == --body-file ]] && cp "$arg" "$GH_SENT"
  prev="$arg"
done
case "$1 \${2:-}" in
  "api --paginate") jq -r "$filter" "$GH_COMMENTS" ;;
  "issue list") jq -r "$filter" "$GH_ISSUES" ;;
  "api --method") echo "https://github.com/acme/platform/pull/7#issuecomment-99" ;;
esac
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[][];
  readonly sent?: string;
}

let runs = 0;
function run(
  name: string,
  args: string[],
  fixtures: { comments?: unknown; issues?: unknown; env?: Record<string, string> } = {},
): Run {
  const dir = join(scratch, `run-${runs++}`);
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "bin/gh"), FAKE_GH);
  chmodSync(join(dir, "bin/gh"), 0o755);
  writeFileSync(join(dir, "comments.json"), JSON.stringify(fixtures.comments ?? []));
  writeFileSync(join(dir, "issues.json"), JSON.stringify(fixtures.issues ?? []));
  writeFileSync(join(dir, "log"), "");
  const result = spawnSync("bash", [script(name), ...args], {
    encoding: "utf8",
    env: {
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      GH_LOG: join(dir, "log"),
      GH_SENT: join(dir, "sent"),
      GH_COMMENTS: join(dir, "comments.json"),
      GH_ISSUES: join(dir, "issues.json"),
      GITHUB_REPOSITORY: "acme/platform",
      RUN_URL: "https://github.com/acme/platform/actions/runs/1",
      ...fixtures.env,
    },
  });
  const calls = readFileSync(join(dir, "log"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\x1f").filter(Boolean));
  let sent: string | undefined;
  try {
    sent = readFileSync(join(dir, "sent"), "utf8");
  } catch {}
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, sent };
}

function file(name: string, content: string): string {
  const path = join(scratch, `${runs++}-${name}`);
  writeFileSync(path, content);
  return path;
}

describe("upsert-comment.sh", () => {
  const body = file("body.md", `${MARKER}\n## Terraform plan\n`);
  const bot = (id: number, text: string) => ({ id, user: { login: "github-actions[bot]" }, body: text });

  test("creates the comment when the pull request has none yet", () => {
    const result = run("upsert-comment.sh", ["7", MARKER, body], { comments: [bot(3, "unrelated")] });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.at(-1)).toEqual(
      expect.arrayContaining(["POST", "repos/acme/platform/issues/7/comments"]),
    );
    expect(result.sent).toBe(`${MARKER}\n## Terraform plan\n`);
  });

  test("edits the bot's earlier comment in place", () => {
    const result = run("upsert-comment.sh", ["7", MARKER, body], {
      comments: [bot(3, "unrelated"), bot(5, `${MARKER}\nold plan`)],
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.at(-1)).toEqual(
      expect.arrayContaining(["PATCH", "repos/acme/platform/issues/comments/5"]),
    );
  });

  test("never edits someone else's comment, even one quoting the marker", () => {
    const result = run("upsert-comment.sh", ["7", MARKER, body], {
      comments: [{ id: 4, user: { login: "mallory" }, body: `${MARKER} gotcha` }],
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.at(-1)).toEqual(expect.arrayContaining(["POST"]));
  });

  test("refuses a marker that is not a plain HTML comment", () => {
    const evil = '<!-- x" or true -->';
    const result = run("upsert-comment.sh", ["7", evil, file("evil.md", evil)]);
    expect(result.status).not.toBe(0);
    expect(result.calls).toEqual([]);
  });
});

describe("plan-summary.sh", () => {
  test("counts managed adds, changes and destroys and lists every destroyed or replaced address", () => {
    const plan = file(
      "plan.json",
      JSON.stringify({
        resource_changes: [
          { address: "aws_s3_bucket.new", mode: "managed", change: { actions: ["create"] } },
          { address: "aws_ecs_service.app", mode: "managed", change: { actions: ["update"] } },
          { address: "aws_db_instance.db", mode: "managed", change: { actions: ["delete", "create"] } },
          { address: "aws_sns_topic.old", mode: "managed", change: { actions: ["delete"] } },
          { address: "aws_vpc.main", mode: "managed", change: { actions: ["no-op"] } },
          { address: "data.aws_iam_policy_document.x", mode: "data", change: { actions: ["read"] } },
        ],
      }),
    );
    const result = run("plan-summary.sh", ["bootstrap", plan]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        "### `bootstrap`: 2 to add, 1 to change, 2 to destroy",
        "",
        "> [!WARNING]",
        "> This plan destroys 2 resource(s):",
        "> - `aws_db_instance.db (replaced)`",
        "> - `aws_sns_topic.old`",
        "",
      ].join("\n"),
    );
  });

  test("an empty plan has nothing to warn about", () => {
    const result = run("plan-summary.sh", [
      "dev",
      file("empty.json", JSON.stringify({ resource_changes: [] })),
    ]);
    expect(result.stdout).toBe("### `dev`: 0 to add, 0 to change, 0 to destroy\n");
  });
});

describe("plan-comment.sh", () => {
  function inputs(options: { cost?: string; policyExit?: number; huge?: boolean } = {}) {
    const dir = join(scratch, `comment-${runs++}`);
    mkdirSync(join(dir, "plans/plan-dev"), { recursive: true });
    mkdirSync(join(dir, "reports"), { recursive: true });
    const summary =
      "### `dev`: 1 to add, 0 to change, 1 to destroy\n\n> [!WARNING]\n> This plan destroys 1 resource(s):\n";
    writeFileSync(join(dir, "plans/plan-dev/plan-summary.md"), options.huge ? summary.repeat(2000) : summary);
    writeFileSync(
      join(dir, "reports/changes.json"),
      JSON.stringify({
        changed: ["dev"],
        added: ["staging"],
        removed: ["old"],
        unchanged: ["prod"],
        plan: ["dev", "staging"],
      }),
    );
    if (options.cost !== undefined) writeFileSync(join(dir, "reports/cost.md"), options.cost);
    if (options.policyExit !== undefined) {
      writeFileSync(
        join(dir, "reports/policy.txt"),
        "no violations\n\n38 rules on 452 resources in 2 stacks: 0 violations (0 high, 0 medium, 0 low)\nreports: x\n",
      );
      writeFileSync(join(dir, "reports/policy-exit"), `${options.policyExit}\n`);
    }
    return [join(dir, "plans"), join(dir, "reports")];
  }
  const env = { env: { HEAD_SHA: "0123456789abcdef0123456789abcdef01234567", PLAN_MARKER: MARKER } };

  test("starts with the marker and shows each planned stack's summary, destroys included", () => {
    const result = run("plan-comment.sh", inputs(), env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(MARKER);
    expect(result.stdout).toContain("## Terraform plan for `0123456`");
    expect(result.stdout).toContain("### `dev`: 1 to add, 0 to change, 1 to destroy");
    expect(result.stdout).toContain("> [!WARNING]");
  });

  test("flags a stack whose plan is missing, a removed stack, and lists the unchanged ones", () => {
    const { stdout } = run("plan-comment.sh", inputs(), env);
    expect(stdout).toContain("### `staging`: no plan");
    expect(stdout).toContain("> [!CAUTION]");
    expect(stdout).toContain("### `old`: removed from the app");
    expect(stdout).toContain("Unchanged (not planned): `prod`");
  });

  test("adds the cost difference and the policy result when they exist", () => {
    const passed = run(
      "plan-comment.sh",
      inputs({ cost: "| stack | before | after |\n", policyExit: 0 }),
      env,
    ).stdout;
    expect(passed).toContain("#### Monthly cost, base branch → this pull request (estimate)");
    expect(passed).toContain("| stack | before | after |");
    expect(passed).toContain("#### Policy: passed");
    expect(passed).toContain(
      "`38 rules on 452 resources in 2 stacks: 0 violations (0 high, 0 medium, 0 low)`",
    );
    expect(run("plan-comment.sh", inputs({ policyExit: 1 }), env).stdout).toContain("#### Policy: failed");
    const neither = run("plan-comment.sh", inputs(), env).stdout;
    expect(neither).not.toContain("#### Monthly cost");
    expect(neither).not.toContain("#### Policy");
  });

  test("stays under GitHub's comment size limit", () => {
    const { stdout } = run("plan-comment.sh", inputs({ huge: true }), env);
    expect(stdout.length).toBeLessThan(65_536);
    expect(stdout.startsWith(MARKER)).toBe(true);
    expect(stdout).toContain("cut at 60000 characters");
  });
});

describe("drift-issue.sh", () => {
  const plan = file(
    "drift.txt",
    "Note: Objects have changed outside of Terraform\n  ~ aws_security_group.app\n",
  );

  test("opens an issue, labelled drift, when a stack drifts", () => {
    const result = run("drift-issue.sh", ["prod", "drifted", plan]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.map((c) => c.slice(0, 2).join(" "))).toEqual([
      "label create",
      "issue list",
      "issue create",
    ]);
    expect(result.calls.at(-1)).toEqual(
      expect.arrayContaining(["--title", "Drift: prod", "--label", "drift"]),
    );
    expect(result.sent).toContain("aws_security_group.app");
  });

  test("updates the open issue while the drift lasts", () => {
    const result = run("drift-issue.sh", ["prod", "drifted", plan], {
      issues: [
        { number: 11, title: "Drift: staging" },
        { number: 12, title: "Drift: prod" },
      ],
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.at(-1)?.slice(0, 3)).toEqual(["issue", "edit", "12"]);
  });

  test("closes the issue once the stack is clean, and does nothing when there is none", () => {
    const closed = run("drift-issue.sh", ["prod", "clean", plan], {
      issues: [{ number: 12, title: "Drift: prod" }],
    });
    expect(closed.calls.at(-1)?.slice(0, 3)).toEqual(["issue", "close", "12"]);
    const quiet = run("drift-issue.sh", ["prod", "clean", plan]);
    expect(quiet.calls.map((c) => c.slice(0, 2).join(" "))).toEqual(["issue list"]);
  });
});
