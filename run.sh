#!/usr/bin/env bash
# The project's entry point; each command sets up what it needs first (see scripts/setup.sh).
#   ./run.sh demo   [options]       serve the bundled portal and update one customer's account
#   ./run.sh test   [pytest args]   run the regression suite (headless; --headed to watch)
#   ./run.sh portal [options]       serve the bundled portal by hand (python -m fixtures.portal)
#   ./run.sh setup                  only prepare the virtual environment and the browser
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}
command=${1:-}
[ $# -gt 0 ] && shift

case "$command" in
    setup) exec bash scripts/setup.sh ;;
    demo) bash scripts/setup.sh && exec "$VENV/bin/python" -m flows demo "$@" ;;
    test) bash scripts/setup.sh && exec "$VENV/bin/python" -m pytest "$@" ;;
    portal) bash scripts/setup.sh && exec "$VENV/bin/python" -m fixtures.portal "$@" ;;
    *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
