#!/usr/bin/env bash
# Set up nianbao on a fresh Debian/Ubuntu machine.
#   bash scripts/setup.sh          installs nianbao (pip install .)
#   bash scripts/setup.sh --test   also LibreOffice, Gnumeric and Chromium (real engines for
#                                  the tests: other writers, recalculation, HTML layout)
#                                  and the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--test" ]; then
  if ! command -v soffice >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
     || ! command -v ssconvert >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq \
      libreoffice-calc-nogui chromium gnumeric poppler-utils fonts-noto-cjk >/dev/null
  fi
  python3 -m pip install -q --disable-pip-version-check -e '.[test]'
else
  python3 -m pip install -q --disable-pip-version-check .
fi
