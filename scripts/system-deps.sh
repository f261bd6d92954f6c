#!/usr/bin/env bash
# Checks the Debian packages Beffroi needs and installs the missing ones when
# run as root. Usage: scripts/system-deps.sh runtime|test|bench
#   runtime: what `make demo` needs (Python venv, Pango for PDF rendering,
#            Tesseract and Ghostscript for OCR).
#   test:    runtime + Chromium for browser tests + Node.js/npm for axe-core
#            + Java for the Nu Html Checker (vnu, from npm)
#            + Dovecot (a real IMAP server the mail register's tests start)
#            + Redis (the shared cache's tests start their own server)
#            + poppler-utils (pdfsig checks the seal of issued documents)
#            + SoftHSM2 (the PKCS#11 token of the seal's tests).
#   test and bench also build the production server (uWSGI, compiled at
#            install): a C compiler and the Python headers.
#   bench:   runtime + wrk, the HTTP load generator of the benchmarks, and
#            Redis, the shared cache of the production-like runs.
# With CI=true a missing package that cannot be installed is an error;
# otherwise the script says which command to run and goes on.
set -euo pipefail

profile="${1:-runtime}"
missing=()

need() {  # need <package> <test command...>
  local package="$1"; shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$package"); fi
}

need python3-venv python3 -c "import ensurepip, venv"
need libpango-1.0-0 sh -c "ldconfig -p | grep -q libpango-1.0.so"
need libpangoft2-1.0-0 sh -c "ldconfig -p | grep -q libpangoft2-1.0.so"
need tesseract-ocr command -v tesseract
need tesseract-ocr-fra sh -c "tesseract --list-langs 2>/dev/null | grep -qx fra"
need ghostscript command -v gs
need qpdf command -v qpdf
need unpaper command -v unpaper
if [ "$profile" = "test" ] || [ "$profile" = "bench" ]; then
  need build-essential command -v gcc
  need python3-dev python3 -c "import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_path('include'), 'Python.h'))"
fi
if [ "$profile" = "test" ]; then
  need chromium test -x /usr/bin/chromium
  need nodejs command -v node
  need npm command -v npm
  need default-jre-headless command -v java
  need dovecot-imapd test -x /usr/lib/dovecot/imap
  need redis-server command -v redis-server
  need poppler-utils command -v pdfsig
  need softhsm2 test -f /usr/lib/softhsm/libsofthsm2.so
fi
if [ "$profile" = "bench" ]; then
  need wrk command -v wrk
  need redis-server command -v redis-server
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

echo "Missing Debian packages: ${missing[*]}"
echo "Install them with:  sudo apt-get install ${missing[*]}"
if [ "${CI:-}" = "true" ]; then
  echo "CI=true: a missing tool is an error." >&2
  exit 1
fi
