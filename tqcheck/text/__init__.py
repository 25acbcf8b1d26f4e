"""Language-aware text analysis the checks share: words and alignment, numbers, names,
per-language data, language identification. Nothing here decides what is flagged."""
