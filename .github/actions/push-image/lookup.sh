#!/usr/bin/env bash
# Logs docker in to the ECR registry of REPOSITORY_URL and says whether TAG is already there
# (outputs: image=<repository>:<tag>, exists=true|false). Any error other than "no such image"
# fails the step: a denied DescribeImages must not look like a missing image.
set -euo pipefail
: "${REPOSITORY_URL:?REPOSITORY_URL is empty: set the repository variable ECR_REPOSITORY_URL}"
: "${TAG:?TAG is empty}"

if [[ ! "$TAG" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error::image tag must be a full commit sha, got '$TAG'"
  exit 1
fi
# <account>.dkr.ecr.<region>.amazonaws.com/<name>
registry="${REPOSITORY_URL%%/*}"
name="${REPOSITORY_URL#*/}"
region="$(cut -d. -f4 <<<"$registry")"
if [[ ! "$registry" =~ ^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$ || "$name" == "$REPOSITORY_URL" ]]; then
  echo "::error::ECR_REPOSITORY_URL '$REPOSITORY_URL' is not <account>.dkr.ecr.<region>.amazonaws.com/<name>"
  exit 1
fi

aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"

exists=false
if error="$(aws ecr describe-images --region "$region" --repository-name "$name" \
  --image-ids "imageTag=$TAG" --output text 2>&1 >/dev/null)"; then
  exists=true
  echo "$name:$TAG is already in ECR: reusing it"
elif [[ "$error" == *ImageNotFoundException* ]]; then
  echo "$name:$TAG is not in ECR yet: building it"
else
  echo "::error::aws ecr describe-images failed: $error"
  exit 1
fi
{
  echo "image=$REPOSITORY_URL:$TAG"
  echo "exists=$exists"
} >>"$GITHUB_OUTPUT"
