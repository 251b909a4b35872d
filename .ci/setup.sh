#!/usr/bin/env bash
# Sets up everything the portal needs on Debian/Ubuntu, then runs it or its tests.
#   bash .ci/setup.sh run    set up, migrate, load the demo data, serve http://127.0.0.1:8000
#   bash .ci/setup.sh test   set up, then run the whole test suite (extra args go to pytest)
# Running it twice is harmless: every step checks before it acts.
set -euo pipefail

mode=${1:-}
shift || true
case "$mode" in run|test|install) ;; *) echo "usage: $0 run|test|install [pytest args]" >&2; exit 2 ;; esac

cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- Python 3.11+ -----------------------------------------------------------------------------
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON=$candidate; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "Python 3.11 or newer is needed. Install it, e.g.: sudo apt-get install python3 python3-venv" >&2
  exit 1
fi

# --- System packages: Pango for WeasyPrint, a Vietnamese serif font, gettext, and for the tests
# the PDF tools and LibreOffice Calc. Installed when we can (root or password-less sudo with apt),
# otherwise we stop and print the exact command.
missing=()
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=("python3-venv")
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=("libpango-1.0-0")
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=("libpangoft2-1.0-0")
ldconfig -p 2>/dev/null | grep -q 'libmagic.so.1' || missing+=("libmagic1")
command -v fc-list >/dev/null 2>&1 || missing+=("fontconfig")
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=vi family | grep -q 'Liberation Serif'; } ||
  missing+=("fonts-liberation2")
command -v msgfmt >/dev/null 2>&1 || missing+=("gettext")
if [ "$mode" = test ]; then
  command -v pdftotext >/dev/null 2>&1 || missing+=("poppler-utils")
  # The Excel templates are tested re-saved by LibreOffice Calc (headless).
  command -v libreoffice >/dev/null 2>&1 || missing+=("libreoffice-calc")
  # Browser tests drive Debian's Chromium; Playwright never downloads a browser here.
  [ -x /usr/bin/chromium ] || missing+=("chromium")
fi
if [ ${#missing[@]} -gt 0 ]; then
  # python3-venv is versioned on Debian/Ubuntu (python3.11-venv); ask apt for both names.
  if [[ " ${missing[*]} " == *" python3-venv "* ]]; then
    missing+=("python$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv")
  fi
  apt_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "Installing system packages with sudo: ${missing[*]}"
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them, then run this command again:" >&2
    echo "    sudo apt-get update && sudo $apt_cmd" >&2
    exit 1
  fi
fi

# --- Virtual environment and Python packages ---------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "Installing Python packages from requirements.txt"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$wanted" > "$stamp"
fi

# --- The Vietnamese catalogue is compiled from the committed .po file -------------------------------
DJANGO_SETTINGS_MODULE=config.settings DEBUG=true .venv/bin/python manage.py compilemessages \
  --locale vi --ignore=.venv --verbosity 0

case "$mode" in
  install) ;;
  run)
    export DEBUG=${DEBUG:-true}
    # The demo signs its documents with a test certificate it makes under var/demo-signing/
    # (reports/demo.py, CERTIFICATE_PASSPHRASE); with DEBUG on and no certificate of its own,
    # the development server checks them and signs what is issued there with it too.
    case "${DEBUG,,}" in
      true|1|yes|on)
        if [ -z "${SIGNING_PKCS12_PATH:-}" ]; then
          export SIGNING_PKCS12_PATH="$PWD/var/demo-signing/to-chuc-thu-nghiem.p12"
          export SIGNING_PKCS12_PASSPHRASE=chung-thu-thu-nghiem-2026
        fi
        ;;
    esac
    say "Migrating the database"
    .venv/bin/python manage.py migrate --noinput --verbosity 0
    say "Loading the demo data"
    .venv/bin/python manage.py load_demo
    say "Serving http://127.0.0.1:8000 (Ctrl+C stops it)"
    exec .venv/bin/python manage.py runserver 127.0.0.1:8000
    ;;
  test)
    say "Running the test suite"
    # One test process per CPU, at most four (pytest-xdist): each has its own test database,
    # media directory and Redis database (config/settings_test.py). `-n 0` runs one process.
    exec .venv/bin/python -m pytest --numprocesses=auto --maxprocesses=4 "$@"
    ;;
esac
