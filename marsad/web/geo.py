"""Countries and regions for the web pages: which region a country is in, and names to show.

The understanding stage's gazetteer (``marsad.understand``) owns the country table; the site reads
it once per app, so region pages and the tagger agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from marsad.models import REGIONS
from marsad.understand.gazetteer import load_gazetteer


@dataclass(frozen=True)
class CountryInfo:
    code: str
    region: str | None
    name_ar: str
    name_en: str


def _country_table() -> dict[str, CountryInfo]:
    """Every country of the understanding stage's gazetteer, with its region and names."""
    table: dict[str, CountryInfo] = {}
    for place in load_gazetteer().places:
        if place.kind != "country" or not place.country or place.country in table:
            continue
        table[place.country] = CountryInfo(
            code=place.country,
            region=place.region if place.region in REGIONS else None,
            name_ar=place.name_ar or place.country,
            name_en=place.name_en or place.country,
        )
    return table


class Geography:
    """Country and region lookups, built once per app (no module-level state)."""

    @cached_property
    def countries(self) -> dict[str, CountryInfo]:
        return _country_table()

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
