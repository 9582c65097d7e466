"""Build a tiny, randomly initialised translation model, offline, for tests and benchmarks.

Real models (OPUS-MT, NLLB) are hundreds of megabytes and cannot be downloaded at run time, so
the tests and benches make their own: a SentencePiece model trained on a few hundred English and
Arabic sentences generated here from templates, and a small Transformer built directly with
CTranslate2's spec API (the same calls its converters make), its weights filled with seeded
random numbers. Its output is junk; it exists to run the real loading, tokenisation, batching,
placeholder handling and storage code paths. No torch or transformers is needed.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from pathlib import Path

import numpy as np

_SUBJECTS_EN = (
    "Biden",
    "Zelenskyy",
    "The president",
    "The minister",
    "Mr. Sharif",
    "Dr. Santos",
    "The army",
    "The U.S. envoy",
    "Officials in Manila",
    "Police in Karachi",
)
_VERBS_EN = (
    "said on Monday that",
    "warned on Tuesday that",
    "told reporters that",
    "announced that",
    "denied reports that",
)
_CLAUSES_EN = (
    "talks would resume in Geneva.",
    "12 people were killed in floods.",
    "prices rose by 3.5 percent in March.",
    "the border would stay closed.",
    "elections will be held on 5 May 2025.",
    "aid had reached 40,000 families.",
)
_SUBJECTS_AR = (
    "بايدن",
    "زيلينسكي",
    "الرئيس",
    "الوزير",
    "السيد شريف",
    "الدكتور سانتوس",
    "الجيش",
    "المبعوث الأمريكي",
    "مسؤولون في مانيلا",
    "الشرطة في كراتشي",
)
_VERBS_AR = ("قال يوم الاثنين إن", "حذر يوم الثلاثاء من أن", "أبلغ الصحفيين أن", "أعلن أن")
_CLAUSES_AR = (
    "المحادثات ستستأنف في جنيف.",
    "12 شخصا قتلوا في الفيضانات.",
    "الأسعار ارتفعت بنسبة 3.5 في المئة في مارس.",
    "الحدود ستبقى مغلقة.",
    "الانتخابات ستجرى في 5 مايو 2025.",
    "المساعدات وصلت إلى 40 ألف أسرة.",
)


def corpus_sentences() -> list[str]:
    """A few hundred English and Arabic sentences for training the tiny SentencePiece model."""
    english = [
        f"{s} {v} {c}" for s, v, c in itertools.product(_SUBJECTS_EN, _VERBS_EN, _CLAUSES_EN)
    ]
    arabic = [f"{v} {s} {c}" for s, v, c in itertools.product(_SUBJECTS_AR, _VERBS_AR, _CLAUSES_AR)]
    return english + arabic


def train_sentencepiece(out_prefix: Path, vocab_size: int = 400) -> Path:
    """Train a joint English+Arabic SentencePiece model; returns the ``.model`` path."""
    import sentencepiece as spm

    sentences = corpus_sentences()
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,  # the templated corpus is small; take what it yields
        num_threads=1,
        minloglevel=2,
    )
    path = out_prefix.with_suffix(".model")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.getvalue())
    return path


def _vocabulary(spm_path: Path) -> list[str]:
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_file=str(spm_path))
    return [proc.id_to_piece(i) for i in range(proc.get_piece_size())]


def _linear(rng: np.random.Generator, out_dim: int, in_dim: int, spec: object) -> None:
    spec.weight = (rng.standard_normal((out_dim, in_dim)) * 0.1).astype(np.float32)  # type: ignore[attr-defined]
    spec.bias = np.zeros(out_dim, dtype=np.float32)  # type: ignore[attr-defined]


def _norm(dim: int, spec: object) -> None:
    spec.gamma = np.ones(dim, dtype=np.float32)  # type: ignore[attr-defined]
    spec.beta = np.zeros(dim, dtype=np.float32)  # type: ignore[attr-defined]


def _sinusoids(length: int, dim: int) -> np.ndarray:
    position = np.arange(length, dtype=np.float32)[:, None]
    rates = np.exp(np.arange(0, dim, 2, dtype=np.float32) * -(np.log(10000.0) / dim))
    table = np.zeros((length, dim), dtype=np.float32)
    table[:, 0::2] = np.sin(position * rates)
    table[:, 1::2] = np.cos(position * rates)
    return table


def build_ctranslate2_model(
    out_dir: Path,
    spm_path: Path,
    *,
    d_model: int = 64,
    ffn: int = 128,
    layers: int = 2,
    heads: int = 4,
    quantization: str | None = None,
    seed: int = 7,
) -> Path:
    """Save a random Transformer whose vocabulary is ``spm_path``'s pieces into ``out_dir``."""
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    vocab = _vocabulary(spm_path)
    spec = transformer_spec.TransformerSpec.from_config(layers, heads)
    for stack in (spec.encoder, spec.decoder):
        embeddings = stack.embeddings if isinstance(stack.embeddings, list) else [stack.embeddings]
        for emb in embeddings:
            emb.weight = (rng.standard_normal((len(vocab), d_model)) * 0.1).astype(np.float32)
        stack.position_encodings.encodings = _sinusoids(512, d_model)
        _norm(d_model, stack.layer_norm)
        for layer in stack.layer:
            _norm(d_model, layer.self_attention.layer_norm)
            _linear(rng, 3 * d_model, d_model, layer.self_attention.linear[0])
            _linear(rng, d_model, d_model, layer.self_attention.linear[1])
            if hasattr(layer, "attention"):
                _norm(d_model, layer.attention.layer_norm)
                _linear(rng, d_model, d_model, layer.attention.linear[0])
                _linear(rng, 2 * d_model, d_model, layer.attention.linear[1])
                _linear(rng, d_model, d_model, layer.attention.linear[2])
            _norm(d_model, layer.ffn.layer_norm)
            _linear(rng, ffn, d_model, layer.ffn.linear_0)
            _linear(rng, d_model, ffn, layer.ffn.linear_1)
    _linear(rng, len(vocab), d_model, spec.decoder.projection)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=quantization)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    return out_dir


# Sizes: "tiny" for tests (seconds to build, ~0.1M parameters besides embeddings), "small" for
# quick benches; "base" has
# the shape of an OPUS-MT base Marian model (6+6 layers, 512 wide, 2048 feed-forward), so
# int8-vs-float32 timings mean something.
SIZES = {
    "tiny": {"d_model": 64, "ffn": 128, "layers": 2, "heads": 4},
    "small": {"d_model": 256, "ffn": 1024, "layers": 3, "heads": 4},
    "base": {"d_model": 512, "ffn": 2048, "layers": 6, "heads": 8},
}


def build_model_dir(out_dir: Path, *, quantization: str | None = None, size: str = "tiny") -> Path:
    """An operator-style model directory: CTranslate2 files plus ``source.spm``/``target.spm``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    spm_path = train_sentencepiece(out_dir / "source")
    (out_dir / "target.spm").write_bytes(spm_path.read_bytes())
    spm_path.rename(out_dir / "source.spm")
    build_ctranslate2_model(
        out_dir, out_dir / "source.spm", quantization=quantization, **SIZES[size]
    )
    return out_dir


def build_argos_package(
    out_file: Path, work_dir: Path, *, from_code: str = "en", to_code: str = "ar"
) -> Path:
    """Package the tiny model the way Argos Translate does: a zip holding one top-level folder
    with ``metadata.json``, a CTranslate2 ``model/`` folder and ``sentencepiece.model``."""
    spm_path = train_sentencepiece(work_dir / "sentencepiece")
    model_dir = build_ctranslate2_model(work_dir / "model", spm_path, quantization="int8")
    top = f"translate-{from_code}_{to_code}-tiny"
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "English",
        "to_code": to_code,
        "to_name": "Arabic",
        "type": "translate",
        "languages": [],
    }
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_file, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{top}/metadata.json", json.dumps(metadata))
        zf.write(spm_path, f"{top}/sentencepiece.model")
        for path in sorted(model_dir.iterdir()):
            zf.write(path, f"{top}/model/{path.name}")
    return out_file
