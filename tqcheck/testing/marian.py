"""Building MarianMT models from scratch: a SentencePiece vocabulary and a MarianConfig.

Used by the tests (tiny random models), the toy-language training script and the
throughput benchmark (opus-mt-shaped random models). Saved directories load with
`MarianMTModel.from_pretrained`, exactly like a downloaded opus-mt model.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def train_sentencepiece(sentences: Iterable[str], vocab_size: int) -> bytes:
    """A unigram SentencePiece model with Marian's special ids (</s>=0, <unk>=1, no bos)."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)), model_writer=buffer, vocab_size=vocab_size,
        model_type="unigram", eos_id=0, unk_id=1, bos_id=-1, pad_id=-1,
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
        num_threads=1, input_sentence_size=0, shuffle_input_sentence=False,
    )
    return buffer.getvalue()


def write_tokenizer(spm_model: bytes, out_dir: Path, src: str, tgt: str,
                    target_spm: bytes | None = None) -> dict[str, int]:
    """Save a shared-vocabulary MarianTokenizer into out_dir.

    With `target_spm`, each side segments with its own SentencePiece model (as opus-mt
    does) while the ids stay shared: vocab.json is the union of both models' pieces, the
    source model's ids first.
    """
    import sentencepiece as spm

    out_dir.mkdir(parents=True, exist_ok=True)
    vocab: dict[str, int] = {}
    for model in (spm_model, target_spm or spm_model):
        proc = spm.SentencePieceProcessor(model_proto=model)
        for i in range(proc.get_piece_size()):
            vocab.setdefault(proc.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (out_dir / "source.spm").write_bytes(spm_model)
    (out_dir / "target.spm").write_bytes(target_spm or spm_model)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    (out_dir / "tokenizer_config.json").write_text(json.dumps({
        "source_lang": src, "target_lang": tgt, "model_max_length": 512,
        "separate_vocabs": False, "tokenizer_class": "MarianTokenizer",
    }), "utf-8")
    return vocab


def marian_config(vocab_size: int, pad_id: int, d_model: int = 32, layers: int = 1,
                  heads: int = 2, ffn: int = 64, **extra: Any) -> Any:
    """A MarianConfig with opus-mt conventions (pad = decoder start, eos = 0)."""
    from transformers import MarianConfig

    settings: dict[str, Any] = {
        "vocab_size": vocab_size, "d_model": d_model,
        "encoder_layers": layers, "decoder_layers": layers,
        "encoder_attention_heads": heads, "decoder_attention_heads": heads,
        "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn, "max_position_embeddings": 512,
        "pad_token_id": pad_id, "eos_token_id": 0, "decoder_start_token_id": pad_id,
        "forced_eos_token_id": 0, "bad_words_ids": [[pad_id]],
        "num_beams": 1, "max_length": 128, "scale_embedding": True,
        "share_encoder_decoder_embeddings": True, "activation_function": "swish",
    }
    settings.update(extra)
    return MarianConfig(**settings)


def _pad_pieces(spm_model: bytes, size: int) -> bytes:
    """The SentencePiece model with rare invented word pieces added up to `size` pieces.

    SentencePiece stops early on small text; the added pieces are real pieces (they
    segment and decode as text), unlike padding ids a tokenizer cannot decode, which a
    random model would emit and which would come back as long strings of markup.
    """
    from itertools import product

    from sentencepiece import sentencepiece_model_pb2 as pb

    model = pb.ModelProto()
    model.ParseFromString(spm_model)
    have = {p.piece for p in model.pieces}
    floor = min(p.score for p in model.pieces) - 1.0
    for letters in (c for n in range(3, 6) for c in product("bcdfghjklmnpqrstvwxz", repeat=n)):
        if len(model.pieces) >= size:
            break
        piece = "\u2581" + "".join(letters)
        if piece not in have:
            model.pieces.add(piece=piece, score=floor)
    return model.SerializeToString()


def build_random_pair(out_dir: Path, sentences: list[str], src: str, tgt: str,
                      vocab_size: int = 400, seed: int = 0, min_vocab: int = 0,
                      **config: Any) -> Path:
    """A randomly initialised Marian model for src->tgt, saved in out_dir (for plumbing).

    `vocab_size` is what SentencePiece aims for (it may find fewer pieces in small text);
    `min_vocab` pads the model's vocabulary to at least that many entries."""
    import torch
    import transformers
    from transformers import MarianMTModel

    transformers.utils.logging.disable_progress_bar()
    spm_model = train_sentencepiece(sentences, vocab_size)
    if min_vocab:
        spm_model = _pad_pieces(spm_model, min_vocab - 1)  # + <pad>
    vocab = write_tokenizer(spm_model, out_dir, src, tgt)
    torch.manual_seed(seed)
    model = MarianMTModel(marian_config(len(vocab), vocab["<pad>"], **config))
    model.save_pretrained(out_dir)
    return out_dir


def build_real_layout(files: Path, out_dir: Path, dtype: str = "float32", seed: int = 0) -> Path:
    """A model directory as a user downloads it: the real tokenizer, vocabulary and config
    files of a published opus-mt model (`files`, e.g. fixtures/opus-mt/opus-mt-en-mg) and
    random weights of the real shape, saved in `dtype` (tc-big models ship float16)."""
    import shutil

    import torch
    import transformers
    from transformers import MarianConfig, MarianMTModel

    transformers.utils.logging.disable_progress_bar()
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in files.iterdir():
        if f.is_file() and f.name != "README.md":
            shutil.copyfile(f, out_dir / f.name)
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig.from_pretrained(files)).to(getattr(torch, dtype))
    model.save_pretrained(out_dir)
    return out_dir
