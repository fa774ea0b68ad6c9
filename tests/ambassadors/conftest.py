import pytest


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Uploaded PDFs go to a throwaway folder, never to the project's data/."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
