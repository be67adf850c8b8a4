"""With DEBUG off, the portal is secure by default: three variables make `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DEBUG": "false",
    "TESTING": "false",
    "SECRET_KEY": "deploy-check-a-long-random-string-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "secpa.example.gouv.fr",
    "DATABASE_URL": "postgres://secpa@127.0.0.1:5432/secpa",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.STORAGES['default']['BACKEND'])"
)


def _run(*args, **extra):
    env = {"PATH": os.environ["PATH"], **REQUIRED, **extra}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_only_the_three_required_variables():
    result = _run("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_and_ssl_redirect_are_on_unless_turned_off():
    assert _run("shell", "--no-imports", "-c", SHOW).stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "django.core.files.storage.FileSystemStorage",
    ]
    behind_proxy = _run("shell", "--no-imports", "-c", SHOW, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    assert behind_proxy.stdout.split()[:2] == ["False", "0"]


def test_s3_settings_switch_the_document_storage():
    result = _run(
        "shell", "--no-imports", "-c", SHOW, S3_BUCKET="secpa-documents", S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )
    assert result.stdout.split()[-1] == "storages.backends.s3.S3Storage", result.stderr
