"""Reading MQM annotations (Google's WMT MQM TSV) and turning them into segment scores.

One row per error: `system, doc, doc_id, seg_id, rater, source, target, category, severity`
(releases also use `docSegId`/`globalSegId` and add `metadata` or `comment`). The error span
is marked `<v>…</v>` in the target, or in the source for omissions. Rows that say `No-error`
still count their rater.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from tqcheck.config import config_table
from tqcheck.errors import InputError
from tqcheck.types import Span

_MARK = re.compile(r"</?v>")


@dataclass(frozen=True)
class MQMSettings:
    """`[mqm]` of configs/evaluation.toml: error weights and the good/bad line."""

    major: float
    major_non_translation: float
    minor: float
    minor_punctuation: float
    bad_below: float


def mqm_settings() -> MQMSettings:
    return config_table(MQMSettings, "evaluation.toml", "mqm")
SEG_ID_COLUMNS = ("seg_id", "globalSegId", "docSegId")
REQUIRED = ("system", "doc", "rater", "source", "target", "category", "severity")


@dataclass(frozen=True)
class MQMError:
    rater: str
    category: str
    severity: str  # Major | Minor | Neutral
    span: Span | None  # None when the row marks no span


@dataclass
class MQMSegment:
    """One system's translation of one source segment, with every rater's errors."""

    system: str
    doc: str
    seg_id: str
    source: str
    target: str
    raters: set[str] = field(default_factory=set)
    errors: list[MQMError] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.system, self.doc, self.seg_id)

    @property
    def score(self) -> float:
        """MQM score: minus the mean over raters of their summed error weights."""
        total = sum(error_weight(e.category, e.severity) for e in self.errors)
        return -total / max(1, len(self.raters))


def error_weight(category: str, severity: str) -> float:
    """An error's weight (configs/evaluation.toml; the WMT convention by default)."""
    w = mqm_settings()
    sev = severity.strip().lower()
    cat = category.strip().lower()
    if sev == "major":
        return w.major_non_translation if cat.startswith("non-translation") else w.major
    if sev == "minor":
        return w.minor_punctuation if cat == "fluency/punctuation" else w.minor
    return 0.0


# ISO 639-1, the two-letter language codes (a fixed standard).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu""".split())


def parse_lang_pair(text: str) -> tuple[str, str]:
    """"zh-en" -> ("zh", "en"); anything else is a usage error naming the form."""
    m = re.fullmatch(r"([a-z]{2,3})-([a-z]{2,3})", text.strip().lower())
    if not m:
        raise InputError(f"--lang-pair {text!r}: use SRC-TGT with language codes, e.g. zh-en")
    return m.group(1), m.group(2)


def guess_lang_pair(path: str | Path) -> tuple[str, str]:
    """The pair a file's name gives: `mqm_ted_zhen.tsv`, `x_en-de.tsv`,
    `mqm_generalMT2022_zhen.3ratingsPerSegment.tsv` (the last token made of two ISO 639-1
    codes)."""
    name = Path(path).name.lower()
    # A pair written with a hyphen ("2022_en-de_test") is meant; two run-together codes
    # ("zhen") are a guess, and any word may make one ("test": Telugu and Sotho).
    marked = [(a, b) for a, b in re.findall(r"(?<![a-z])([a-z]{2})-([a-z]{2})(?![a-z])", name)
              if a in ISO_639_1 and b in ISO_639_1 and a != b]
    if marked:
        return marked[0]
    pairs = [(a, b) for a, b in re.findall(r"(?<![a-z])([a-z]{2})[-_]?([a-z]{2})(?![a-z])", name)
             if a in ISO_639_1 and b in ISO_639_1 and a != b]
    if not pairs:
        raise InputError(f"{path}: cannot tell the language pair from the name; "
                         "pass --lang-pair SRC-TGT")
    return pairs[-1]


@cache
def category_map() -> dict[str, str]:
    """configs/evaluation.toml [categories]: MQM category (lower case) -> tqcheck's."""
    from tqcheck.config import config_file
    from tqcheck.types import CATEGORIES

    table = config_file("evaluation.toml").get("categories", {})
    bad = {k: v for k, v in table.items() if v not in CATEGORIES}
    if not isinstance(table, dict) or bad:
        raise InputError(f"configs/evaluation.toml [categories]: unknown tqcheck categories "
                         f"{bad}; use {', '.join(CATEGORIES)}")
    return {k.strip().lower(): v for k, v in table.items()}


def tqcheck_category(mqm_category: str) -> str | None:
    """The tqcheck category an MQM category is compared with (None: unmapped)."""
    table = category_map()
    name = mqm_category.strip().lower()
    if name in table:
        return table[name]
    head = name.split("/", 1)[0]
    return table.get(f"{head}/*")


def unmark(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove `<v>`/`</v>` and return the plain text with the marked character ranges."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, length, open_at = 0, 0, None
    for m in _MARK.finditer(text):
        chunk = text[pos:m.start()]
        plain.append(chunk)
        length += len(chunk)
        if m.group() == "<v>":
            open_at = length
        elif open_at is not None:
            spans.append((open_at, length))
            open_at = None
        pos = m.end()
    plain.append(text[pos:])
    return "".join(plain), spans


def read_mqm(path: str | Path, systems: Iterable[str] | None = None,
             limit: int | None = None) -> list[MQMSegment]:
    """Parse an MQM TSV into segments (in first-seen order), at most `limit` of them."""
    path = Path(path)
    wanted = set(systems) if systems else None
    csv.field_size_limit(sys.maxsize)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an MQM TSV file")
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    with fh:
        lines = _utf8_lines(path, fh)
        return _read_rows(path, csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE),
                          wanted, limit)


def _utf8_lines(path: Path, fh: IO[bytes]) -> Iterator[str]:
    """The file's lines, decoded; a line that is not UTF-8 stops the reading, named."""
    for number, raw in enumerate(fh, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{number}: not UTF-8 (byte 0x{raw[exc.start]:02x}); MQM "
                             "files are UTF-8") from None


def _read_rows(path: Path, reader: Any, wanted: set[str] | None, limit: int | None
               ) -> list[MQMSegment]:
    segments: dict[tuple[str, str, str], MQMSegment] = {}
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: empty file, expected an MQM TSV header") from None
    col = {name: i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in col]
    seg_col = next((c for c in SEG_ID_COLUMNS if c in col), None)
    if missing or seg_col is None:
        need = ", ".join(missing + ([] if seg_col else ["seg_id|globalSegId|docSegId"]))
        raise InputError(f"{path}:1: not an MQM TSV header, missing column(s) {need}")
    for lineno, row in enumerate(reader, start=2):
        if not row or row == [""]:
            continue
        if len(row) > len(header) or (len(row) < len(header)
                                      and len(row) <= max(col[c] for c in REQUIRED)):
            raise InputError(f"{path}:{lineno}: {len(row)} tab-separated fields, the header "
                             f"has {len(header)} (a tab inside a field?)")
        system = row[col["system"]]
        if wanted is not None and system not in wanted:
            continue
        key = (system, row[col["doc"]], row[col[seg_col]])
        source, s_spans = unmark(row[col["source"]])
        target, t_spans = unmark(row[col["target"]])
        seg = segments.get(key)
        if seg is None:
            if limit is not None and len(segments) >= limit:
                continue
            seg = segments[key] = MQMSegment(system, key[1], key[2], source, target)
        rater = row[col["rater"]]
        seg.raters.add(rater)
        category, severity = row[col["category"]], row[col["severity"]]
        if category.lower() in ("no-error", "no error") or severity.lower() == "no-error":
            continue
        span = (Span(*t_spans[0]) if t_spans else
                Span(*s_spans[0], side="source") if s_spans else None)
        seg.errors.append(MQMError(rater, category, severity, span))
    return list(segments.values())
