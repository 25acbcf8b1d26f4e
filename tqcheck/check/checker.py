"""Orchestration: segments in, SegmentResults out. No formatting and no printing here.

Target-only mode round-trips the text through each pivot (target -> pivot -> target) and
force-decodes the original from the pivot text. Source-aware mode also back-translates the
text into the source language (compared with the source), translates the source into the
target language as a pseudo-reference (compared with the text), and force-decodes the text
given the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from tqcheck import __version__
from tqcheck.check.risk import risk
from tqcheck.check.rules import (
    foreign_script_flags,
    grammar_flags,
    number_flags,
    punctuation_flags,
    repetition_flags,
    untranslated_flags,
    wrong_language_flag,
)
from tqcheck.check.spans import roundtrip_flags, source_flags, word_gaps, words
from tqcheck.config import Profile, load_profile
from tqcheck.errors import InputError
from tqcheck.inputs.segment import InputText, clean_for_model, segment_parallel, segment_text
from tqcheck.metrics import consistency_metrics, surprisal_summary
from tqcheck.metrics.similarity import signature as similarity_signature
from tqcheck.metrics.similarity import similarities
from tqcheck.translate.base import Backend, BackendFactory
from tqcheck.translate.registry import load_registry
from tqcheck.types import CheckResult, Flag, Segment, SegmentResult, TokenScores


@dataclass(frozen=True)
class CheckOptions:
    """Everything that changes results; also the source of the signature."""

    lang: str = "en"
    src_lang: str | None = None
    pivots: tuple[str, ...] = ()  # empty: the configured default for `lang`
    profile: str = "default"
    models_dir: str | None = None
    device: str = "auto"
    language_id: bool = True  # whole-segment language identification (lingua)
    model_free: bool = False  # rules and sentence similarity only: no translation model
    similarity: bool = True  # USE similarity of source and text, when there is a source


class Checker:
    """Runs the models and checks over segments. Build once, call `check` many times."""

    def __init__(self, options: CheckOptions, factory: BackendFactory | None = None,
                 on_stage: Callable[[str], None] | None = None,
                 profile: Profile | None = None) -> None:
        self.options = options
        self.registry = load_registry()
        # An explicit Profile (calibration tries variants) overrides options.profile.
        self.profile: Profile = profile or load_profile(options.profile)
        if factory is None and not options.model_free:
            from tqcheck.translate.factory import BackendSettings, make_factory

            factory = make_factory(options.models_dir, self.registry.decoding,
                                   BackendSettings(device=options.device))
        self.factory = factory
        self.on_stage = on_stage or (lambda _msg: None)
        self.metrics = consistency_metrics(options.lang)
        self._used: dict[str, Backend] = {}
        self._similarity_used = False

    # -- planning --------------------------------------------------------------------------

    def pivots(self) -> list[str]:
        o = self.options
        if o.model_free:
            return []
        chosen = list(o.pivots) or ([] if o.src_lang else self.registry.default_pivots(o.lang))
        if o.src_lang:
            chosen = [o.src_lang, *[p for p in chosen if p != o.src_lang]]
        if o.lang in chosen:
            raise InputError(f"pivot {o.lang} is the target language itself; pick another")
        return chosen

    def backend(self, pair: str) -> Backend:
        if self.factory is None:
            raise InputError("model-free mode uses no translation model")
        if pair not in self._used:
            self._used[pair] = self.factory(pair)
        return self._used[pair]

    def load_models(self, with_source: bool) -> None:
        """Resolve and load every model up front, so a missing one fails before any work."""
        lang = self.options.lang
        for p in self.pivots():
            self.backend(f"{lang}-{p}")
            self.backend(f"{p}-{lang}")
        if with_source and self.options.src_lang and not self.options.model_free:
            self.backend(f"{self.options.src_lang}-{lang}")

    def signature(self) -> str:
        o = self.options
        mode = "model-free" if o.model_free else "source" if o.src_lang else "target-only"
        parts = [
            f"mode:{mode}",
            f"lang:{o.src_lang + '-' if o.src_lang else ''}{o.lang}",
            *([] if o.model_free else [f"pivots:{','.join(self.pivots())}"]),
            *(f"model:{b.name}" for b in self._used.values()),
            *([] if o.model_free else [self.registry.decoding.signature(),
                                       *(m.signature() for m in self.metrics)]),
            *([similarity_signature()] if self._similarity_used else []),
            f"profile:{self.profile.name}",
            f"version:{__version__}",
        ]
        return "tqcheck:" + "|".join(parts)

    # -- running ---------------------------------------------------------------------------

    def _translate(self, pair: str, texts: Sequence[str]) -> list[str]:
        unique = list(dict.fromkeys(texts))
        done = dict(zip(unique, self.backend(pair).translate(unique), strict=True))
        return [done[t] for t in texts]

    def _truncation_notes(self, segments: list[Segment], texts: list[str]) -> list[Segment]:
        limit = self.registry.decoding.max_input_tokens
        first = self.pivots()[0]
        counts = self.backend(f"{self.options.lang}-{first}").count_tokens(texts)
        out = []
        for seg, n in zip(segments, counts, strict=True):
            if n > limit:
                note = f"truncated: {n} tokens, the models read only the first {limit}"
                seg = replace(seg, notes=(*seg.notes, note))
            out.append(seg)
        return out

    def check(self, segments: list[Segment], input_name: str = "-") -> CheckResult:
        o = self.options
        with_source = any(s.source is not None for s in segments)
        if with_source and not o.src_lang:
            raise InputError("segments carry a source but no source language was given "
                             "(--src-lang)")
        self.load_models(with_source)
        texts = [clean_for_model(s.text) for s in segments]
        if not o.model_free:
            segments = self._truncation_notes(segments, texts)
        results = [SegmentResult(segment=s) for s in segments]
        if with_source and o.similarity:
            self.on_stage(f"sentence similarity of {len(segments)} segments")
            idx = [i for i, s in enumerate(segments) if s.source is not None]
            sims = similarities([segments[i].source or "" for i in idx], [texts[i] for i in idx])
            for i, sim in zip(idx, sims, strict=True):
                results[i].metrics["similarity:source"] = sim
            self._similarity_used = True

        pivot_texts: dict[str, list[str]] = {}
        scores: dict[str, list[TokenScores]] = {}
        for p in self.pivots():
            self.on_stage(f"translating {len(texts)} segments {o.lang}→{p}")
            pivot_texts[p] = self._translate(f"{o.lang}-{p}", texts)
            self.on_stage(f"round trip {p}→{o.lang}")
            back = self._translate(f"{p}-{o.lang}", pivot_texts[p])
            self.on_stage(f"forced decoding {p}→{o.lang}")
            scores[p] = self.backend(f"{p}-{o.lang}").score(pivot_texts[p], texts)
            for r, rt, sc in zip(results, back, scores[p], strict=True):
                r.backtranslations[f"roundtrip:{p}"] = rt
                for m in self.metrics:
                    r.metrics[f"{m.name}:roundtrip:{p}"] = m.score(rt, r.segment.text)
                for k, v in surprisal_summary(sc).items():
                    r.metrics[f"{k}:{p}"] = v

        src_scores: list[TokenScores | None] = [None] * len(segments)
        rev_scores: list[TokenScores | None] = [None] * len(segments)
        pseudo_refs: list[str | None] = [None] * len(segments)
        if with_source and o.src_lang and not o.model_free:
            src = o.src_lang
            idx = [i for i, s in enumerate(segments) if s.source is not None]
            sources = [clean_for_model(segments[i].source or "") for i in idx]
            self.on_stage(f"translating {len(idx)} sources {src}→{o.lang}")
            refs = self._translate(f"{src}-{o.lang}", sources)
            self.on_stage(f"forced decoding {src}→{o.lang}")
            sc = self.backend(f"{src}-{o.lang}").score(sources, [texts[i] for i in idx])
            self.on_stage(f"forced decoding {o.lang}→{src}")
            rev = self.backend(f"{o.lang}-{src}").score([texts[i] for i in idx], sources)
            src_metrics = consistency_metrics(src)
            for k, i in enumerate(idx):
                r, seg = results[i], segments[i]
                bt = pivot_texts[src][i]
                pseudo_refs[i], src_scores[i], rev_scores[i] = refs[k], sc[k], rev[k]
                r.backtranslations[f"backtranslation:{src}"] = bt
                r.backtranslations["pseudo_reference"] = refs[k]
                for m in src_metrics:
                    r.metrics[f"{m.name}:backtranslation"] = m.score(bt, seg.source or "")
                for m in self.metrics:
                    r.metrics[f"{m.name}:pseudo_reference"] = m.score(seg.text, refs[k])
                for key, v in surprisal_summary(sc[k]).items():
                    r.metrics[f"{key}:source"] = v

        self.on_stage("finding spans")
        for i, r in enumerate(results):
            r.flags = self._flags(r, pivot_texts, scores, i, pseudo_refs[i], src_scores[i],
                                  rev_scores[i])
            r.risk = risk(r.metrics, r.flags, self.profile, len(r.segment.text.split()))
        return CheckResult(signature=self.signature(), segments=results,
                           tqcheck_version=__version__, input_name=input_name)

    def _flags(self, r: SegmentResult, pivot_texts: dict[str, list[str]],
               scores: dict[str, list[TokenScores]], i: int, pseudo_ref: str | None,
               src_score: TokenScores | None, rev_score: TokenScores | None) -> list[Flag]:
        o, seg, prof = self.options, r.segment, self.profile
        ws = words(seg.text)
        flags: list[Flag] = []
        if seg.source is not None and pseudo_ref is not None and o.src_lang:
            gaps = word_gaps(ws, src_score)
            source_gaps = word_gaps(words(seg.source), rev_score)
            flags += source_flags(seg.text, seg.source, pseudo_ref,
                                  r.backtranslations[f"backtranslation:{o.src_lang}"], gaps,
                                  o.lang, o.src_lang, prof, source_gaps)
            supported = {w.norm for w in words(pseudo_ref)}
            flags += untranslated_flags(seg.text, seg.source, supported, prof)
        elif pivot_texts:  # target-only (model-free mode has no pivots)
            roundtrips = {p: r.backtranslations[f"roundtrip:{p}"] for p in pivot_texts}
            # The most surprising word under any pivot's reverse model.
            per_pivot = [word_gaps(ws, scores[p][i]) for p in pivot_texts]
            gaps = [min(col) for col in zip(*per_pivot, strict=True)] if per_pivot else []
            flags += roundtrip_flags(seg.text, roundtrips, gaps, o.lang, prof)
        flags += rule_flags(seg.text, seg.source, o.lang, prof, o.language_id)
        # Spans already explained as copied source text are not also mistranslations.
        copied = [f for f in flags if f.category == "Accuracy/Untranslated text"]
        flags = [f for f in flags if not (
            f.category in ("Accuracy/Mistranslation", "Accuracy/Addition")
            and any(c.start <= f.start and f.end <= c.end for c in copied))]
        return sorted(flags, key=lambda f: (f.side, f.start, f.end))


def rule_flags(text: str, source: str | None, lang: str, profile: Profile,
               language_id: bool = True) -> list[Flag]:
    """Every model-free check the profile enables."""
    flags = repetition_flags(text) + foreign_script_flags(text, lang)
    if source is not None:
        flags += number_flags(text, source)
    if profile.rules.get("punctuation", True):
        flags += punctuation_flags(text, lang)
    if profile.rules.get("grammar", False):
        kinds = profile.rules.get("grammar_kinds")
        flags += grammar_flags(text, lang, frozenset(kinds) if kinds else None)
    if language_id and not any(f.category == "Accuracy/Untranslated text" for f in flags):
        wrong = wrong_language_flag(text, lang, profile)
        if wrong is not None:
            flags.append(wrong)
    return flags


def load_segments(target: InputText, options: CheckOptions,
                  source: InputText | None = None) -> list[Segment]:
    """Segments of a target text, paired line by line with its source when one is given."""
    max_chars = load_registry().decoding.max_segment_chars
    if source is None:
        segments = segment_text(target.text, options.lang, max_chars)
    elif not options.src_lang:
        raise InputError("a source text needs its language (--src-lang)")
    else:
        segments = segment_parallel(target, source, options.lang, options.src_lang, max_chars)
    if not segments:
        raise InputError(f"{target.name}: no text to check (the input is empty or only "
                         "whitespace)")
    return segments


def check_text(text: str, options: CheckOptions, source: str | None = None,
               factory: BackendFactory | None = None, name: str = "-") -> CheckResult:
    """Check a whole text (and optionally its line-aligned source) in one call."""
    src = InputText("<source>", source) if source is not None else None
    segments = load_segments(InputText(name, text), options, src)
    return Checker(options, factory).check(segments, input_name=name)
