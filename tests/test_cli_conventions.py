"""The CLI as a well-kept tool: help texts, choices checked before any work, OS errors as
exit 2, closed pipes, streams as inputs, compiler-style locations, -q, safe exports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from typer.main import get_command
from typer.testing import CliRunner

from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.cli import app
from tqcheck.cli.common import (
    BackendKind,
    CheckFormat,
    ComputeType,
    DialectChoice,
    ExportFormat,
    InputFormat,
)
from tqcheck.testing.fake import FakeFactory

runner = CliRunner()
FREE = ("--model-free", "-q")


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def _commands(group=None, prefix: tuple[str, ...] = ()):
    group = group or get_command(app)
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("command", list(_commands()), ids=" ".join)
def test_help_shows_real_types(command: tuple[str, ...]) -> None:
    res = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    for typer_label in ("<bool>", "<str>", "<int>", "<float>", "list[", "{"):
        assert typer_label not in res.output, (command, typer_label)
    usage = next(line for line in res.output.splitlines() if "Usage:" in line)
    assert re.search(r"\[OPTIONS\]( [A-Z_\[\].|]+)*\s*$", usage.strip()), usage


def test_version_and_completion() -> None:
    from tqcheck.version import __version__

    assert run("--version").output.strip() == f"tqcheck {__version__}"
    assert "--install-completion" in runner.invoke(app, ["--help"],
                                                   env={"COLUMNS": "200"}).output


def test_cli_choices_match_the_library() -> None:
    from tqcheck.check.environment import DIALECTS
    from tqcheck.inputs.files import FORMATS
    from tqcheck.output.export import EXPORT_FORMATS
    from tqcheck.output.render import FORMATS as CHECK_FORMATS
    from tqcheck.translate.backends.ct2 import COMPUTE_TYPES
    from tqcheck.translate.factory import BACKENDS

    assert [x.value for x in BackendKind] == list(BACKENDS)
    assert [x.value for x in ComputeType] == list(COMPUTE_TYPES)
    assert [x.value for x in DialectChoice] == list(DIALECTS)
    assert [x.value for x in InputFormat] == list(FORMATS)
    assert [x.value for x in CheckFormat] == list(CHECK_FORMATS)
    assert sorted(x.value for x in ExportFormat) == sorted(EXPORT_FORMATS)
    # the names check and export share mean the same
    assert {"json", "jsonl", "tsv"} <= {x.value for x in ExportFormat} & set(CHECK_FORMATS)


def test_choices_are_case_insensitive_and_checked_first(tmp_path: Path) -> None:
    res = run("check", str(SEED), *FREE, "--fail-on", "minor", "-f", "JSON",
              "--dialect", "GB")
    assert res.exit_code == 1, res.output  # the seed has Minor flags (model-free)
    assert json.loads(res.stdout)["segments"]
    db = tmp_path / "run.sqlite"
    for bad in (["--backend", "ctt"], ["--device", "gpu"], ["--input-format", "docx"],
                ["--compute-type", "int4"]):
        res = run("score", str(SEED), "--db", str(db), *FREE, *bad)
        assert res.exit_code == 2 and bad[1] in res.output, res.output
        assert not db.exists()  # refused before the database was made
    res = run("score", str(SEED), "--db", str(db), *FREE, "--backend", "TORCH",
              "--device", "CPU", "--input-format", "Text")
    assert res.exit_code == 0, res.output


def test_os_errors_are_exit_2_naming_the_path(tmp_path: Path) -> None:
    db = tmp_path / "run.sqlite"
    assert run("score", str(SEED), "--db", str(db), *FREE).exit_code == 0
    for out, words in [(tmp_path / "missing" / "x.jsonl", "No such file or directory"),
                       (tmp_path, "Is a directory")]:
        res = run("export", str(db), "-o", str(out))
        assert res.exit_code == 2 and f"{out}: {words}" in res.output
        assert "Traceback" not in res.output
    res = run("report", str(db), "-o", str(tmp_path / "missing" / "r.html"))
    assert res.exit_code == 2 and "missing/r.html: No such file" in res.output
    if Path("/dev/full").exists():  # a device that is always full
        res = run("export", str(db), "-o", "/dev/full")
        assert res.exit_code == 2 and "/dev/full: no space left" in res.output
        res = run("eval", str(tmp_path / "mqm_ted_zhen.tsv"), "--model-free")
        assert res.exit_code == 2 and "mqm_ted_zhen.tsv: no such file" in res.output


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text("utf-8") * 40, "utf-8")  # output well over a pipe buffer
    proc = subprocess.run(
        f"{sys.executable} -m tqcheck check {big} --model-free -q -f jsonl | head -c 20",
        shell=True, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert len(proc.stdout) == 20 and proc.stderr == ""


def test_streams_directories_and_fifos(tmp_path: Path) -> None:
    res = run("check", str(tmp_path), *FREE)
    assert res.exit_code == 2 and "is a directory" in res.output
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(SEED.read_bytes()))
    writer.start()
    res = run("check", str(fifo), *FREE, "-f", "json")
    writer.join()
    assert res.exit_code in (0, 1) and len(json.loads(res.stdout)["segments"]) == 13
    # process substitution: /dev/fd/N is a pipe, read once
    proc = subprocess.run(["bash", "-c", f"{sys.executable} -m tqcheck check <(cat {SEED}) "
                           "--model-free -q -f json"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert len(json.loads(proc.stdout)["segments"]) == 13


def test_text_output_points_at_each_flag_as_file_line_col() -> None:
    res = run("check", str(SEED), *FREE, "--fail-on", "never")
    lines = SEED.read_text("utf-8").split("\n")
    flags = re.findall(rf"^{re.escape(str(SEED))}:(\d+):(\d+): (?:Minor|Major) \S+ '(.+?)': ",
                       res.stdout, flags=re.M)
    assert len(flags) >= 10
    for line, col, excerpt in flags:
        text = lines[int(line) - 1]
        assert text[int(col) - 1:int(col) - 1 + len(excerpt)] == excerpt


def test_quiet_means_no_progress_but_warnings(tmp_path: Path) -> None:
    bad = tmp_path / "a.txt"
    bad.write_bytes(b"Good line one.\n\xff\xfe broken\nGood line two.\n")
    loud = run("check", str(bad), "--model-free")
    quiet = run("check", str(bad), *FREE)
    assert "finding spans" in loud.stderr and "finding spans" not in quiet.stderr
    assert "invalid UTF-8" in quiet.stderr
    db = tmp_path / "r.sqlite"
    res = run("score", str(bad), "--db", str(db), *FREE)
    assert not re.search(r"^done ", res.stderr, re.M)
    assert f"{bad}:2: invalid UTF-8" in res.stderr  # a log line: whole, never wrapped
    assert "segments scored" in res.stderr  # the result is still told


def test_score_fails_when_every_input_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01binary")
    res = run("score", str(tmp_path / "in"), "--db", str(tmp_path / "r.sqlite"), *FREE)
    assert res.exit_code == 2 and "every input was skipped" in res.output


def test_progress_moves_within_a_chunk(tmp_path: Path, monkeypatch) -> None:
    """The first chunk is committed early ([score] first_chunk_segments), and the bar moves
    after each slice of each model pass over a chunk ([progress] slice_segments)."""
    from tqcheck.pipeline import checker

    monkeypatch.setattr(checker, "progress_settings", lambda: checker.ProgressSettings(8))
    text = tmp_path / "t.txt"
    text.write_text("".join(f"Sentence number {i} is here.\n" for i in range(40)))
    events: list[tuple[str, float]] = []

    class Recorder:
        def start(self, files, total_bytes): ...

        def advance(self, nbytes, nsegments):
            events.append(("advance", nsegments))

        def skip(self, nbytes): ...

        def working(self, nbytes, nsegments):
            events.append(("working", nsegments))

        def file_done(self, path, n_segments, seconds): ...

        def problem(self, problem): ...

    factory = FakeFactory()
    score_corpus([str(text)], tmp_path / "r.sqlite",
                 ScoreOptions(check=CheckOptions(lang="en", pivots=("fr", "de")),
                              chunk_segments=40), Recorder(), factory)
    first = events.index(("advance", 32))  # the first chunk: 32 of the 40 segments
    working = [n for kind, n in events[:first] if kind == "working"]
    # 2 pivots x (translate, round trip, forced decoding) x 4 slices of 8; the round trips'
    # forced decoding (model:paraphrase), one step each (the fake's round trips are the
    # texts: nothing to score); and the spans
    assert len(working) == 6 * 4 + 2 + 1 and working == sorted(working) and working[-1] == 32
    assert working[0] == pytest.approx(32 / 9 / 4)
    assert ("advance", 8) in events[first:]


def test_corrected_export_does_not_overwrite_an_input_unless_forced(tmp_path: Path) -> None:
    inp = tmp_path / "a.txt"
    inp.write_text("The talks went well. They ended late.\n")
    db = tmp_path / "r.sqlite"
    assert run("score", str(inp), "--db", str(db), *FREE).exit_code == 0
    assert run("decide", str(db), f"{inp}:1:1", "--edit", "Talks went well.").exit_code == 0
    res = run("export", str(db), "--corrected", str(inp))
    assert res.exit_code == 2 and "--force" in res.output
    assert inp.read_text() == "The talks went well. They ended late.\n"
    assert run("export", str(db), "--corrected", str(inp), "--force").exit_code == 0
    assert inp.read_text() == "Talks went well. They ended late.\n"


def test_export_json_is_one_document(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    assert run("score", str(SEED), "--db", str(db), *FREE).exit_code == 0
    doc = json.loads(run("export", str(db), "-f", "JSON").stdout)
    assert doc["signature"].startswith("tqcheck:") and len(doc["segments"]) == 13
    first = doc["segments"][0]
    assert first["key"] == "1:0" and first["file"] == str(SEED) and first["column"] == 2
    rows = run("export", str(db), "-f", "jsonl").stdout.splitlines()
    assert [json.loads(r)["text"] for r in rows] == [s["text"] for s in doc["segments"]]
    empty = tmp_path / "e.sqlite"
    assert run("score", str(SEED), "--db", str(empty), *FREE).exit_code == 0
    assert json.loads(run("export", str(empty), "-f", "json", "--min-risk", "1")
                      .stdout)["segments"] == []


def test_report_and_review_queue_show_file_names(tmp_path: Path) -> None:
    from tqcheck.run.decisions import Review
    from tqcheck.run.rundb import RunDB

    db = tmp_path / "r.sqlite"
    assert run("score", str(SEED), "--db", str(db), *FREE).exit_code == 0
    html = tmp_path / "r.html"
    assert run("report", str(db), "-o", str(html)).exit_code == 0
    assert re.search(rf"<td class=loc title=\"{re.escape(str(SEED))}:\d+:\d+\">"
                     rf"{re.escape(SEED.name)}:\d+:\d+</td>", html.read_text())
    with RunDB(db, mode="write") as rundb:
        entry = Review(rundb).queue()[0]
        assert entry.location.startswith(f"{SEED}:")
        assert rundb.locate(entry.location) == entry.key


def test_the_package_list_matches_the_tree() -> None:
    import tomllib

    from setuptools import find_packages

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]
    assert sorted(p for p in listed if p != "tqcheck.configs") == sorted(
        find_packages(ROOT, include=["tqcheck*"]))
