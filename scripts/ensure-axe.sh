#!/usr/bin/env bash
# axe-core (the accessibility rules engine) for the browser tests, from the npm registry, pinned, into
# var/axe-core/. tests/test_accessibility.py injects its axe.min.js into each page Playwright opens.
set -eu
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
target=var/axe-core
installed=$target/node_modules/axe-core/package.json
if [ -f "$installed" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$installed"; then exit 0; fi
if ! command -v npm >/dev/null && ! scripts/debian-install.sh npm; then
  echo "note: npm is missing and cannot be installed here; the accessibility tests will skip." >&2
  exit 0
fi
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION"
