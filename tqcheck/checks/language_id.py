"""rules:language-id: a whole segment confidently in another language than the target's
(lingua, among the profile's candidate languages)."""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.profile import RuleSettings
from tqcheck.text.langid import language_of, plainly_in
from tqcheck.types import Flag


@register
class LanguageId(Check):
    name = "rules:language-id"
    resources = ("lingua-language-detector",)
    category = "Accuracy/Untranslated text"
    severity = "Major"
    description = "the whole segment is in another language than the target's"

    def off_because(self) -> str | None:
        return None if self.env.options.language_id else "language identification is off"

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"langid": f"lingua@{version('lingua-language-detector')}"}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        found = wrong_language_flag(ctx.text, ctx.lang, self.env.profile.rules)
        return [] if found is None else [found]


def wrong_language_flag(target: str, lang: str, rules: RuleSettings) -> Flag | None:
    """The whole segment is confidently in another language than the target's."""
    if len(target) < rules.language_id_min_chars:
        return None
    candidates = (lang, *rules.language_id_languages)
    if len(set(candidates)) < 2:
        return None
    if plainly_in(target, lang, candidates):
        return None
    found = language_of(target, tuple(candidates))
    if found is None:
        return None
    code, confidence = found
    if code == lang or confidence < rules.language_id_confidence:
        return None
    return Flag(0, len(target), "Accuracy/Untranslated text", "Major",
                f"segment looks like {code} (confidence {confidence:.2f}), not {lang}",
                signal="rules:language-id")
