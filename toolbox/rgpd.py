"""The toolbox's share of the personal data (accounts.rgpd.Section), registered in
ToolboxConfig.ready(): the tools an organisation says it uses, with their testimonials."""

from accounts.models import Organisation, User
from accounts.rgpd import Section, Tables, rows
from toolbox.models import ToolUse


def organisation_tables(organisation: Organisation) -> Tables:
    return {"temoignages_outils": rows(ToolUse.objects.filter(organisation=organisation))}


def erase_account(user: User) -> None:
    """A testimonial is the person's words: emptied. The organisation's "we use this tool"
    stays (it is the organisation's, and counts as such)."""
    ToolUse.objects.filter(declared_by=user).exclude(testimonial="").update(
        testimonial="", testimonial_status=ToolUse.TestimonialStatus.NONE
    )


SECTION = Section(
    name="toolbox", organisation_tables=organisation_tables, erase_account=erase_account
)
