"""MQM parsing, scoring and the meta-evaluation statistics on hand-made data."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tqcheck.errors import InputError
from tqcheck.evaluation.mqm import error_weight, read_mqm, unmark
from tqcheck.evaluation.stats import (
    auroc,
    kendall_tau_b,
    pairwise_accuracy_tie_calibrated,
    pearson,
    spearman,
    system_pairwise_accuracy,
)
from tqcheck.types import Span

HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"
ROWS = [
    "sys1\ttalk.1\t1\t1\trater1\t猫坐着。\tThe <v>cat</v> sat.\tAccuracy/Mistranslation\tMajor",
    "sys1\ttalk.1\t1\t1\trater1\t猫坐着。\tThe cat sat<v>.</v>\tFluency/Punctuation\tMinor",
    "sys1\ttalk.1\t1\t1\trater2\t猫坐着。\tThe cat sat.\tNo-error\tNo-error",
    "sys2\ttalk.1\t1\t1\trater1\t猫坐着。\t<v>猫坐着。</v>\tNon-translation!\tMajor",
    "sys1\ttalk.1\t1\t2\trater1\t狗<v>跑了</v>。\tThe dog.\tAccuracy/Omission\tMinor",
    "sys1\ttalk.1\t1\t3\trater1\t好。\tGood.\tStyle/Awkward\tNeutral",
]


def write(tmp_path: Path, header: str, rows: list[str]) -> Path:
    f = tmp_path / "mqm.tsv"
    f.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return f


def test_segments_scores_and_spans(tmp_path):
    segs = {s.key: s for s in read_mqm(write(tmp_path, HEADER, ROWS))}
    assert len(segs) == 4
    s1 = segs[("sys1", "talk.1", "1")]
    assert s1.target == "The cat sat." and s1.raters == {"rater1", "rater2"}
    assert s1.score == pytest.approx(-(5 + 0.1) / 2)
    assert [e.span for e in s1.errors] == [Span(4, 7), Span(11, 12)]
    assert segs[("sys2", "talk.1", "1")].score == -25
    omission = segs[("sys1", "talk.1", "2")]
    assert omission.errors[0].span == Span(1, 3, side="source")
    assert omission.source == "狗跑了。" and omission.score == -1
    assert segs[("sys1", "talk.1", "3")].score == 0  # Neutral weighs nothing


def test_column_variants_and_extra_columns(tmp_path):
    header = ("system\tdoc\tdocSegId\tglobalSegId\trater\tsource\ttarget\tcategory\tseverity"
              "\tmetadata\n")
    rows = ["sysA\td1\t1\t17\tr1\tsrc\ttgt <v>x</v>\tFluency/Grammar\tMinor\t{}"]
    segs = read_mqm(write(tmp_path, header, rows))
    assert segs[0].seg_id == "17"  # globalSegId wins over docSegId
    assert segs[0].score == -1


def test_systems_and_limit(tmp_path):
    f = write(tmp_path, HEADER, ROWS)
    assert {s.system for s in read_mqm(f, systems=["sys2"])} == {"sys2"}
    assert len(read_mqm(f, limit=2)) == 2


def test_bad_header_names_the_file(tmp_path):
    f = write(tmp_path, "a\tb\n", ["1\t2"])
    with pytest.raises(InputError, match=r"mqm\.tsv:1: not an MQM TSV header"):
        read_mqm(f)


def test_unmark_and_weights():
    assert unmark("a <v>bc</v> d <v>e</v>") == ("a bc d e", [(2, 4), (7, 8)])
    assert error_weight("Fluency/Punctuation", "Minor") == 0.1
    assert error_weight("Fluency/Punctuation", "Major") == 5
    assert error_weight("Non-translation!", "Major") == 25
    assert error_weight("Style/Awkward", "Neutral") == 0


def test_correlations_known_values():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [10, 20, 30, 25]) == pytest.approx(0.8)
    assert kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)
    assert kendall_tau_b([1, 1, 2], [1, 2, 3]) == pytest.approx(2 / math.sqrt(6))


def test_tie_calibrated_pairwise_accuracy():
    acc, eps = pairwise_accuracy_tie_calibrated([0, 0, 1], [0.0, 0.05, 1.0])
    assert acc == pytest.approx(1.0) and eps == pytest.approx(0.05)
    acc, eps = pairwise_accuracy_tie_calibrated([0, 1, 2], [2, 1, 0])
    assert acc == 0.0
    grouped, _ = pairwise_accuracy_tie_calibrated([0, 1, 5, 3], [0, 1, 3, 5],
                                                  groups=["a", "a", "b", "b"])
    assert grouped == pytest.approx(0.5)


def test_auroc_and_system_accuracy():
    assert auroc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert system_pairwise_accuracy(["a", "a", "b", "c"], [1, 3, 0, 5],
                                    [0.2, 0.2, 0.1, 0.0]) == pytest.approx(1 / 3)
