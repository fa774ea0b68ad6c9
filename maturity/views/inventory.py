"""The inventory of the organisation's tools and equipment, in two steps, each its own page
and form that works without JavaScript: the tools per usage, then the equipment. Members of
the organisation; lookups go through maturity.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from maturity import inventory as inventory_rules
from maturity import services
from maturity.access import diagnostic_for_member
from maturity.forms import EquipmentForm
from maturity.structure import structure_for

# The tools' step shows the usages a part at a time: the 17 usages of the shipped questionnaire
# and their 133 common tools weigh 488 elements on one page even without the equipment
# (EcoIndex 76, B); nine of them, about 300 (84, A).
USAGES_PER_PART = 9

EQUIPMENT_FIELDS = ("count", "average_age", "reconditioned_percent", "renewal_years")


def _parts(usages: list[dict]) -> list[list[dict]]:
    parts = [usages[i : i + USAGES_PER_PART] for i in range(0, len(usages), USAGES_PER_PART)]
    return parts or [[]]


def _part_number(request, count: int) -> int:
    """The part asked for by ?partie= (the first without it); any other value is no page."""
    asked = request.GET.get("partie", "1")
    # Compared as text: no other spelling ("01", "²") is ever parsed.
    if asked not in {str(n) for n in range(1, count + 1)}:
        raise Http404
    return int(asked)


def _refused(request, url: str, message: str | None = None):
    messages.error(
        request,
        message or _("Ce diagnostic est terminé : son inventaire ne peut plus être modifié."),
    )
    return redirect(url)


def _saved_tools(diagnostic, usages: list[dict]) -> tuple[dict, dict, set]:
    """What was saved for these usages: ticked common tools, other names, usages without tool."""
    chosen: dict[str, set[str]] = {}
    others: dict[str, list[str]] = {}
    without: set[str] = set()
    by_code = {u["code"]: u for u in usages}
    for item in diagnostic.inventory_items.filter(usage__in=by_code):
        if item.without_tool:
            without.add(item.usage)
        elif item.tool_name in {t["name"] for t in by_code[item.usage]["common_tools"]}:
            chosen.setdefault(item.usage, set()).add(item.tool_name)
        else:
            others.setdefault(item.usage, []).append(item.tool_name)
    return chosen, {code: ", ".join(names) for code, names in others.items()}, without


@login_required
def inventory(request, pk):
    """Members of the organisation, step 1: the tools in use per usage, a part of the usages
    per page; saving a part leads to the next one, then to the equipment."""
    diagnostic = diagnostic_for_member(request.user, pk)
    structure = structure_for(diagnostic.questionnaire)
    all_usages = structure.inventory.get("usages", [])
    parts = _parts(all_usages)
    number = _part_number(request, len(parts))
    usages = parts[number - 1]
    here = reverse("maturity:inventory", args=[pk])
    page_url = f"{here}?partie={number}" if number > 1 else here
    errors = []
    usage_errors: dict[str, str] = {}
    if request.method == "POST":
        if diagnostic.is_completed:
            return _refused(request, page_url)
        chosen = {u["code"]: request.POST.getlist(f"tools-{u['code']}") for u in usages}
        others = {u["code"]: request.POST.get(f"other-{u['code']}", "") for u in usages}
        without = {u["code"] for u in usages if request.POST.get(f"none-{u['code']}")}
        lines, usage_errors = inventory_rules.declared(usages, chosen, others, list(without))
        if not usage_errors:
            try:
                services.save_inventory(
                    diagnostic=diagnostic,
                    lines=lines,
                    usages=[u["code"] for u in usages],
                    by=request.user,
                )
            except services.DiagnosticError as exc:
                return _refused(request, page_url, str(exc))
            messages.success(request, _("Les outils sont enregistrés."))
            if number < len(parts):
                return redirect(f"{here}?partie={number + 1}")
            return redirect("maturity:inventory_equipment", pk=pk)
        errors.append(_("Certains usages sont à corriger : voyez les messages ci-dessous."))
    else:
        chosen, others, without = _saved_tools(diagnostic, usages)
    rows = [
        {
            "usage": u,
            "chosen": set(chosen.get(u["code"], ())),
            "other": others.get(u["code"], ""),
            "without_tool": u["code"] in without,
            "error": usage_errors.get(u["code"], ""),
        }
        for u in usages
    ]
    first = (number - 1) * USAGES_PER_PART + 1
    last = first + len(usages) - 1
    part = {
        "number": number,
        "count": len(parts),
        "first": first,
        "last": last,
        "previous": None,
        "next": None,
    }
    if number > 1:
        part["previous"] = {
            "number": number - 1,
            "first": first - USAGES_PER_PART,
            "last": first - 1,
        }
    if number < len(parts):
        part["next"] = {"number": number + 1, "first": last + 1, "last": last + len(parts[number])}
    return TemplateResponse(
        request,
        "maturity/inventory.html",
        {
            "diagnostic": diagnostic,
            "structure": structure,
            "step": 1,
            "rows": rows,
            "part": part,
            "usages_total": len(all_usages),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def inventory_equipment(request, pk):
    """Members of the organisation, step 2: the equipment by kind, from which the results
    estimate its footprint (maturity.footprint)."""
    diagnostic = diagnostic_for_member(request.user, pk)
    structure = structure_for(diagnostic.questionnaire)
    kinds = structure.inventory.get("equipment", [])
    saved = {e.kind: e for e in diagnostic.equipment_items.all()}
    forms = {
        kind["code"]: EquipmentForm(
            request.POST if request.method == "POST" else None,
            prefix=f"eq-{kind['code']}",
            initial={
                name: getattr(saved.get(kind["code"]), name, None) for name in EQUIPMENT_FIELDS
            },
        )
        for kind in kinds
    }
    errors = []
    if request.method == "POST":
        if diagnostic.is_completed:
            return _refused(request, request.path)
        if all(form.is_valid() for form in forms.values()):
            try:
                services.save_inventory(
                    diagnostic=diagnostic,
                    equipment={code: form.cleaned_data for code, form in forms.items()},
                    by=request.user,
                )
            except services.DiagnosticError as exc:
                return _refused(request, request.path, str(exc))
            messages.success(request, _("L'inventaire est enregistré."))
            return redirect("maturity:inventory_equipment", pk=pk)
        errors.append(
            _("Certaines valeurs d'équipement ne sont pas valides : corrigez les champs signalés.")
        )
    return TemplateResponse(
        request,
        "maturity/inventory_equipment.html",
        {
            "diagnostic": diagnostic,
            "structure": structure,
            "step": 2,
            "equipment": [(kind, forms[kind["code"]]) for kind in kinds],
            "errors": errors,
        },
        status=400 if errors else 200,
    )
