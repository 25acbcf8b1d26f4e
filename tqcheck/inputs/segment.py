"""Reading inputs and cutting them into sentence segments with character offsets.

Offsets always refer to the text as read (after UTF-8 decoding, BOM removed), so a flag's
`segment.start + flag.start` points into the user's file.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tqcheck.errors import InputError
from tqcheck.types import Segment

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")


@dataclass(frozen=True)
class InputText:
    name: str
    text: str


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8 decoding whose error names the line and column of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{name}:{line}: invalid UTF-8 (byte 0x{data[exc.start]:02x} at column {col}); "
            "convert the file to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`"
        ) from None
    return text.removeprefix("\ufeff")


def read_input(path: str | Path) -> InputText:
    """Read a UTF-8 text file, or standard input for `-`; refuse empty input."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{name}: no such file")
        data = p.read_bytes()
    text = decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: no text to check (the input is empty or only whitespace)")
    return InputText(name=name, text=text)


def clean_for_model(text: str) -> str:
    """Replace control and zero-width characters by spaces (same length) for the models."""
    return _CONTROL.sub(" ", text)


def _control_note(text: str) -> tuple[str, ...]:
    found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
    if not found:
        return ()
    return (f"control characters {', '.join(found)} replaced by spaces for the models",)


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`, stripped of surrounding whitespace."""
    from sentencex import segment as sx_segment

    spans: list[tuple[int, int]] = []
    pos = 0
    for sent in sx_segment(lang, text):
        stripped = sent.strip()
        if not stripped:
            pos += len(sent)
            continue
        start = text.find(stripped, pos)
        if start < 0:  # the splitter normalised something; fall back to its running position
            start = pos
        end = start + len(stripped)
        spans.append((start, end))
        pos = end
    return spans


def _chunk(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of at most max_chars, at the last space where possible."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _lines(text: str) -> list[tuple[int, int, int]]:
    """Non-empty lines as (line number, start, end) with surrounding whitespace stripped."""
    out = []
    pos = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = pos + body.index(stripped)
            out.append((number, start, start + len(stripped)))
        pos += len(raw)
    return out


def _make(seg_id: int, text: str, start: int, end: int, line: int,
          source: str | None = None, notes: tuple[str, ...] = ()) -> Segment:
    body = text[start:end]
    return Segment(id=seg_id, text=body, start=start, end=end, line=line, source=source,
                   notes=notes + _control_note(body) + _control_note(source or ""))


def segment_text(text: str, lang: str, max_chars: int = 1500) -> list[Segment]:
    """Split every non-empty line (paragraph) into sentences; overlong ones into chunks."""
    segments: list[Segment] = []
    for line, lstart, lend in _lines(text):
        for s_start, s_end in split_sentences(text[lstart:lend], lang):
            pieces = _chunk(text, lstart + s_start, lstart + s_end, max_chars)
            note = (
                (f"split: sentence of {s_end - s_start} characters cut into {len(pieces)} "
                 f"pieces of at most {max_chars}",)
                if len(pieces) > 1 else ()
            )
            for a, b in pieces:
                segments.append(_make(len(segments), text, a, b, line, notes=note))
    return segments


def segment_parallel(
    target: InputText, source: InputText, lang: str, src_lang: str, max_chars: int = 1500
) -> list[Segment]:
    """Pair a target with its source, line by line (non-empty lines must correspond).

    Within a line, sentences are paired when both sides split into the same number of
    sentences; otherwise the whole line is one segment, and its notes say why.
    """
    t_lines, s_lines = _lines(target.text), _lines(source.text)
    if len(t_lines) != len(s_lines):
        raise InputError(
            f"{target.name} has {len(t_lines)} non-empty lines but {source.name} has "
            f"{len(s_lines)}: --source must be line-aligned with the input (the n-th non-empty "
            "line of the source is the original of the n-th non-empty line of the input)"
        )
    segments: list[Segment] = []
    for (line, ts, te), (_, ss, se) in zip(t_lines, s_lines, strict=True):
        t_sents = split_sentences(target.text[ts:te], lang)
        s_sents = split_sentences(source.text[ss:se], src_lang)
        if len(t_sents) == len(s_sents):
            for (a, b), (c, d) in zip(t_sents, s_sents, strict=True):
                src = source.text[ss + c: ss + d]
                segments.append(_make(len(segments), target.text, ts + a, ts + b, line, src))
        else:
            note = (f"sentence counts differ ({len(t_sents)} vs {len(s_sents)} in the source): "
                    "line checked as one segment",)
            segments.append(_make(len(segments), target.text, ts, te, line,
                                  source.text[ss:se], note))
    return segments


def is_rtl(text: str) -> bool:
    """True when most letters are right-to-left (Arabic, Hebrew): renderers isolate them."""
    letters = [c for c in text if c.isalpha()]
    rtl = sum(unicodedata.bidirectional(c) in ("R", "AL") for c in letters)
    return bool(letters) and rtl * 2 > len(letters)
