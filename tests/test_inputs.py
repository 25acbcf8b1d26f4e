"""The input pipeline shared by `check` and `score`: segmentation with offsets, source
pairing, and one behaviour for input that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from tqcheck.errors import InputError
from tqcheck.inputs.files import InputFile
from tqcheck.inputs.reader import InputSettings, ReadOptions, read_items
from tqcheck.inputs.segment import clean_for_model, pair_line, segment_line
from tqcheck.types import Problem

LIMITS = InputSettings(max_line_chars=100_000, max_segment_chars=1500)


def read(text: str | bytes, source: str | None = None, lang: str = "en",
         limits: InputSettings = LIMITS) -> tuple[list, list[Problem]]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    f = InputFile("in.txt", "text", source="src.txt" if source is not None else None,
                  data=data, source_data=source.encode() if source is not None else None)
    problems: list[Problem] = []
    items = list(read_items(f, ReadOptions(lang, "fr" if source else None, limits),
                            problems.append))
    return [it.segment for it in items], problems


def test_offsets_point_into_the_input():
    text = "First sentence here. Second one today (Monday).\n\n  Third line.\n"
    segs, problems = read(text)
    assert [s.text for s in segs] == ["First sentence here.", "Second one today (Monday).",
                                      "Third line."]
    for s in segs:
        assert text[s.start:s.end] == s.text
    assert [s.line for s in segs] == [1, 1, 3]
    assert [s.id for s in segs] == [0, 1, 2]
    assert problems == []


def test_a_bad_line_is_reported_and_skipped_and_later_offsets_stay_true():
    data = "good line\nbad \xe9 here\nlast line.\n".encode("latin-1")
    segs, problems = read(data)
    assert [s.text for s in segs] == ["good line", "last line."]
    assert [str(p) for p in problems] == [
        "in.txt:2: invalid UTF-8 (byte 0xe9 at column 5); line skipped"]
    raw = data.decode("utf-8", errors="surrogateescape")
    assert raw[segs[1].start:segs[1].end] == "last line." and segs[1].line == 3


def test_overlong_line_is_skipped_and_bom_removed():
    segs, problems = read("\ufeffShort.\n" + "x" * 50 + "\nAfter.\n",
                          limits=InputSettings(max_line_chars=40, max_segment_chars=1500))
    assert [s.text for s in segs] == ["Short.", "After."] and segs[0].start == 0
    assert "line of 50 characters is longer than max_line_chars (40)" in str(problems[0])


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary"])
def test_empty_or_binary_input_is_a_problem_not_a_crash(content: bytes):
    segs, problems = read(content)
    assert segs == [] and len(problems) == 1 and problems[0].line == 0


def test_overlong_sentence_is_split_and_says_so():
    text = " ".join(["word"] * 30_000)  # 149 999 characters, no sentence boundary
    segs = segment_line(text, "en", max_chars=1500)
    assert len(segs) > 90
    assert all(len(s.text) <= 1500 for s in segs)
    assert all(text[s.start:s.end] == s.text for s in segs)
    assert "split: sentence of 149999 characters" in segs[0].notes[0]


def test_control_characters_are_noted_and_cleaned_for_models():
    segs = segment_line("Bell\x07 rings here.", "en", 1500)
    assert segs[0].text == "Bell\x07 rings here."
    assert any("U+0007" in n for n in segs[0].notes)
    assert clean_for_model(segs[0].text) == "Bell  rings here."


def test_rtl_text_keeps_offsets():
    text = "قال المتحدث باسم الكرملين. إن روسيا منفتحة على السلام."
    segs = segment_line(text, "ar", 1500)
    assert len(segs) == 2
    assert all(text[s.start:s.end] == s.text for s in segs)


def test_parallel_pairs_sentences_when_counts_match():
    segs, _ = read("One. Two.\nThree and four.\n", source="Un. Deux.\nTrois. Quatre.\n")
    assert [(s.text, s.source) for s in segs] == [
        ("One.", "Un."), ("Two.", "Deux."), ("Three and four.", "Trois. Quatre.")]
    assert "sentence counts differ" in segs[2].notes[0]
    line = "  Talks ended. They left."
    second = pair_line(line, "Les pourparlers ont pris fin. Ils sont partis.", "en", "fr")[1]
    assert (second.start, second.source) == (line.index("They"), "Ils sont partis.")


def test_source_that_is_not_line_aligned_skips_the_file():
    segs, problems = read("a.\nb.\n", source="a.\n")
    assert segs == []
    assert "2 non-empty lines but its source src.txt has 1" in str(problems[0])


def test_check_of_unreadable_input_names_the_file(tmp_path: Path):
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_file

    f = tmp_path / "empty.txt"
    f.write_text("  \n\t\n")
    with pytest.raises(InputError, match=r"empty\.txt: no text to check"):
        check_file(str(f), CheckOptions(model_free=True))
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        check_file(str(tmp_path / "nope.txt"), CheckOptions(model_free=True))
    with pytest.raises(InputError, match="is a directory"):
        check_file(str(tmp_path), CheckOptions(model_free=True))
