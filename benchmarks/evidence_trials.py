"""Bilingual evidence tried for the span decision and left out, measured word by word.

    python benchmarks/evidence_trials.py [--segments 3000]
        [--only alignment|unpaired|encoder|dictionary]

On the first N segments of each WMT21 news file of ../shared/data/qe-spans (en-de, zh-en,
en-ru: the development split), model-free: how much more often a target word marked by each
kind of evidence lies in an expert's error span than the other words do (the lift), or the
AUROC of a score for "this word is in an error". Results: benchmarks/results/
evidence_trials.json; docs/evaluation.md ("Learned spans") says what they mean.

- alignment: eflomal (pip install eflomal; not a dependency of tqcheck) learned on the
  segments themselves, unsupervised, in batches of 50 (a document) and over the whole
  sample (a corpus), each with and without the dictionaries' pairs as lexical priors; a
  content word counts as unaligned unless both directions align it.
- encoder: the sentence encoder over windows of 4 words: the source's similarity to the
  text without the window, less its similarity to the whole text (leave one out), and the
  window's own similarity to the source.
- unpaired: aligned words the dictionaries do not pair (the issue's mistranslation
  candidates): eflomal over the whole sample, a link both directions agree on between two
  different words of which the dictionaries know one and do not pair them.
- dictionary: the dictionaries' unmatched words split into words the dictionary knows
  and words it does not.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.evaluation.qespans import read_spans  # noqa: E402
from tqcheck.text.align import words  # noqa: E402
from tqcheck.text.bilingual import evidence, forms, settings  # noqa: E402
from tqcheck.text.frequency import zipf  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"
PAIRS = ("en-de", "zh-en", "en-ru")
_ZH = re.compile(r"[\u4e00-\u9fff]|[^\W\d_]+|\d+")


def _gold(seg) -> set[int]:
    return {i for a, b, _ in seg.spans for i in range(a, b)}


def _tokens(text: str, lang: str) -> list[tuple[int, int, str]]:
    if lang == "zh":
        return [(m.start(), m.end(), m.group().lower()) for m in _ZH.finditer(text)]
    return [(w.start, w.end, w.norm) for w in words(text) if not w.is_punct]


def _priors(ev, src_toks, tgt_toks, src: str, tgt: str) -> set[tuple[str, str]]:
    """(source word, target word) pairs of each segment that the dictionaries pair."""
    out: set[tuple[str, str]] = set()
    particles = settings().cjk_particles
    for s, t in zip(src_toks, tgt_toks, strict=True):
        sw, tw = {x[2] for x in s}, {x[2] for x in t}
        for b in tw:
            if ev.forward is not None:
                out |= {(a, b) for a in sw for f in forms(a, src)
                        if any(ev._similar(b, tr) for tr in ev.forward.translations(f))}
            if ev.backward is not None:
                for back in (x for f in forms(b, tgt) for x in ev.backward.translations(f)):
                    out |= ({(c, b) for c in back if c in sw and c not in particles}
                            if src == "zh" else {(a, b) for a in sw if ev._similar(a, back)})
    return out


def _eflomal(src_toks, tgt_toks, priors: set[tuple[str, str]]) -> list[set[int]]:
    """Per segment, the target tokens both directions align."""
    return [{j for _, j in links} for links in _links(src_toks, tgt_toks, priors)]


def _links(src_toks, tgt_toks, priors: set[tuple[str, str]]) -> list[set[tuple[int, int]]]:
    """Per segment, the (source, target) token links both directions agree on."""
    import eflomal

    def lines(toks):
        return io.StringIO("\n".join(" ".join(x[2] for x in t) or "-" for t in toks) + "\n")

    with tempfile.TemporaryDirectory() as d:
        lex = io.StringIO("".join(f"LEX\t{a}\t{b}\t2\n" for a, b in sorted(priors)))
        eflomal.Aligner().align(lines(src_toks), lines(tgt_toks),
                                links_filename_fwd=f"{d}/fwd", links_filename_rev=f"{d}/rev",
                                priors_input=lex if priors else None, quiet=True)
        fwd = Path(f"{d}/fwd").read_text().splitlines()
        rev = Path(f"{d}/rev").read_text().splitlines()
    def pairs(line: str) -> set[tuple[int, int]]:
        return {(int(a), int(b)) for a, b in (p.split("-") for p in line.split())}

    return [pairs(f) & pairs(r) for f, r in zip(fwd, rev, strict=True)]


def _lift(counts: Counter) -> dict[str, float]:
    def p(marked: bool) -> float:
        n = counts[(marked, True)] + counts[(marked, False)]
        return counts[(marked, True)] / n if n else 0.0

    total = sum(counts.values())
    return {"p_error_marked": round(p(True), 4), "p_error_other": round(p(False), 4),
            "lift": round(p(True) / p(False), 3) if p(False) else 0.0,
            "share_marked": round((counts[(True, True)] + counts[(True, False)]) / total, 4)}


def alignment(pair: str, segs: list) -> dict[str, dict[str, float]]:
    src, tgt = pair.split("-")
    ev = evidence(src, tgt)
    stoks = [_tokens(s.source, src) for s in segs]
    ttoks = [_tokens(s.target, tgt) for s in segs]
    out = {}
    for batch in (50, len(segs)):
        for primed in (False, True):
            if primed and ev is None:
                continue
            t0 = time.perf_counter()
            aligned: list[set[int]] = []
            for lo in range(0, len(segs), batch):
                s, t = stoks[lo:lo + batch], ttoks[lo:lo + batch]
                aligned += _eflomal(s, t, _priors(ev, s, t, src, tgt) if primed else set())
            seconds = time.perf_counter() - t0
            counts: Counter = Counter()
            for seg, toks, ok in zip(segs, ttoks, aligned, strict=True):
                gold = _gold(seg)
                for k, (a, b, w) in enumerate(toks):
                    if (zipf(w, tgt) or 0.0) < settings().function_zipf:
                        counts[(k not in ok, any(i in gold for i in range(a, b)))] += 1
            name = f"batches of {batch}" + (" + dictionary priors" if primed else "")
            out[name] = {**_lift(counts), "segments_per_s": round(len(segs) / seconds, 1)}
            print(f"{pair} alignment, {name}: {out[name]}", flush=True)
    return out


def unpaired(pair: str, segs: list) -> dict[str, float]:
    """Aligned words the dictionaries do not pair: a target content word linked (both
    directions, eflomal over the whole sample) to a source word, where the dictionaries
    know one of the two and do not pair them, and the two differ (names are copied)."""
    src, tgt = pair.split("-")
    ev = evidence(src, tgt)
    if ev is None:
        return {}
    stoks = [_tokens(s.source, src) for s in segs]
    ttoks = [_tokens(s.target, tgt) for s in segs]
    links = _links(stoks, ttoks, set())

    def known(word: str, lang: str, d) -> bool:
        return d is not None and any(d.translations(f) for f in forms(word, lang))

    counts: Counter = Counter()
    for seg, s, t, ls in zip(segs, stoks, ttoks, links, strict=True):
        gold, paired = _gold(seg), _priors(ev, [s], [t], src, tgt)
        marked = {j for i, j in ls if s[i][2] != t[j][2] and (s[i][2], t[j][2]) not in paired
                  and (known(s[i][2], src, ev.forward) or known(t[j][2], tgt, ev.backward))}
        for k, (a, b, w) in enumerate(t):
            if (zipf(w, tgt) or 0.0) < settings().function_zipf:
                counts[(k in marked, any(i in gold for i in range(a, b)))] += 1
    out = _lift(counts)
    print(f"{pair} aligned words the dictionaries do not pair: {out}", flush=True)
    return out


def encoder(pair: str, segs: list, width: int = 4, step: int = 2) -> dict[str, float]:
    import numpy as np
    from scipy.stats import mannwhitneyu

    from tqcheck.metrics.similarity import _encoder

    enc = _encoder()
    left_out: dict[bool, list[float]] = {True: [], False: []}
    own: dict[bool, list[float]] = {True: [], False: []}
    t0 = time.perf_counter()
    for seg in segs:
        tw = [w for w in words(seg.target) if not w.is_punct]
        if len(tw) < 6:
            continue
        text, gold = seg.target, _gold(seg)
        wins = [(i, min(len(tw), i + width)) for i in range(0, len(tw) - width + 1, step)]
        v = np.asarray(enc.encode([seg.source, text]
                                  + [text[:tw[i].start] + text[tw[j - 1].end:] for i, j in wins]
                                  + [text[tw[i].start:tw[j - 1].end] for i, j in wins]))
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        sims = v[2:] @ v[0]
        n, base = len(wins), float(v[0] @ v[1])
        gain, chunk = np.full(len(tw), -9.0), np.full(len(tw), 9.0)
        for k, (i, j) in enumerate(wins):
            gain[i:j] = np.maximum(gain[i:j], sims[k] - base)
            chunk[i:j] = np.minimum(chunk[i:j], sims[n + k])
        for k, w in enumerate(tw):
            err = any(x in gold for x in range(w.start, w.end))
            left_out[err].append(float(gain[k]))
            own[err].append(-float(chunk[k]))

    def auroc(scores: dict[bool, list[float]]) -> float:
        u = mannwhitneyu(scores[True], scores[False]).statistic
        return round(float(u) / (len(scores[True]) * len(scores[False])), 3)

    out = {"auroc_leave_one_out": auroc(left_out), "auroc_low_window_similarity": auroc(own),
           "ms_per_segment": round(1000 * (time.perf_counter() - t0) / len(segs), 1)}
    print(f"{pair} encoder windows: {out}", flush=True)
    return out


def dictionary(pair: str, segs: list) -> dict[str, dict[str, float]]:
    src, tgt = pair.split("-")
    ev = evidence(src, tgt)
    if ev is None:
        return {}
    counts: Counter = Counter()
    for seg in segs:
        gold = _gold(seg)
        for w, ok in ev.coverage(seg.source, seg.target).target:
            known = ev.backward is not None and any(ev.backward.translations(f)
                                                    for f in forms(w.text, tgt))
            kind = "matched" if ok else "unmatched, known" if known else "unmatched, unknown"
            counts[(kind, any(i in gold for i in range(w.start, w.end)))] += 1
    total = sum(counts.values())
    out = {}
    for kind in ("matched", "unmatched, known", "unmatched, unknown"):
        n = counts[(kind, True)] + counts[(kind, False)]
        out[kind] = {"p_error": round(counts[(kind, True)] / n, 4) if n else 0.0,
                     "share": round(n / total, 4)}
    print(f"{pair} dictionary: {out}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=3000)
    ap.add_argument("--only", choices=("alignment", "unpaired", "encoder", "dictionary"))
    args = ap.parse_args()
    trials = {"alignment": alignment, "unpaired": unpaired, "encoder": encoder,
              "dictionary": dictionary}
    path = ROOT / "benchmarks" / "results" / "evidence_trials.json"
    # --only: the other trials' results, measured before, are kept
    results: dict = (json.loads(path.read_text("utf-8")) if args.only and path.is_file()
                     else {}) | {"segments": args.segments}
    for pair in PAIRS:
        segs = read_spans(DATA / f"2021_{pair}_processed.tsv")[:args.segments]
        for name, trial in trials.items():
            if args.only in (None, name):
                # the encoder is slow: every 10th of the segments
                results.setdefault(name, {})[pair] = trial(
                    pair, segs[::10] if name == "encoder" else segs)
    path.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
