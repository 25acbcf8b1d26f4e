"""Sentence-level metrics, one module per family: surface agreement (sacrebleu chrF, BLEU,
TER), forced-decoding likelihood, cross-lingual similarity. Each returns the typed values of
tqcheck.signals and contributes its settings to the signature."""
