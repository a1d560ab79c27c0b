#!/usr/bin/env bash
# Usage: plan-summary.sh <stack> <plan JSON file>   (the output of `terraform show -json <plan>`)
#
# The Markdown summary of a saved plan, in the same shape as release:plan's plan-summary.md
# (infra/release/terraform.ts): counts of managed resources to add, change and destroy, and every
# destroyed or replaced address in a warning block. For stacks release:plan does not handle
# (bootstrap).
set -euo pipefail

stack="${1:?usage: plan-summary.sh <stack> <plan.json>}"
plan="${2:?usage: plan-summary.sh <stack> <plan.json>}"

jq -r --arg stack "$stack" '
  [.resource_changes[]? | select(.mode == "managed") | .change.actions] as $actions
  | [.resource_changes[]? | select(.mode == "managed" and (.change.actions | index("delete")))
      | .address + (if (.change.actions | index("create")) then " (replaced)" else "" end)] as $destroyed
  | "### `\($stack)`: \([$actions[] | select(index("create"))] | length) to add, \([$actions[] | select(index("update"))] | length) to change, \($destroyed | length) to destroy",
    (if ($destroyed | length) > 0 then
      "", "> [!WARNING]", "> This plan destroys \($destroyed | length) resource(s):", ($destroyed[] | "> - `\(.)`")
    else empty end)
' "$plan"
