"""The `socialaudit` command line; each sub-command is a module in flows/commands/."""

from __future__ import annotations

import argparse
import os
import sys

from flows.commands import add_all


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="socialaudit", description="Audit a school's official social media accounts."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    return parser, add_all(subparsers)


def main(argv: list[str] | None = None) -> int:
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    # Whatever a command writes (the warehouse and its WAL, copies, outputs, exports) names children: owner-only.
    os.umask(0o077)
    try:
        return int(commands[args.command].run(args))
    except KeyboardInterrupt:
        print("socialaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"socialaudit: {args.command} failed: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
