"""`tqcheck review`: a Textual app to go through flagged segments, worst first, and decide.

The app is a view over `tqcheck.run.decisions.Review`: every key that decides writes the decision
to the run database at once, so quitting (or a crash) loses nothing and reopening resumes
at the first undecided segment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static, TextArea

from tqcheck.errors import TqcheckError
from tqcheck.output.text import SPAN_STYLE, highlighted, models_warning, word_diff
from tqcheck.run.decisions import STATES, Review
from tqcheck.run.records import QueueEntry, SegmentKey, StoredSegment
from tqcheck.run.rundb import RunDB

HELP = """\
 Keys
 ────────────────────────────────────────────
 a        accept: the segment's flags are false alarms
 c        confirm: the segment's flags are real problems
 e        edit the segment (ctrl+s saves, esc cancels)
 ] / [    select the next / previous flag (▶)
 y        confirm the selected flag
 x        reject the selected flag as a false alarm
 s        apply the selected flag's suggestion: shows the
          sentence first (enter applies, esc cancels)
 z        undo the decision on the selected flag
 i        ignore the selected flag's word everywhere: reject
          it in this run, add it to your ignore list
 space    skip to the next segment
 n / p    next / previous segment (also ↓ / ↑)
 u        undo your last decision
 /        search text (empty to clear)
 f        filter by category (cycles)
 v        filter by severity (cycles)
 o        filter by file (cycles)
 d        show all / undecided / decided
 ?        this help      q   quit
"""


def diffed(original: str, other: str) -> Text:
    out = Text()
    for k, (words, changed) in enumerate(word_diff(original, other)):
        if k:
            out.append(" ")
        out.append(words, style="bold green" if changed else "")
    return out



def _on_selected_flag(action: Callable[..., None]) -> Callable[..., None]:
    """An action on the selected flag: called with its queue entry and flag number (and the
    key binding's arguments), or not at all when no flag is selected."""
    @functools.wraps(action)
    def on_flag(self: ReviewApp, *args: Any) -> None:
        picked = self._selected()
        if picked is not None:
            action(self, *picked, *args)

    return on_flag

class EditScreen(ModalScreen[str | None]):
    """An inline editor pre-filled with the segment; returns the text or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static("Edit the segment — ctrl+s saves, esc cancels", id="edit-title")
        yield TextArea(self.text, id="editor")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        yield Input(value=self.current, placeholder="search text (enter; empty clears)",
                    id="search")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewScreen(ModalScreen[bool]):
    """The sentence a suggestion gives, before it is applied: enter applies, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, original: str, fixed: str, title: str) -> None:
        super().__init__()
        self.original, self.fixed, self.title_text = original, fixed, title

    def compose(self) -> ComposeResult:
        text = Text(f"{self.title_text} — enter applies, esc cancels\n\n", style="bold")
        text.append("now:   ").append(self.original + "\n")
        text.append("after: ").append_text(diffed(self.original, self.fixed))
        yield Static(text, id="preview")

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"), Binding("question_mark", "close", "Close"),
        Binding("q", "close", "Close")]

    def compose(self) -> ComposeResult:
        yield Static(HELP.rstrip("\n"), id="help")

    def action_close(self) -> None:
        self.dismiss(None)


class ReviewApp(App[None]):
    """The review queue (left) and the selected segment in full (right)."""

    TITLE = "tqcheck review"
    CSS = """
    #queue { width: 45%; }
    #detail { width: 55%; padding: 0 1; }
    #main { height: 1fr; }
    #status { height: 1; background: $boost; }
    EditScreen, SearchScreen, HelpScreen, PreviewScreen { align: center middle; }
    #preview { width: 90%; height: auto; border: round $accent; padding: 1;
               background: $panel; }
    #editor { width: 90%; height: 12; }
    #search { width: 70%; }
    #help { width: auto; max-width: 95%; height: auto; border: round $accent; padding: 1;
            background: $panel; }
    #warning { height: auto; background: $warning 30%; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept"),
        Binding("c", "decide('confirm')", "Confirm"),
        Binding("e", "edit", "Edit"),
        Binding("right_square_bracket", "select_flag(1)", "Next flag"),
        Binding("left_square_bracket", "select_flag(-1)", "Prev flag", show=False),
        Binding("y", "decide_flag('confirm')", "Confirm flag", show=False),
        Binding("x", "decide_flag('reject')", "Reject flag"),
        Binding("s", "suggest", "Apply suggestion"),
        Binding("z", "undo_flag", "Undo flag", show=False),
        Binding("i", "ignore", "Ignore word", show=False),
        Binding("space", "skip", "Skip"),
        Binding("n", "move(1)", "Next", show=False),
        Binding("p", "move(-1)", "Prev", show=False),
        Binding("u", "undo", "Undo"),
        Binding("slash", "search", "Search"),
        Binding("f", "cycle_category", "Category", show=False),
        Binding("v", "cycle_severity", "Severity", show=False),
        Binding("o", "cycle_file", "File", show=False),
        Binding("d", "cycle_state", "Decided", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, db_path: str | Path, reviewer: str | None = None) -> None:
        super().__init__()
        self.db = RunDB(db_path, mode="write")
        self.review = Review(self.db, reviewer)
        self.bands = self.db.risk_bands()  # the run profile's, to say where a risk stands
        self.entries: list[QueueEntry] = []
        self.category: str | None = None
        self.severity: str | None = None
        self.file: str | None = None
        self.state = "all"
        self.search = ""
        self.message = ""
        self.flag = 0  # the selected flag of the current segment
        self._shown: SegmentKey | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        note = models_warning(self.db.models())
        if note:  # as the report says it: toy or local models make flags that mean little
            yield Static(note, id="warning")
        with Horizontal(id="main"):
            yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail"):
                yield Static(id="segment")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("risk", "segment", "sev", "decision", "text")
        self.reload()
        first = next((i for i, e in enumerate(self.entries) if e.decision is None), 0)
        self.goto(first)

    def reload(self, keep: SegmentKey | None = None) -> None:
        self.entries = self.review.queue(self.category, self.severity, self.file, self.state,
                                         self.search or None)
        table = self.query_one(DataTable)
        table.clear()
        for e in self.entries:
            table.add_row(*self._cells(e), key=str(e.key))
        if keep is not None:
            idx = next((i for i, e in enumerate(self.entries) if e.key == keep), 0)
            self.goto(idx)
        self.show()

    @staticmethod
    def _cells(e: QueueEntry) -> tuple[str, ...]:
        text = e.text if len(e.text) <= 60 else e.text[:57] + "…"
        return (f"{e.risk:.2f}", e.location, e.severity or "",
                e.decision.action if e.decision else "", text)

    # -- state -----------------------------------------------------------------------------

    @property
    def index(self) -> int:
        return self.query_one(DataTable).cursor_row

    @property
    def current(self) -> QueueEntry | None:
        return self.entries[self.index] if self.entries and 0 <= self.index < len(
            self.entries) else None

    def goto(self, idx: int) -> None:
        if self.entries:
            self.query_one(DataTable).move_cursor(row=max(0, min(idx, len(self.entries) - 1)))
        self.show()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show()

    def show(self) -> None:
        detail = self.query_one("#segment", Static)
        status = self.query_one("#status", Static)
        filters = [f"{len(self.entries)} in queue", f"state: {self.state}"]
        filters += [f"{k}: {v}" for k, v in (("category", self.category),
                                             ("severity", self.severity), ("file", self.file),
                                             ("search", self.search)) if v]
        status.update(" · ".join(filters) + (f"  —  {self.message}" if self.message else ""))
        e = self.current
        if e is None:
            detail.update("Nothing to review with these filters.")
            return
        if e.key != self._shown:
            self._shown, self.flag = e.key, 0
        stored = self.db.get(e.key)
        if stored is None:
            detail.update(f"segment {e.location} is missing from the database")
            return
        detail.update(self.render_detail(stored, e))

    def render_detail(self, stored: StoredSegment, e: QueueEntry) -> Text:
        r, seg = stored.result, stored.result.segment
        out = Text()
        out.append(f"{stored.location}  risk {r.risk:.2f}", style="bold")
        if self.bands is not None:
            share = {"high": "90 %", "medium": "70 %"}.get(self.bands.of(r.risk))
            out.append(f" ({self.bands.of(r.risk)}" + (
                f": riskier than {share} of real MT)" if share else ")"), style="bold")
        d = self.review.current(e.key)
        if d:
            out.append(f"  [{d.action} by {d.reviewer}]", style="bold cyan")
        conflict = self.review.conflict(e.key)
        if conflict:
            out.append(f"\n⚠ conflict: {conflict}", style="bold red")
        out.append("\n\n")
        before = self.db.get(SegmentKey(e.key.file_id, e.key.ordinal - 1))
        after = self.db.get(SegmentKey(e.key.file_id, e.key.ordinal + 1))
        if before:
            out.append(before.result.segment.text + "\n", style="dim")
        out.append_text(highlighted(r))
        out.append("\n")
        if after:
            out.append(after.result.segment.text + "\n", style="dim")
        if d and d.action == "edit" and d.after:
            out.append("\nedited: ", style="bold").append_text(diffed(seg.text, d.after))
            out.append("\n")
        if seg.source is not None:
            out.append("\nsource: ", style="bold").append_text(
                highlighted(r, "source"))
            out.append("\n")
        for name, bt in r.backtranslations.items():
            out.append(f"\n{name}: ", style="bold").append_text(diffed(seg.text, bt))
        for note in seg.notes:  # truncated, unreliable models, screened by the cascade
            out.append("\nnote: ", style="bold yellow").append(note)
        out.append("\n\nflags  (] [ select, y confirm, x reject, s apply suggestion)\n",
                   style="bold")
        verdicts = self.db.current_flag_decisions(e.key)
        for n, f in enumerate(r.flags):
            out.append("▶ " if n == self.flag else "  ", style="bold")
            out.append(f"{n + 1} ")
            out.append(f" {f.severity} {f.category} ", style=SPAN_STYLE[f.severity])
            out.append(f" {r.excerpt(f)!r}: {f.message}")
            if f.suggestion:
                out.append(f" → {f.suggestion!r}", style="green")
            verdict = verdicts.get((e.key, n))
            if verdict is not None:
                out.append(f"  [{verdict.action} by {verdict.reviewer}]", style="bold cyan")
            out.append("\n")
        out.append("\nmetrics  ", style="bold")
        out.append("  ".join(f"{k} {v:.3g}" for k, v in r.metrics.items()), style="dim")
        return out

    def _refresh_row(self, idx: int) -> str | None:
        """Redraw a row after a decision; returns the segment's conflict, if any."""
        e = self.entries[idx]
        e = replace(e, decision=self.review.current(e.key))
        self.entries[idx] = e
        table = self.query_one(DataTable)
        cells = list(self._cells(e))
        conflict = self.review.conflict(e.key) if e.decision is not None else None
        if conflict:
            cells[3] += " ⚠"  # the decision cell: it disagrees with a flag's
        for col, value in enumerate(cells):
            table.update_cell_at((idx, col), value)
        return conflict

    # -- actions ---------------------------------------------------------------------------

    async def run_action(self, action: str, default_namespace: Any = None) -> bool:
        """Every key's action; a tqcheck error (the database became unwritable, the disk is
        full) is shown in the status line and the app stays open: decisions already made
        are saved."""
        try:
            return await super().run_action(action, default_namespace)
        except TqcheckError as exc:
            self.message = f"error: {exc}"
            self.show()
            return False

    def action_decide(self, action: str, text: str | None = None) -> None:
        e = self.current
        if e is None:
            return
        idx = self.index
        self.review.decide(e.key, action, text)
        conflict = self._refresh_row(idx)
        self.message = f"{action} {e.location}" + (f"  ⚠ {conflict}" if conflict else "")
        self.goto(idx + 1)

    def action_edit(self) -> None:
        e = self.current
        if e is None:
            return
        d = self.review.current(e.key)
        start = d.after if d and d.action == "edit" and d.after else e.text

        def done(text: str | None) -> None:
            if text and text != e.text:
                self.action_decide("edit", text)

        self.push_screen(EditScreen(start), done)

    def _selected(self) -> tuple[QueueEntry, int] | None:
        e = self.current
        stored = self.db.get(e.key) if e is not None else None
        if e is None or stored is None or not stored.result.flags:
            return None
        self.flag = min(self.flag, len(stored.result.flags) - 1)
        return e, self.flag

    def action_select_flag(self, step: int) -> None:
        picked = self._selected()
        if picked is None:
            return
        stored = self.db.get(picked[0].key)
        n = len(stored.result.flags) if stored else 1
        self.flag = (self.flag + step) % n
        self.show()

    @_on_selected_flag
    def action_decide_flag(self, e: QueueEntry, n: int, action: str) -> None:
        d = self.review.decide_flag(e.key, n, action)
        conflict = self._refresh_row(self.index)
        self.message = f"{d.action} flag {n + 1} of {e.location}" + (
            f"  ⚠ {conflict}" if conflict else "")
        self.show()

    @_on_selected_flag
    def action_ignore(self, e: QueueEntry, n: int) -> None:
        word, rejected, path = self.review.ignore_everywhere(e.key, n)
        self.message = f"ignoring {word!r}: {rejected} flag(s) rejected, added to {path}"
        self.show()

    @_on_selected_flag
    def action_undo_flag(self, e: QueueEntry, n: int) -> None:
        undone = self.review.undo_flag(e.key, n)
        self.message = (f"undid {undone.action} of flag {n + 1}" if undone else
                        f"flag {n + 1} has no decision to undo")
        self._refresh_row(self.index)
        self.show()

    @_on_selected_flag
    def action_suggest(self, e: QueueEntry, n: int) -> None:
        """Apply the selected flag's suggestion, and only it, after showing the sentence it
        gives."""
        fixed = self.review.fixed_text(e.key, n)  # a clear error when there is none
        idx = self.index

        def done(apply: bool | None) -> None:
            if not apply:
                self.message = "suggestion not applied"
                self.show()
                return
            self.review.decide_flag(e.key, n, "fix")
            self.message = f"applied the suggestion of flag {n + 1} of {e.location}"
            self._refresh_row(idx)
            self.show()

        self.push_screen(PreviewScreen(e.text, fixed, f"Apply the suggestion of flag {n + 1}?"),
                         done)

    def action_skip(self) -> None:
        self.goto(self.index + 1)

    def action_move(self, step: int) -> None:
        self.goto(self.index + step)

    def action_undo(self) -> None:
        undone = self.review.undo()
        if undone is None:
            self.message = "nothing to undo"
            self.show()
            return
        idx = next((i for i, e in enumerate(self.entries) if e.key == undone.key), None)
        where = self.entries[idx].location if idx is not None else str(undone.key)
        self.message = f"undid {undone.action} of {where}"
        if idx is not None:
            self._refresh_row(idx)
            self.goto(idx)
        else:
            self.show()

    def action_search(self) -> None:
        def done(value: str | None) -> None:
            if value is not None:
                self.search = value.strip()
                self.reload(self.current.key if self.current else None)

        self.push_screen(SearchScreen(self.search), done)

    def _cycle(self, options: list[str | None], value: str | None) -> str | None:
        return options[(options.index(value) + 1) % len(options)] if value in options \
            else options[0]

    def action_cycle_category(self) -> None:
        self.category = self._cycle([None, *self.db.categories()], self.category)
        self.reload()

    def action_cycle_severity(self) -> None:
        self.severity = self._cycle([None, "Major", "Minor"], self.severity)
        self.reload()

    def action_cycle_file(self) -> None:
        self.file = self._cycle([None, *self.db.file_paths()], self.file)
        self.reload()

    def action_cycle_state(self) -> None:
        self.state = STATES[(STATES.index(self.state) + 1) % len(STATES)]
        self.reload()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        self.db.close()
