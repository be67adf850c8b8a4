from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def legal_notice(request):
    return render(request, "core/legal_notice.html")


@login_not_required
def personal_data(request):
    return render(request, "core/personal_data.html")
