"""CheckEnv: what every check may read besides the segment, built once per checker: the
options, the profile, the user's words and the checklists that apply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqcheck.check.checklists import Checklist, load_checklist
from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import Profile
from tqcheck.config import read_utf8
from tqcheck.errors import ConfigError

# English spelling accepted: "any" takes American and British spellings alike.
DIALECTS = ("any", "us", "gb", "au", "ca", "in")


@dataclass(frozen=True)
class CheckEnv:
    """The settings and data every check reads, the same for all segments of a run."""

    options: CheckOptions
    profile: Profile
    dialect: str  # one of DIALECTS
    words: tuple[str, ...]  # the user's words: the profile's and --dictionary files, and the
    # reviewers' ignore list
    checklists: tuple[Checklist, ...]

    @property
    def lang(self) -> str:
        return self.options.lang

    @property
    def src_lang(self) -> str | None:
        return self.options.src_lang

    @property
    def known_words(self) -> frozenset[str]:
        """The user's words, case-folded: a flag on exactly one of them is a false alarm."""
        return frozenset(w.casefold() for w in self.words)

    @classmethod
    def build(cls, options: CheckOptions, profile: Profile) -> CheckEnv:
        rules = profile.rules
        base = Path(profile.path).parent if profile.path else Path.cwd()
        files = [str(base / p) for p in rules.dictionaries] + list(options.dictionaries)
        if ignore_file().is_file():  # words reviewers chose to ignore everywhere
            files.append(str(ignore_file()))
        own = [str(base / ref) if ref.endswith(".toml") or "/" in ref else ref
               for ref in rules.checklists]  # a path in a profile is relative to it
        checklists = tuple(load_checklist(ref) for ref in
                           dict.fromkeys([*own, *options.checklists]))
        return cls(options, profile, check_dialect(options.dialect or rules.dialect),
                   read_dictionaries(files), checklists)


def check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}")
    return dialect


def ignore_file() -> Path:
    """The user's ignore list: words a reviewer marked "ignore everywhere" (`i` in the
    review app, `decide --flag N --ignore`); read like a --dictionary by every check."""
    from tqcheck.config import user_config_dir

    return user_config_dir() / "dictionaries" / "ignored.txt"


def read_dictionaries(paths: list[str]) -> tuple[str, ...]:
    """The words of word files: one or more per line, `#` starts a comment."""
    words: list[str] = []
    for path in paths:
        for line in read_utf8(path, "dictionary").splitlines():
            words += line.split("#", 1)[0].split()
    return tuple(sorted(set(words)))
