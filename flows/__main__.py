"""Command line: ``python -m flows demo`` runs the main job on the bundled portal."""

from __future__ import annotations

import argparse
import logging
import sys

from fixtures.portal import DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m flows", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="serve the bundled portal and update one customer's account")
    demo.add_argument("--user", default="global-admin", help="demo sign-in to use (default: %(default)s)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the portal's data and the new values")
    demo.add_argument("--headed", action="store_true", help="show the browser")
    demo.add_argument("--slowmo", type=int, default=0, metavar="MS", help="pause MS milliseconds between actions")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="  step: %(message)s", stream=sys.stdout)
    from .demo import run_demo  # imports the bundled portal; keep `--help` fast

    return 0 if run_demo(args.user, args.seed, args.headed, args.slowmo) else 1


if __name__ == "__main__":
    raise SystemExit(main())
