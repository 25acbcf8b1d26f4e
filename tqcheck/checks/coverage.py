"""meaning:coverage: content words of the text with no counterpart in the source, and source
content words with none in the text, by bilingual dictionaries (tqcheck/text/bilingual.py:
FreeDict's Debian packages, the `cedict` word list) and no translation model.

Dictionaries list far from every rendering, so one word without a counterpart is weak
evidence: on WMT21 en-de news MT, 9.8 % of such words lie in an expert-marked error against
8.6 % of the others (docs/evaluation.md). The flags are candidates: the default profile
switches the check off, and the `spans` profile's learned decision (tqcheck/check/
spanmodel.py) weighs them with everything else and keeps what it trusts. The share of words
without a counterpart on each side is measured for the risk and the decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.check.spanmodel import COVERAGE  # (the decision weighs it by this name)
from tqcheck.text import bilingual
from tqcheck.types import Flag


@register
class Coverage(Check):
    name = COVERAGE
    needs = frozenset({Need.SOURCE})
    resources = ("dict-freedict-<src>-<tgt> (Debian)", "cedict (zh-en)", "wordfreq")
    category = "Accuracy/Mistranslation"
    severity = "Minor"
    description = ("content words with no counterpart on the other side by bilingual "
                   "dictionaries (candidates for the learned span decision)")

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        self.src = env.src_lang

    @classmethod
    def unavailable(cls) -> str | None:
        from importlib.util import find_spec

        return None if find_spec("wordfreq") is not None else "pip install wordfreq"

    def lacks(self) -> str | None:
        if not self.src:
            return None  # nothing to say: it needs a source, and there is none
        return bilingual.missing(self.src, self.env.lang)

    def signature(self) -> dict[str, str]:
        ev = bilingual.evidence(self.src, self.env.lang) if self.src else None
        return {"coverage": "+".join(ev.names)} if ev is not None else {}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        ev = bilingual.evidence(self.src, ctx.lang) if self.src else None
        source = ctx.given_source()
        if ev is None:
            return []
        cov = ev.coverage(source, ctx.text)
        for side in ("target", "source"):
            ratio = cov.ratio(side)
            if ratio is not None:
                ctx.measure(self.name, f"uncovered_{side}", ratio)
        by = " and ".join(ev.names)
        out = [Flag(w.start, w.end, self.category, self.severity,
                    f"{w.text!r} has no counterpart in the source by {by}", signal=self.name)
               for w, ok in cov.target if not ok]
        out += [Flag(w.start, w.end, "Accuracy/Omission", self.severity,
                     f"source {w.text!r} has no counterpart in the text by {by}",
                     side="source", signal=self.name)
                for w, ok in cov.source if not ok and len(w.text) > 1]
        return out
