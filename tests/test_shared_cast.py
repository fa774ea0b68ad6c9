"""The cast is built once per module (tests/conftest.py, _module_cast) and yet each test starts
from it untouched: its writes roll back with its savepoint, its in-memory changes stay on its
own copy. Two turns of the same test, each checking that the other left nothing behind."""

import pytest

from accounts.models import Organisation
from tests.factories import OrganisationFactory

_SEEN: list[int] = []


@pytest.mark.parametrize("turn", [1, 2])
def test_a_test_never_sees_what_another_wrote_to_the_shared_cast(turn, cast):
    _SEEN.append(cast.org_a.pk)
    assert len(set(_SEEN)) == 1, "one cast for the module, not one a test"
    assert cast.org_a.name == "Association A"
    assert Organisation.objects.get(pk=cast.org_a.pk).name == "Association A"
    assert not Organisation.objects.filter(name__startswith="Écrite").exists()
    assert cast.users["member_a"].first_name != "Changé"

    cast.org_a.name = f"Renommée au tour {turn}"
    cast.org_a.save()
    OrganisationFactory(name=f"Écrite au tour {turn}")
    cast.users["member_a"].first_name = "Changé"  # in memory only
