"""The adviser's client page: every dimension's note in one form with one button, so that a
note typed in one dimension is never lost by saving another; a note refused brings back every
text as typed and saves none."""

import pytest
from django.urls import reverse

from advisers.models import AdviserNote
from tests.advisers.factories import completed_diagnostic, live_consent
from tests.factories import AdviserProfileFactory, MembershipFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    """(client logged in as the adviser, adviser, organisation, its dimensions [(code, title)])."""
    adviser = AdviserProfileFactory().user
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    diagnostic = completed_diagnostic(organisation)
    live_consent(organisation, adviser, by=membership.user)
    client.force_login(adviser)
    dimensions = [(d["code"], d["title"]) for d in diagnostic.snapshot.data["dimensions"]]
    return client, adviser, organisation, dimensions


def field(code: str) -> str:
    return f"note-{code}-text"


def test_one_form_holds_every_dimension_s_note_with_one_button(setting):
    client, _adviser, organisation, dimensions = setting
    page = readable(client.get(reverse("advisers:client", args=[organisation.pk])))
    form = page.split(f'action="{reverse("advisers:note_save", args=[organisation.pk])}"')[1]
    form = form.split("</form>")[0]
    assert len(dimensions) == 10
    for code, title in dimensions:
        assert f'<label for="id_{field(code)}">{title}</label>' in form
        assert f'<textarea id="id_{field(code)}" name="{field(code)}"' in form
    assert form.count("<textarea") == 10
    assert form.count('type="submit"') == 1 and "Enregistrer les avis" in form
    assert page.count("Enregistrer l") == 1


def test_notes_typed_in_two_dimensions_are_both_saved(setting):
    client, adviser, organisation, dimensions = setting
    (first, _), (second, _) = dimensions[:2]
    data = {field(code): "" for code, _title in dimensions}
    data |= {field(first): "Un référent numérique à nommer.", field(second): "Bonne base."}
    response = client.post(reverse("advisers:note_save", args=[organisation.pk]), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#avis")
    assert dict(AdviserNote.objects.values_list("dimension", "text")) == {
        first: "Un référent numérique à nommer.",
        second: "Bonne base.",
    }
    page = readable(client.get(response["Location"]))
    assert "Vos avis sont enregistrés." in page
    assert "Un référent numérique à nommer.</textarea>" in page
    assert "Bonne base.</textarea>" in page
    # Emptied later in the same form: removed, the other kept.
    data[field(first)] = ""
    client.post(reverse("advisers:note_save", args=[organisation.pk]), data)
    assert list(AdviserNote.objects.values_list("dimension", flat=True)) == [second]
    assert AdviserNote.objects.get().adviser == adviser


def test_a_note_too_long_keeps_every_text_typed_and_saves_none(setting):
    client, _adviser, organisation, dimensions = setting
    (first, _), (second, second_title) = dimensions[:2]
    data = {field(first): "Gardé tel quel.", field(second): "x" * 4001}
    response = client.post(reverse("advisers:note_save", args=[organisation.pk]), data)
    assert response.status_code == 400
    page = readable(response)
    assert "Vos avis ne sont pas enregistrés" in page
    assert "Gardé tel quel.</textarea>" in page
    assert f"{'x' * 4001}</textarea>" in page
    assert "celui-ci en compte 4001" in page
    error = page.split(f'<label for="id_{field(second)}">{second_title}</label>')[1]
    assert error.lstrip().startswith(f'<p class="errorlist" id="id_{field(second)}-error">')
    assert f'aria-describedby="id_{field(second)}-error"' in page
    assert not AdviserNote.objects.exists()


def test_a_difficulty_s_score_does_not_follow_its_question_mark(setting):
    client, _adviser, organisation, _dimensions = setting
    snapshot = organisation.diagnostics.get().snapshot
    question = "Quelles difficultés freinent-elles votre organisation ?"
    snapshot.data["difficulties"]["types"] = [{"question": question, "score": 25}]
    snapshot.save(update_fields=["data"])
    page = readable(client.get(reverse("advisers:client", args=[organisation.pk])))
    assert f"<li>{question} — 25</li>" in page
    assert "? :" not in page
