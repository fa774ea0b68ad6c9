"""Ids read from requests (paths, query strings, posted lists): whole numbers within the id
columns' range, anything else no one's id."""

from django import forms
from django.core.exceptions import ValidationError

# The id columns are bigint (DEFAULT_AUTO_FIELD = BigAutoField).
MAX_ID = 2**63 - 1


class IdConverter:
    """A database id: digits that fit the id columns. A larger number is no one's id: the URL
    matches nothing (404) rather than overflowing the database's integers in the view's
    queries (an OverflowError on SQLite, a 500)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)  # a ValueError past 4,300 digits: no match either
        if number > MAX_ID:
            raise ValueError(f"{value} is past the largest id")
        return number

    def to_url(self, value) -> str:
        return str(value)


class IdListField(forms.Field):
    """Ids from a repeated parameter (?o=1&o=2, ticked boxes), in order, once each. A value
    that is no id (not a whole number, or past the id columns) is left out rather than refused,
    as ids the person may not act on are left out by the view."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        one_id = forms.IntegerField(min_value=1, max_value=MAX_ID)
        ids = []
        for item in value or []:
            try:
                ids.append(one_id.clean(item))
            except ValidationError:
                continue
        return list(dict.fromkeys(ids))
