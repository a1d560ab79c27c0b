#!/usr/bin/env bash
# Logs docker in to the ECR registry of REPOSITORY_URL and says whether TAG is already there
# (outputs: image=<repository>:<tag>, exists=true|false). It asks with BatchGetImage, which a role
# that may push already has (ecr:DescribeImages it may not). Any answer other than the image or
# "ImageNotFound" fails the step: a denied call must not look like a missing image.
set -euo pipefail
: "${REPOSITORY_URL:?REPOSITORY_URL is empty: set the repository variable the workflow passes (ECR_REPOSITORY_URL or ECR_PREVIEW_REPOSITORY_URL)}"
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
  echo "::error::repository URL '$REPOSITORY_URL' is not <account>.dkr.ecr.<region>.amazonaws.com/<name>"
  exit 1
fi

aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"

# Answers "<tags found>|<failure codes>": "<TAG>|" when the image is there, "|ImageNotFound" when
# it is not, anything else is a failure (e.g. KmsError). The media types are the ones the API
# accepts, indexes first: the action pushes a multi-platform index (an index not accepted here
# would answer UnsupportedImageType). The backticks are JMESPath literals, not command
# substitutions.
# shellcheck disable=SC2016
if ! answer="$(aws ecr batch-get-image --region "$region" --repository-name "$name" \
  --image-ids "imageTag=$TAG" \
  --accepted-media-types application/vnd.oci.image.index.v1+json \
  application/vnd.docker.distribution.manifest.list.v2+json \
  application/vnd.docker.distribution.manifest.v2+json \
  application/vnd.oci.image.manifest.v1+json application/vnd.docker.distribution.manifest.v1+json \
  --query 'join(`"|"`, [join(`","`, images[].imageId.imageTag || `[]`), join(`","`, failures[].failureCode || `[]`)])' \
  --output text 2>&1)"; then
  echo "::error::aws ecr batch-get-image failed: $answer"
  exit 1
fi
if [[ "$answer" == "$TAG|" ]]; then
  exists=true
  echo "$name:$TAG is already in ECR: reusing it"
elif [[ "$answer" == "|ImageNotFound" ]]; then
  exists=false
  echo "$name:$TAG is not in ECR yet: building it"
else
  echo "::error::unexpected answer from aws ecr batch-get-image for $name:$TAG: $answer"
  exit 1
fi
{
  echo "image=$REPOSITORY_URL:$TAG"
  echo "exists=$exists"
} >>"$GITHUB_OUTPUT"
