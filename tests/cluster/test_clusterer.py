"""The online clusterer: stories across sources and languages, merges, the window, restore."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from marsad.cluster import ClusterOptions, StoryClusterer, document_frequencies
from marsad.cluster.frequencies import WindowFrequencies
from marsad.dedup import ArticleFeatures, features_from, features_from_dict, features_to_dict
from marsad.store import Store

HOUR = 3600.0
DAY = 24 * HOUR

SUDAN_1 = (
    "title",
    "معارك عنيفة في الخرطوم بين الجيش السوداني وقوات الدعم السريع",
    "اندلعت معارك عنيفة في العاصمة السودانية الخرطوم بين الجيش وقوات الدعم السريع، وقال شهود إن "
    "القصف المدفعي طال أحياء سكنية في أم درمان وبحري، فيما أعلنت نقابة الأطباء مقتل 56 مدنيا.",
)
SUDAN_2 = (
    "title",
    "نقابة أطباء السودان: مقتل 56 مدنيا في معارك الخرطوم",
    "أعلنت نقابة أطباء السودان مقتل 56 مدنيا وإصابة 595 آخرين في المعارك الدائرة في الخرطوم بين "
    "الجيش وقوات الدعم السريع، وحذرت من انهيار المستشفيات في العاصمة بسبب القصف.",
)
SUDAN_EN = (
    "title",
    "Fighting rages in Khartoum as doctors report civilian deaths",
    "Heavy fighting between Sudan's army and the paramilitary Rapid Support Forces shook "
    "Khartoum, with the doctors' union saying 56 civilians were killed and 595 wounded as "
    "shelling hit homes in Omdurman. Army chief Abdel Fattah al-Burhan vowed to fight on.",
)
OIL = (
    "title",
    "أسعار النفط ترتفع بعد قرار أوبك بلس خفض الإنتاج",
    "ارتفعت أسعار النفط في التعاملات الآسيوية بعد أن أعلنت مجموعة أوبك بلس خفض إنتاجها بمقدار "
    "مليون برميل يوميا، وصعد خام برنت إلى 86 دولارا للبرميل في أعلى مستوى منذ أشهر.",
)
SUDAN_IDS = ["org:sudanese-army", "org:rapid-support-forces", "place:khartoum"]


def feat(key: str, item: tuple[str, str, str], published: float, language: str = "ar", **kw):
    _, title, text = item
    kw.setdefault("source", key.split("-")[0])
    return features_from(key, title=title, text=text, language=language, published=published, **kw)


def sudan(key: str, item, published: float, language: str = "ar") -> ArticleFeatures:
    return feat(key, item, published, language, entities=SUDAN_IDS, countries=["SD"])


def test_reports_of_one_event_across_sources_and_languages_join_one_story() -> None:
    c = StoryClusterer()
    first = c.add(sudan("a-1", SUDAN_1, 0))
    oil = c.add(feat("b-1", OIL, HOUR, countries=["SA"]))
    second = c.add(sudan("b-2", SUDAN_2, 2 * HOUR))
    english = c.add(sudan("wire-1", SUDAN_EN, 3 * HOUR, "en"))
    assert first.new_story and oil.new_story
    assert second.story_key == first.story_key and not second.new_story
    assert english.story_key == first.story_key
    assert oil.story_key != first.story_key
    view = c.story(first.story_key)
    assert view is not None
    assert view.title_ar in (SUDAN_1[1], SUDAN_2[1])
    assert view.countries == ("SD",)
    assert view.languages == ("ar", "en")
    assert [m.key for m in view.timeline] == ["a-1", "b-2", "wire-1"]
    assert view.source_count == 3


def test_copies_join_their_originals_story_without_weighing_on_it() -> None:
    c = StoryClusterer()
    first = c.add(sudan("a-1", SUDAN_1, 0))
    copy = c.add(sudan("c-1", SUDAN_1, HOUR))
    assert copy.duplicate_of_key == "a-1" and copy.duplicate_kind == "text"
    assert copy.story_key == first.story_key


def test_stories_merge_when_an_article_bridges_them() -> None:
    opts = ClusterOptions(join_threshold=0.3, merge_threshold=0.45)
    c = StoryClusterer(opts)
    left = c.add(bare("l", ("سد", "النهضه", "مفاوض"), 0))
    right = c.add(bare("r", ("اثيوبيا", "مصر", "السودان"), HOUR))
    assert left.story_key != right.story_key
    bridge = c.add(bare("x", ("سد", "النهضه", "مفاوض", "اثيوبيا", "مصر", "السودان"), 2 * HOUR))
    assert bridge.story_key == left.story_key  # the older story survives
    assert bridge.merged_story_keys == (right.story_key,)
    assert c.resolve(right.story_key) == left.story_key
    assert c.story_key_of("r") == left.story_key
    assert len(c) == 1


NO_DORMANCY: dict[str, Any] = {"dormant_days": 0.0, "distinctive_revival": False}


def test_articles_further_apart_than_the_window_never_join() -> None:
    c = StoryClusterer(ClusterOptions(window_days=3, late_days=0.0, **NO_DORMANCY))
    first = c.add(sudan("a-1", SUDAN_1, 0))
    late = c.add(sudan("b-2", SUDAN_2, 4 * DAY))
    assert late.new_story and late.story_key != first.story_key
    assert c.story(first.story_key) is None  # expired with its last article
    assert c.article_count == 1
    # Kept for late arrivals (``late_days``), but still closed to a report four days on.
    kept = StoryClusterer(ClusterOptions(window_days=3, late_days=2.0, **NO_DORMANCY))
    kept.add(sudan("a-1", SUDAN_1, 0))
    assert kept.add(sudan("b-2", SUDAN_2, 4 * DAY)).new_story
    assert kept.story("story:a-1") is not None
    wider = StoryClusterer(ClusterOptions(window_days=5, **NO_DORMANCY))
    wider.add(sudan("a-1", SUDAN_1, 0))
    assert wider.add(sudan("b-2", SUDAN_2, 4 * DAY)).story_key == "story:a-1"


def test_an_article_arriving_late_still_meets_its_original_and_its_story() -> None:
    # A crawl meets its sources in any order: a copy published on day 1 arrives after a report
    # of day 4.5 has moved the clock past the 3-day window.
    c = StoryClusterer(ClusterOptions(window_days=3, **NO_DORMANCY))
    first = c.add(sudan("a-1", SUDAN_1, 0))
    c.add(feat("oil-1", OIL, 4.5 * DAY, countries=["SA"]))
    copy = c.add(sudan("a-copy", SUDAN_1, 0.5 * DAY))
    assert copy.duplicate_of_key == "a-1" and copy.story_key == first.story_key


HURRICANE = ("اعصار", "فلوريدا", "اجلاء", "سكان", "ساحل")


def test_a_dormant_story_takes_only_a_strong_match() -> None:
    # Three of five words shared: 0.40 inside the window, below the merge threshold (0.5)
    # before any time penalty once the story is dormant.
    partial = (*HURRICANE[:3], "اسواق", "نفط")
    inside = StoryClusterer(ClusterOptions(window_days=3))
    inside.add(bare("a", HURRICANE, 0))
    assert not inside.add(bare("w", partial, 2 * DAY)).new_story

    def after(days: float, terms: tuple[str, ...], **options: Any) -> bool:
        c = StoryClusterer(ClusterOptions(window_days=3, **options))
        c.add(bare("a", HURRICANE, 0))
        return not c.add(bare("b", terms, days * DAY)).new_story

    assert after(4.0, HURRICANE)  # dormant (3 + 2 days): the same words revive it
    assert not after(4.0, partial)
    assert not after(4.0, HURRICANE, **NO_DORMANCY)
    # Past the plain dormancy (up to ``max_story_days``) only a distinctive shared title word
    # would do, and a window of two articles calls no word rare (``min_window_docs``).
    assert not after(5.5, HURRICANE)


def test_a_distinctive_title_word_keeps_a_dormant_story_longer() -> None:
    # A background in which a club's news is everyday news (each word in a tenth of the
    # articles): the same strong match 5.5 days after a single report (window 3, dormant 2, up
    # to 7 with a distinctive word) revives only the story with a word the window has not seen.
    common = ("مانشستر", "سيتي", "مدرب", "مباراه", "دوري")
    rare = ("سكريبال", *common[1:])
    history = [
        bare(f"h{n}", (f"موضوع{n}", *common) if n % 10 == 0 else (f"موضوع{n}",), 0)
        for n in range(1000)
    ]
    background = document_frequencies(history)

    def revived(terms: tuple[str, ...], days: float) -> bool:
        c = StoryClusterer(ClusterOptions(window_days=3), background=background)
        c.add(bare("a", terms, 100 * DAY))
        return not c.add(bare("b", terms, (100 + days) * DAY)).new_story

    assert revived(rare, 5.5)
    assert not revived(common, 5.5)
    assert not revived(rare, 7.5)  # past max_story_days


def test_a_running_story_stays_open_longer_than_a_single_report() -> None:
    # Two reports and their two copies: log2(2) * 0.5 = half a day more (copies do not count),
    # so a report 3.25 days after the last still joins; without the growth it starts its own.
    stream = [sudan(f"s{n}-1", (SUDAN_1, SUDAN_2)[n % 2], n * HOUR) for n in range(4)]
    late = sudan("z-9", SUDAN_2, 3 * HOUR + 3.25 * DAY)
    grown = StoryClusterer(ClusterOptions(window_days=3, lifetime_days_per_doubling=0.5))
    keys = {grown.add(f).story_key for f in stream}
    assert len(keys) == 1
    assert grown.add(late).story_key in keys
    fixed = StoryClusterer(
        ClusterOptions(window_days=3, lifetime_days_per_doubling=0.0, late_days=0.0, **NO_DORMANCY)
    )
    for f in stream:
        fixed.add(f)
    assert fixed.add(late).new_story
    assert len(fixed) == 1  # the old story expired
    # What a restart must restore: the longest lifetime and the longest dormancy.
    assert ClusterOptions(window_days=3, max_story_days=7).horizon_days == 7 + 2
    assert (
        ClusterOptions(
            window_days=3,
            lifetime_days_per_doubling=0,
            lifetime_span_share=0,
            late_days=0,
            **NO_DORMANCY,
        ).horizon_days
        == 3
    )


def test_a_story_stays_open_as_long_as_it_has_been_running() -> None:
    # Three reports over five days: growth alone keeps it 3 + 0.5 * log2(3) = 3.8 days after the
    # last, its span five; a report 4.5 days after the last joins only with the span rule.
    reports = [bare(f"r{n}", HURRICANE, n * 2.5 * DAY) for n in range(3)]
    late = bare("z", HURRICANE, 9.5 * DAY)

    def joins(**options: Any) -> bool:
        c = StoryClusterer(ClusterOptions(window_days=3, **NO_DORMANCY, **options))
        assert len({c.add(f).story_key for f in reports}) == 1
        return not c.add(late).new_story

    assert joins()
    assert not joins(lifetime_span_share=0.0)
    assert not joins(max_story_days=4.0)  # the cap


def test_restore_from_stored_features_continues_the_stream(store: Store) -> None:
    from marsad.models import NewArticle

    live = StoryClusterer()
    stream = [sudan("a-1", SUDAN_1, 0), feat("b-1", OIL, HOUR), sudan("c-1", SUDAN_1, 2 * HOUR)]
    assigned = [live.add(f) for f in stream]
    ids = {}
    for f, a in zip(stream, assigned, strict=True):
        row, _ = store.add_article(NewArticle(url=f"https://x/{f.key}"))
        ids[f.key] = row.id
        store.set_signature(row.id, f.signature, {**features_to_dict(f), "story": a.story_key})
    # A new process: rebuild from the stored rows, in publication order.
    restored = StoryClusterer()
    for f, a in zip(stream, assigned, strict=True):
        minhash, data = store.get_signature(ids[f.key])
        data = json.loads(json.dumps(data))
        restored.restore(features_from_dict(data, minhash), data["story"], a.duplicate_of_key)
    nxt = sudan("b-2", SUDAN_2, 3 * HOUR)
    assert restored.add(nxt).story_key == live.add(nxt).story_key == assigned[0].story_key
    again = restored.add(sudan("d-1", SUDAN_1, 4 * HOUR))
    assert again.duplicate_of_key == "a-1"


def test_restore_keeps_the_span_of_a_story_older_than_the_restored_days() -> None:
    # Restored: two reports a day apart of a story first seen eight days before them. With its
    # stored first report it stays open for its span (nine days, capped at seven); without, 3.5.
    late = bare("z", HURRICANE, 15 * DAY)

    def joins(first_seen: float | None) -> bool:
        c = StoryClusterer(ClusterOptions(window_days=3, **NO_DORMANCY))
        for n, t in enumerate((8 * DAY, 9 * DAY)):
            c.restore(bare(f"r{n}", HURRICANE, t), "db:7", story_first_seen=first_seen)
        return c.add(late).story_key == "db:7"

    assert joins(0.0)
    assert not joins(None)


def test_story_view_maps_to_a_stories_row(store: Store) -> None:
    from marsad.cluster import story_fields

    c = StoryClusterer()
    c.add(sudan("a-1", SUDAN_1, 1_700_000_000))
    c.add(sudan("b-2", SUDAN_2, 1_700_000_000 + HOUR))
    view = c.story("story:a-1")
    assert view is not None
    row = store.create_story(**story_fields(view))
    assert row.title_ar in (SUDAN_1[1], SUDAN_2[1])
    assert row.countries == ("SD",) and row.article_count == 2 and row.source_count == 2
    assert (row.last_seen - row.first_seen).total_seconds() == HOUR


def bare(key: str, terms: tuple[str, ...], t: float, language: str = "ar") -> ArticleFeatures:
    return ArticleFeatures(key=key, published=t, language=language, title_terms=terms)


def test_related_stories_merge_through_a_weaker_bridge_unrelated_ones_do_not() -> None:
    # The bridges clear the weak merge threshold with both stories, not the strong one.
    opts = ClusterOptions(
        join_threshold=0.3,
        merge_threshold=0.9,
        related_merge_threshold=0.3,
        merge_min_similarity=0.1,
    )
    related = StoryClusterer(opts)
    left = related.add(bare("l", ("سد", "النهضه", "مفاوض", "جوله", "اثيوبيا"), 0))
    right = related.add(bare("r", ("اثيوبيا", "مصر", "السودان", "مياه", "نيل"), HOUR))
    assert right.new_story  # one shared word of five: below the join threshold
    bridge = related.add(bare("x", ("سد", "النهضه", "مصر", "السودان"), 2 * HOUR))
    assert 0.3 <= bridge.score < opts.merge_threshold
    assert bridge.merged_story_keys == (right.story_key,)
    assert related.story_key_of("r") == left.story_key

    def unrelated(options: ClusterOptions) -> tuple[str, ...]:
        c = StoryClusterer(options)
        c.add(bare("l", ("سد", "النهضه", "مفاوض", "جوله", "خبراء"), 0))
        c.add(bare("r", ("مصر", "السودان", "مياه", "نيل", "زراعه"), HOUR))
        return c.add(bare("x", ("سد", "النهضه", "مصر", "السودان"), 2 * HOUR)).merged_story_keys

    assert unrelated(opts) == ()  # the two stories share no word
    assert unrelated(replace(opts, merge_min_similarity=0.0)) == ("story:r",)


SUDAN_EN_2 = (
    "title",
    "Mediators open ceasefire talks in Jeddah",
    "Saudi and American mediators opened ceasefire talks in Jeddah on Saturday, diplomats said, "
    "with delegations of both sides expected to discuss humanitarian corridors and the exchange "
    "of prisoners before any broader political negotiation.",
)


def test_a_story_mostly_in_another_language_is_scored_on_shared_evidence() -> None:
    def run(options: ClusterOptions) -> bool:
        c = StoryClusterer(options)
        first = c.add(sudan("a-1", SUDAN_1, 0))
        c.add(sudan("b-2", SUDAN_2, HOUR))
        c.add(sudan("wire-1", SUDAN_EN, 2 * HOUR, "en"))
        assert c.story_key_of("wire-1") == first.story_key
        # Two Arabic members and one English: an English report that shares few English words
        # with the third still shares the story's entities.
        return c.add(sudan("wire-2", SUDAN_EN_2, 3 * HOUR, "en")).story_key == first.story_key

    assert run(ClusterOptions())
    assert not run(ClusterOptions(min_language_share=0.0))  # its English words decide


def test_a_background_makes_common_news_words_count_for_less() -> None:
    # Two reports that share only words found in most articles of the background.
    common = ("قال", "مسوول", "حكوم")
    one = bare("a", (*common, "زلزال", "تركيا"), 0)
    other = bare("b", (*common, "انتخابات", "بلديه"), HOUR)
    history = [bare(f"h{n}", (*common, f"موضوع{n}"), -30 * DAY) for n in range(400)]
    background = document_frequencies(history)
    assert background.docs == 400 and background.df["قال"] == 400
    alone = StoryClusterer()
    alone.add(one)
    assert not alone.add(other).new_story  # a window of two calls every word distinctive
    seeded = StoryClusterer(background=background)
    seeded.add(one)
    assert seeded.add(other).new_story


def test_document_frequencies_fade_instead_of_leaving_with_the_window() -> None:
    fading = WindowFrequencies(half_life=10 * DAY)
    fading.advance(1.0)
    fading.add(("a", "b"), +1, 1.0)
    fading.advance(1.0 + 10 * DAY)
    assert abs(fading.count("a") - 0.5) < 1e-9 and abs(fading.total - 0.5) < 1e-9
    fading.add(("a",), -1, 1.0)  # no leaving: counts fade
    assert abs(fading.count("a") - 0.5) < 1e-9
    fading.add(("a",), +1, 1.0 + 10 * DAY)
    assert abs(fading.count("a") - 1.5) < 1e-9 and abs(fading.count("b") - 0.5) < 1e-9
    fading.advance(1.0 + 20 * DAY + HOUR)  # a rescale: "b" (0.25) is forgotten
    assert "b" not in fading.df and fading.count("b") == 0.0
    assert abs(fading.count("a") - 0.75 * 0.5 ** (HOUR / (10 * DAY))) < 1e-9
    assert fading.idf("b") > fading.idf("a")
    hard = WindowFrequencies()
    hard.add(("a", "b"), +1)
    hard.add(("a",), +1)
    hard.add(("a", "b"), -1)
    assert hard.count("a") == 1 and "b" not in hard.df and hard.total == 1


def test_shared_countries_and_regions_alone_carry_no_story_across_languages() -> None:
    places = ["country:NG", "country:MA", "area:africa", "area:west-africa"]
    highway = (
        "title",
        "Nigeria opens first section of the Lagos-Calabar coastal highway",
        "President Tinubu opened the first 47 km of the coastal highway, which the government "
        "says will link Lagos to Calabar and, in time, to a West African corridor up to Morocco.",
    )
    forum = (
        "title",
        "مراكش تحتضن منتدى الاستثمار الإفريقي بمشاركة ألفي مستثمر",
        "انطلقت في مراكش أعمال منتدى الاستثمار الإفريقي بمشاركة ألفي مستثمر من القارة، وتناقش "
        "الجلسات تمويل مشاريع الطاقة والنقل في غرب إفريقيا ومنها مشروع أنبوب الغاز مع نيجيريا.",
    )

    def forum_joins(*extra: str) -> bool:
        c = StoryClusterer()
        first = c.add(feat("en-1", highway, 0, "en", entities=[*places, "organization:afdb"]))
        c.add(feat("en-2", highway, HOUR, "en", entities=[*places, "organization:afdb"]))
        ar = feat("ar-1", forum, 2 * HOUR, entities=[*places, *extra])
        return c.add(ar).story_key == first.story_key

    assert not forum_joins()  # Nigeria, Morocco, Africa, West Africa: a region's news
    assert forum_joins("organization:afdb")  # one named organisation besides: evidence
