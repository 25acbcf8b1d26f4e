"""MQM parsing, scoring and the meta-evaluation statistics on hand-made data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tqcheck.errors import InputError
from tqcheck.evaluation.mqm import error_weight, read_mqm, unmark
from tqcheck.evaluation.stats import (
    TiePairs,
    acc_t,
    acc_t_curve,
    auroc,
    item_index,
    kendall_tau_b,
    pairwise_accuracy_tie_calibrated,
    pearson,
    spearman,
    system_pairwise_accuracy,
    value_ids,
    weighted_auroc,
    weighted_pearson,
    weighted_ranks,
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


def _flatten(human: list, metric: list) -> tuple[list, list, list]:
    """An N x M matrix with None for missing entries as (human, metric, item) lists."""
    h, m, items = [], [], []
    for row, (hr, mr) in enumerate(zip(human, metric, strict=True)):
        for a, b in zip(hr, mr, strict=True):
            if a is not None and b is not None:
                h.append(a)
                m.append(b)
                items.append(row)
    return h, m, items


@pytest.mark.parametrize(("human", "metric", "thresholds", "taus"), [
    # mt-metrics-eval's tau_optimization_test: expected thresholds and acc23 values
    ([1, 2, 3, 4], [0, 2, 6, 8], [0, 2, 4, 6, 8], [6 / 6, 4 / 6, 3 / 6, 1 / 6, 0 / 6]),
    ([1, 1, 1, 4], [0, 2, 6, 8], [0, 2, 4, 6, 8], [3 / 6, 3 / 6, 4 / 6, 4 / 6, 3 / 6]),
])
def test_acc_t_matches_the_reference_single_item(human, metric, thresholds, taus):
    t, v = acc_t_curve(TiePairs.build(human, metric, item_index([0] * len(human))))
    assert t.tolist() == thresholds and v == pytest.approx(taus)


def test_acc_t_matches_the_reference_with_missing_entries():
    """The reference's regression example: 5 items, missing entries, one empty item; the
    figure is the per-item accuracy averaged over items, one threshold for all."""
    metric = [[0, 5, 2, 3, 2], [None, 2, 1, 5, 3], [9, 1, 5, 3, 8], [9, 3, 4, 4, 1],
              [None] * 5]
    human = [[1, 5, 2, 1, 1], [4, 2, 2, 1, 4], [5, 9, 2, 8, 7], [7, 6, None, 3, 2],
             [None] * 5]
    h, m, items = _flatten(human, metric)
    t, v = acc_t_curve(TiePairs.build(h, m, item_index(items)))
    assert t.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    assert v == pytest.approx([0.4666666666666667, 0.4916666666666668, 0.38333333333333347,
                               0.29166666666666674, 0.2666666666666667, 0.2,
                               0.15833333333333335, 0.15833333333333335, 0.1166666666666667])
    assert acc_t(h, m, items) == pytest.approx((0.4916666666666668, 1.0))
    # mt-metrics-eval's stats_test value for one item
    assert acc_t([1, 2, 2, 3, 4], [2, 1, 1.5, 5, 3], [0] * 5)[0] == pytest.approx(0.7)


def test_item_average_and_pooled_differ_when_items_differ_in_size():
    """Item a: 4 systems, 6 pairs, all ordered right; item b: 2 systems, 1 pair, wrong.
    By item: (6/6 + 0/1) / 2 = 0.5; pooled: 6/7. (No threshold helps: the tied human pairs
    are none.)"""
    human = [1, 2, 3, 4, 1, 2]
    metric = [10, 20, 30, 40, 2, 1]
    items = ["a", "a", "a", "a", "b", "b"]
    assert acc_t(human, metric, items, "item") == pytest.approx((0.5, 0.0))
    assert acc_t(human, metric, items, "pair") == pytest.approx((6 / 7, 0.0))


def test_weighted_figures_equal_repeating_the_items():
    rng = np.random.default_rng(3)
    h, m = rng.integers(0, 5, 60).astype(float), rng.random(60).round(1)
    items = np.repeat(np.arange(12), 5)
    counts = np.array([0, 3, 1, 0, 2, 1, 1, 0, 1, 2, 1, 0])
    idx = np.repeat(np.arange(60), counts[items])
    w = counts[items].astype(float)
    assert weighted_pearson(h, m, w) == pytest.approx(pearson(h[idx], m[idx]))
    assert weighted_pearson(weighted_ranks(value_ids(h), w), weighted_ranks(value_ids(m), w),
                            w) == pytest.approx(spearman(h[idx], m[idx]))
    bad = h < 2
    assert weighted_auroc(value_ids(m), bad, w) == pytest.approx(auroc(m[idx], bad[idx]))
    # acc-t: each draw of an item is an item of its own
    drawn = [seg for item, c in enumerate(counts) for _ in range(c)
             for seg in range(item * 5, item * 5 + 5)]
    t1, v1 = acc_t_curve(TiePairs.build(h, m, items), counts.astype(float))
    t2, v2 = acc_t_curve(TiePairs.build(h[drawn], m[drawn], np.arange(len(drawn)) // 5))
    assert t1.tolist() == t2.tolist() and v1 == pytest.approx(v2)


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
