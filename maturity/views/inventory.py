"""The inventory of the organisation's tools and equipment. Each view says who may see it;
lookups go through maturity.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from maturity import inventory as inventory_rules
from maturity import services
from maturity.access import diagnostic_for_member
from maturity.forms import EquipmentForm
from maturity.structure import structure_for


@login_required
def inventory(request, pk):
    """Members of the organisation: tools in use per usage, and equipment."""
    diagnostic = diagnostic_for_member(request.user, pk)
    structure = structure_for(diagnostic.questionnaire)
    usages = structure.inventory.get("usages", [])
    equipment_kinds = structure.inventory.get("equipment", [])
    items = list(diagnostic.inventory_items.all())
    equipment = {e.kind: e for e in diagnostic.equipment_items.all()}
    errors = []
    usage_errors: dict[str, str] = {}
    equipment_forms = {
        kind["code"]: EquipmentForm(
            request.POST or None,
            prefix=f"eq-{kind['code']}",
            initial={
                "count": getattr(equipment.get(kind["code"]), "count", None),
                "average_age": getattr(equipment.get(kind["code"]), "average_age", None),
                "reconditioned_percent": getattr(
                    equipment.get(kind["code"]), "reconditioned_percent", None
                ),
                "renewal_years": getattr(equipment.get(kind["code"]), "renewal_years", None),
            },
        )
        for kind in equipment_kinds
    }
    if request.method == "POST":
        if diagnostic.is_completed:
            messages.error(
                request, _("Ce diagnostic est terminé : son inventaire ne peut plus être modifié.")
            )
            return redirect("maturity:inventory", pk=pk)
        lines, usage_errors = inventory_rules.declared(
            usages,
            {u["code"]: request.POST.getlist(f"tools-{u['code']}") for u in usages},
            {u["code"]: request.POST.get(f"other-{u['code']}", "") for u in usages},
            [u["code"] for u in usages if request.POST.get(f"none-{u['code']}")],
        )
        equipment_valid = all(form.is_valid() for form in equipment_forms.values())
        if equipment_valid and not usage_errors:
            try:
                services.save_inventory(
                    diagnostic=diagnostic,
                    lines=lines,
                    equipment={code: form.cleaned_data for code, form in equipment_forms.items()},
                    by=request.user,
                )
            except services.DiagnosticError as exc:
                messages.error(request, str(exc))
                return redirect("maturity:inventory", pk=pk)
            messages.success(request, _("L'inventaire est enregistré."))
            return redirect("maturity:inventory", pk=pk)
        if usage_errors:
            errors.append(_("Certains usages sont à corriger : voyez les messages ci-dessous."))
        if not equipment_valid:
            errors.append(
                _(
                    "Certaines valeurs d'équipement ne sont pas valides : corrigez les champs "
                    "signalés."
                )
            )
    chosen: dict[str, set[str]] = {}
    others: dict[str, list[str]] = {}
    without: set[str] = set()
    for item in items:
        usage = next((u for u in usages if u["code"] == item.usage), None)
        if item.without_tool:
            without.add(item.usage)
        elif usage and item.tool_name in {t["name"] for t in usage["common_tools"]}:
            chosen.setdefault(item.usage, set()).add(item.tool_name)
        else:
            others.setdefault(item.usage, []).append(item.tool_name)
    if request.method == "POST":
        chosen = {u["code"]: set(request.POST.getlist(f"tools-{u['code']}")) for u in usages}
        others = {u["code"]: [request.POST.get(f"other-{u['code']}", "")] for u in usages}
        without = {u["code"] for u in usages if request.POST.get(f"none-{u['code']}")}
    rows = [
        {
            "usage": u,
            "chosen": chosen.get(u["code"], set()),
            "other": ", ".join(others.get(u["code"], [])),
            "without_tool": u["code"] in without,
            "error": usage_errors.get(u["code"], ""),
        }
        for u in usages
    ]
    return TemplateResponse(
        request,
        "maturity/inventory.html",
        {
            "diagnostic": diagnostic,
            "structure": structure,
            "rows": rows,
            "equipment": [(kind, equipment_forms[kind["code"]]) for kind in equipment_kinds],
            "errors": errors,
        },
        status=400 if errors else 200,
    )
