"""Train the toy MarianMT pair (en->toy, toy->en) committed under fixtures/models/.

    python scripts/train_toy_models.py [--steps 3600] [--synthetic 6000] [--noise 0]
                                       [--out fixtures/models]

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


def synthetic_sentences(english: list[str], n: int, seed: int) -> list[str]:
    """n sentences of made-up English-like words (a letter-bigram model of the corpus's
    words) among the corpus's own function words.

    The toy cipher maps any letter string, so invented words teach the models the cipher
    itself rather than the training talks' vocabulary: what held-out talks need.
    """
    rng = random.Random(seed)
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

    sentences = []
    for _ in range(n):
        k = rng.randint(4, 18)
        ws = [rng.choice(common) if rng.random() < 0.4 else invent() for _ in range(k)]
        sentences.append(" ".join(ws).capitalize() + rng.choice([".", ".", "?", ","]))
    return sentences


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
    ap.add_argument("--noise", type=int, default=0,
                    help="noised-source copies of each corpus sentence (meant to teach fluent "
                         "output; docs/detection.md has what 1 did)")
    args = ap.parse_args()

    from sacrebleu.metrics import CHRF

    from tqcheck.testing.marian import train_sentencepiece, write_tokenizer
    from tqcheck.testing.toylang import to_toy

    if args.rebuild_corpus:
        rebuild_corpus(args.rebuild_corpus)
    english = read_lines(CORPUS / "train.en.txt")
    corpus = list(english)
    if args.synthetic:
        english += synthetic_sentences(english, args.synthetic, args.seed)
    toy = [to_toy(s) for s in english]
    en_spm = train_sentencepiece(english, VOCAB)
    toy_spm = toy_sentencepiece(en_spm)
    # Noised sources: the scrambled English, and its toy (what en->toy makes of it).
    rng = random.Random(args.seed)
    noisy, clean = [], []
    for _ in range(args.noise):
        for sentence in corpus:
            if (shuffled := shuffle_locally(sentence, rng)) != sentence:
                noisy.append(shuffled)
                clean.append(sentence)
    toy_of = dict(zip(english, toy, strict=True))
    clean_toy = [toy_of[s] for s in clean]
    jobs = []
    for pair, src, tgt, spms in (
            ("en-toy", english + noisy, toy + clean_toy, (en_spm, toy_spm)),
            ("toy-en", toy + [to_toy(s) for s in noisy], english + clean, (toy_spm, en_spm))):
        out = args.out / pair
        write_tokenizer(spms[0], out, *pair.split("-"), target_spm=spms[1])
        jobs.append({"pair": pair, "src": src, "tgt": tgt, "out": str(out),
                     "steps": args.steps, "seed": args.seed, "lr": args.lr,
                     "batch_tokens": args.batch_tokens})
    with get_context("spawn").Pool(2) as pool:
        stats = pool.map(train_direction, jobs)

    held = read_lines(CORPUS / "heldout.en.txt")
    held_toy = [to_toy(s) for s in held]
    chrf = CHRF()
    hyp_toy = translate(args.out / "en-toy", held)
    hyp_en = translate(args.out / "toy-en", held_toy)
    round_trip = translate(args.out / "toy-en", hyp_toy)
    scores = {
        "en-toy": chrf.corpus_score(hyp_toy, [held_toy]).score,
        "toy-en": chrf.corpus_score(hyp_en, [held]).score,
        "en-toy-en": chrf.corpus_score(round_trip, [held]).score,
    }
    print(json.dumps({"stats": stats, "heldout_chrf": scores}, indent=2))
    for st in stats:
        write_card(args.out / st["pair"], st, scores, args, len(english), len(noisy),
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
    card = f"""# toy MarianMT {src}→{tgt}

A small MarianMT model for tqcheck's tests and detection benchmark; it translates between
English and "toy", the synthetic language of `tqcheck.testing.toylang` (function-word lexicon,
letter cipher for other words, names kept, determiners after the next word).

- Data: {st['pairs']} of {n_train} English sentences: those of `fixtures/toy/train.en.txt`
  (English side of the WMT MQM TED data, Apache-2.0, all talks except
  {', '.join(HELDOUT_TALKS)}){synthetic} and their toy mapping (pairs of at most
  {MAX_TOKENS} tokens){nz}. Vocabulary: a SentencePiece unigram model of {VOCAB} pieces trained on
  the English side, and for the toy side the same model with every piece enciphered (plus
  the lexicon's words), so a toy word splits where its English word splits; one shared id
  table over both ({st['vocab']} ids).
- Architecture: Marian, d_model {ARCH['d_model']}, {ARCH['layers']}+{ARCH['layers']} layers,
  {ARCH['heads']} heads, FFN {ARCH['ffn']}; {st['params']:,} parameters, {size / 1e6:.1f} MB
  on disk.
- Training: `python scripts/train_toy_models.py --steps {args.steps} --batch-tokens
  {args.batch_tokens} --lr {args.lr} --seed {args.seed} --synthetic {args.synthetic}{
  f" --noise {args.noise}" if args.noise else ""}`;
  AdamW, label smoothing 0.1, {st['steps']} steps in {st['seconds'] / 60:.1f} minutes on one
  CPU thread (both directions trained at once on a 2-core machine; wall time, so other
  work on the machine lengthens it).
- Held-out chrF (sacrebleu, beam 4) on {n_held} sentences of talks
  {', '.join(HELDOUT_TALKS)}: en→toy {scores['en-toy']:.1f}, toy→en {scores['toy-en']:.1f},
  round trip en→toy→en {scores['en-toy-en']:.1f}.
"""
    (out / "README.md").write_text(card, "utf-8")


if __name__ == "__main__":
    main()
