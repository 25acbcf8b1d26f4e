"""Orchestration: segments in, SegmentResults out. No reading, formatting or printing here.

Target-only mode round-trips the text through each pivot (target -> pivot -> target) and
force-decodes the original from the pivot text. Source-aware mode also back-translates the
text into the source language (compared with the source), translates the source into the
target language as a pseudo-reference (compared with the text) and back (the source's own
round trip: what the models can carry at all), and force-decodes the text given the source.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from tqcheck.check.base import Check, Need
from tqcheck.check.context import DocumentFacts, PivotPass, SegmentContext, SourcePass
from tqcheck.check.environment import CheckEnv
from tqcheck.check.options import Budget, CheckOptions
from tqcheck.check.profile import Profile, load_profile
from tqcheck.check.risk import segment_risk
from tqcheck.config import config_table
from tqcheck.errors import CheckFailedError, InputError, ModelNotFoundError, ModelsMissingError
from tqcheck.groups import MODEL, in_group
from tqcheck.inputs.segment import clean_for_model
from tqcheck.metrics.agreement import agreement_metrics
from tqcheck.metrics.likelihood import surprisal, token_gaps
from tqcheck.pipeline import cascade
from tqcheck.pipeline.registry import BUILTIN, plan
from tqcheck.pipeline.suppression import suppress, suppression_rules
from tqcheck.signals import Signals
from tqcheck.signature import Signature
from tqcheck.text.langid import SourceLanguage
from tqcheck.text.names import document_names, repeated_words
from tqcheck.translate.base import Backend, BackendFactory, complete
from tqcheck.translate.registry import load_registry
from tqcheck.types import CheckFailure, CheckResult, Flag, Segment, SegmentResult, TokenScores
from tqcheck.version import __version__

T = TypeVar("T")


@dataclass(frozen=True)
class ProgressSettings:
    """`[progress]` of configs/score.toml."""

    slice_segments: int  # a pass over a chunk reports progress after this many segments


def progress_settings() -> ProgressSettings:
    return config_table(ProgressSettings, "score.toml", "progress")


def _no_progress(_fraction: float) -> None:
    """Progress nobody listens to."""


def _rising(report: Callable[[float], None]) -> Callable[[float], None]:
    """`report`, told only of fractions beyond the last one it heard."""
    last = -1.0

    def rising(fraction: float) -> None:
        nonlocal last
        if fraction > last:
            last = fraction
            report(fraction)

    return rising


_SAID_MISSING: set[tuple[str, str]] = set()  # (check, why): said once per process


def _stderr_warning(message: str) -> None:
    print(f"tqcheck: warning: {message}", file=sys.stderr, flush=True)


class Checker:
    """Runs the models and checks over segments. Build once, call `check` many times."""

    def __init__(self, options: CheckOptions, factory: BackendFactory | None = None,
                 on_stage: Callable[[str], None] | None = None,
                 profile: Profile | None = None,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.registry = load_registry()
        self.decoding = (replace(self.registry.decoding, num_beams=options.beams)
                         if options.beams else self.registry.decoding)
        # An explicit Profile (calibration tries variants) overrides options.profile.
        self.profile: Profile = profile or load_profile(options.profile)
        self.env = CheckEnv.build(options, self.profile)
        planned = plan(self.env)
        self.checks: list[Check] = [p.check for p in planned if not p.why_not]
        self.plugins = {p.check.id: p.origin for p in planned
                        if not p.why_not and p.origin != BUILTIN}
        self.suppression = suppression_rules()
        self._known_words = self.env.known_words
        # One warning per failing check and process (`failures` keeps every one).
        self.on_warning = on_warning or _stderr_warning
        self._warned: set[str] = set()
        for p in planned:  # a check left out for want of a package says so, once a process
            if p.missing and (p.check.id, p.why_not) not in _SAID_MISSING:
                _SAID_MISSING.add((p.check.id, p.why_not))
                self.on_warning(f"{p.check.id} does not run: {p.why_not} (`tqcheck checks` "
                                "lists every check)")
        self._input_name = "-"
        self._tick: Callable[[float], None] = _no_progress  # the running pass's progress
        if factory is None and not options.model_free:
            from tqcheck.translate.factory import ModelFactory

            factory = ModelFactory(options.models_dir, self.decoding, options.backend)
        self.factory = factory
        self.on_stage = on_stage or (lambda _msg: None)
        self.metrics = agreement_metrics(options.lang)
        self.src_metrics = agreement_metrics(options.src_lang) if options.src_lang else None
        self._used: dict[str, Backend] = {}
        self._similarity_used = False
        self._source_used = False
        self._screen: Checker | None = None  # the cascade's model-free screening

    def check_signature(self) -> dict[str, str]:
        """What the checks that run contribute to the signature (their libraries, settings
        and data), one value per key (several checks' values joined by commas)."""
        out: dict[str, list[str]] = {}
        for c in self.checks:
            for key, value in c.signature().items():
                if value not in out.setdefault(key, []):  # (two checks of one library)
                    out[key].append(value)
        if self.plugins:
            out["plugins"] = [f"{name}@{origin}" for name, origin in self.plugins.items()]
        return {key: ",".join(values) for key, values in out.items()}

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

    def source_language(self) -> SourceLanguage | None:
        """A check of the sources' language for one input (None: no source language, or
        language identification off)."""
        o, rules = self.options, self.profile.rules
        if not o.src_lang or not o.language_id:
            return None
        return SourceLanguage(o.src_lang, rules.language_id_languages,
                              rules.language_id_confidence)

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
            for key, value in [*self.decoding.signature().items(),
                               *self.metrics.signature().items()]:
                sig.add(key, value)
            if o.budget is not None:
                sig.add("budget", str(o.budget))
                if o.budget.fraction is not None and o.budget.fraction < 1.0:
                    # how a text without a source is screened (at 1.0 nothing is screened)
                    screening = cascade.settings()
                    sig.add("screening", f"pivot-beam{screening.screening_beams}"
                            if screening.pivot_screening else "model-free")
            if self._source_used and self.src_metrics is not None:
                for key, value in self.src_metrics.signature().items():
                    sig.add(f"{key}.src", value)
        if self._similarity_used:
            from tqcheck.metrics.similarity import model_id

            sig.add("sim", model_id())
        for key, value in self.check_signature().items():
            sig.add(key, value)
        sig.add("profile", f"{self.profile.name}@{self.profile.fingerprint()}")
        sig.add("version", __version__)
        return sig

    # -- running ---------------------------------------------------------------------------

    def _translate(self, pair: str, texts: Sequence[str], beams: int | None = None
                   ) -> list[str]:
        """`texts` translated, each distinct text once, in slices of similar length (so the
        backends still batch by length) after each of which the progress moves; `beams`:
        the beam size, where not the decoding's."""
        unique = list(dict.fromkeys(texts))
        backend = self.backend(pair)
        translate = (backend.translate if beams is None
                     else lambda part: backend.translate(part, beams))
        done = dict(zip(unique, self._sliced(translate, unique, len), strict=True))
        return [done[t] for t in texts]

    def _score(self, pair: str, sources: Sequence[str], targets: Sequence[str]
               ) -> list[TokenScores]:
        """Forced decoding of `targets` given `sources`, in slices as `_translate`."""
        backend = self.backend(pair)
        rows = list(zip(sources, targets, strict=True))
        return self._sliced(lambda part: backend.score([s for s, _ in part],
                                                        [t for _, t in part]),
                            rows, lambda row: len(row[1]))

    def _sliced(self, fn: Callable[[list[Any]], list[T]], items: list[Any],
                size: Callable[[Any], int]) -> list[T]:
        """`fn` over `items` in slices of `[progress] slice_segments` items of similar
        `size`, results in the order of `items`; the pass's progress moves after each."""
        per = progress_settings().slice_segments
        order = sorted(range(len(items)), key=lambda i: size(items[i]))
        out: list[T | None] = [None] * len(items)
        for lo in range(0, len(order), per):
            part = order[lo:lo + per]
            for i, value in zip(part, fn([items[i] for i in part]), strict=True):
                out[i] = value
            self._tick(min(1.0, (lo + len(part)) / len(order)))
        return complete(out, "results")

    def _truncation_notes(self, segments: list[Segment], texts: list[str]) -> list[Segment]:
        limit = self.decoding.max_input_tokens
        first = self.pivots()[0]
        counts = self.backend(f"{self.options.lang}-{first}").count_tokens(texts)
        out = []
        for seg, n in zip(segments, counts, strict=True):
            if n > limit:
                note = f"truncated: {n} tokens, the models read only the first {limit}"
                seg = replace(seg, notes=(*seg.notes, note))
            out.append(seg)
        return out

    def _plan(self, batch: _Batch) -> list[tuple[str, Callable[[], None]]]:
        """The passes over a batch, in order, each with what it announces: the progress
        counts these (and the spans), so a new pass is counted where it is planned."""
        o, n = self.options, len(batch.segments)
        passes: list[tuple[str, Callable[[], None]]] = []
        if batch.sourced and o.similarity and not batch.similarity_known:
            passes.append((f"sentence similarity of {n} segments",
                           lambda: self._similarity(batch)))
        for p in self.pivots():
            passes += [
                (f"translating {n} segments {o.lang}→{p}", lambda p=p: batch.to_pivot(self, p)),
                (f"round trip {p}→{o.lang}", lambda p=p: batch.round_trip(self, p)),
                (f"forced decoding {p}→{o.lang}", lambda p=p: batch.pivot_scores(self, p))]
            if self._needs(Need.ROUNDTRIP_SCORES) and len(batch.sourced) < n:
                passes.append((f"forced decoding of the round trips {p}→{o.lang}",
                               lambda p=p: batch.roundtrip_scores(self, p)))
        src = o.src_lang
        if batch.sourced and src and not o.model_free:
            m = len(batch.sourced)
            passes.append((f"translating {m} sources {src}→{o.lang}",
                           lambda: batch.pseudo_refs(self)))
            if not batch.given_known:  # (the cascade's screening scored them)
                passes += [
                    (f"forced decoding {src}→{o.lang}", lambda: batch.given_source(self)),
                    (f"forced decoding {o.lang}→{src}", lambda: batch.given_text(self))]
            passes.append((f"round trip of the sources {o.lang}→{src}",
                           lambda: batch.source_roundtrips(self)))
        return passes

    def _needs(self, need: Need) -> bool:
        """Whether a check that runs reads `need` (a pass only they read is planned only
        then)."""
        return any(need in c.needs for c in self.checks)

    def _similarity(self, batch: _Batch) -> None:
        from tqcheck.metrics.similarity import similarities

        sims = similarities([batch.segments[i].source or "" for i in batch.sourced],
                            [batch.texts[i] for i in batch.sourced],
                            threads=self.options.backend.threads)
        for i, sim in zip(batch.sourced, sims, strict=True):
            batch.signals[i].similarity = sim
        self._similarity_used = True

    def check(self, segments: list[Segment], input_name: str = "-",
              on_progress: Callable[[float], None] | None = None) -> CheckResult:
        """Check `segments` together (batched, deduplicated); `on_progress` hears the
        fraction done after each slice of each pass over them (a translation, a forced
        decoding...: `[progress] slice_segments` of configs/score.toml). With a budget
        (options.budget), the model passes check only the segments a cheap screening picks
        (pipeline/cascade.py)."""
        o = self.options
        with_source = any(s.source is not None for s in segments)
        if with_source and not o.src_lang:
            raise InputError("segments carry a source but no source language was given "
                             "(--src-lang)")
        self.load_models(with_source)
        if o.budget is not None and not o.model_free and segments:
            return self._cascade(segments, o.budget, input_name, on_progress)
        return self._check(segments, input_name, on_progress)

    def _screener(self) -> Checker:
        """The model-free checker of the cascade's screening (the same profile and rules;
        built on first use, once)."""
        if self._screen is None:
            self._screen = Checker(replace(self.options, model_free=True, budget=None),
                                   profile=self.profile, on_warning=self.on_warning)
        return self._screen

    def _cascade(self, segments: list[Segment], budget: Budget, input_name: str,
                 on_progress: Callable[[float], None] | None) -> CheckResult:
        """Screen every segment (model-free, then `_screen_models`' cheap passes), check the
        ones the budget picks with the models, keep the screening's result for the others."""
        self.on_stage(f"screening {len(segments)} segments (model-free) for the budget")
        screen = self._screener().check(segments, input_name)
        models = (_Screened() if self.profile.span_model is not None
                  else self._screen_models(screen.segments, budget))
        risks = cascade.screening_risks(screen.segments, self.options.lang, self.profile,
                                        budget)
        picked = cascade.chosen(screen.segments, risks, budget,
                                cascade.ranking(self.profile).risk.bands.medium)
        results = [cascade.screened(r, budget, risk)
                   for r, risk in zip(screen.segments, risks, strict=True)]
        redone = set(picked)  # (their model-free checks run again with the models)
        failures = [f for f in screen.failures if f.index not in redone]
        self._similarity_used |= self._screener()._similarity_used
        if picked:
            self.on_stage(f"the models check {len(picked)} of {len(segments)} segments "
                          f"(budget {budget})")
            known = replace(models, similarity={
                k: sim for k, r in enumerate(screen.segments)
                if (sim := r.signals.similarity) is not None}).at(picked)
            full = self._check([segments[k] for k in picked], input_name, on_progress,
                               document_facts(segments), known)
            for k, r in zip(picked, full.segments, strict=True):
                results[k] = cascade.checked(r, risks[k])
            failures += [replace(f, index=picked[f.index]) for f in full.failures]
        elif on_progress is not None:
            on_progress(1.0)
        return CheckResult(signature=self.signature(), segments=results,
                           tqcheck_version=__version__, input_name=input_name,
                           failures=sorted(failures, key=lambda f: f.index),
                           risk_bands=self.profile.risk.bands)

    def _screen_models(self, results: list[SegmentResult], budget: Budget) -> _Screened:
        """The cheap model stage of the screening. Where segments have a source: forced
        decoding of the text given its source and of the source given the text (two scoring
        passes, no search). Without one, under a budget that is a share under 1.0 (`[cascade]
        pivot_screening`): the text translated to the first pivot with `screening_beams`
        (greedy: the cheapest search) and force-decoded given that translation, the reverse
        model's surprisal being what sees awkward wording. The profile's risk weighs these
        surprisals with the model-free findings, and the screened segments keep that risk.
        Returns what it computed by position, for the segments the model passes then check
        (the same passes are not run twice)."""
        o = self.options
        segments = [r.segment for r in results]
        batch = _Batch(segments, [clean_for_model(s.text) for s in segments], o.lang,
                       o.src_lang)
        given: dict[int, tuple[TokenScores, TokenScores]] = {}
        if batch.sourced and o.src_lang:
            self.on_stage(f"forced decoding {len(batch.sourced)} segments "
                          f"{o.src_lang}→{o.lang} and back (screening)")
            batch.given_source(self)
            batch.given_text(self)
            for k, i in enumerate(batch.sourced):
                r = results[i]
                r.signals.source_surprisal = surprisal(batch.text_given_source[k])
                r.signals.reverse_surprisal = surprisal(batch.source_given_text[k])
                r.risk = segment_risk(r, self.profile.risk)
                given[i] = (batch.text_given_source[k], batch.source_given_text[k])
            self._source_used = True
        sourced, settings, pivots = set(batch.sourced), cascade.settings(), self.pivots()
        alone = [i for i in range(len(segments)) if i not in sourced]
        if (not alone or not pivots or not settings.pivot_screening or budget.fraction is None
                or budget.fraction >= 1.0):  # (nothing to rank: the models check them all)
            return _Screened(given=given)
        p, beams = pivots[0], settings.screening_beams
        self.on_stage(f"translating {len(alone)} segments {o.lang}→{p} (beam {beams}) and "
                      "forced decoding back (screening)")
        texts = [batch.texts[i] for i in alone]
        pivot_texts = self._translate(f"{o.lang}-{p}", texts, beams)
        scores = self._score(f"{p}-{o.lang}", pivot_texts, texts)
        for i, sc in zip(alone, scores, strict=True):
            r = results[i]
            r.signals.pivot_surprisal[p] = surprisal(sc)
            r.risk = segment_risk(r, self.profile.risk)
        return _Screened(given=given, pivot_lang=p, pivot_beams=beams,
                         pivot=dict(zip(alone, zip(pivot_texts, scores, strict=True),
                                        strict=True)))

    def _check(self, segments: list[Segment], input_name: str,
               on_progress: Callable[[float], None] | None,
               document: DocumentFacts | None = None,
               known: _Screened | None = None) -> CheckResult:
        """Every pass and check over `segments`; `document`: what the whole input says
        (default: these segments are the whole input); `known`: what the cascade's
        screening computed for them already (its passes are not run again)."""
        o = self.options
        texts = [clean_for_model(s.text) for s in segments]
        if not o.model_free:
            segments = self._truncation_notes(segments, texts)
        # Under a budget, pivots run in order: the later ones only where the first doubts.
        batch = _Batch(segments, texts, o.lang, o.src_lang, in_order=o.budget is not None)
        if known is not None:
            batch.take(known)
        passes = self._plan(batch)
        total = len(passes) + 1
        if on_progress is not None:
            on_progress = _rising(on_progress)
        for done, (message, run) in enumerate(passes):
            self.on_stage(message)
            if on_progress is not None:  # (within the pass: after each slice of it)
                self._tick = lambda f, k=done: on_progress((k + f) / total)  # type: ignore[misc]
            run()
            if on_progress is not None:
                on_progress((done + 1) / total)
        self._tick = _no_progress
        if batch.source_passes:
            self._source_used = True
        self.on_stage("finding spans")
        self._input_name = input_name
        if document is None:
            document = document_facts(segments)
        failures: list[CheckFailure] = []
        contexts = batch.contexts(document)
        unprepared = self._prepare(contexts, failures)
        results = [self._result(k, ctx, failures, unprepared)
                   for k, ctx in enumerate(contexts)]
        if on_progress is not None:
            on_progress(1.0)
        return CheckResult(signature=self.signature(), segments=results,
                           tqcheck_version=__version__, input_name=input_name,
                           failures=failures, risk_bands=self.profile.risk.bands)

    def _prepare(self, contexts: list[SegmentContext],
                 failures: list[CheckFailure]) -> set[str]:
        """Each check's work on the whole batch (Check.prepare); a check whose preparation
        raises has failed on every segment it would have checked: the names of those."""
        failed: set[str] = set()
        for check in self.checks:
            ready = [(k, c) for k, c in enumerate(contexts) if check.ready(c)]
            if not ready:
                continue
            try:
                check.prepare([c for _, c in ready])
            except Exception as exc:
                failed.add(check.id)
                for k, c in ready:
                    self._failed(check, k, c, exc, failures)
        return failed

    def _result(self, index: int, ctx: SegmentContext, failures: list[CheckFailure],
                unprepared: Collection[str] = ()) -> SegmentResult:
        """One segment's flags, reliability and risk, from its context."""
        flags = self._flags(index, ctx, failures, unprepared)
        r = SegmentResult(segment=ctx.segment, backtranslations=ctx.backtranslations(),
                          signals=ctx.signals, flags=flags)
        self._weigh_reliability(r)
        learned = self.profile.span_model
        r.risk = segment_risk(r, self.profile.risk, learned.candidates if learned else ())
        if learned is not None:
            r.flags, r.risk = learned.decide(r, self.options.lang)
        return r

    def _weigh_reliability(self, r: SegmentResult) -> None:
        """Where the models cannot carry the source through the target language and back,
        their flags say more about them than about the text: Minor, with a note."""
        rt = r.signals.source_roundtrip
        limit = self.profile.spans.reliable_chrf
        if rt is None or rt.chrf >= limit:
            return
        demoted = [f for f in r.flags if in_group(f.signal, MODEL) and f.severity == "Major"]
        r.flags = [replace(f, severity="Minor") if f in demoted else f for f in r.flags]
        note = (f"the models carry this source poorly (its round trip keeps chrF "
                f"{rt.chrf:.0f} < {limit:g})" + (
                    f": {len(demoted)} model flag(s) demoted to Minor" if demoted else ""))
        r.segment = replace(r.segment, notes=(*r.segment.notes, note))

    def _flags(self, index: int, ctx: SegmentContext, failures: list[CheckFailure],
               unprepared: Collection[str]) -> list[Flag]:
        """Every check that can run on the segment, each isolated: one that raises costs a
        note and a warning (an error when strict), never the segment or the run. Then the
        suppression rules, the profile's switched-off signals and the user's words."""
        flags: list[Flag] = []
        for check in self.checks:
            if not check.ready(ctx) or check.id in unprepared:
                continue
            try:
                found = list(check.flags(ctx))
                _inside(found, ctx.segment)
            except Exception as exc:
                self._failed(check, index, ctx, exc, failures)
                continue
            flags += found
        flags = suppress(flags, self.suppression)
        off = set(self.profile.signals_off)
        flags = [f for f in flags if f.signal not in off]
        # A flag on exactly a word the user vouches for (--dictionary, the profile's word
        # files, the reviewers' ignore list) is a known false alarm.
        if self._known_words:
            flags = [f for f in flags
                     if ctx.segment.text_on(f.side)[f.start:f.end].casefold()
                     not in self._known_words]
        # Two checks finding the same span of the same category make one flag (the first).
        unique: dict[tuple[str, int, int, str], Flag] = {}
        for f in flags:
            unique.setdefault((f.side, f.start, f.end, f.category), f)
        return sorted(unique.values(), key=lambda f: (f.side, f.start, f.end))

    def _failed(self, check: Check, index: int, ctx: SegmentContext, exc: Exception,
                failures: list[CheckFailure]) -> None:
        seg = ctx.segment
        failure = CheckFailure(check.id, seg.id, seg.line, f"{type(exc).__name__}: {exc}",
                               index)
        if self.options.strict:
            raise CheckFailedError(f"{failure} (strict: failures are errors)") from exc
        failures.append(failure)
        ctx.segment = seg = replace(seg, notes=(
            *seg.notes, f"check {check.id} failed: {failure.message}"))
        if check.id not in self._warned:
            self._warned.add(check.id)
            self.on_warning(f"{self._input_name}:{failure} (further failures of this check "
                            "are in the results' notes and failures only)")


def document_facts(segments: Sequence[Segment]) -> DocumentFacts:
    """What the whole input says about each segment: the names it writes, and the words
    several of its segments write."""
    return DocumentFacts(names=document_names(s.text for s in segments),
                         repeated=repeated_words(s.text for s in segments))


def _max_gap(scores: TokenScores) -> float:
    """The largest token gap of the text (zero-width tokens, the end of the sentence,
    aside: as text.align.word_gaps)."""
    return max((g for g, (s, e) in zip(token_gaps(scores), scores.offsets, strict=True)
                if e > s), default=0.0)


def _inside(flags: list[Flag], seg: Segment) -> None:
    """A flag must lie inside the text it points into (a plugin's bug, else)."""
    for f in flags:
        if not (isinstance(f, Flag) and 0 <= f.start <= f.end <= len(seg.text_on(f.side))):
            raise ValueError(f"flag outside its text: {f!r}")


@dataclass(frozen=True)
class _Screened:
    """What the cascade's screening computed, by segment position: the sentence similarity,
    the text force-decoded given its source and the source given the text, and for a text
    without a source its translation to the first pivot and the text force-decoded given
    that. The same models on the same texts give the same scores, so the full check reads
    them instead of running those passes again (the translation only where the run
    decodes with the screening's beam size, the scores wherever its translation is the
    same)."""

    similarity: dict[int, float] = field(default_factory=dict)
    given: dict[int, tuple[TokenScores, TokenScores]] = field(default_factory=dict)
    pivot: dict[int, tuple[str, TokenScores]] = field(default_factory=dict)
    pivot_lang: str | None = None
    pivot_beams: int | None = None

    def at(self, positions: Sequence[int]) -> _Screened:
        """The same, for the segments at `positions`, by their place among those."""
        return replace(self, **{name: {j: table[k] for j, k in enumerate(positions)
                                       if k in table}
                                for name, table in (("similarity", self.similarity),
                                                    ("given", self.given),
                                                    ("pivot", self.pivot))})


@dataclass
class _Batch:
    """The segments of one `check` call and what the model passes found for them, by pass;
    `contexts` turns it into one SegmentContext per segment."""

    segments: list[Segment]
    texts: list[str]  # as the models read them
    lang: str
    src_lang: str | None
    signals: list[Signals] = field(default_factory=list)
    # Per pivot, by segment position: the segments a pivot covers (every one, but under a
    # budget the pivots after the first cover only those the first leaves in doubt).
    pivot_texts: dict[str, dict[int, str]] = field(default_factory=dict)
    roundtrips: dict[str, dict[int, str]] = field(default_factory=dict)
    pivot_token_scores: dict[str, dict[int, TokenScores]] = field(default_factory=dict)
    roundtrip_token_scores: dict[str, dict[int, TokenScores]] = field(default_factory=dict)
    # source-aware, over `sourced` (the segments with a source) only
    refs: list[str] = field(default_factory=list)
    text_given_source: list[TokenScores] = field(default_factory=list)
    source_given_text: list[TokenScores] = field(default_factory=list)
    source_passes: dict[int, SourcePass] = field(default_factory=dict)
    in_order: bool = False  # pivots in order: the later ones only where the first doubts
    screened: _Screened = field(default_factory=_Screened)  # what the screening computed

    def __post_init__(self) -> None:
        self.signals = [Signals() for _ in self.segments]
        self.sourced = [i for i, s in enumerate(self.segments) if s.source is not None]
        self.sources = [clean_for_model(self.segments[i].source or "") for i in self.sourced]

    def take(self, known: _Screened) -> None:
        """What the cascade's screening computed for these segments (by position)."""
        self.screened = known
        for i, sim in known.similarity.items():
            self.signals[i].similarity = sim
        if self.sourced and all(i in known.given for i in self.sourced):
            self.text_given_source = [known.given[i][0] for i in self.sourced]
            self.source_given_text = [known.given[i][1] for i in self.sourced]

    @property
    def similarity_known(self) -> bool:
        return all(self.signals[i].similarity is not None for i in self.sourced)

    @property
    def given_known(self) -> bool:
        return bool(self.sourced) and len(self.text_given_source) == len(self.sourced)

    def to_pivot(self, checker: Checker, p: str) -> None:
        first = next(iter(self.pivot_texts), None)
        rows = (self.in_doubt(first, checker.profile.spans.awkward_gap)
                if self.in_order and first is not None else range(len(self.texts)))
        known = self.screened  # (its translations, where decoded as the run decodes)
        same = p == known.pivot_lang and known.pivot_beams == checker.decoding.num_beams
        found = {i: known.pivot[i][0] for i in rows if same and i in known.pivot}
        todo = [i for i in rows if i not in found]
        if todo:
            out = checker._translate(f"{self.lang}-{p}", [self.texts[i] for i in todo])
            found.update(zip(todo, out, strict=True))
        self.pivot_texts[p] = {i: found[i] for i in rows}

    def in_doubt(self, p: str, awkward_gap: float) -> list[int]:
        """The segments pivot p's passes leave in doubt: its round trip is not the text, or
        the reverse model finds a word of the text surprising. Elsewhere another pivot cannot
        add a round-trip flag (model:roundtrip and model:paraphrase flag only what every
        pivot finds)."""
        return [i for i, rt in self.roundtrips[p].items()
                if rt != self.texts[i] or _max_gap(self.pivot_token_scores[p][i]) >= awkward_gap]

    def round_trip(self, checker: Checker, p: str) -> None:
        rows = list(self.pivot_texts[p])
        out = checker._translate(f"{p}-{self.lang}", [self.pivot_texts[p][i] for i in rows])
        self.roundtrips[p] = dict(zip(rows, out, strict=True))

    def pivot_scores(self, checker: Checker, p: str) -> None:
        pivots = self.pivot_texts[p]
        known = self.screened.pivot if p == self.screened.pivot_lang else {}
        found = {i: known[i][1] for i in pivots if i in known and known[i][0] == pivots[i]}
        rows = [i for i in pivots if i not in found]
        scores = checker._score(f"{p}-{self.lang}", [pivots[i] for i in rows],
                                [self.texts[i] for i in rows])
        found.update(zip(rows, scores, strict=True))
        self.pivot_token_scores[p] = {i: found[i] for i in pivots}
        for i, sc in self.pivot_token_scores[p].items():
            sig = self.signals[i]
            sig.roundtrip[p] = checker.metrics.score(self.roundtrips[p][i],
                                                     self.segments[i].text)
            sig.pivot_surprisal[p] = surprisal(sc)

    def roundtrip_scores(self, checker: Checker, p: str) -> None:
        """Each round trip force-decoded given its pivot text, for the segments without a
        source (the checks that read it are target-only); a round trip that is the text
        itself has the text's scores (no pass)."""
        rts, sourced = self.roundtrips[p], set(self.sourced)
        out = {i: sc for i, sc in self.pivot_token_scores[p].items() if i not in sourced}
        changed = [i for i in out if rts[i] != self.texts[i]]
        scored = checker._score(f"{p}-{self.lang}", [self.pivot_texts[p][i] for i in changed],
                                [rts[i] for i in changed])
        out.update(zip(changed, scored, strict=True))
        self.roundtrip_token_scores[p] = out

    def pseudo_refs(self, checker: Checker) -> None:
        self.refs = checker._translate(f"{self.src_lang}-{self.lang}", self.sources)

    def given_source(self, checker: Checker) -> None:
        self.text_given_source = checker._score(f"{self.src_lang}-{self.lang}", self.sources,
                                                [self.texts[i] for i in self.sourced])

    def given_text(self, checker: Checker) -> None:
        self.source_given_text = checker._score(f"{self.lang}-{self.src_lang}",
                                                [self.texts[i] for i in self.sourced],
                                                self.sources)

    def source_roundtrips(self, checker: Checker) -> None:
        """The last source-aware pass: the sources' own round trips, and the source passes."""
        src = self.src_lang or ""
        own = checker._translate(f"{self.lang}-{src}", self.refs)
        metrics, src_metrics = checker.metrics, checker.src_metrics
        assert src_metrics is not None
        for k, i in enumerate(self.sourced):
            seg, sig = self.segments[i], self.signals[i]
            sp = SourcePass(src, self.refs[k], own[k], self.text_given_source[k],
                            self.source_given_text[k])
            self.source_passes[i] = sp
            sig.backtranslation = src_metrics.score(self.pivot_texts[src][i], seg.source or "")
            sig.pseudo_reference = metrics.score(seg.text, sp.pseudo_reference)
            sig.source_surprisal = surprisal(sp.text_given_source)
            sig.reverse_surprisal = surprisal(sp.source_given_text)
            sig.source_roundtrip = src_metrics.score(sp.source_roundtrip, seg.source or "")

    def contexts(self, document: DocumentFacts) -> list[SegmentContext]:
        return [SegmentContext(
            segment=seg, lang=self.lang, src_lang=self.src_lang,
            pivots={p: PivotPass(texts[i], self.roundtrips[p][i],
                                 self.pivot_token_scores[p][i],
                                 self.roundtrip_token_scores.get(p, {}).get(i))
                    for p, texts in self.pivot_texts.items() if i in texts},
            source_pass=self.source_passes.get(i), document=document,
            signals=self.signals[i]) for i, seg in enumerate(self.segments)]
