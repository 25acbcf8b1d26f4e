"""The cascade (--budget): a cheap screening (the model-free checks; with sources the
forced decodings too) picks the segments the other model passes check; the others keep the
screening's result, marked screened. A fake backend records what the models were given, so
what the budget saved is seen directly."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tqcheck.check.options import Budget, CheckOptions
from tqcheck.pipeline.document import check_text
from tqcheck.signals import Signals
from tqcheck.signature import Signature
from tqcheck.testing.fake import FakeFactory

# Ten lines; the screening finds something in three of them (a doubled word, a word no
# dictionary knows, a number the source does not have).
LINES = [
    "The minister said the talks would continue next week.",
    "The the government announced new measures on Tuesday.",
    "Officials met in Geneva to discuss the ceasefire.",
    "The president flew to Berlin for a summit.",
    "The qwzrtplk committee published its findings.",
    "Prices rose sharply in the first quarter.",
    "The central bank held interest rates steady.",
    "Rescue teams searched the area overnight.",
    "The company reported 45 new cases.",
    "Talks between the two sides resumed on Friday.",
]
SOURCES = [*LINES[:8], "The company reported 54 new cases.", LINES[9]]
TARGET_ONLY = CheckOptions(lang="en", pivots=("fr",), language_id=False)


def _translated(factory: FakeFactory, beams: int | None = None) -> set[str]:
    """The texts translated to the pivot with `beams` (None: the decoding's beam size)."""
    fr = factory.made["en-fr"]
    return {t for call, b in zip(fr.calls, fr.beams, strict=True) if b == beams for t in call}


def test_a_budget_sends_only_the_riskiest_segments_to_the_models() -> None:
    factory = FakeFactory()
    text = "\n".join(LINES) + "\n"
    result = check_text(text, replace(TARGET_ONLY, budget=Budget(0.3)), factory=factory)
    checked = [r for r in result.segments if not r.signals.screened]
    assert len(checked) == 3 and len(result.segments) == 10
    # the screening translated every text greedily; the run's own search, only these
    assert _translated(factory, beams=1) == set(LINES)
    assert _translated(factory) == {r.segment.text for r in checked}  # no other was
    assert Signature.parse(str(result.signature))["screening"] == "pivot-beam1"
    # the screening found problems in these: they are among the riskiest
    assert {r.segment.line for r in checked} & {2, 5}
    for r in result.segments:
        assert r.signals.screening_risk is not None
        assert r.signals.screened == ("roundtrip:fr" not in r.backtranslations)
        assert any(n.startswith("screened:") for n in r.segment.notes) == r.signals.screened
    assert Signature.parse(str(result.signature))["budget"] == "0.3"
    # without a budget every segment goes to the models, and the results say nothing of one
    full = check_text(text, TARGET_ONLY, factory=FakeFactory())
    assert all(r.backtranslations and r.signals.screening_risk is None for r in full.segments)
    assert "budget" not in Signature.parse(str(full.signature))


def test_with_sources_the_models_surprise_ranks_and_meaning_flags_always_get_the_models(
        ) -> None:
    from tqcheck.testing.fake import FakeBackend

    # the models find every word of line 3 unlikely given its source, and the reverse
    unlikely = {w: 10.0 for w in LINES[2].rstrip(".").split()}
    factory = FakeFactory({"de-en": FakeBackend("de-en", surprising=unlikely),
                           "en-de": FakeBackend("en-de", surprising=unlikely)})
    options = CheckOptions(lang="en", src_lang="de", language_id=False, budget=Budget(0.1))
    result = check_text("\n".join(LINES) + "\n", options, source="\n".join(SOURCES) + "\n",
                        factory=factory)
    by_line = {r.segment.line: r for r in result.segments}
    # the screening forced-decoded every segment given its source: line 3 is the riskiest
    assert all(r.signals.source_surprisal is not None for r in result.segments)
    assert max(by_line, key=lambda k: by_line[k].signals.screening_risk) == 3
    assert not by_line[3].signals.screened
    assert not by_line[9].signals.screened  # 45 against 54: over the 10 % budget
    assert sum(not r.signals.screened for r in result.segments) == 2
    # a screened segment's risk weighs the surprisal, on the scale of the checked ones
    assert by_line[1].signals.screened and by_line[1].risk < by_line[3].risk


def test_without_a_source_the_reverse_models_surprise_given_a_greedy_pivot_ranks() -> None:
    from tqcheck.testing.fake import FakeBackend

    # the reverse model finds the words of line 7 unlikely given their pivot translation
    unlikely = {w: 10.0 for w in LINES[6].rstrip(".").split()}
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", surprising=unlikely)})
    result = check_text("\n".join(LINES) + "\n", replace(TARGET_ONLY, budget=Budget(0.1)),
                        factory=factory)
    by_line = {r.segment.line: r for r in result.segments}
    assert all(r.signals.pivot_surprisal.get("fr") for r in result.segments)
    assert max(by_line, key=lambda k: by_line[k].signals.screening_risk) == 7
    assert not by_line[7].signals.screened
    # a screened segment's risk weighs that surprisal, on the scale of the checked ones
    assert by_line[1].signals.screened and by_line[1].risk < by_line[7].risk
    # an auto budget ranks by the spans decision's bands, and 1.0 ranks nothing: no greedy
    # translation for either, and no screening in the signature
    for budget in (Budget(None), Budget(1.0)):
        other = FakeFactory()
        done = check_text("\n".join(LINES) + "\n", replace(TARGET_ONLY, budget=budget),
                          factory=other)
        assert 1 not in other.made["en-fr"].beams
        assert "screening" not in Signature.parse(str(done.signature))


def test_with_the_screenings_beam_size_its_translations_and_scores_are_reused() -> None:
    from tqcheck.testing.fake import FakeBackend

    unlikely = {w: 10.0 for w in LINES[6].rstrip(".").split()}
    text, greedy = "\n".join(LINES) + "\n", replace(TARGET_ONLY, beams=1)

    def factory() -> FakeFactory:
        return FakeFactory({"en-fr": FakeBackend("en-fr", {t: t.upper() for t in LINES}),
                            "fr-en": FakeBackend("fr-en", surprising=unlikely)})

    full_models, every_models = factory(), factory()
    full = check_text(text, greedy, factory=full_models)
    # 95 % of 10 segments is every one (a budget of 1.0 screens nothing: nothing to rank)
    every = check_text(text, replace(greedy, budget=Budget(0.95)), factory=every_models)
    assert [r.flags for r in every.segments] == [r.flags for r in full.segments]
    assert [r.risk for r in every.segments] == [r.risk for r in full.segments]
    # each text translated to the pivot once (by the screening), and scored given it once
    fr = every_models.made["en-fr"]
    assert sorted(t for call in fr.calls for t in call) == sorted(LINES)
    scored = [p for call in every_models.made["fr-en"].score_calls for p in call]
    assert sorted(scored) == sorted(p for call in full_models.made["fr-en"].score_calls
                                    for p in call)


def test_segments_with_and_without_a_source_in_one_batch_reuse_what_each_screened() -> None:
    """A library call may mix them: those without a source are screened through the first
    pivot (the source language), and only those with one are translated to it again."""
    from tqcheck.pipeline.checker import Checker
    from tqcheck.types import Segment

    segments = [Segment(id=i, text=t, start=0, end=len(t), line=i + 1,
                        source=SOURCES[i] if i % 2 else None) for i, t in enumerate(LINES)]
    factory = FakeFactory()
    options = CheckOptions(lang="en", src_lang="de", language_id=False, beams=1,
                           budget=Budget(0.95))
    result = Checker(options, factory=factory).check(segments)
    assert not any(r.signals.screened for r in result.segments)
    de = factory.made["en-de"]
    calls = list(zip(de.calls, de.beams, strict=True))
    assert {t for call, b in calls if b == 1 for t in call} == set(LINES[0::2])  # screening
    assert {t for call, b in calls if b is None for t in call} == set(LINES[1::2])


def test_a_budget_of_everything_checks_everything_like_no_budget() -> None:
    text = "\n".join(LINES) + "\n"
    full = check_text(text, TARGET_ONLY, factory=FakeFactory())
    every = check_text(text, replace(TARGET_ONLY, budget=Budget(1.0)), factory=FakeFactory())
    assert [r.flags for r in every.segments] == [r.flags for r in full.segments]
    assert [r.risk for r in every.segments] == [r.risk for r in full.segments]


def test_the_screenings_scores_are_not_computed_again_for_the_segments_it_picks() -> None:
    from tqcheck.testing.fake import FakeBackend

    unlikely = {w: 10.0 for w in LINES[2].rstrip(".").split()}
    text, source = "\n".join(LINES) + "\n", "\n".join(SOURCES) + "\n"
    options = CheckOptions(lang="en", src_lang="de", language_id=False)

    def factory() -> FakeFactory:
        return FakeFactory({"de-en": FakeBackend("de-en", surprising=unlikely),
                            "en-de": FakeBackend("en-de", surprising=unlikely)})

    full_models, every_models = factory(), factory()
    full = check_text(text, options, source=source, factory=full_models)
    every = check_text(text, replace(options, budget=Budget(1.0)), source=source,
                       factory=every_models)
    assert [r.flags for r in every.segments] == [r.flags for r in full.segments]
    assert [r.risk for r in every.segments] == [r.risk for r in full.segments]
    assert [r.signals.similarity for r in every.segments] == \
        [r.signals.similarity for r in full.segments]
    assert [r.signals.source_surprisal for r in every.segments] == \
        [r.signals.source_surprisal for r in full.segments]
    for pair in ("de-en", "en-de"):  # each text scored given its source once, each way
        scored = [p for call in every_models.made[pair].score_calls for p in call]
        assert sorted(scored) == sorted(p for call in full_models.made[pair].score_calls
                                        for p in call)


def test_the_cascade_metrics_survive_the_flat_names() -> None:
    signals = Signals(similarity=0.5, screening_risk=0.25, screened=True)
    metrics = signals.to_metrics()
    assert metrics["cascade:screened"] == 1.0 and metrics["cascade:screening_risk"] == 0.25
    assert Signals.from_metrics(metrics) == signals
    assert "cascade:screened" not in Signals(similarity=0.5).to_metrics()


@given(st.integers(min_value=1, max_value=100))
def test_budgets_read_back_as_written(percent: int) -> None:
    budget = Budget.parse(f"{percent}%")
    assert budget.fraction == pytest.approx(percent / 100)
    assert Budget.parse(str(budget)) == budget


@pytest.mark.parametrize("bad", ["0", "1.5", "-10%", "half", ""])
def test_a_bad_budget_says_what_a_budget_is(bad: str) -> None:
    with pytest.raises(ValueError, match="budget"):
        Budget.parse(bad)
    assert Budget.parse("AUTO") == Budget(None)


def test_check_takes_a_budget_and_refuses_it_without_models(tmp_path: Path) -> None:
    from tqcheck.cli import app

    text = tmp_path / "news.txt"
    text.write_text("\n".join(LINES) + "\n", "utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["check", str(text), "--model-free", "--budget", "0.3"])
    assert res.exit_code == 2 and "--model-free" in res.output
    res = runner.invoke(app, ["check", str(text), "--budget", "lots"])
    assert res.exit_code == 2 and "not a budget" in res.output


def test_check_with_a_budget_on_the_toy_models(tmp_path: Path) -> None:
    from conftest import ROOT

    from tqcheck.cli import app

    heldout = (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text("utf-8").splitlines()
    text = tmp_path / "toy.txt"
    text.write_text("\n".join(heldout[:12]) + "\n", "utf-8")
    res = CliRunner().invoke(app, [
        "check", str(text), "--pivot", "toy", "--models-dir", str(ROOT / "fixtures" / "models"),
        "--budget", "25%", "--format", "json", "--fail-on", "never", "--no-cache"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    screened = [s["metrics"]["cascade:screened"] for s in out["segments"]]
    assert len(screened) == 12 and screened.count(0.0) >= 3  # 25 % of 12, and any critical
    assert "budget:0.25" in out["signature"]


def test_on_the_toy_models_a_budget_of_everything_is_the_full_check() -> None:
    """The screening's greedy translations differ from beam search on 5 of these; its
    scores are reused only where the translation is the same, so nothing changes."""
    from conftest import ROOT

    from tqcheck.translate.base import BackendSettings

    heldout = (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text("utf-8").splitlines()
    text = "\n".join(heldout[:16]) + "\n"
    options = CheckOptions(lang="en", pivots=("toy",), language_id=False,
                           models_dir=str(ROOT / "fixtures" / "models"),
                           backend=BackendSettings(cache=False))
    full = check_text(text, options)
    every = check_text(text, replace(options, budget=Budget(0.95)))  # 16 of 16, screened
    assert [r.flags for r in every.segments] == [r.flags for r in full.segments]
    # (a text scored in another batch is padded otherwise: the floats differ by ~1e-8)
    assert [r.risk for r in every.segments] == pytest.approx([r.risk for r in full.segments],
                                                             abs=1e-6)
    assert [r.backtranslations for r in every.segments] == \
        [r.backtranslations for r in full.segments]
    assert all(r.signals.screening_risk is not None for r in every.segments)


def test_score_with_a_budget_stores_what_was_screened_and_resumes_only_with_it(
        tmp_path: Path) -> None:
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.errors import InputError
    from tqcheck.run.rundb import RunDB

    corpus = tmp_path / "news.txt"
    corpus.write_text("\n".join(LINES) + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    options = ScoreOptions(check=replace(TARGET_ONLY, budget=Budget(0.5)))
    score_corpus([str(corpus)], db, options, factory=FakeFactory())
    with RunDB(db, "read") as run:
        stored = list(run.results())
    assert [r.result.signals.screened for r in stored].count(False) == 5
    assert all(r.result.signals.screening_risk is not None for r in stored)
    with pytest.raises(InputError, match=r"other settings.*budget"):
        score_corpus([str(corpus)], db, ScoreOptions(check=TARGET_ONLY), factory=FakeFactory())


def test_exports_the_report_and_the_review_app_show_a_screened_segment(
        tmp_path: Path) -> None:
    import asyncio
    import csv
    import io

    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.output.export import export_run
    from tqcheck.output.report import render_report
    from tqcheck.review.app import ReviewApp
    from tqcheck.run.decisions import Review
    from tqcheck.run.rundb import RunDB

    corpus = tmp_path / "news.txt"
    corpus.write_text("\n".join(LINES) + "\n", "utf-8")
    db = tmp_path / "run.sqlite"
    score_corpus([str(corpus)], db, ScoreOptions(check=replace(TARGET_ONLY, budget=Budget(0.1))),
                 factory=FakeFactory())
    with RunDB(db, "read") as run:
        out = io.StringIO()
        export_run(run, "csv", out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert [r["screened"] for r in rows].count("False") == 1
        page = render_report(run)
        assert "note: screened: the model passes checked other segments" in page
        assert "screened (--budget)" in page
        assert run.summary().to_dict()["screened_segments"] == len(rows) - 1
    # a flagged segment the models left out, in the review app
    with RunDB(db, mode="write") as run:
        entry = next(e for e in Review(run).queue() if run.get(e.key).result.signals.screened)

    async def shown() -> str:
        app_ = ReviewApp(str(db), reviewer="pilot")
        async with app_.run_test(size=(140, 40)):
            return app_.render_detail(app_.db.get(entry.key), entry).plain

    assert "note: screened: the model passes checked other segments" in asyncio.run(shown())


def test_an_auto_budget_takes_the_medium_and_high_bands_of_the_ranking(
        tmp_path: Path) -> None:
    from tqcheck.check.profile import load_profile
    from tqcheck.pipeline import cascade

    # the spans decision ranks; bands low enough that these short lines reach them
    profile = tmp_path / "low-bands.toml"
    profile.write_text('extends = "spans"\n[risk.bands]\nmedium = 0.4\nhigh = 0.5\n', "utf-8")
    options = replace(TARGET_ONLY, budget=Budget(None), profile=str(profile))
    result = check_text("\n".join(LINES) + "\n", options, factory=FakeFactory())
    medium = cascade.ranking(load_profile(str(profile))).risk.bands.medium
    assert medium == 0.4
    picked = [not r.signals.screened for r in result.segments]
    assert 0 < sum(picked) < len(picked)
    for r, checked in zip(result.segments, picked, strict=True):
        critical = any(f.signal.startswith("meaning:") or f.signal == "rules:numbers"
                       for f in r.flags)
        assert checked == (r.signals.screening_risk >= medium or critical)


def test_greedy_round_trips_are_an_option_named_in_the_signature(tmp_path: Path) -> None:
    from conftest import ROOT

    from tqcheck.cli import app

    text = tmp_path / "toy.txt"
    text.write_text("the children saw a small house near the river .\n", "utf-8")
    args = ["check", str(text), "--pivot", "toy", "--models-dir", str(ROOT / "fixtures" / "models"),
            "--format", "json", "--fail-on", "never", "--no-cache"]
    greedy = CliRunner().invoke(app, [*args, "--beams", "1"])
    beam = CliRunner().invoke(app, args)
    assert greedy.exit_code == 0 == beam.exit_code, greedy.output
    assert "|beam:1|" in json.loads(greedy.stdout)["signature"]
    assert "|beam:4|" in json.loads(beam.stdout)["signature"]


def test_under_a_budget_the_second_pivot_checks_only_what_the_first_leaves_in_doubt() -> None:
    from tqcheck.testing.fake import FakeBackend

    # fr's round trip changes line 1 and finds "sharply" (line 6) surprising; the others
    # come back as they were
    changed = LINES[0].replace("talks", "negotiations")
    factory = FakeFactory({"en-fr": FakeBackend("en-fr", {LINES[0]: "FR"}),
                           "fr-en": FakeBackend("fr-en", {"FR": changed},
                                                surprising={"sharply": 6.0})})
    text = "\n".join(LINES) + "\n"
    two = replace(TARGET_ONLY, pivots=("fr", "de"))
    result = check_text(text, replace(two, budget=Budget(1.0)), factory=factory)
    assert {t for call in factory.made["en-de"].calls for t in call} == {LINES[0], LINES[5]}
    for r in result.segments:
        assert ("roundtrip:de" in r.backtranslations) == (r.segment.line in (1, 6))
    # where the second pivot was left out it could not have added a flag: the same flags
    full = check_text(text, two, factory=FakeFactory(
        {"en-fr": FakeBackend("en-fr", {LINES[0]: "FR"}),
         "fr-en": FakeBackend("fr-en", {"FR": changed}, surprising={"sharply": 6.0})}))
    assert [r.flags for r in result.segments] == [r.flags for r in full.segments]


@pytest.mark.parametrize(("line", "message"), [
    ("screening_beams = 0", r"score.toml: \[cascade\].screening_beams: a beam size is at least 1"),
    ('ranking = "default"', r"score.toml: \[cascade\].ranking: profile 'default' has no learned"),
    ('pivot_screening = "yes"', r"score.toml: \[cascade\].pivot_screening: expected bool")])
def test_a_bad_cascade_setting_names_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              line: str, message: str) -> None:
    from tqcheck.errors import ConfigError
    from tqcheck.pipeline import cascade

    good = {"ranking": '"spans"', "pivot_screening": "true", "screening_beams": "1"}
    key = line.split(" = ")[0]
    table = "\n".join(line if k == key else f"{k} = {v}" for k, v in good.items())
    (tmp_path / "score.toml").write_text(f"[cascade]\n{table}\n", "utf-8")
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(tmp_path))
    cascade.settings.cache_clear()
    cascade.ranking_profile.cache_clear()
    try:
        with pytest.raises(ConfigError, match=message):
            cascade.ranking_profile()  # (reads the settings first)
    finally:
        cascade.settings.cache_clear()
        cascade.ranking_profile.cache_clear()
