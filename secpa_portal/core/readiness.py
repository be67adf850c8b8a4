"""``/readyz``: is this server ready for traffic — the database answers and a task worker is alive."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .formats import plural
from .models import WorkerHeartbeat

# Three missed heartbeats (one every 15 s) and the worker is taken for dead.
WORKER_SILENCE = timedelta(seconds=60)


def _uses_workers() -> bool:
    return "immediate" not in settings.TASKS["default"]["BACKEND"].lower()


@login_not_required
@never_cache
def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["base_de_donnees"] = "ok"
    except DatabaseError:
        checks["base_de_donnees"] = "injoignable"
    if not _uses_workers():
        checks["worker"] = "sans objet (tâches exécutées immédiatement)"
    elif checks["base_de_donnees"] != "ok":
        checks["worker"] = "inconnu (base de données injoignable)"
    else:
        since = timezone.now() - WORKER_SILENCE
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=since).count()
        checks["worker"] = (
            f"ok ({alive} {plural(alive, 'actif', 'actifs')})" if alive else "aucun signe de vie depuis 60 s"
        )
    ready = all(value == "ok" or value.startswith(("ok ", "sans objet")) for value in checks.values())
    body = {"statut": "prêt" if ready else "indisponible", **checks}
    return JsonResponse(body, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False})
