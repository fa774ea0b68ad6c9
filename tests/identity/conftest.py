import pytest

from identity import services


@pytest.fixture(autouse=True)
def _identity_not_cached_yet():
    """These tests follow the identity from the settings or the database into the pages: they
    start as a server's first request does, with nothing cached (tests/conftest.py caches the
    settings' identity for every other test)."""
    services.forget()
