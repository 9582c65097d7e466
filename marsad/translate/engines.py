"""Translation engines: ``none`` (the default), CTranslate2 model folders and Argos packages.

Every engine is a ``Translator``: ``translate_batch(texts, source_lang, target_lang)`` returns
one translation per input text, plus ``engine`` and ``model`` names stored with each translation.
``for_language`` picks the translator that serves a language pair (``None`` when nothing does),
so one object can stand for all installed models. Both the ``ctranslate2`` and the ``argos``
engines run CTranslate2 with SentencePiece; they differ in how the model was packaged.
``ctranslate2`` and ``sentencepiece`` are imported only when a model is loaded: they are the
optional ``marsad[translate]`` extra.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from marsad.config import Settings
from marsad.errors import TranslationError
from marsad.translate.packages import ModelInfo, list_models, pick_model, resolve_models_dir

log = logging.getLogger(__name__)

# Bounds that keep one hostile or huge input from stalling the worker: OPUS-MT models were
# trained on sentences up to 256 tokens; output rarely needs more than twice the input.
MAX_INPUT_TOKENS = 256
MAX_OUTPUT_TOKENS = 384


@runtime_checkable
class Translator(Protocol):
    """What the translation service needs from an engine."""

    engine: str
    model: str

    def for_language(self, source_lang: str, target_lang: str = "ar") -> Translator | None:
        """The translator serving this pair, or ``None`` when none is installed."""
        ...

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        """One translation per text, in order."""
        ...


class NoneTranslator:
    """The default engine: translates nothing, and says so."""

    engine = "none"
    model = ""

    def for_language(self, source_lang: str, target_lang: str = "ar") -> Translator | None:
        return None

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        raise TranslationError(
            "translation is off (translate_engine = none): install a model and set "
            "translate_engine, see `marsad models list`",
            message_ar="الترجمة معطلة: ثبّت نموذجًا واضبط الإعداد translate_engine",
        )


def resolve_device(requested: str) -> str:
    """``auto`` means CUDA when CTranslate2 sees a GPU, else the CPU."""
    if requested in ("cpu", "cuda"):
        return requested
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except ImportError:
        return "cpu"


def default_compute_type(device: str) -> str:
    """int8 on the CPU: a quarter of float32's memory, and faster on full-size models in
    CTranslate2's own benchmarks (on our tiny and small random models it was no faster; see
    bench/translate/speed.py). int8 weights with float16 activations on a GPU."""
    return "int8_float16" if device == "cuda" else "int8"


class CTranslate2Translator:
    """One installed model (CTranslate2 folder + SentencePiece), loaded on first use."""

    def __init__(
        self,
        info: ModelInfo,
        *,
        device: str = "auto",
        compute_type: str | None = None,
        beam_size: int = 2,
        max_batch_size: int = 32,
        intra_threads: int = 0,
    ) -> None:
        self.info = info
        self.engine = info.engine
        self.model = info.name
        self.device = resolve_device(device)
        self.compute_type = compute_type or default_compute_type(self.device)
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.intra_threads = intra_threads
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, Any] | None = None

    def for_language(self, source_lang: str, target_lang: str = "ar") -> Translator | None:
        ok = source_lang in self.info.source_languages and target_lang == self.info.target_language
        return self if ok else None

    def _load(self) -> tuple[Any, Any, Any]:
        with self._lock:
            if self._loaded is None:
                try:
                    import ctranslate2
                    import sentencepiece
                except ImportError as exc:
                    raise TranslationError(
                        f"the translation engine needs the marsad[translate] extra ({exc.name})"
                    ) from None
                root = self.info.path
                try:
                    translator = ctranslate2.Translator(
                        str(root / self.info.model_dir),
                        device=self.device,
                        compute_type=self.compute_type,
                        intra_threads=self.intra_threads,
                    )
                    source = sentencepiece.SentencePieceProcessor(
                        model_file=str(root / self.info.source_spm)
                    )
                    target = sentencepiece.SentencePieceProcessor(
                        model_file=str(root / self.info.target_spm)
                    )
                except (RuntimeError, OSError, ValueError) as exc:
                    raise TranslationError(f"cannot load model {self.model!r}: {exc}") from None
                log.info(
                    "loaded translation model %s on %s (%s)",
                    self.model,
                    self.device,
                    self.compute_type,
                )
                self._loaded = (translator, source, target)
            return self._loaded

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        if not texts:
            return []
        translator, source_sp, target_sp = self._load()
        source_prefix = list(self.info.source_prefix_for(source_lang))
        suffix = list(self.info.source_suffix)
        room = MAX_INPUT_TOKENS - len(source_prefix) - len(suffix)
        batch = [
            [*source_prefix, *source_sp.encode(text, out_type=str)[:room], *suffix]
            for text in texts
        ]
        longest = max(len(tokens) for tokens in batch)
        prefix = list(self.info.target_prefix)
        try:
            results = translator.translate_batch(
                batch,
                target_prefix=[prefix] * len(batch) if prefix else None,
                beam_size=self.beam_size,
                max_batch_size=self.max_batch_size,
                max_decoding_length=min(MAX_OUTPUT_TOKENS, 2 * longest + 10),
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"model {self.model!r} failed: {exc}") from None
        out = []
        for result in results:
            tokens = result.hypotheses[0]
            if prefix and tokens[: len(prefix)] == prefix:
                tokens = tokens[len(prefix) :]
            out.append(target_sp.decode(tokens))
        return out


class InstalledModels:
    """All models installed under ``models_dir`` for one engine; picks one per language."""

    def __init__(self, models_dir: Path, *, engine: str, device: str = "auto", **options: Any):
        self.models_dir = models_dir
        self.engine = engine
        # Read once: a model installed later is picked up by the next process (or ``refresh``).
        self._infos = [m for m in list_models(models_dir) if m.engine == engine]
        self.model = ",".join(m.name for m in self._infos) or "(none installed)"
        self._device = device
        self._options = options
        self._loaded: dict[str, CTranslate2Translator] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Read the installed models again."""
        self._infos = [m for m in list_models(self.models_dir) if m.engine == self.engine]
        self.model = ",".join(m.name for m in self._infos) or "(none installed)"

    def for_language(self, source_lang: str, target_lang: str = "ar") -> Translator | None:
        info = pick_model(self._infos, source_lang, target_lang)
        if info is None:
            return None
        with self._lock:
            if info.name not in self._loaded:
                self._loaded[info.name] = CTranslate2Translator(
                    info, device=self._device, **self._options
                )
            return self._loaded[info.name]

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        chosen = self.for_language(source_lang, target_lang)
        if chosen is None:
            raise TranslationError(
                f"no {self.engine} model installed for {source_lang}->{target_lang}"
            )
        return chosen.translate_batch(texts, source_lang, target_lang)


def open_translator(settings: Settings) -> Translator:
    """The translator the settings ask for (``NoneTranslator`` when ``translate_engine`` is none)."""
    if settings.translate_engine == "none":
        return NoneTranslator()
    return InstalledModels(
        resolve_models_dir(settings),
        engine=settings.translate_engine,
        device=settings.translate_device,
    )
