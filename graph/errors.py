"""Errors policygraph raises, each with a one-line message a person can act on.

::

    PolicygraphError        anything policygraph refuses, with a clear message
    ├── SourceError         a source file cannot be read or parsed (file, line, column)
    ├── ValidationError     the data breaks the shapes (carries the report)
    ├── QueryError          an unknown query, a bad parameter, a SPARQL syntax error
    └── OutputError         an output cannot be written

The command line prints ``str(error)`` and exits with ``error.exit_code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.validate import ValidationReport

__all__ = ["OutputError", "PolicygraphError", "QueryError", "SourceError", "ValidationError"]


class PolicygraphError(Exception):
    """Base of every error policygraph raises on bad input."""

    exit_code = 1


class SourceError(PolicygraphError):
    """A source file that cannot be read or parsed.

    Parameters
    ----------
    file : str
        The file (or name) of the source.
    message : str
        What is wrong and what to fix.
    line, column : int, optional
        Where, counted from 1.
    """

    exit_code = 3

    def __init__(self, file: str, message: str, *, line: int | None = None, column: int | None = None):
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class ValidationError(PolicygraphError):
    """The data does not conform to the shapes; ``report`` says where and why."""

    exit_code = 4

    def __init__(self, report: ValidationReport):
        self.report = report
        first = report.violations[0] if report.violations else None
        more = len(report.violations) - 1
        text = str(first) if first else "the data does not conform to the shapes"
        if more > 0:
            text += f" (and {more} more: run 'policygraph validate' for the list)"
        super().__init__(text)


class QueryError(PolicygraphError):
    """An unknown named query, a bad parameter or an invalid SPARQL query."""

    exit_code = 5


class OutputError(PolicygraphError):
    """An output file or folder that cannot be written."""

    exit_code = 6
