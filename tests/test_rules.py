from __future__ import annotations

import pytest

from tqcheck.check.align import align, runs, words
from tqcheck.check.profile import load_profile
from tqcheck.check.risk import at_or_above, risk
from tqcheck.check.rules.language import foreign_script_flags, wrong_language_flag
from tqcheck.check.rules.numbers import normalise_number, number_flags
from tqcheck.check.rules.repetition import repetition_flags
from tqcheck.check.signals import Agreement, Signals
from tqcheck.types import Flag


@pytest.mark.parametrize(("raw", "norm"), [
    ("1,000", "1000"), ("1.000", "1000"), ("3.5", "3.5"), ("3,5", "3.5"), ("007", "7"),
    ("٣", "3"),
])
def test_number_normalisation(raw, norm):
    assert normalise_number(raw) == norm


def test_equal_numbers_in_other_formats_are_not_flagged():
    assert number_flags("He paid 1,000 euros on 5 May.", "Il a payé 1000 euros le 5 mai.") == []


def test_repetition_needs_adjacent_identical_words():
    assert repetition_flags("He said that that was fine.") != []
    assert repetition_flags("Talks, talks and more talks.") == []
    assert repetition_flags("Room 12 12 is free.") == []


def test_wrong_language_segment_is_flagged():
    prof = load_profile()
    german = "Der Kreml bestätigte, dass die Ukraine außerhalb der NATO bleiben muss."
    flag = wrong_language_flag(german, "en", prof.rules)
    assert flag is not None and flag.category == "Accuracy/Untranslated text"
    assert wrong_language_flag("The Kremlin confirmed that Ukraine must stay outside.", "en",
                               prof.rules) is None


def test_words_keep_offsets_and_split_cjk():
    text = "我希望 Putin’s co-op, 3.5%"
    ws = words(text)
    assert [w.text for w in ws] == ["我", "希", "望", "Putin’s", "co-op", ",", "3.5", "%"]
    assert all(text[w.start:w.end] == w.text for w in ws)


def test_alignment_counts_moved_words_as_kept_but_not_in_order():
    al = align("the red big house", "the big red house")
    assert all(al.kept)
    assert al.in_order.count(False) == 1


def test_runs_bridge_function_words_but_do_not_start_on_them():
    mask = [False, True, False, True, False]
    bridge = [True, False, True, False, True]
    assert runs(mask, bridge) == [(1, 4)]
    assert runs(mask) == [(1, 2), (3, 4)]


def test_risk_grows_with_loss_and_flags():
    model = load_profile().risk
    clean = risk(Signals(roundtrip={"fr": Agreement(100.0, 100.0, 0.0)}), [], model, 8)
    lossy = risk(Signals(roundtrip={"fr": Agreement(30.0, 10.0, 80.0)}),
                 [Flag(0, 3, "Accuracy/Omission", "Major", "x")], model, 8)
    assert 0 <= clean < 0.1 < 0.5 < lossy <= 1


def test_at_or_above():
    minor = [Flag(0, 1, "Style/Awkward", "Minor", "x")]
    assert at_or_above(minor, "Minor") and not at_or_above(minor, "Major")


def test_foreign_script_runs_join_across_single_spaces():
    text = "He said 你好 世界 to Putin, and مرحبا.  日本"
    got = [text[f.start:f.end] for f in foreign_script_flags(text, "en")]
    assert got == ["你好 世界", "مرحبا", "日本"]
    assert foreign_script_flags("你好 世界", "zh") == []
