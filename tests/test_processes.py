"""`score --engine processes`: chunks checked by worker processes on this machine, committed
in order, with the same results as in this process (model-free: what the engine is for)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from conftest import ROOT
from typer.testing import CliRunner

from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.output.export import export_run
from tqcheck.run.rundb import RunDB

WIRE = [s for s in (ROOT / "fixtures" / "news" / "wire.en.txt").read_text("utf-8").splitlines()
        if s.strip()][:30]
# a doubled word and a misspelling: something to find, so that equal results are no accident
LINES = [*WIRE[:10], "The the talks resumed on Monday.", *WIRE[10:], "The goverment fell."]


def _rows(db: Path) -> list[dict]:
    out = StringIO()
    with RunDB(db, mode="read") as run:
        export_run(run, "jsonl", out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_worker_processes_give_this_process_s_results_row_for_row(tmp_path: Path) -> None:
    corpus = tmp_path / "wire.txt"
    corpus.write_text("\n".join(LINES) + "\n", "utf-8")
    check = CheckOptions(lang="en", model_free=True, language_id=False)
    local = score_corpus([str(corpus)], tmp_path / "local.sqlite",
                         ScoreOptions(check=check, chunk_segments=7))
    spread = score_corpus([str(corpus)], tmp_path / "processes.sqlite",
                          ScoreOptions(check=check, chunk_segments=7, engine="processes",
                                       workers=2))
    assert spread.segments_scored == local.segments_scored == len(LINES)
    rows = _rows(tmp_path / "processes.sqlite")
    assert rows == _rows(tmp_path / "local.sqlite")  # every field, in input order
    assert [r["key"] for r in rows] == [f"1:{i}" for i in range(len(LINES))]
    assert sum(len(r["flags"]) for r in rows) >= 2


def test_workers_need_the_processes_engine(tmp_path: Path) -> None:
    from tqcheck.cli import app

    corpus = tmp_path / "wire.txt"
    corpus.write_text(LINES[0] + "\n", "utf-8")
    res = CliRunner().invoke(app, ["score", str(corpus), "--model-free", "--workers", "2",
                                   "--db", str(tmp_path / "run.sqlite")])
    assert res.exit_code == 2 and "--workers needs --engine processes" in res.output
