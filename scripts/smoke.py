"""Production smoke test (`make smoke`): the portal started as docs/deployment.md says, checked in Chromium.

A scratch PostgreSQL database, `migrate`, `collectstatic` (manifest storage), gunicorn with DEBUG off on a free
local port, a django-tasks-db worker, a local SMTP server (aiosmtpd). Chromium then proves that the DSFR styles
apply, that a manager, an ARS agent and a CNAM agent each reach their dashboard, that a transition's e-mail
arrives through SMTP via the worker, and that /nope is the French 404. Every process is stopped at the end.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email import message_from_string, policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/secpa_smoke")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "secpa-demo-2026"
STARTED = time.monotonic()


def step(text):
    print(f"[smoke {time.monotonic() - STARTED:5.1f}s] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


def psql(database_url, sql):
    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"smoke: {url} did not answer within {timeout} s")


def check_in_browser(base_url, structure_pk, inbox):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(locale="fr-FR", base_url=base_url)
            context.set_default_timeout(20_000)
            page = context.new_page()
            refused = []
            page.on("console", lambda message: refused.append(message.text) if "integrity" in message.text else None)
            failed_css = []
            page.on("requestfailed", lambda request: failed_css.append(request.url) if ".css" in request.url else None)

            step("home page: the DSFR stylesheets apply")
            page.goto("/")
            font = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert "Marianne" in font, f"DSFR font not applied: {font!r}"
            header = page.evaluate("getComputedStyle(document.querySelector('.fr-header__body')).display")
            assert header != "inline", "the DSFR header is unstyled"
            sheets = page.evaluate("document.styleSheets.length")
            assert sheets >= 3, f"only {sheets} stylesheets loaded"
            assert not refused, f"stylesheets refused: {refused}"
            assert not failed_css, f"stylesheets failed: {failed_css}"

            step("the French 404")
            response = page.goto("/nope")
            assert response.status == 404, response.status
            expect(page.locator("h1")).to_have_text("Page non trouvée")
            expect(page.get_by_role("link", name="Retour à l'accueil")).to_be_visible()
            assert "Marianne" in page.evaluate("getComputedStyle(document.body).fontFamily")

            for email, scope in [
                ("gestion.idf@secpa.example", "Gestionnaire"),
                ("cnam@secpa.example", "CNAM"),
                ("ars.idf@secpa.example", "Île-de-France"),
            ]:
                step(f"{email} reaches the dashboard")
                page.context.clear_cookies()
                page.goto("/compte/connexion/")
                page.get_by_label("Adresse électronique").fill(email)
                page.get_by_label("Mot de passe").fill(PASSWORD)
                page.get_by_role("button", name="Se connecter").click()
                page.wait_for_url("**/tableau-de-bord/")
                expect(page.locator("#user-scope")).to_contain_text(scope)

            step("the ARS agent takes the submitted file; the managers' e-mail goes through the worker and SMTP")
            before = len(inbox.messages)
            page.goto(f"/structures/{structure_pk}/instruction/")
            page.get_by_role("button", name="Prendre en charge").click()
            expect(page.locator(".fr-alert--success")).to_contain_text("informés par courriel")
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                taken = [
                    (to, text)
                    for to, text in inbox.messages[before:]
                    if "gestion.idf@secpa.example" in to and "instruction" in text
                ]
                if taken:
                    break
                time.sleep(0.3)
            else:
                raise AssertionError(f"no e-mail to the managers after 45 s; inbox: {inbox.messages}")
            message = message_from_string(taken[0][1], policy=policy.default)
            assert "en instruction" in message["Subject"], message["Subject"]
            step(f"e-mail received: « {message['Subject']} »")
        finally:
            browser.close()


def main():
    database = urlsplit(DATABASE_URL).path.lstrip("/")
    smtp_port, http_port = free_port(), free_port()
    scratch = Path(tempfile.mkdtemp(prefix="secpa-smoke-"))
    base_url = f"http://127.0.0.1:{http_port}"
    env = {
        **os.environ,
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "smoke-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SITE_URL": base_url,
        "MEDIA_ROOT": str(scratch / "media"),
        # Plain HTTP on the loopback: the TLS settings an operator turns off when the proxy does it.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        # The smoke accounts sign in with a password only; two-factor enrolment has its own tests.
        "REQUIRE_2FA_FOR_STAFF": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    processes = []
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    try:
        # collectstatic (the slow part: whitenoise compresses every file) runs while the database is prepared.
        step("collectstatic, and meanwhile the scratch database " + database)
        collect = subprocess.Popen(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, start_new_session=True
        )
        processes.append(collect)
        psql(DATABASE_URL, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        psql(DATABASE_URL, f'CREATE DATABASE "{database}"')
        manage(env, "migrate", "--noinput", "-v0")
        structure_pk = manage(env, "seed_smoke", "--force", capture=True).strip().splitlines()[-1]
        controller.start()
        step(f"SMTP on {smtp_port}, a task worker")
        processes.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "worker", "--interval", "0.5", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        if collect.wait() != 0:
            raise SystemExit("smoke: collectstatic failed")
        manage(env, "check", "--deploy", "--fail-level", "ERROR")
        step(f"gunicorn on {http_port}")
        processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "secpa_portal.wsgi", "--bind", f"127.0.0.1:{http_port}", "--workers", "2"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        wait_for(f"{base_url}/healthz")
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=5) as response:
            ready = json.load(response)
        assert ready["statut"] == "prêt" and ready["worker"].startswith("ok"), ready
        step(f"/readyz: {ready}")
        check_in_browser(base_url, structure_pk, inbox)
        step("passed")
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        try:
            controller.stop()
        except AssertionError:
            pass  # never started
        try:
            psql(DATABASE_URL, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            print("smoke: the scratch database could not be dropped", file=sys.stderr)


if __name__ == "__main__":
    main()
