/**
 * npm run web:publish -- [--dry-run] [--bucket <name>] [--distribution <id>] [--stack <env>]
 *
 * Publishes the web front end (service/web/dist, built first when missing) to an environment's
 * static-assets bucket behind CloudFront: hashed assets (immutable, a year) before index.html
 * (no-cache), then invalidates index.html on the distribution. `--stack dev` reads the bucket and
 * distribution from that stack's outputs (`assets_bucket`, `distribution_id`; terraform output in
 * cdktf.out/stacks/dev). `--dry-run` prints every object and the invalidation command, touching no AWS.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { Runner } from "../infra/release/runner.js";
import { readOutputs } from "../infra/release/terraform.js";
import { WEB_OUTPUTS } from "../infra/stacks/stack-outputs.js";
import { defaultWebOutDir, ensureWebBuilt, formatBuildReport } from "../service/web/build.js";
import { assetObjects, invalidationPaths, uploadAssetObjects } from "../service/web/publish.js";
import { runMain } from "./cli/main.js";
import { formatTable } from "./cli/table.js";

const usage =
  "usage: npm run web:publish -- [--dry-run] [--bucket <name>] [--distribution <id>] [--stack <env>] [--outdir cdktf.out]";
const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    bucket: { type: "string" },
    distribution: { type: "string" },
    stack: { type: "string" },
    outdir: { type: "string", default: "cdktf.out" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

await runMain("web:publish", async () => {
  const dryRun = values["dry-run"];
  const runner = new Runner(dryRun);

  let bucket = values.bucket;
  let distribution = values.distribution;
  if (values.stack && (!bucket || !distribution)) {
    runner.step(`read the outputs of stack ${values.stack}`);
    const stackOutputs = await readOutputs(
      runner,
      path.join(values.outdir, "stacks", values.stack),
      values.stack,
      WEB_OUTPUTS,
      {
        assets_bucket: `<assets_bucket of ${values.stack}>`,
        distribution_id: `<distribution_id of ${values.stack}>`,
      },
    );
    bucket ??= stackOutputs?.assets_bucket;
    distribution ??= stackOutputs?.distribution_id;
  }
  if (!bucket && !dryRun) {
    throw new Error(
      `give --bucket <assets bucket> (the stack output assets_bucket) or --stack <env>\n${usage}`,
    );
  }

  runner.step("build the front end (when service/web/dist is missing)");
  const built = await ensureWebBuilt(defaultWebOutDir);
  if (built) runner.note(`built:\n${formatBuildReport(built).replace(/^/gm, "  ")}`);
  else runner.note("service/web/dist is already built; using it");

  const objects = await assetObjects(defaultWebOutDir);
  const target = bucket ?? "<assets bucket>";
  runner.step(
    `${dryRun ? "would upload" : "upload"} ${objects.length} objects to s3://${target}/ (hashed assets first, index.html last)`,
  );
  console.log(
    formatTable(
      ["key", "bytes", "content type", "cache control"],
      objects.map((object) => [object.key, object.size, object.contentType, object.cacheControl]),
    )
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n"),
  );
  if (!dryRun && bucket) {
    // Region and credentials from the environment (AWS_REGION, the CI role), as the AWS CLI would.
    const s3 = new S3Client({});
    await uploadAssetObjects(s3, bucket, objects, (object) => runner.note(`uploaded ${object.key}`));
  }

  runner.step("invalidate index.html on the CloudFront distribution");
  if (!distribution && !dryRun) {
    runner.note(
      "no --distribution given: skipped (index.html is no-cache, so edges revalidate it after the cache policy's 1 s minimum TTL anyway)",
    );
    return;
  }
  await runner.run([
    "aws",
    "cloudfront",
    "create-invalidation",
    "--distribution-id",
    distribution ?? "<distribution id>",
    "--paths",
    ...invalidationPaths,
  ]);
});
