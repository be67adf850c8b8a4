"""The dashboard: one page per role, made of each app's section (site level: may import every app)."""

from django.shortcuts import render

from conventions.selectors import dashboard_context as conventions_dashboard
from dotations.selectors import dashboard_context as dotations_dashboard
from structures.selectors import dashboard_context as structures_dashboard


def dashboard(request):
    context = {
        "structures_section": structures_dashboard(request.user),
        "conventions_section": conventions_dashboard(request.user),
        "dotations_section": dotations_dashboard(request.user),
    }
    return render(request, "site/dashboard.html", context)
