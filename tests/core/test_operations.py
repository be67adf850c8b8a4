"""Operations: /readyz, request ids in JSON logs, the worker's heartbeat."""

import datetime
import json
import logging
import threading

import pytest
from django.db import DatabaseError

from secpa_portal.core.management.commands.worker import beat
from secpa_portal.core.models import WorkerHeartbeat
from secpa_portal.core.request_log import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_readyz_is_ready_with_the_database_and_a_live_worker(client, db_tasks, time_machine):
    time_machine.move_to(NOW, tick=False)
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=NOW - datetime.timedelta(seconds=20))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"statut": "prêt", "base_de_donnees": "ok", "worker": "ok (1 actif)"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_in_french_when_the_worker_is_silent(client, db_tasks, time_machine):
    time_machine.move_to(NOW, tick=False)
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=NOW - datetime.timedelta(seconds=90))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "statut": "indisponible",
        "base_de_donnees": "ok",
        "worker": "aucun signe de vie depuis 60 s",
    }


def test_readyz_answers_503_when_the_database_is_down(client, db_tasks, monkeypatch):
    def down(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("secpa_portal.core.readiness.connection.cursor", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["base_de_donnees"] == "injoignable"


def test_readyz_without_workers_in_development(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["worker"].startswith("sans objet")


def test_the_worker_heartbeat_is_written_then_removed_when_it_stops(monkeypatch):
    seen = []
    stop = threading.Event()

    def wait(timeout):
        seen.append(list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)))
        return True  # stop after the first beat

    monkeypatch.setattr(stop, "wait", wait)
    monkeypatch.setattr("secpa_portal.core.management.commands.worker.connection.close", lambda: None)
    monkeypatch.setattr("secpa_portal.core.management.commands.worker.close_old_connections", lambda: None)
    beat("worker-42", stop)
    assert seen == [["worker-42"]]
    assert not WorkerHeartbeat.objects.exists()


def test_every_response_carries_a_request_id_and_a_valid_given_one_is_kept(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"})["X-Request-ID"] == "proxy-1234abcd"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\nINFO fake line"})["X-Request-ID"]
    assert "\n" not in forged and forged != "x\nINFO fake line"


def test_log_lines_are_json_with_the_request_id(client, monkeypatch):
    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/nope", headers={"X-Request-ID": "req-0123456789"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    entry = json.loads(lines[-1])
    assert entry["request_id"] == "req-0123456789"
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert "/nope" in entry["message"]
