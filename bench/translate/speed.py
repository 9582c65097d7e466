"""Throughput of the tiny model on CPU, int8 vs float32, bare CTranslate2 vs Marsad's path.

    nice -n 10 .venv/bin/python -m bench.translate.speed [--sentences 100] [--size tiny|small|base]

Sentences come from the AEB article bodies, split by ``split_sentences``. "bare" is
``ctranslate2.Translator.translate_batch`` on pre-tokenised sentences; "marsad" is
``translate_texts`` (splitting, protection, SentencePiece, the same batch call, restoring and
the fallback for lost placeholders, which a random model always triggers: so the marsad column
does about two model passes). Tokens/s counts source SentencePiece tokens. A random model never
emits end-of-sentence, so every output runs to the decoding limit: compare the columns with
each other, not with a real model.
"""

from __future__ import annotations

import argparse
import time

import ctranslate2
import sentencepiece as spm

from bench.translate.common import aeb_articles, golden_names, tiny_models, tiny_translator
from marsad.translate.engines import MAX_OUTPUT_TOKENS
from marsad.translate.sentences import split_paragraphs, split_sentences
from marsad.translate.service import translate_texts_report


def sentences(n: int) -> list[str]:
    out: list[str] = []
    for _, body in aeb_articles():
        for paragraph in split_paragraphs(body):
            out.extend(split_sentences(paragraph))
            if len(out) >= n:
                return out[:n]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--size", choices=("tiny", "small", "base"), default="tiny")
    args = parser.parse_args()
    texts = sentences(args.sentences)
    names = golden_names()
    print(
        f"{len(texts)} sentences from AEB; {args.size} model; CTranslate2 default threads; beam 2"
    )
    print(f"{'compute':<8} {'path':<7} {'sent/s':>8} {'src tok/s':>10} {'out tok/s':>10}")
    rates: dict[tuple[str, str], float] = {}
    for quant, compute in (("int8", "int8"), (None, "float32")):
        models = tiny_models(quantization=quant or "float32", size=args.size)
        folder = next(p for p in models.iterdir() if p.is_dir())
        sp = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        tokens = [sp.encode(t, out_type=str)[:256] for t in texts]
        n_src = sum(len(t) for t in tokens)
        bare = ctranslate2.Translator(str(folder), device="cpu", compute_type=compute)
        started = time.perf_counter()
        longest = max(len(t) for t in tokens)
        results = bare.translate_batch(
            tokens,
            beam_size=2,
            max_batch_size=32,
            max_decoding_length=min(MAX_OUTPUT_TOKENS, 2 * longest + 10),  # as the engine does
        )
        bare_s = time.perf_counter() - started
        n_out = sum(len(r.hypotheses[0]) for r in results)
        rates[(compute, "bare")] = len(texts) / bare_s
        print(
            f"{compute:<8} {'bare':<7} {len(texts) / bare_s:>8.1f} {n_src / bare_s:>10.0f} {n_out / bare_s:>10.0f}"
        )

        engine = tiny_translator(models, compute)
        engine.for_language("en").translate_batch(["warm up"], "en")  # type: ignore[union-attr]
        started = time.perf_counter()
        report = translate_texts_report(engine, texts, "en", names=names)
        ours_s = time.perf_counter() - started
        rates[(compute, "marsad")] = len(texts) / ours_s
        print(
            f"{compute:<8} {'marsad':<7} {len(texts) / ours_s:>8.1f} {n_src / ours_s:>10.0f} "
            f"{'':>10}  ({report.fallbacks}/{report.sentences} sentences needed the fallback)"
        )
    print(
        f"int8/float32 speed-up, bare:   {rates[('int8', 'bare')] / rates[('float32', 'bare')]:.2f}x"
    )
    print(
        f"int8/float32 speed-up, marsad: {rates[('int8', 'marsad')] / rates[('float32', 'marsad')]:.2f}x"
    )
    print(f"marsad/bare, int8:    {rates[('int8', 'marsad')] / rates[('int8', 'bare')]:.2f}x")
    print(f"marsad/bare, float32: {rates[('float32', 'marsad')] / rates[('float32', 'bare')]:.2f}x")


if __name__ == "__main__":
    main()
