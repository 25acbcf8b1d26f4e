"""Sentence-level metrics. Each family is a small module; `consistency_metrics(lang)` builds
the sacrebleu trio with settings suited to the language, and their signatures go into the
result's signature."""

from tqcheck.metrics.consistency import ConsistencyMetric, consistency_metrics
from tqcheck.metrics.likelihood import surprisal_summary

__all__ = ["ConsistencyMetric", "consistency_metrics", "surprisal_summary"]
