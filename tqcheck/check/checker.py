"""Orchestration: segments in, SegmentResults out. No reading, formatting or printing here.

Target-only mode round-trips the text through each pivot (target -> pivot -> target) and
force-decodes the original from the pivot text. Source-aware mode also back-translates the
text into the source language (compared with the source), translates the source into the
target language as a pseudo-reference (compared with the text) and back (the source's own
round trip: what the models can carry at all), and force-decodes the text given the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from tqcheck import __version__
from tqcheck.check.align import word_gaps, words
from tqcheck.check.meaning import name_flags, negation_flags, number_word_flags
from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import Profile, load_profile
from tqcheck.check.risk import is_meaning_critical, risk
from tqcheck.check.rules import RuleContext, rule_flags
from tqcheck.check.rules.grammar import document_names
from tqcheck.check.rules.language import untranslated_flags
from tqcheck.check.spans import roundtrip_flags, source_flags
from tqcheck.errors import InputError, ModelNotFoundError, ModelsMissingError
from tqcheck.inputs.segment import clean_for_model
from tqcheck.metrics.agreement import agreement_metrics
from tqcheck.metrics.likelihood import surprisal
from tqcheck.signature import Signature
from tqcheck.translate.base import Backend, BackendFactory
from tqcheck.translate.registry import load_registry
from tqcheck.types import CheckResult, Flag, Segment, SegmentResult, TokenScores

# Flags that come from comparing model outputs (not meaning-critical checks or rules).
MODEL_SIGNALS = frozenset({"source", "roundtrip", "likelihood"})


class Checker:
    """Runs the models and checks over segments. Build once, call `check` many times."""

    def __init__(self, options: CheckOptions, factory: BackendFactory | None = None,
                 on_stage: Callable[[str], None] | None = None,
                 profile: Profile | None = None) -> None:
        self.options = options
        self.registry = load_registry()
        # An explicit Profile (calibration tries variants) overrides options.profile.
        self.profile: Profile = profile or load_profile(options.profile)
        self.rules = RuleContext.build(options, self.profile)
        self._known_words = frozenset(w.casefold() for w in self.rules.grammar.words)
        if factory is None and not options.model_free:
            from tqcheck.translate.factory import ModelFactory

            factory = ModelFactory(options.models_dir, self.registry.decoding, options.backend)
        self.factory = factory
        self.on_stage = on_stage or (lambda _msg: None)
        self.metrics = agreement_metrics(options.lang)
        self.src_metrics = agreement_metrics(options.src_lang) if options.src_lang else None
        self._used: dict[str, Backend] = {}
        self._similarity_used = False
        self._source_used = False

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
        """Resolve and load every model up front, so that a missing one fails before any
        work; when several are missing, one error names them all."""
        lang = self.options.lang
        pairs = [x for p in self.pivots() for x in (f"{lang}-{p}", f"{p}-{lang}")]
        if with_source and self.options.src_lang and not self.options.model_free:
            pairs.append(f"{self.options.src_lang}-{lang}")
        missing: list[ModelNotFoundError] = []
        for pair in dict.fromkeys(pairs):
            try:
                self.backend(pair)
            except ModelNotFoundError as exc:
                missing.append(exc)
        if len(missing) == 1:
            raise missing[0]
        if missing:
            raise ModelsMissingError(missing)

    def models(self) -> dict[str, str]:
        """The weights of each model loaded so far, by pair (what `signature` names)."""
        return {pair: b.model for pair, b in sorted(self._used.items())}

    def signature(self) -> Signature:
        """What produced the results so far: every part contributes its own fields."""
        o = self.options
        mode = "model-free" if o.model_free else "source" if o.src_lang else "target-only"
        sig = Signature({"mode": mode,
                         "lang": f"{o.src_lang + '-' if o.src_lang else ''}{o.lang}"})
        if not o.model_free:
            sig.add("pivots", ",".join(self.pivots()))
            for b in self._used.values():
                sig.add(f"model.{b.pair}", b.model)
            if self._used:
                sig.add("backend", ",".join(dict.fromkeys(b.backend_id
                                                          for b in self._used.values())))
            for key, value in [*self.registry.decoding.signature().items(),
                               *self.metrics.signature().items()]:
                sig.add(key, value)
            if self._source_used and self.src_metrics is not None:
                for key, value in self.src_metrics.signature().items():
                    sig.add(f"{key}.src", value)
        if self._similarity_used:
            from tqcheck.metrics.similarity import model_id

            sig.add("sim", model_id())
        for key, value in self.rules.signature().items():
            sig.add(key, value)
        sig.add("profile", f"{self.profile.name}@{self.profile.fingerprint()}")
        sig.add("version", __version__)
        return sig

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

    def _passes(self, with_source: bool) -> int:
        """How many passes over the segments `check` makes: model passes, similarity, spans."""
        o = self.options
        n = 3 * len(self.pivots()) + 1
        if with_source and o.similarity:
            n += 1
        if with_source and o.src_lang and not o.model_free:
            n += 4
        return n

    def check(self, segments: list[Segment], input_name: str = "-",
              on_progress: Callable[[float], None] | None = None) -> CheckResult:
        """Check `segments` together (batched, deduplicated); `on_progress` hears the
        fraction done after each pass over them (a translation, a forced decoding...)."""
        o = self.options
        with_source = any(s.source is not None for s in segments)
        if with_source and not o.src_lang:
            raise InputError("segments carry a source but no source language was given "
                             "(--src-lang)")
        self.load_models(with_source)
        total, passes = self._passes(with_source), 0

        def stage(message: str) -> None:
            """Announce a pass; the previous one is done."""
            nonlocal passes
            if passes and on_progress is not None:
                on_progress(passes / total)
            passes += 1
            self.on_stage(message)

        texts = [clean_for_model(s.text) for s in segments]
        if not o.model_free:
            segments = self._truncation_notes(segments, texts)
        results = [SegmentResult(segment=s) for s in segments]
        if with_source and o.similarity:
            from tqcheck.metrics.similarity import similarities

            stage(f"sentence similarity of {len(segments)} segments")
            idx = [i for i, s in enumerate(segments) if s.source is not None]
            sims = similarities([segments[i].source or "" for i in idx], [texts[i] for i in idx])
            for i, sim in zip(idx, sims, strict=True):
                results[i].signals.similarity = sim
            self._similarity_used = True

        pivot_texts: dict[str, list[str]] = {}
        scores: dict[str, list[TokenScores]] = {}
        for p in self.pivots():
            stage(f"translating {len(texts)} segments {o.lang}→{p}")
            pivot_texts[p] = self._translate(f"{o.lang}-{p}", texts)
            stage(f"round trip {p}→{o.lang}")
            back = self._translate(f"{p}-{o.lang}", pivot_texts[p])
            stage(f"forced decoding {p}→{o.lang}")
            scores[p] = self.backend(f"{p}-{o.lang}").score(pivot_texts[p], texts)
            for r, rt, sc in zip(results, back, scores[p], strict=True):
                r.backtranslations[f"roundtrip:{p}"] = rt
                r.signals.roundtrip[p] = self.metrics.score(rt, r.segment.text)
                r.signals.pivot_surprisal[p] = surprisal(sc)

        src_scores: list[TokenScores | None] = [None] * len(segments)
        rev_scores: list[TokenScores | None] = [None] * len(segments)
        pseudo_refs: list[str | None] = [None] * len(segments)
        if with_source and o.src_lang and self.src_metrics is not None and not o.model_free:
            src = o.src_lang
            idx = [i for i, s in enumerate(segments) if s.source is not None]
            sources = [clean_for_model(segments[i].source or "") for i in idx]
            stage(f"translating {len(idx)} sources {src}→{o.lang}")
            refs = self._translate(f"{src}-{o.lang}", sources)
            stage(f"forced decoding {src}→{o.lang}")
            sc = self.backend(f"{src}-{o.lang}").score(sources, [texts[i] for i in idx])
            stage(f"forced decoding {o.lang}→{src}")
            rev = self.backend(f"{o.lang}-{src}").score([texts[i] for i in idx], sources)
            stage(f"round trip of the sources {o.lang}→{src}")
            src_rt = self._translate(f"{o.lang}-{src}", refs)
            for k, i in enumerate(idx):
                r, seg = results[i], segments[i]
                bt = pivot_texts[src][i]
                pseudo_refs[i], src_scores[i], rev_scores[i] = refs[k], sc[k], rev[k]
                r.backtranslations[f"backtranslation:{src}"] = bt
                r.backtranslations["pseudo_reference"] = refs[k]
                r.backtranslations["source_roundtrip"] = src_rt[k]
                r.signals.backtranslation = self.src_metrics.score(bt, seg.source or "")
                r.signals.pseudo_reference = self.metrics.score(seg.text, refs[k])
                r.signals.source_surprisal = surprisal(sc[k])
                r.signals.reverse_surprisal = surprisal(rev[k])
                r.signals.source_roundtrip = self.src_metrics.score(src_rt[k], seg.source or "")
            self._source_used = True

        stage("finding spans")
        names = document_names(s.text for s in segments)
        for i, r in enumerate(results):
            r.flags = self._flags(r, pivot_texts, scores, i, pseudo_refs[i], src_scores[i],
                                  rev_scores[i], names)
            self._weigh_reliability(r)
            r.risk = risk(r.signals, r.flags, self.profile.risk, len(r.segment.text.split()))
        if on_progress is not None:
            on_progress(1.0)
        return CheckResult(signature=self.signature(), segments=results,
                           tqcheck_version=__version__, input_name=input_name)

    def _weigh_reliability(self, r: SegmentResult) -> None:
        """Where the models cannot carry the source through the target language and back,
        their flags say more about them than about the text: Minor, with a note."""
        rt = r.signals.source_roundtrip
        limit = self.profile.spans.reliable_chrf
        if rt is None or rt.chrf >= limit:
            return
        demoted = [f for f in r.flags if f.signal in MODEL_SIGNALS and f.severity == "Major"]
        r.flags = [replace(f, severity="Minor") if f in demoted else f for f in r.flags]
        note = (f"the models carry this source poorly (its round trip keeps chrF "
                f"{rt.chrf:.0f} < {limit:g})" + (
                    f": {len(demoted)} model flag(s) demoted to Minor" if demoted else ""))
        r.segment = replace(r.segment, notes=(*r.segment.notes, note))

    def _flags(self, r: SegmentResult, pivot_texts: dict[str, list[str]],
               scores: dict[str, list[TokenScores]], i: int, pseudo_ref: str | None,
               src_score: TokenScores | None, rev_score: TokenScores | None,
               names: frozenset[str]) -> list[Flag]:
        o, seg, prof = self.options, r.segment, self.profile
        ws = words(seg.text)
        flags: list[Flag] = []
        if seg.source is not None and pseudo_ref is not None and o.src_lang:
            gaps = word_gaps(ws, src_score)
            source_gaps = word_gaps(words(seg.source), rev_score)
            via_bt = word_gaps(ws, scores[o.src_lang][i])  # the text given its back-translation
            flags += source_flags(seg.text, seg.source, pseudo_ref,
                                  r.backtranslations[f"backtranslation:{o.src_lang}"], gaps,
                                  o.lang, o.src_lang, prof.spans, source_gaps,
                                  r.backtranslations.get("source_roundtrip"),
                                  [min(a, b) for a, b in zip(gaps, via_bt, strict=True)])
            supported = {w.norm for w in words(pseudo_ref)}
            flags += untranslated_flags(seg.text, seg.source, supported, prof, o.lang)
            flags += negation_flags(seg.text, o.lang, pseudo_ref, seg.source, o.src_lang, gaps,
                                    prof.spans.lossy_gap)
            flags += number_word_flags(seg.text, o.lang, pseudo_ref, seg.source, o.src_lang)
        elif pivot_texts:  # target-only (model-free mode has no pivots)
            roundtrips = {p: r.backtranslations[f"roundtrip:{p}"] for p in pivot_texts}
            # A word's gap is the smallest over the pivots' reverse models: it is awkward only
            # when every pivot finds it surprising.
            per_pivot = [word_gaps(ws, scores[p][i]) for p in pivot_texts]
            gaps = [min(col) for col in zip(*per_pivot, strict=True)] if per_pivot else []
            flags += roundtrip_flags(seg.text, roundtrips, gaps, o.lang, prof.spans)
        if seg.source is not None:
            flags += name_flags(seg.text, seg.source, o.lang, o.src_lang or "", pseudo_ref,
                                prof.spans.same_word_ratio)
        flags += rule_flags(seg.text, seg.source, self.rules, names)
        # Spans already explained as copied source text are not also mistranslations, nor
        # again as a part of a longer copied stretch.
        copied = [f for f in flags if f.category == "Accuracy/Untranslated text"]

        def within_copied(f: Flag) -> bool:
            return any(c.side == f.side and c.start <= f.start and f.end <= c.end
                       and c.end - c.start > f.end - f.start for c in copied)

        flags = [f for f in flags if not (
            (f.category in ("Accuracy/Mistranslation", "Accuracy/Addition") and any(
                c.start <= f.start and f.end <= c.end for c in copied))
            or (f.category == "Accuracy/Untranslated text" and within_copied(f)))]
        # A changed name or negation is not also a mistranslation found by the models.
        critical = [f for f in flags if is_meaning_critical(f)]
        flags = [f for f in flags if f.signal not in MODEL_SIGNALS or not any(
            c.side == f.side and c.start < f.end and f.start < c.end for c in critical)]
        off = set(prof.rules.signals_off)
        flags = [f for f in flags if f.signal not in off]
        # A flag on exactly a word the user vouches for (--dictionary, the profile's word
        # files, the reviewers' ignore list) is a known false alarm.
        if self._known_words:
            flags = [f for f in flags if r.excerpt(f).casefold() not in self._known_words]
        # Two checks finding the same span of the same category make one flag (the first).
        unique: dict[tuple[str, int, int, str], Flag] = {}
        for f in flags:
            unique.setdefault((f.side, f.start, f.end, f.category), f)
        return sorted(unique.values(), key=lambda f: (f.side, f.start, f.end))
