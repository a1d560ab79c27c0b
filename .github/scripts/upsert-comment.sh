#!/usr/bin/env bash
# Usage: upsert-comment.sh <pull request number> <marker> <body file>
#
# Keeps ONE comment per pull request for a given purpose: the comment written by this workflow's
# bot whose body contains <marker> (an HTML comment, invisible when rendered) is edited in place;
# if there is none yet, one is created. Comments by anyone else are never touched, even if they
# quote the marker. Needs GH_TOKEN (pull-requests: write) and GITHUB_REPOSITORY.
set -euo pipefail

pr="${1:?usage: upsert-comment.sh <pr> <marker> <body file>}"
marker="${2:?usage: upsert-comment.sh <pr> <marker> <body file>}"
body="${3:?usage: upsert-comment.sh <pr> <marker> <body file>}"
: "${GITHUB_REPOSITORY:?}"
bot="${COMMENT_AUTHOR:-github-actions[bot]}"

if [[ ! "$pr" =~ ^[0-9]+$ ]]; then
  echo "upsert-comment: '$pr' is not a pull request number" >&2
  exit 1
fi
# The marker goes into a jq string below: only a plain HTML comment is accepted.
if [[ ! "$marker" =~ ^\<!--\ [A-Za-z0-9:._-]+\ --\>$ ]]; then
  echo "upsert-comment: marker must look like <!-- name:purpose -->, got '$marker'" >&2
  exit 1
fi
grep -qF -- "$marker" "$body" || {
  echo "upsert-comment: the body does not contain the marker $marker" >&2
  exit 1
}

# --paginate runs the filter per page; take the first match overall.
id="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments?per_page=100" \
  --jq ".[] | select(.user.login == \"$bot\" and (.body | contains(\"$marker\"))) | .id" | head -n 1)"

if [[ -n "$id" ]]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" --jq .html_url
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" --jq .html_url
fi
