"""Expert error spans (WMT QE Task 2 format): reading them, scoring flags as the shared task
does (hand-computed), and `tqcheck eval --spans`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.evaluation.qespans import (
    SpanScore,
    gold_labels,
    gold_score,
    predicted_labels,
    read_spans,
    span_evaluation,
)
from tqcheck.types import Flag

HEADER = "mt_system\tdoc_id\tseg_id\tannotator_id\tsource\ttarget\tstart_ids\tend_ids\terrors\n"


def _file(tmp_path: Path) -> Path:
    rows = [
        "s1\td1\t0\tr1\tThe talks ended.\tDie Gespräche endeten endeten.\t22\t29\tmajor",
        "s1\td1\t0\tr2\tThe talks ended.\tDie Gespräche endeten endeten.\t4 22\t13 29\tminor minor",
        "s1\td1\t1\tr1\tIt rained.\tEs regnete.\t-1\t-1\tno-error",
        's1\td1\t2\tr1\t"No," he said.\tNein", sagte er.\t0\t1\tminor\t',  # quote lost
        "s1\td1\t3\tr1\tbroken row",
    ]
    path = tmp_path / "2022_en-de_dev_processed.tsv"
    path.write_text(HEADER + "\n".join(rows) + "\n", "utf-8")
    return path


def test_rows_are_read_raters_pooled_and_bad_rows_reported(tmp_path: Path) -> None:
    problems: list = []
    segments = read_spans(_file(tmp_path), problems)
    assert [s.target for s in segments] == ["Die Gespräche endeten endeten.", "Es regnete.",
                                            '"Nein", sagte er.']
    assert segments[2].spans == [(0, 1, "minor")]
    first = segments[0]
    assert first.raters == 2 and sorted(first.spans) == [(4, 13, "minor"), (22, 29, "major"),
                                                          (22, 29, "minor")]
    assert segments[1].clean and not segments[0].clean
    assert gold_score(first) == -(5 + 1 + 1) / 2
    assert [p.line for p in problems] == [6]


def test_characters_are_scored_as_the_shared_task_does() -> None:
    gold = ["", "minor", "minor", "major", "major", ""]
    pred = ["minor", "minor", "major", "major", "", ""]
    score = SpanScore()
    score.add(gold, pred)
    # matched: minor/minor 1, minor/major 0.5, major/major 1 -> 2.5 of 4 predicted, 4 gold
    assert score.figures() == {"precision": 0.625, "recall": 0.625, "f1": 0.625,
                               "flagged_chars": 4, "gold_chars": 4}


def test_labels_take_the_graver_severity_and_ignore_source_flags(tmp_path: Path) -> None:
    seg = read_spans(_file(tmp_path))[0]
    labels = gold_labels(seg)
    assert labels[22:29] == ["major"] * 7 and labels[4:13] == ["minor"] * 9
    flags = [Flag(0, 3, "Fluency/Grammar", "Minor", "m"),
             Flag(1, 2, "Accuracy/Mistranslation", "Major", "m"),
             Flag(0, 5, "Accuracy/Omission", "Major", "m", side="source")]
    assert predicted_labels("abcdef", flags) == ["minor", "major", "minor", "", "", ""]


def test_evaluation_sits_beside_flagging_every_character(tmp_path: Path) -> None:
    segments = read_spans(_file(tmp_path))
    flags = [[Flag(22, 29, "Fluency/Repetition", "Major", "doubled")], [], []]
    fig = span_evaluation(segments, flags, [0.9, 0.1, 0.5], [0.5, 0.9, 0.7])
    assert fig["span"]["precision"] == 1.0 and fig["span"]["flagged_chars"] == 7
    everything = fig["span_flag_every_character_minor"]
    assert everything["flagged_chars"] == sum(len(s.target) for s in segments)
    assert fig["sentence_spearman"] is not None


def test_eval_spans_command(tmp_path: Path) -> None:
    out = tmp_path / "fig.json"
    done = CliRunner().invoke(app, ["eval", "--spans", str(_file(tmp_path)), "--model-free",
                                    "-q", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "flag every character" in done.output and "Spearman" in done.output
    fig = json.loads(out.read_text())
    assert fig["segments"] == 3 and "definitions" in fig and fig["signature"].startswith(
        "tqcheck:mode:model-free|lang:en-de")
    assert fig["span"]["flagged_chars"] >= 7  # the doubled "endeten" (rules:repetition)
    both = CliRunner().invoke(app, ["eval", "--spans", str(_file(tmp_path)), "x.tsv"])
    assert both.exit_code == 2 and "one of them" in both.output
