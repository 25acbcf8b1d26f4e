"""checklist:ID: the known style problems of a checklist (configs/checklists/ID.toml, or a
file from --checklist or the profile), one check per checklist of the target language."""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, register
from tqcheck.check.checklists import Checklist, checklist_flags
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.types import Flag


@register
class ChecklistCheck(Check):
    name = "checklist:any"
    category = "Style/Awkward"
    description = "the patterns of a checklist of known problems (translationese, calques)"

    def __init__(self, env: CheckEnv, checklist: Checklist | None = None) -> None:
        super().__init__(env)
        self.checklist = checklist
        if checklist is not None:  # this instance's own language and description
            self.languages = frozenset({checklist.lang})  # type: ignore[misc]
            self.description = (f"{checklist.description or 'checklist'} "  # type: ignore[misc]
                                f"({len(checklist.checks)} patterns)")
            categories = [item.category for item in checklist.checks]
            if categories:  # its patterns' usual category (typography: punctuation)
                self.category = max(set(categories), key=categories.count)  # type: ignore[misc]

    @classmethod
    def instances(cls, env: CheckEnv) -> list[Check]:
        return [cls(env, cl) for cl in env.checklists if cl.lang == env.lang]

    @property
    def id(self) -> str:
        return f"checklist:{self.checklist.id}" if self.checklist else self.name

    def signature(self) -> dict[str, str]:
        return {"checklists": self.checklist.name} if self.checklist else {}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if self.checklist is None:
            return []
        return checklist_flags(ctx.text, (self.checklist,), ctx.lang, ctx.src_lang)
