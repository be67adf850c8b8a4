"""Django 6.1's ``MAILERS`` setting from one ``EMAIL_URL`` (read by the settings; imports nothing of Django's)."""

import environ

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_TIMEOUT = 20  # seconds: a stuck mail server must not hold a worker


def mailers_from_url(url: str) -> dict:
    """``smtp://user:pass@host:port``, ``smtp+tls://…`` (STARTTLS), ``smtp+ssl://…`` (implicit TLS),
    ``consolemail://``, ``filemail:///path``, ``memorymail://``; user and password percent-encoded."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend == SMTP_BACKEND:
        options = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"],
            "username": config["EMAIL_HOST_USER"] or None,
            "password": config["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": bool(config.get("EMAIL_USE_TLS", False)),
            "use_ssl": bool(config.get("EMAIL_USE_SSL", False)),
            "timeout": SMTP_TIMEOUT,
        }
    elif config.get("EMAIL_FILE_PATH"):
        options = {"file_path": config["EMAIL_FILE_PATH"]}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
