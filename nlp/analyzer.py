"""Load a model directory once and analyse batches of messages."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.analysis import Analysis
from nlp.emotion.english import english_emotions
from nlp.emotion.stack import Stacker
from nlp.emotion.tfidf import TfidfClassifier
from nlp.labels import EMOTIONS, RISKS, SPEAKERS
from nlp.lang import detect_language, read_by_models
from nlp.normalize import MAX_CHARS, morphemes, normalize_text
from nlp.risk.learned import RiskClassifier, learned_risk, lemma_text
from nlp.risk.phrases import PhraseHits, load_phrasebook, match_all

SHIPPED_MODEL_DIR = Path(__file__).with_name("model")
# What the Kiwi pass yields for a batch: phrase hits, and lemmas for the learned risk model.
PhraseView = tuple[list[PhraseHits], list[str]]


class ModelDirError(FileNotFoundError):
    """The model directory is missing or incomplete; the message names the file."""


@dataclass(frozen=True)
class ModelConfig:
    """config.json of a model directory."""

    name: str
    emotion_weights: dict[str, float]  # component -> weight of its probabilities
    emotion_combine: str  # "average" (weights) or "stack" (stack.safetensors)
    emotion_components: tuple[str, ...]
    quantize: bool  # run the encoder's linear layers in dynamic int8 on the CPU
    emotion_thresholds: np.ndarray
    risk_thresholds: np.ndarray
    risk_learned_weight: float
    risk_encoder_share: float  # share of the encoder's risk head in the learned score

    @classmethod
    def read(cls, directory: Path) -> ModelConfig:
        path = directory / "config.json"
        if not path.is_file():
            raise ModelDirError(f"{path}: no model config (is this a Maeum model directory?)")
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        emo, risk = raw["emotion"], raw["risk"]
        return cls(
            name=str(raw["name"]),
            emotion_weights={k: float(v) for k, v in emo["weights"].items()},
            emotion_combine=str(emo.get("combine", "average")),
            emotion_components=tuple(emo.get("components", sorted(emo["weights"]))),
            quantize=bool(emo.get("quantize", False)),
            emotion_thresholds=np.array([emo["thresholds"][e] for e in EMOTIONS], np.float32),
            risk_thresholds=np.array([risk["thresholds"][r] for r in RISKS], np.float32),
            risk_learned_weight=float(risk.get("learned_weight", 0.0)),
            risk_encoder_share=float(risk.get("encoder_share", 0.0)),
        )


class Analyzer:
    """A loaded model: emotion components, learned risk model and the phrase book."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.config = ModelConfig.read(directory)
        cfg = self.config
        stack = cfg.emotion_combine == "stack"

        def needed(name: str) -> bool:
            used = stack or cfg.emotion_weights.get(name, 0) > 0
            return name in cfg.emotion_components and used

        self.stacker = Stacker.load(directory) if stack else None
        self.tfidf = TfidfClassifier.load(directory, "emotion_tfidf") if needed("tfidf") else None
        self.encoder = None
        wants_head = cfg.risk_encoder_share > 0 and (directory / "encoder.safetensors").is_file()
        if needed("encoder") or wants_head:
            from nlp.emotion.encoder import EncoderClassifier

            self.encoder = EncoderClassifier.load(directory, quantize=cfg.quantize)
        self.risk_model = (
            RiskClassifier.load(directory)
            if (directory / "risk_tfidf.safetensors").is_file()
            else None
        )
        self.phrasebook = load_phrasebook()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="maeum-phrases")

    def emotion_proba(self, texts: list[str]) -> np.ndarray:
        """Screener-emotion probabilities (n, 8) for normalised Korean text."""
        return self._model_outputs(texts)[0]

    def _model_outputs(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Emotion probabilities (n, 8), and the encoder's risk head (n, 8) if it has one."""
        k8 = len(EMOTIONS)
        if not texts:
            return np.zeros((0, k8), dtype=np.float32), None
        outputs: dict[str, np.ndarray] = {}
        risk_head = None
        if self.tfidf is not None:
            outputs["tfidf"] = self.tfidf.predict_proba(texts)
        if self.encoder is not None:
            columns = self.encoder.predict_proba(texts)
            n_emotion = k8 + self.encoder.spec.n_fine
            outputs["encoder"] = columns[:, :n_emotion]
            if self.encoder.spec.n_risk:
                risk_head = columns[:, n_emotion:]
        if self.stacker is not None:
            return self.stacker.predict_proba(outputs).astype(np.float32), risk_head
        weights = self.config.emotion_weights
        total = sum(weights.get(k, 0.0) for k in outputs)
        out = sum(weights.get(k, 0.0) * p[:, :k8] for k, p in outputs.items())
        return (np.asarray(out) / max(total, 1e-9)).astype(np.float32), risk_head

    def analyze(
        self, texts: Sequence[str], speaker: str | Sequence[str] = "child"
    ) -> list[Analysis]:
        """Analyse a batch; results are in input order."""
        texts = list(texts)
        speakers = [speaker] * len(texts) if isinstance(speaker, str) else list(speaker)
        if len(speakers) != len(texts):
            raise ValueError("speaker must be one string or one per text")
        for s in speakers:
            if s not in SPEAKERS:
                raise ValueError(f"unknown speaker {s!r}; expected one of {SPEAKERS}")
        norm = [normalize_text(t) for t in texts]
        langs = [detect_language(t[:MAX_CHARS]) for t in texts]
        # Morphemes and phrases run beside the emotion models: both release the GIL, so a
        # second core is used even when torch runs on one thread.
        # (a single message stays on this thread: the hop costs more than it saves)
        hits_future: Future[PhraseView] = (
            self._pool.submit(self._phrase_hits, norm, speakers)
            if len(norm) > 2
            else _done(self._phrase_hits(norm, speakers))
        )
        emotions = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
        head = None  # the encoder's risk head, for the rows of model_idx (it read no English)
        model_idx = [i for i, lang in enumerate(langs) if read_by_models(lang, norm[i])]
        if model_idx:
            emotions[model_idx], head = self._model_outputs([norm[i] for i in model_idx])
        en_idx = [i for i, lang in enumerate(langs) if lang == "en"]
        if en_idx:
            emotions[en_idx] = english_emotions([norm[i] for i in en_idx])
        hits, lemmas = hits_future.result()
        learned = np.zeros((len(texts), len(RISKS)), dtype=np.float32)
        if self.risk_model is not None:
            share = self.config.risk_encoder_share
            learned = learned_risk(self.risk_model, norm, lemmas, langs, head, share)
        return [
            self._result(langs[i], emotions[i], hits[i], learned[i], speakers[i])
            for i in range(len(texts))
        ]

    def _phrase_hits(self, norm: list[str], speakers: list[str]) -> PhraseView:
        """Phrase hits and lemmas (for the learned risk model) from one Kiwi pass."""
        analysed = morphemes(norm)
        hits = match_all(norm, speakers, self.phrasebook, analysed)
        return hits, [lemma_text(m) for m in analysed]

    def _result(
        self, lang: str, emo: np.ndarray, hits: PhraseHits, learned: np.ndarray, speaker: str
    ) -> Analysis:
        cfg = self.config
        phrase = np.array([hits.scores[r] for r in RISKS], dtype=np.float32)
        context = np.array([hits.context.get(r, 1.0) for r in RISKS], dtype=np.float32)
        risk = np.maximum(phrase, cfg.risk_learned_weight * learned * context)
        if speaker == "parent":  # a parent's wish to die is also a parenting crisis
            pc, sh = RISKS.index("parent_crisis"), RISKS.index("self_harm")
            risk[pc] = max(risk[pc], risk[sh])
        risk = np.clip(risk, 0.0, 1.0)
        emo = np.clip(emo, 0.0, 1.0)
        emo_labels = [
            e for e, p, t in zip(EMOTIONS, emo, cfg.emotion_thresholds, strict=True) if p >= t
        ]
        risk_labels = [
            r for r, p, t in zip(RISKS, risk, cfg.risk_thresholds, strict=True) if p >= t
        ]
        return Analysis(
            lang=lang,
            emotions={e: float(p) for e, p in zip(EMOTIONS, emo, strict=True)},
            emotion_labels=emo_labels,
            risk={r: float(p) for r, p in zip(RISKS, risk, strict=True)},
            risk_labels=risk_labels,
            model=cfg.name,
            evidence={r: v for r, v in hits.evidence.items() if r in risk_labels},
        )


def _done(value: PhraseView) -> Future[PhraseView]:
    future: Future[PhraseView] = Future()
    future.set_result(value)
    return future


_CACHE: dict[Path, Analyzer] = {}
_CACHE_LOCK = threading.Lock()


def resolve_model_dir(model_dir: str | Path | None = None) -> Path:
    """The argument, else $MAEUM_MODEL_DIR, else the shipped nlp/model."""
    if model_dir is None:
        model_dir = os.environ.get("MAEUM_MODEL_DIR") or SHIPPED_MODEL_DIR
    return Path(model_dir).resolve()


def load_analyzer(model_dir: str | Path | None = None) -> Analyzer:
    """The analyzer for a model directory, loaded once per process and directory."""
    directory = resolve_model_dir(model_dir)
    with _CACHE_LOCK:
        if directory not in _CACHE:
            _CACHE[directory] = Analyzer(directory)
        return _CACHE[directory]


def analyze(
    texts: Sequence[str],
    speaker: str | Sequence[str] = "child",
    model_dir: str | Path | None = None,
) -> list[Analysis]:
    """Analyse a batch with the cached analyzer of model_dir (default: the shipped model)."""
    return load_analyzer(model_dir).analyze(texts, speaker)
