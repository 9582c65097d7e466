"""Translations that share no name, entity or number with their original: the size path.

Two documents of the FLORES-200 dev set (English Wikibooks and its professional Arabic
translation; CC BY-SA 4.0, NLLB Team et al. 2022): a text about fusion and one about surface
tension, both three sentences, without a number or a name the two scripts share.
"""

from __future__ import annotations

import time

from marsad.dedup import TranslationIndex, features_from
from marsad.dedup.translated import MAX_SIZE_PEERS, translation_alignment

# https://en.wikibooks.org/wiki/Wikijunior:The_Elements/Hydrogen (FLORES-200 dev, document 108)
EN_FUSION = (
    "Stars give off light and heat because of the energy made when hydrogen atoms are merged (or "
    "fused) together to form heavier elements. Scientists are working to create a reactor that "
    "can make energy in the same way. This, however, is a very hard problem to solve and will "
    "take many years before we see useful fusion reactors built."
)
AR_FUSION = (
    "ينبعث الضوء والحرارة من النجوم بسبب الطاقة الناتجة عن دمج (أوالتحام) ذرات الهيدروجين معاً "
    "لتشكيل عناصر أثقل. يعمل العلماء على إنشاءِ مفاعلٍ يمكنه إنتاج الطاقة بنفس الطريقة. وعلى "
    "الرغم من ذلك، فإنها معضلة من الصعب حلها وستستغرق سنين طوال قبل أن نشهد بناء مفاعلات اندماج "
    "ذات نفع."
)
# https://en.wikibooks.org/wiki/Wikijunior:Big_Book_of_Fun_Science_Experiments/
# How_to_make_a_needle_float,_and_how_to_make_it_sink (document 109): the same size, unrelated.
AR_NEEDLE = (
    'تطفو الإبرة الفولاذيّة على الماء بسبب التوتّر السطحي. تحدث خاصيّة "التوتّر السّطحي" لأنّ '
    "جزيئات الماء الموجودة على سطح الماء تنجذب بقوّة إلى بعضها البعض أكثر ممّا تنجذب إلى "
    "جزيئاتِ الهواءِ فوقها. جزيئات الماء تُشكل جلداً غير مرئي على سطح الماء مما يسمح لأشياء "
    "بالطفو على سطح الماء مثل الإبرة."
)


def _article(key: str, text: str, language: str, published: float = 0.0):
    return features_from(key, title="", text=text, language=language, published=published)


def test_the_pair_shares_nothing_the_name_index_finds() -> None:
    english, arabic = _article("en", EN_FUSION, "en"), _article("ar", AR_FUSION, "ar")
    assert not set(english.link_keys) & set(arabic.link_keys)
    assert not english.numbers and not arabic.numbers
    found = translation_alignment(english, arabic)
    # Aligned sentence for sentence, but without the anchors a strong link asks for.
    assert found.is_aligned() and not found.is_translation(), found


def test_a_translation_without_shared_names_or_numbers_is_linked() -> None:
    index = TranslationIndex()
    assert index.add(_article("en", EN_FUSION, "en")) is None
    assert index.add(_article("needle", AR_NEEDLE, "ar", 30.0)) is None
    match = index.add(_article("ar", AR_FUSION, "ar", 60.0))
    assert match is not None and match.original_key == "en"
    assert match.evidence()["aligned_share"] >= 0.7  # type: ignore[operator]


def test_an_unrelated_article_of_the_same_size_is_not_linked() -> None:
    index = TranslationIndex()
    assert index.add(_article("en", EN_FUSION, "en")) is None
    assert index.add(_article("needle", AR_NEEDLE, "ar", 60.0)) is None
    assert not translation_alignment(
        _article("en", EN_FUSION, "en"), _article("needle", AR_NEEDLE, "ar")
    ).is_aligned()


def test_the_same_size_in_the_same_language_is_never_linked() -> None:
    index = TranslationIndex()
    assert index.add(_article("a", AR_FUSION, "ar")) is None
    assert index.add(_article("b", AR_FUSION, "ar", 60.0)) is None


def test_a_window_crowded_with_same_sized_articles_makes_no_weak_link() -> None:
    # Sizes alone cannot tell a translation among hundreds: no link, and bounded time.
    index = TranslationIndex()
    for i in range(MAX_SIZE_PEERS + 1):
        index.add(_article(f"ar{i}", AR_NEEDLE, "ar", float(i)))
    started = time.process_time()
    assert index.add(_article("en", EN_FUSION, "en", 200.0)) is None
    assert index.add(_article("ar", AR_FUSION, "ar", 201.0)) is None
    assert time.process_time() - started < 2.0
