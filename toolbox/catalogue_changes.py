"""The version of the published catalogue, and the one call that changes it.

The API's answers and the open-data files are cached under this version (toolbox.catalogue_reads).
Every write path of the catalogue calls catalogue_changed() itself, explicitly: the services
(json_values, proposals, publication), the admin, load_toolbox. No Django signal, so that a
reader sees who invalidates the cache, and when.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "toolbox:catalogue_version"


def catalogue_changed() -> None:
    """Call on any change of the published catalogue (a tool, an offer, a provider, a product, a
    need); takes effect once the transaction commits (an answer computed before would otherwise
    be kept under the new version)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))
