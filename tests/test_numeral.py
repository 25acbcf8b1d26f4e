"""grammar:numeral: a German noun in the singular after a number above one, flagged with
its plural; measures, identifiers, scores and codes that put a singular after a number
left alone."""

from __future__ import annotations

import pytest
from conftest import ROOT, assert_flags_inside_words, flags_of, marked
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("german_nouns")

NAME = "grammar:numeral"


def _flags(text: str) -> list:
    return flags_of(NAME, text, "de")


@pytest.mark.parametrize(("wrong", "word", "suggestion"), [
    ("Die Lehrer streiken seit drei Woche.", "Woche", "Wochen"),
    ("Zwei Kandidat traten an.", "Kandidat", "Kandidaten"),
    ("Beide Seite wollen reden.", "Seite", "Seiten"),
    ("Er lief die Strecke in 10 Sekunde.", "Sekunde", "Sekunden"),
    ("Mit 5 Jahr kam er in die Schule.", "Jahr", "Jahre"),
])
def test_a_singular_after_a_number_above_one_is_flagged(wrong: str, word: str,
                                                         suggestion: str) -> None:
    flags = _flags(wrong)
    assert marked(wrong, flags) == [(word, suggestion)]


@pytest.mark.parametrize("right", [
    "Er zahlte drei Euro und zehn Prozent Zinsen.",  # listed measures
    "Um zwei Uhr begann die Sitzung.",
    "Der 550 Hektar große Park brannte.",  # a measure: its plural is rare
    "Die Hilfe von 600 US-Dollar endet.",
    "Artikel 5 Absatz 2 gilt weiter.",  # an identifier after its noun
    "Nach dem 0:3 Rückstand kam die Wende.",  # a score
    "Das Team holte einen 5-2 Sieg.",
    "Die Covid-19 Pandemie traf alle.",  # a name's number
    "Sie zeigte die SS19 Kollektion.",  # a code
    "Seit drei Wochen streiken 1.000 Lehrer.",
    "Die Wahl 2019 Kandidaten stellten sich vor.",  # a year
    "Nur ein Kandidat trat an.",
])
def test_measures_identifiers_scores_and_codes_are_left_alone(right: str) -> None:
    assert _flags(right) == []


def test_correct_news_sentences_are_left_alone() -> None:
    clean = (ROOT / "fixtures" / "clean" / "de.txt").read_text("utf-8").splitlines()
    assert {s: _flags(s) for s in clean if _flags(s)} == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "drei", "zwei", "5", "1", "2019", "0:3", "5-2", "Woche", "Wochen", "Euro", "Artikel",
    "Kandidat", "Hektar", "seit", "Die", ".", ",", "-", ":",
]), min_size=1, max_size=12))
def test_any_words_give_flags_inside_the_text(words: list[str]) -> None:
    assert_flags_inside_words(NAME, words, "de")
