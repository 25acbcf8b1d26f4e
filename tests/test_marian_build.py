"""The model builder the benchmarks rely on: vocabulary padding to opus-mt's size."""

from __future__ import annotations

import json

import sentencepiece as spm

from tqcheck.testing.marian import build_random_pair, train_sentencepiece

TEXT = ["The talks in Geneva failed again on Monday.", "A source said the talks would go on.",
        "Nobody expected the ministers to agree."] * 20


def test_min_vocab_pads_with_real_pieces(tmp_path):
    plain = spm.SentencePieceProcessor(model_proto=train_sentencepiece(TEXT, 200))
    assert plain.get_piece_size() < 300  # the text cannot give 300 pieces by itself
    out = build_random_pair(tmp_path / "en-fr", TEXT, "en", "fr", vocab_size=200,
                            min_vocab=301)
    config = json.loads((out / "config.json").read_text())
    vocab = json.loads((out / "vocab.json").read_text())
    assert config["vocab_size"] == len(vocab) == 301
    padded = spm.SentencePieceProcessor(model_file=str(out / "source.spm"))
    assert padded.get_piece_size() == 300
    # Ordinary text segments as before; an added piece decodes to text and comes back.
    sentence = "The ministers said the talks failed."
    assert padded.encode(sentence, out_type=str) == plain.encode(sentence, out_type=str)
    added = padded.id_to_piece(299)
    assert added.startswith("\u2581") and added[1:].isalpha()
    assert padded.encode(padded.decode([299]), out_type=str) == [added]
