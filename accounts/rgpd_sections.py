"""The registry of personal-data sections: each app's share of an organisation's or an account's
data, declared in its own rgpd.py and registered from its AppConfig.ready(). accounts.rgpd (the
export and erasure machinery) reads SECTIONS in registration order, which is INSTALLED_APPS
order, and re-exports these names: apps import them from there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import Organisation, User

# {table name: rows}, each row a dict of plain values (json/<name>.json, csv/<name>.csv).
Tables = dict[str, list[dict[str, Any]]]


def _no_tables(_subject: Organisation | User) -> Tables:
    return {}


def _no_reasons(_user: User) -> list[str]:
    return []


def _nothing(_subject: Organisation | User) -> None:
    return None


@dataclass(frozen=True)
class Section:
    """One app's personal data, as the exports and the erasures see it. Every function is
    optional; table names are the zip's file names (json/<name>.json, csv/<name>.csv)."""

    # The app's label: registering a section again under the same name replaces it.
    name: str
    # (organisation) -> {table name: rows}: added to the organisation's export.
    organisation_tables: Callable[[Organisation], Tables] = _no_tables
    # (user) -> {table name: rows}: added to the account's export, after the rows the account
    # owns in every app (found by accounts.rgpd._owned_relations, with no section needed).
    account_tables: Callable[[User], Tables] = _no_tables
    # (user) -> [reason, ...] in French: why the account cannot be deleted now.
    deletion_blockers: Callable[[User], list[str]] = _no_reasons
    # (organisation) -> a function or None: called before the organisation is deleted (its
    # rows go by cascade), to note what the cascade will not reach (rows without a foreign
    # key, stored files); what it returns is called after the cascade, in the transaction.
    erase_organisation: Callable[[Organisation], Callable[[], None] | None] = _nothing
    # (user): called before the account's row is deleted, for what its cascades do not do
    # (rows without a foreign key, words and addresses kept by the organisations).
    erase_account: Callable[[User], None] = _nothing


SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    """Add an app's section (from its AppConfig.ready()); one per name."""
    SECTIONS[:] = [s for s in SECTIONS if s.name != section.name]
    SECTIONS.append(section)
    return section
