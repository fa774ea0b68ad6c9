"""The advisers' share of the personal data (accounts.rgpd.Section), registered in
AdvisersConfig.ready(): consents, access log, notes and recommendations.

What an adviser wrote about an organisation, and when they read its data, outlives the
adviser's account (the organisation keeps it, under the name it was signed with): it is in
both the organisation's export and the adviser's own.
"""

from django.db.models import Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.rgpd import Section, Tables, rows
from advisers.models import AccessLog, AdviserNote, Consent, Recommendation


def organisation_tables(organisation: Organisation) -> Tables:
    return {
        name: rows(model.objects.filter(**{lookup: organisation}).order_by("pk"))
        for name, model, lookup in (
            ("consentements_conseillers", Consent, "organisation"),
            ("journal_acces_conseillers", AccessLog, "organisation"),
            ("avis_conseillers", AdviserNote, "organisation"),
            ("recommandations_conseillers", Recommendation, "action__roadmap__organisation"),
        )
    }


def account_tables(user: User) -> Tables:
    """What an adviser wrote about organisations and when they read their data: their notes,
    their recommendations (the roadmap action they proposed) and their access log. These rows
    outlive the account, so they are not among the rows the account owns."""
    recommendations = list(
        Recommendation.objects.filter(adviser=user).select_related("action__roadmap").order_by("pk")
    )
    return {
        "avis_conseillers_rediges": rows(AdviserNote.objects.filter(adviser=user).order_by("pk")),
        "recommandations_conseillers_redigees": [
            {
                **row,
                "organisation_id": recommendation.action.roadmap.organisation_id,
                **{
                    name: getattr(recommendation.action, name)
                    for name in ("title", "explanation", "dimension", "horizon", "priority")
                },
            }
            for row, recommendation in zip(rows(recommendations), recommendations, strict=True)
        ],
        "journal_acces_conseillers_mes_consultations": rows(
            AccessLog.objects.filter(adviser=user).order_by("pk")
        ),
    }


def erase_account(user: User) -> None:
    """Consents given to the address (an invitation to an adviser without an account yet) go:
    they led to this person only; those given to the account itself go with it (cascade).
    Names kept on the adviser's notes, recommendations and readings lose the address when it
    stood for the name."""
    Consent.objects.filter(adviser=None, email__iexact=user.email).delete()
    for model in (AccessLog, AdviserNote, Recommendation):
        model.objects.filter(adviser=user, adviser_name__contains=user.email).update(
            adviser_name=Replace(
                "adviser_name",
                Value(user.email),
                Value(_("Conseiller·e dont le compte est supprimé")),
            )
        )


SECTION = Section(
    name="advisers",
    organisation_tables=organisation_tables,
    account_tables=account_tables,
    erase_account=erase_account,
)
