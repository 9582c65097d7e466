"""The fast alignment programme decides exactly as the plain one it replaced.

``align_plain`` below is the Gale-Church programme as it was first written (one bead's anchor
sets rebuilt at every cell). ``marsad.dedup.align`` builds them once per article and skips pairs
whose sentence counts rule a translation out; these tests hold it to the same answers, field
for field (floats included, so ties between paths resolve the same way).
"""

from __future__ import annotations

import math
import random
import struct

from marsad.dedup.align import (
    _BEAD_COST,
    _ENTRY,
    ANCHOR_LLR,
    MAX_DELTA,
    MAX_SENTENCES,
    NO_ALIGNMENT,
    SKIP_COST,
    Alignment,
    ProfileSentence,
    _length_llr,
    _length_model,
    _unpack,
    align,
    align_decoded,
    alignment_profile,
    could_be_translation,
    could_be_translations,
    decode_profile,
    heads_size,
    may_be_translation,
    profile_heads,
    profile_sentences,
    sentence_count,
)
from marsad.dedup.translated import TranslationIndex

from .test_translated import AR, AR_NO_NUMBERS, AR_RETOLD, EN, EN_NO_NUMBERS, ar, en


def _bead_evidence_plain(
    xs: list[ProfileSentence], ys: list[ProfileSentence]
) -> tuple[float, int, int]:
    names_x = frozenset().union(*(s.names for s in xs))
    names_y = frozenset().union(*(s.names for s in ys))
    words_x = frozenset().union(*(s.words for s in xs))
    words_y = frozenset().union(*(s.words for s in ys))
    found = (names_x & words_y) | (names_y & words_x)
    missing = ((names_x - words_y) | (names_y - words_x)) - found
    llr = sum(ANCHOR_LLR[h >> 13][0] for h in found)
    return llr + sum(ANCHOR_LLR[h >> 13][1] for h in missing), len(found), len(missing)


def align_plain(a: bytes, b: bytes, languages: tuple[str, str] = ("en", "ar")) -> Alignment:
    from marsad.dedup.align import LENGTH_RATIO

    if (languages[1], languages[0]) in LENGTH_RATIO:
        a, b, languages = b, a, (languages[1], languages[0])
    xs, ys = _unpack(a), _unpack(b)
    if not xs or not ys:
        return NO_ALIGNMENT
    ratio, variance = _length_model(languages)
    n, m = len(xs), len(ys)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float, int, int, float]]] = [
        [(0, 0, 0.0, 0, 0, 0.0)] * (m + 1) for _ in range(n + 1)
    ]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for (di, dj), prior in _BEAD_COST.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                llr, found, missing, delta = 0.0, 0, 0, 0.0
                if di and dj:
                    bx, by = xs[i:ni], ys[j:nj]
                    lx = sum(s.length for s in bx)
                    ly = sum(s.length for s in by)
                    mean = (lx + ly / ratio) / 2.0
                    delta = (ly - lx * ratio) / math.sqrt(variance * max(mean, 1.0))
                    llr, found, missing = _bead_evidence_plain(bx, by)
                    tail = math.erfc(abs(delta) / math.sqrt(2.0))
                    step = prior - math.log(max(tail, 1e-12)) - llr
                else:
                    step = prior + SKIP_COST
                total = here + step
                if total < cost[ni][nj]:
                    cost[ni][nj] = total
                    back[ni][nj] = (i, j, llr, found, missing, delta)
    covered_x = covered_y = beads = anchors = lacking = 0
    evidence = 0.0
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, llr, found, missing, delta = back[i][j]
        bead_llr = llr + _length_llr(delta)
        if pi < i and pj < j and abs(delta) <= MAX_DELTA and bead_llr > 0:
            covered_x += sum(s.length for s in xs[pi:i])
            covered_y += sum(s.length for s in ys[pj:j])
            evidence += bead_llr
            anchors += found
            lacking += missing
            beads += 1
        i, j = pi, pj
    total_x = sum(s.length for s in xs)
    total_y = sum(s.length for s in ys)
    if total_x * ratio <= total_y:
        coverage = covered_x / total_x if total_x else 0.0
    else:
        coverage = covered_y / total_y if total_y else 0.0
    return Alignment(round(coverage, 4), round(evidence, 3), anchors, lacking, beads, (n, m))


def _pack(sentences: list[tuple[int, set[int], set[int]]]) -> bytes:
    out = bytearray()
    for length, names, words in sentences:
        words = words - names
        out += _ENTRY.pack(length, len(names), len(words))
        out += struct.pack(f"<{len(names) + len(words)}H", *sorted(names), *sorted(words))
    return bytes(out)


def _anchors(rng: random.Random, count: int) -> set[int]:
    # Few distinct anchors, so they collide across sentences and beads tie.
    return {(rng.randint(0, 7) << 13) | rng.randint(0, 5) for _ in range(count)}


def _random_sentences(rng: random.Random) -> list[tuple[int, set[int], set[int]]]:
    return [
        (
            rng.choice([rng.randint(1, 400), 60, 120]),
            _anchors(rng, rng.randint(0, 4)),
            _anchors(rng, rng.randint(0, 6)),
        )
        for _ in range(rng.randint(0, MAX_SENTENCES + 2))
    ]


def _random_pair(rng: random.Random) -> tuple[bytes, bytes]:
    """Two unrelated texts, or a text and its "translation" (lengths in proportion, the same
    anchors, a sentence dropped or two merged now and then)."""
    a = _random_sentences(rng)
    if rng.random() < 0.5:
        return _pack(a), _pack(_random_sentences(rng))
    b: list[tuple[int, set[int], set[int]]] = []
    for length, names, words in a:
        if rng.random() < 0.1:
            continue
        other = (max(1, round(length * rng.uniform(0.8, 1.0))), set(), names | words)
        if b and rng.random() < 0.15:
            last = b.pop()
            other = (last[0] + other[0], last[1], last[2] | other[2])
        b.append(other)
    return _pack(a), _pack(b)


LANGUAGES = [("en", "ar"), ("ar", "en"), ("fr", "ar"), ("en", "fr")]


def test_random_profiles_align_exactly_as_the_plain_programme() -> None:
    rng = random.Random(16)
    translations = 0
    for _ in range(600):
        (a, b), languages = _random_pair(rng), rng.choice(LANGUAGES)
        expected = align_plain(a, b, languages)
        assert align(a, b, languages) == expected
        assert align_decoded(decode_profile(a), decode_profile(b), languages) == expected
        assert (
            align_decoded(
                decode_profile(profile_sentences(a)),
                decode_profile(profile_sentences(b)),
                languages,
            )
            == expected
        )
        translations += expected.is_translation()
    assert translations  # the sample reaches the decision, not only rejections


def test_real_texts_align_exactly_as_the_plain_programme() -> None:
    texts = [
        (EN, "en"),
        (EN_NO_NUMBERS, "en"),
        (AR, "ar"),
        (AR_NO_NUMBERS, "ar"),
        (AR_RETOLD, "ar"),
    ]
    # Sentences dropped and merged: the programme's skips and two-sentence beads.
    texts += [
        (" ".join(EN_NO_NUMBERS.split(". ")[1:]), "en"),
        (AR_NO_NUMBERS.replace(". ", "، "), "ar"),
    ]
    profiles = [(alignment_profile(t, lang), lang) for t, lang in texts]
    for a, la in profiles:
        for b, lb in profiles:
            assert align(a, b, (la, lb)) == align_plain(a, b, (la, lb))


def test_sentence_count_reads_what_the_programme_reads() -> None:
    rng = random.Random(3)
    for _ in range(300):
        profile = _random_pair(rng)[0]
        cut = profile[: rng.randint(0, len(profile))]  # truncated ones too
        assert sentence_count(cut) == len(_unpack(cut)) == len(decode_profile(cut))


def test_pairs_ruled_out_by_their_sentence_counts_are_never_translations() -> None:
    rng = random.Random(5)
    ruled_out = 0
    for _ in range(400):
        a, b = _random_pair(rng)
        if not may_be_translation(sentence_count(a), sentence_count(b)):
            ruled_out += 1
            assert not align_plain(a, b).is_translation()
    assert ruled_out > 50
    assert may_be_translation(4, 4) and not may_be_translation(1, 1)
    assert not may_be_translation(3, 5) and may_be_translation(7, 10)


def test_pairs_the_length_bound_rules_out_are_never_translations() -> None:
    rng = random.Random(11)
    ruled_out = passed = 0
    for _ in range(800):
        (a, b), languages = _random_pair(rng), rng.choice(LANGUAGES)
        expected = align_plain(a, b, languages)
        if could_be_translation(profile_sentences(a), profile_sentences(b), languages):
            passed += expected.is_translation()
        else:
            ruled_out += 1
            assert not expected.is_translation(), (a.hex(), b.hex(), languages)
    # It must rule out most pairs to be worth running, and let every translation through.
    assert ruled_out > 300 and passed > 20


def test_the_length_bound_lets_real_translations_through() -> None:
    for (x, lx), (y, ly) in [
        ((EN, "en"), (AR, "ar")),
        ((EN_NO_NUMBERS, "en"), (AR_NO_NUMBERS, "ar")),
    ]:
        a, b = alignment_profile(x, lx), alignment_profile(y, ly)
        assert align(a, b, (lx, ly)).is_translation()
        assert could_be_translation(profile_sentences(a), profile_sentences(b), (lx, ly))
        assert could_be_translation(profile_sentences(b), profile_sentences(a), (ly, lx))
    retold = profile_sentences(alignment_profile(AR_RETOLD, "ar"))
    english = profile_sentences(alignment_profile(EN_NO_NUMBERS, "en"))
    assert not could_be_translation(english, retold)


def test_index_links_the_same_as_aligning_every_candidate() -> None:
    index = TranslationIndex()
    assert index.add(en()) is None
    match = index.add(ar())
    assert match is not None and match.original_key == "en"
    assert match.alignment == align_plain(ar().alignment, en().alignment, ("ar", "en"))


def test_profile_heads_read_what_the_programme_reads() -> None:
    rng = random.Random(23)
    for _ in range(300):
        profile = _random_pair(rng)[rng.randint(0, 1)]
        cut = profile[: rng.randint(0, len(profile))]  # truncated ones too
        sentences = _unpack(cut)
        assert heads_size(profile_heads(cut)) == (
            len(sentences),
            sum(s.length for s in sentences),
        )


def test_the_batched_screen_lets_through_every_pair_the_bound_does() -> None:
    # ``could_be_translations`` screens a dozen candidates at once; it may keep a pair
    # ``could_be_translation`` rules out, never the other way round (the index aligns only what
    # it keeps, so its decisions stay those of aligning every candidate).
    rng = random.Random(29)
    languages = ["en", "ar", "fr"]
    single = screened = kept = 0
    for _ in range(150):
        a, first = _random_pair(rng)
        others = [first] + [_random_pair(rng)[rng.randint(0, 1)] for _ in range(rng.randint(0, 8))]
        others.append(first[: rng.randint(0, len(first))])  # a truncated one
        mine = rng.choice(languages)
        theirs = [rng.choice(languages) for _ in others]
        pairs = list(zip(others, theirs, strict=True))
        passes = could_be_translations(a, mine, pairs)
        assert passes == could_be_translations(a, mine, pairs, [profile_heads(b) for b in others])
        for (b, language), screen in zip(pairs, passes, strict=True):
            bound = could_be_translation(
                profile_sentences(a), profile_sentences(b), (mine, language)
            )
            assert screen or not bound, (a.hex(), b.hex(), mine, language)
            single += bound
            kept += screen
            screened += 1
    # Worth running: it rules out about as much as the single bound does.
    assert single > 50 and kept <= 1.1 * single and screened > 3 * kept


def test_the_batched_screen_lets_real_translations_through() -> None:
    texts = [
        (EN, "en"),
        (EN_NO_NUMBERS, "en"),
        (AR, "ar"),
        (AR_NO_NUMBERS, "ar"),
        (AR_RETOLD, "ar"),
    ]
    profiles = [(alignment_profile(t, lang), lang) for t, lang in texts]
    for a, la in profiles:
        passes = could_be_translations(a, la, profiles)
        for (b, lb), screen in zip(profiles, passes, strict=True):
            bound = could_be_translation(profile_sentences(a), profile_sentences(b), (la, lb))
            assert screen or not bound, (la, lb)
    assert could_be_translations(profiles[0][0], "en", [profiles[2]]) == [True]
    assert could_be_translations(profiles[1][0], "en", [profiles[3], profiles[4]]) == [True, False]
