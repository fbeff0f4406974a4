#!/usr/bin/env bash
# Installs Debian's chromium for the Playwright tests when it is missing and we are allowed to.
set -eu
if [ -x /usr/bin/chromium ]; then exit 0; fi
"$(dirname "$0")/debian-install.sh" chromium ||
  echo "note: /usr/bin/chromium is missing and cannot be installed here; browser tests will skip." >&2
