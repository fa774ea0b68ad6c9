"""A due date already set shows in the browser's date field: <input type="date"> reads only
ISO dates (2027-06-30), whatever the language of the page; a French date there (30/06/2027) is
invalid HTML and the browser shows the field empty, so saving again would lose the date."""

import datetime
import re

import pytest
from django.utils import translation

from maturity.forms import ActionEditForm
from tests.factories import OrganisationFactory
from workshops.forms import DecisionForm

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 6, 30)


def _value(html: str) -> str:
    return re.search(r'<input type="date" name="due_date" value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("form_class", [ActionEditForm, DecisionForm])
def test_a_due_date_is_written_as_the_date_field_reads_it(form_class):
    organisation = OrganisationFactory()
    if form_class is DecisionForm:
        kwargs = {"organisation_id": organisation.pk}
    else:
        kwargs = {"organisation": organisation}
    with translation.override("fr"):
        form = form_class(initial={"due_date": DUE}, **kwargs)
        assert _value(str(form["due_date"])) == "2027-06-30"
