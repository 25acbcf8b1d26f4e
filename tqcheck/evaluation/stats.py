"""Correlation and agreement statistics for meta-evaluation, defined as the WMT metrics task
defines them, with bootstrap confidence intervals and paired permutation tests.

- Pearson, Spearman and Kendall tau-b over all system-segments ("no grouping"), from scipy.
- acc-t (Deutsch et al. 2023, "Ties Matter"): pairwise accuracy where a pair tied by the
  humans must be tied by the metric, the metric's ties being pairs within a threshold eps.
  `acc_t` is WMT23's segment-level figure (mt-metrics-eval `KendallWithTiesOpt`,
  variant acc23, `avg_by="item"`): the accuracy of each item (the translations of one
  source segment) averaged over the items that have a pair, with one eps for all items,
  chosen to maximise that average. `acc_t_pooled` pools the pairs of all items instead
  (every pair weighs the same); the two differ when items have different numbers of
  systems.
- AUROC, system-level pairwise accuracy, character-level span precision/recall.

Resampling is by item, vectorised: a bootstrap replicate or a permutation reweights or
swaps whole items, and acc-t's threshold search is one cumulative sum over pairs sorted once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Spans = Iterable[tuple[int, int]]


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def ranks(x: Sequence[float]) -> np.ndarray:
    """Average ranks (ties share the mean of their positions), from 1."""
    from scipy.stats import rankdata

    return rankdata(np.asarray(x, float), method="average")


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    return pearson(ranks(x), ranks(y))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    from scipy.stats import kendalltau

    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(kendalltau(a, b, variant="b").statistic)


# -- weighted forms: a bootstrap replicate weighs each segment by how often its item was drawn

def weighted_pearson(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    if total <= 0:
        return float("nan")
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    dx, dy = x - mx, y - my
    sxx, syy = (w * dx * dx).sum(), (w * dy * dy).sum()
    if sxx <= 0 or syy <= 0:
        return float("nan")
    return float((w * dx * dy).sum() / np.sqrt(sxx * syy))


def value_ids(x: np.ndarray) -> np.ndarray:
    """Each value's position among the distinct values, ascending (for weighted ranks)."""
    return np.unique(x, return_inverse=True)[1]


def weighted_ranks(ids: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The average ranks the entries would get if each were repeated w times."""
    block = np.bincount(ids, w)
    before = np.cumsum(block) - block
    return (before + (block + 1) / 2)[ids]


def weighted_auroc(ids: np.ndarray, labels: np.ndarray, w: np.ndarray) -> float:
    """AUROC of the scores behind `ids` (value_ids), each entry repeated w times."""
    n_pos, n_neg = w[labels].sum(), w[~labels].sum()
    if not n_pos or not n_neg:
        return float("nan")
    r = weighted_ranks(ids, w)
    return float(((w * r)[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def weighted_system_accuracy(system_ids: np.ndarray, human: np.ndarray, metric: np.ndarray,
                             w: np.ndarray) -> float:
    n = int(system_ids.max()) + 1
    count = np.bincount(system_ids, w, n)
    seen = count > 0
    if seen.sum() < 2:
        return float("nan")
    h = np.bincount(system_ids, w * human, n)[seen] / count[seen]
    m = np.bincount(system_ids, w * metric, n)[seen] / count[seen]
    iu = np.triu_indices(len(h), k=1)
    return float((np.sign(h[:, None] - h[None, :])[iu]
                  == np.sign(m[:, None] - m[None, :])[iu]).mean())


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
    """Share of system pairs ordered the same by mean human and mean metric scores (a tie
    on either side agrees only with a tie on the other)."""
    names, inverse = np.unique(np.asarray(systems, dtype=object), return_inverse=True)
    if len(names) < 2:
        return float("nan")
    count = np.bincount(inverse, minlength=len(names))
    h = np.bincount(inverse, np.asarray(human, float), len(names)) / count
    m = np.bincount(inverse, np.asarray(metric, float), len(names)) / count
    iu = np.triu_indices(len(names), k=1)
    dh = np.sign(h[:, None] - h[None, :])[iu]
    dm = np.sign(m[:, None] - m[None, :])[iu]
    return float((dh == dm).mean())


# -- acc-t ---------------------------------------------------------------------------------

def item_index(items: Sequence[Hashable]) -> np.ndarray:
    """0-based item number of each entry (items in first-seen order)."""
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(i, len(index)) for i in items], dtype=np.int64)


@dataclass(frozen=True)
class TiePairs:
    """Every within-item pair of (human, metric) scores, with what acc-t needs at any tie
    threshold: the pair's metric gap and how its agreement changes when it becomes a metric
    tie (+1: humans tie it too; -1: it was ordered right; 0: it already was a metric tie or
    was ordered wrong). Pairs are in enumeration order (the same for any metric over the same
    items), not sorted."""

    item: np.ndarray  # item of each pair
    gap: np.ndarray  # |metric difference|
    gain: np.ndarray  # agreement change when tied: -1, 0, +1
    base: np.ndarray  # per item: agreeing pairs with no tie introduced
    n_pairs: np.ndarray  # per item

    @classmethod
    def build(cls, human: Sequence[float], metric: Sequence[float],
              items: np.ndarray) -> TiePairs:
        h, m = np.asarray(human, float), np.asarray(metric, float)
        n_items = int(items.max()) + 1 if len(items) else 0
        order = np.argsort(items, kind="stable")
        bounds = np.searchsorted(items[order], np.arange(n_items + 1))
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for g in range(n_items):
            idx = order[bounds[g]:bounds[g + 1]]
            a, b = np.triu_indices(len(idx), k=1)
            parts.append((np.full(len(a), g), idx[a], idx[b]))
        if parts:
            item, i, j = (np.concatenate(p) for p in zip(*parts, strict=True))
        else:
            item = i = j = np.zeros(0, dtype=np.int64)
        dh, dm = np.sign(h[i] - h[j]), m[i] - m[j]
        agree = np.where(dm == 0, dh == 0, np.sign(dm) == dh).astype(np.int64)
        gain = (dh == 0).astype(np.int64) - agree
        return cls(item=item, gap=np.abs(dm), gain=gain,
                   base=np.bincount(item, agree, n_items),
                   n_pairs=np.bincount(item, minlength=n_items).astype(float))

    def swapped(self, other: TiePairs, swap: np.ndarray) -> TiePairs:
        """This metric's pairs in the items where `swap` is False, `other`'s elsewhere (a
        paired permutation)."""
        take = swap[self.item]
        return TiePairs(item=self.item, gap=np.where(take, other.gap, self.gap),
                        gain=np.where(take, other.gain, self.gain),
                        base=np.where(swap, other.base, self.base), n_pairs=self.n_pairs)


def acc_t_curve(pairs: TiePairs, weights: np.ndarray | None = None, average: str = "item",
                order: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(thresholds, acc-t at each): `average="item"` averages each item's accuracy (WMT23),
    `"pair"` pools the pairs. `weights` (per item) reweights items, as a bootstrap replicate
    does; `order` is `argsort(pairs.gap)` when the caller has it."""
    w = np.ones(len(pairs.n_pairs)) if weights is None else np.asarray(weights, float)
    has = pairs.n_pairs > 0
    if average == "item":
        scale = np.where(has, w / np.where(has, pairs.n_pairs, 1), 0.0)
        total = float(w[has].sum())
    else:
        scale = np.where(has, w, 0.0)
        total = float((w * pairs.n_pairs)[has].sum())
    if not total:
        return np.zeros(1), np.full(1, np.nan)
    order = np.argsort(pairs.gap, kind="stable") if order is None else order
    gaps = pairs.gap[order]
    steps = np.cumsum(pairs.gain[order] * scale[pairs.item[order]])
    start = float((pairs.base * scale).sum())
    last = np.append(gaps[1:] != gaps[:-1], True)  # a threshold ties every pair up to it
    thresholds, values = gaps[last], start + steps[last]
    if not len(gaps) or gaps[0] > 0:
        thresholds, values = np.append(0.0, thresholds), np.append(start, values)
    return thresholds, values / total


def acc_t(human: Sequence[float], metric: Sequence[float], items: Sequence[Hashable],
          average: str = "item") -> tuple[float, float]:
    """(acc-t, its tie threshold eps): WMT23's segment-level accuracy (`average="item"`), or
    the pooled variant (`"pair"`)."""
    thresholds, values = acc_t_curve(TiePairs.build(human, metric, item_index(items)),
                                     average=average)
    if np.isnan(values).all():
        return float("nan"), 0.0
    k = int(np.nanargmax(values))
    return float(values[k]), float(thresholds[k])


def pairwise_accuracy_tie_calibrated(human: Sequence[float], metric: Sequence[float],
                                     groups: Sequence[Hashable] | None = None
                                     ) -> tuple[float, float]:
    """acc-t with every within-group pair pooled (one group when `groups` is None)."""
    return acc_t(human, metric, groups if groups is not None else [0] * len(human), "pair")


# -- resampling ----------------------------------------------------------------------------

Figure = Callable[[np.ndarray], float]  # figure of a metric over a choice of segments


@dataclass(frozen=True)
class ItemResampler:
    """Bootstrap replicates and paired permutations by item, seeded."""

    items: np.ndarray  # item of each segment
    seed: int = 12345

    def segments_of(self, counts: np.ndarray) -> np.ndarray:
        """Segment indices of a replicate that drew each item `counts[i]` times."""
        reps = counts[self.items]
        return np.repeat(np.arange(len(self.items)), reps)

    def replicates(self, n: int) -> Iterable[np.ndarray]:
        """Item counts of `n` bootstrap replicates (items drawn with replacement)."""
        rng = np.random.default_rng(self.seed)
        n_items = int(self.items.max()) + 1
        for _ in range(n):
            yield np.bincount(rng.integers(0, n_items, n_items), minlength=n_items)

    def swaps(self, n: int) -> Iterable[np.ndarray]:
        """Which items swap the two metrics' scores, for `n` paired permutations."""
        rng = np.random.default_rng(self.seed + 1)
        n_items = int(self.items.max()) + 1
        for _ in range(n):
            yield rng.random(n_items) < 0.5


def percentile_interval(values: Sequence[float], level: float = 0.95) -> list[float]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if not len(v):
        return [float("nan"), float("nan")]
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(v, [tail, 100 - tail])
    return [float(lo), float(hi)]


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
