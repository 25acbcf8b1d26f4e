"""Real news text never breaks a run, and the rough edges a new user meets are gone: each
test here failed before the change it covers."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from tqcheck.cli import app

runner = CliRunner()
FREE = ("--model-free", "-q")

# Sources of real wire copy: times, scores, ratios, verses, a clock in another script.
TIMES_EN = ("The meeting began at 13:09:10 local time.\n"
            "Bayern won 2:0 on Saturday.\n"
            "The vote was 78:83 against.\n"
            "He quoted John 3:16 at 3:11 p.m.\n")
TIMES_DE = ("Die Sitzung begann um 13:09:10 Uhr Ortszeit.\n"
            "Bayern gewann am Samstag 2:0.\n"
            "Die Abstimmung endete 78:83 dagegen.\n"
            "Er zitierte um 15:11 Uhr Johannes 3:16.\n")


def run(*args: str | Path, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def tqcheck(*args: str | Path, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tqcheck", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300, **kw)


def scored(tmp: Path, text: str = "The talks went well. They ended late.\n") -> tuple[Path, Path]:
    inp, db = tmp / "in.txt", tmp / "run.sqlite"
    inp.write_text(text, "utf-8")
    res = run("score", inp, "--db", db, *FREE)
    assert res.exit_code == 0, res.output
    return inp, db


# -- crashes and data paths --------------------------------------------------------------------

def test_times_and_scores_in_sources_are_checked_scored_and_evaluated(tmp_path: Path) -> None:
    text, source = tmp_path / "de.txt", tmp_path / "en.txt"
    text.write_text(TIMES_DE, "utf-8")
    source.write_text(TIMES_EN, "utf-8")
    done = run("check", text, "--source", source, "--lang", "de", "--src-lang", "en",
               "-f", "json", "--fail-on", "never", *FREE)
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert len(result["segments"]) == 4 and "failures" not in result
    # the same times and scores (3:11 p.m. is 15:11) are the same numbers: no flag
    assert not [f for s in result["segments"] for f in s["flags"]
                if f["category"] == "Accuracy/Number"]
    changed = run("check", "-", "--source", source, "--lang", "de", "--src-lang", "en",
                  "-f", "json", *FREE,
                  input=TIMES_DE.replace("2:0", "2:1").replace("15:11", "15:41"))
    flagged = [s["line"] for s in json.loads(changed.stdout)["segments"]
               if any(f["category"] == "Accuracy/Number" for f in s["flags"])]
    assert changed.exit_code == 1 and flagged == [2, 4]
    db = tmp_path / "run.sqlite"
    scored_run = run("score", text, "--source", source, "--lang", "de", "--src-lang", "en",
                     "--db", db, *FREE)
    assert scored_run.exit_code == 0, scored_run.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] == 4
    mqm = tmp_path / "mqm_news_ende.tsv"
    rows = ["system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity"]
    for i, (s, t) in enumerate(zip(TIMES_EN.splitlines(), TIMES_DE.splitlines(),
                                   strict=True)):
        rows.append(f"sys\td1\t1\t{i}\tr1\t{s}\t{t}\tNo-error\tNo-error")
        rows.append(f"sys2\td1\t1\t{i}\tr1\t{s}\t<v>{t}</v>\tAccuracy/Mistranslation\tMajor")
    mqm.write_text("\n".join(rows) + "\n", "utf-8")
    evaluated = run("eval", mqm, "--model-free", "--bootstrap", "0", "-q")
    assert evaluated.exit_code == 0, evaluated.output


@pytest.mark.parametrize("key", ["1:99999999999999999999999", "99999999999999999999:0",
                                 "in.txt:99999999999999999999999",
                                 "in.txt:1:99999999999999999999"])
def test_decide_with_a_key_too_large_names_no_segment(tmp_path: Path, key: str) -> None:
    _, db = scored(tmp_path)
    done = run("decide", db, key, "--accept")
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "no segment starts at" in done.output or "no such segment" in done.output


@pytest.mark.parametrize("key", ["١:٠", "in.txt:١", "１:０"])
def test_decide_with_non_ascii_digits_says_so(tmp_path: Path, key: str) -> None:
    _, db = scored(tmp_path)
    done = run("decide", db, key, "--accept")
    assert done.exit_code == 2 and "digits 0-9" in done.output


def test_corrected_text_is_exported_from_any_directory(tmp_path: Path) -> None:
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    (work / "in.txt").write_text("The talks went well.\nThey ended late.\n", "utf-8")
    assert tqcheck("score", "in.txt", "--db", "run.sqlite", *FREE, cwd=work).returncode == 0
    done = tqcheck("export", work / "run.sqlite", "--corrected", "out.txt", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out.txt").read_text("utf-8") == "The talks went well.\nThey ended late.\n"


@pytest.mark.parametrize(("command", "shows"), [
    (["export", "-f", "jsonl"], "The talks went well."),
    (["export", "-f", "csv"], "The talks went well."), (["report"], "<!DOCTYPE html>")])
def test_dash_as_output_is_standard_output(tmp_path: Path, command: list[str],
                                           shows: str) -> None:
    _, db = scored(tmp_path)
    done = tqcheck(command[0], db, *command[1:], "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "-").exists()
    assert shows in done.stdout


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_lock_file_that_cannot_be_made_is_not_called_another_writer(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("The talks went well.\n", "utf-8")
    done = run("score", tmp_path / "in.txt", "--db", "/proc/run.sqlite", *FREE)
    assert done.exit_code == 2
    assert "cannot make the run's lock file" in done.output
    assert "another `tqcheck score`" not in done.output


def test_score_says_when_it_creates_the_database_directory(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("The talks went well.\n", "utf-8")
    db = tmp_path / "runs" / "2026" / "run.sqlite"
    done = tqcheck("score", tmp_path / "in.txt", "--db", db, *FREE)
    assert done.returncode == 0, done.stderr
    assert f"{db.parent} does not exist: creating it" in done.stderr and db.is_file()
    again = tqcheck("score", tmp_path / "in.txt", "--db", db, *FREE)
    assert "creating it" not in again.stderr


QE_SPANS = ROOT.parent / "shared" / "data" / "qe-spans"


@pytest.mark.skipif(not QE_SPANS.is_dir(), reason="../shared/data/qe-spans is not here")
@pytest.mark.parametrize("name", sorted(p.name for p in QE_SPANS.glob("*.tsv"))
                         if QE_SPANS.is_dir() else [])
def test_real_annotated_mt_is_checked_to_the_end(tmp_path: Path, name: str) -> None:
    """Model-free, source-aware `check` over a sample of every file of real news and TED MT
    (en-de, en-ru, zh-en): no check fails (the suite is strict) and every row is a result."""
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_file

    pair = next(p for p in ("en-de", "en-ru", "zh-en") if p in name)
    src, tgt = pair.split("-")
    from tqcheck.evaluation.qespans import read_spans

    rows = [(s.source, s.target) for s in read_spans(QE_SPANS / name)
            if s.source.strip() and s.target.strip() and "\t" not in s.source + s.target]
    step = max(1, len(rows) // 40)
    sample = set(rows[::step])
    sample |= {(s, t) for s, t in rows
               if any(c.isdigit() for c in s) and ":" in s}  # times, scores
    tsv = tmp_path / "sample.tsv"
    tsv.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in sorted(sample)),
                   "utf-8")
    result = check_file(str(tsv), CheckOptions(lang=tgt, src_lang=src, model_free=True,
                                               strict=True))
    assert len(result.segments) == len(sample) and not result.problems
    assert not result.failures


# -- CLI conventions -----------------------------------------------------------------------

MODELS = ROOT / "fixtures" / "models"
TOY_TEXT = "We went to the lake, and we swam until the sun went down.\n"


def test_check_uses_and_skips_the_cache_as_told(tmp_path: Path) -> None:
    text = tmp_path / "mt.en.txt"
    text.write_text(TOY_TEXT, "utf-8")
    cached, uncached = tmp_path / "cache", tmp_path / "nocache"
    done = run("check", text, "--pivot", "toy", "--models-dir", MODELS, "--cache-dir", cached,
               "-q", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    assert any(cached.rglob("*")), "the translations were cached where asked"
    done = run("check", text, "--pivot", "toy", "--models-dir", MODELS, "--cache-dir",
               uncached, "--no-cache", "-q", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    assert not uncached.exists() or not any(uncached.rglob("*"))


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("minor", 1)])
def test_a_closed_pipe_does_not_change_the_exit_code(tmp_path: Path, fail_on: str,
                                                     code: int) -> None:
    text = tmp_path / "many.txt"
    text.write_text("It was the the end of the talks in Geneva.\n" * 400, "utf-8")
    script = (f"{sys.executable} -m tqcheck check {text} --model-free -q --fail-on {fail_on} "
              "| head -1 > /dev/null; exit ${PIPESTATUS[0]}")
    for _ in range(3):  # (it was racy)
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stderr and "Broken pipe" not in done.stderr


def test_a_broken_local_model_is_fixed_where_it_is(tmp_path: Path) -> None:
    import shutil

    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    (models / "en-toy" / "model.safetensors").write_bytes(b"not a model")
    text = tmp_path / "mt.en.txt"
    text.write_text(TOY_TEXT, "utf-8")
    done = run("check", text, "--pivot", "toy", "--models-dir", models, "-q")
    assert done.exit_code == 2
    assert f"the files in {models / 'en-toy'} are not a loadable Marian model" in \
        " ".join(done.output.split())
    assert "models pull en-toy" not in done.output  # the hub has no such pair


def test_a_source_in_another_language_than_src_lang_is_named(tmp_path: Path) -> None:
    source, text = tmp_path / "src.txt", tmp_path / "mt.txt"
    source.write_text("La réunion a commencé hier soir à Genève avec les ministres.\n"
                      "Les négociations ont duré toute la nuit sans aucun accord.\n", "utf-8")
    text.write_text("The meeting began last night in Geneva with the ministers.\n"
                    "The talks lasted all night without any agreement.\n", "utf-8")
    wrong = tqcheck("check", text, "--source", source, "--src-lang", "de", *FREE,
                    "--fail-on", "never")
    assert wrong.returncode == 0 and "the source looks like fr" in wrong.stderr
    assert "not de as --src-lang says" in wrong.stderr
    right = tqcheck("check", text, "--source", source, "--src-lang", "fr", *FREE,
                    "--fail-on", "never")
    assert "looks like" not in right.stderr
    db = tmp_path / "run.sqlite"
    scored_run = tqcheck("score", text, "--source", source, "--src-lang", "de", "--db", db,
                         *FREE)
    assert scored_run.returncode == 0 and scored_run.stderr.count("looks like fr") == 1
    with sqlite3.connect(db) as conn:
        assert any("looks like fr" in m for (m,) in conn.execute("SELECT message FROM problems"))


def test_language_codes_and_choices_are_case_insensitive(tmp_path: Path) -> None:
    source, text = tmp_path / "src.txt", tmp_path / "mt.txt"
    source.write_text("Il a payé 300 euros.\n", "utf-8")
    text.write_text("He paid 300 euros.\n", "utf-8")
    done = run("check", text, "--source", source, "--src-lang", "FR", "--lang", "EN",
               "--fail-on", "NEVER", "-f", "JSON", *FREE)
    assert done.exit_code == 0, done.output
    assert "lang:fr-en" in json.loads(done.stdout)["signature"]


def test_help_version_and_choice_errors_read_as_in_other_tools(tmp_path: Path) -> None:
    (tmp_path / "mt.txt").write_text("Fine.\n", "utf-8")
    bad = run("check", tmp_path / "mt.txt", "--fail-on", "critical")
    assert bad.exit_code == 2 and "Value error" not in bad.output
    assert "'critical' is not one of" in bad.output
    for args in (["-h"], ["check", "-h"], ["score", "-h"], ["models", "-h"]):
        done = run(*args)
        assert done.exit_code == 0 and "Usage:" in done.output, args
    from tqcheck.version import __version__

    for args in (["--version"], ["check", "--version"], ["score", "--version"],
                 ["models", "list", "--version"], ["checks", "--version"]):
        done = run(*args)
        assert done.exit_code == 0 and done.output.strip() == f"tqcheck {__version__}", args


def test_each_stage_is_announced_once(tmp_path: Path) -> None:
    text = tmp_path / "mt.en.txt"
    text.write_text(TOY_TEXT, "utf-8")
    done = tqcheck("check", text, "--pivot", "toy", "--models-dir", MODELS, "--fail-on",
                   "never")
    stages = [line for line in done.stderr.splitlines() if line.startswith("tqcheck: ")]
    assert stages and len(stages) == len(set(stages)), stages
    assert stages.count("tqcheck: finding spans") == 1


# -- progress and feedback -----------------------------------------------------------------

def test_summary_keeps_the_signature_whole_when_piped(tmp_path: Path) -> None:
    text = tmp_path / "mt.en.txt"
    text.write_text(TOY_TEXT, "utf-8")
    db = tmp_path / "run.sqlite"
    assert run("score", text, "--db", db, "--pivot", "toy", "--models-dir", MODELS,
               "-q").exit_code == 0
    signature = json.loads(tqcheck("summary", db, "--json").stdout)["signature"]
    assert len(signature) > 200
    assert signature in tqcheck("summary", db).stdout.splitlines()


def test_report_keeps_long_paths_out_of_the_text_and_breaks_the_signature_at_fields(
        tmp_path: Path) -> None:
    deep = tmp_path / "a" / "very" / "long" / "directory" / "of" / "the" / "news" / "desk"
    deep.mkdir(parents=True)
    text = deep / "an-article-with-a-long-file-name.en.txt"
    text.write_text("It was the the end of the talks.\n", "utf-8")
    db = tmp_path / "run.sqlite"
    assert run("score", text, "--db", db, *FREE).exit_code == 0
    html = tqcheck("report", db, "-o", "-").stdout
    assert f'<td class=loc title="{text}:1:1">{text.name}:1:1</td>' in html
    assert "mode:model-free|<wbr>lang:en|<wbr>" in html


def test_export_carries_each_flags_decision(tmp_path: Path) -> None:
    _, db = scored(tmp_path, "It was the the end of the talks , in Geneva.\n")
    assert run("decide", db, "1:0", "--flag", "1", "--reject", "--reviewer", "ana"
               ).exit_code == 0
    for fmt in ("jsonl", "json"):
        out = tqcheck("export", db, "-f", fmt).stdout
        segment = (json.loads(out.splitlines()[0]) if fmt == "jsonl"
                   else json.loads(out)["segments"][0])
        decided = [f["decision"] for f in segment["flags"]]
        assert decided[0]["action"] == "reject" and decided[0]["reviewer"] == "ana"
        assert decided[0]["at"] and decided[1:] == [None] * (len(decided) - 1)


def test_risk_is_shown_with_its_band_among_real_mt(tmp_path: Path) -> None:
    """Five calques and slips read "risk 0.12": where that stands is said beside it."""
    import asyncio

    from tqcheck.check.profile import load_profile
    from tqcheck.review.app import ReviewApp

    bands = load_profile("default").risk.bands
    assert bands is not None and 0 < bands.medium <= bands.high < 1
    line = ("It was the the end of the talks , in Geneva ,, said the official source familiar "
            "with the matter today (Monday).\n")
    done = run("check", "-", "--fail-on", "never", *FREE, input=line)
    assert "risk 0.12 (high)" in done.stdout and "risk bands: high from" in done.stdout
    _, db = scored(tmp_path, line)
    html = tqcheck("report", db, "-o", "-").stdout
    assert "<div class=band>high</div>" in html and "It is a rank, not a probability" in html

    async def detail() -> str:
        app_ = ReviewApp(str(db))
        async with app_.run_test(size=(160, 40)) as pilot:
            shown = str(app_.query_one("#segment").render())
            await pilot.press("q")
        return shown

    assert "(high: riskier than 90 % of real MT)" in asyncio.run(detail())


def test_a_resumed_run_s_rate_and_eta_count_only_its_own_work(tmp_path: Path,
                                                             monkeypatch) -> None:
    from tqcheck.cli import progress as progress_module
    from tqcheck.cli.progress import ScoreProgress

    now = [100.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: now[0])
    bar = ScoreProgress(quiet=True)
    bar.start([], 1000)
    bar.skip(900)  # scored by an earlier invocation
    now[0] += 10
    bar.advance(50, 5)  # this one's work: 50 bytes, 5 segments in 10 s
    assert bar.rates() == (5, 0.5, "0:00:10")  # 50 bytes left at 5 bytes/s
    # and the runner reports input an earlier invocation scored as skipped, not as work
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.check.options import CheckOptions

    events: list[tuple[str, int]] = []

    class Recorder(ScoreProgress):
        def skip(self, nbytes: int) -> None:
            events.append(("skip", nbytes))

        def advance(self, nbytes: int, nsegments: int) -> None:
            events.append(("advance", nbytes))

    texts = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for k, t in enumerate(texts):
        t.write_text("".join(f"Sentence {i} of {k} is here.\n" for i in range(6)), "utf-8")
    options = ScoreOptions(check=CheckOptions(model_free=True))
    score_corpus([str(t) for t in texts], tmp_path / "run.sqlite", options, Recorder(True))
    assert not [e for e in events if e[0] == "skip"]
    events.clear()
    score_corpus([str(t) for t in texts], tmp_path / "run.sqlite", options, Recorder(True))
    assert sorted(events) == sorted(("skip", t.stat().st_size) for t in texts)


@pytest.mark.parametrize(("target", "source", "lang"), [
    ("С более чем 30 000 учащихся по всей Шотландии.", "With upwards of 30,000 pupils.", "ru"),
    ("Seine Kaution wurde auf 350\u202f000 $ festgelegt.", "His bond was set at $350,000.", "de"),
    ("за £125 млн три года назад", "sold for £125m three years ago", "ru"),
    ("более чем 37 миллиардам долларов", "more than $37bn", "ru"),
    ("ABC заняла второе место с 3,26 миллионами зрителей.",
     "ABC was second with 3.26 million viewers.", "ru"),
    ("Er betrat den Markt um 4:40 Uhr.", "He entered the market at 4.40 am.", "de"),
    ("Das Spiel beginnt um 15 Uhr.", "The match starts at 3 p.m.", "de"),
    ("das Ende des Koreakriegs von 1950 bis 1953", "an end to the 1950-53 Korea War", "de"),
])
def test_numbers_as_news_writes_them_match_across_languages(target: str, source: str,
                                                            lang: str) -> None:
    """Forms real WMT news MT showed as false number flags: thousands grouped by spaces,
    £125m, inflected scale words, 4.40 am, 3 p.m., a year range 1950-53."""
    from tqcheck.checks.numbers import number_flags

    assert number_flags(target, source, lang, "en") == []
    changed = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), target, count=1)
    assert number_flags(changed, source, lang, "en")  # a changed number still shows
