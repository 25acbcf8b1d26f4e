"""grammar:subject-verb: Russian and German verbs that agree with the subject before them in
no number, person or gender, flagged with the form that agrees; the constructions of
correct Russian and German that put a noun of another number before a verb left alone."""

from __future__ import annotations

import pytest
from conftest import ROOT, marked
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tqcheck.check.options import CheckOptions
from tqcheck.pipeline.document import check_text

pytest.importorskip("pymorphy3")

NAME = "grammar:subject-verb"


def _flags(text: str, profile: str = "default", lang: str = "ru") -> list:
    result = check_text(text, CheckOptions(lang=lang, model_free=True, language_id=False,
                                           profile=profile))
    return [f for r in result.segments for f in r.flags if f.signal == NAME]


def _german() -> None:
    from tqcheck.checks.spelling import dictionary_path

    pytest.importorskip("german_nouns")
    if dictionary_path("de_DE") is None:
        pytest.skip("no Hunspell dictionary for de (.ci/run installs it)")


@pytest.mark.parametrize(("lang", "wrong", "verb", "suggestion"), [
    ("ru", "Переговоры продолжалась весь день.", "продолжалась", "продолжались"),
    ("ru", "Но они борется с последствиями.", "борется", "борются"),
    ("ru", "Мы поехал в Москву.", "поехал", "поехали"),
    ("ru", "Я поехали домой.", "поехали", "поехал"),
    # a nominative-looking noun after a preposition is no subject that follows the verb
    ("ru", "Сенаторы проголосовал за новый бюджет.", "проголосовал", "проголосовали"),
    ("ru", "Она сказал, что придёт.", "сказал", "сказала"),
    ("ru", "Экономика выросли на три процента.", "выросли", "выросла"),
    ("ru", "Новый закон вступят в силу в январе.", "вступят", "вступит"),
    ("ru", "Москва остаются крупнейшим городом.", "остаются", "остаётся"),
    ("ru", "Если бы вы стояли близко, ваше ухо резонировали бы.", "резонировали",
     "резонировало"),
    ("de", "Die Kinder spielt im Garten.", "spielt", "spielen"),
    ("de", "Die Gespräche war produktiv.", "war", "waren"),
    ("de", "Der Minister sagen, die Lage sei ernst.", "sagen", "sagt"),
    ("de", "Die Gewerkschaften fordert höhere Löhne.", "fordert", "fordern"),
    ("de", "Die neuen Preise steigt seit Monaten.", "steigt", "steigen"),
    ("de", "Die Partei hatten die Wahl verloren.", "hatten", "hatte"),
    ("de", "Die Demonstranten zog durch die Stadt.", "zog", "zogen"),
    ("de", "Er sagte: „Die Kinder spielt im Garten.“", "spielt", "spielen"),
])
def test_a_verb_that_agrees_with_no_reading_of_its_subject_is_flagged(
        lang: str, wrong: str, verb: str, suggestion: str) -> None:
    if lang == "de":
        _german()
    flags = _flags(wrong, lang=lang)
    assert marked(wrong, flags) == [(verb, suggestion)]
    assert _flags(wrong.replace(verb, suggestion), lang=lang) == []


def test_what_russian_allows_is_left_alone() -> None:
    """Object first, indefinite-personal and impersonal verbs, quantities, numerals,
    coordinated and listed subjects, a feminine verb for a man's title, genitive chains,
    names the lexicon does not decline (fixtures/clean/ru.txt, written for this test)."""
    clean = (ROOT / "fixtures" / "clean" / "ru.txt").read_text("utf-8").splitlines()
    assert len(clean) >= 40
    assert {s: _flags(s) for s in clean if _flags(s)} == {}
    names = ["Министр внутренних дел Хичем Мечичи был назначен премьером.",
             "Софи Ридж сказала Блэру, что это не так.",
             "Один работник парка сказал журналистам правду."]
    assert {s: _flags(s) for s in names if _flags(s)} == {}


@example(words=[".", "они", "продолжалась"])  # (two segments: offsets are the second's)
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "они", "мы", "вы", "Переговоры", "переговоры", "дети", "закон", "Москва", "Мечичи",
    "продолжалась", "сказали", "играет", "было", "стали", "и", "с", "в", "пять", "5", ",",
    ".", "«", "»", "-", "—", "большинство", "новых", "дом", "ухо", "резонировали",
]), min_size=1, max_size=12))
def test_any_sequence_of_words_gives_flags_on_verbs_inside_the_text(words: list[str]) -> None:
    result = check_text(" ".join(words), CheckOptions(lang="ru", model_free=True,
                                                      language_id=False))
    for r in result.segments:
        text = r.segment.text  # (a flag's offsets are its segment's)
        for f in (f for f in r.flags if f.signal == NAME):
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start:f.end] in words and f.category == "Fluency/Grammar"


def test_what_german_allows_is_left_alone() -> None:
    """Object first with the subject after the verb, a plural predicate, quantities with a
    genitive, determiners that look like adjectives ("Die letzte dieser Behauptungen ist",
    WMT21 news MT), names (fixtures/clean/de.txt, written for this test)."""
    _german()
    clean = (ROOT / "fixtures" / "clean" / "de.txt").read_text("utf-8").splitlines()
    assert len(clean) >= 40
    assert {s: _flags(s, lang="de") for s in clean if _flags(s, lang="de")} == {}
    assert _flags("Die letzte dieser Behauptungen ist unbestreitbar.", lang="de") == []


def test_the_check_is_listed_for_its_languages_and_says_why_not_elsewhere() -> None:
    import json

    from typer.testing import CliRunner

    from tqcheck.cli import app

    for lang, runs in (("ru", True), ("de", True), ("fr", False)):
        res = CliRunner().invoke(app, ["checks", "--lang", lang, "--json"])
        assert res.exit_code == 0, res.output
        row = {r["name"]: r for r in json.loads(res.stdout)}[NAME]
        assert row["runs"] is runs, row


def test_a_hostile_line_stays_linear() -> None:
    import time

    line = "Мы поехал, " * 8000  # one 88 000-character segment of 8 000 candidates
    t0 = time.perf_counter()
    flags = _flags(line)
    assert len(flags) >= 7900
    assert time.perf_counter() - t0 < 20


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Die", "Der", "das", "Kinder", "Kind", "Regierung", "spielt", "spielen", "war", "waren",
    "neuen", "dieser", "im", "Garten", "er", "Taliban", ".", ",", "„", "“", "und", "sagte:",
]), min_size=1, max_size=12))
def test_any_german_words_give_flags_on_verbs_inside_the_text(words: list[str]) -> None:
    _german()
    text = " ".join(words)
    for f in _flags(text, lang="de"):
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] in words


def test_a_hostile_german_line_stays_linear() -> None:
    import time

    _german()
    line = "Die Kinder spielt. " * 4000  # one 76 000-character segment of 4 000 sentences
    t0 = time.perf_counter()
    assert len(_flags(line, lang="de")) == 4000
    assert time.perf_counter() - t0 < 30


def test_a_missing_resource_is_named_per_language(monkeypatch) -> None:
    """German needs german-nouns and the de_DE dictionary, Russian pymorphy3's lexicon: each
    language's plan says what to install, and the other language still runs."""
    import importlib.util

    from tqcheck.checks import spelling
    from tqcheck.pipeline.registry import plan
    from tqcheck.testing.contexts import make_env

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "german_nouns" else real(name, *a))
    why = {p.check.id: p.why_not for p in plan(make_env("de"))}
    assert "pip install german-nouns" in why[NAME]
    assert not {p.check.id: p.why_not for p in plan(make_env("ru"))}[NAME]
    monkeypatch.setattr(importlib.util, "find_spec", real)
    monkeypatch.setattr(spelling, "SEARCH", ())
    monkeypatch.delenv("TQCHECK_HUNSPELL_PATH", raising=False)
    assert "apt-get install hunspell-de-de" in {
        p.check.id: p.why_not for p in plan(make_env("de"))}[NAME]
