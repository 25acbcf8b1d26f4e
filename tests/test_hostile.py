"""Hostile and unlucky input against every command: a table of cases (input -> exit code and
message), then what a table cannot hold: the same file by two names, files that changed,
read-only reads, a full disk, two writers, other weights on resume, broken configuration.

Nothing may end in a traceback, lose what was computed, or count anything twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from typer.testing import CliRunner

from tqcheck.cli import app

runner = CliRunner()
FREE = ("--model-free", "-q")
MODELS = ROOT / "fixtures" / "models"


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def scored(tmp: Path, text: str = "The talks went well. They ended late.\nA second line.\n",
           name: str = "in.txt") -> tuple[Path, Path]:
    inp, db = tmp / name, tmp / "run.sqlite"
    inp.write_text(text, "utf-8")
    res = run("score", inp, "--db", db, *FREE)
    assert res.exit_code == 0, res.output
    return inp, db


def segments(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT file_id, ordinal, text, risk, n_flags FROM segments "
                            "ORDER BY 1, 2").fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the table: (setup -> argv), exit code, what the message must say ------------------------

def _broken_link(t: Path) -> list:
    (t / "gone.txt").symlink_to(t / "nowhere.txt")
    return ["check", t / "gone.txt", *FREE]


def _binary(t: Path) -> list:
    (t / "b.txt").write_bytes(b"\x00\x01\x02 not text")
    return ["check", t / "b.txt", *FREE]


def _dup_header(t: Path) -> list:
    (t / "d.tsv").write_text("id\ttarget\ttarget\n1\tA text.\tAnother.\n")
    return ["check", t / "d.tsv", *FREE]


def _not_a_run(t: Path) -> list:
    with sqlite3.connect(t / "other.sqlite") as conn:
        conn.execute("CREATE TABLE mine (x)")
    return ["summary", t / "other.sqlite"]


def _garbage_db(t: Path) -> list:
    (t / "g.sqlite").write_bytes(b"this is not SQLite at all" * 100)
    return ["export", t / "g.sqlite"]


def _damaged_db(t: Path) -> list:
    _, db = scored(t, SEED.read_text("utf-8") * 3)
    with db.open("r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(b"\xde\xad" * 3000)
    return ["report", db, "-o", t / "r.html"]


def _under_a_file(t: Path) -> list:
    (t / "plain").write_text("x")
    _, db = scored(t)
    return ["export", db, "-o", t / "plain" / "out.jsonl"]


def _db_under_a_file(t: Path) -> list:
    (t / "plain").write_text("x")
    (t / "a.txt").write_text("Some text.\n")
    return ["score", t / "a.txt", "--db", t / "plain" / "run.sqlite", *FREE]


def _cache_is_a_file(t: Path) -> list:
    (t / "cache").write_text("x")
    return ["score", SEED, "--db", t / "r.sqlite", "--models-dir", MODELS, "-p", "toy",
            "--cache-dir", t / "cache", "-q"]


def _decide_out_of_range(t: Path) -> list:
    _, db = scored(t)
    return ["decide", db, "7:99", "--accept"]


def _eval_not_utf8(t: Path) -> list:
    head = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"
    (t / "m_zhen.tsv").write_bytes(head.encode() + b"a\td\t1\t1\tr\t\xff\xfe\tx\tNo-error\t"
                                   b"No-error\n")
    return ["eval", t / "m_zhen.tsv", *FREE]


def _eval_extra_fields(t: Path) -> list:
    head = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"
    (t / "m_zhen.tsv").write_text(head + "a\td\t1\t1\tr\t源\tThe\ttarget.\tFluency\tMinor\n")
    return ["eval", t / "m_zhen.tsv", *FREE]


def _bad_lang_pair(t: Path) -> list:
    return ["eval", SEED, "--lang-pair", "chinese->english", *FREE]


def _folds_zero(t: Path) -> list:
    return ["calibrate", SEED, "--name", "x", "--folds", "0", *FREE]


def _profile_wrong_type(t: Path) -> list:
    (t / "p.toml").write_text((ROOT / "configs/profiles/default.toml").read_text()
                              .replace("[spans]", "[spans]\n# x", 1)
                              .replace('name = "default"', "name = 3"))
    return ["check", SEED, "--profile", t / "p.toml", *FREE]


def _profile_not_utf8(t: Path) -> list:
    (t / "p.toml").write_bytes(b'name = "caf\xe9"\n')
    return ["check", SEED, "--profile", t / "p.toml", *FREE]


def _edit_file_missing(t: Path) -> list:
    _, db = scored(t)
    return ["decide", db, "1:0", "--edit-file", t / "nope.txt"]


CASES: list[tuple[str, Callable[[Path], list], int, str]] = [
    ("broken symlink", _broken_link, 2, "no such file"),
    ("binary input", _binary, 2, "binary file"),
    ("TSV header names a column twice", _dup_header, 2, "target more than once"),
    ("summary of another SQLite file", _not_a_run, 2, "not a tqcheck run database"),
    ("export of a file that is not SQLite", _garbage_db, 2, "not a tqcheck run database"),
    ("report of a damaged run database", _damaged_db, 2, "damaged"),
    ("output under a regular file", _under_a_file, 2, "Not a directory"),
    ("run database under a regular file", _db_under_a_file, 2, "plain"),
    ("cache directory is a file", _cache_is_a_file, 2, "--no-cache"),
    ("decide on a key that is not there", _decide_out_of_range, 2, "no such segment"),
    ("MQM file not UTF-8", _eval_not_utf8, 2, "m_zhen.tsv:2: not UTF-8"),
    ("MQM row with a tab inside a field", _eval_extra_fields, 2, "10 tab-separated fields"),
    ("malformed --lang-pair", _bad_lang_pair, 2, "use SRC-TGT"),
    ("calibrate --folds 0", _folds_zero, 2, "--folds"),
    ("profile value of the wrong type", _profile_wrong_type, 2, "p.toml: name must be"),
    ("profile not UTF-8", _profile_not_utf8, 2, "p.toml: not UTF-8"),
    ("--edit-file that is not there", _edit_file_missing, 2, "nope.txt"),
]


@pytest.mark.parametrize(("setup", "code", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_case(tmp_path: Path, setup: Callable[[Path], list], code: int,
                      message: str) -> None:
    res = run(*setup(tmp_path))
    out = " ".join(res.output.split())  # messages may wrap
    assert res.exit_code == code, res.output
    assert message in out, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)  # none escaped


def test_read_commands_change_no_file(tmp_path: Path) -> None:
    _, db = scored(tmp_path)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE mine (x)")
    before = {p.name: digest(p) for p in tmp_path.iterdir() if p.is_file()}
    for args in (["summary", db], ["summary", db, "--json"], ["export", db, "-f", "csv"],
                 ["report", db, "-o", tmp_path.parent / f"{tmp_path.name}.html"],
                 ["summary", other], ["export", other]):
        run(*args)
    after = {p.name: digest(p) for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # not a byte changed, no -wal or -shm left beside them


def test_one_file_by_two_names_is_scored_once(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    inp, db = scored(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("in.txt", "./in.txt", str(inp), f"../{tmp_path.name}/in.txt"):
        assert run("score", name, "--db", db, *FREE).exit_code == 0
    assert len(segments(db)) == 3
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 1


def test_a_finished_file_that_changed_is_refused(tmp_path: Path) -> None:
    inp, db = scored(tmp_path)
    inp.write_text("The talks went badly. They ended late.\nA second line.\n", "utf-8")
    res = run("score", inp, "--db", db, *FREE)
    assert res.exit_code == 2 and "changed since it was scored" in res.output
    assert segments(db)[0][2] == "The talks went well."


def test_the_run_database_in_the_input_directory_is_no_input(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("One sentence here.\n")
    db = corpus / "run.sqlite"
    for _ in range(2):
        res = run("score", corpus, "--db", db, *FREE)
        assert res.exit_code == 0 and "binary" not in res.output, res.output
    with sqlite3.connect(db) as conn:
        assert [p for (p,) in conn.execute("SELECT path FROM files")] == [str(corpus / "a.txt")]


def test_a_file_name_that_is_not_utf8_is_skipped_not_fatal(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A fine sentence.\n")
    bad = os.fsencode(corpus) + b"/caf\xe9.txt"
    with open(bad, "wb") as fh:
        fh.write(b"Another sentence.\n")
    res = run("score", corpus, "--db", tmp_path / "r.sqlite", *FREE)
    assert res.exit_code == 0, res.output
    assert "caf\\xe9.txt" in res.output and "not UTF-8" in res.output
    assert [s[2] for s in segments(tmp_path / "r.sqlite")] == ["A fine sentence."]


def test_a_second_score_on_the_same_run_is_refused_clearly(tmp_path: Path) -> None:
    from filelock import FileLock

    (tmp_path / "a.txt").write_text("One sentence.\n")
    db = tmp_path / "run.sqlite"
    with FileLock(f"{db}.lock"):  # as a first `tqcheck score` holds it
        res = run("score", tmp_path / "a.txt", "--db", db, *FREE)
    assert res.exit_code == 2 and "another `tqcheck score` is writing" in res.output
    assert run("score", tmp_path / "a.txt", "--db", db, *FREE).exit_code == 0


def test_other_weights_on_resume_are_refused(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    (tmp_path / "a.txt").write_text("We went to the lake.\n")
    db = tmp_path / "run.sqlite"
    args = ["score", tmp_path / "a.txt", "--db", db, "--models-dir", models, "-p", "toy",
            "-q", "--no-cache"]
    assert run(*args).exit_code == 0
    weights = next((models / "toy-en").glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # one bit of other weights
    weights.write_bytes(bytes(data))
    res = run(*args)
    assert res.exit_code == 2 and "made with other settings (models:" in " ".join(
        res.output.split())


def test_a_full_disk_loses_nothing_and_resumes_exactly(tmp_path: Path) -> None:
    text = SEED.read_text("utf-8") * 25  # 325 segments: two chunks
    (tmp_path / "a.txt").write_text(text)
    whole = tmp_path / "whole.sqlite"
    assert run("score", tmp_path / "a.txt", "--db", whole, *FREE).exit_code == 0

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    db = tmp_path / "full.sqlite"
    proc = subprocess.run([sys.executable, "-m", "tqcheck", "score", str(tmp_path / "a.txt"),
                           "--db", str(db), *FREE], preexec_fn=small_disk,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2 and "disk is full" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert run("score", tmp_path / "a.txt", "--db", db, *FREE).exit_code == 0
    assert segments(db) == segments(whole)


def test_corrected_tsv_keeps_rows_whole(tmp_path: Path) -> None:
    inp = tmp_path / "in.tsv"
    inp.write_text("id\ttarget\n1\tThe talks went well.\n2\tThey ended late.\n")
    db = tmp_path / "run.sqlite"
    assert run("score", inp, "--db", db, *FREE).exit_code == 0
    edit = tmp_path / "edit.txt"
    edit.write_text("The talks\twent\nvery well.\n")
    assert run("decide", db, "1:0", "--edit-file", edit).exit_code == 0
    out = tmp_path / "fixed.tsv"
    assert run("export", db, "--corrected", out).exit_code == 0
    assert out.read_text().splitlines() == ["id\ttarget", "1\tThe talks went very well.",
                                            "2\tThey ended late."]


def test_hostile_jsonl_rows_are_reported_and_the_rest_checked(tmp_path: Path) -> None:
    rows = ['{"target": "A fine sentence."}', '{"target": "x", "id": ' + "9" * 5000 + "}",
            '{"target": "y", "doc": ' + "[" * 20000 + "]" * 20000 + "}",
            '{"target": "z", "id": {"a": 1}}', '{"target": "Another fine one."}']
    (tmp_path / "in.jsonl").write_text("\n".join(rows) + "\n")
    res = run("check", tmp_path / "in.jsonl", *FREE, "-f", "json")
    assert res.exit_code in (0, 1), res.output
    assert [s["text"] for s in json.loads(res.stdout)["segments"]] == [
        "A fine sentence.", "Another fine one."]
    assert res.stderr.count("row skipped") == 3


def test_bidi_controls_are_shown_not_obeyed_in_the_report(tmp_path: Path) -> None:
    _, db = scored(tmp_path, "The price is \u202e001$\u202c today, said the the minister.\n")
    out = tmp_path / "r.html"
    assert run("report", db, "-o", out).exit_code == 0
    page = out.read_text()
    assert "\u202e" not in page and "⟨U+202E⟩" in page


def _models_pairs_not_a_table(text: str) -> str:
    return "pairs = 3\n" + text.split("[pairs.")[0]


@pytest.mark.parametrize(("file", "change", "message"), [
    ("models.toml", _models_pairs_not_a_table, "[pairs] must be a table"),
    ("models.toml", lambda t: t.replace('pivots]', 'pivots]\nxx = "fr"', 1), "[pivots] must"),
    ("evaluation.toml", lambda t: t.replace("[span_grid]", "[span_grid]\nawkward_gap = 3\n"
                                            "[unused]", 1), "awkward_gap must be a list"),
    ("input.toml", lambda t: t.replace("max_line_chars = ", "max_line_chars = 'many' # ", 1),
     "max_line_chars: expected int"),
    ("profiles/default.toml", lambda t: t.replace("[rules]", "rules = 4\n[unused]", 1),
     "unknown table"),
])
def test_broken_configuration_is_named_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str,
        change: Callable[[str], str], message: str) -> None:
    """A user's configuration file (read before the shipped one) with a wrong value type or
    table shape: an error naming the file and the key, wherever it is read."""
    from tqcheck.check.profile import load_profile
    from tqcheck.config import _parsed, _table
    from tqcheck.errors import ConfigError
    from tqcheck.evaluation.calibrate import span_grid
    from tqcheck.translate.registry import load_registry

    user = tmp_path / "config"
    (user / file).parent.mkdir(parents=True)
    (user / file).write_text(change((ROOT / "configs" / file).read_text()))
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(user))
    caches = (_parsed, _table, load_registry, load_profile)
    for cached in caches:
        cached.cache_clear()
    try:
        if file == "evaluation.toml":
            with pytest.raises(ConfigError, match=message):
                span_grid()
            return
        res = run("check", SEED, "-p", "fr", "-q")
        out = " ".join(res.output.split())
        assert res.exit_code == 2 and message in out and file in out, res.output
    finally:
        for cached in caches:
            cached.cache_clear()


def test_the_review_app_shows_a_storage_error_and_stays_open(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    import asyncio

    from tqcheck.review.app import ReviewApp
    from tqcheck.run.decisions import Review
    from tqcheck.storage import StorageError

    _, db = scored(tmp_path, "The the talks went well, said said the minister.\n")

    def full(*_args: object, **_kwargs: object) -> None:
        raise StorageError(f"{db}: the disk is full")

    async def session() -> str:
        app_ = ReviewApp(db, reviewer="pilot")
        async with app_.run_test(size=(120, 30)) as pilot:
            monkeypatch.setattr(Review, "decide", full)
            await pilot.press("a")
            message = app_.message
            await pilot.press("q")
        return message

    assert asyncio.run(session()) == f"error: {db}: the disk is full"


def test_a_models_dir_that_is_not_there_is_named(tmp_path: Path) -> None:
    res = run("check", SEED, "--models-dir", tmp_path / "modles", "-q")
    assert res.exit_code == 2 and "--models-dir" in res.output and "no such directory" in \
        res.output


@pytest.mark.parametrize("code", ["", "english", "e1", "en fr"])
def test_a_language_that_is_not_a_code_is_refused_first(tmp_path: Path, code: str) -> None:
    res = run("score", SEED, "--db", tmp_path / "r.sqlite", "--lang", code, *FREE)
    assert res.exit_code == 2 and "not a language code" in " ".join(res.output.split())
    assert not (tmp_path / "r.sqlite").exists()
