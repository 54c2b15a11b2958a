#!/usr/bin/env bash
# What the benchmark needs beyond the suite (after scripts/setup.sh): selenium and psutil from
# PyPI, and a ChromeDriver of the same version as the system Chromium (Debian: chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
say() { printf '[setup-bench] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

if ! "$VENV/bin/python" -c 'import selenium, psutil' 2>/dev/null; then
    say "installing selenium and psutil (pinned in constraints.txt)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,bench]"
fi
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
        say "installing Debian's chromium and chromium-driver (the Selenium side)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        say "the Selenium side needs chromium and a ChromeDriver of the same version on PATH"; exit 1
    fi
fi
browser=$(chromium --version 2>/dev/null | tail -1 | grep -o '[0-9][0-9.]*' | head -1)
driver=$(chromedriver --version | grep -o '[0-9][0-9.]*' | head -1)
if [ "${browser%%.*}" != "${driver%%.*}" ]; then
    say "chromium $browser and chromedriver $driver differ: Selenium needs the same major version"; exit 1
fi
say "ready: chromium $browser, chromedriver $driver"
