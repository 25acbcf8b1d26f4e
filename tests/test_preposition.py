"""grammar:preposition: a Russian word right after a preposition in a case the preposition
never governs, flagged with its form in a case it does; fixed phrases and constructions
that keep another case left alone."""

from __future__ import annotations

import pytest
from conftest import ROOT, assert_flags_inside_words, flags_of, marked
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pymorphy3")

NAME = "grammar:preposition"


def _flags(text: str) -> list:
    return flags_of(NAME, text, "ru")


@pytest.mark.parametrize(("wrong", "word", "suggestion"), [
    ("Это шаг к решение проблемы.", "решение", "решению"),
    ("Он остался без помощь.", "помощь", "помощи"),
    ("Закон важен для страна.", "страна", "страны"),
    ("Сотрудник, к который я обратился, ушёл.", "который", "которому"),
    ("Он вернулся из больница вчера.", "больница", "больницы"),
    # "о" takes the accusative only after a verb of touching (`only_after`)
    ("Правительство приняло решение о повышение налогов.", "повышение", "повышении"),
    ("Он рассказал об инцидент в метро.", "инцидент", "инциденте"),
    # an informal reading in the right case does not excuse the standard form
    ("Семья осталась без деньги на зиму.", "деньги", "денег"),
])
def test_a_case_the_preposition_never_governs_is_flagged(wrong: str, word: str,
                                                          suggestion: str) -> None:
    flags = _flags(wrong)
    assert marked(wrong, flags) == [(word, suggestion)]


@pytest.mark.parametrize("right", [
    "Его взяли в заложники на границе.",  # an animate plural after "в" (ranks)
    "Звёзды вращаются вокруг друг друга.",  # a fixed phrase
    "Он не знал, что это за птица.",  # "что за" asks what kind
    "Это добавляет к своего рода славе города.",
    "Он пришёл к решению в течение года.",
    "С 2020 года по мере роста цен люди беднеют.",
    "Мы говорили о нём, о ней и о Москве.",
    "Он ударился головой о стену.",  # "о" with the accusative after a verb of touching
    "Лодка билась о камень всю ночь.",
    "Они шли бок о бок.",
    "Он уехал без денег и без документов.",
])
def test_what_russian_allows_is_left_alone(right: str) -> None:
    assert _flags(right) == []


def test_correct_news_sentences_are_left_alone() -> None:
    clean = (ROOT / "fixtures" / "clean" / "ru.txt").read_text("utf-8").splitlines()
    assert {s: _flags(s) for s in clean if _flags(s)} == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "к", "без", "в", "о", "за", "что", "это", "решение", "решению", "страна", "друг",
    "друга", "заложники", "Москва", "новых", "дом", "5", ",", ".", "«", "»",
]), min_size=1, max_size=12))
def test_any_words_give_flags_inside_the_text(words: list[str]) -> None:
    assert_flags_inside_words(NAME, words, "ru")
