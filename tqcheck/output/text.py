"""Pieces of text every output shares: flagged spans by severity, word differences between
two wordings, TSV cells, and text made safe to display."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from tqcheck.types import SEVERITY_RANK, SegmentResult, Side

if TYPE_CHECKING:
    from rich.text import Text

# Characters that reorder or hide text when it is displayed (bidi embeddings, overrides and
# isolates, as in "Trojan Source" attacks): people see them as markers instead.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def visible(text: str) -> str:
    """`text` with every bidi control shown as a marker such as ⟨U+202E⟩."""
    return _BIDI.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


SPAN_STYLE = {"Major": "bold white on red", "Minor": "black on yellow"}  # terminal styles
_SEVERITY_OF_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}


def severity_runs(r: SegmentResult, side: Side = "target") -> list[tuple[str, str | None]]:
    """The segment's text (or source) as runs of (text, worst severity flagged there)."""
    body = r.segment.text_on(side)
    level = [0] * len(body)
    for f in r.flags:
        if f.side == side:
            for i in range(max(0, f.start), min(len(body), f.end)):
                level[i] = max(level[i], SEVERITY_RANK[f.severity])
    runs: list[tuple[str, str | None]] = []
    i = 0
    while i < len(body):
        j = i
        while j < len(body) and level[j] == level[i]:
            j += 1
        runs.append((body[i:j], _SEVERITY_OF_RANK.get(level[i])))
        i = j
    return runs


def highlighted(r: SegmentResult, side: Side = "target") -> Text:
    """The segment's text (or source) for a terminal, flagged spans styled by severity."""
    from rich.text import Text

    out = Text()
    for piece, severity in severity_runs(r, side):
        out.append(visible(piece), style=SPAN_STYLE[severity] if severity else "")
    return out


def word_diff(original: str, other: str) -> list[tuple[str, bool]]:
    """`other` as runs of words, each with True when it differs from `original`."""
    a, b = original.split(), other.split()
    out: list[tuple[str, bool]] = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if j2 > j1:
            out.append((" ".join(b[j1:j2]), op != "equal"))
    return out


def tsv_cell(value: object) -> str:
    """A TSV field: tabs, newlines and backslashes escaped as \\t, \\n, \\\\."""
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def console(**options: Any) -> Any:
    """A rich Console for standard output whose closed pipe is a BrokenPipeError for the
    command to handle (rich's own handling exits with status 1, which means "flagged")."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console(**options)


def models_warning(models: dict[str, str]) -> str | None:
    """What a reader must know about the models behind a run's flags, or None: toy models
    (tqcheck's synthetic languages, toy and syn) show the method, not the text's quality; local
    directories may be random test models."""
    if any({"toy", "syn"} & set(pair.split("-")) for pair in models):
        return ("Toy models: these flags come from tqcheck's toy models (a synthetic language "
                "for tests and demonstrations), not from real translation models; they show "
                "the method, not this text's quality.")
    if any(m.startswith("sha256:") for m in models.values()):
        return ("Local model directories (not hub releases): if these are random test "
                "models, the flags mean nothing.")
    return None
