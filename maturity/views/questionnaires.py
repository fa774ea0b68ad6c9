"""CRESS admins: the versions of the questionnaire (import, export, drafts, publication)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import cress_admin_required
from maturity import questionnaire_file, versions
from maturity.forms import NewDraftForm, QuestionnaireUploadForm
from maturity.models import Questionnaire
from maturity.structure import structure_for


@cress_admin_required
def questionnaires(request):
    """CRESS admins: versions of the questionnaire; import a file as a new draft."""
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data, errors = questionnaire_file.load(form.cleaned_data["file"])
        if not errors:
            try:
                questionnaire = questionnaire_file.import_questionnaire(
                    data, created_by=request.user
                )
            except questionnaire_file.QuestionnaireFileError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("La version %(v)s est importée comme brouillon.")
                    % {"v": questionnaire.version},
                )
                return redirect("maturity:questionnaire_detail", pk=questionnaire.pk)
    return TemplateResponse(
        request,
        "maturity/questionnaires.html",
        {"questionnaires": Questionnaire.objects.all(), "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@cress_admin_required
def questionnaire_detail(request, pk):
    """CRESS admins: one version, its content and validation."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    structure = structure_for(questionnaire)
    _data, errors = questionnaire_file.clean(questionnaire_file.export_questionnaire(questionnaire))
    return TemplateResponse(
        request,
        "maturity/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "structure": structure,
            "errors": errors,
            "draft_form": NewDraftForm(),
            "upload_form": QuestionnaireUploadForm(),
            "diagnostics": questionnaire.diagnostics.count(),
        },
    )


@cress_admin_required
def questionnaire_export(request, pk):
    """CRESS admins: the version as a YAML file."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    text = questionnaire_file.dump(
        questionnaire_file.export_questionnaire(questionnaire),
        schema_url=request.build_absolute_uri(reverse("maturity:questionnaire_schema")),
    )
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaire-{questionnaire.version}.yaml"'
    )
    return response


@cress_admin_required
@require_POST
def questionnaire_new_draft(request, pk):
    """CRESS admins: copy a version into a new draft."""
    source = get_object_or_404(Questionnaire, pk=pk)
    form = NewDraftForm(request.POST)
    if form.is_valid():
        try:
            draft = versions.new_draft_from(
                source, version=form.cleaned_data["version"], created_by=request.user
            )
        except questionnaire_file.QuestionnaireFileError as exc:
            messages.error(request, " ".join(exc.errors))
        else:
            messages.success(request, _("Brouillon %(v)s créé.") % {"v": draft.version})
            return redirect("maturity:questionnaire_detail", pk=draft.pk)
    else:
        messages.error(request, _("Indiquez un numéro de version (20 caractères au plus)."))
    return redirect("maturity:questionnaire_detail", pk=pk)


@cress_admin_required
@require_POST
def questionnaire_replace(request, pk):
    """CRESS admins: replace a draft's content by an edited file (nothing changes on error)."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    form = QuestionnaireUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("maturity:questionnaire_detail", pk=pk)
    data, errors = questionnaire_file.load(form.cleaned_data["file"])
    if not errors:
        try:
            questionnaire_file.import_questionnaire(data, replace=questionnaire)
        except questionnaire_file.QuestionnaireFileError as exc:
            errors = exc.errors
    if errors:
        return TemplateResponse(
            request,
            "maturity/questionnaires.html",
            {
                "questionnaires": Questionnaire.objects.all(),
                "form": QuestionnaireUploadForm(),
                "errors": errors,
            },
            status=400,
        )
    messages.success(request, _("Le brouillon est mis à jour."))
    return redirect("maturity:questionnaire_detail", pk=pk)


@cress_admin_required
@require_POST
def questionnaire_publish(request, pk):
    """CRESS admins: publish a draft; the former version is archived, its diagnostics keep it."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    try:
        versions.publish(questionnaire)
    except versions.VersionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("La version %(v)s est publiée : les nouveaux diagnostics l'utiliseront.")
            % {"v": questionnaire.version},
        )
    return redirect("maturity:questionnaire_detail", pk=pk)
