"""Model-free checks: each module owns one kind of problem; `rule_flags` runs those that
need neither a model nor (except numbers) a source, as the profile enables them, and the
checklists that apply."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tqcheck.check.checklists import Checklist, checklist_flags, load_checklist
from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import Profile
from tqcheck.check.rules.grammar import GrammarSetup, check_dialect, grammar_flags
from tqcheck.check.rules.language import foreign_script_flags, wrong_language_flag
from tqcheck.check.rules.numbers import number_flags
from tqcheck.check.rules.punctuation import punctuation_flags
from tqcheck.check.rules.repetition import repetition_flags
from tqcheck.errors import ConfigError
from tqcheck.types import Flag


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the text, read once per checker."""

    lang: str
    src_lang: str | None
    profile: Profile
    language_id: bool
    grammar: GrammarSetup
    checklists: tuple[Checklist, ...]

    @classmethod
    def build(cls, options: CheckOptions, profile: Profile) -> RuleContext:
        rules = profile.rules
        base = Path(profile.path).parent if profile.path else Path.cwd()
        files = [str(base / p) for p in rules.dictionaries] + list(options.dictionaries)
        if ignore_file().is_file():  # words reviewers chose to ignore everywhere
            files.append(str(ignore_file()))
        grammar = GrammarSetup(check_dialect(options.dialect or rules.dialect),
                               frozenset(rules.grammar_kinds), frozenset(rules.grammar_off),
                               rules.spelling_known_zipf, read_dictionaries(files))
        own = [str(base / ref) if ref.endswith(".toml") or "/" in ref else ref
               for ref in rules.checklists]  # a path in a profile is relative to it
        checklists = tuple(load_checklist(ref) for ref in
                           dict.fromkeys([*own, *options.checklists]))
        return cls(options.lang, options.src_lang, profile, options.language_id, grammar,
                   checklists)

    def signature(self) -> dict[str, str]:
        """The rules' libraries, settings and data that change results."""
        from importlib.metadata import version

        out = {}
        if self.profile.rules.grammar and self.lang == "en":
            out["grammar"] = f"harper@{version('harper-py')}+wordfreq@{version('wordfreq')}"
            out["dialect"] = self.grammar.dialect
            if self.grammar.words:
                words = "\n".join(self.grammar.words).encode()
                out["dict"] = f"sha256:{hashlib.sha256(words).hexdigest()[:12]}"
        if self.language_id:
            out["langid"] = f"lingua@{version('lingua-language-detector')}"
        applied = [cl.name for cl in self.checklists if cl.lang == self.lang]
        if applied:
            out["checklists"] = ",".join(applied)
        return out


def ignore_file() -> Path:
    """The user's ignore list: words a reviewer marked "ignore everywhere" (`i` in the
    review app, `decide --flag N --ignore`); read like a --dictionary by every check."""
    from tqcheck.config import user_config_dir

    return user_config_dir() / "dictionaries" / "ignored.txt"


def read_dictionaries(paths: list[str]) -> tuple[str, ...]:
    """The words of word files: one or more per line, `#` starts a comment."""
    words: list[str] = []
    for path in paths:
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read dictionary ({exc.strerror or exc})") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: dictionary is not UTF-8 ({exc.reason})") from None
        for line in text.splitlines():
            words += line.split("#", 1)[0].split()
    return tuple(sorted(set(words)))


def rule_flags(text: str, source: str | None, ctx: RuleContext,
               names: frozenset[str] = frozenset()) -> list[Flag]:
    """Every model-free check the profile enables; `names` are the document's names."""
    rules, lang = ctx.profile.rules, ctx.lang
    flags = repetition_flags(text, lang) + foreign_script_flags(text, lang)
    if source is not None:
        flags += number_flags(text, source, lang, ctx.src_lang or "")
    if rules.punctuation:
        flags += punctuation_flags(text, lang)
    if rules.grammar:
        flags += grammar_flags(text, lang, ctx.grammar, names, source)
    flags += checklist_flags(text, ctx.checklists, lang, ctx.src_lang)
    if ctx.language_id and not any(f.category == "Accuracy/Untranslated text" for f in flags):
        wrong = wrong_language_flag(text, lang, rules)
        if wrong is not None:
            flags.append(wrong)
    return flags
