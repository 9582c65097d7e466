"""E-mail digests: the alerts waiting for one address, in Arabic or English, as text and HTML.

``render_digest`` is pure (every value from a source is escaped in the HTML part);
``send_mail`` is the one place that talks SMTP (``smtplib``: STARTTLS, implicit TLS or plain,
with a login when the settings give one).
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from marsad.alerts.model import Delivery

_TEXT = {
    "ar": {
        "subject": "مرصد: {n} تنبيه",
        "intro": "قصص تتابعها تحرّكت:",
        "new": "قصة جديدة",
        "growing": "قصة تكبر",
        "language": "قصة بلغة جديدة",
        "breaking": "خبر عاجل",
        "sources": "{s} مصدر، {a} مقال",
        "footer": "تصلك هذه الرسالة لأنك طلبت تنبيهات بالبريد في مرصد.",
    },
    "en": {
        "subject": "Marsad: {n} alert(s)",
        "intro": "Stories you follow have moved:",
        "new": "New story",
        "growing": "Growing story",
        "language": "Story in a new language",
        "breaking": "Breaking",
        "sources": "{s} sources, {a} articles",
        "footer": "You receive this because you asked Marsad for e-mail alerts.",
    },
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password: str = ""
    sender: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpSettings:
        return cls(
            host=str(settings.smtp_host or ""),
            port=int(settings.smtp_port),
            security=str(settings.smtp_security),
            user=str(settings.smtp_user or ""),
            password=str(settings.smtp_password or ""),
            sender=str(settings.smtp_from or ""),
        )


def next_digest_time(now: datetime, cadence: str) -> datetime:
    """When a digest with an alert made at ``now`` goes out: the next full hour (UTC), or
    the next midnight (UTC) for ``daily``."""
    now = now.astimezone(UTC)
    if cadence == "daily":
        return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _event_label(event: str, words: dict[str, str]) -> str:
    return words.get(event.split(":", 1)[0], event)


def _story_title(story: dict[str, Any], language: str) -> str:
    if language == "ar":
        return str(story.get("title_ar") or story.get("title") or "")
    return str(story.get("title") or story.get("title_ar") or "")


def render_digest(
    deliveries: Sequence[Delivery], language: str, *, base_url: str = ""
) -> tuple[str, str, str]:
    """(subject, text, html) of a digest of ``deliveries`` in ``language`` ("ar" or "en")."""
    words = _TEXT.get(language, _TEXT["en"])
    direction = "rtl" if language == "ar" else "ltr"
    subject = words["subject"].format(n=len(deliveries))
    lines = [words["intro"], ""]
    items = []
    for d in deliveries:
        story = d.payload.get("story", {})
        title = _story_title(story, language)
        label = _event_label(d.event, words)
        follow = str(d.payload.get("follow", {}).get("label") or "")
        counts = words["sources"].format(
            s=story.get("source_count", 0), a=story.get("article_count", 0)
        )
        link = story_link(story, base_url)
        lines.append(f"- {label} ({follow}): {title}")
        lines.append(f"  {counts}" + (f" {link}" if link else ""))
        title_html = html.escape(title)
        if link:
            title_html = f'<a href="{html.escape(str(link), quote=True)}">{title_html}</a>'
        items.append(
            f"<li><strong>{html.escape(label)}</strong> ({html.escape(follow)}): "
            f'<span dir="auto">{title_html}</span><br><small>{html.escape(counts)}</small></li>'
        )
    lines += ["", words["footer"]]
    body_html = (
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>"
        f"<p>{html.escape(words['intro'])}</p><ul>{''.join(items)}</ul>"
        f"<p><small>{html.escape(words['footer'])}</small></p></body></html>"
    )
    return subject, "\n".join(lines) + "\n", body_html


def build_message(
    smtp: SmtpSettings, to: str, deliveries: Sequence[Delivery], language: str, base_url: str = ""
) -> EmailMessage:
    subject, text, body_html = render_digest(deliveries, language, base_url=base_url)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = smtp.sender or "marsad@localhost"
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="marsad")
    # The receiver's idempotency key: the deliveries this mail carries.
    message["X-Marsad-Delivery"] = ",".join(str(d.id) for d in deliveries)
    message.set_content(text)
    message.add_alternative(body_html, subtype="html")
    return message


def story_link(story: dict[str, Any], base_url: str) -> str:
    """The story's address for a mail client: the site's path made absolute with the
    ``public_url`` setting; without it no link (a bare path opens nothing in a mail)."""
    path = str(story.get("url") or (f"/stories/{story['id']}" if story.get("id") else ""))
    if not path.startswith("/"):
        return path
    return f"{base_url.rstrip('/')}{path}" if base_url and path else ""


def send_mail(smtp: SmtpSettings, message: EmailMessage, *, timeout: float = 30.0) -> None:
    """Send one message; raises ``OSError`` / ``smtplib.SMTPException`` on failure."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        client.send_message(message)


__all__ = [
    "SmtpSettings",
    "build_message",
    "next_digest_time",
    "render_digest",
    "send_mail",
    "story_link",
]
