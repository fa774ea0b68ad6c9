"""Every Django admin URL, for a CRESS admin and for a superuser: what each may do.

A CRESS admin curates, in the Django admin, only the catalogue content that no platform page
edits (tools, proprietary products, providers, hosting offers, DLA structures); everything
else it may only read, and anything about people, organisations and memberships is changed
by their owners on the platform (or by a superuser). A model registered in the admin without
a line in CRESS_ADMIN_MAY fails test_every_admin_model_is_classified.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.models import Membership
from identity.models import InstanceIdentity
from tests.adminforms import admin_form_data
from tests.ambassadors.factories import (
    AmbassadorFactory,
    EventFactory,
    RegistrationFactory,
    ResourceFactory,
    SupportRequestFactory,
)
from tests.factories import (
    PASSWORD,
    AdviserProfileFactory,
    DlaStructureFactory,
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_invitation,
)
from tests.toolbox.factories import (
    HostingOfferFactory,
    ProposalFactory,
    ProprietaryProductFactory,
    ProviderFactory,
    ToolFactory,
    ToolUseFactory,
)
from toolbox.models import Need

CLOSED: frozenset[str] = frozenset()
VIEW = frozenset({"view"})
CURATE = frozenset({"view", "add", "change", "delete"})

# What a CRESS admin may do, model by model. A superuser may do everything.
CRESS_ADMIN_MAY = {
    "account.emailaddress": VIEW,
    "accounts.user": VIEW,
    "accounts.organisation": VIEW,
    "accounts.invitation": VIEW,
    "accounts.joinrequest": VIEW,
    "advisers.adviserprofile": VIEW,
    "advisers.dlastructure": CURATE,
    # Archived on the platform, never deleted: organisations' declarations hang on tools.
    "toolbox.tool": frozenset({"view", "add", "change"}),
    "toolbox.need": frozenset({"view", "add", "change"}),
    "toolbox.proprietaryproduct": CURATE,
    "toolbox.provider": CURATE,
    "toolbox.hostingoffer": CURATE,
    "toolbox.proposal": VIEW,
    "toolbox.tooluse": VIEW,
    "ambassadors.ambassador": VIEW,
    "ambassadors.event": VIEW,
    # An organisation's message to its ambassador: private to both, not the CRESS's to read.
    "ambassadors.supportrequest": CLOSED,
    "ambassadors.resource": VIEW,
    # Who runs the instance: its one row is the CRESS's to change.
    "identity.instanceidentity": frozenset({"view", "change"}),
}

# A superuser may do everything, but what a model's admin refuses to anyone.
SUPERUSER_MAY = {label: CURATE for label in CRESS_ADMIN_MAY} | {
    # Tools and roadmap rules refer to needs by code.
    "toolbox.need": frozenset({"view", "add", "change"}),
    # One row, always there: every page shows it.
    "identity.instanceidentity": frozenset({"view", "change"}),
}

NEW_PASSWORD = "un-tout-autre-mot-de-passe-99"


@pytest.fixture
def cress_admin(db):
    return UserFactory(cress_admin=True)


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def objects(db):
    """One row of each model registered in the admin, by label."""
    organisation = OrganisationFactory()
    admin_ = MembershipFactory(organisation=organisation, admin=True).user
    tool = ToolFactory(replaces=["Zoom"])
    event = EventFactory()
    RegistrationFactory(event=event)
    return {
        "account.emailaddress": EmailAddress.objects.get(user=admin_),
        "accounts.user": admin_,
        "accounts.organisation": organisation,
        "accounts.invitation": make_invitation(organisation=organisation, invited_by=admin_)[0],
        "accounts.joinrequest": JoinRequestFactory(organisation=organisation),
        "advisers.adviserprofile": AdviserProfileFactory(pending=True),
        "advisers.dlastructure": DlaStructureFactory(),
        "toolbox.tool": tool,
        "toolbox.need": Need.objects.create(code="besoin_matrice", label="Besoin de la matrice"),
        "identity.instanceidentity": InstanceIdentity.objects.create(operator_name="CRESS"),
        "toolbox.proprietaryproduct": ProprietaryProductFactory(),
        "toolbox.provider": ProviderFactory(),
        "toolbox.hostingoffer": HostingOfferFactory(tool=tool),
        "toolbox.proposal": ProposalFactory(),
        "toolbox.tooluse": ToolUseFactory(tool=tool, organisation=organisation),
        "ambassadors.ambassador": AmbassadorFactory(),
        "ambassadors.event": event,
        "ambassadors.supportrequest": SupportRequestFactory(organisation=organisation),
        "ambassadors.resource": ResourceFactory(),
    }


def _url(label: str, action: str, obj=None) -> str:
    app_label, model_name = label.split(".")
    args = [obj.pk] if obj is not None else []
    return reverse(f"admin:{app_label}_{model_name}_{action}", args=args)


def _row(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


# --- Every admin model is classified --------------------------------------------------------


def test_every_admin_model_is_classified():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(CRESS_ADMIN_MAY), (
        "Say in CRESS_ADMIN_MAY (and in accounts.backends) what a CRESS admin may do with "
        f"{sorted(registered ^ set(CRESS_ADMIN_MAY))}"
    )


# --- Reading: every URL of every model, both roles -------------------------------------------


@pytest.mark.parametrize("label", sorted(CRESS_ADMIN_MAY))
def test_cress_admin_pages_match_its_rights(label, objects, cress_admin, client):
    may = CRESS_ADMIN_MAY[label]
    obj = objects[label]
    client.force_login(cress_admin)

    if not may:
        for view in ("history", "delete", "change"):
            assert client.get(_url(label, view, obj)).status_code == 403, view
        assert client.get(_url(label, "add")).status_code == 403
        assert client.get(_url(label, "changelist")).status_code == 403
        return
    assert client.get(_url(label, "changelist")).status_code == 200
    assert client.get(_url(label, "history", obj)).status_code == 200
    assert client.get(_url(label, "add")).status_code == (200 if "add" in may else 403)
    assert client.get(_url(label, "delete", obj)).status_code == (200 if "delete" in may else 403)

    response = client.get(_url(label, "change", obj))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is ("change" in may)
    assert response.context["has_delete_permission"] is ("delete" in may)
    # A read-only page has no save button, and its inlines offer nothing to add or delete.
    assert ('name="_save"' in response.text) is ("change" in may)
    for inline in response.context["inline_admin_formsets"]:
        assert inline.has_add_permission is ("change" in may), inline.opts
        assert inline.has_delete_permission is ("change" in may), inline.opts


@pytest.mark.parametrize("label", sorted(CRESS_ADMIN_MAY))
def test_superuser_may_do_everything(label, objects, superuser, client):
    may = SUPERUSER_MAY[label]
    obj = objects[label]
    client.force_login(superuser)
    assert client.get(_url(label, "changelist")).status_code == 200
    assert client.get(_url(label, "history", obj)).status_code == 200
    assert client.get(_url(label, "add")).status_code == (200 if "add" in may else 403)
    assert client.get(_url(label, "delete", obj)).status_code == (200 if "delete" in may else 403)
    response = client.get(_url(label, "change", obj))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is True


def test_site_pages(cress_admin, superuser, client):
    apps = {label.split(".")[0] for label in CRESS_ADMIN_MAY}
    for user in (cress_admin, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200
        for app_label in apps:
            url = reverse("admin:app_list", kwargs={"app_label": app_label})
            assert client.get(url).status_code == 200, (user, app_label)


# --- Writing: what a CRESS admin is refused, and the database unchanged ---------------------


@pytest.mark.parametrize("label", sorted(k for k, may in CRESS_ADMIN_MAY.items() if may <= VIEW))
def test_cress_admin_cannot_write_read_only_models(label, objects, cress_admin, client):
    may = CRESS_ADMIN_MAY[label]
    obj = objects[label]
    model = type(obj)
    before, count = _row(obj), model.objects.count()
    client.force_login(cress_admin)

    assert client.post(_url(label, "add"), {}).status_code == 403
    assert client.post(_url(label, "change", obj), {}).status_code == 403
    assert client.post(_url(label, "delete", obj), {"post": "yes"}).status_code == 403
    changelist = client.post(
        _url(label, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    # "No such action" (nothing is done), or no list at all for a closed model.
    assert changelist.status_code in ((200, 302) if may else (403,))

    assert model.objects.count() == count
    assert _row(obj) == before


@pytest.mark.parametrize("label", sorted(CRESS_ADMIN_MAY))
def test_cress_admin_is_offered_only_the_actions_its_rights_allow(
    label, cress_admin, superuser, rf
):
    """A changelist action runs with whatever rights it declares: none means anyone who can
    see the list (allauth's "mark as verified" on e-mail addresses, for one)."""
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label_lower == label)
    request = rf.get("/")
    request.user = cress_admin
    offered = set(model_admin.get_actions(request))
    assert offered == ({"delete_selected"} if "delete" in CRESS_ADMIN_MAY[label] else set())
    request.user = superuser
    offered = set(model_admin.get_actions(request))
    assert ("delete_selected" in offered) is ("delete" in SUPERUSER_MAY[label])


def test_cress_admin_cannot_mark_an_email_address_verified(cress_admin, superuser, client):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False)
    data = {"action": "make_verified", "_selected_action": [address.pk]}
    client.force_login(cress_admin)
    client.post(_url("account.emailaddress", "changelist"), data)
    address.refresh_from_db()
    assert not address.verified

    client.force_login(superuser)
    assert client.post(_url("account.emailaddress", "changelist"), data).status_code == 302
    address.refresh_from_db()
    assert address.verified


@pytest.mark.parametrize("target", ["superuser", "member", "other_cress_admin", "self"])
def test_cress_admin_cannot_set_anyones_password(target, cress_admin, superuser, client):
    user = {
        "superuser": superuser,
        "member": MembershipFactory().user,
        "other_cress_admin": UserFactory(cress_admin=True),
        "self": cress_admin,
    }[target]
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    client.force_login(cress_admin)

    assert client.get(url).status_code == 403
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(NEW_PASSWORD)


def test_superuser_can_set_a_password(superuser, client):
    user = UserFactory(cress_admin=True)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    client.force_login(superuser)

    assert client.get(url).status_code == 200
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("target", ["superuser", "member", "self"])
def test_cress_admin_cannot_change_a_users_email_or_flags(target, cress_admin, superuser, client):
    user = {"superuser": superuser, "member": MembershipFactory().user, "self": cress_admin}[target]
    client.force_login(superuser)
    data = admin_form_data(client.get(_url("accounts.user", "change", user)))
    data.update(email="pirate@example.org", is_cress_admin="on", is_staff="on")
    data.update(is_superuser="on", is_active="on")
    client.force_login(cress_admin)
    before = _row(user)  # after logging in: the CRESS admin's own last_login moves then
    response = client.post(_url("accounts.user", "change", user), data)
    assert response.status_code == 403
    assert _row(user) == before

    address = EmailAddress.objects.get(user=user)
    response = client.post(
        _url("account.emailaddress", "change", address),
        {"user": user.pk, "email": "pirate@example.org", "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == user.email


def test_superuser_can_change_a_users_email_and_flags(superuser, client):
    user = MembershipFactory().user
    client.force_login(superuser)
    url = _url("accounts.user", "change", user)
    data = admin_form_data(client.get(url))
    data.update(email="nouvelle@example.org", is_cress_admin="on")

    assert client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert (user.email, user.is_cress_admin) == ("nouvelle@example.org", True)


def test_cress_admin_cannot_make_itself_admin_of_an_organisation(cress_admin, superuser, client):
    organisation = MembershipFactory(admin=True).organisation
    url = _url("accounts.organisation", "change", organisation)
    client.force_login(superuser)
    data = admin_form_data(client.get(url))
    prefix = "memberships"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-user": str(cress_admin.pk),
            f"{prefix}-{total}-role": Membership.Role.ADMIN,
            f"{prefix}-{total}-is_active": "on",
        }
    )

    client.force_login(cress_admin)
    assert client.post(url, data).status_code == 403
    assert not Membership.objects.filter(user=cress_admin).exists()
    # Nor through an invitation to itself, which it would then accept.
    response = client.post(
        _url("accounts.invitation", "add"),
        {"organisation": organisation.pk, "email": cress_admin.email, "role": "admin"},
    )
    assert response.status_code == 403
    assert not organisation.invitations.filter(email=cress_admin.email).exists()
    # And what it cannot join stays closed: the organisation's data export.
    export = reverse("organisation_export", kwargs={"pk": organisation.pk})
    assert client.get(export).status_code == 404


def test_cress_admin_cannot_delete_a_tool_but_can_edit_it(cress_admin, client):
    tool = ToolFactory(replaces=["Zoom"], recommendation="")
    url = _url("toolbox.tool", "change", tool)
    client.force_login(cress_admin)
    data = admin_form_data(client.get(url))
    data.update(recommendation="recommended", recommendation_reason="Sobre et libre.")
    data.update(status="archived")  # publication goes through the platform's status page

    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    tool.refresh_from_db()
    assert (tool.recommendation, tool.recommendation_reason) == ("recommended", "Sobre et libre.")
    assert (tool.version, tool.status) == (2, "published")
    assert client.post(_url("toolbox.tool", "delete", tool), {"post": "yes"}).status_code == 403
    assert type(tool).objects.filter(pk=tool.pk).exists()


def test_cress_admin_curates_dla_structures(cress_admin, client):
    client.force_login(cress_admin)
    response = client.post(
        _url("advisers.dlastructure", "add"), {"name": "DLA Landes", "departements": '["40"]'}
    )
    assert response.status_code == 302
    structure = DlaStructureFactory._meta.model.objects.get(name="DLA Landes")
    assert structure.departements == ["40"]


def test_the_matrix_tries_every_url_of_every_admin():
    """A model admin with a URL the tests above do not try fails here (say what it allows)."""
    tried = {"changelist", "add", "change", "delete", "history"}
    extra = {"auth_user_password_change", "toolbox_tool_simple_history"}
    extra |= {"toolbox_hostingoffer_simple_history"}
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if pattern.name is None:  # the old "<id>/" address, redirected to the change page
                continue
            action = pattern.name.removeprefix(prefix)
            assert action in tried or pattern.name in extra, pattern.name


# django-simple-history's revert page reads a variable it never sets (onclick_attrib).
@pytest.mark.ignore_template_errors
@pytest.mark.parametrize("label", ["toolbox.tool", "toolbox.hostingoffer"])
def test_history_versions_of_curated_models(label, objects, cress_admin, superuser, client):
    obj = objects[label]
    version = obj.history.latest()
    url = reverse(
        f"admin:{label.replace('.', '_')}_simple_history", args=[obj.pk, version.history_id]
    )
    for user in (cress_admin, superuser):
        client.force_login(user)
        assert client.get(url).status_code == 200, user


def test_help_texts_shown_by_the_admin_hold_no_markup(superuser, rf):
    """The admin writes help texts as HTML, unescaped: a literal « <style> » in the identity's
    help text once swallowed the rest of its page (fields and save button). Markup is meant
    only where it was built as HTML (Django's list of password rules)."""
    request = rf.get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        for name, field in model_admin.get_form(request).base_fields.items():
            text = str(field.help_text)
            if text == str(password_validators_help_text_html()):
                continue
            assert "<" not in text, f"{model._meta.label}.{name}"
