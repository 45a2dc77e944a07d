"""Expected failures and how the command-line tools report them.

An expected failure (bad config, missing data, a corrupt checkpoint, a refused run or model
folder) is printed as one line, `TOOL: error: ...`, and exits with status 1. The traceback is
shown only with `--debug`. Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable

from training.checkpoint import CheckpointError

EXIT_ERROR = 1


class UserError(Exception):
    """A failure the user can fix; the message says how."""


class ConfigError(UserError, ValueError):
    """A run config that cannot be used (unknown key, bad value, not JSON)."""


EXPECTED = (UserError, CheckpointError, FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError,
            PermissionError, json.JSONDecodeError)


def add_debug_flag(ap) -> None:
    ap.add_argument("--debug", action="store_true", help="on an expected error, show the full traceback")


def one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    if isinstance(e, OSError) and e.filename and str(e.filename) not in text:
        text = f"{text}: {e.filename}"
    return text or type(e).__name__


def run_cli(main: Callable[[list[str] | None], int | None], tool: str, argv: list[str] | None = None) -> None:
    """Run `main(argv)` and exit with its status; expected failures become one line."""
    args = sys.argv[1:] if argv is None else argv
    try:
        code = main(args)
    except EXPECTED as e:
        if "--debug" in args:
            raise
        print(f"{tool}: error: {one_line(e)}  (--debug shows the traceback)", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    sys.exit(code or 0)
