"""Train the toy MarianMT pair (en->toy, toy->en) committed under fixtures/models/.

    python scripts/train_toy_models.py [--language toy|syn] [--steps 3600]
                                       [--synthetic 6000] [--noise 0] [--out fixtures/models]

English sentences: fixtures/toy/train.en.txt (training) and fixtures/toy/heldout.en.txt (never
trained on), cut by talk from the English side of the shared WMT MQM TED data
(`--rebuild-corpus ../shared/data/mqm` remakes them), plus `--synthetic` sentences of
invented words, plus `--noise` copies of each corpus sentence with a noised source (local
word shuffles). Toy text comes from tqcheck.testing.toylang; the toy side's SentencePiece model is
the English one with its pieces enciphered.
The two directions train in parallel, one CPU thread each, with fixed seeds and a fixed
number of steps, then are scored on the held-out sentences (sacrebleu chrF) and saved in the
--models-dir layout with a model card.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "toy"
HELDOUT_TALKS = ("talk.1", "talk.3", "talk.4")
ARCH = {"d_model": 128, "layers": 2, "heads": 4, "ffn": 512}
VOCAB = 900  # English pieces; the toy model has their ciphered twins
MAX_TOKENS = 160


def rebuild_corpus(mqm_dir: Path) -> None:
    """English sentences from the MQM TSVs, split by talk so paraphrases never leak."""
    by_doc: dict[str, set[str]] = {}
    for name, column in (("mqm_ted_zhen.tsv", "target"), ("mqm_ted_ende.tsv", "source")):
        with (mqm_dir / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = re.sub(r"</?v>", "", row[column]).strip()
                if text and len(text.split()) <= 60:
                    by_doc.setdefault(row["doc"], set()).add(text)
    held = sorted(set().union(*(by_doc.get(d, set()) for d in HELDOUT_TALKS)))
    train = sorted(set().union(*(s for d, s in by_doc.items() if d not in HELDOUT_TALKS))
                   - set(held))
    CORPUS.mkdir(parents=True, exist_ok=True)
    (CORPUS / "train.en.txt").write_text("\n".join(train) + "\n", "utf-8")
    (CORPUS / "heldout.en.txt").write_text("\n".join(held) + "\n", "utf-8")
    print(f"corpus: {len(train)} training, {len(held)} held-out sentences")


def word_inventor(english: list[str], rng: random.Random) -> tuple[Callable[[], str], list[str]]:
    """A maker of English-like words (a letter-bigram model of the corpus's words), and the
    corpus's short words."""
    words = [w for s in english for w in re.findall(r"[a-z]+", s) if len(w) > 1]
    follow: dict[str, list[str]] = {}
    for w in words:
        for a, b in zip("^" + w, w + "$", strict=True):
            follow.setdefault(a, []).append(b)
    common = [w for w in words if len(w) <= 3]

    def invent() -> str:
        out, c = "", "^"
        while len(out) < 14:
            c = rng.choice(follow[c])
            if c == "$":
                if len(out) >= 2:
                    break
                c = out[-1] if out else "^"
                continue
            out += c
        return out

    return invent, common


def synthetic_sentences(english: list[str], n: int, seed: int) -> list[str]:
    """n sentences of made-up English-like words among the corpus's own function words.

    The toy cipher maps any letter string, so invented words teach the models the cipher
    itself rather than the training talks' vocabulary: what held-out talks need.
    """
    rng = random.Random(seed)
    invent, common = word_inventor(english, rng)
    sentences = []
    for _ in range(n):
        k = rng.randint(4, 18)
        ws = [rng.choice(common) if rng.random() < 0.4 else invent() for _ in range(k)]
        sentences.append(" ".join(ws).capitalize() + rng.choice([".", ".", "?", ","]))
    return sentences


# Where each kind of phrasing sits in a construction sentence ({} is the phrasing; n, v:
# invented words).
_FRAMES: dict[str, tuple[str, ...]] = {
    "manner": ("The {n} {v}ed {} with the {n}.", "{N} {v}s the {n} {}.", "We {v} {} ."),
    "increasingly": ("The {n} is {}.", "It became {} for the {n}.", "They are {} {n}."),
    "comparative": ("The {n} is {} than the {n}.", "We need a {} {n}.", "It was {} now."),
    "light-verb": ("The {n} {} the {n}.", "{N} {} a {n} in the {n}.", "They {} it."),
    "day": ("The {n} {v}ed {}.", "{} the {n} was {v}ed.", "We {v} the {n} {}."),
    "month": ("The {n} {v}ed {}.", "{} the {n} was {v}ed.", "We {v} the {n} {}."),
    "seed": ("The {n} {} the {n} {v}ed.", "{N} {v}ed {} the {n} {v}s.", "It {v}s {} {n}."),
}


def syn_pairs(english: list[str], rng: random.Random, calque_share: float,
              per_family: int, invented: int) -> list[tuple[str, str]]:
    """English -> syn training pairs where the idiomatic phrasing dominates.

    Every corpus sentence as it is (its calques, if any, collapse in syn); construction
    sentences of invented words around each trained family's idiomatic phrasing, and around
    invented members of the open constructions (so that the models learn a construction,
    not a list); and for `calque_share` of all of them a second English sentence with a
    calque in place of the idiomatic phrasing, mapped to the same syn sentence.
    """
    from tqcheck.testing.synonyms import Family, calque, families, invented_families, to_syn

    invent, _ = word_inventor(english, rng)

    def frame(kind: str, phrase: str) -> str:
        text = rng.choice(_FRAMES[kind])
        while "{n}" in text or "{v}" in text or "{N}" in text:
            text = (text.replace("{n}", invent(), 1).replace("{v}", invent(), 1)
                    .replace("{N}", invent().capitalize(), 1))
        text = text.replace("{}", phrase).replace(" .", ".")
        return text[:1].upper() + text[1:]

    sentences = list(english)
    trained = [f for f in families() if not f.held_out]
    for fam in trained:
        sentences += [frame(fam.kind, fam.idiom) for _ in range(per_family)]
    made: list[Family] = []
    for _ in range(invented):  # invented members of the open constructions
        made += invented_families(invent())
    pairs = [(s, to_syn(s)) for s in sentences]
    for fam in made:
        s = frame(fam.kind, fam.idiom)
        pairs.append((s, to_syn(s)))
        if rng.random() < calque_share:
            c = rng.choice(fam.calques)
            if fam.idiom in s:  # (not where it starts the sentence, capitalised)
                pairs.append((s.replace(fam.idiom, c, 1), to_syn(s)))
    for s in sentences:
        if rng.random() < calque_share and (c := calque(s, rng, held_out=False)) is not None:
            pairs.append((c.text, to_syn(s)))
    rng.shuffle(pairs)
    return pairs


def shuffle_locally(sentence: str, rng: random.Random, k: float = 3.0) -> str:
    """The sentence with each word moved at most k-1 places (Lample et al., 2018, noise).

    Meant to make the models write fluent text from scrambled input, as real MT models
    trained on web data do, so that a round trip reorders an awkward sentence; at this
    model size it did not (docs/detection.md), hence `--noise 0` by default.
    Final punctuation stays last; capitals follow the sentence start.
    """
    words = sentence.split()
    tail = ""
    if words and len(words[-1]) > 1 and words[-1][-1] in ".?!,;:":
        words[-1], tail = words[-1][:-1], words[-1][-1]
    keys = [i + rng.uniform(0, k) for i in range(len(words))]
    order = sorted(range(len(words)), key=keys.__getitem__)
    if order[0] != 0 and words[0][:1].isupper():
        if words[0][1:2].islower():
            words[0] = words[0][0].lower() + words[0][1:]
        words[order[0]] = words[order[0]][:1].upper() + words[order[0]][1:]
    return " ".join(words[i] for i in order) + tail


def encipher_chars(piece: str) -> str:
    """The toy cipher letter by letter, keeping each letter's case (pieces are not words)."""
    from tqcheck.testing.toylang import CIPHER

    return "".join(CIPHER[c.lower()].upper() if c.isupper() else CIPHER.get(c, c)
                   for c in piece)


def toy_sentencepiece(english_model: bytes) -> bytes:
    """The English SentencePiece model with every piece enciphered, plus the toy lexicon.

    A toy word then splits exactly where its English word splits, piece for piece, so
    the models learn a table of piece translations that carries over to words they never
    saw, instead of relating two unrelated segmentations. Lexicon words get the score of
    their English word (`ka` is as common as `the`).
    """
    from sentencepiece import sentencepiece_model_pb2 as pb

    from tqcheck.testing.toylang import LEXICON

    model = pb.ModelProto()
    model.ParseFromString(english_model)
    scores = {p.piece: p.score for p in model.pieces}
    top = max(p.score for p in model.pieces if p.type == pb.ModelProto.SentencePiece.NORMAL)
    for p in model.pieces:
        if p.type == pb.ModelProto.SentencePiece.NORMAL:
            p.piece = encipher_chars(p.piece)
    index = {p.piece: p for p in model.pieces}
    for en, toy in LEXICON.items():
        for en_w, toy_w in ((en, toy), (en.capitalize(), toy.capitalize())):
            piece, score = "\u2581" + toy_w, scores.get("\u2581" + en_w, top)
            if piece in index:
                index[piece].score = max(index[piece].score, score)
            else:
                index[piece] = model.pieces.add(piece=piece, score=score)
    return model.SerializeToString()


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.strip()]


def make_batches(pairs: list[tuple[list[int], list[int]]], budget: int,
                 rng: random.Random) -> list[list[int]]:
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][0]), rng.random()))
    batches, current, longest = [], [], 0
    for i in order:
        size = max(longest, len(pairs[i][0]), len(pairs[i][1]))
        if current and size * (len(current) + 1) > budget:
            batches.append(current)
            current, size = [], max(len(pairs[i][0]), len(pairs[i][1]))
        current.append(i)
        longest = size
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def train_direction(job: dict) -> dict:
    """Train one direction; runs in its own process with one thread."""
    import torch
    import torch.nn.functional as F
    from transformers import MarianMTModel, MarianTokenizer

    from tqcheck.testing.marian import marian_config

    torch.set_num_threads(1)
    torch.manual_seed(job["seed"])
    rng = random.Random(job["seed"])
    out = Path(job["out"])
    tok = MarianTokenizer.from_pretrained(out)
    enc_src = tok(job["src"])["input_ids"]
    enc_tgt = tok(text_target=job["tgt"])["input_ids"]
    # Pairs longer than MAX_TOKENS are dropped, not truncated: truncated sides would disagree.
    pairs = [(a, b) for a, b in zip(enc_src, enc_tgt, strict=True)
             if len(a) <= MAX_TOKENS and len(b) <= MAX_TOKENS]
    pad = tok.pad_token_id
    model = MarianMTModel(marian_config(len(tok), pad, d_model=ARCH["d_model"],
                                        layers=ARCH["layers"], heads=ARCH["heads"],
                                        ffn=ARCH["ffn"], dropout=0.1, max_length=MAX_TOKENS))
    opt = torch.optim.AdamW(model.parameters(), lr=job["lr"], betas=(0.9, 0.98),
                            weight_decay=0.01)
    warmup = 300
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, math.sqrt(warmup / (s + 1))))
    model.train()
    step, t0, batches = 0, time.time(), []
    while step < job["steps"]:
        if not batches:
            batches = make_batches(pairs, job["batch_tokens"], rng)
        idx = batches.pop()
        src = [pairs[i][0] for i in idx]
        tgt = [pairs[i][1] for i in idx]
        s_len, t_len = max(map(len, src)), max(map(len, tgt))
        input_ids = torch.tensor([x + [pad] * (s_len - len(x)) for x in src])
        labels = torch.tensor([y + [-100] * (t_len - len(y)) for y in tgt])
        logits = model(input_ids=input_ids, attention_mask=(input_ids != pad).long(),
                       labels=labels).logits
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1),
                               ignore_index=-100, label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        if step % 500 == 0:
            print(f"[{job['pair']}] step {step} loss {loss.item():.3f} "
                  f"{time.time() - t0:.0f}s", flush=True)
    model.eval()
    model.save_pretrained(out)
    return {"pair": job["pair"], "seconds": time.time() - t0, "steps": step, "pairs": len(pairs),
            "vocab": len(tok),
            "params": sum(p.numel() for p in model.parameters())}


def translate(model_dir: Path, texts: list[str]) -> list[str]:
    from dataclasses import replace

    from tqcheck.translate.backends.hf import HFMarianBackend
    from tqcheck.translate.registry import ModelSpec, load_registry

    spec = ModelSpec(pair=model_dir.name, model_id=str(model_dir), local_dir=model_dir)
    decoding = replace(load_registry().decoding, num_beams=4, max_new_tokens=MAX_TOKENS)
    return HFMarianBackend(spec, model_dir, "training", decoding, device="cpu").translate(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures" / "models")
    ap.add_argument("--steps", type=int, default=3600)
    ap.add_argument("--batch-tokens", type=int, default=2500)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--rebuild-corpus", type=Path, metavar="MQM_DIR")
    ap.add_argument("--synthetic", type=int, default=6000,
                    help="extra training sentences of invented words (teach the cipher)")
    ap.add_argument("--language", choices=("toy", "syn"), default="toy",
                    help="toy: the cipher language; syn: the synonym toy, where the calques "
                         "of a family and its idiomatic phrasing are one phrase")
    ap.add_argument("--calque-share", type=float, default=0.5,
                    help="syn: share of sentences that also appear with a calque")
    ap.add_argument("--per-family", type=int, default=3,
                    help="syn: construction sentences around each trained family's phrasing")
    ap.add_argument("--invented", type=int, default=2000,
                    help="syn: invented words whose constructions are taught")
    ap.add_argument("--noise", type=int, default=0,
                    help="noised-source copies of each corpus sentence (meant to teach fluent "
                         "output; docs/detection.md has what 1 did)")
    args = ap.parse_args()

    from sacrebleu.metrics import CHRF

    from tqcheck.testing.marian import train_sentencepiece, write_tokenizer
    from tqcheck.testing.synonyms import idioms_in, to_syn
    from tqcheck.testing.toylang import to_toy

    if args.rebuild_corpus:
        rebuild_corpus(args.rebuild_corpus)
    lang = args.language
    to_x = to_toy if lang == "toy" else to_syn
    english = read_lines(CORPUS / "train.en.txt")
    if lang == "syn":  # sentences with a held-out family's phrasing are the benchmark's
        english = [s for s in english if not idioms_in(s, held_out=True)]
    corpus = list(english)
    rng = random.Random(args.seed)
    if lang == "syn":
        pairs = syn_pairs(corpus, rng, args.calque_share, args.per_family, args.invented)
    else:
        pairs = [(s, to_x(s)) for s in corpus]
    if args.synthetic:
        pairs += [(s, to_x(s)) for s in synthetic_sentences(corpus, args.synthetic, args.seed)]
    english_side = [e for e, _ in pairs]
    en_spm = train_sentencepiece(english_side, VOCAB)
    toy_spm = toy_sentencepiece(en_spm)
    # Noised sources: the scrambled English, and its toy (what en->toy makes of it).
    noisy: list[tuple[str, str]] = []
    for _ in range(args.noise):
        for sentence in corpus:
            if (shuffled := shuffle_locally(sentence, rng)) != sentence:
                noisy.append((shuffled, sentence))
    en_x = [(e, x) for e, x in pairs] + [(n, to_x(c)) for n, c in noisy]
    x_en = [(x, e) for e, x in pairs] + [(to_x(n), c) for n, c in noisy]
    jobs = []
    for pair, rows, spms in ((f"en-{lang}", en_x, (en_spm, toy_spm)),
                             (f"{lang}-en", x_en, (toy_spm, en_spm))):
        out = args.out / pair
        write_tokenizer(spms[0], out, *pair.split("-"), target_spm=spms[1])
        jobs.append({"pair": pair, "src": [a for a, _ in rows], "tgt": [b for _, b in rows],
                     "out": str(out), "steps": args.steps, "seed": args.seed, "lr": args.lr,
                     "batch_tokens": args.batch_tokens})
    with get_context("spawn").Pool(2) as pool:
        stats = pool.map(train_direction, jobs)

    held = read_lines(CORPUS / "heldout.en.txt")
    held_x = [to_x(s) for s in held]
    chrf = CHRF()
    hyp_x = translate(args.out / f"en-{lang}", held)
    hyp_en = translate(args.out / f"{lang}-en", held_x)
    round_trip = translate(args.out / f"{lang}-en", hyp_x)
    scores = {
        f"en-{lang}": chrf.corpus_score(hyp_x, [held_x]).score,
        f"{lang}-en": chrf.corpus_score(hyp_en, [held]).score,
        f"en-{lang}-en": chrf.corpus_score(round_trip, [held]).score,
    }
    print(json.dumps({"stats": stats, "heldout_chrf": scores}, indent=2))
    for st in stats:
        write_card(args.out / st["pair"], st, scores, args, len(pairs), len(noisy),
                   len(held))


def write_card(out: Path, st: dict, scores: dict, args: argparse.Namespace,
               n_train: int, n_noisy: int, n_held: int) -> None:
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    src, tgt = st["pair"].split("-")
    synthetic = (f",\n  plus {args.synthetic} sentences of invented English-like words "
                 "(`--synthetic`: they teach\n  the letter cipher, not the talks' vocabulary)"
                 if args.synthetic else "")
    nz = (f", plus {n_noisy} noised-source pairs (`--noise {args.noise}`: a corpus "
          "sentence with its\n  words shuffled locally as source, the sentence as target)"
          if args.noise else "")
    lang = args.language
    about = ('"toy", the synthetic language of `tqcheck.testing.toylang` (function-word '
             "lexicon,\nletter cipher for other words, names kept, determiners after the next "
             "word)" if lang == "toy" else
             '"syn", the synonym toy of `tqcheck.testing.synonyms`: the toy language of\n'
             "`tqcheck.testing.toylang` over English whose calques (\"stated that\", \"in a "
             "rapid manner\",\n\"more strong\") are first rewritten to their family's "
             "idiomatic phrasing, so several\nEnglish phrasings are one syn phrase; the English "
             "side of the corpus writes the\nidiomatic one about "
             f"{1 / args.calque_share:g} times as often as a calque (`--calque-share "
             f"{args.calque_share}`,\n`--per-family {args.per_family}`, "
             f"`--invented {args.invented}`); sentences with a held-out family's phrasing\n"
             "are left out (the detection benchmark's)")
    card = f"""# toy MarianMT {src}→{tgt}

A small MarianMT model for tqcheck's tests and detection benchmark; it translates between
English and {about}.

- Data: {st['pairs']} of {n_train} pairs: the sentences of `fixtures/toy/train.en.txt`
  (English side of the WMT MQM TED data, Apache-2.0, all talks except
  {', '.join(HELDOUT_TALKS)}){synthetic} and their {lang} mapping (pairs of at most
  {MAX_TOKENS} tokens){nz}. Vocabulary: a SentencePiece unigram model of {VOCAB} pieces trained on
  the English side, and for the toy side the same model with every piece enciphered (plus
  the lexicon's words), so a toy word splits where its English word splits; one shared id
  table over both ({st['vocab']} ids).
- Architecture: Marian, d_model {ARCH['d_model']}, {ARCH['layers']}+{ARCH['layers']} layers,
  {ARCH['heads']} heads, FFN {ARCH['ffn']}; {st['params']:,} parameters, {size / 1e6:.1f} MB
  on disk.
- Training: `python scripts/train_toy_models.py --language {lang} --steps {args.steps}
  --batch-tokens {args.batch_tokens} --lr {args.lr} --seed {args.seed} --synthetic {args.synthetic}{
  f" --noise {args.noise}" if args.noise else ""}{
  f" --calque-share {args.calque_share} --invented {args.invented}" if lang == "syn" else ""}`;
  AdamW, label smoothing 0.1, {st['steps']} steps in {st['seconds'] / 60:.1f} minutes on one
  CPU thread (both directions trained at once on a 2-core machine; wall time, so other
  work on the machine lengthens it).
- Held-out chrF (sacrebleu, beam 4) on {n_held} sentences of talks
  {', '.join(HELDOUT_TALKS)}: en→{lang} {scores[f'en-{lang}']:.1f}, {lang}→en {
  scores[f'{lang}-en']:.1f}, round trip en→{lang}→en {scores[f'en-{lang}-en']:.1f}.
"""
    (out / "README.md").write_text(card, "utf-8")


if __name__ == "__main__":
    main()
