from __future__ import annotations

from pathlib import Path

import pytest

from tqcheck.errors import InputError
from tqcheck.inputs.segment import (
    InputText,
    clean_for_model,
    decode,
    is_rtl,
    read_input,
    segment_parallel,
    segment_text,
)


def test_offsets_point_into_the_input():
    text = "First sentence here. Second one today (Monday).\n\n  Third line.\n"
    segs = segment_text(text, "en")
    assert [s.text for s in segs] == ["First sentence here.", "Second one today (Monday).",
                                      "Third line."]
    for s in segs:
        assert text[s.start:s.end] == s.text
    assert [s.line for s in segs] == [1, 1, 3]
    assert [s.id for s in segs] == [0, 1, 2]


def test_invalid_utf8_names_the_line_and_column():
    data = "good line\nsecond line\nbad \xe9 here\n".encode("latin-1")
    with pytest.raises(InputError, match=r"in\.txt:3: invalid UTF-8 \(byte 0xe9 at column 5\)"):
        decode(data, "in.txt")


def test_bom_is_removed():
    assert decode("\ufeffHello.".encode(), "x") == "Hello."


@pytest.mark.parametrize("content", ["", "   \n\t\n  ", "\n\n"])
def test_empty_or_whitespace_input_is_refused(tmp_path: Path, content: str):
    f = tmp_path / "empty.txt"
    f.write_text(content)
    with pytest.raises(InputError, match=r"empty\.txt: no text to check"):
        read_input(f)


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_input(tmp_path / "nope.txt")


def test_overlong_sentence_is_split_and_says_so():
    text = " ".join(["word"] * 30_000)  # 149 999 characters, no sentence boundary
    segs = segment_text(text, "en", max_chars=1500)
    assert len(segs) > 90
    assert all(len(s.text) <= 1500 for s in segs)
    assert all(text[s.start:s.end] == s.text for s in segs)
    assert "split: sentence of 149999 characters" in segs[0].notes[0]


def test_control_characters_are_noted_and_cleaned_for_models():
    segs = segment_text("Bell\x07 rings here.", "en")
    assert segs[0].text == "Bell\x07 rings here."
    assert any("U+0007" in n for n in segs[0].notes)
    assert clean_for_model(segs[0].text) == "Bell  rings here."


def test_rtl_text_keeps_offsets():
    text = "قال المتحدث باسم الكرملين. إن روسيا منفتحة على السلام."
    segs = segment_text(text, "ar")
    assert len(segs) == 2
    assert all(text[s.start:s.end] == s.text for s in segs)
    assert is_rtl(segs[0].text) and not is_rtl("Hello there")


def test_parallel_pairs_sentences_when_counts_match():
    tgt = InputText("t.txt", "One. Two.\nThree and four.\n")
    src = InputText("s.txt", "Un. Deux.\nTrois. Quatre.\n")
    segs = segment_parallel(tgt, src, "en", "fr")
    assert [(s.text, s.source) for s in segs] == [
        ("One.", "Un."), ("Two.", "Deux."), ("Three and four.", "Trois. Quatre.")]
    assert "sentence counts differ" in segs[2].notes[0]


def test_parallel_line_count_mismatch_is_an_error():
    with pytest.raises(InputError, match=r"t\.txt has 2 non-empty lines but s\.txt has 1"):
        segment_parallel(InputText("t.txt", "a.\nb.\n"), InputText("s.txt", "a.\n"), "en", "fr")
