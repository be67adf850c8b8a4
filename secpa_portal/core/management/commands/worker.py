"""The task worker of docs/deployment.md: django-tasks-db's ``db_worker`` plus a heartbeat for ``/readyz``."""

import logging
import threading

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from secpa_portal.core.models import WorkerHeartbeat

HEARTBEAT_SECONDS = 15
logger = logging.getLogger(__name__)


def beat(worker_id: str, stop: threading.Event) -> None:
    while True:
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})
        except Exception:  # noqa: BLE001 — a database hiccup must not stop the worker; /readyz will tell
            logger.exception("worker heartbeat not written")
        if stop.wait(HEARTBEAT_SECONDS):
            break
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    connection.close()


class Command(DbWorkerCommand):
    help = "Exécute les tâches (django-tasks-db) et signale sa présence toutes les 15 s pour /readyz."

    def handle(self, *args, **options):
        stop = threading.Event()
        heartbeat = threading.Thread(target=beat, args=(options["worker_id"], stop), daemon=True)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            heartbeat.join(timeout=5)
