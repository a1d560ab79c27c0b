#!/usr/bin/env bash
# Usage: drift-issue.sh <stack> <clean|drifted> <plan output file>
#
# Keeps one open issue per drifted stack, titled "Drift: <stack>" and labelled `drift`: creates it
# when a stack drifts, rewrites its body with the latest plan while the drift lasts, and closes it
# with a comment once the stack is clean again. Needs GH_TOKEN (issues: write), GITHUB_REPOSITORY
# and RUN_URL.
set -euo pipefail

stack="${1:?usage: drift-issue.sh <stack> <clean|drifted> <plan output>}"
status="${2:?usage: drift-issue.sh <stack> <clean|drifted> <plan output>}"
plan="${3:?usage: drift-issue.sh <stack> <clean|drifted> <plan output>}"
: "${GITHUB_REPOSITORY:?}" "${RUN_URL:?}"
label=drift
title="Drift: $stack"
max_plan_chars=55000 # an issue body holds at most 65,536 characters

if [[ ! "$stack" =~ ^[a-z0-9-]+$ ]]; then
  echo "drift-issue: '$stack' is not a stack name" >&2
  exit 1
fi

open_issue() {
  gh issue list --repo "$GITHUB_REPOSITORY" --state open --label "$label" --limit 100 \
    --json number,title --jq ".[] | select(.title == \"$title\") | .number" | head -n 1
}

case "$status" in
  drifted)
    gh label create "$label" --repo "$GITHUB_REPOSITORY" --color D93F0B \
      --description "Infrastructure changed outside Terraform (drift.yml)" --force >/dev/null
    body="$(mktemp)"
    trap 'rm -f "$body"' EXIT
    {
      echo "The nightly drift check found resources of \`$stack\` that differ from its Terraform state"
      echo "(\`terraform plan -refresh-only\`, [run]($RUN_URL), $(date -u +%Y-%m-%dT%H:%MZ))."
      echo
      echo "Either make the code match what was changed by hand and deploy it, or deploy main again to"
      echo "put the resources back. This issue closes itself once a nightly check finds no drift."
      echo
      echo '````text'
      if (($(wc -c <"$plan") > max_plan_chars)); then
        head -c "$max_plan_chars" "$plan"
        echo
        echo "… cut: the full plan is in the run's drift-$stack artifact."
      else
        cat "$plan"
      fi
      echo '````'
    } >"$body"
    number="$(open_issue)"
    if [[ -n "$number" ]]; then
      gh issue edit "$number" --repo "$GITHUB_REPOSITORY" --body-file "$body" >/dev/null
      echo "updated issue #$number ($title)"
    else
      gh issue create --repo "$GITHUB_REPOSITORY" --title "$title" --label "$label" --body-file "$body"
    fi
    ;;
  clean)
    number="$(open_issue)"
    if [[ -n "$number" ]]; then
      gh issue close "$number" --repo "$GITHUB_REPOSITORY" \
        --comment "No drift in \`$stack\` any more ([run]($RUN_URL)): closing."
      echo "closed issue #$number ($title)"
    else
      echo "$stack: no drift"
    fi
    ;;
  *)
    echo "drift-issue: status must be clean or drifted, got '$status'" >&2
    exit 1
    ;;
esac
