"""The national référentiel of indicators: list for everyone signed in, editing for CNAM agents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from secpa_portal.core.errors import DomainError

from ..forms.indicators import IndicatorForm
from ..models import Indicator
from ..perms import conventions as perms
from ..services.indicators import EDITABLE_FIELDS, indicator_save


def _crumbs(*items):
    trail = [(_("Conventions"), reverse("conventions:list"))]
    if items:
        return trail + [(_("Référentiel des indicateurs"), reverse("conventions:indicator_list")), *items]
    return trail + [(_("Référentiel des indicateurs"), None)]


def indicator_list(request):
    if not perms.can_manage_indicators(request.user):
        raise Http404
    indicators = Indicator.objects.order_by("-is_activity", "order", "code")
    return render(request, "conventions/indicator_list.html", {"indicators": indicators, "breadcrumb": _crumbs()})


def indicator_form(request, pk=None):
    if not perms.can_manage_indicators(request.user):
        raise Http404
    indicator = get_object_or_404(Indicator, pk=pk) if pk is not None else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        try:
            saved = indicator_save(
                user=request.user,
                fields=fields,
                indicator=indicator,
                code=form.cleaned_data.get("code", ""),
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'indicateur « %(label)s » est enregistré.") % {"label": saved.label})
            return redirect("conventions:indicator_list")
    return render(
        request,
        "conventions/indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "breadcrumb": _crumbs((indicator.label if indicator else _("Nouvel indicateur"), None)),
        },
    )
