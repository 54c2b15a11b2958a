#!/usr/bin/env bash
# Prepare everything the suite and the main job need; safe to run again (done steps are skipped).
#   1. a virtual environment (.venv, or $VENV) with the project and its pinned packages;
#   2. a Chromium for Playwright: Playwright's own build where it can be downloaded,
#      else the distribution's package (Debian/Ubuntu: chromium, and for headless runs
#      chromium-headless-shell where packaged), else advice.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
say() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. Python packages --------------------------------------------------------------
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { say "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1)): install one, and name it if" \
          "python3 is still the old one (PYTHON=python3.12 ./run.sh ...)"; exit 1; }
# A virtual environment made elsewhere (restored from a CI cache of another image, another user's) may name a Python
# that is not here or not allowed: said at once, before any browser is looked for (or installed) through it.
if [ -L "$VENV/bin/python" ] || [ -e "$VENV/bin/python" ]; then
    "$VENV/bin/python" -c '' 2>/dev/null || {
        made=$(sed -n 's/^home *= *//p' "$VENV/pyvenv.cfg" 2>/dev/null || true)
        say "the virtual environment $VENV does not run here${made:+ (made with the Python in $made)}: its Python is" \
            "missing or not allowed to this user; remove it (rm -rf $VENV), or set VENV to another folder, and run again"
        exit 1
    }
fi
checksum() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }  # a Mac has shasum only
stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | checksum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment $VENV"
        "$PYTHON" -m venv "$VENV" ||
            { say "python3 -m venv failed; on Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
    fi
    say "installing packages (pinned in constraints.txt)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

# --- 2. A browser ----------------------------------------------------------------------
# The browser the suite would launch (its path, or Playwright's own), asked once and again only after an install:
# each ask starts Python, and every ./run.sh command passes here.
browser_found() { found=$("$VENV/bin/python" -m flows browser 2>/dev/null) || found=""; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
can_apt() { command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; }
browser_found

# A browser named by hand (CHROMIUM_PATH) is the one wanted: one that is not there is said at once, and no other
# is downloaded or installed in its place.
if [ -n "${CHROMIUM_PATH:-}" ] && [ -z "$found" ]; then
    "$VENV/bin/python" -m flows browser >&2 || true
    exit 1
fi
if [ -z "$found" ]; then
    say "installing Playwright's Chromium"
    deps=(); can_apt && deps=(--with-deps)
    # ${deps[@]+...}: an empty array is an "unbound variable" under set -u before bash 4.4 (a Mac's /bin/bash is 3.2)
    if ! "$VENV/bin/python" -m playwright install ${deps[@]+"${deps[@]}"} chromium; then
        say "Playwright's download failed"
        if can_apt; then
            say "installing the distribution's chromium package instead"
            # A CJK font, or Chinese text shows as boxes in screenshots.
            as_root apt-get update -qq
            DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
        fi
    fi
    browser_found
fi
# Headless runs on the distribution's Chromium: add its headless shell, as Playwright's own install
# does; it takes far less CPU per test. Optional (not every distribution has it), so tried once.
shell_tried="$VENV/.headless-shell-tried"
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -f "$shell_tried" ] && [[ "$found" == /* && "$found" != *headless-shell* ]] &&
    can_apt; then
    say "installing the distribution's chromium-headless-shell for headless runs"
    as_root apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium-headless-shell >/dev/null ||
        say "no chromium-headless-shell package here: headless runs use the full chromium (slower)"
    touch "$shell_tried"
    browser_found
fi
if [ -z "$found" ]; then
    "$VENV/bin/python" -m flows browser >&2 || true
    exit 1
fi
say "ready: browser $found"
