"""Scoring profiles (`profiles/NAME.toml`, the user's before the shipped): the thresholds
that turn signals into flags and the weights that turn them into risk. Read strictly:
every setting present and of its type, and the risk weights fitted on the feature set
this version computes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.check.risk import RiskModel
from tqcheck.check.spanmodel import SpanModel
from tqcheck.config import config_names, config_path, read_toml, typed_table
from tqcheck.errors import ConfigError


@dataclass(frozen=True)
class SpanThresholds:
    """`[spans]`: how alignments and forced-decoding gaps become flagged spans."""

    min_chars: int  # shorter words are never flagged alone
    major_words: int  # a span with at least this many content words is Major
    awkward_gap: float  # nats between the model's choice and the word: awkward
    major_gap: float  # ... and Major
    lossy_gap: float  # source-aware: a word the pseudo-reference lacks must be this unlikely
    same_word_ratio: float  # counterparts this similar are variants, not changes of meaning
    merge_gap: int  # flags closer than this many characters merge
    reliable_chrf: float  # source-aware: below this chrF of the source's own round trip the
    # models do not carry the segment: their flags are Minor and a note says why
    paraphrase_words: int  # model:paraphrase: the longest span it rephrases, in words
    paraphrase_kept: float  # ... the share of the content words near it the round trip keeps
    paraphrase_gain: float  # ... nats per token the reverse models prefer the rephrasing by
    paraphrase_known_zipf: float  # ... and its words at least this frequent (wordfreq)


@dataclass(frozen=True)
class RuleSettings:
    """`[rules]`: which model-free checks run, and their thresholds."""

    untranslated_min_chars: int
    language_id_confidence: float
    language_id_min_chars: int
    language_id_languages: tuple[str, ...]
    punctuation: bool
    grammar: bool
    grammar_kinds: tuple[str, ...]  # Harper lint kinds reported
    grammar_off: tuple[str, ...]  # Harper rules switched off
    spelling_known_zipf: float  # words this frequent in English (wordfreq) are not misspelt
    hunspell_known_zipf: float  # ... in the target language: spelling:hunspell leaves them
    grammalecte_kinds: tuple[str, ...]  # Grammalecte error types reported (French)
    dialect: str  # "any" (American and British both accepted), us, gb, au, ca, in
    dictionaries: tuple[str, ...]  # word files (one word per line), relative to the profile
    checklists: tuple[str, ...]  # configs/checklists/NAME.toml names, or paths
    signals_off: tuple[str, ...]  # checks whose flags are dropped (a flag's `signal`, e.g.
    # "grammar:SpellCheck", "checklist:ID/CHECK"); `calibrate --from-run` adds those that
    # reviewers reject
    signals_on: tuple[str, ...]  # checks this profile shows though the profile it extends
    # lists them in signals_off (a recall profile showing what the precise one leaves off)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    spans: SpanThresholds
    rules: RuleSettings
    risk: RiskModel
    path: str = ""  # where it was read from ("" when made in memory)
    span_model: SpanModel | None = None  # the learned span decision ([span_model]), if any

    @property
    def signals_off(self) -> frozenset[str]:
        """The checks switched off: `rules.signals_off`, less `rules.signals_on` and the
        learned decision's candidates (they inform it, and it decides what is shown)."""
        keep = set(self.span_model.candidates) if self.span_model else set()
        return frozenset(self.rules.signals_off) - keep - set(self.rules.signals_on)

    def fingerprint(self) -> str:
        """A short hash of every setting: equal fingerprints score alike."""
        body = json.dumps(self.to_toml(), sort_keys=True).encode()
        return hashlib.sha256(body).hexdigest()[:12]

    def to_toml(self) -> dict[str, Any]:
        """The profile as a TOML document (for `tomli_w`)."""
        return {"name": self.name, "description": self.description,
                "spans": dataclasses.asdict(self.spans),
                "rules": {k: list(v) if isinstance(v, tuple) else v
                          for k, v in dataclasses.asdict(self.rules).items()},
                "risk": self.risk.to_table()} | (
                    {"span_model": self.span_model.to_table()} if self.span_model else {})


def profile_path(name: str) -> Path:
    """A profile by name (profiles/NAME.toml of the user's configuration directory, else the
    shipped one) or a path to a TOML file."""
    return Path(name) if name.endswith(".toml") else config_path("profiles", f"{name}.toml")


@cache
def load_profile(name: str = "default") -> Profile:
    path = profile_path(name)
    if not path.is_file():
        known = config_names("profiles")
        raise ConfigError(f"no profile {name!r} (looked for {path}); known: {', '.join(known)}")
    return parse_profile(_extended(read_toml(path), path, ()), path)


def _extended(data: dict[str, Any], path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """`extends = "NAME"`: the named profile's settings, with this file's over them (table by
    table, key by key), so that a profile says only how it differs."""
    base = data.get("extends")
    if base is None:
        return data
    if not isinstance(base, str):
        raise ConfigError(f"{path}: extends must name a profile, found {base!r}")
    base_path = profile_path(base)
    if base_path in (*seen, path) or not base_path.is_file():
        raise ConfigError(f"{path}: extends {base!r}: " + (
            "a cycle" if base_path.is_file() else f"no such profile ({base_path})"))
    out = _extended(read_toml(base_path), base_path, (*seen, path))
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in out.items()}
    for key, value in data.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    out["name"] = data.get("name", path.stem)
    return out


def parse_profile(data: dict[str, Any], path: Path) -> Profile:
    extra = sorted(set(data) - {"name", "description", "spans", "rules", "risk",
                                "span_model"})
    if extra:
        raise ConfigError(f"{path}: unknown table(s) or key(s) {', '.join(extra)}")
    name, description = data.get("name", path.stem), data.get("description", "")
    if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
        raise ConfigError(f"{path}: name must be a word (letters, digits, - _ .), found "
                          f"{name!r}")
    if not isinstance(description, str):
        raise ConfigError(f"{path}: description must be text, found {description!r}")
    return Profile(
        name=name,
        description=description,
        spans=typed_table(SpanThresholds, data.get("spans"), f"{path}: [spans]"),
        rules=typed_table(RuleSettings, data.get("rules"), f"{path}: [rules]"),
        risk=RiskModel.from_table(data.get("risk"), f"{path}: [risk]"),
        path=str(path),
        span_model=SpanModel.from_table(data.get("span_model"), f"{path}: [span_model]"),
    )
