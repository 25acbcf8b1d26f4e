"""SegmentContexts made by hand, to test one check without models: the text, its source,
the model outputs a test chooses, and word-level token scores with chosen gaps.

A plugin author tests a check the same way:

    env = make_env("en")
    ctx = make_context("The the talks.", lang="en")
    assert [f.signal for f in MyCheck(env).flags(ctx)] == ["acme:doubled"]
"""

from __future__ import annotations

from collections.abc import Mapping

from tqcheck.check.context import DocumentFacts, PivotPass, SegmentContext, SourcePass
from tqcheck.check.environment import CheckEnv
from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import load_profile
from tqcheck.text.align import words
from tqcheck.text.names import document_names, repeated_words
from tqcheck.types import Segment, TokenScores


def make_env(lang: str = "en", src_lang: str | None = None, profile: str = "default",
             **options: object) -> CheckEnv:
    """The environment a check gets for a run in `lang` with `profile`."""
    opts = CheckOptions(lang=lang, src_lang=src_lang, profile=profile, **options)  # type: ignore[arg-type]
    return CheckEnv.build(opts, load_profile(profile))


def word_scores(text: str, gaps: Mapping[str, float] | None = None) -> TokenScores:
    """One token per word of `text`: log-prob 0, or -gap for the words in `gaps` (the
    model's own choice always at 0)."""
    ws = words(text)
    gaps = gaps or {}
    return TokenScores(tuple(w.text for w in ws), tuple(-gaps.get(w.text, 0.0) for w in ws),
                       tuple(w.text for w in ws), tuple(0.0 for _ in ws),
                       tuple((w.start, w.end) for w in ws))


def make_context(text: str, source: str | None = None, lang: str = "en",
                 src_lang: str | None = None, *,
                 roundtrips: Mapping[str, str] | None = None,
                 pseudo_reference: str | None = None, backtranslation: str | None = None,
                 source_roundtrip: str | None = None,
                 gaps: Mapping[str, float] | None = None,
                 roundtrip_gaps: Mapping[str, float] | None = None,
                 document: tuple[str, ...] = ()) -> SegmentContext:
    """A context as the checker would build it. `roundtrips`: pivot -> the text through it
    and back (target-only model passes); `pseudo_reference` (with a source): the source
    translated, which makes the source pass (the back-translation defaults to the source,
    the source's round trip to the source); `gaps`: words the models find unlikely;
    `roundtrip_gaps`: words of the round trips the reverse models find unlikely (each round
    trip's scores given its pivot); `document`: the texts of the whole input (its names and
    repeated words; default the text alone)."""
    seg = Segment(0, text, 0, len(text), 1, source=source)
    scores = word_scores(text, gaps)
    pivots = {p: PivotPass(rt, rt, scores, word_scores(rt, roundtrip_gaps))
              for p, rt in (roundtrips or {}).items()}
    source_pass = None
    if source is not None and pseudo_reference is not None:
        src = src_lang or "xx"
        bt = backtranslation if backtranslation is not None else source
        pivots = {src: PivotPass(bt, text, scores, scores), **pivots}
        source_pass = SourcePass(src, pseudo_reference,
                                 source_roundtrip if source_roundtrip is not None else source,
                                 scores, word_scores(source))
    return SegmentContext(seg, lang, src_lang, pivots, source_pass,
                          DocumentFacts(document_names(document or (text,)),
                                        repeated_words(document or (text,))))
