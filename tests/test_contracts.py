"""The contracts between tqcheck's parts: typed signals, profiles tied to the risk feature
set, settings read strictly, the signature's text form, one-pass reads of a run."""

from __future__ import annotations

import dataclasses
import math
import sqlite3
from pathlib import Path

import pytest

from tqcheck.check.profile import load_profile, parse_profile, profile_path
from tqcheck.check.risk import FEATURE_SET, FEATURES, features
from tqcheck.config import read_toml, typed_table
from tqcheck.errors import ConfigError, InputError
from tqcheck.signals import Agreement, Signals, Surprisal
from tqcheck.signature import Signature
from tqcheck.types import Flag

SIGNALS = Signals(
    similarity=0.71,
    roundtrip={"fr": Agreement(62.5, 31.25, 40.0), "de": Agreement(70.1, 44.0, 30.0)},
    pivot_surprisal={"fr": Surprisal(-1.5, 0.25, 3.0), "de": Surprisal(-1.25, 0.5, 2.0)},
    backtranslation=Agreement(55.0, 20.0, 60.0),
    pseudo_reference=Agreement(66.6, 33.3, 50.0),
    source_surprisal=Surprisal(-2.0, 1.0 / 3.0, 4.0),
    reverse_surprisal=Surprisal(-3.0, 2.5, 9.0),
    source_roundtrip=Agreement(80.0, 50.0, 20.0),
)


def test_signals_round_trip_through_their_flat_names():
    metrics = SIGNALS.to_metrics()
    assert list(metrics)[:4] == ["similarity:source", "chrf:roundtrip:fr", "bleu:roundtrip:fr",
                                 "ter:roundtrip:fr"]
    assert metrics["gap_mean:source"] == 1.0 / 3.0 and metrics["logprob:de"] == -1.25
    assert Signals.from_metrics(metrics) == SIGNALS
    assert Signals.from_metrics({}) == Signals()


@pytest.mark.parametrize("bad", [{"chrf:roundtrip": 1.0}, {"chrF:roundtrip:fr": 1.0},
                                 {"gap_mean:fr": 1.0},  # a surprisal without its siblings
                                 {"similarity:target": 0.5}])
def test_unknown_or_incomplete_signal_names_are_errors(bad):
    with pytest.raises(InputError):
        Signals.from_metrics(bad)


def test_risk_features_read_the_typed_signals():
    flags = [Flag(0, 1, "Accuracy/Omission", "Major", "m"),
             Flag(0, 1, "Style/Awkward", "Minor", "m"),
             Flag(0, 1, "Accuracy/Omission", "Minor", "m", side="source", signal="source"),
             Flag(0, 1, "Accuracy/Number", "Major", "m", signal="rules:numbers"),
             Flag(0, 1, "Accuracy/Mistranslation", "Major", "m", signal="meaning:negation"),
             Flag(0, 1, "Style/Awkward", "Minor", "m", signal="paraphrase")]
    f = features(SIGNALS, flags, n_words=30)
    assert list(f) == list(FEATURES)
    assert f["roundtrip_chrf_loss"] == pytest.approx(1 - 0.701)  # the best round trip
    # what the back-translation loses beyond the source's own round trip (80 - 55)
    assert f["backtranslation_excess_loss"] == pytest.approx(0.25)
    assert f["mean_surprisal"] == pytest.approx(1 / 3 / 10)  # the text given its source
    assert f["unexplained_source"] == pytest.approx(0.25)  # the source given the text
    # source-side omissions and meaning-critical flags are features of their own
    assert (f["major_flags"], f["length"]) == (0.5, 0.5)
    assert (f["omission_flags"], f["meaning_flags"]) == (1.0, 1.0)
    # a rephrasing the models prefer is a feature of its own, and a Minor flag as any other
    assert (f["paraphrase_flags"], f["minor_flags"]) == (1.0, 0.5)
    assert features(SIGNALS, flags[:-1], n_words=30)["paraphrase_flags"] == 0.0
    assert f["similarity_loss"] == pytest.approx(0.29)
    assert features(Signals(), [], 0) == dict.fromkeys(FEATURES, 0.0)
    # without a source, the surprisal is the pivots' mean
    target_only = dataclasses.replace(SIGNALS, source_surprisal=None)
    assert features(target_only, [], 1)["mean_surprisal"] == pytest.approx(0.0375)


def _profile_data() -> dict:
    return read_toml(profile_path("default"))


def test_shipped_profiles_name_the_feature_set():
    for name in ("default", "ted-zhen-model-free"):
        assert load_profile(name).risk.feature_set == FEATURE_SET


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["risk"].pop("feature_set"), "fitted on feature set None"),
    (lambda d: d["risk"].update(feature_set="tqcheck-risk-0"), "refit it with"),
    (lambda d: d["risk"]["weights"].pop("length"), "missing: \\['length'\\]"),
    (lambda d: d["risk"]["weights"].update(chrf_loss=1.0), "unknown: \\['chrf_loss'\\]"),
    (lambda d: d["spans"].update(min_chars="2"), "min_chars: expected int"),
    (lambda d: d["spans"].pop("merge_gap"), "missing key\\(s\\) merge_gap"),
    (lambda d: d["rules"].update(grammer=True), "unknown key\\(s\\) grammer"),
    (lambda d: d["rules"].update(language_id_languages="en"), "expected a list"),
])
def test_an_outdated_or_mistyped_profile_fails_loudly(change, message):
    data = _profile_data()
    change(data)
    with pytest.raises(ConfigError, match=message):
        parse_profile(data, Path("p.toml"))


def test_a_profile_of_the_set_before_gives_its_own_risk():
    """A profile fitted on tqcheck-risk-2 (no paraphrase_flags) loads, its risk the same as
    before: the feature added since weighs 0 in it."""
    from tqcheck.check.risk import risk

    data = _profile_data()
    data["risk"]["feature_set"] = "tqcheck-risk-2"
    data["risk"]["weights"].pop("paraphrase_flags")
    old = parse_profile(data, Path("p.toml")).risk
    assert old.weights["paraphrase_flags"] == 0.0 and old.feature_set == FEATURE_SET
    para = [Flag(0, 1, "Style/Awkward", "Minor", "m", signal="paraphrase")]
    by_hand = old.bias + sum(old.weights[k] * v for k, v in features(SIGNALS, para, 30).items()
                             if k != "paraphrase_flags")
    assert risk(SIGNALS, para, old, 30) == pytest.approx(1 / (1 + math.exp(-by_hand)))
    assert risk(SIGNALS, para, load_profile().risk, 30) > risk(SIGNALS, para, old, 30)


def test_profile_fingerprint_follows_every_setting():
    prof = load_profile()
    other = dataclasses.replace(prof, spans=dataclasses.replace(prof.spans, awkward_gap=5.0))
    assert prof.fingerprint() == load_profile().fingerprint() != other.fingerprint()


@dataclasses.dataclass(frozen=True)
class _Settings:
    size: int
    ratio: float
    names: tuple[str, ...]
    on: bool


def test_typed_table_reads_exactly_its_fields():
    got = typed_table(_Settings, {"size": 3, "ratio": 1, "names": ["a"], "on": False}, "x")
    assert got == _Settings(3, 1.0, ("a",), False) and isinstance(got.ratio, float)
    with pytest.raises(ConfigError, match=r"x\.size: expected int, found True"):
        typed_table(_Settings, {"size": True, "ratio": 1, "names": [], "on": False}, "x")
    with pytest.raises(ConfigError, match="x: expected a table"):
        typed_table(_Settings, [1], "x")


def test_decoding_defaults_live_in_models_toml_only():
    from tqcheck.translate.registry import Decoding

    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(Decoding))


def test_signature_formats_and_parses_back():
    sig = Signature({"mode": "source", "model.en-fr": "Helsinki-NLP/opus-mt-en-fr@abc123"})
    sig.add("chrf", Signature.parse("#:1|c:mixed|nc:6", prefix=""))
    sig.add("version", "0.1.0")
    text = str(sig)
    assert text == ("tqcheck:mode:source|model.en-fr:Helsinki-NLP/opus-mt-en-fr@abc123|"
                    "chrf:[#:1|c:mixed|nc:6]|version:0.1.0")
    back = Signature.parse(text)
    assert back == sig and back["chrf"]["nc"] == "6" and list(back) == list(sig)
    with pytest.raises(ValueError, match="given twice"):
        sig.add("mode", "x")
    with pytest.raises(ValueError, match="may not contain"):
        sig.add("path", "a|b")
    for bad in ("mode:x", "tqcheck:mode", "tqcheck:a:[b:c", "tqcheck:a:b]"):
        with pytest.raises(ValueError):
            Signature.parse(bad)


def test_flags_of_unknown_category_are_refused():
    with pytest.raises(ValueError, match="unknown category"):
        Flag(0, 1, "Style/Awful", "Minor", "m")


def test_run_results_are_read_in_one_pass_with_exact_values(tmp_path):
    from tqcheck.run.rundb import RunDB
    from tqcheck.types import Segment, SegmentResult

    db = RunDB(tmp_path / "run.sqlite")
    state = db.file_state("in.txt", "text")
    rows = []
    for n in range(40):
        seg = Segment(id=n, text=f"Sentence {n}.", start=0, end=12, line=n + 1)
        signals = dataclasses.replace(SIGNALS, similarity=1 / (n + 3))
        flags = [Flag(0, 8, "Style/Awkward", "Minor", f"m{k}", suggestion=None if k else "s")
                 for k in range(n % 3)]
        rows.append((state.id, n, "d", str(n), SegmentResult(
            seg, {"roundtrip:fr": f"Back {n}.", "roundtrip:de": "x"}, signals, n / 40, flags)))
    db.write_chunk(rows, 1.0, [state.id], "tqcheck:version:0")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    stored = list(db.results())
    db.conn.set_trace_callback(None)
    assert len(statements) == 1  # not one query per segment (nor three)
    assert [s.result for s in stored] == [r[4] for r in rows]
    assert stored[7].result.signals.similarity == 1 / 10  # floats come back exactly
    assert not math.isnan(stored[0].result.risk)
    worst = list(db.results(worst_first=True, limit=3, flagged_only=True))
    assert [s.key.ordinal for s in worst] == [38, 37, 35]
    with sqlite3.connect(tmp_path / "run.sqlite") as conn:  # the schema stays plain SQL
        n_metrics = len(SIGNALS.to_metrics())
        assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 40 * n_metrics


def test_the_import_graph_has_no_cycles_and_the_vocabulary_imports_no_pipeline() -> None:
    """Module and package imports (also those inside functions) form no cycle, and the
    shared layer (types, signals, groups, metrics, text) imports nothing of the checks."""
    import ast

    root = Path(__file__).resolve().parent.parent / "tqcheck"
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tqcheck"):
                targets = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t if t in modules else node.module for t in targets]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("tqcheck")]
            else:
                continue
            edges[name] |= {t for t in targets if t in modules and t != name
                            and not name.startswith(t + ".")}  # a module's own package

    def package(m: str) -> str:
        return ".".join(m.split(".")[:2])

    def cycle(graph: dict[str, set[str]]) -> list[str] | None:
        state: dict[str, int] = {}
        path: list[str] = []

        def visit(n: str) -> list[str] | None:
            state[n] = 1
            path.append(n)
            for m in sorted(graph.get(n, ())):
                if state.get(m) == 1:
                    return [*path[path.index(m):], m]
                if m not in state and (found := visit(m)):
                    return found
            state[n] = 2
            path.pop()
            return None

        return next((c for n in sorted(graph) if n not in state and (c := visit(n))), None)

    assert cycle(edges) is None, " -> ".join(cycle(edges) or [])
    packages: dict[str, set[str]] = {}
    for a, bs in edges.items():
        packages.setdefault(package(a), set()).update(
            package(b) for b in bs if package(b) != package(a) and package(a) != "tqcheck")
    assert cycle(packages) is None, " -> ".join(cycle(packages) or [])
    shared = ("tqcheck.types", "tqcheck.signals", "tqcheck.groups", "tqcheck.metrics",
              "tqcheck.text")
    upward = [(a, b) for a, bs in edges.items() for b in bs if a.startswith(shared)
              and b.startswith(("tqcheck.check", "tqcheck.pipeline"))]
    assert upward == []
