"""Property-based tests: every built-in check, in every language it claims, on arbitrary
Unicode text and source pairs (with the number forms, number words, negators and names that
the checks parse), never raises and puts its flags inside the text they point into; and the
parsers the checks share (numbers, names, sentences) are total in every configured language.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tqcheck.check.base import Check
from tqcheck.pipeline.registry import plan
from tqcheck.testing.contexts import make_context, make_env
from tqcheck.text.lexicon import negation_regex, number_words
from tqcheck.text.names import document_names, names
from tqcheck.text.numbers import numbers

ROOT = Path(__file__).resolve().parent.parent
_TABLES = tomllib.loads((ROOT / "configs" / "languages.toml").read_text("utf-8"))
# Every language configs/languages.toml knows, and one it does not (the toy language).
LANGUAGES = sorted({*_TABLES["decimal_comma"], *_TABLES["capitalised_nouns"],
                    *_TABLES["scripts"], *_TABLES["negation"],
                    *_TABLES["repetition"]["allowed"], *_TABLES["numbers"], "toy"})
EXAMPLES = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# Numbers as news writes them, and as parsers break on them: times, scores, ratios, lists,
# decimals and thousands of both conventions, digits of other scripts, long digit runs.
_NUMBER_FORMS = ("13:09:10", "3:11", "2:0", "78:83", "1,000", "1.000", "3,5", "3.5",
                 "1,1", "1.000.000,5", "0.5", "00.000", "12:30:45.5", "1:2:3:4", "٣:٠٠",
                 "１３：０９", "४.५", "𝟙𝟚", "1" * 40, "9.99e5", "1/2", "½", "2⁵", "-7", "+3",
                 "1,5:2", "007", "10,00,000", "3..4", "5,,6")


@cache
def _lexicon(lang: str) -> tuple[str, ...]:
    """Words of `lang` the checks read specially: number and scale words, negators, the
    determiners and degree words of number agreement, doubled relatives, prepositions."""
    words, scales = number_words(lang)
    negators = _TABLES["negation"].get(lang, [])
    number = _TABLES["number"].get(lang, {})
    grammar = [w for key in ("singular", "plural", "degree", "before_adjectives")
               for w in number.get(key, [])]
    grammar += _TABLES["repetition"].get("relative", {}).get(lang, [])
    grammar += list(_TABLES["prepositions"].get(lang, {}))
    return tuple(sorted({*words, *scales, *negators, *grammar})) or ("word",)


def _texts(lang: str) -> st.SearchStrategy[str]:
    """Text made of arbitrary Unicode and of the forms the parsers meet in news: numbers
    with separators (times, scores, ratios: "13:09:10", "2:0"), digits of other scripts,
    number words and negators of the language, Chinese numerals, names, punctuation."""
    piece = st.one_of(
        st.text(max_size=10),
        st.sampled_from(_NUMBER_FORMS),
        st.sampled_from(_lexicon(lang)),
        st.sampled_from(["三千五百万", "一亿", "十", "两", "Kyiv", "Nairobi", "NATO", "ČEZ",
                         "O'Neil", "don't", "n't", "p.m.", "%", "°F", "feet", "km"]),
        st.sampled_from([" ", " ", ", ", ". ", ": ", "? ", "(", ")", "[", "]", "«", "»",
                         "\u200f", "'", "’", "-", "—", "\t", "…", "，", "。"]),
    )
    return st.lists(piece, min_size=1, max_size=10).map("".join).filter(str.strip)


@cache
def _checks(lang: str, src_lang: str) -> list[Check]:
    """Every built-in check that serves `lang`, made once as a run makes them (the checks
    made per configured item, the checklists, only where one is for `lang`)."""
    return [p.check for p in plan(make_env(lang, src_lang))
            if p.origin == "built-in" and p.made and p.check.serves(lang)]


def test_every_builtin_check_is_covered() -> None:
    names = {c.id for lang in LANGUAGES for c in _checks(lang, "de" if lang == "en" else "en")}
    builtin = {p.check.id for p in plan(make_env("en")) if p.origin == "built-in"}
    assert builtin <= names


@pytest.mark.parametrize("lang", LANGUAGES)
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_check_is_total_and_flags_inside_its_text(lang: str,
                                                        data: st.DataObject) -> None:
    """Each check that claims `lang`, on one context, as the pipeline calls it."""
    src_lang = "de" if lang == "en" else "en"
    text = data.draw(_texts(lang), label="text")
    source = data.draw(st.none() | _texts(src_lang), label="source")
    other = data.draw(st.none() | _texts(lang), label="model output")
    ctx = make_context(
        text, source, lang, src_lang,
        roundtrips={"fr": other} if other is not None else None,
        pseudo_reference=other if source is not None else None,
        backtranslation=data.draw(_texts(src_lang), label="back") if other else None,
        gaps={w: 9.0 for w in text.split()[::2]})
    for check in _checks(lang, src_lang):
        if not check.ready(ctx):
            continue
        for f in check.flags(ctx):
            on = ctx.segment.text_on(f.side)
            assert 0 <= f.start <= f.end <= len(on), (check.id, f, on)
            assert f.side == "target" or source is not None, check.id


@pytest.mark.parametrize("lang", LANGUAGES)
@EXAMPLES
@given(data=st.data())
def test_numbers_names_and_negators_are_read_from_any_text(lang: str,
                                                           data: st.DataObject) -> None:
    text = data.draw(_texts(lang))
    for value, start, end in numbers(text, lang):
        assert 0 <= start < end <= len(text) and value  # a value, never an exception
    for w in names(text, lang):
        assert text[w.start:w.end] == w.text
    assert document_names([text]) is not None
    pattern = negation_regex(lang)
    assert pattern is None or isinstance(pattern.findall(text), list)


@pytest.mark.parametrize("lang", LANGUAGES)
@EXAMPLES
@given(data=st.data())
def test_sentence_splitting_is_total(lang: str, data: st.DataObject) -> None:
    from tqcheck.inputs.segment import pair_line, segment_line

    line = data.draw(_texts(lang))
    for seg in segment_line(line, lang, 200):
        assert line[seg.start:seg.end] == seg.text and seg.text.strip()
    source = data.draw(_texts("en"))
    for seg in pair_line(line, source, lang, "en"):
        assert seg.text.strip()


@pytest.mark.parametrize("text", ["at 13:09:10 local time", "3:11 p.m.", "won 2:0",
                                  "a ratio of 78:83", "John 3:16", "12:30:45.5", "1:2:3:4",
                                  "٣:٠٠", "１３：０９"])
def test_a_colon_between_digits_is_read_as_numbers_of_their_own(text: str) -> None:
    from tqcheck.checks.numbers import number_flags

    found = numbers(text, "en")
    assert found and all(v for v, _, _ in found)
    assert number_flags(text, text, "en", "de") == []  # the same time or score matches
