"""The one exception type a user ever sees.

Loaders, the build and the command line raise :class:`DataError` for anything wrong
with an input; the CLI prints ``str(error)`` as one line and exits non-zero, so the
message must name the file and, where there is one, the line and column.
"""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Bad input data, located as precisely as we can: file, line, column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path.name)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message
