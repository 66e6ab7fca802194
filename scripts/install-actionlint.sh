#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter) from the Go module proxy into
# ~/.cache/kafkaform/bin. Idempotent: does nothing when the pinned version is already there.
# Prints the binary's path on stdout (progress on stderr).
set -euo pipefail

VERSION="${ACTIONLINT_VERSION:-v1.7.7}"
BIN_DIR="${KAFKAFORM_CACHE_DIR:-$HOME/.cache/kafkaform}/bin"
TARGET="$BIN_DIR/actionlint-$VERSION"

if [[ -x "$TARGET" ]]; then
  echo "$TARGET"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-actionlint: go is not installed (needed to build actionlint from the Go module proxy)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "install-actionlint: building github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
# Move into place atomically so a concurrent run never sees a half-written binary.
mv "$tmp/actionlint" "$TARGET.partial.$$"
mv "$TARGET.partial.$$" "$TARGET"
ln -sfn "$TARGET" "$BIN_DIR/actionlint"
echo "$TARGET"
