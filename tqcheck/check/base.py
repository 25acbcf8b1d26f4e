"""The check protocol: what a check declares about itself, and the one method it implements.

A check is a class with a name `family:id` (the name users see on its flags, list with
`tqcheck checks` and switch off in a profile's `signals_off`), the languages it serves, what
it needs, its category and default severity, a one-line description, and `flags(ctx)`, from
a `SegmentContext` to flags. Built-in checks live one per module in `tqcheck/checks/` and
are registered with `@register`; a plugin's check is a subclass named by an entry point of
the group `tqcheck.checks`. One instance serves every segment of a run: load resources in
`__init__`, never per segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from tqcheck.types import CATEGORIES, SEVERITY_RANK, Flag, Severity

if TYPE_CHECKING:
    from tqcheck.check.context import SegmentContext
    from tqcheck.check.environment import CheckEnv

NAME = re.compile(r"[a-z][a-z0-9-]*:[A-Za-z0-9][\w.-]*")


class Need(StrEnum):
    """What a check reads besides the segment's text; a segment without it skips the check."""

    SOURCE = "source"  # the segment's source text
    ROUNDTRIPS = "roundtrips"  # translation models: the text through pivots and back
    SOURCE_MODELS = "source-models"  # translation models and a source: pseudo-reference,
    # back-translation, forced decoding given the source
    ROUNDTRIP_SCORES = "roundtrip-scores"  # the round trips force-decoded by the reverse
    # models given their pivot text (what the models think of their own rephrasing);
    # target-only: segments with a source do not get them
    DOCUMENT = "document"  # facts of the whole input (the names it writes)


class Check:
    """Base class of every check; subclasses set the class attributes and `flags`."""

    name: ClassVar[str] = ""  # family:id
    languages: ClassVar[frozenset[str] | None] = None  # None: every language
    needs: ClassVar[frozenset[Need]] = frozenset()
    resources: ClassVar[tuple[str, ...]] = ()  # libraries or data it reads (for listing)
    category: ClassVar[str] = ""  # its usual MQM category (its flags may say another)
    severity: ClassVar[Severity] = "Minor"  # its usual severity
    description: ClassVar[str] = ""  # one line: what it finds

    def __init__(self, env: CheckEnv) -> None:
        self.env = env

    @classmethod
    def instances(cls, env: CheckEnv) -> list[Check]:
        """The checks this class makes for a run (one, or one per configured item)."""
        return [cls(env)]

    @classmethod
    def unavailable(cls) -> str | None:
        """Why it cannot run on this machine (a resource missing, with the package that
        provides it), or None."""
        return None

    @property
    def id(self) -> str:
        """The instance's name (a class making several instances names each)."""
        return self.name

    def off_because(self) -> str | None:
        """Why the run's settings switch it off (a profile or option), or None: the user's
        choice, listed by `tqcheck checks` and never warned about."""
        return None

    def lacks(self) -> str | None:
        """What this instance needs that is not installed (data for its language: a
        dictionary, a lexicon), with the package that provides it, or None. `check` says
        it once per process: a check missing its data is never a silent gap."""
        return None

    def serves(self, lang: str) -> bool:
        return self.languages is None or lang in self.languages

    def ready(self, ctx: SegmentContext) -> bool:
        """Whether the segment has what the check needs (the pipeline skips it otherwise)."""
        needs = self.needs
        return not ((Need.SOURCE in needs and ctx.source is None)
                    or (Need.ROUNDTRIPS in needs and not ctx.pivots)
                    or (Need.ROUNDTRIP_SCORES in needs and (not ctx.pivots or any(
                        pp.roundtrip_scores is None for pp in ctx.pivots.values())))
                    or (Need.SOURCE_MODELS in needs and ctx.source_pass is None))

    def signature(self) -> dict[str, str]:
        """The libraries, settings and data of this check that change results."""
        return {}

    def prepare(self, contexts: Sequence[SegmentContext]) -> None:
        """Called once with the segments of a batch before `flags` is called on each: a
        check that works faster on many at once does that work here (Harper lints a
        batch in one call). `flags` must still work alone, unprepared."""

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        """The problems found in one segment (spans into `ctx.text`, or into the source
        for flags on the source side); `ctx.measure` records optional measurements."""
        raise NotImplementedError


@dataclass(frozen=True)
class CheckInfo:
    """What `tqcheck checks` lists about one check."""

    name: str
    family: str
    languages: tuple[str, ...] | None
    needs: tuple[str, ...]
    resources: tuple[str, ...]
    category: str
    severity: str
    description: str
    origin: str  # "built-in", or the distribution that provides it
    runs: bool  # whether the active profile and options run it (for the language asked)
    why_not: str  # "" when it runs


_BUILTIN: list[type[Check]] = []


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: register a built-in check (its module is imported by the registry)."""
    validate(cls, f"{cls.__module__}.{cls.__qualname__}")
    _BUILTIN.append(cls)
    return cls


def builtin() -> tuple[type[Check], ...]:
    return tuple(_BUILTIN)


def validate(cls: object, where: str) -> None:
    """A check class declares a valid name, category, severity and description."""
    from tqcheck.errors import ConfigError

    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise ConfigError(f"{where}: a check must be a subclass of tqcheck.check.base.Check")
    problems = []
    if not NAME.fullmatch(cls.name):
        problems.append(f"name {cls.name!r} is not family:id")
    if cls.category not in CATEGORIES:
        problems.append(f"category {cls.category!r} is not one of {', '.join(CATEGORIES)}")
    if cls.severity not in SEVERITY_RANK:
        problems.append(f"severity {cls.severity!r} is not Minor or Major")
    if not cls.description:
        problems.append("no description")
    if not all(isinstance(n, Need) for n in cls.needs):
        problems.append(f"needs must be tqcheck.check.base.Need values, found {cls.needs!r}")
    if problems:
        raise ConfigError(f"{where}: {'; '.join(problems)}")
