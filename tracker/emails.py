"""One function per e-mail. Each e-mail is three templates in templates/emails/:
<name>-subject.txt, <name>-body.txt and <name>-body.html. The functions build the message;
the caller sends it, so that it decides when the connection opens and closes."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def _message(name: str, to: str, context: dict, headers: dict) -> EmailMultiAlternatives:
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    return message


def digest(to: str, context: dict, *, headers: dict) -> EmailMultiAlternatives:
    return _message("digest", to, context, headers)


def notification_channel_paused(to: str, context: dict) -> EmailMultiAlternatives:
    return _message("notification-paused", to, context, {"Auto-Submitted": "auto-generated"})
