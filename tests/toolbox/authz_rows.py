"""Toolbox URLs in the authorisation matrix (tests/test_authorisation_matrix.py)."""

from tests.authz import Row, cress_only, everyone, logged_in
from tests.toolbox.factories import (
    ProposalFactory,
    ProprietaryProductFactory,
    ToolFactory,
    ToolUseFactory,
)


def _tool(cast):
    return {"slug": ToolFactory(name="Outil de la matrice").slug}


def _api_tool(cast):
    return {"tool_id": ToolFactory(name="Outil de l'API").slug}


def _product(cast):
    product = ProprietaryProductFactory(name="Produit de la matrice")
    ToolFactory(name="Alternative de la matrice", replaces=[product.name])
    return {"slug": product.slug}


def _own_proposal(cast):
    """A proposal by member_a awaiting their changes: theirs only, 404 for everyone else."""
    proposal = ProposalFactory(author=cast.users["member_a"], changes_requested=True)
    return {"pk": proposal.pk}


def _pending_proposal(cast):
    return {"pk": ProposalFactory().pk}


def _pending_testimonial(cast):
    return {"pk": ToolUseFactory().pk}


ROWS: dict[str, Row] = {
    "toolbox:catalogue": Row(everyone()),
    "toolbox:compare": Row(everyone()),
    "toolbox:alternatives": Row(everyone()),
    "toolbox:alternative_detail": Row(everyone(), kwargs=_product),
    "toolbox:opendata": Row(everyone()),
    "toolbox:export_tools_csv": Row(everyone()),
    "toolbox:export_offers_csv": Row(everyone()),
    "toolbox:export_json": Row(everyone()),
    "toolbox:export_zip": Row(everyone()),
    "toolbox:datapackage": Row(everyone()),
    "toolbox:tools_schema": Row(everyone()),
    "toolbox:offers_schema": Row(everyone()),
    "toolbox:catalogue_schema": Row(everyone()),
    # The catalogue API (django-ninja): public and read-only. api-root is ninja's name for
    # the same address as the index.
    "catalogue_api:index": Row(everyone()),
    "catalogue_api:api-root": Row(everyone()),
    "catalogue_api:openapi-json": Row(everyone()),
    "catalogue_api:tools": Row(everyone()),
    "catalogue_api:tool": Row(everyone(), kwargs=_api_tool),
    "catalogue_api:offers": Row(everyone()),
    "catalogue_api:needs": Row(everyone()),
    "toolbox:tool_detail": Row(everyone(), kwargs=_tool),
    "toolbox:propose_tool": Row(logged_in(200)),
    "toolbox:propose_edit": Row(logged_in(200), kwargs=_tool),
    "toolbox:propose_offer": Row(logged_in(200), kwargs=_tool),
    "toolbox:my_proposals": Row(logged_in(200)),
    "toolbox:proposal_edit": Row(logged_in(404, member_a=200), kwargs=_own_proposal),
    # Every logged-in person is redirected back to the tool (declared, or told to join an organisation).
    "toolbox:declare_use": Row(logged_in(302), kwargs=_tool, method="post"),
    "toolbox:moderation": Row(cress_only()),
    "toolbox:moderation_proposal": Row(cress_only(), kwargs=_pending_proposal),
    "toolbox:moderation_testimonial": Row(
        cress_only(302),
        kwargs=_pending_testimonial,
        method="post",
        data=lambda c: {"decision": "approve"},
    ),
    "toolbox:mark_reviewed": Row(cress_only(302), kwargs=_tool, method="post"),
    "toolbox:tool_history": Row(cress_only(), kwargs=_tool),
    "toolbox:import": Row(cress_only()),
    "toolbox:change_status": Row(
        cress_only(302),
        kwargs=_tool,
        method="post",
        data=lambda c: {"status": "archived", "reason": "Matrice des droits"},
    ),
}
