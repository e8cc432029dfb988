#!/usr/bin/env bash
# Set up nianbao on a fresh Debian/Ubuntu machine.
#   bash scripts/setup.sh          installs nianbao with its portal (pip install '.[portal]')
#   bash scripts/setup.sh --test   also LibreOffice, Gnumeric, Chromium and PostgreSQL (real
#                                  engines for the tests: other writers, recalculation, HTML
#                                  layout and the portal in a browser, the portal's database)
#                                  and the test dependencies (Playwright drives Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--test" ]; then
  if ! command -v soffice >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
     || ! compgen -G "/usr/lib/libreoffice/program/libswlo.so" >/dev/null \
     || ! command -v ssconvert >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
     || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq \
      libreoffice-calc-nogui libreoffice-writer-nogui chromium gnumeric poppler-utils fonts-noto-cjk postgresql >/dev/null
  fi
  python3 -m pip install -q --disable-pip-version-check -e '.[test]'
else
  python3 -m pip install -q --disable-pip-version-check '.[portal]'
fi
