"""Batch scoring: inputs of every kind, bad input, the run database, resume, export."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.errors import InputError
from tqcheck.output.export import export_run
from tqcheck.run.rundb import RunDB
from tqcheck.testing.fake import FakeBackend, FakeFactory

ROOT = Path(__file__).resolve().parent.parent
OPTS = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False),
                    chunk_segments=4)
SENTENCES = [f"Sentence number {i} says that the council met on day {i}." for i in range(30)]


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def write_corpus(base: Path) -> Path:
    corpus = base / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("The minister spoke today. She left early.\n\n"
                                  "A second paragraph.\n", "utf-8")
    (corpus / "sub" / "b.tsv").write_text(
        "id\tdoc\ttarget\n"
        "r1\tnews-1\tThe talks ended.\n"
        "r2\tnews-1\n"
        "r3\tnews-2\tThey will meet again on 3 May.\n", "utf-8")
    (corpus / "sub" / "c.jsonl").write_text(
        json.dumps({"id": 7, "target": "Prices rose by 5 percent."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": 8, "doc": "d", "target": "Markets were calm."}) + "\n", "utf-8")
    (corpus / "bad.txt").write_bytes(b"Good line one.\nBad \xff byte here.\nGood line three.\n")
    (corpus / "blob.bin").write_bytes(b"\x00\x01\x02binary" * 100)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "huge.txt").write_text("Short line before.\n" + "x" * 10_000_001 + "\n"
                                     "Short line after.\n", "utf-8")
    return corpus


def test_corpus_of_every_kind_with_bad_input(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    db = tmp_path / "run.sqlite"
    stats = score_corpus([str(corpus)], db, OPTS, factory=FakeFactory())
    texts = [t for (t,) in rows(db, "SELECT text FROM segments ORDER BY file_id, ordinal")]
    assert texts == [
        "The minister spoke today.", "She left early.", "A second paragraph.",
        "Good line one.", "Good line three.",
        "Short line before.", "Short line after.",
        "The talks ended.", "They will meet again on 3 May.",
        "Prices rose by 5 percent.", "Markets were calm.",
    ]
    assert stats.segments_scored == 11
    problems = {(Path(p).name, line, m.split(" ")[0])
                for p, line, m in rows(db, "SELECT * FROM problems")}
    assert problems == {("bad.txt", 2, "invalid"), ("blob.bin", 0, "binary"),
                        ("empty.txt", 0, "empty"), ("huge.txt", 2, "line"),
                        ("b.tsv", 3, "2"), ("c.jsonl", 2, "invalid")}
    # Offsets and lines still point into the file after a skipped line.
    start, end, line = rows(db, "SELECT s.start, s.\"end\", s.line FROM segments s JOIN files f "
                                "ON f.id = s.file_id WHERE s.text = 'Good line three.'")[0]
    raw = (corpus / "bad.txt").read_bytes().decode("utf-8", errors="surrogateescape")
    assert raw[start:end] == "Good line three." and line == 3
    assert rows(db, "SELECT count(*) FROM files WHERE status = 'done'")[0][0] == 7
    ids = rows(db, "SELECT doc, seg_id FROM segments WHERE text LIKE 'They will%' OR "
                   "text LIKE 'Markets%' ORDER BY text")
    assert ids == [("d", "8"), ("news-2", "r3")]


def test_export_and_summary(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    db = tmp_path / "run.sqlite"
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", {"The talks ended.": "Talks end."})})
    score_corpus([str(corpus)], db, OPTS, factory=factory)
    run = RunDB(db, mode="write")
    out = io.StringIO()
    assert export_run(run, "jsonl", out) == 11
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    keys = {"file", "doc", "id", "text", "start", "end", "line", "source", "notes",
            "backtranslations", "metrics", "risk", "flags", "signature"}
    assert all(keys <= set(x) for x in lines)
    talks = next(x for x in lines if x["text"] == "The talks ended.")
    assert talks["id"] == "r1" and talks["doc"] == "news-1"
    assert talks["backtranslations"]["roundtrip:fr"] == "Talks end."
    assert talks["flags"] and talks["file"].endswith("b.tsv")
    out = io.StringIO()
    export_run(run, "csv", out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(table) == 11 and table[0]["file"].endswith("a.txt")
    summary = run.summary().to_dict()
    assert summary["segments"] == 11
    assert summary["files"] == {"total": 7, "done": 7}
    assert sum(summary["risk"]["histogram"].values()) == 11
    assert sum(sum(v.values()) for v in summary["flags_by_category"].values()) == \
        sum(len(x["flags"]) for x in lines)
    assert len(summary["problems"]) == 6


class Interrupt(FakeBackend):
    """Raises KeyboardInterrupt on the n-th translate call (a Ctrl-C mid-run)."""

    def __init__(self, pair: str, after: int) -> None:
        super().__init__(pair)
        self.after = after

    def translate(self, texts, beams=None):
        if len(self.calls) >= self.after:
            raise KeyboardInterrupt
        return super().translate(texts, beams)


def test_resume_after_interrupt_is_exactly_once(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n".join(SENTENCES) + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    with pytest.raises(KeyboardInterrupt):
        score_corpus([str(src)], db, OPTS, factory=FakeFactory({"en-fr": Interrupt("en-fr", 3)}))
    stored = rows(db, "SELECT count(*) FROM segments")[0][0]
    assert stored == 12  # three chunks of four committed before the interrupt
    again = FakeBackend("en-fr")
    stats = score_corpus([str(src)], db, OPTS, factory=FakeFactory({"en-fr": again}))
    assert stats.segments_resumed == 12 and stats.segments_scored == 18
    seen = [t for call in again.calls for t in call]
    assert not set(seen) & set(SENTENCES[:12])  # finished work is never recomputed
    texts = [t for (t,) in rows(db, "SELECT text FROM segments ORDER BY ordinal")]
    assert texts == SENTENCES
    assert rows(db, "SELECT count(DISTINCT ordinal), count(*) FROM segments")[0] == (30, 30)
    # A third run finds everything done and scores nothing.
    stats = score_corpus([str(src)], db, OPTS, factory=FakeFactory())
    assert stats.segments_scored == 0 and stats.segments_resumed == 30


def test_resume_refuses_changed_input_and_settings(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n".join(SENTENCES) + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    with pytest.raises(KeyboardInterrupt):
        score_corpus([str(src)], db, OPTS, factory=FakeFactory({"en-fr": Interrupt("en-fr", 2)}))
    other = ScoreOptions(check=CheckOptions(lang="en", pivots=("de",), language_id=False))
    with pytest.raises(InputError, match=r"other settings.*pivots"):
        score_corpus([str(src)], db, other, factory=FakeFactory())
    src.write_text("\n".join(["Changed.", *SENTENCES[1:]]) + "\n", "utf-8")
    with pytest.raises(InputError, match=r"in\.txt:1: the text differs"):
        score_corpus([str(src)], db, OPTS, factory=FakeFactory())


KILL_SCRIPT = """
import sys, time
from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.testing.fake import FakeBackend, FakeFactory

class Slow(FakeBackend):
    def translate(self, texts, beams=None):
        time.sleep(0.15)
        return super().translate(texts, beams)

opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False),
                    chunk_segments=3)
score_corpus(sys.argv[1:-1], sys.argv[-1], opts, factory=FakeFactory({"en-fr": Slow("en-fr")}))
"""


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    """A scoring process killed with SIGKILL loses nothing committed and duplicates nothing."""
    files = []
    for k in range(3):
        f = tmp_path / f"doc{k}.txt"
        lines = [f"{s[:-1]} in document {k}." for s in SENTENCES[:10]]
        f.write_text("\n".join(lines) + "\n", "utf-8")
        files.append(str(f))
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT, "utf-8")
    db = tmp_path / "run.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), *files, str(db)], env=env)
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                count = rows(db, "SELECT count(*) FROM segments")[0][0]
            except sqlite3.OperationalError:
                continue
            if count >= 9:
                break
    assert proc.poll() is None, "the scoring process finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = rows(db, "SELECT count(*) FROM segments")[0][0]
    assert 9 <= partial < 30
    stats = score_corpus(files, db, ScoreOptions(check=OPTS.check, chunk_segments=3),
                         factory=FakeFactory())
    assert stats.segments_resumed == partial and stats.segments_scored == 30 - partial
    assert rows(db, "SELECT count(*), count(DISTINCT file_id || ':' || ordinal) "
                    "FROM segments")[0] == (30, 30)
    assert rows(db, "SELECT sum(n_segments), sum(status = 'done') FROM files")[0] == (30, 3)
    # The resumed database equals an uninterrupted run's, row for row.
    ref = tmp_path / "ref.sqlite"
    score_corpus(files, ref, ScoreOptions(check=OPTS.check, chunk_segments=3),
                 factory=FakeFactory())
    query = "SELECT f.path, s.ordinal, s.text, s.risk, s.n_flags FROM segments s JOIN files f " \
            "ON f.id = s.file_id ORDER BY f.path, s.ordinal"
    assert rows(db, query) == rows(ref, query)
    assert rows(db, "SELECT count(*) FROM flags") == rows(ref, "SELECT count(*) FROM flags")


def test_parallel_source_files_and_stdin(tmp_path: Path, monkeypatch) -> None:
    tgt = tmp_path / "t.txt"
    src = tmp_path / "s.txt"
    tgt.write_text("The talks ended.\n\nThey meet on 3 May.\n", "utf-8")
    src.write_text("Les pourparlers sont terminés.\nIls se réunissent le 4 mai.\n", "utf-8")
    opts = ScoreOptions(check=CheckOptions(lang="en", src_lang="fr", language_id=False,
                                           similarity=False), source=str(src))
    db = tmp_path / "run.sqlite"
    score_corpus([str(tgt)], db, opts, factory=FakeFactory())
    got = rows(db, "SELECT text, source, line FROM segments ORDER BY ordinal")
    assert got == [("The talks ended.", "Les pourparlers sont terminés.", 1),
                   ("They meet on 3 May.", "Ils se réunissent le 4 mai.", 3)]
    cats = [c for (c,) in rows(db, "SELECT category FROM flags WHERE ordinal = 1")]
    assert "Accuracy/Number" in cats
    src.write_text("Une seule ligne.\n", "utf-8")
    score_corpus([str(tgt)], tmp_path / "mismatch.sqlite", opts, factory=FakeFactory())
    assert "non-empty lines" in rows(tmp_path / "mismatch.sqlite",
                                     "SELECT message FROM problems")[0][0]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"From stdin. Two.\n")))
    score_corpus(["-"], tmp_path / "stdin.sqlite", OPTS, factory=FakeFactory())
    assert rows(tmp_path / "stdin.sqlite", "SELECT f.path, s.text FROM segments s JOIN files f "
                "ON f.id = s.file_id") == [("-", "From stdin."), ("-", "Two.")]


def test_cli_score_summary_export_with_toy_models(tmp_path: Path) -> None:
    """The commands end to end on the committed toy models, then a cached re-run."""
    from typer.testing import CliRunner

    from tqcheck.cli import app

    inp = tmp_path / "in.txt"
    inp.write_text("The committee approved the plan.\nThe weather was cold in the city.\n"
                   "The weather was cold in the city.\n", "utf-8")
    args = ["score", str(inp), "--models-dir", str(ROOT / "fixtures" / "models"),
            "--pivot", "toy", "--cache-dir", str(tmp_path / "cache"), "--quiet"]
    runner = CliRunner()
    first = runner.invoke(app, [*args, "--db", str(tmp_path / "a.sqlite")])
    assert first.exit_code == 0, first.output
    assert "3 segments scored" in first.output and "0 hits" in first.output
    second = runner.invoke(app, [*args, "--db", str(tmp_path / "b.sqlite")])
    assert second.exit_code == 0 and "0 misses" in second.output, second.output
    summary = runner.invoke(app, ["summary", str(tmp_path / "a.sqlite"), "--json"])
    data = json.loads(summary.output)
    assert data["segments"] == 3 and "toy-en" in data["signature"]
    exported = runner.invoke(app, ["export", str(tmp_path / "b.sqlite"), "-f", "tsv"])
    body = exported.output.splitlines()
    assert body[0].startswith("key\tfile\tdoc\tid") and len(body) == 4
    a = runner.invoke(app, ["export", str(tmp_path / "a.sqlite"), "-f", "jsonl"]).output
    b = runner.invoke(app, ["export", str(tmp_path / "b.sqlite"), "-f", "jsonl"]).output
    assert a == b  # cached results are the same results
    missing = runner.invoke(app, ["summary", str(tmp_path / "nope.sqlite")])
    assert missing.exit_code == 2 and "no such run database" in missing.output


def test_score_without_models_stops_before_work(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tqcheck.cli import app

    inp = tmp_path / "in.txt"
    inp.write_text("Hello there.\n", "utf-8")
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(app, ["score", str(inp), "--db", str(tmp_path / "r.sqlite"),
                                   "--models-dir", str(tmp_path / "empty"), "--quiet"])
    assert res.exit_code == 2
    assert "tqcheck models pull en-fr" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "r.sqlite").exists()  # every model is looked for first

