#!/usr/bin/env bash
# Says which digest REPOSITORY_URL:TAG has in ECR (output: digest=sha256:<hex>), whether this run
# pushed it or an earlier run did: what gets attested is the manifest the registry serves under the
# tag. It asks with BatchGetImage, as lookup.sh does (a role that may push has it). Runs after
# lookup.sh, which checked both inputs and logged in.
set -euo pipefail
: "${REPOSITORY_URL:?REPOSITORY_URL is empty}"
: "${TAG:?TAG is empty}"

registry="${REPOSITORY_URL%%/*}"
name="${REPOSITORY_URL#*/}"
region="$(cut -d. -f4 <<<"$registry")"

# The media types the action pushes (a multi-platform index, Docker or OCI flavour) and those of a
# single-platform image pushed before, so ECR returns the manifest as stored and its own digest,
# not a converted one (an index not accepted here would be refused, UnsupportedImageType).
if ! digest="$(aws ecr batch-get-image --region "$region" --repository-name "$name" \
  --image-ids "imageTag=$TAG" \
  --accepted-media-types application/vnd.oci.image.index.v1+json \
  application/vnd.docker.distribution.manifest.list.v2+json \
  application/vnd.docker.distribution.manifest.v2+json \
  application/vnd.oci.image.manifest.v1+json \
  --query 'images[0].imageId.imageDigest' --output text 2>&1)"; then
  echo "::error::aws ecr batch-get-image failed: $digest"
  exit 1
fi
if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::$name:$TAG has no sha256 digest in ECR (answer: '$digest')"
  exit 1
fi
echo "$name:$TAG is $digest"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
