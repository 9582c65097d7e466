"""/me/alerts: a reader's alert rules on their follows, recent deliveries and dead letters.

Every object is looked up with the signed-in user's id (another user's rule or delivery is a
404, never a 403 that would confirm it exists); every form carries the session's CSRF token
(``marsad.web.auth``). The interface strings of these pages are here, in Arabic and English.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from marsad.accounts.model import User
from marsad.alerts.chat import check_apprise_url
from marsad.alerts.model import CADENCES, CHANNELS, DEAD, DEFAULT_PARAMS, LANGUAGES, MODES
from marsad.alerts.webhook import validate_webhook_url
from marsad.errors import NotFoundError, UserError
from marsad.store.alerts import Alerts
from marsad.web import auth
from marsad.web.params import id_param
from marsad.web.state import request_language, web_state

RECENT = 30  # deliveries shown
# Bounds on what one account can make the server send: alert rules in all, and rules posting to
# one webhook URL (each rule is a delivery per story: many on one URL would flood its owner).
MAX_RULES = 50
MAX_RULES_PER_WEBHOOK = 10
TEXT: dict[str, dict[str, str]] = {
    "ar": {
        "title": "التنبيهات",
        "help": "اختر لكل متابعة متى تُنبَّه وإلى أين يصل التنبيه.",
        "no_follows": "لا متابعات بعد: تابع بلدًا أو كيانًا أو احفظ بحثًا أولًا.",
        "rules": "القواعد",
        "add": "أضف تنبيهًا",
        "remove": "احذف",
        "mode": "متى",
        "mode.new": "قصة جديدة",
        "mode.growing": "قصة تكبر",
        "mode.breaking": "خبر عاجل",
        "channel": "إلى",
        "channel.webhook": "Webhook",
        "channel.email": "بريد إلكتروني",
        "channel.apprise": "Apprise",
        "target": "العنوان",
        "cadence": "الملخص",
        "cadence.hourly": "كل ساعة",
        "cadence.daily": "يوميًا",
        "language": "اللغة",
        "sources": "مصادر",
        "hours": "ساعات",
        "minutes": "دقائق",
        "secret": "سرّ التوقيع",
        "deliveries": "آخر التنبيهات",
        "dead": "تنبيهات تعذّر إيصالها",
        "retry": "أعد المحاولة",
        "none": "لا شيء بعد.",
        "status.pending": "في الانتظار",
        "status.sent": "أُرسل",
        "status.dead": "تعذّر",
        "attempts": "محاولات",
        "error": "الخطأ",
        "back": "صفحتي",
    },
    "en": {
        "title": "Alerts",
        "help": "For each follow, choose when you are alerted and where the alert goes.",
        "no_follows": "No follows yet: follow a country or an entity, or save a search, first.",
        "rules": "Rules",
        "add": "Add an alert",
        "remove": "Remove",
        "mode": "When",
        "mode.new": "New story",
        "mode.growing": "Growing story",
        "mode.breaking": "Breaking",
        "channel": "To",
        "channel.webhook": "Webhook",
        "channel.email": "E-mail",
        "channel.apprise": "Apprise",
        "target": "Address",
        "cadence": "Digest",
        "cadence.hourly": "Hourly",
        "cadence.daily": "Daily",
        "language": "Language",
        "sources": "sources",
        "hours": "hours",
        "minutes": "minutes",
        "secret": "Signing secret",
        "deliveries": "Recent alerts",
        "dead": "Alerts that could not be delivered",
        "retry": "Try again",
        "none": "Nothing yet.",
        "status.pending": "waiting",
        "status.sent": "sent",
        "status.dead": "failed",
        "attempts": "tries",
        "error": "Error",
        "back": "My page",
    },
}


def _user(request: Request) -> User:
    user = auth.current_user(request)
    if user is None:
        raise auth.LoginRequired("sign in first", message_ar="سجّل الدخول أولًا")
    return user


def _alerts(request: Request) -> Alerts:
    return Alerts(web_state(request).store)


def _back() -> Response:
    return RedirectResponse("/me/alerts", status_code=303, headers={"Cache-Control": "no-store"})


def alerts_page(request: Request) -> Response:
    from marsad.web.pages import render

    user = _user(request)
    st = web_state(request)
    lang = request_language(request)
    tr = st.catalogues.translator(lang)
    words = TEXT.get(lang, TEXT["en"])
    alerts = _alerts(request)
    follows = auth.accounts_of(st).list_follows(user.id)
    rules = alerts.list_rules(user.id)
    by_follow: dict[int, list[Any]] = {}
    for rule in rules:
        by_follow.setdefault(rule.follow_id, []).append(rule)
    body = render(
        st,
        tr,
        "alerts.html",
        "/me/alerts",
        csrf=auth.csrf_token(request),
        title=words["title"],
        a=lambda key: words.get(key, key),
        follows=follows,
        rules=by_follow,
        deliveries=alerts.user_deliveries(user.id, limit=RECENT),
        dead=alerts.user_deliveries(user.id, status=DEAD, limit=RECENT),
        modes=MODES,
        channels=CHANNELS,
        cadences=CADENCES,
        languages=LANGUAGES,
        defaults=DEFAULT_PARAMS,
        user=user,
    )
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Vary": "Cookie"},
    )


def _choice(form: Any, name: str, allowed: tuple[str, ...]) -> str:
    value = str(form.get(name) or "")
    if value not in allowed:
        raise UserError(
            f"{name}: choose one of {', '.join(allowed)}", message_ar=f"{name}: اختيار غير صالح"
        )
    return value


def _number(form: Any, name: str, low: int, high: int, default: int) -> int:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UserError(
            f"{name}: a number from {low} to {high}", message_ar=f"{name}: رقم غير صالح"
        )
    return int(raw)


def _target(channel: str, raw: str, allow_private: bool) -> str:
    target = raw.strip()
    if channel == "webhook":
        return validate_webhook_url(target, allow_private_networks=allow_private)
    if channel == "apprise":
        return check_apprise_url(target, allow_private_networks=allow_private, resolve=False)
    raise AssertionError(f"no free target for {channel}")  # e-mail: see _email_target


def _email_target(user: User, raw: str) -> str:
    """An e-mail rule goes to the account's own address only (set by an admin with
    ``marsad users add --email``): a free address would let anyone send the site's mail to
    whomever they like. The form may leave the address empty or give that same address."""
    own = (user.email or "").strip()
    if not own:
        raise UserError(
            "your account has no e-mail address: ask an admin to set one",
            message_ar="لا بريد إلكتروني لحسابك: اطلب من المشرف إضافته",
        )
    given = raw.strip()
    if given and given.casefold() != own.casefold():
        raise UserError(
            "e-mail alerts go to your account's own address only",
            message_ar="تنبيهات البريد تصل إلى عنوان حسابك وحده",
        )
    return own


def _check_caps(alerts: Alerts, user: User, channel: str, target: str) -> None:
    rules = alerts.list_rules(user.id)
    if len(rules) >= MAX_RULES:
        raise UserError(
            f"at most {MAX_RULES} alert rules", message_ar=f"الحد {MAX_RULES} قاعدة تنبيه"
        )
    if channel == "webhook":
        same = sum(1 for r in rules if r.channel == "webhook" and r.target == target)
        if same >= MAX_RULES_PER_WEBHOOK:
            raise UserError(
                f"at most {MAX_RULES_PER_WEBHOOK} alert rules to one webhook",
                message_ar=f"الحد {MAX_RULES_PER_WEBHOOK} قواعد لعنوان webhook واحد",
            )


async def add_rule(request: Request) -> Response:
    form = await request.form()
    user = _user(request)
    auth.check_csrf(request, form)
    st = web_state(request)
    follow_id = id_param(str(form.get("follow_id") or ""), "follow")
    mode = _choice(form, "mode", MODES)
    channel = _choice(form, "channel", CHANNELS)
    cadence = str(form.get("cadence") or "hourly")
    cadence = cadence if cadence in CADENCES else "hourly"
    language = str(form.get("language") or user.language)
    language = language if language in LANGUAGES else "ar"
    params: dict[str, int] = {}
    if mode == "growing":
        params = {
            "sources": _number(form, "sources", 1, 1000, 3),
            "hours": _number(form, "hours", 1, 24 * 14, 24),
            "new_language": 1 if form.get("new_language") else 0,
        }
    elif mode == "breaking":
        params = {
            "sources": _number(form, "sources", 2, 1000, 5),
            "minutes": _number(form, "minutes", 1, 24 * 60, 60),
        }
    allow = bool(st.settings.alerts_allow_private_networks)
    raw_target = str(form.get("target") or "")
    if channel == "email":
        target = _email_target(user, raw_target)
    else:
        target = _target(channel, raw_target, allow)
    alerts = _alerts(request)
    # A rule added between this count and the insert (two forms at once) can pass the cap by
    # one or two; the cap bounds flooding, it is no exact quota.
    _check_caps(alerts, user, channel, target)
    alerts.add_rule(
        user.id,
        follow_id,
        mode=mode,
        channel=channel,
        target=target,
        params=params,
        cadence=cadence,
        language=language,
    )
    return _back()


async def remove_rule(request: Request) -> Response:
    form = await request.form()
    user = _user(request)
    auth.check_csrf(request, form)
    rule_id = id_param(request.path_params["id"], "alert rule")
    if not _alerts(request).remove_rule(user.id, rule_id):
        raise NotFoundError("no such alert rule", message_ar="لا قاعدة تنبيه كهذه")
    return _back()


async def retry(request: Request) -> Response:
    form = await request.form()
    user = _user(request)
    auth.check_csrf(request, form)
    delivery_id = id_param(request.path_params["id"], "delivery")
    if not _alerts(request).retry_dead(user.id, delivery_id):
        raise NotFoundError("no such dead letter", message_ar="لا تنبيه متعذّر كهذا")
    return _back()


def routes() -> list[BaseRoute]:
    return [
        Route("/me/alerts", alerts_page),
        Route("/me/alerts/rules", add_rule, methods=["POST"]),
        Route("/me/alerts/rules/{id}/remove", remove_rule, methods=["POST"]),
        Route("/me/alerts/deliveries/{id}/retry", retry, methods=["POST"]),
    ]


__all__ = ["MAX_RULES", "MAX_RULES_PER_WEBHOOK", "TEXT", "routes"]
