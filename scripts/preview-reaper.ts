/**
 * npm run preview:reaper -- --open-prs '[12, 15]' [--dry-run] [--previews '<json>'] [--now <ISO time>]
 *
 * Destroys every preview whose pull request is not in --open-prs or whose ExpiresAt tag has passed:
 * the safety net for a missed "closed" event. Previews are found by their tags (Preview=true) and by
 * their state objects. --previews '[{"prNumber":7,"expiresAt":"2026-11-30T00:00:00Z"}]' replaces that
 * lookup (for dry runs and tests).
 */
import { parseArgs } from "node:util";
import { StateBackend } from "@aws-platform-kit/modules/state";
import { PREVIEW_TAG, previewStateKeyPrefix } from "../infra/environments/preview.js";
import { bootstrapNaming, project } from "../infra/environments/project.js";
import { previewDown } from "../infra/release/preview.js";
import {
  type LivePreview,
  parseOpenPullRequests,
  previewsFromStateKeys,
  previewsFromTags,
  selectPreviewsToReap,
} from "../infra/release/reaper.js";
import { Runner } from "../infra/release/runner.js";
import { runMain } from "./cli/main.js";
import { formatTable } from "./cli/table.js";

const { values } = parseArgs({
  options: {
    "open-prs": { type: "string" },
    previews: { type: "string" },
    now: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    outdir: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || values["open-prs"] === undefined) {
  console.log(
    "usage: npm run preview:reaper -- --open-prs '[12, 15]' [--dry-run] [--previews '<json>'] [--now <ISO>]",
  );
  process.exit(values.help ? 0 : 1);
}

await runMain("preview:reaper", async () => {
  const open = parseOpenPullRequests(values["open-prs"] as string);
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`--now: "${values.now}" is not a date`);
  const runner = new Runner(values["dry-run"]);

  let previews: LivePreview[];
  if (values.previews) {
    previews = JSON.parse(values.previews) as LivePreview[];
  } else {
    runner.step("find previews: resources tagged Preview=true, and state objects under <project>/preview/");
    const tagged = await runner.run(
      [
        "aws",
        "resourcegroupstaggingapi",
        "get-resources",
        "--tag-filters",
        `Key=${PREVIEW_TAG.key},Values=${PREVIEW_TAG.value}`,
        `Key=Project,Values=${project.name}`,
        "--resource-type-filters",
        "ecs:service",
        "s3:bucket",
      ],
      { capture: true, dryRunOutput: "{}" },
    );
    const { bucket } = StateBackend.names(bootstrapNaming());
    const keys = await runner.run(
      [
        "aws",
        "s3api",
        "list-objects-v2",
        "--bucket",
        bucket,
        "--prefix",
        previewStateKeyPrefix(project.name),
        "--query",
        "Contents[].Key",
      ],
      { capture: true, dryRunOutput: "[]" },
    );
    previews = [
      ...previewsFromTags(JSON.parse(tagged.stdout || "{}")),
      ...previewsFromStateKeys((JSON.parse(keys.stdout || "null") as string[] | null) ?? [], project.name),
    ];
  }

  const doomed = selectPreviewsToReap(previews, open, now);
  console.log(
    `\n${new Set(previews.map((p) => p.prNumber)).size} preview(s) found, ${open.length} pull request(s) open, ${doomed.length} to destroy`,
  );
  if (doomed.length)
    console.log(
      formatTable(
        ["pull request", "reason"],
        doomed.map((d) => [`#${d.prNumber}`, d.reason]),
      ),
    );
  const failures: string[] = [];
  for (const { prNumber } of doomed) {
    try {
      await previewDown(runner, { prNumber, outdir: values.outdir });
    } catch (error) {
      // One stuck preview must not keep the others alive: report it and go on.
      failures.push(`#${prNumber}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length)
    throw new Error(`could not destroy ${failures.length} preview(s):\n  ${failures.join("\n  ")}`);
});
