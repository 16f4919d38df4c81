"""The ``hearth`` command: operational entry points.

hearth check-config   validate settings and exit (non-zero when unsafe)
"""

from __future__ import annotations

import argparse
import sys

from infra.settings import UnsafeSettings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-config", help="validate settings and exit")
    args = parser.parse_args(argv)
    if args.command == "check-config":
        try:
            settings = load_settings()
        except UnsafeSettings as exc:
            sys.stderr.write(exc.sentence + "\n")
            return 2
        sys.stdout.write(f"Settings are fine for {settings.hearth_env.value}.\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
