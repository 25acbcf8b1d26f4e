"""Cutting one input line (a paragraph) into sentence segments with character offsets, and
pairing it with its source line.

Offsets are into the line as read; the reader (tqcheck.inputs.reader) moves them to the
whole input, so a flag's `segment.start + flag.start` points into the user's file.
"""

from __future__ import annotations

import re

from tqcheck.types import Segment

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")


def clean_for_model(text: str) -> str:
    """Replace control and zero-width characters by spaces (same length) for the models."""
    return _CONTROL.sub(" ", text)


def _control_note(text: str) -> tuple[str, ...]:
    found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
    if not found:
        return ()
    return (f"control characters {', '.join(found)} replaced by spaces for the models",)


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`, stripped of surrounding whitespace. Sentences
    with no space between them ("Rechte.Die Polizei") stay one segment: the missing space is
    an error of the text, which rules:punctuation flags and a split would hide."""
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
        if spans and start == spans[-1][1] and text[start - 1] in ".!?" and \
                text[start - 2:start - 1].isalpha() and text[start].isalpha():
            spans[-1] = (spans[-1][0], end)
        else:
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


def _stripped(line: str) -> tuple[int, int]:
    body = line.strip()
    start = line.index(body) if body else 0
    return start, start + len(body)


def _make(text: str, start: int, end: int, source: str | None = None,
          notes: tuple[str, ...] = ()) -> Segment:
    body = text[start:end]
    return Segment(id=0, text=body, start=start, end=end, line=0, source=source,
                   notes=notes + _control_note(body) + _control_note(source or ""))


def segment_line(line: str, lang: str, max_chars: int) -> list[Segment]:
    """The sentences of one line; a sentence longer than `max_chars` is cut into chunks."""
    lstart, lend = _stripped(line)
    segments: list[Segment] = []
    for s_start, s_end in split_sentences(line[lstart:lend], lang):
        pieces = _chunk(line, lstart + s_start, lstart + s_end, max_chars)
        note = (
            (f"split: sentence of {s_end - s_start} characters cut into {len(pieces)} "
             f"pieces of at most {max_chars}",)
            if len(pieces) > 1 else ()
        )
        segments += [_make(line, a, b, notes=note) for a, b in pieces]
    return segments


def pair_line(line: str, source: str, lang: str, src_lang: str) -> list[Segment]:
    """The sentences of one line, each with its source sentence.

    Sentences are paired when both lines split into the same number of sentences; otherwise
    the whole line is one segment, and its notes say why.
    """
    ts, te = _stripped(line)
    ss, se = _stripped(source)
    t_sents = split_sentences(line[ts:te], lang)
    s_sents = split_sentences(source[ss:se], src_lang)
    if len(t_sents) == len(s_sents):
        return [_make(line, ts + a, ts + b, source[ss + c:ss + d])
                for (a, b), (c, d) in zip(t_sents, s_sents, strict=True)]
    note = (f"sentence counts differ ({len(t_sents)} vs {len(s_sents)} in the source): "
            "line checked as one segment",)
    return [_make(line, ts, te, source[ss:se], note)]
