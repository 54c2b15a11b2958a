#!/usr/bin/env bash
# The project's entry point; each command sets up what it needs first (see scripts/setup.sh).
#   ./run.sh demo   [options]           serve the bundled portal and update one customer's account
#   ./run.sh test   [pytest args]       run the regression suite (headless, on every core; --headed to watch)
#   ./run.sh portal [options]           serve the bundled portal by hand (python -m fixtures.portal)
#   ./run.sh setup                      only prepare the virtual environment and the browser
#   ./run.sh durations                  run the whole suite, record each test's time in .test_durations
#   ./run.sh merge-reports [files]      merge the shards' reports/junit-*.xml into reports/junit.xml
#   ./run.sh bench [options]            measure the suite against raw Playwright and Selenium (benchmarks/)
#   ./run.sh help                       this list
set -euo pipefail
export RUN_FROM="$PWD"  # the folder a command's paths are said for (relative when inside it, else in full)
cd "$(dirname "$0")"  # paths given to a command are the repository's own
VENV=${VENV:-.venv}
command=${1:-}
[ $# -gt 0 ] && shift
# The suite's options that take a value, joined to it ("--auth-dir DIR" -> "--auth-dir=DIR"): pytest learns them
# from the project's plugins only once it has found the project, and before that it takes an existing folder
# after one for a test path (rooting the run there, without the project's settings).
VALUED=" --a11y-baseline --api-client-id --api-url --auth-dir --close-banner --data-seed --max-flaky --pin-workers --portal-back-wait
 --portal-password --portal-totp-secret --portal-words --quarantine --role-user --run-tag --screen-addresses --snapshot-dir
 --snapshot-mask --snapshot-platform --snapshot-threshold --submit-request --test-timeout --update-snapshots --user-domain
 --ws-endpoint "
if [ "$command" = test ]; then
    joined=()
    while [ $# -gt 0 ]; do
        if [[ $# -gt 1 && "$VALUED" == *[[:space:]]"$1"[[:space:]]* ]]; then joined+=("$1=$2"); shift 2
        else joined+=("$1"); shift; fi
    done
    set -- ${joined[@]+"${joined[@]}"}
    # In parallel on this machine's cores unless told otherwise, as Playwright Test's workers: not when a person
    # debugs, watches (one browser at a time) or reads the output as it comes, nor for a run of no test (a listing).
    parallel=yes
    [[ "${PWDEBUG:-0}" =~ ^(0|false|console)$ ]] || parallel=no
    for argument in "$@"; do
        case "$argument" in
            -n*|--numprocesses*|--dist*|-pno:xdist|no:xdist|--pdb*|--trace|--headed|--sw|--stepwise*|--co|--collect-only\
            |-s|--capture=no|--log-cli-level*|--fixtures*|--markers|--version|-V|-h|--help|--setup-plan) parallel=no ;;
        esac
    done
    [ "$parallel" = no ] || set -- -n auto "$@"
fi

case "$command" in
    setup) exec bash scripts/setup.sh ;;
    demo) bash scripts/setup.sh && exec "$VENV/bin/python" -m fixtures.demo "$@" ;;
    test) bash scripts/setup.sh && exec "$VENV/bin/python" -m pytest "$@" ;;
    portal) bash scripts/setup.sh && exec "$VENV/bin/python" -m fixtures.portal "$@" ;;
    # Shards (--splits N --group G) are balanced by these times, and xdist hands out the longest first
    # (plugins/longest_first.py); --clean-durations drops removed tests.
    durations)  # the whole suite only: a selection would leave the file with that selection alone
        [ $# -eq 0 ] || { echo "./run.sh durations takes no arguments: it records the whole suite" >&2; exit 2; }
        bash scripts/setup.sh && exec "$VENV/bin/python" -m pytest -n auto --store-durations --clean-durations ;;
    merge-reports) bash scripts/setup.sh && exec "$VENV/bin/python" scripts/merge_junit.py "$@" ;;
    bench) bash scripts/setup.sh && bash scripts/setup-bench.sh && exec "$VENV/bin/python" -m benchmarks.run "$@" ;;
    help|-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
        [ -z "$command" ] || echo "unknown command '$command'" >&2
        sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
