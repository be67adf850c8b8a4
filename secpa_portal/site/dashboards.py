"""The dashboard: one page per role, made of each app's section (site level: may import every app)."""

from django.shortcuts import render

from conventions.selectors import dashboard_context as conventions_dashboard
from dotations.models import Consultation
from dotations.selectors import dashboard_context as dotations_dashboard
from structures.selectors import dashboard_context as structures_dashboard


def dashboard(request):
    if request.user.is_has_agent:
        # The HAS is invited to the consultations on the barème and sees nothing else (issue 13 §3).
        consultations = Consultation.objects.visible_to(request.user).select_related("campaign")
        return render(request, "site/dashboard_has.html", {"consultations": list(consultations[:10])})
    context = {
        "structures_section": structures_dashboard(request.user),
        "conventions_section": conventions_dashboard(request.user),
        "dotations_section": dotations_dashboard(request.user),
    }
    return render(request, "site/dashboard.html", context)
