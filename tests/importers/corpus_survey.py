"""Parse every statement file in a folder tree and print one JSON result per file.

Run in a child process by the corpus test, so a hang is caught by a timeout and a
crash shows up as a crash rather than taking the test run down.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from importers import ImportFailure, parse_statement

STATEMENT_DIRS = ("ofx", "qfx", "qif", "csv", "other", "camt")


def main(root: Path) -> None:
    for folder in STATEMENT_DIRS:
        for path in sorted((root / folder).glob("*")):
            started = time.perf_counter()
            result: dict[str, object] = {"file": f"{folder}/{path.name}"}
            try:
                parsed = parse_statement(path.read_bytes(), path.name)
                result.update(outcome="parsed", lines=len(parsed.lines), format=parsed.format)
            except ImportFailure as exc:
                result.update(outcome="refused", error=type(exc).__name__, line=exc.line,
                              field=exc.field, reason=exc.reason)
            except BaseException as exc:  # the point is to report it
                result.update(outcome="crashed", error=f"{type(exc).__name__}: {exc}")
            result["seconds"] = round(time.perf_counter() - started, 3)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
