"""tqcheck.text.slips: the words one slip of the keys from a word, and the test for one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.text.slips import one_slip, slips


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdeё", min_size=1, max_size=8))
def test_every_variant_is_one_slip_away_and_the_word_is_not(word: str) -> None:
    variants = slips(word, "abcdeё")
    assert word not in variants
    assert all(one_slip(word, v) for v in variants)


def test_variants_cover_each_kind_of_slip() -> None:
    made = slips("прибыл", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
    assert {"прибыль", "прибы", "прибыт", "прибылл", "пирбыл"} <= made  # added, dropped,
    # changed, doubled, swapped
    assert not one_slip("Parlamentär", "Parlament")
