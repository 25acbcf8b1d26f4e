"""The command line end to end on tiny random models: exit codes, formats, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SEED
from typer.testing import CliRunner

from tqcheck.cli import app

runner = CliRunner()
SCHEMA = json.loads((ROOT / "docs" / "output.schema.json").read_text())


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture(scope="module")
def seed_json(tiny_models_dir):
    res = run("check", str(SEED), "--models-dir", str(tiny_models_dir), "-f", "json", "-q",
              "--fail-on", "never")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_seed_json_validates_against_the_documented_schema(seed_json):
    jsonschema.validate(seed_json, SCHEMA)
    text = SEED.read_text("utf-8")
    segs = seed_json["segments"]
    assert len(segs) == 13  # 13 sentences in 9 paragraphs
    for s in segs:
        assert text[s["start"]:s["end"]] == s["text"]
        assert set(s["backtranslations"]) == {"roundtrip:fr", "roundtrip:de"}
        assert {"chrf:roundtrip:fr", "bleu:roundtrip:de", "logprob:fr"} <= set(s["metrics"])
        for f in s["flags"]:
            assert 0 <= f["start"] < f["end"] <= len(s["text"])
    sig = seed_json["signature"]
    assert "pivots:fr,de" in sig and str(Path("en-fr")) in sig
    # Random models garble everything: the round trips lose words, so flags must appear.
    assert any(s["flags"] for s in segs)


def test_text_format_shows_flagged_segments_and_summary(tiny_models_dir):
    res = run("check", str(SEED), "--models-dir", str(tiny_models_dir), "-q")
    assert res.exit_code == 1  # random models: Major flags somewhere
    assert "segments," in res.stdout and "flagged" in res.stdout
    assert "roundtrip:fr:" in res.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "tsv"])
def test_line_formats_parse(tiny_models_dir, fmt):
    res = run("check", "-", "--models-dir", str(tiny_models_dir), "-f", fmt, "-q",
              "--fail-on", "never", stdin="Putin wants land. Kyiv does not agree.\n")
    assert res.exit_code == 0, res.output
    if fmt == "jsonl":
        rows = [json.loads(line) for line in res.stdout.splitlines()]
        for row in rows:
            row.pop("signature"), row.pop("input")
            jsonschema.validate(row, SCHEMA["$defs"]["segment"] | {"$defs": SCHEMA["$defs"]})
    else:
        rows = list(csv.DictReader(io.StringIO(res.stdout), delimiter="\t"))
        assert rows[0]["text"] == "Putin wants land."
    assert len(rows) == 2


def test_exit_codes_follow_fail_on(tiny_models_dir):
    base = ["check", "-", "--models-dir", str(tiny_models_dir), "-q", "-f", "json"]
    # A repeated word always yields a Minor flag.
    text = "The the minister spoke.\n"
    never = run(*base, "--fail-on", "never", stdin=text)
    minor = run(*base, "--fail-on", "Minor", stdin=text)
    assert never.exit_code == 0
    assert minor.exit_code == 1
    flags = [f for s in json.loads(minor.stdout)["segments"] for f in s["flags"]]
    assert any(f["category"] == "Fluency/Repetition" for f in flags)
    major = run(*base, "--fail-on", "Major", stdin=text)
    has_major = any(f["severity"] == "Major" for f in flags)
    assert major.exit_code == (1 if has_major else 0)


def test_missing_model_exits_2_with_both_fixes(tmp_path):
    res = run("check", str(SEED), "--models-dir", str(tmp_path))
    assert res.exit_code == 2
    err = res.stderr
    assert "4 models of this run are not available" in err
    assert "en-fr  Helsinki-NLP/opus-mt-en-fr: not in the Hugging Face cache" in err
    assert "tqcheck models pull en-fr fr-en en-de de-en" in err and "--models-dir" in err
    assert "--model-free" in err and "Traceback" not in err
    one = run("check", str(SEED), "--models-dir", str(tmp_path), "-p", "fr", "--src-lang",
              "fr", "-s", str(SEED))  # fr is the source: en-fr and fr-en
    assert "2 models of this run" in one.stderr


def test_unsupported_pair_exits_2(tmp_path):
    res = run("check", str(SEED), "--pivot", "xx", "--models-dir", str(tmp_path))
    assert res.exit_code == 2
    assert "unsupported language pair en-xx" in res.stderr


@pytest.mark.parametrize(("content", "message"), [
    (b"", "no text to check"),
    (b"  \n\t \n", "no text to check"),
    (b"\x00\x01\x02\x03binary" * 50, "binary file"),
    (b"A text with one NUL\x00 byte.\n", "binary file (it contains NUL bytes"),
    ("\ufeffUTF-16 text.\n".encode("utf-16-le"), "UTF-16 text; convert it to UTF-8"),
])
def test_input_with_nothing_to_check_exits_2_with_a_message(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    res = run("check", str(f), "--model-free")
    assert res.exit_code == 2
    assert message in res.stderr and "bad.txt" in res.stderr and "Traceback" not in res.stderr


def test_a_bad_line_is_reported_and_the_rest_checked(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"The the first line.\nbad \xff byte\nThe last line.\n")
    res = run("check", str(f), "--model-free", "-f", "json", "--fail-on", "never")
    assert res.exit_code == 0, res.output
    assert "bad.txt:2: invalid UTF-8 (byte 0xff at column 5); line skipped" in res.stderr
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    assert [s["text"] for s in data["segments"]] == ["The the first line.", "The last line."]
    assert data["segments"][1]["line"] == 3
    assert data["problems"] == [{"path": str(f), "line": 2, "message":
                                 "invalid UTF-8 (byte 0xff at column 5); line skipped"}]


def test_source_line_count_mismatch_exits_2(tmp_path, tiny_models_dir):
    t, s = tmp_path / "t.txt", tmp_path / "s.txt"
    t.write_text("One.\nTwo.\n")
    s.write_text("Un.\n")
    res = run("check", str(t), "--source", str(s), "--src-lang", "fr",
              "--models-dir", str(tiny_models_dir))
    assert res.exit_code == 2
    assert "2 non-empty lines but its source" in res.stderr and "line-aligned" in res.stderr


def test_source_without_src_lang_exits_2(tmp_path):
    t = tmp_path / "t.txt"
    t.write_text("One.\n")
    res = run("check", str(t), "--source", str(t))
    assert res.exit_code == 2 and "--src-lang" in res.stderr


def test_source_aware_check_runs_on_tiny_models(tmp_path, tiny_models_dir):
    t, s = tmp_path / "t.txt", tmp_path / "s.txt"
    t.write_text("The Kremlin confirmed it. Kyiv stays outside NATO.\n")
    s.write_text("Le Kremlin l'a confirmé. Kiev reste hors de l'OTAN.\n")
    res = run("check", str(t), "--source", str(s), "--src-lang", "fr", "-f", "json", "-q",
              "--models-dir", str(tiny_models_dir), "--fail-on", "never")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    seg = data["segments"][1]
    assert seg["source"] == "Kiev reste hors de l'OTAN."
    assert set(seg["backtranslations"]) == {"roundtrip:fr", "backtranslation:fr",
                                            "pseudo_reference", "source_roundtrip"}
    assert "mode:source|lang:fr-en|pivots:fr" in data["signature"]


@pytest.mark.slow
def test_pathological_inputs_do_not_crash(tmp_path, tiny_models_dir):
    f = tmp_path / "odd.txt"
    long_line = " ".join(["word"] * 20_000)  # 100 000 characters, no sentence end
    f.write_text("Bell\x07 and ESC\x1b here.\nقال المتحدث باسم الكرملين.\n" + long_line + "\n")
    res = run("check", str(f), "--models-dir", str(tiny_models_dir), "-f", "json", "-q",
              "--fail-on", "never")
    assert res.exit_code == 0, res.output
    segs = json.loads(res.stdout)["segments"]
    notes = [n for s in segs for n in s["notes"]]
    assert any("U+0007" in n and "U+001B" in n for n in notes)
    assert any(n.startswith("split: sentence of 99999 characters") for n in notes)
    assert any(n.startswith("truncated:") for n in notes)  # 1500 chars > 512 tokens


def test_models_list_shows_local_models(tiny_models_dir):
    res = run("models", "list", "--models-dir", str(tiny_models_dir))
    assert res.exit_code == 0
    rows = dict(line.split("\t")[:2] for line in res.stdout.splitlines())
    assert rows["en-fr"] == "available" and rows["en-zh"] == "missing"


def test_models_pull_offline_exits_2():
    res = run("models", "pull", "en-fr")
    assert res.exit_code == 2
    assert "model for en-fr is not available" in res.stderr


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and res.stdout.strip() == "tqcheck 0.1.0"


def test_model_free_check_needs_no_model(tmp_path):
    t, s = tmp_path / "t.txt", tmp_path / "s.txt"
    t.write_text("He paid 3000 euros to the the agency.\n")
    s.write_text("Il a payé 300 euros à l'agence.\n")
    res = run("check", str(t), "--source", str(s), "--src-lang", "fr", "--model-free",
              "--models-dir", str(tmp_path), "-f", "json", "-q")
    assert res.exit_code == 1, res.output  # the number mismatch is Major
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    cats = {f["category"] for f in data["segments"][0]["flags"]}
    assert {"Accuracy/Number", "Fluency/Repetition"} <= cats
    assert data["signature"].startswith("tqcheck:mode:model-free|lang:fr-en|sim:use-m3@")
