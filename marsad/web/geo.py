"""Countries and regions for the web pages: which region a country is in, and names to show.

The understanding stage (``marsad.understand``) owns the real country table. Until it is
importable, ``_fallback_table`` below keeps the pages working with a small hand-written table.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from functools import cached_property

from marsad.models import REGIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CountryInfo:
    code: str
    region: str | None
    name_ar: str
    name_en: str


def _fallback_table() -> dict[str, CountryInfo]:
    """FALLBACK ONLY: a tiny country table used while ``marsad.understand`` is not importable.

    Hand-written for the pages to work; regions follow ``marsad.models.REGIONS``.
    """
    rows = {
        "EG": ("north_africa", "مصر", "Egypt"),
        "LY": ("north_africa", "ليبيا", "Libya"),
        "TN": ("north_africa", "تونس", "Tunisia"),
        "DZ": ("north_africa", "الجزائر", "Algeria"),
        "MA": ("north_africa", "المغرب", "Morocco"),
        "SD": ("north_africa", "السودان", "Sudan"),
        "SA": ("middle_east", "السعودية", "Saudi Arabia"),
        "AE": ("middle_east", "الإمارات", "United Arab Emirates"),
        "QA": ("middle_east", "قطر", "Qatar"),
        "IQ": ("middle_east", "العراق", "Iraq"),
        "SY": ("middle_east", "سوريا", "Syria"),
        "LB": ("middle_east", "لبنان", "Lebanon"),
        "JO": ("middle_east", "الأردن", "Jordan"),
        "PS": ("middle_east", "فلسطين", "Palestine"),
        "IL": ("middle_east", "إسرائيل", "Israel"),
        "YE": ("middle_east", "اليمن", "Yemen"),
        "IR": ("middle_east", "إيران", "Iran"),
        "TR": ("middle_east", "تركيا", "Turkey"),
        "KW": ("middle_east", "الكويت", "Kuwait"),
        "OM": ("middle_east", "عُمان", "Oman"),
        "BH": ("middle_east", "البحرين", "Bahrain"),
        "GB": ("europe", "المملكة المتحدة", "United Kingdom"),
        "FR": ("europe", "فرنسا", "France"),
        "DE": ("europe", "ألمانيا", "Germany"),
        "IT": ("europe", "إيطاليا", "Italy"),
        "ES": ("europe", "إسبانيا", "Spain"),
        "RU": ("europe", "روسيا", "Russia"),
        "UA": ("europe", "أوكرانيا", "Ukraine"),
        "PL": ("europe", "بولندا", "Poland"),
        "US": ("americas", "الولايات المتحدة", "United States"),
        "CA": ("americas", "كندا", "Canada"),
        "MX": ("americas", "المكسيك", "Mexico"),
        "BR": ("americas", "البرازيل", "Brazil"),
        "AR": ("americas", "الأرجنتين", "Argentina"),
        "NG": ("africa", "نيجيريا", "Nigeria"),
        "KE": ("africa", "كينيا", "Kenya"),
        "ET": ("africa", "إثيوبيا", "Ethiopia"),
        "ZA": ("africa", "جنوب أفريقيا", "South Africa"),
        "SO": ("africa", "الصومال", "Somalia"),
        "IN": ("south_asia", "الهند", "India"),
        "PK": ("south_asia", "باكستان", "Pakistan"),
        "BD": ("south_asia", "بنغلاديش", "Bangladesh"),
        "AF": ("south_asia", "أفغانستان", "Afghanistan"),
        "ID": ("southeast_asia", "إندونيسيا", "Indonesia"),
        "MY": ("southeast_asia", "ماليزيا", "Malaysia"),
        "PH": ("southeast_asia", "الفلبين", "Philippines"),
        "VN": ("southeast_asia", "فيتنام", "Vietnam"),
        "TH": ("southeast_asia", "تايلاند", "Thailand"),
        "CN": ("east_asia", "الصين", "China"),
        "JP": ("east_asia", "اليابان", "Japan"),
        "KR": ("east_asia", "كوريا الجنوبية", "South Korea"),
        "KZ": ("central_asia", "كازاخستان", "Kazakhstan"),
        "UZ": ("central_asia", "أوزبكستان", "Uzbekistan"),
        "AU": ("oceania", "أستراليا", "Australia"),
        "NZ": ("oceania", "نيوزيلندا", "New Zealand"),
    }
    return {cc: CountryInfo(cc, r, ar, en) for cc, (r, ar, en) in rows.items()}


def _table_from_understand() -> dict[str, CountryInfo] | None:
    """Countries from the understanding stage's gazetteer, or None while it is not installed."""
    try:
        gazetteer_module = importlib.import_module("marsad.understand.gazetteer")
    except ImportError:
        return None
    try:
        gazetteer = gazetteer_module.load_gazetteer()
    except Exception:  # another stage's data failing must not take the site down
        log.exception("marsad.understand gazetteer could not be loaded; using the fallback")
        return None
    table: dict[str, CountryInfo] = {}
    for place in gazetteer.places:
        if place.kind != "country" or not place.country or place.country in table:
            continue
        table[place.country] = CountryInfo(
            code=place.country,
            region=place.region if place.region in REGIONS else None,
            name_ar=place.name_ar or place.country,
            name_en=place.name_en or place.country,
        )
    return table or None


class Geography:
    """Country and region lookups, built once per app (no module-level state)."""

    @cached_property
    def countries(self) -> dict[str, CountryInfo]:
        table = _table_from_understand()
        if table is None:
            table = _fallback_table()
        return table

    def country(self, code: str) -> CountryInfo | None:
        return self.countries.get((code or "").upper())

    def country_name(self, code: str, lang: str) -> str:
        info = self.country(code)
        if info is None:
            return (code or "").upper()
        return info.name_ar if lang == "ar" else info.name_en

    def region_of(self, code: str) -> str | None:
        info = self.country(code)
        return info.region if info else None

    def region_countries(self, region: str) -> list[str]:
        return sorted(c for c, info in self.countries.items() if info.region == region)

    @staticmethod
    def is_region(code: str) -> bool:
        return code in REGIONS


__all__ = ["CountryInfo", "Geography"]
