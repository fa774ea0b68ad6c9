"""CSV files the platform writes, safe to open in a spreadsheet (every app writes through here).

A text cell that starts with = + - @, a tab or a carriage return is run as a formula by Excel
and LibreOffice (CSV injection): such cells get a leading apostrophe, which spreadsheets read
as "this is text" (OWASP's advice). Numbers (int, float, Decimal) are left alone, so a
negative score stays a number; only text is neutralised.

defusedcsv does the same but also rewrites "|" (the open data's list separator) and leaves
tab and carriage return alone, hence this short module.
"""

import csv
from collections.abc import Iterable
from numbers import Number
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """The value as written: text that a spreadsheet would run gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    text = str(value)  # lazy translations and dates are text too
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape(text: str) -> str:
    """The text `cell` was given, for reading back a file written here (the open-data import)."""
    if text[:1] == "'" and text[1:2] and text[1:2] in "".join(FORMULA_STARTS):
        return text[1:]
    return text


class _Writer:
    """csv.writer whose rows go through `cell`."""

    def __init__(self, inner):
        self._inner = inner

    @property
    def dialect(self):
        return self._inner.dialect

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._inner.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(csvfile, dialect="excel", **fmtparams) -> _Writer:
    return _Writer(csv.writer(csvfile, dialect, **fmtparams))


class DictWriter(csv.DictWriter):
    """csv.DictWriter whose cells go through `cell`."""

    def __init__(self, f, fieldnames, *args, **kwargs):
        super().__init__(f, fieldnames, *args, **kwargs)
        self.writer = _Writer(self.writer)
