#!/usr/bin/env bash
# Sets up a fresh Debian machine for sohoa: system packages, a venv, local services.
# Idempotent: installs only what is missing. Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd  # OCR engine + Vietnamese model + orientation
  libtesseract-dev libleptonica-dev g++ pkg-config   # tesserocr built against that same libtesseract
  poppler-utils                                      # pdftoppm, pdfsig (independent signature validator)
  softhsm2 opensc                                    # PKCS#11 token for signing tests
  fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core  # Vietnamese glyphs
  qpdf ghostscript                                   # PDF repair and PDF/A checks in tests
  jbig2dec                                           # JBIG2 scans in PDFs, decoded at native resolution (pikepdf)
  fonts-sil-charis                                   # the held-out font family of the corpus (bench/extract.py --held-out)
)
# The browser the web pages are tested in (Playwright drives Debian's Chromium: its own download cannot run here),
# and the HTTP load generator of bench/api.py (a C client leaves the 2 cores to the server it measures).
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(chromium wrk)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python: a venv with the project installed in editable mode (and the dev tools with --dev).
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
stamp=".venv/.sohoa-installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages$extras" >&2
  .venv/bin/pip install -q --upgrade pip >/dev/null
  # tesserocr from source: its wheel bundles another libtesseract (5.5), which reads pages differently from
  # the system's tesseract (5.3) that the benches compare against
  .venv/bin/pip install -q --no-binary tesserocr -e ".$extras"
  touch "$stamp"
fi

# Local services used by the test suite (already running on these machines; restart if stopped).
if [ "${1:-}" = "--dev" ]; then
  if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "setup: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if command -v rabbitmq-server >/dev/null && ! (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null; then
    echo "setup: starting RabbitMQ" >&2
    rabbitmq-server -detached || true
    for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
  fi
  if command -v redis-server >/dev/null && ! (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "setup: starting Redis" >&2
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
fi
echo "setup: ready" >&2
