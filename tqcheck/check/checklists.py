"""Checklists: known problems of a target language's style, written once as data.

A checklist is a TOML file: a `[checklist]` table (`id`, `lang`, `description`) and
`[[check]]` entries, each with

    id          unique within the checklist
    pattern     a literal phrase, or a regular expression with `regex = true`
    whole_word  match whole words only (default true)
    ignore_case (default true)
    source_langs  the source languages it applies to; empty: any (default empty)
    category    an MQM category tqcheck reports (usually Style/Awkward)
    severity    Minor or Major
    message     why it is flagged
    suggestion  the replacement; regex back-references (\\1, \\g<name>) allowed
    (a regex group named `flag` narrows the flagged span, and the replacement, to itself)
    match / no_match   example texts that must and must not match

Shipped checklists live in configs/checklists/; `--checklist FILE` and a profile's
`[rules] checklists` add more. A check with `source_langs` runs only when the source
language is unknown or one of them. Errors in a file name the file and line.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.config import config_names, config_path
from tqcheck.errors import ConfigError
from tqcheck.types import CATEGORIES, SEVERITY_RANK, Flag

_CHECK_KEYS = {"id", "pattern", "regex", "whole_word", "ignore_case", "source_langs",
               "category", "severity", "message", "suggestion", "match", "no_match"}
_REQUIRED = ("id", "pattern", "category", "severity", "message")


@dataclass(frozen=True)
class Item:
    id: str
    regex: re.Pattern[str]
    is_regex: bool
    category: str
    severity: str
    message: str
    suggestion: str | None
    source_langs: tuple[str, ...]
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    line: int  # where the check starts in its file

    def applies(self, src_lang: str | None) -> bool:
        return not self.source_langs or src_lang is None or src_lang in self.source_langs

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        """What is flagged: the group named `flag` when the pattern has one, else the match."""
        return m.span("flag") if "flag" in self.regex.groupindex else m.span()

    def replacement(self, m: re.Match[str]) -> str | None:
        if self.suggestion is None:
            return None
        text = m.expand(self.suggestion) if self.is_regex else self.suggestion
        start, end = self.span(m)
        first = m.string[start:end][:1]
        if first.isupper() and text[:1].islower():  # sentence-initial: keep the capital
            text = text[:1].upper() + text[1:]
        return text


@dataclass(frozen=True)
class Checklist:
    id: str
    lang: str
    description: str
    path: str
    checks: tuple[Item, ...]
    digest: str  # a hash of the file: equal digests check alike

    @property
    def name(self) -> str:
        return f"{self.id}@{self.digest}"


def checklist_path(ref: str) -> Path:
    """A checklist by name (configs/checklists/NAME.toml) or by path."""
    if ref.endswith(".toml") or "/" in ref:
        return Path(ref)
    return config_path("checklists", f"{ref}.toml")


@cache
def load_checklist(ref: str) -> Checklist:
    path = checklist_path(ref)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        known = config_names("checklists")
        raise ConfigError(f"{path}: cannot read checklist ({exc.strerror or exc}); shipped "
                          f"checklists: {', '.join(known) or 'none'}") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return _parse(data, path, text, hashlib.sha256(raw).hexdigest()[:12])


def _parse(data: dict[str, Any], path: Path, text: str, digest: str) -> Checklist:
    head = data.get("checklist")
    if not isinstance(head, dict) or not isinstance(head.get("id"), str) or \
            not isinstance(head.get("lang"), str):
        line = _line(text, r"\[checklist\]") or 1
        raise ConfigError(f"{path}:{line}: needs a [checklist] table with `id` and `lang`")
    extra = sorted(set(data) - {"checklist", "check"})
    if extra:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(extra)}")
    entries = data.get("check", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[check]] entries")
    starts = [i + 1 for i, ln in enumerate(text.splitlines())
              if re.match(r"\s*\[\[check\]\]", ln)]
    checks: list[Item] = []
    for n, entry in enumerate(entries):
        start = starts[n] if n < len(starts) else 0
        checks.append(_check(entry, path, text, start))
    ids = [c.id for c in checks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{path}: check id(s) used twice: {', '.join(dupes)}")
    return Checklist(head["id"], head["lang"], str(head.get("description", "")), str(path),
                     tuple(checks), digest)


def _line(text: str, key_pattern: str, after: int = 0) -> int:
    """The line (1-based) of the first line at or after line `after` matching the pattern."""
    for i, ln in enumerate(text.splitlines()[max(after - 1, 0):], start=max(after, 1)):
        if re.match(rf"\s*{key_pattern}", ln):
            return i
    return after


def _check(entry: Any, path: Path, text: str, start: int) -> Item:
    def bad(key: str | None, why: str) -> ConfigError:
        line = _line(text, rf"{re.escape(key)}\s*=", start) if key else start
        return ConfigError(f"{path}:{line}: check {entry.get('id', '?')!r}: {why}")

    if not isinstance(entry, dict):
        raise ConfigError(f"{path}:{start}: a [[check]] must be a table")
    unknown = sorted(set(entry) - _CHECK_KEYS)
    if unknown:
        raise bad(unknown[0], f"unknown key(s) {', '.join(unknown)}")
    for key in _REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise bad(key if key in entry else None, f"`{key}` must be a non-empty string")
    for key in ("regex", "whole_word", "ignore_case"):
        if key in entry and not isinstance(entry[key], bool):
            raise bad(key, f"`{key}` must be true or false")
    for key in ("source_langs", "match", "no_match"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(key, f"`{key}` must be a list of strings")
    if "suggestion" in entry and not isinstance(entry["suggestion"], str):
        raise bad("suggestion", "`suggestion` must be a string")
    if entry["category"] not in CATEGORIES:
        raise bad("category", f"unknown category {entry['category']!r}; use one of "
                              f"{', '.join(CATEGORIES)}")
    if entry["severity"] not in SEVERITY_RANK:
        raise bad("severity", "`severity` must be Minor or Major")
    is_regex = entry.get("regex", False)
    body = entry["pattern"] if is_regex else re.escape(entry["pattern"])
    if entry.get("whole_word", True):
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        regex = re.compile(body, re.IGNORECASE if entry.get("ignore_case", True) else 0)
    except re.error as exc:
        raise bad("pattern", f"invalid regular expression: {exc}") from None
    suggestion = entry.get("suggestion")
    if suggestion is not None and is_regex:
        missing = [ref for ref in _group_refs(suggestion) if not (
            (ref.isdigit() and int(ref) <= regex.groups) or ref in regex.groupindex)]
        if missing:
            raise bad("suggestion", f"refers to group(s) the pattern lacks: {missing}")
        for example in entry.get("match", []):
            m = regex.search(example)
            if m:
                try:  # bad escapes show when the template is expanded
                    m.expand(suggestion)
                except (re.error, IndexError) as exc:
                    raise bad("suggestion", f"invalid replacement: {exc}") from None
    return Item(entry["id"], regex, is_regex, entry["category"], entry["severity"],
                 entry["message"], suggestion, tuple(entry.get("source_langs", [])),
                 tuple(entry.get("match", [])), tuple(entry.get("no_match", [])), start)


def _group_refs(template: str) -> list[str]:
    return [a or b for a, b in re.findall(r"\\g<([^>]*)>|\\(\d+)", template)]


def checklist_flags(text: str, checklists: tuple[Checklist, ...], lang: str,
                    src_lang: str | None) -> list[Flag]:
    """Every match of the checklists for `lang` in `text`."""
    flags = []
    for cl in checklists:
        if cl.lang != lang:
            continue
        for check in cl.checks:
            if not check.applies(src_lang):
                continue
            for m in check.regex.finditer(text):
                start, end = check.span(m)
                if end > start:
                    flags.append(Flag(start, end, check.category, check.severity,
                                      check.message, suggestion=check.replacement(m),
                                      signal=f"checklist:{cl.id}/{check.id}"))
    return flags


def run_examples(cl: Checklist) -> list[str]:
    """Each check's examples: failures, as lines naming the file and line."""
    failures = []
    for check in cl.checks:
        for example in check.match:
            if not check.regex.search(example):
                failures.append(f"{cl.path}:{check.line}: {check.id}: does not match "
                                f"{example!r}")
        for example in check.no_match:
            m = check.regex.search(example)
            if m:
                failures.append(f"{cl.path}:{check.line}: {check.id}: matches {m.group()!r} "
                                f"in {example!r}, which it must not")
    return failures
