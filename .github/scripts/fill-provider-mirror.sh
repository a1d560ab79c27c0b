#!/usr/bin/env bash
# Usage: fill-provider-mirror.sh <mirror dir> [cdktf outdir]
#
# Makes a Terraform provider mirror that `npm run plan:offline` finds (TF_PROVIDER_MIRROR): every
# provider the synthesised stacks require, in the unpacked layout
# <mirror>/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/ — the layout of
# Terraform's plugin cache, so `terraform init` with TF_PLUGIN_CACHE_DIR=<mirror> fills it.
# (`terraform providers mirror` writes the packed .zip layout, which plan:offline does not look for.)
# Providers already in the mirror are not downloaded again, so a restored cache makes this quick.
set -euo pipefail

mirror="${1:?usage: fill-provider-mirror.sh <mirror dir> [cdktf outdir]}"
outdir="${2:-cdktf.out}"
if [[ ! -d "$outdir/stacks" ]]; then
  echo "fill-provider-mirror: no synthesised stacks in $outdir/stacks: run npm run synth first" >&2
  exit 1
fi
mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One configuration that requires the union of every stack's providers (same versions or fail).
node --input-type=module - "$outdir/stacks" >"$work/providers.tf.json" <<'EOF'
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const providers = {};
for (const stack of readdirSync(dir)) {
  const file = join(dir, stack, "cdk.tf.json");
  if (!existsSync(file)) continue;
  const required = JSON.parse(readFileSync(file, "utf8")).terraform?.required_providers ?? {};
  for (const [name, spec] of Object.entries(required)) {
    const seen = providers[name];
    if (seen && JSON.stringify(seen) !== JSON.stringify(spec)) {
      console.error(`fill-provider-mirror: ${stack} requires ${name} ${JSON.stringify(spec)}, another stack ${JSON.stringify(seen)}`);
      process.exit(1);
    }
    providers[name] = spec;
  }
}
if (Object.keys(providers).length === 0) {
  console.error(`fill-provider-mirror: no required_providers in ${dir}/*/cdk.tf.json`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({ terraform: { required_providers: providers } }, null, 2));
EOF

TF_PLUGIN_CACHE_DIR="$mirror" terraform -chdir="$work" init -backend=false -input=false -no-color >"$work/init.log" ||
  { cat "$work/init.log" >&2; exit 1; }
echo "provider mirror $mirror:"
(cd "$mirror" && find . -mindepth 5 -maxdepth 5 | sed 's|^\./|  |')
