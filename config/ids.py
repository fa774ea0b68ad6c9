"""Path converters of the URL conf."""

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
