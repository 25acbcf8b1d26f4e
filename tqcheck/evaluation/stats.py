"""Correlation and agreement statistics for meta-evaluation (numpy, no scipy).

Follows the WMT metrics-task definitions: Pearson, Spearman, Kendall tau-b, pairwise
accuracy with tie calibration (acc-t, Deutsch et al. 2023), AUROC; and character-level
span precision/recall.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

Spans = Iterable[tuple[int, int]]


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def ranks(x: Sequence[float]) -> np.ndarray:
    """Average ranks (ties share the mean of their positions)."""
    a = np.asarray(x, float)
    order = np.argsort(a, kind="mergesort")
    r = np.empty(len(a))
    sorted_a = a[order]
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and sorted_a[j + 1] == sorted_a[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return r


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    return pearson(ranks(x), ranks(y))


def _pair_signs(x: np.ndarray, chunk: int = 2048):
    """Yield, chunk by chunk, sign(x_i - x_j) for i < j."""
    n = len(x)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        d = np.sign(x[rows, None] - x[None, :])
        mask = rows[:, None] < np.arange(n)[None, :]
        yield d, mask


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, float), np.asarray(y, float)
    conc = disc = tie_x = tie_y = 0
    for (dx, mask), (dy, _) in zip(_pair_signs(a), _pair_signs(b), strict=True):
        p = dx * dy
        conc += int(((p > 0) & mask).sum())
        disc += int(((p < 0) & mask).sum())
        tie_x += int(((dx == 0) & (dy != 0) & mask).sum())
        tie_y += int(((dy == 0) & (dx != 0) & mask).sum())
    denom = np.sqrt((conc + disc + tie_x) * (conc + disc + tie_y))
    return float((conc - disc) / denom) if denom else float("nan")


def pairwise_accuracy_tie_calibrated(human: Sequence[float], metric: Sequence[float],
                                     groups: Sequence[object] | None = None
                                     ) -> tuple[float, float]:
    """acc-t: agreement on pair order where ties count (a pair tied by humans must be tied by
    the metric), with the metric's tie threshold epsilon chosen to maximise agreement.

    With `groups`, only pairs within a group (e.g. translations of the same source) count.
    Returns (accuracy, epsilon).
    """
    h, m = np.asarray(human, float), np.asarray(metric, float)
    idx_groups: list[np.ndarray]
    if groups is None:
        idx_groups = [np.arange(len(h))]
    else:
        keys: dict[object, list[int]] = {}
        for i, g in enumerate(groups):
            keys.setdefault(g, []).append(i)
        idx_groups = [np.array(v) for v in keys.values() if len(v) > 1]
    hs, ms = [], []
    for idx in idx_groups:
        iu = np.triu_indices(len(idx), k=1)
        hs.append(np.sign(h[idx][:, None] - h[idx][None, :])[iu])
        ms.append((m[idx][:, None] - m[idx][None, :])[iu])
    if not hs:
        return float("nan"), 0.0
    dh, dm = np.concatenate(hs), np.concatenate(ms)
    # Candidate epsilons: 0 and each distinct |dm|; evaluate all in one sorted sweep.
    absdm = np.abs(dm)
    order = np.argsort(absdm, kind="mergesort")
    absdm, dh, dm = absdm[order], dh[order], dm[order]
    # With epsilon e, pairs with |dm| <= e are metric ties (agree iff dh == 0); the rest agree
    # iff sign(dm) == dh.
    tie_agree = np.cumsum(dh == 0)
    order_agree = (np.sign(dm) == dh).astype(int)
    rest_agree = order_agree[::-1].cumsum()[::-1]
    n = len(dh)
    best_acc = float(order_agree.sum() - (order_agree * (absdm == 0)).sum()
                     + ((dh == 0) & (absdm == 0)).sum()) / n
    best_eps = 0.0
    # Only the last index of each run of equal |dm| is a valid cut.
    last = np.append(absdm[1:] != absdm[:-1], True)
    for k in np.nonzero(last)[0]:
        agree = tie_agree[k] + (rest_agree[k + 1] if k + 1 < n else 0)
        if agree / n > best_acc:
            best_acc, best_eps = agree / n, float(absdm[k])
    return best_acc, best_eps


def auroc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """P(score of a positive > score of a negative), ties counting half (Mann-Whitney)."""
    s, y = np.asarray(scores, float), np.asarray(labels, bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return float("nan")
    r = ranks(s)
    return float((r[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def system_pairwise_accuracy(systems: Sequence[str], human: Sequence[float],
                             metric: Sequence[float]) -> float:
    """Share of system pairs ordered the same by mean human and mean metric scores."""
    by: dict[str, list[tuple[float, float]]] = {}
    for s, h, m in zip(systems, human, metric, strict=True):
        by.setdefault(s, []).append((h, m))
    means = [(np.mean([h for h, _ in v]), np.mean([m for _, m in v])) for v in by.values()]
    agree = total = 0
    for i in range(len(means)):
        for j in range(i + 1, len(means)):
            total += 1
            agree += np.sign(means[i][0] - means[j][0]) == np.sign(means[i][1] - means[j][1])
    return agree / total if total else float("nan")


def char_prf(pairs: Iterable[tuple[Spans, Spans]]) -> dict[str, float]:
    """Character-level precision, recall and F1 of predicted spans against gold spans.

    Each pair is (gold spans, predicted spans) over one text; overlapping spans count
    each character once.
    """
    tp = n_pred = n_gold = 0
    for gold_spans, pred_spans in pairs:
        gold = {i for s, e in gold_spans for i in range(s, e)}
        pred = {i for s, e in pred_spans for i in range(s, e)}
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
    p = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": rec, "f1": 2 * p * rec / (p + rec) if p + rec else 0.0,
            "gold_chars": n_gold, "flagged_chars": n_pred}
