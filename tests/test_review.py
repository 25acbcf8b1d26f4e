"""Review: decisions (library, CLI, two processes at once), the Textual app driven by its
pilot, the corrected export and the HTML report."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.cli import app
from tqcheck.errors import InputError
from tqcheck.output.corrected import write_corrected
from tqcheck.run.decisions import Review
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB
from tqcheck.testing.fake import FakeBackend, FakeFactory

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("The minister met the envoy in Geneva on Monday.\r\n"
        "\r\n"
        "Talks lasted for three hours. Both sides called them useful.\r\n"
        "A <script>document.title='pwned'</script> tag and \"><img src=x "
        "onerror=\"document.body.dataset.pwned='1'\"> here.\r\n")
# Round trips that lose words, so the segments are flagged.
ROUNDTRIPS = {
    "The minister met the envoy in Geneva on Monday.": "The minister met the envoy.",
    "Talks lasted for three hours.": "Talks lasted hours.",
    "Both sides called them useful.": "Both sides called them useless things.",
}


def make_run(tmp_path: Path, name: str = "run.sqlite") -> tuple[Path, Path]:
    inp = tmp_path / "article.txt"
    inp.write_bytes(TEXT.encode("utf-8"))
    unsafe = TEXT.splitlines()[3]
    back = FakeBackend("fr-en", {**ROUNDTRIPS, unsafe: "A tag and here."})
    db = tmp_path / name
    opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False))
    score_corpus([str(inp)], db, opts, factory=FakeFactory({"fr-en": back}))
    return inp, db


def test_decisions_undo_and_corrected_export(tmp_path: Path) -> None:
    inp, db = make_run(tmp_path)
    review = Review(RunDB(db, mode="write"), reviewer="ana")
    queue = review.queue()
    assert len(queue) >= 3 and [e.risk for e in queue] == sorted((e.risk for e in queue),
                                                                   reverse=True)
    k0, k1, k2 = (SegmentKey(1, n) for n in range(3))
    review.decide(k0, "edit", "The minister met the envoy in Geneva on Monday evening.")
    review.decide(k1, "confirm")
    review.decide(k2, "accept")
    assert review.counts() == {"accept": 1, "confirm": 1, "edit": 1}
    undone = review.undo()
    assert undone is not None and undone.key == k2 and review.current(k2) is None
    review.decide(k1, "edit", "Talks went on for three hours.")
    assert review.current(k1).before == "Talks lasted for three hours."
    assert {str(e.key) for e in review.queue(state="undecided")} == \
        {str(e.key) for e in queue} - {"1:0", "1:1"}
    out = tmp_path / "corrected.txt"
    write_corrected(review.db, out)
    expected = TEXT.replace("on Monday.", "on Monday evening.").replace(
        "Talks lasted for three hours.", "Talks went on for three hours.")
    assert out.read_bytes() == expected.encode("utf-8")  # \r\n and the blank line kept
    inp.write_text("Something else entirely.\n", "utf-8")
    with pytest.raises(InputError, match="changed since the run"):
        write_corrected(review.db, tmp_path / "again.txt")


def test_decide_cli_and_export_with_decisions(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    inp, db = make_run(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["decide", str(db), "1:1", "--confirm", "--reviewer", "bo"])
    assert res.exit_code == 0 and f"{inp}:3:1: confirm by bo" in res.output
    # PATH:LINE:COL as check, review and the report show it; the path by another name
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["decide", str(db), "./article.txt:3:31", "--edit",
                              "Both sides found them useful.", "--reviewer", "bo"])
    assert res.exit_code == 0 and f"{inp}:3:31: edit by bo" in res.output
    res = runner.invoke(app, ["decide", str(db), "article.txt:1", "--accept"])
    assert res.exit_code == 0 and f"{inp}:1:1: accept" in res.output
    assert runner.invoke(app, ["decide", str(db), "1:0", "--undo"]).exit_code == 0
    two = runner.invoke(app, ["decide", str(db), f"{inp}:3", "--accept"])
    assert two.exit_code == 2 and "holds 2 segments" in two.output
    assert f"{inp}:3:31" in two.output.replace("\n", "")
    assert runner.invoke(app, ["decide", str(db), "1:9", "--accept"]).exit_code == 2
    assert runner.invoke(app, ["decide", str(db), f"{inp}:2", "--accept"]).exit_code == 2
    assert runner.invoke(app, ["decide", str(db), "x", "--accept"]).exit_code == 2
    both = runner.invoke(app, ["decide", str(db), "1:1", "--accept", "--confirm"])
    assert both.exit_code == 2 and "exactly one" in both.output
    rows = [json.loads(x) for x in runner.invoke(app, ["export", str(db)]).output.splitlines()]
    by_key = {r["key"]: r for r in rows}
    assert by_key["1:1"]["decision"]["action"] == "confirm"
    assert by_key["1:2"]["decision"]["after"] == "Both sides found them useful."
    assert by_key["1:0"]["decision"] is None
    res = runner.invoke(app, ["decide", str(db), "1:1", "--undo"])
    assert res.exit_code == 0 and "undid confirm" in res.output
    out = tmp_path / "fixed.txt"
    assert runner.invoke(app, ["export", str(db), "--corrected", str(out)]).exit_code == 0
    assert "Both sides found them useful." in out.read_text("utf-8")


WRITER = """
import sys, time
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB
from tqcheck.run.decisions import Review
db, who, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
review = Review(RunDB(db, mode="write"), reviewer=who)
while time.time() < start_at:
    time.sleep(0.001)
for round_ in range(25):
    for n in range(4):
        review.decide(SegmentKey(1, n), "confirm" if who == "a" else "accept")
"""


def test_two_reviewers_at_once_lose_no_decision(tmp_path: Path) -> None:
    import time

    _, db = make_run(tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, "utf-8")
    start_at = str(time.time() + 2.0)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), str(db), who, start_at], env=env)
             for who in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT reviewer, count(*) FROM decisions GROUP BY reviewer"))
    assert counts == {"a": 100, "b": 100}


def test_review_app_with_pilot(tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from tqcheck.review.app import EditScreen, HelpScreen, ReviewApp

    _, db = make_run(tmp_path)
    first_key = Review(RunDB(db, mode="write")).queue()[0].key

    async def session_one() -> list[str]:
        app_ = ReviewApp(db, reviewer="pilot")
        async with app_.run_test(size=(140, 40)) as pilot:
            assert app_.current.key == first_key  # worst first
            await pilot.press("question_mark")
            assert isinstance(app_.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.press("a")  # accept the first, move on
            second = app_.current.key
            await pilot.press("c")  # confirm the second
            third = app_.current.key
            await pilot.press("e")
            assert isinstance(app_.screen, EditScreen)
            app_.screen.query_one(TextArea).load_text("A fixed sentence.")
            await pilot.press("ctrl+s")
            await pilot.press("u")  # undo the edit
            assert app_.current.key == third
            await pilot.press("p")
            assert app_.current.key == second
            await pilot.press("q")
        return [str(first_key), str(second), str(third)]

    keys = asyncio.run(session_one())
    review = Review(RunDB(db, mode="write"))
    decided = {str(k): d.action for k, d in review.all_current().items()}
    assert decided == {keys[0]: "accept", keys[1]: "confirm"}
    actions = [a for (a,) in sqlite3.connect(db).execute(
        "SELECT action FROM decisions ORDER BY id")]
    assert actions == ["accept", "confirm", "edit", "undo"]

    async def session_two() -> str:
        app_ = ReviewApp(db, reviewer="pilot")
        async with app_.run_test(size=(140, 40)) as pilot:
            resumed = str(app_.current.key)  # the first undecided segment
            await pilot.press("s")  # it has no suggestion: nothing is decided
            assert app_.message.endswith("has no suggestion to apply")
            await pilot.press("n")  # "useful" -> "useless things", the round trip's wording
            assert str(app_.current.key) == "1:2"
            await pilot.press("s")  # the sentence is shown first
            await pilot.press("enter")  # and applied
            await pilot.press("d")  # show undecided only
            assert app_.state == "undecided"
            await pilot.press("q")
        return resumed

    resumed = asyncio.run(session_two())
    applied = Review(RunDB(db, mode="write")).current(SegmentKey(1, 2))
    assert (applied.action, applied.after) == ("edit", "Both sides called them useless things.")
    assert resumed == keys[2]


def test_html_report_escapes_everything(tmp_path: Path) -> None:
    _, db = make_run(tmp_path)
    Review(RunDB(db, mode="write"), reviewer="ana").decide(SegmentKey(1, 0), "confirm")
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", str(db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text("utf-8")
    assert "<script>document.title" not in page and "<img src=x" not in page
    text_only = re.sub(r"<[^>]+>", "", page)  # drop the page's own tags (highlight marks)
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in text_only
    assert "&quot;&gt;&lt;img src=x onerror=" in text_only
    assert page.count("<script>") == 1  # the page's own
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "confirmed" in page and "Accuracy/" in page


def test_check_review_scores_into_a_run_and_opens_the_app(tmp_path: Path, monkeypatch) -> None:
    from tqcheck.review.app import ReviewApp

    opened: list[str] = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: opened.append(str(self.db.path)))
    inp = tmp_path / "mt.txt"
    inp.write_text("The committee approved the plan.\nThe weather was cold.\n", "utf-8")
    db = tmp_path / "mt.sqlite"
    res = CliRunner().invoke(app, ["check", str(inp), "--review", "--db", str(db), "--quiet",
                                   "--models-dir", str(ROOT / "fixtures" / "models"),
                                   "--pivot", "toy"])
    assert res.exit_code == 0, res.output
    assert opened == [str(db)]
    assert [t for (t,) in sqlite3.connect(db).execute("SELECT text FROM segments")] == [
        "The committee approved the plan.", "The weather was cold."]
    res = CliRunner().invoke(app, ["check", "-", "--review"], input="Hello.\n")
    assert res.exit_code == 2 and "needs a file" in res.output


def test_corrected_export_of_tsv_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    tsv = tmp_path / "in" / "rows.tsv"
    tsv.write_text("id\ttarget\tnote\nr1\tThe talks ended.\tx\nr2\tThey met.\ty\n", "utf-8")
    jsonl = tmp_path / "in" / "rows.jsonl"
    jsonl.write_text('{"id": 1, "target": "Prices rose."}\n{"id": 2, "target": "Calm."}\n',
                     "utf-8")
    db = tmp_path / "run.sqlite"
    score_corpus([str(tmp_path / "in")], db, ScoreOptions(check=CheckOptions(
        lang="en", pivots=("fr",), language_id=False)), factory=FakeFactory())
    review = Review(RunDB(db, mode="write"), reviewer="ana")
    keys = {t: SegmentKey(f, o) for f, o, t in sqlite3.connect(db).execute(
        "SELECT file_id, ordinal, text FROM segments")}
    review.decide(keys["They met."], "edit", "They met again.")
    review.decide(keys["Prices rose."], "edit", "Prices rose sharply.")
    out = tmp_path / "out"
    write_corrected(review.db, out)
    assert (out / "rows.tsv").read_text("utf-8") == \
        "id\ttarget\tnote\nr1\tThe talks ended.\tx\nr2\tThey met again.\ty\n"
    rows = [json.loads(x) for x in (out / "rows.jsonl").read_text("utf-8").splitlines()]
    assert rows == [{"id": 1, "target": "Prices rose sharply."}, {"id": 2, "target": "Calm."}]
