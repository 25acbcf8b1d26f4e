"""Reviewing flag by flag: confirm, reject, fix with the suggestion shown first; decisions
kept with the flag's identity; reviewer agreement in the summary; older run databases."""

from __future__ import annotations

import asyncio
import json
import sqlite3
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

TEXT = "The minister praised the useful talks, which ended quickly in Geneva."
# The round trip changes two words: two flags, each with its own suggestion.
BACK = "The minister praised the useless talks, which ended slowly in Geneva."
KEY = SegmentKey(1, 0)


def make_run(tmp_path: Path) -> tuple[Path, Path]:
    inp = tmp_path / "article.txt"
    inp.write_text(TEXT + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False))
    score_corpus([str(inp)], db, opts,
                 factory=FakeFactory({"fr-en": FakeBackend("fr-en", {TEXT: BACK})}))
    return inp, db


def test_each_flag_is_decided_on_its_own_with_its_identity(tmp_path):
    _, db = make_run(tmp_path)
    with RunDB(db, mode="write") as run:
        review = Review(run, reviewer="ana")
        flags = run.get(KEY).result.flags
        assert [TEXT[f.start:f.end] for f in flags] == ["useful", "quickly"]
        review.decide_flag(KEY, 0, "reject")
        d = review.decide_flag(KEY, 1, "confirm")
        assert (d.category, d.signal) == ("Accuracy/Mistranslation", "roundtrip")
        identity = json.loads(d.flag)
        assert identity["excerpt"] == "quickly" and identity["suggestion"] == "slowly"
        assert (identity["start"], identity["end"]) == (flags[1].start, flags[1].end)
        assert "chrf:roundtrip:fr" in identity["metrics"]  # the signals behind it
        assert review.current(KEY) is None  # a flag decision is not a segment decision
        with pytest.raises(InputError, match="no flag 3"):
            review.decide_flag(KEY, 2, "confirm")
        agreement = run.summary().to_dict()["reviews"]
        assert agreement["by_category"] == {"Accuracy/Mistranslation": {"confirmed": 1,
                                                                        "rejected": 1}}
        assert agreement["by_signal"] == {"roundtrip": {"confirmed": 1, "rejected": 1}}
        assert agreement["reviewers"] == ["ana"] and agreement["flags_decided"] == 2
        assert run.summary().reviews.by_signal["roundtrip"].rejected == 1


def test_fixing_applies_only_that_flag_s_suggestion_and_can_be_undone(tmp_path):
    _, db = make_run(tmp_path)
    with RunDB(db, mode="write") as run:
        review = Review(run, reviewer="ana")
        preview = review.fixed_text(KEY, 1)
        assert preview == TEXT.replace("quickly", "slowly")  # "useful" stays
        d = review.decide_flag(KEY, 1, "fix")
        assert (d.before, d.after) == (TEXT, preview)
        assert review.current(KEY).after == preview  # the segment edit goes with it
        out = tmp_path / "corrected.txt"
        write_corrected(run, str(out))
        assert out.read_text("utf-8") == preview + "\n"
        with pytest.raises(InputError, match="edited already"):
            review.fixed_text(KEY, 0)  # offsets no longer hold
        assert review.undo_flag(KEY, 1).action == "fix"
        assert review.current(KEY) is None and review.flag_decision(KEY, 1) is None


def test_an_older_run_database_gets_the_table_when_written(tmp_path):
    _, db = make_run(tmp_path)
    with sqlite3.connect(db) as c:  # as an earlier tqcheck wrote it
        c.execute("DROP TABLE flag_decisions")
    with RunDB(db, mode="read") as run:  # read-only: works, changes nothing
        assert run.summary().reviews.flags_decided == 0
    with sqlite3.connect(db) as c:
        assert not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'flag_decisions'"
                             ).fetchone()
    with RunDB(db, mode="write") as run:
        Review(run, "ana").decide_flag(KEY, 0, "confirm")
    with RunDB(db, mode="read") as run:
        assert run.summary().reviews.flags_decided == 1


def test_decide_flag_from_the_command_line(tmp_path, monkeypatch):
    inp, db = make_run(tmp_path)
    runner = CliRunner()
    where = f"{inp}:1"
    res = runner.invoke(app, ["decide", str(db), where, "--flag", "2", "--apply",
                              "--reviewer", "bo"])
    assert res.exit_code == 0, res.output
    assert TEXT.replace("quickly", "slowly") in res.stdout  # the sentence, shown
    assert "fix (Accuracy/Mistranslation, roundtrip) by bo" in res.stdout
    res = runner.invoke(app, ["decide", str(db), where, "--flag", "1", "--reject"])
    assert res.exit_code == 0 and "reject" in res.stdout
    res = runner.invoke(app, ["decide", str(db), where, "--flag", "3", "--confirm"])
    assert res.exit_code == 2 and "no flag 3" in res.output
    res = runner.invoke(app, ["decide", str(db), where, "--reject"])
    assert res.exit_code == 2 and "give --flag N" in res.output
    res = runner.invoke(app, ["decide", str(db), where, "--flag", "1", "--confirm",
                              "--reject"])
    assert res.exit_code == 2 and "exactly one" in res.output
    res = runner.invoke(app, ["summary", str(db)])
    assert "reviewer agreement" in res.stdout


def test_review_app_previews_a_suggestion_before_applying_it(tmp_path):
    from tqcheck.review.app import PreviewScreen, ReviewApp

    _, db = make_run(tmp_path)

    async def drive() -> None:
        app_ = ReviewApp(db, reviewer="pilot")
        async with app_.run_test(size=(140, 40)) as pilot:
            await pilot.press("right_square_bracket")  # select flag 2 ("quickly")
            await pilot.press("s")
            assert isinstance(app_.screen, PreviewScreen)
            assert app_.screen.fixed == TEXT.replace("quickly", "slowly")
            await pilot.press("escape")  # cancelled: nothing written
            assert app_.review.current(KEY) is None
            await pilot.press("s")
            await pilot.press("enter")
            assert app_.review.current(KEY).after == TEXT.replace("quickly", "slowly")
            await pilot.press("left_square_bracket")  # flag 1 ("useful")
            await pilot.press("x")  # a false alarm
            assert app_.review.flag_decision(KEY, 0).action == "reject"
            await pilot.press("q")

    asyncio.run(drive())
    with RunDB(db, mode="read") as run:
        decided = {n: d.action for (_, n), d in run.current_flag_decisions().items()}
    assert decided == {0: "reject", 1: "fix"}


def make_reviewed_runs(tmp_path: Path) -> Path:
    """Three files of twelve sentences, each with a doubled word (rules:repetition) and a
    word the round trip loses (roundtrip); a reviewer rejects every repetition flag and
    confirms every other flag."""
    words = ["early", "long", "tense", "short", "quiet", "late", "calm", "brief", "fresh",
             "open", "slow", "final"]
    backs = {}
    inputs = []
    for k in range(3):
        lines = []
        for w in words:
            text = f"The the {w} talks in block {k} ended quickly in Geneva."
            backs[text] = f"The {w} talks in block {k} ended slowly in Geneva."
            lines.append(text)
        path = tmp_path / f"file{k}.txt"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        inputs.append(str(path))
    db = tmp_path / "reviewed.sqlite"
    opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False))
    score_corpus(inputs, db, opts, factory=FakeFactory({"fr-en": FakeBackend("fr-en", backs)}))
    with RunDB(db, mode="write") as run:
        review = Review(run, reviewer="ana")
        for stored in run.results():
            for n, flag in enumerate(stored.result.flags):
                review.decide_flag(stored.key, n, "reject" if flag.signal == "rules:repetition"
                                   else "confirm")
    return db


def test_calibrate_from_run_switches_off_what_reviewers_reject(tmp_path, monkeypatch):
    from tqcheck.check.profile import load_profile

    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(tmp_path / "config"))
    db = make_reviewed_runs(tmp_path)
    out = tmp_path / "cal.json"
    res = CliRunner().invoke(app, ["calibrate", "--from-run", str(db), "--name", "ana-tuned",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["by_signal"]["rules:repetition"] == {"decisions": 36, "confirmed": 0,
                                                      "precision": 0.0}
    base_off = list(load_profile("default").rules.signals_off)  # kept, plus what reviewers reject
    assert report["signals_off"] == [*base_off, "rules:repetition"]
    # the category reviewers always confirm gets its threshold lowered
    assert report["by_category"]["Accuracy/Mistranslation"]["precision"] == 1.0
    assert report["thresholds"] == {"lossy_gap": 1.0}
    # held out file by file: the switch-off learnt on two files holds on the third
    assert report["heldout"]["folds"] == 3
    assert report["heldout"]["before"]["precision"] == 0.5
    assert report["heldout"]["after"]["precision"] == 1.0
    assert "switched off rules:repetition" in res.stdout
    load_profile.cache_clear()
    tuned = load_profile("ana-tuned")
    assert tuned.rules.signals_off == (*base_off, "rules:repetition")
    assert tuned.spans.lossy_gap == 1.0
    assert (tmp_path / "config" / "profiles" / "ana-tuned.toml").is_file()
    # the tuned profile no longer shows the rejected check
    from tqcheck.pipeline.document import check_text

    def repetitions(profile: str) -> list:
        result = check_text("The the talks ended.", CheckOptions(
            lang="en", model_free=True, profile=profile))
        return [f for f in result.segments[0].flags if f.signal == "rules:repetition"]

    assert repetitions("default") and not repetitions("ana-tuned")
    load_profile.cache_clear()


def test_calibrate_from_run_changes_nothing_on_too_few_decisions(tmp_path, monkeypatch):
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(tmp_path / "config"))
    _, db = make_run(tmp_path)
    with RunDB(db, mode="write") as run:
        Review(run, "ana").decide_flag(KEY, 0, "reject")
    res = CliRunner().invoke(app, ["calibrate", "--from-run", str(db), "--name", "few"])
    assert res.exit_code == 0, res.output
    assert "no change" in res.stdout and "nothing written" in res.stdout
    written = tmp_path / "config" / "profiles" / "few.toml"
    assert not written.exists()  # a profile that changes nothing is not written...
    res = CliRunner().invoke(app, ["calibrate", "--from-run", str(db), "--name", "few",
                                   "--force"])
    assert res.exit_code == 0 and written.is_file()  # ... unless asked
    res = CliRunner().invoke(app, ["calibrate", "--name", "none"])
    assert res.exit_code == 2 and "--from-run" in res.output


def test_ignore_everywhere_rejects_the_word_in_the_run_and_in_the_next(tmp_path, monkeypatch):
    from tqcheck.pipeline.document import check_text

    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(tmp_path / "config"))
    ignored = tmp_path / "config" / "dictionaries" / "ignored.txt"
    ignored.parent.mkdir(parents=True)
    ignored.write_text("Alpha", "utf-8")  # a hand-edited list without a final line break
    lines = ["Talks with Zorblat ended quickly.", "Zorblat said the talks were useful."]
    backs = {lines[0]: "Talks with ended quickly.", lines[1]: "He said the talks were useful."}
    inp = tmp_path / "a.txt"
    inp.write_text("\n".join(lines) + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    opts = CheckOptions(lang="en", pivots=("fr",), language_id=False)
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", backs)})
    score_corpus([str(inp)], db, ScoreOptions(check=opts), factory=factory)
    with RunDB(db, mode="write") as run:
        flagged = {(s.key, n): s.result.excerpt(f) for s in run.results()
                   for n, f in enumerate(s.result.flags)}
        assert sorted(flagged.values()) == ["Zorblat", "Zorblat"]
        first = min(flagged, key=lambda kn: (kn[0].file_id, kn[0].ordinal, kn[1]))
        res = CliRunner().invoke(app, ["decide", str(db), f"{inp}:1", "--flag",
                                       str(first[1] + 1), "--ignore"])
    assert res.exit_code == 0, res.output
    assert "2 flag(s) of the run rejected" in res.stdout
    with RunDB(db, mode="read") as run:
        assert {d.action for d in run.current_flag_decisions().values()} == {"reject"}
    assert ignored.read_text("utf-8") == "Alpha\nZorblat\n"
    # the next check reads the list: the word is no longer flagged
    again = check_text(lines[0], opts, factory=factory).segments[0]
    assert not [f for f in again.flags if lines[0][f.start:f.end] == "Zorblat"]
    assert "dict:sha256:" in str(check_text(lines[0], opts, factory=factory).signature)


def test_report_shows_models_and_reviewer_agreement(tmp_path):
    from tqcheck.output.report import render_report

    _, db = make_run(tmp_path)
    with RunDB(db, mode="write") as run:
        assert "Reviewer agreement" not in render_report(run)  # no decisions yet
        review = Review(run, reviewer="ana")
        review.decide_flag(KEY, 0, "reject")
        review.decide_flag(KEY, 1, "confirm")
        page = render_report(run)
    assert "Reviewer agreement" in page and "2 flags decided by ana" in page
    assert "<td>Accuracy/Mistranslation</td><td class=num>1</td><td class=num>1</td>" in page
    assert "<td>en-fr</td><td>fake</td>" in page  # the models that made the flags


def test_report_warns_about_toy_models(tmp_path):
    from tqcheck.output.report import render_report

    inp = tmp_path / "a.txt"
    inp.write_text("The talks failed.\n")
    db = tmp_path / "toy.sqlite"
    opts = CheckOptions(lang="en", pivots=("toy",), language_id=False,
                        models_dir=str(Path(__file__).resolve().parent.parent / "fixtures" /
                                       "models"))
    score_corpus([str(inp)], db, ScoreOptions(check=opts))
    with RunDB(db, mode="read") as run:
        assert "Toy models:" in render_report(run)


def test_risk_weights_are_refitted_to_reviewed_segments():
    """Reviewers call a segment bad exactly when its omission feature is set; the default
    profile ranks by other features too. The refit learns the reviewers' ranking."""
    import random

    from tqcheck.check.profile import load_profile
    from tqcheck.check.risk import FEATURES
    from tqcheck.evaluation.reviews import SegmentLabel, refit_risk, review_settings

    rng = random.Random(3)
    k = FEATURES.index("omission_flags")
    labels = []
    for i in range(90):
        row = [rng.random() for _ in FEATURES]
        row[k] = float(i % 3 == 0)
        labels.append(SegmentLabel(("run", f"file{i // 3 % 3}.txt"), tuple(row),
                                   bool(row[k])))
    base = load_profile("default").risk
    risk, info = refit_risk(labels, base, review_settings())
    assert info["heldout_auroc"]["folds"] == 3
    assert info["heldout_auroc"]["after"] == 1.0 > info["heldout_auroc"]["before"]
    assert max(risk.weights, key=lambda f: abs(risk.weights[f])) == "omission_flags"
    # too few, or one verdict only: the base weights stay
    same, info = refit_risk(labels[:5], base, review_settings())
    assert same == base and "not refitted" in info["note"]


def test_flag_keys_in_the_app_decide_the_selected_flag(tmp_path):
    """y, x, z and s act on the selected flag (] selects the next), through the app."""
    from tqcheck.review.app import ReviewApp

    _, db = make_run(tmp_path)

    async def drive() -> None:
        app_ = ReviewApp(str(db), reviewer="ana")
        async with app_.run_test(size=(140, 40)) as pilot:
            await pilot.press("y")  # confirm flag 1
            await pilot.press("right_square_bracket", "x")  # reject flag 2
            await pilot.press("z")  # ... and undo that
            await pilot.press("s")  # preview flag 2's suggestion
            await pilot.press("enter")  # apply it
            await pilot.press("q")

    asyncio.run(drive())
    with RunDB(db, mode="read") as run:
        review = Review(run, "ana")
        decided = [review.flag_decision(KEY, n) for n in (0, 1)]
        assert [d.action if d else None for d in decided] == ["confirm", "fix"]


def test_a_segment_decision_that_contradicts_a_flag_s_is_a_conflict(tmp_path):
    from tqcheck.review.app import ReviewApp

    _, db = make_run(tmp_path)
    with RunDB(db, mode="write") as run:
        review = Review(run, "ana")
        review.decide_flag(KEY, 0, "confirm")
        review.decide(KEY, "accept")
        assert "flag 1 was confirmed" in review.conflict(KEY)
        review.decide(KEY, "confirm")
        assert review.conflict(KEY) is None
        review.decide_flag(KEY, 0, "reject")
        review.decide_flag(KEY, 1, "reject")
        assert "every flag was rejected" in review.conflict(KEY)
        review.decide(KEY, "accept")
        assert review.conflict(KEY) is None

    async def drive() -> str:
        app_ = ReviewApp(str(db), reviewer="ana")
        async with app_.run_test(size=(160, 40)) as pilot:
            await pilot.press("y")  # confirm flag 1, then accept the segment
            await pilot.press("a")
            status = str(app_.query_one("#status").render())
            await pilot.press("p")  # back to it: the detail says so too
            detail = str(app_.query_one("#segment").render())
            await pilot.press("q")
        return status + detail

    shown = asyncio.run(drive())
    assert shown.count("flag 1 was confirmed") == 2
    done = CliRunner().invoke(app, ["decide", str(db), "1:0", "--accept"])
    assert done.exit_code == 0 and "warning" in done.output and "conflict" not in done.output


def test_the_app_says_when_toy_models_made_the_flags_and_its_help_fits(tmp_path):
    from tqcheck.review.app import HELP, ReviewApp

    _, db = make_run(tmp_path)
    with sqlite3.connect(db) as conn:  # the run as toy models would have recorded it
        settings = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'settings'"
                                           ).fetchone()[0])
        settings["models"] = {"en-toy": "sha256:0", "toy-en": "sha256:1"}
        conn.execute("UPDATE meta SET value = ? WHERE key = 'settings'",
                     (json.dumps(settings),))

    async def drive() -> tuple[str, int, int]:
        app_ = ReviewApp(str(db), reviewer="ana")
        async with app_.run_test(size=(100, 40)) as pilot:
            warning = str(app_.query_one("#warning").render())
            await pilot.press("question_mark")
            box = app_.screen.query_one("#help")
            size = (box.content_size.height, box.content_size.width)
            await pilot.press("escape", "q")
        return warning, *size

    warning, height, width = asyncio.run(drive())
    assert warning.startswith("Toy models:")
    lines = HELP.rstrip("\n").splitlines()
    assert height == len(lines) and width >= max(map(len, lines))  # no line wrapped
