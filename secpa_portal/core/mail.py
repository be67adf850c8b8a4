"""Plain-text French e-mails rendered from ``templates/emails/<name>.txt`` (first line: the subject)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a text template without HTML escaping: « l'équipe » must not reach a mailbox as « l&#x27;équipe »."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def send_templated_mail(*, template: str, context: dict, recipients: list[str]) -> int:
    """Send one message per recipient, so nobody sees the others' addresses. Returns how many were sent."""
    rendered = render_plain_text(f"emails/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, body = rendered.strip().partition("\n")
    sent = 0
    for address in sorted(set(recipients)):
        sent += EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[address]).send()
    return sent
