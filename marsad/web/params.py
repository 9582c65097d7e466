"""Reading query parameters with bounds: bad values become a 400 with a clear message."""

from __future__ import annotations

import re

from starlette.requests import Request

from marsad.errors import UserError

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
MAX_LIMIT = 100
MAX_OFFSET = 100_000
MAX_PAGE = 1_000


def int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(
            f"parameter '{name}' must be a whole number, got {raw[:40]!r}",
            message_ar=f"المعامل '{name}' يجب أن يكون عددًا صحيحًا",
        ) from None
    if not low <= value <= high:
        raise UserError(
            f"parameter '{name}' must be between {low} and {high}, got {value}",
            message_ar=f"المعامل '{name}' يجب أن يكون بين {low} و{high}",
        )
    return value


def limit_offset(request: Request, default_limit: int = 20) -> tuple[int, int]:
    return (
        int_param(request, "limit", default_limit, low=1, high=MAX_LIMIT),
        int_param(request, "offset", 0, low=0, high=MAX_OFFSET),
    )


def page_param(request: Request) -> int:
    return int_param(request, "page", 1, low=1, high=MAX_PAGE)


def id_param(raw: str, what: str) -> int:
    """A numeric id from the path; anything else is an unknown id (404)."""
    from marsad.errors import NotFoundError

    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise NotFoundError(f"unknown {what}: {raw[:40]}", message_ar=f"غير موجود: {raw[:40]}")
    return int(raw)


def country_param(value: str | None, name: str = "country") -> str | None:
    if value is None or value == "":
        return None
    if not _COUNTRY.match(value):
        raise UserError(
            f"parameter '{name}' must be a two-letter country code, got {value[:40]!r}",
            message_ar=f"المعامل '{name}' يجب أن يكون رمز بلد من حرفين",
        )
    return value.upper()


def language_param(value: str | None, name: str = "language") -> str | None:
    if value is None or value == "":
        return None
    if not _LANGUAGE.match(value):
        raise UserError(
            f"parameter '{name}' must be a two-letter language code, got {value[:40]!r}",
            message_ar=f"المعامل '{name}' يجب أن يكون رمز لغة من حرفين",
        )
    return value.lower()


__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "country_param",
    "id_param",
    "int_param",
    "language_param",
    "limit_offset",
    "page_param",
]
