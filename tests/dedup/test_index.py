"""The duplicate index: exact, near and republished copies; expiry; restore from stored bytes."""

from __future__ import annotations

from dataclasses import replace

from marsad.dedup import DuplicateIndex, features_from, features_from_dict, features_to_dict
from marsad.store import Store

BASE = (
    "قال مسؤولون في الأمم المتحدة إن أكثر من مليوني شخص نزحوا من منازلهم في السودان منذ اندلاع "
    "القتال بين الجيش وقوات الدعم السريع في منتصف أبريل، وإن الوضع الإنساني في العاصمة الخرطوم "
    "وإقليم دارفور يزداد سوءا يوما بعد يوم مع نقص الغذاء والدواء وانقطاع الكهرباء والمياه عن "
    "أحياء واسعة. وناشدت المنظمة الدولية الأطراف المتحاربة فتح ممرات آمنة لإيصال المساعدات."
)
OTHER = (
    "افتتح معرض القاهرة الدولي للكتاب دورته الجديدة بمشاركة أكثر من ألف دار نشر من خمسين دولة، "
    "ويستمر المعرض أسبوعين تقام خلالهما ندوات وأمسيات شعرية وحفلات توقيع لكتاب من العالم العربي."
)


def feat(key: str, text: str, published: float, url: str | None = None):
    return features_from(key, title="", text=text, language="ar", published=published, url=url)


def test_exact_copy_by_text_and_by_url() -> None:
    index = DuplicateIndex()
    assert index.add(feat("a", BASE, 1, url="https://x/1")) is None
    spaced = BASE.replace("،", " ، ").replace("أكثر", "اكثر")
    match = index.add(feat("b", spaced, 2, url="https://y/2"))
    assert match is not None and (match.original_key, match.kind) == ("a", "text")
    match = index.add(feat("c", OTHER, 3, url="https://x/1"))
    assert match is not None and (match.original_key, match.kind) == ("a", "url")


def test_near_copy_with_small_edits() -> None:
    index = DuplicateIndex()
    index.add(feat("orig", BASE, 1))
    edited = BASE.replace("مليوني شخص", "2.2 مليون شخص") + " تابعونا على تويتر."
    match = index.add(feat("edit", edited, 2))
    assert match is not None and match.kind == "near" and match.original_key == "orig"
    assert 0.5 < match.similarity < 1.0
    assert index.add(feat("other", OTHER, 3)) is None


def test_republished_copies_point_to_the_earliest() -> None:
    index = DuplicateIndex()
    index.add(feat("first", BASE, 1))
    second = BASE + " المصدر: وكالات."
    third = "نشر أولا على موقع الشريك. " + second
    assert index.add(feat("second", second, 2)).original_key == "first"
    # The third is closest to the second, but points past it to the group's original.
    assert index.add(feat("third", third, 3)).original_key == "first"


def test_expire_forgets_old_articles() -> None:
    index = DuplicateIndex()
    index.add(feat("old", BASE, 100))
    assert index.expire(50) == []
    assert index.expire(101) == ["old"]
    assert len(index) == 0
    assert index.add(feat("new", BASE, 200)) is None


def test_restore_from_store_gives_same_decisions(store: Store) -> None:
    from marsad.models import NewArticle

    article, _ = store.add_article(NewArticle(url="https://x/orig", title="t"))
    original = feat(str(article.id), BASE, 10)
    store.set_signature(article.id, original.signature, features_to_dict(original))
    minhash, data = store.get_signature(article.id)
    restored = DuplicateIndex()
    restored.insert(features_from_dict(data, minhash))
    edited = BASE.replace("يزداد سوءا", "يتدهور")
    match = restored.add(feat("later", edited, 20))
    assert match is not None and match.original_key == str(article.id)


_STORY = (
    "استؤنفت يوم الاثنين في مدينة جدة المحادثات غير المباشرة بين وفدي الجيش السوداني وقوات الدعم "
    "السريع بوساطة سعودية أمريكية بعد توقف دام أكثر من عام. وافتتح وزير الخارجية السعودي الجلسة "
    "الأولى داعيا الطرفين إلى الاتفاق على هدنة إنسانية تسمح بوصول المساعدات. وقالت مصادر مطلعة إن "
    "الوسطاء قدموا مقترحا لهدنة مدتها عشرة أيام تشمل مدينة الفاشر وولايات كردفان. وتقول الأمم "
    "المتحدة إن نحو 25 مليون سوداني يحتاجون إلى مساعدات إنسانية منذ اندلاع الحرب."
)
_WRAPPER_INTRO = (
    "ننشر لكم هذا التقرير المهم الذي يتابع آخر تطورات الأزمة في السودان والمنطقة كلها. ونرحب "
    "بتعليقات القراء على صفحاتنا في مواقع التواصل الاجتماعي كل يوم."
)
_READ_ALSO = (
    "اقرأ أيضا: أسعار النفط ترتفع بعد قرار أوبك بلس خفض الإنتاج بمقدار مليون برميل يوميا. "
    "جميع الحقوق محفوظة لشبكة رافد الإخبارية وكل المواد المنشورة تعبر عن آراء كتابها فقط."
)


def _wrapped(key: str, text: str, published: float):
    return features_from(key, title="", text=text, language="ar", published=published)


def test_a_copy_under_a_header_an_intro_and_a_footer_is_a_republished_copy() -> None:
    index = DuplicateIndex()
    index.add(_wrapped("original", _STORY, 0.0))
    copy = _wrapped("copy", f"رافد نيوز | عاجل\n{_WRAPPER_INTRO}\n{_STORY}\n{_READ_ALSO}", 60.0)
    assert index.find(copy) is not None
    # Without the lead's signature (a longer intro moves it) the sentences alone find it.
    match = index.find(replace(copy, signature=b""))
    assert match is not None and match.original_key == "original"
    assert match.containment == 1.0 and match.evidence()["method"] == "containment"


def test_a_copy_cut_to_its_first_sentences_is_a_republished_copy() -> None:
    index = DuplicateIndex()
    index.add(_wrapped("original", _STORY, 0.0))
    cut = " ".join(_STORY.split(". ")[:3]) + "."
    match = index.add(_wrapped("cut", f"{_WRAPPER_INTRO}\n{cut}", 60.0))
    assert match is not None and match.original_key == "original"


def test_equal_similarities_go_to_the_earliest_whatever_the_hash_seed() -> None:
    # Several originals with one signature (as ``insert`` restores them): a new copy must point
    # to the earliest, not to whichever a set of candidate keys (PYTHONHASHSEED) yields first.
    base = feat("base", BASE, 0)
    for trial in range(20):
        index = DuplicateIndex()
        keys = [f"k{trial}-{n}" for n in range(6)]
        published = {key: float(10 + (n * 7 + trial) % 6) for n, key in enumerate(keys)}
        for key in keys:
            index.insert(replace(base, key=key, text_hash=f"h-{key}", published=published[key]))
        copy = replace(base, key=f"copy{trial}", text_hash="h-copy", published=100.0)
        match = index.find(copy)
        assert match is not None and match.kind == "near"
        assert match.original_key == min(keys, key=published.__getitem__), trial


def _from(key: str, text: str, published: float, *, source: str | None = None, url=None):
    return features_from(
        key, title="", text=text, language="ar", published=published, source=source, url=url
    )


def test_a_near_copy_by_the_same_outlet_is_a_version_by_another_a_copy() -> None:
    index = DuplicateIndex()
    index.add(_from("first", BASE, 1, source="7"))
    update = BASE.replace("مليوني شخص", "2.2 مليون شخص") + " وهذا الخبر محدث."
    version = index.add(_from("update", update, 2, source="7"))
    assert version is not None and (version.original_key, version.kind) == ("first", "version")
    assert version.evidence()["method"] == "near"
    copy = index.add(_from("copy", update + " المصدر: وكالات.", 3, source="9"))
    assert copy is not None and (copy.original_key, copy.kind) == ("first", "near")


def test_an_outlet_is_one_source_on_one_site() -> None:
    index = DuplicateIndex()
    index.add(_from("first", BASE, 1, source="1", url="https://www.sahil.example/a"))
    update = BASE + " تحديث."
    same = _from("update", update, 2, source="1", url="https://sahil.example/b")
    assert index.find(same).kind == "version"
    # Another source on the same host (an aggregator's links, the demo's local server): a copy.
    other_source = _from("other", update, 2, source="2", url="https://sahil.example/c")
    assert index.find(other_source).kind == "near"
    # One aggregator feed carrying another site: a copy.
    other_site = _from("other", update, 2, source="1", url="https://rafid.example/c")
    assert index.find(other_site).kind == "near"
    # Without a URL the source decides; without a source, the site.
    assert index.find(_from("bare", update, 2, source="1")).kind == "version"
    assert index.find(_from("nosrc", update, 2, url="http://m.sahil.example/d")).kind == "version"


def test_a_version_of_another_outlets_copy_is_still_a_copy_of_the_original() -> None:
    index = DuplicateIndex()
    index.add(_from("original", _STORY, 1, source="1"))
    index.add(_from("copy", f"رافد نيوز | عاجل\n{_STORY}", 2, source="2"))
    again = index.add(
        _from("copy-updated", f"رافد نيوز | عاجل\n{_STORY}\n{_READ_ALSO}", 3, source="2")
    )
    assert again is not None and (again.original_key, again.kind) == ("original", "near")


def test_a_one_sentence_original_under_a_wrapper_is_found() -> None:
    short = "أعلنت وزارة الصحة السودانية تسجيل أول إصابة بالكوليرا في ولاية القضارف شرق البلاد"
    index = DuplicateIndex()
    index.add(_wrapped("short", short + ".", 0.0))
    wrapped = f"رافد نيوز | عاجل\n{_WRAPPER_INTRO}\n{short}.\n{_READ_ALSO}"
    match = index.add(_wrapped("copy", wrapped, 60.0))
    assert match is not None and match.original_key == "short" and match.containment == 1.0
    # The same sentence quoted in another article, with more of its own words around it in
    # the one sentence, is no copy; nor is an article that ends with it in a teaser block.
    quoted = f"{_STORY}\nوفي خبر آخر قالت الوزارة: {short}، وإن الوضع تحت السيطرة."
    assert index.find(_wrapped("quoted", quoted, 90.0)) is None


def test_pages_sharing_only_a_related_articles_tail_are_not_copies() -> None:
    tail = "\n".join(
        f"{t}: خبر رقم {n} من أخبار اليوم في الموقع ويتابع القراء تفاصيله الكاملة هنا."
        for n, t in enumerate(("النفط", "قمة المناخ", "كينيا", "الذهب", "الدوري"))
    )
    index = DuplicateIndex()
    index.add(_wrapped("a", f"{BASE}\n{tail}", 0.0))
    # Five of the eight sentences of the shorter page are shared, but none of its lead.
    assert index.find(_wrapped("b", f"{_STORY}\n{tail}", 10.0)) is None


def test_an_intro_that_looks_like_another_article_does_not_decide() -> None:
    # The intro is another article's first sentences, long enough to fill most of the copy's
    # signed lead: the signature points to that article, the sentences to the one it carries.
    index = DuplicateIndex()
    index.add(_wrapped("lead-owner", f"{BASE}\n{OTHER}\n{_WRAPPER_INTRO}", 0.0))
    index.add(_wrapped("original", _STORY, 1.0))
    copy = index.add(_wrapped("copy", f"{BASE}\n{OTHER}\n{_STORY}", 60.0))
    assert copy is not None and copy.original_key == "original" and copy.containment == 1.0
