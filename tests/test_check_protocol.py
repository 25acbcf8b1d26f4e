"""The check protocol: the registry, suppression as data, fault isolation, `tqcheck checks`."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

import tqcheck.checks
from tqcheck.check.base import Check, register, validate
from tqcheck.check.context import SegmentContext
from tqcheck.check.options import CheckOptions
from tqcheck.errors import CheckFailedError, ConfigError
from tqcheck.pipeline.checker import Checker
from tqcheck.pipeline.registry import check_classes, plan, run_order
from tqcheck.pipeline.suppression import Rule, Selector, suppress, suppression_rules
from tqcheck.testing.contexts import make_context, make_env
from tqcheck.types import Flag, Segment

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_of_tqcheck_checks_registers_one_check():
    modules = {m.name for m in pkgutil.iter_modules(tqcheck.checks.__path__)}
    builtins = [cls for cls, origin in check_classes() if origin == "built-in"]
    assert {cls.__module__.rsplit(".", 1)[1] for cls in builtins} == modules
    assert len(builtins) == len(modules)
    names = [cls.name for cls in builtins]
    assert len(set(names)) == len(names)


def test_run_order_follows_the_configured_order_then_names():
    assert run_order("model:source") < run_order("rules:copied") < run_order(
        "rules:language-id") < run_order("checklist:en-news-translationese")
    assert run_order("acme:zzz") > run_order("checklist:anything")
    assert run_order("acme:aaa") < run_order("acme:zzz")


def test_a_check_class_is_validated():
    class NoName(Check):
        category = "Fluency/Grammar"
        description = "x"

    class BadCategory(Check):
        name = "acme:x"
        category = "Fluency/Nonsense"
        description = "x"

    for cls in (NoName, BadCategory):
        with pytest.raises(ConfigError, match=r"name .* is not family:id|category .*Nonsense"):
            validate(cls, "test")
    with pytest.raises(ConfigError, match="subclass"):
        validate(object, "test")


def test_plan_says_why_a_check_does_not_run():
    why = {p.check.id: p.why_not for p in plan(make_env("de", model_free=True))}
    assert why["grammar:harper"] == "serves en only"
    assert "model-free" in why["model:source"]
    assert why["rules:repetition"] == ""
    en = {p.check.id: p.why_not for p in plan(make_env("en"))}
    assert en["checklist:en-news-translationese"] == "" and en["grammar:harper"] == ""


def test_signals_off_switches_a_whole_check_off():
    env = make_env("en")
    profile = replace(env.profile, rules=replace(env.profile.rules,
                                                 signals_off=("rules:repetition",)))
    checker = Checker(CheckOptions(lang="en", model_free=True), profile=profile)
    assert "rules:repetition" not in [c.id for c in checker.checks]
    result = checker.check([Segment(0, "It was the the end.", 0, 19, 1)])
    assert result.segments[0].flags == []


# -- suppression as data ------------------------------------------------------------------

def _flag(start: int, end: int, category: str, signal: str, side: str = "target") -> Flag:
    return Flag(start, end, category, "Minor", "m", side=side, signal=signal)  # type: ignore[arg-type]


def test_suppression_rules_are_read_from_configs_checks_toml():
    rules = suppression_rules()
    assert len(rules) >= 4 and all(r.why for r in rules)


def test_copied_text_explains_a_mistranslation_inside_it():
    copied = _flag(0, 10, "Accuracy/Untranslated text", "rules:copied")
    inside = _flag(2, 5, "Accuracy/Mistranslation", "source")
    outside = _flag(8, 14, "Accuracy/Mistranslation", "source")
    assert suppress([copied, inside, outside], suppression_rules()) == [copied, outside]


def test_a_copied_word_inside_a_longer_copied_stretch_is_one_flag():
    long = _flag(0, 20, "Accuracy/Untranslated text", "rules:copied")
    word = _flag(3, 8, "Accuracy/Untranslated text", "rules:script")
    same = _flag(0, 20, "Accuracy/Untranslated text", "grammar:copied")
    kept = suppress([long, word, same], suppression_rules())
    assert word not in kept and long in kept and same in kept  # equal spans: dedup's job


def test_a_meaning_flag_explains_overlapping_model_flags_on_its_side_only():
    name = _flag(4, 9, "Accuracy/Mistranslation", "meaning:name")
    model = _flag(0, 6, "Style/Awkward", "likelihood")
    other_side = _flag(0, 6, "Accuracy/Omission", "source", side="source")
    rule_flag = _flag(4, 9, "Fluency/Spelling", "grammar:SpellCheck")
    kept = suppress([name, model, other_side, rule_flag], suppression_rules())
    assert kept == [name, other_side, rule_flag]


def test_language_id_gives_way_to_foreign_letters_but_not_to_copied_words():
    langid = _flag(0, 40, "Accuracy/Untranslated text", "rules:language-id")
    script = _flag(3, 5, "Accuracy/Untranslated text", "rules:script")
    copied = _flag(10, 15, "Accuracy/Untranslated text", "rules:copied")
    assert suppress([langid, script], suppression_rules()) == [script]
    assert suppress([langid, copied], suppression_rules()) == [langid]


def test_a_rule_with_an_empty_selector_takes_every_flag():
    rule = Rule("test", Selector(), Selector(signals=("acme:*",)), "overlaps")
    a, b = _flag(0, 3, "Style/Awkward", "acme:x"), _flag(1, 2, "Fluency/Grammar", "y")
    assert rule.apply([a, b]) == [a]


def test_a_malformed_suppression_rule_is_a_config_error(tmp_path, monkeypatch):
    from tqcheck.pipeline import suppression

    (tmp_path / "checks.toml").write_text(
        'order = []\n[groups]\nmodel = []\nmeaning = []\n'
        '[[suppress]]\nwhy = "x"\ndrop = {categories = ["Nope"]}\nby = {}\nwhere = "inside"\n')
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(tmp_path))
    suppression.suppression_rules.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"checks.toml.*categories: unknown Nope"):
            suppression.suppression_rules()
    finally:
        suppression.suppression_rules.cache_clear()


# -- fault isolation ------------------------------------------------------------------------

class _Boom(Check):
    """Raises on a segment that says BOOM; flags "x" elsewhere."""

    name = "test:boom"
    category = "Fluency/Grammar"
    description = "fails on purpose"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if "BOOM" in ctx.text:
            raise ZeroDivisionError("kaboom")
        return [Flag(0, 1, "Fluency/Grammar", "Minor", "x", signal="test:boom")]


class _Outside(_Boom):
    name = "test:outside"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return [Flag(0, len(ctx.text) + 5, "Fluency/Grammar", "Minor", "x",
                     signal="test:outside")]


def _segments(*texts: str) -> list[Segment]:
    return [Segment(i, t, 0, len(t), i + 1) for i, t in enumerate(texts)]


def test_a_raising_check_costs_a_note_and_one_warning_not_the_run():
    warnings: list[str] = []
    checker = Checker(CheckOptions(lang="en", model_free=True, strict=False),
                      on_warning=warnings.append)
    checker.checks.append(_Boom(checker.env))
    result = checker.check(_segments("Fine here.", "BOOM one.", "BOOM two.", "Fine too."),
                           input_name="in.txt")
    assert len(result.segments) == 4
    assert [f.check for f in result.failures] == ["test:boom", "test:boom"]
    assert [(f.line, f.index) for f in result.failures] == [(2, 1), (3, 2)]
    assert "ZeroDivisionError: kaboom" in result.failures[0].message
    assert any("test:boom failed" in n for n in result.segments[1].segment.notes)
    assert [f.signal for f in result.segments[0].flags] == ["test:boom"]
    assert len(warnings) == 1 and warnings[0].startswith("in.txt:2: check test:boom failed")
    assert json.loads(json.dumps(result.to_dict()))["failures"][0]["check"] == "test:boom"


def test_strict_makes_a_failing_check_an_error():
    checker = Checker(CheckOptions(lang="en", model_free=True, strict=True))
    checker.checks.append(_Boom(checker.env))
    with pytest.raises(CheckFailedError, match=r"test:boom failed.*kaboom") as info:
        checker.check(_segments("BOOM"))
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_a_flag_outside_its_text_is_the_checks_failure():
    checker = Checker(CheckOptions(lang="en", model_free=True, strict=False),
                      on_warning=lambda _m: None)
    checker.checks.append(_Outside(checker.env))
    result = checker.check(_segments("Short."))
    assert result.failures and "outside its text" in result.failures[0].message
    assert result.segments[0].flags == []


def test_register_adds_a_validated_builtin():
    from tqcheck.check import base

    before = list(base._BUILTIN)
    try:
        register(_Boom)
        assert _Boom in base.builtin()
    finally:
        base._BUILTIN[:] = before


def test_a_plugin_reads_the_same_context_as_builtins():
    env = make_env("en", "de")
    ctx = make_context("He did not go.", "Er ging.", "en", "de",
                       pseudo_reference="He went.")
    from tqcheck.checks.negation import Negation

    flags = list(Negation(env).flags(ctx))
    assert [f.signal for f in flags] == ["meaning:negation"]
    assert ctx.text[flags[0].start:flags[0].end] == "not"


# -- the command ---------------------------------------------------------------------------

def _tqcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "tqcheck", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_checks_lists_every_check_with_its_declarations():
    done = _tqcheck("checks", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    names = [r["name"] for r in rows]
    expected = {cls.name for cls, _ in check_classes()} - {"checklist:any"}
    assert expected <= set(names) and "checklist:en-news-translationese" in names
    grammar = next(r for r in rows if r["name"] == "grammar:harper")
    assert grammar["languages"] == ["en"] and grammar["runs"] and grammar["severity"] == "Minor"
    de = {r["name"]: r for r in json.loads(_tqcheck("checks", "--lang", "de", "--json").stdout)}
    assert not de["grammar:harper"]["runs"] and de["grammar:harper"]["why_not"]
    text = _tqcheck("checks", "--lang", "de", "--model-free")
    assert text.returncode == 0
    assert "grammar:harper" in text.stdout and "no: serves en only" in text.stdout
    assert "no: needs translation models" in text.stdout
    assert text.stdout.rstrip().splitlines()[-1].endswith("checks run for de with profile default")


def test_a_check_prepared_on_the_batch_flags_as_it_does_alone() -> None:
    """Harper lints a batch in a few calls (Check.prepare); the flags are those it finds
    segment by segment."""
    from tqcheck.checks.grammar import Harper

    texts = ["He recieved the the letter yesterday.", "Their going to the the market.",
             "It was a good day.", "The colour of the sky is grey , he said."]
    check = Harper(make_env("en"))
    alone = [list(check.flags(make_context(t))) for t in texts]
    contexts = [replace(make_context(t), segment=Segment(k, t, 0, len(t), k + 1))
                for k, t in enumerate(texts)]
    check.prepare(contexts)
    assert [list(check.flags(c)) for c in contexts] == alone
    assert any(alone)


class _BadBatch(_Boom):
    name = "test:bad-batch"

    def prepare(self, contexts) -> None:
        raise RuntimeError("batch broke")


def test_a_check_whose_preparation_raises_fails_on_each_segment_only() -> None:
    checker = Checker(CheckOptions(lang="en", model_free=True, strict=False),
                      on_warning=lambda _m: None)
    checker.checks.append(_BadBatch(checker.env))
    result = checker.check(_segments("It was the the end.", "Fine."))
    assert [f.check for f in result.failures] == ["test:bad-batch"] * 2
    assert [f.signal for f in result.segments[0].flags] == ["rules:repetition"]
