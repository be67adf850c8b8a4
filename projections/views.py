"""Projection scenario pages (issue 13 §1): list, create, edit, detail with results, duplicate, recompute,
compare two or three, XLSX export and the two-page note. CNAM agents write; the national steering reads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from secpa_portal.core.errors import DomainError

from . import exports, perms, report, services
from .forms import GroupForm, GroupFormSet, ScenarioForm
from .models import Scenario

LIST_SHOWN = 200
COMPARE_MAX = 3


def _require_view(user):
    if not perms.can_view(user):
        raise Http404


def _require_edit(user):
    if not perms.can_edit(user):
        raise Http404


def _scenario_or_404(user, pk) -> Scenario:
    _require_view(user)
    return get_object_or_404(Scenario.objects.visible_to(user).select_related("campaign", "created_by"), pk=pk)


def _crumbs(*tail):
    return [(_("Projections"), reverse("projections:list")), *tail]


@require_GET
def scenario_list(request):
    _require_view(request.user)
    scenarios = list(
        Scenario.objects.visible_to(request.user).select_related("campaign", "created_by")[: LIST_SHOWN + 1]
    )
    rows = [(scenario, report.tables(scenario)) for scenario in scenarios[:LIST_SHOWN]]
    return render(
        request,
        "projections/list.html",
        {
            "rows": rows,
            "more": len(scenarios) > LIST_SHOWN,
            "can_edit": perms.can_edit(request.user),
            "crumbs": [(_("Projections"), None)],
        },
    )


def _form_page(request, scenario=None):
    _require_edit(request.user)
    if request.method == "POST":
        form = ScenarioForm(request.POST, scenario=scenario)
        formset = GroupFormSet(request.POST, prefix="groups")
        if form.is_valid() and formset.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                if scenario is None:
                    saved = services.create_scenario(user=request.user, data=data, groups=formset.groups())
                    messages.success(request, _("Scénario enregistré et calculé."))
                else:
                    saved = services.update_scenario(
                        user=request.user,
                        scenario=scenario,
                        data=data,
                        groups=formset.groups(),
                        version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("Scénario modifié et recalculé."))
                return redirect("projections:detail", saved.pk)
            except DomainError as error:
                form.add_error(None, error.message)
            except ValidationError as error:  # a model validation refused a value the form let through
                for message in error.messages:
                    form.add_error(None, message)
    elif scenario is not None:
        form = ScenarioForm(initial=ScenarioForm.initial_from(scenario), scenario=scenario)
        formset = GroupFormSet(
            prefix="groups", initial=[GroupForm.initial_from(group) for group in scenario.groups.all()]
        )
    else:
        form = ScenarioForm()
        formset = GroupFormSet(prefix="groups")
    title = _("Modifier le scénario") if scenario else _("Nouveau scénario de projection")
    crumbs = _crumbs(
        *([(scenario.name, reverse("projections:detail", args=[scenario.pk]))] if scenario else []), (title, None)
    )
    return render(
        request,
        "projections/form.html",
        {"form": form, "formset": formset, "scenario": scenario, "title": title, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def scenario_create(request):
    return _form_page(request)


@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk):
    return _form_page(request, _scenario_or_404(request.user, pk))


@require_GET
def scenario_detail(request, pk):
    scenario = _scenario_or_404(request.user, pk)
    data = report.tables(scenario)
    groups = list(scenario.groups.select_related("region"))
    return render(
        request,
        "projections/detail.html",
        {
            "scenario": scenario,
            "data": data,
            "chart": report.chart(data) if data.computed else None,
            "groups": groups,
            "can_edit": perms.can_edit(request.user),
            "crumbs": _crumbs((scenario.name, None)),
        },
    )


@require_POST
def scenario_duplicate(request, pk):
    scenario = _scenario_or_404(request.user, pk)
    _require_edit(request.user)
    try:
        copy = services.duplicate_scenario(user=request.user, scenario=scenario)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("projections:detail", scenario.pk)
    messages.success(request, _("Scénario dupliqué : modifiez ses hypothèses."))
    return redirect("projections:edit", copy.pk)


@require_POST
def scenario_recompute(request, pk):
    scenario = _scenario_or_404(request.user, pk)
    _require_edit(request.user)
    try:
        services.recompute_scenario(user=request.user, scenario=scenario)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scénario recalculé avec les derniers chiffres des structures."))
    return redirect("projections:detail", scenario.pk)


@require_GET
def scenario_compare(request):
    _require_view(request.user)
    ids = []
    for value in request.GET.getlist("s"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    if not 2 <= len(ids) <= COMPARE_MAX:
        messages.error(request, _("Cochez deux ou trois scénarios à comparer."))
        return redirect("projections:list")
    found = {s.pk: s for s in Scenario.objects.visible_to(request.user).select_related("campaign").filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404
    scenarios = [found[pk] for pk in ids]
    columns = [(scenario, report.tables(scenario)) for scenario in scenarios]
    return render(
        request,
        "projections/compare.html",
        {"columns": columns, "crumbs": _crumbs((_("Comparaison"), None))},
    )


@require_GET
def scenario_export(request, pk):
    scenario = _scenario_or_404(request.user, pk)
    return exports.workbook(scenario)


@require_GET
def scenario_note(request, pk):
    from . import pdf

    scenario = _scenario_or_404(request.user, pk)
    return pdf.response(scenario)
