"""Model-free checks: each module owns one kind of problem; `rule_flags` runs those that
need neither a model nor (except numbers) a source, as the profile enables them."""

from __future__ import annotations

from tqcheck.check.profile import Profile
from tqcheck.check.rules.grammar import grammar_flags
from tqcheck.check.rules.language import foreign_script_flags, wrong_language_flag
from tqcheck.check.rules.numbers import number_flags
from tqcheck.check.rules.punctuation import punctuation_flags
from tqcheck.check.rules.repetition import repetition_flags
from tqcheck.types import Flag


def rule_flags(text: str, source: str | None, lang: str, profile: Profile,
               language_id: bool = True) -> list[Flag]:
    """Every model-free check the profile enables."""
    rules = profile.rules
    flags = repetition_flags(text) + foreign_script_flags(text, lang)
    if source is not None:
        flags += number_flags(text, source)
    if rules.punctuation:
        flags += punctuation_flags(text, lang)
    if rules.grammar:
        flags += grammar_flags(text, lang, frozenset(rules.grammar_kinds) or None)
    if language_id and not any(f.category == "Accuracy/Untranslated text" for f in flags):
        wrong = wrong_language_flag(text, lang, rules)
        if wrong is not None:
            flags.append(wrong)
    return flags


def rule_versions(profile: Profile, lang: str, language_id: bool) -> dict[str, str]:
    """The libraries behind the enabled rules, with their versions (for the signature)."""
    from importlib.metadata import version

    out = {}
    if profile.rules.grammar and lang == "en":
        out["grammar"] = f"harper@{version('harper-py')}"
    if language_id:
        out["langid"] = f"lingua@{version('lingua-language-detector')}"
    return out
