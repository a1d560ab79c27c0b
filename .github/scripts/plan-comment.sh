#!/usr/bin/env bash
# Usage: plan-comment.sh <plans dir> <reports dir>   > comment.md
#
# The body of plan.yml's pull request comment:
#   <plans dir>/plan-<stack>/plan-summary.md  one per planned stack (the plan jobs' artifacts)
#   <reports dir>/changes.json                which stacks changed (scripts/changed-stacks.ts)
#   <reports dir>/cost.md                     monthly cost difference, base → pull request (optional)
#   <reports dir>/policy.txt, policy-exit     npm run check on the pull request's offline plans (optional)
# Environment: HEAD_SHA, RUN_URL (links), PLAN_MARKER (first line, how the comment is found again).
set -euo pipefail

plans="${1:?usage: plan-comment.sh <plans dir> <reports dir>}"
reports="${2:?usage: plan-comment.sh <plans dir> <reports dir>}"
marker="${PLAN_MARKER:-<!-- platform-kit:plan -->}"
max_chars=60000 # GitHub refuses comments over 65,536 characters

changes="$reports/changes.json"
[[ -f "$changes" ]] || {
  echo "plan-comment: $changes is missing" >&2
  exit 1
}
mapfile -t planned < <(jq -r '.plan[]' "$changes")
mapfile -t removed < <(jq -r '.removed[]' "$changes")
mapfile -t unchanged < <(jq -r '.unchanged[]' "$changes")

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
{
  echo "$marker"
  echo "## Terraform plan for \`${HEAD_SHA:0:7}\`"
  echo
  if ((${#planned[@]} == 0)); then
    echo "No stack's synthesised configuration changes: nothing to plan."
  fi
  for stack in "${planned[@]}"; do
    summary="$plans/plan-$stack/plan-summary.md"
    if [[ -f "$summary" ]]; then
      cat "$summary"
    else
      echo "### \`$stack\`: no plan"
      echo
      echo "> [!CAUTION]"
      echo "> The plan of \`$stack\` failed or did not run: see the [workflow run]($RUN_URL)."
    fi
    echo
  done
  for stack in "${removed[@]}"; do
    echo "### \`$stack\`: removed from the app"
    echo
    echo "> [!WARNING]"
    echo "> This pull request removes the stack \`$stack\`. Nothing destroys its resources automatically: run \`terraform destroy\` in it by hand, or keep the stack."
    echo
  done
  if ((${#unchanged[@]} > 0)); then
    # shellcheck disable=SC2016 # the backticks are Markdown code spans, not command substitution
    printf 'Unchanged (not planned): %s\n\n' "$(printf '`%s` ' "${unchanged[@]}")"
  fi

  if [[ -s "$reports/cost.md" ]]; then
    echo "#### Monthly cost, base branch → this pull request (estimate)"
    echo
    cat "$reports/cost.md"
    echo
  fi
  if [[ -f "$reports/policy.txt" ]]; then
    if [[ "$(cat "$reports/policy-exit" 2>/dev/null || echo 1)" == 0 ]]; then
      echo "#### Policy: passed"
    else
      echo "#### Policy: failed"
      echo
      echo "> [!CAUTION]"
      echo "> Unsuppressed high-severity violations or invalid suppressions: \`npm run check\` fails. Details in the [workflow run]($RUN_URL)."
    fi
    echo
    # npm run check's one-line summary: "<n> rules on <n> resources in <n> stacks: ...".
    summary_line="$(grep -E '^[0-9]+ rules on ' "$reports/policy.txt" | tail -n 1 || true)"
    echo "\`${summary_line:-$(tail -n 1 "$reports/policy.txt")}\`"
    echo
  fi
  echo "<sub>[Workflow run]($RUN_URL). Saved plans are kept as the run's \`plan-<stack>\` artifacts. This comment is updated on every push.</sub>"
} >"$body"

if (($(wc -c <"$body") > max_chars)); then
  head -c "$max_chars" "$body"
  printf '\n\n… cut at %d characters: the full summaries are in the [workflow run](%s).\n' "$max_chars" "$RUN_URL"
else
  cat "$body"
fi
