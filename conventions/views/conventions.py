from django.shortcuts import get_object_or_404, redirect, render

from ..models import Convention


def convention_detail(request, pk):
    convention = get_object_or_404(Convention.objects.visible_to(request.user).select_related("structure"), pk=pk)
    return render(request, "conventions/detail.html", {"convention": convention})


def amendment_detail(request, pk, number):
    convention = get_object_or_404(Convention.objects.visible_to(request.user), pk=pk)
    return redirect("conventions:detail", convention.pk)
