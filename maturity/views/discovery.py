"""The discovery diagnostic's pages: public, answered without an account, kept in the session.

The answers go to the visitor's session only (maturity.discovery): no respondent, no answer
row, nothing asked about the person, until they choose to continue with an account. Then the
continue page, reached again after sign-up (and e-mail confirmation) and after registering an
organisation through their `next` links, carries the answers into a real diagnostic.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import security
from common.views import form_page
from maturity import discovery, hooks, roadmap, services
from maturity.forms import DiscoveryContinueForm
from maturity.models import Questionnaire
from maturity.structure import structure_for

RATE_ACTION = "discovery"  # a key of ACCOUNT_RATE_LIMITS, per client address


def _published_structure():
    questionnaire = Questionnaire.objects.published().first()
    if questionnaire is None:
        return None
    structure = structure_for(questionnaire)
    return structure if structure.discovery_questions else None


def _unavailable(request):
    return TemplateResponse(request, "maturity/discovery_unavailable.html", {})


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def discovery_form(request):
    """Anyone, with or without an account: the discovery questions on one page. A valid POST
    keeps the answers in the session (rate-limited per client address) and shows the result."""
    structure = _published_structure()
    if structure is None:
        return _unavailable(request)
    questions = structure.discovery_questions
    errors: dict[int, str] = {}
    form_error = ""
    status = 200
    if request.method == "POST":
        parsed = {}
        for question in questions:
            try:
                parsed[question.id] = services.parse_answer(
                    question, request.POST.getlist(f"q{question.id}")
                )
            except services.DiagnosticError as exc:
                errors[question.id] = str(exc)
        given = {qid: answer for qid, answer in parsed.items() if not answer.is_empty}
        if errors:
            form_error = _(
                "Certaines réponses ne correspondent pas aux questions : voyez les messages sous "
                "les questions concernées."
            )
            status = 400
        elif not given:
            form_error = _(
                "Répondez à au moins une question (« Je ne sais pas » compte comme une réponse) "
                "pour voir un premier résultat."
            )
            status = 400
        elif not security.address_allowed(request, RATE_ACTION):
            form_error = _(
                "Beaucoup de diagnostics découverte ont été faits depuis votre connexion en peu "
                "de temps. Réessayez dans une heure : vos réponses sont conservées ci-dessous."
            )
            status = 429
        else:
            request.session[discovery.SESSION_KEY] = discovery.to_session(structure, given)
            return redirect("maturity:discovery_result")
        # What was typed comes back as typed (a refused choice cannot be shown, only its error).
        shown = {
            qid: services.GivenAnswer(tuple(sorted(a.choice_ids)), a.unknown, "")
            for qid, a in given.items()
        }
    else:
        shown = discovery.from_session(structure, request.session.get(discovery.SESSION_KEY))
    profile = [q for q in questions if q not in discovery.dimension_questions(structure)]
    response = TemplateResponse(
        request,
        "maturity/discovery_form.html",
        {
            "structure": structure,
            "profile_questions": profile,
            "dimension_questions": discovery.dimension_questions(structure),
            "titles": {s.code: s.title for s in structure.dimensions},
            "answers": shown,
            "errors": errors,
            "form_error": form_error,
            "question_count": len(questions),
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(security.retry_after(RATE_ACTION))
    return response


def discovery_result(request):
    """Whoever holds the answers in their session: the indicative result, read from the
    session at each view (nothing is stored elsewhere); without answers, the questions."""
    payload = request.session.get(discovery.SESSION_KEY)
    structure = _published_structure()
    if not payload or structure is None:
        return redirect("maturity:discovery")
    answers = discovery.from_session(structure, payload)
    rules = roadmap.active_rules()
    result = discovery.result(structure, answers, rules.data if rules else None)
    needs = list(dict.fromkeys(n for a in result.actions for n in a.needs))
    # One tool per need, through the toolbox when it is installed (maturity.hooks).
    by_need = hooks.tools_for_needs(needs, per_need=1) if needs else {}
    tools = {
        a.code: list({t.pk: t for n in a.needs for t in by_need.get(n, [])}.values())[:2]
        for a in result.actions
    }
    continue_url = reverse("maturity:discovery_continue")
    return TemplateResponse(
        request,
        "maturity/discovery_result.html",
        {
            "result": result,
            "empty_note": discovery.unanswered_note(result),
            "tools": tools,
            "continue_url": continue_url,
            "signup_url": _with_next("account_signup", continue_url),
            "login_url": _with_next("account_login", continue_url),
        },
    )


def discovery_continue(request):
    """Whoever holds discovery answers: visitors are sent to sign up, people without an
    organisation to register one (both come back here); members of organisations choose one,
    and the answers become theirs in its diagnostic, which is started if need be."""
    payload = request.session.get(discovery.SESSION_KEY)
    if not payload:
        if request.method == "POST" and request.user.is_authenticated:
            # Already carried over (a reload, a second tab): nothing to do twice.
            messages.info(request, _("Vos réponses du diagnostic découverte sont déjà reprises."))
            return redirect("home")
        return redirect("maturity:discovery")
    here = reverse("maturity:discovery_continue")
    if not request.user.is_authenticated:
        return HttpResponseRedirect(_with_next("account_signup", here))
    memberships = request.organisations.memberships
    if not memberships:
        return HttpResponseRedirect(_with_next("organisation_create", here))
    form = DiscoveryContinueForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        try:
            respondent, written = services.carry_over_discovery(
                organisation=form.membership.organisation, user=request.user, payload=payload
            )
        except services.DiagnosticError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(discovery.SESSION_KEY, None)
            messages.success(
                request,
                _(
                    "Vos réponses du diagnostic découverte étaient déjà dans ce diagnostic : "
                    "vos réponses en cours sont gardées telles quelles."
                )
                if not written
                else ngettext(
                    "%(n)s réponse du diagnostic découverte est reprise : continuez avec les "
                    "autres questions du diagnostic complet.",
                    "%(n)s réponses du diagnostic découverte sont reprises : continuez avec les "
                    "autres questions du diagnostic complet.",
                    written,
                )
                % {"n": written},
            )
            return redirect("maturity:respondent_home", pk=respondent.pk)
    return form_page(
        request,
        "maturity/discovery_continue.html",
        {
            "form": form,
            "answered": discovery.answered_count(payload),
            "single": len(memberships) == 1,
            "organisation": memberships[0].organisation,
        },
    )
