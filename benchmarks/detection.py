"""Detection benchmark on the toy language: can tqcheck find injected errors, and where?

    python benchmarks/detection.py [--models-dir fixtures/models] [--limit 200]

From held-out English sentences (fixtures/toy/heldout.en.txt, never used in training) it
builds a clean translation and corrupted ones with known spans, runs tqcheck through its
public API with the committed toy models, and reports per category:
- segment AUROC: risk of corrupted vs clean segments (1.0 = every corrupted segment scores
  above every clean one);
- span precision / recall / F1 over characters: flags of the category (on the side where the
  injected span lives) against the injected spans, clean segments included, so false alarms
  on clean text cost precision; `any` uses flags of every category.

Source-aware cases (source = the toy sentence, `--src-lang toy`): omission (a phrase dropped
from the English; the span is its toy counterpart in the source), addition (words inserted),
mistranslation (a content word replaced), untranslated (words left in toy), number (a number
changed). Target-only cases (`--pivot toy`): awkward (two adjacent words swapped, or the toy
determiner order calqued into English).

Out of domain (`fixtures/news/wire.en.txt` and `wire-test.en.txt`: wire-style news sentences
written for this benchmark, far from the toy models' TED-like training text; the checks
were developed on `wire` and `wire-test` was kept aside), source-aware, the single-word
meaning changes that cost a newsroom most: one content word dropped (`drop-word`), a
negation flipped (`negation`: "not" inserted after an auxiliary or removed), a number
changed (`number-ood`: digits, or half the time a number word where there is one), a name
swapped for another name of the corpus (`name`). Each is
scored against the clean out-of-domain sentences, whose flags per 100 sentences and share
with a Major flag are the false-alarm rate (`out_of_domain.SET.clean`).

The synonym toy (`fixtures/models/{en-syn,syn-en}`, tqcheck.testing.synonyms; skipped when
they are missing; `--synonyms-only` runs it alone, `--synonym-pivot fr` through real
opus-mt models instead): target-only (`--pivot syn`), held-out English sentences (the toy's
held-out talks and the training sentences the synonym toy left out) where one idiomatic
phrasing is replaced by a calque of it: `calque` uses families whose calques no training
sentence shows (held-out members of the trained constructions: "in a rapid manner",
"more strong", "conducted an evaluation of"), `calque-new-construction` the superlative
("the most strong"), a construction the corpus never calques, and `calque-seen` families
the training sentences do calque, in sentences it never saw. Per kind: the AUROC of the
risk against the clean sentences, and span P/R/F1 of the awkward flags; and the clean
sentences' flags per 10 (all flags, and model:paraphrase's).
Results: benchmarks/results/detection.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.check.options import CheckOptions  # noqa: E402
from tqcheck.evaluation.stats import auroc, char_prf  # noqa: E402
from tqcheck.pipeline.checker import Checker  # noqa: E402
from tqcheck.testing.synonyms import calque, idioms_in  # noqa: E402
from tqcheck.testing.toylang import DETERMINERS, to_toy, to_toy_aligned  # noqa: E402
from tqcheck.text.align import STOPWORDS  # noqa: E402
from tqcheck.types import Segment  # noqa: E402

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "hundred": 100,
                "thousand": 1000, "million": 1000000}
ADDITIONS = ["very quickly", "in Paris", "last year", "for no reason", "almost secretly",
             "with great anger", "every morning", "without any doubt"]
SOURCE_CATEGORIES = {
    "omission": ("Accuracy/Omission",),
    "addition": ("Accuracy/Addition",),
    "mistranslation": ("Accuracy/Mistranslation",),
    "untranslated": ("Accuracy/Untranslated text",),
    "number": ("Accuracy/Number",),
}
TARGET_CATEGORIES = {"awkward": ("Style/Awkward",)}
OOD_SETS = ("wire", "wire-test")  # fixtures/news/NAME.en.txt; wire-test was not tuned on
OOD_CATEGORIES = {
    "drop-word": ("Accuracy/Omission",),
    "negation": ("Accuracy/Mistranslation", "Accuracy/Omission", "Accuracy/Addition"),
    "number-ood": ("Accuracy/Number",),
    "name": ("Accuracy/Mistranslation",),
}
AUXILIARIES = ("is", "was", "are", "were", "will", "would", "has", "had", "have", "can",
               "could", "should", "must", "did", "does")
NEGATORS = re.compile(r"\b(not|never)\b ?|n't\b", re.IGNORECASE)


@dataclass
class Case:
    kind: str  # "clean" or a corruption
    source: str
    target: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    side: str = "target"


def content_words(text: str) -> list[re.Match[str]]:
    stop = STOPWORDS["en"]
    return [m for m in WORD.finditer(text) if m.group().lower() not in stop
            and len(m.group()) > 2]


def omission(en: str, rng: random.Random) -> Case | None:
    toks = list(WORD.finditer(en))
    if len(toks) < 8:
        return None
    n = rng.randint(2, 4)
    i = rng.randrange(1, len(toks) - n)
    a, b = toks[i].start(), toks[i + n - 1].end()
    if not any(m.group().lower() not in STOPWORDS["en"] for m in toks[i:i + n]):
        return None
    target = (en[:a].rstrip() + " " + en[b:].lstrip()).strip()
    aligned = to_toy_aligned(en)
    spans = [t for e, t in aligned.spans if a <= e[0] and e[1] <= b]
    return Case("omission", aligned.text, target, _merge(spans, aligned.text), "source")


def addition(en: str, rng: random.Random) -> Case | None:
    toks = list(WORD.finditer(en))
    if len(toks) < 4:
        return None
    at = toks[rng.randrange(1, len(toks))].start()
    phrase = rng.choice(ADDITIONS)
    target = en[:at] + phrase + " " + en[at:]
    return Case("addition", to_toy(en), target, [(at, at + len(phrase))])


def mistranslation(en: str, rng: random.Random, vocab: list[str]) -> Case | None:
    words = content_words(en)
    if not words:
        return None
    m = rng.choice(words)
    new = rng.choice([v for v in vocab if v.lower() != m.group().lower()])
    if m.group()[0].isupper():
        new = new.capitalize()
    target = en[:m.start()] + new + en[m.end():]
    return Case("mistranslation", to_toy(en), target, [(m.start(), m.start() + len(new))])


def untranslated(en: str, rng: random.Random) -> Case | None:
    words = [m for m in content_words(en) if m.group().islower()]  # names stay names
    if len(words) < 2:
        return None
    k = rng.randrange(len(words) - 1)
    pick = words[k:k + 2]
    target, spans, shift = en, [], 0
    for m in pick:
        toy = to_toy(m.group())
        s = m.start() + shift
        target = target[:s] + toy + target[s + len(m.group()):]
        spans.append((s, s + len(toy)))
        shift += len(toy) - len(m.group())
    return Case("untranslated", to_toy(en), target, spans)


def number(en: str, rng: random.Random) -> Case | None:
    digits = list(re.finditer(r"\d+", en))
    if not digits:
        words = [m for m in WORD.finditer(en) if m.group().lower() in NUMBER_WORDS]
        if not words:
            return None
        m = words[0]
        en = en[:m.start()] + str(NUMBER_WORDS[m.group().lower()]) + en[m.end():]
        digits = list(re.finditer(r"\d+", en))
    m = rng.choice(digits)
    value = int(m.group())
    new = str(value * 10 if rng.random() < 0.5 else value + rng.randint(1, 9))
    target = en[:m.start()] + new + en[m.end():]
    return Case("number", to_toy(en), target, [(m.start(), m.start() + len(new))])


def drop_word(en: str, rng: random.Random) -> Case | None:
    """One content word (not a name, not a number) dropped; its toy counterpart is the
    omitted span in the source."""
    toks = list(WORD.finditer(en))
    cands = [k for k, m in enumerate(toks) if k > 0 and m.group().islower()
             and m.group() not in STOPWORDS["en"] and len(m.group()) > 3]
    if not cands:
        return None
    m = toks[rng.choice(cands)]
    target = (en[:m.start()].rstrip() + " " + en[m.end():].lstrip()).replace(" ,", ",")
    aligned = to_toy_aligned(en)
    spans = [t for e, t in aligned.spans if e == (m.start(), m.end())]
    return Case("drop-word", aligned.text, target, spans, "source")


def negation(en: str, rng: random.Random) -> Case | None:
    """"not" removed where the sentence has it (the source's negator is the omitted span),
    else inserted after the first auxiliary (the inserted word is the span)."""
    neg = NEGATORS.search(en)
    if neg and neg.group().strip().lower() in ("not", "never"):
        target = en[:neg.start()] + en[neg.end():]
        aligned = to_toy_aligned(en)
        word = neg.start(), neg.start() + len(neg.group().strip())
        return Case("negation", aligned.text, target,
                    [t for e, t in aligned.spans if e == word], "source")
    aux = next((m for m in WORD.finditer(en) if m.group() in AUXILIARIES), None)
    if neg or aux is None:
        return None
    target = en[:aux.end()] + " not" + en[aux.end():]
    return Case("negation", to_toy(en), target, [(aux.end() + 1, aux.end() + 4)])


def number_word(en: str, rng: random.Random) -> Case | None:
    """A number written as a word changed to another ("four days" -> "six days")."""
    small = [w for w, v in NUMBER_WORDS.items() if v <= 10]
    words = [m for m in WORD.finditer(en) if m.group().lower() in small]
    if not words:
        return None
    m = rng.choice(words)
    new = rng.choice([w for w in small if w != m.group().lower()])
    new = new.capitalize() if m.group()[0].isupper() else new
    target = en[:m.start()] + new + en[m.end():]
    return Case("number-ood", to_toy(en), target, [(m.start(), m.start() + len(new))])


def name(en: str, rng: random.Random, names: list[str]) -> Case | None:
    """A name (a capitalised word inside the sentence) swapped for another of the corpus."""
    cands = [m for m in WORD.finditer(en) if m.start() > 0 and m.group()[0].isupper()
             and m.group() != "I" and en[:m.start()].rstrip()[-1:] not in ".!?\""]
    if not cands:
        return None
    m = rng.choice(cands)
    new = rng.choice([n for n in names if n != m.group()])
    target = en[:m.start()] + new + en[m.end():]
    return Case("name", to_toy(en), target, [(m.start(), m.start() + len(new))])


def awkward(en: str, rng: random.Random) -> Case | None:
    toks = list(WORD.finditer(en))
    dets = [i for i, m in enumerate(toks[:-1]) if m.group().lower() in DETERMINERS]
    if dets and rng.random() < 0.5:  # calque: "the talks" -> "talks the"
        i = rng.choice(dets)
    else:
        cands = [i for i in range(len(toks) - 1)
                 if toks[i + 1].start() - toks[i].end() == 1
                 and toks[i].group().lower() != toks[i + 1].group().lower()]
        if not cands:
            return None
        i = rng.choice(cands)
    a, b = toks[i], toks[i + 1]
    first, second = a.group(), b.group()
    if a.start() == 0 or en[a.start() - 1] in ".!?\"":  # keep sentence-initial capitals
        first, second = first.lower() if first not in ("I",) else first, second.capitalize()
    target = en[:a.start()] + second + " " + first + en[b.end():]
    return Case("awkward", en, target, [(a.start(), b.end())])


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and not text[out[-1][1]:s].strip():
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def span_scores(cases: list[Case], results, categories: tuple[str, ...] | None,
                side: str, signal: str | None = None) -> dict[str, float]:
    """Character P/R/F1 of the flags (of `categories`, on `side`; of one signal) against
    injected spans; clean cases have none, so their flags cost precision."""
    prf = char_prf(
        (case.spans if case.kind != "clean" else [],
         [(f.start, f.end) for f in r.flags
          if f.side == side and (categories is None or f.category in categories)
          and (signal is None or f.signal == signal)])
        for case, r in zip(cases, results, strict=True))
    return {k: round(prf[k], 4) for k in ("precision", "recall", "f1")}


def run_cases(checker: Checker, cases: list[Case], with_source: bool):
    segs = [Segment(id=i, text=c.target, start=0, end=len(c.target), line=i + 1,
                    source=c.source if with_source else None) for i, c in enumerate(cases)]
    return checker.check(segs, input_name="detection-benchmark")


def main() -> None:
    ap = argparse.ArgumentParser(description="tqcheck detection benchmark on the toy language")
    ap.add_argument("--models-dir", default=str(ROOT / "fixtures" / "models"))
    ap.add_argument("--limit", type=int, default=200, help="held-out sentences to use")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                    "detection.json")
    ap.add_argument("--synonyms-only", action="store_true",
                    help="only the calques (the synonym toy's part), written to --out")
    ap.add_argument("--synonym-pivot", default="syn", help="the pivot the calques go "
                    "through: syn (the synonym toy) or a real one, e.g. fr (opus-mt en-fr and "
                    "fr-en from the hub, or from --models-dir)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.synonyms_only:
        t0 = time.time()
        part = synonym_part(args.models_dir, args.limit, rng, args.synonym_pivot)
        part["seconds"] = round(time.time() - t0, 1)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"synonyms": part}, indent=2) + "\n", "utf-8")
        print_table(f"calques (target-only, --pivot {args.synonym_pivot})", part["categories"])
        print(f"clean: {part['clean']}; written to {args.out}")
        return
    sentences = [s for s in (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text(
        "utf-8").splitlines() if 6 <= len(s.split()) <= 40][: args.limit]
    vocab = sorted({m.group().lower() for s in sentences for m in content_words(s)})

    t0 = time.time()
    src_cases = [Case("clean", to_toy(s), s) for s in sentences]
    for s in sentences:
        for make in (omission, addition, untranslated, number):
            case = make(s, rng)
            if case:
                src_cases.append(case)
        case = mistranslation(s, rng, vocab)
        if case:
            src_cases.append(case)
    tgt_cases = [Case("clean", "", s) for s in sentences]
    tgt_cases += [c for s in sentences if (c := awkward(s, rng))]

    source_checker = Checker(CheckOptions(lang="en", src_lang="toy", models_dir=args.models_dir))
    target_checker = Checker(CheckOptions(lang="en", pivots=("toy",), models_dir=args.models_dir))
    src_result = run_cases(source_checker, src_cases, with_source=True)
    tgt_result = run_cases(target_checker, tgt_cases, with_source=False)
    elapsed = time.time() - t0

    ood_sets = {name: [s for s in (ROOT / "fixtures" / "news" / f"{name}.en.txt").read_text(
        "utf-8").splitlines() if s.strip()] for name in OOD_SETS}
    ood: dict[str, tuple[list[Case], object]] = {}
    for set_name, wire in ood_sets.items():
        cases = ood_cases(wire, rng)
        t1 = time.time()
        ood[set_name] = cases, run_cases(source_checker, cases, with_source=True)
        elapsed += time.time() - t1

    report: dict[str, object] = {
        "signatures": {"source-aware": str(src_result.signature),
                       "target-only": str(tgt_result.signature)},
        "sentences": len(sentences), "seconds": round(elapsed, 1),
        "categories": categories(src_cases, src_result, SOURCE_CATEGORIES)
        | categories(tgt_cases, tgt_result, TARGET_CATEGORIES),
        "out_of_domain": {
            set_name: {"sentences": len(ood_sets[set_name]),
                       "categories": categories(cases, result, OOD_CATEGORIES),
                       "clean": clean_rates(cases, result)}
            for set_name, (cases, result) in ood.items()},
    }
    if (Path(args.models_dir) / "en-syn").is_dir():
        t1 = time.time()
        report["synonyms"] = synonym_part(args.models_dir, args.limit, rng)
        elapsed += time.time() - t1
        report["seconds"] = round(elapsed, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print_table("in domain (toy held-out sentences)", report["categories"])  # type: ignore[arg-type]
    for set_name, part in report["out_of_domain"].items():  # type: ignore[union-attr]
        print_table(f"out of domain: fixtures/news/{set_name}.en.txt", part["categories"])
        co = part["clean"]
        print(f"clean: {co['flags_per_100']} flags and {co['major_per_100']} Major flags per "
              f"100 sentences, {co['with_major_flag']:.1%} with a Major flag, "
              f"{co['notes_per_100']} reliability notes per 100")
    if "synonyms" in report:
        syn = report["synonyms"]
        print_table("synonym toy: calques (target-only, --pivot syn)", syn["categories"])
        co = syn["clean"]
        print(f"clean: {co['sentences']} sentences, {co['flags_per_10']} flags per 10 "
              f"({co['paraphrase_per_10']} of model:paraphrase)")
    n_ood = sum(len(v) for v in ood_sets.values())
    print(f"{len(sentences)} + {n_ood} sentences, {elapsed:.0f}s; written to {args.out}")


SYN_CATEGORIES = {"calque": ("Style/Awkward",), "calque-new-construction": ("Style/Awkward",),
                  "calque-seen": ("Style/Awkward",)}


def synonym_cases(limit: int, rng: random.Random) -> list[Case]:
    """Clean held-out sentences, and calques (see the module's docstring)."""
    toy = ROOT / "fixtures" / "toy"
    held = [s for s in (toy / "heldout.en.txt").read_text("utf-8").splitlines()
            if 6 <= len(s.split()) <= 40]
    left_out = [s for s in (toy / "train.en.txt").read_text("utf-8").splitlines()
                if 6 <= len(s.split()) <= 40 and idioms_in(s, held_out=True)]
    cases = [Case("clean", "", s) for s in held[:limit]]
    for s in held + left_out:
        c = calque(s, rng, held_out=True)
        if c is not None:
            kind = "calque-new-construction" if c.family.kind == "superlative" else "calque"
            cases.append(Case(kind, "", c.text, [c.span]))
    for s in held:
        c = calque(s, rng, held_out=False)
        if c is not None:
            cases.append(Case("calque-seen", "", c.text, [c.span]))
    return cases


def synonym_part(models_dir: str, limit: int, rng: random.Random,
                 pivot: str = "syn") -> dict[str, object]:
    """Calques in held-out sentences through the synonym toy, or another pivot (see the
    module's docstring)."""
    cases = synonym_cases(limit, rng)
    checker = Checker(CheckOptions(lang="en", pivots=(pivot,), models_dir=models_dir))
    result = run_cases(checker, cases, with_source=False)
    clean = [r for c, r in zip(cases, result.segments, strict=True) if c.kind == "clean"]
    n = len(clean)
    examples = [{"text": c.target, "calque": c.target[c.spans[0][0]:c.spans[0][1]],
                 "flags": [(r.segment.text[f.start:f.end], f.suggestion, f.signal)
                           for f in r.flags]}
                for c, r in zip(cases, result.segments, strict=True) if c.kind == "calque"][:8]
    kinds = categories(cases, result, SYN_CATEGORIES, signal="paraphrase")
    return {"signature": str(result.signature), "clean_sentences": n,
            "categories": kinds,
            "clean": {"sentences": n,
                      "flags_per_10": round(10 * sum(len(r.flags) for r in clean) / n, 2),
                      "paraphrase_per_10": round(10 * sum(f.signal == "paraphrase"
                                                          for r in clean for f in r.flags)
                                                 / n, 2)},
            "examples": examples}


def ood_cases(wire: list[str], rng: random.Random) -> list[Case]:
    """Clean out-of-domain sentences and one case of each single-word change per sentence
    where it applies; names are swapped for other names of the same file."""
    names = sorted({m.group() for s in wire for m in WORD.finditer(s)
                    if m.start() > 0 and m.group()[0].isupper() and m.group() != "I"})
    cases = [Case("clean", to_toy(s), s) for s in wire]
    for s in wire:
        num = (number_word(s, rng) if rng.random() < 0.5 else None) or number(s, rng)
        for case in (drop_word(s, rng), negation(s, rng),
                     num and replace(num, kind="number-ood"), name(s, rng, names)):
            if case:
                cases.append(case)
    return cases


def categories(cases: list[Case], result, table: dict[str, tuple[str, ...]],
               signal: str | None = None) -> dict[str, dict[str, object]]:
    """Per corruption kind: segment AUROC against the clean cases, span P/R/F1 (and, with
    `signal`, of that signal's flags alone: `span_<signal>`)."""
    clean = [r.risk for c, r in zip(cases, result.segments, strict=True) if c.kind == "clean"]
    out: dict[str, dict[str, object]] = {}
    for kind, cats in table.items():
        sel = [(c, r) for c, r in zip(cases, result.segments, strict=True)
               if c.kind in (kind, "clean")]
        pos = [r.risk for c, r in sel if c.kind == kind]
        side = next(c.side for c, _ in sel if c.kind == kind)
        cs, rs = [c for c, _ in sel], [r for _, r in sel]
        out[kind] = {"cases": len(pos), "clean": len(clean),
                     "auroc": round(auroc(pos + clean, [True] * len(pos) + [False] * len(clean)),
                                    4),
                     "span": span_scores(cs, rs, cats, side),
                     "span_any": span_scores(cs, rs, None, side)}
        if signal is not None:
            out[kind][f"span_{signal}"] = span_scores(cs, rs, None, side, signal)
    return out


def clean_rates(cases: list[Case], result) -> dict[str, float]:
    """The false-alarm rate: flags on the clean sentences, and reliability notes."""
    clean = [r for c, r in zip(cases, result.segments, strict=True) if c.kind == "clean"]
    n = len(clean)
    return {"sentences": n,
            "flags_per_100": round(100 * sum(len(r.flags) for r in clean) / n, 1),
            "major_per_100": round(100 * sum(f.severity == "Major" for r in clean
                                             for f in r.flags) / n, 1),
            "with_major_flag": round(sum(any(f.severity == "Major" for f in r.flags)
                                         for r in clean) / n, 3),
            "notes_per_100": round(100 * sum(bool(r.segment.notes) for r in clean) / n, 1)}


def print_table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}\n{'category':15} {'cases':>5} {'AUROC':>6} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'F1any':>6}")
    for kind, row in rows.items():
        sp, sa = row["span"], row["span_any"]
        print(f"{kind:15} {row['cases']:5d} {row['auroc']:6.3f} {sp['precision']:6.3f} "
              f"{sp['recall']:6.3f} {sp['f1']:6.3f} {sa['f1']:6.3f}")

if __name__ == "__main__":
    main()
