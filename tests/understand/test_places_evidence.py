"""Places read by evidence through ``understand()`` (issue 14, 2026-12-07 round).

Each case is written for this test, not taken from an evaluation corpus: a country's name used
for a town's people ("a Lebanon woman"), a town's name that is the surname after a title and a
first name, an ocean's name inside a longer name, the headline's subject as the top country,
Arabic national teams named with منتخب, and Arabic spellings of country names that CLDR lacks.
"""

from __future__ import annotations

import pytest

from marsad.understand import Knowledge, understand


def _mentioned(knowledge: Knowledge, title: str, text: str, language: str) -> set[str]:
    u = understand(knowledge, title, text, language)
    return {m.country for m in u.mentions if m.country and m.kind not in ("team", "in_name")}


def test_country_name_before_a_person_noun_is_the_town(knowledge: Knowledge) -> None:
    text = (
        "A new plea agreement is being discussed for Elizabeth Fairfield, a Lebanon woman "
        "accused of murdering her daughter in June."
    )
    u = understand(knowledge, "New twist in hearing", text, "en")
    assert {m.country for m in u.mentions} == {"US"}, u.mentions
    assert u.about[:1] == ("US",)


def test_country_named_by_its_capital_keeps_the_country(knowledge: Knowledge) -> None:
    """ "A Jordan man ... in Amman": Amman names Jordan, so the country is meant."""
    u = understand(knowledge, "", "A Jordan man was arrested in Amman on Monday.", "en")
    assert _mentioned(knowledge, "", "A Jordan man was arrested in Amman on Monday.", "en") == {
        "JO"
    }
    assert u.about[:1] == ("JO",)


def test_country_without_person_noun_is_unchanged(knowledge: Knowledge) -> None:
    text = "Officials said a Lebanon border crossing would reopen, Israel said."
    assert "LB" in _mentioned(knowledge, "", text, "en")


def test_town_name_after_a_title_and_first_name_is_a_surname(knowledge: Knowledge) -> None:
    text = (
        "The Taser was fired by RCMP Const. Kwesi Millington at the airport in Vancouver. "
        "Millington told the inquiry he had followed his training."
    )
    u = understand(knowledge, "Officer testifies", text, "en")
    assert "US" not in {m.country for m in u.mentions}, u.mentions
    assert u.about[:1] == ("CA",)


def test_ocean_inside_a_longer_name_is_no_place(knowledge: Knowledge) -> None:
    text = "His book (Continental Atlantic Publications) sold well in Toronto."
    u = understand(knowledge, "", text, "en")
    assert [m.surface for m in u.mentions] == ["Toronto"], u.mentions
    u = understand(knowledge, "", "The ship crossed the Atlantic in May.", "en")
    assert [m.kind for m in u.mentions] == ["area"]


def test_headline_subject_breaks_a_close_call(knowledge: Knowledge) -> None:
    """Both countries named as often; the one the headline opens with is the story's."""
    title = "Israel floods Lebanese farmlands"
    text = (
        "Lebanese farmers said water from an Israeli orchard ruined their crops. The Lebanese "
        "army and the United Nations force in Lebanon inspected the fields. Israel did not "
        "comment."
    )
    u = understand(knowledge, title, text, "en")
    assert u.about[:2] == ("IL", "LB"), u.countries


@pytest.mark.parametrize(
    "text",
    [
        "وقال مدرب منتخب مصر إن اللاعبين جاهزون للمباراة.",
        "سجل مهاجم منتخب الأرجنتين هدفين في المباراة.",
        "وحقق لاعبو مصر نتائج جيدة في البطولة.",
    ],
)
def test_arabic_team_of_a_country_names_the_country(knowledge: Knowledge, text: str) -> None:
    """منتخب مصر: مصر names the country whose team it is (NewsFANE tags it a Nation)."""
    u = understand(knowledge, "", text, "ar")
    assert [m.kind for m in u.mentions if m.country] == ["country"], u.mentions


def test_arabic_country_standing_for_its_team_stays_a_team(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", "فازت مصر على تونس 2 - 1 في المباراة النهائية.", "ar")
    assert [m.kind for m in u.mentions] == ["team", "team"], u.mentions


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("زار الوزير طاجكستان الأسبوع الماضي.", "TJ"),
        ("ووصل الرئيس إلى قازاقستان أمس.", "KZ"),
        ("وقعت الاتفاقية مع موريطانيا في نواكشوط.", "MR"),
        ("وصل الوفد إلى جواتيمالا بعد الزلزال.", "GT"),
        ("أعلنت حكومة الأوروجواي نتائج الانتخابات.", "UY"),
        ("ضربت عاصفة جمهورية الدومينيكان والدومينيكان تستعد لأخرى.", "DO"),
        ("وعاد اللاعب إلى اسكوتلندا بعد الموسم.", "GB"),
    ],
)
def test_arabic_spellings_cldr_lacks(knowledge: Knowledge, text: str, country: str) -> None:
    assert _mentioned(knowledge, "", text, "ar") == {country}


def test_arabic_verb_spelt_like_togo_is_no_country(knowledge: Knowledge) -> None:
    """توجو "they crowned" is also a spelling of Togo: not listed, so never a country."""
    assert not _mentioned(knowledge, "", "وهم الذين توجو ها بطلة للعالم.", "ar")


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Lebanon man charged with arson", "Police said the fire started at night."),
        ("Jordan teen killed in crash", "The crash happened on Route 9 late on Friday."),
    ],
)
def test_headline_town_before_a_person_noun(knowledge: Knowledge, title: str, text: str) -> None:
    """Local headlines drop the article: "Lebanon man charged" is the town's man."""
    u = understand(knowledge, title, text, "en")
    assert {m.country for m in u.mentions} == {"US"}, u.mentions


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Fla. economist casts doubt on casino job figures", "The Seminoles signed the deal."),
        ("Missing Ill. man found in stolen car", "The car was pulled from a lake."),
        ("Man dies in jail", "The inmate, 45, moved to Ky. last year."),
    ],
)
def test_state_abbreviation_alone(knowledge: Knowledge, title: str, text: str) -> None:
    u = understand(knowledge, title, text, "en")
    assert [m.kind for m in u.mentions] == ["state"], u.mentions
    assert u.about[:1] == ("US",)


def test_state_abbreviation_needs_its_context(knowledge: Knowledge) -> None:
    """A sentence ending "was Ill.": no lower-case word after, no preposition before."""
    u = understand(knowledge, "", "He said he was Ill. Then he went home.", "en")
    assert not u.mentions


def test_british_spelling_reads_a_shared_town_as_british(knowledge: Knowledge) -> None:
    text = (
        "A road sign in Oxford which was damaged a year ago is set to be replaced. The city "
        "said it did not realise the letters were missing and would organise a repair."
    )
    u = understand(knowledge, "Broken road sign to be replaced", text, "en")
    assert u.about[:1] == ("GB",), u.countries


def test_town_name_before_house_is_a_building(knowledge: Knowledge) -> None:
    text = (
        "Women in Oxford did not realise how much the evening would raise for Helen & Douglas "
        "House, a children's hospice, the organisers said."
    )
    u = understand(knowledge, "", text, "en")
    assert "Douglas" not in [m.surface for m in u.mentions], u.mentions


def test_country_later_in_the_headline_is_not_its_subject(knowledge: Knowledge) -> None:
    title = "Senior U.S. Military Official Visits Georgia"
    text = (
        "Gen. Cartwright, the second highest ranking officer of the United States, will meet "
        "President Saakashvili. He will also travel to Gori, the Georgian ministry said, and "
        "meet Georgian officers."
    )
    u = understand(knowledge, title, text, "en")
    assert u.about[:1] == ("GE",), u.countries


def test_surname_after_a_first_name_and_initial(knowledge: Knowledge) -> None:
    """Flores is a department of Uruguay and a surname: after "Matthew D." it is the man,
    and so everywhere in the article ("Mike Mauro, Flores' stepfather" is no "Town, State")."""
    text = (
        'Who would have wanted Matthew D. Flores dead? "We still hope," said Mike Mauro, '
        "Flores' stepfather, at his home in Rhode Island."
    )
    u = understand(knowledge, "Murder still haunts family", text, "en")
    assert {m.country for m in u.mentions} == {"US"}, u.mentions


def test_subdivision_of_its_country_still_found(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", "Floods hit Flores, in western Uruguay, on Monday.", "en")
    assert {m.country for m in u.mentions} == {"UY"}, u.mentions


@pytest.mark.parametrize(
    "text",
    [
        "The aqueduct in the North West of England sprang a leak, British engineers said.",
        "Monument For Sale. There are 12 houses for Sale on Monument Avenue in Richmond, Va.",
    ],
)
def test_plain_words_are_no_foreign_place(knowledge: Knowledge, text: str) -> None:
    """ "North West" (Cameroon's region by its ISO name), "Sale" (Salé, Morocco)."""
    mentioned = {m.country for m in understand(knowledge, "", text, "en").mentions}
    assert not mentioned & {"CM", "MA"}, mentioned


def test_demonym_does_not_make_a_local_story_world_news(knowledge: Knowledge) -> None:
    """A Mexican national in Palestine, Texas: the town (a demonym is no country named)."""
    text = (
        "Anderson County deputies arrested a Mexican national on Saturday. The man fled a "
        "traffic stop in Palestine and was caught near the county line, the sheriff said."
    )
    u = understand(knowledge, "Grand jury indicts man for fleeing traffic stop", text, "en")
    assert "PS" not in {m.country for m in u.mentions}, u.mentions
    assert u.about[:1] == ("US",)


def test_uk_in_a_kentucky_story_is_the_university(knowledge: Knowledge) -> None:
    text = (
        "Two drivers were treated at the University of Kentucky Medical Center in Lexington "
        "and were in stable condition, according to a UK spokesperson."
    )
    u = understand(knowledge, "Three-vehicle crash", text, "en")
    assert "GB" not in {m.country for m in u.mentions}, u.mentions
    text = "Kentucky distillers sell more bourbon in the UK, Britain's trade office said."
    assert "GB" in {m.country for m in understand(knowledge, "", text, "en").mentions}


def test_country_in_a_business_named_by_its_owner(knowledge: Knowledge) -> None:
    text = "The men lived at Henry's Turkey Service, a company based in Goldthwaite, Texas."
    u = understand(knowledge, "", text, "en")
    assert "TR" not in {m.country for m in u.mentions}, u.mentions
    text = "Russia's Ukraine War dominated the talks."
    assert "UA" in {m.country for m in understand(knowledge, "", text, "en").mentions}


@pytest.mark.parametrize(
    "text",
    [
        "قال المدرب إن المباراة السابقة مع الإمارات شهدت بعض الأخطاء.",
        "وقال اللاعب إننا لعبنا مباريات قوية مع فرنسا وسويسرا.",
        "وقال المدرب إن الفريق يسعى للفوز على أوزبكستان يوم الخميس.",
    ],
)
def test_arabic_country_against_a_team_is_a_team(knowledge: Knowledge, text: str) -> None:
    u = understand(knowledge, "", text, "ar")
    assert u.mentions and all(m.kind == "team" for m in u.mentions), u.mentions


@pytest.mark.parametrize(
    "text",
    [
        "وقالت الجبهة الشعبية لتحرير فلسطين في بيان إن قياديا اعتقل.",
        "ضرب إعصار مدمر خليج المكسيك أمس.",
    ],
)
def test_arabic_country_inside_a_name(knowledge: Knowledge, text: str) -> None:
    """A front "for the liberation of" a country and a gulf named after it: in the name."""
    u = understand(knowledge, "", text, "ar")
    assert [m.kind for m in u.mentions] == ["in_name"], u.mentions


def test_arabic_liberation_of_a_country_is_the_country(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", "وهي المساعدة التي قدمها الأمريكيون لتحرير كوبا.", "ar")
    assert "CU" in {m.country for m in u.mentions if m.kind == "country"}, u.mentions


def test_name_before_a_sheriffs_office_is_a_us_county(knowledge: Knowledge) -> None:
    text = (
        "Capt. Steve Juge, with the Pointe Coupee Sheriff’s Office, said a 16-year-old boy was "
        "arrested on a school campus."
    )
    u = understand(knowledge, "Deputies arrest teen on weapon count", text, "en")
    assert [(m.surface, m.country) for m in u.mentions] == [("Pointe Coupee", "US")]
    assert not understand(knowledge, "", "The Sheriff's Office said on Monday.", "en").mentions


def test_bangladeshi_md_is_no_maryland(knowledge: Knowledge) -> None:
    text = "The statement of Md. Abdul Hamid was read in Dhaka on Monday."
    assert _mentioned(knowledge, "", text, "en") == {"BD"}


def test_demonym_inside_a_name_still_names_its_country(knowledge: Knowledge) -> None:
    # A demonym inside a longer name (a dam, a state company) is still that country's: taking
    # it for a shop's name dropped Ethiopia from the Grand Ethiopian Renaissance Dam and let
    # Sudan, named in passing, become the demo's dam story's country (a wrong story merge).
    text = "More turbines at the Grand Ethiopian Renaissance Dam came online on Monday."
    assert "ET" in _mentioned(knowledge, "", text, "en")
    text = "They met with Russian Foreign Minister Sergei Lavrov in Geneva."
    assert "RU" in _mentioned(knowledge, "", text, "en")


def test_language_after_an_adverb(knowledge: Knowledge) -> None:
    text = "Ms. Moayyad spoke only French and Farsi when she moved to Arlington, Texas."
    assert _mentioned(knowledge, "", text, "en") == {"US"}
    assert "FR" in _mentioned(knowledge, "", "Only French troops stayed in the town.", "en")
