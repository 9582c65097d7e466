"""Dates, times, relative times and numbers as a reader of one language sees them (Babel/CLDR).

One :class:`Formats` per reader language, built from the ``display_timezone`` and ``digits``
settings: times are shown in the display zone (named on every page), Arabic pages use
Arabic-Indic digits when ``digits = "arabic"`` (English pages always Latin ones), and the Hijri
(Umm al-Qura) date stays beside the Gregorian one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_decimal
from hijridate import Gregorian

from marsad.errors import ConfigError
from marsad.web.i18n import ARABIC_INDIC_DIGITS

# Under a minute, "now" says more than "0 minutes ago".
_JUST_NOW = timedelta(seconds=60)


def display_zone(name: str) -> ZoneInfo:
    """The IANA zone of the ``display_timezone`` setting, or a ConfigError naming it."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"setting 'display_timezone' must be an IANA time zone such as Asia/Riyadh, got {name!r}",
            message_ar=f"الإعداد 'display_timezone' يجب أن يكون منطقة زمنية مثل Asia/Riyadh: {name!r}",
        ) from None


@dataclass(frozen=True)
class Formats:
    lang: str
    zone: ZoneInfo
    arabic_digits: bool = False

    def digits(self, text: str) -> str:
        """``text`` with Latin digits made Arabic-Indic on Arabic pages when so configured."""
        return (
            text.translate(ARABIC_INDIC_DIGITS)
            if self.arabic_digits and self.lang == "ar"
            else text
        )

    def number(self, value: int) -> str:
        return self.digits(format_decimal(value, locale=self.lang))

    def _local(self, value: datetime) -> datetime:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(self.zone)

    def date(self, value: datetime | None) -> str:
        """ "28 نوفمبر 2026", "28 November 2026" (in the display zone)."""
        if value is None:
            return ""
        return self.digits(format_date(self._local(value), "d MMMM y", locale=self.lang))

    def time(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return self.digits(format_time(self._local(value), "HH:mm", locale=self.lang))

    def ago(self, value: datetime | None, now: datetime) -> str:
        """ "قبل 3 ساعات", "3 hours ago", by CLDR's relative-time rules and plural forms."""
        if value is None:
            return ""
        delta = value - now
        if abs(delta) < _JUST_NOW:
            return "الآن" if self.lang == "ar" else "just now"
        text = format_timedelta(delta, add_direction=True, threshold=1.0, locale=self.lang)
        return self.digits(text)

    def hijri(self, value: datetime | None) -> str:
        """The Hijri (Umm al-Qura) date, or "" outside the calendar's range (1924-2077)."""
        if value is None:
            return ""
        local = self._local(value)
        try:
            hijri = Gregorian(local.year, local.month, local.day).to_hijri()
        except (OverflowError, ValueError):
            return ""
        if self.lang == "ar":
            text = f"{hijri.day} {hijri.month_name('ar')} {hijri.year} {hijri.notation('ar')}"
        else:
            text = f"{hijri.day} {hijri.month_name('en')} {hijri.year} {hijri.notation('en')}"
        return self.digits(text)

    def zone_label(self, now: datetime) -> str:
        """The display zone as shown on every page: "UTC", "Asia/Riyadh (UTC+03:00)"."""
        name = str(self.zone.key)
        if name in ("UTC", "Etc/UTC"):
            return "UTC"
        offset = self._local(now).utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        label = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return f"{name} ({self.digits(label)})"


__all__ = ["Formats", "display_zone"]
