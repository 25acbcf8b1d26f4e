"""grammar:determiner: German determiner-noun agreement and prepositions of one case, from
the german-nouns lexicon; wrong phrases flagged with the noun form they need, right ones
and the constructions that look alike left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.check.options import CheckOptions
from tqcheck.pipeline.document import check_text

pytest.importorskip("german_nouns")

NAME = "grammar:determiner"
SURE = "grammar:determiner/gender"  # its sure cases, on by default


PROFILE = str(Path(__file__).parent / "profiles" / "determiner.toml")  # shows the check


def _flags(text: str, profile: str) -> list:
    result = check_text(text, CheckOptions(lang="de", model_free=True, language_id=False,
                                           profile=profile))
    return [f for r in result.segments for f in r.flags if f.signal == NAME]


@pytest.mark.parametrize(("wrong", "word", "suggestion"), [
    # the noun where its lemma has the form the determiner asks for, else the determiner
    ("Der Minister traf den Präsident am Montag.", "Präsident", "Präsidenten"),
    ("Der Sprecher des Ministerium äußerte sich nicht.", "Ministerium", "Ministeriums"),
    ("Die Regierung hat die Bericht veröffentlicht.", "die", None),
    ("Das Kinder spielen im Garten.", "Das", None),
    ("Der Kanzler traf sich mit dem Präsidentin.", "dem", None),
    ("Wir fahren morgen zur Haus.", "zur", None),
    ("Sie sprach mit den Mann auf der Straße.", "den", None),
    ("Er kam ohne seinem Bruder.", "seinem", None),
    ("Die Rede des Regierungssprecher wurde übertragen.", "Regierungssprecher",
     "Regierungssprechers"),
    ("Die Polizei nahm einen verdächtige Frau fest.", "einen", None),
    ("Die Lösung des Problem erfordert weitere Anstrengungen.", "Problem", "Problems"),
])
def test_a_determiner_its_noun_or_preposition_disagree(wrong: str, word: str,
                                                        suggestion: str | None) -> None:
    assert _flags(wrong, "default") == []  # off there: under the precision bar
    flags = _flags(wrong, PROFILE)
    assert [wrong[f.start:f.end] for f in flags] == [word]
    assert flags[0].category == "Fluency/Grammar"
    assert flags[0].suggestion == suggestion  # the noun's form, in its own number
    if word in ("den", "seinem"):  # the preposition's case ("mit den Mann")
        assert "takes the dative" in flags[0].message or "takes the accusative" in \
            flags[0].message


@pytest.mark.parametrize(("wrong", "word"), [
    ("Der Haus wurde bei dem Sturm zerstört.", "Der"),
    ("Der Minister sprach mit der Kind und seinen Eltern.", "der"),
    ("Die Regierung hat die Bericht veröffentlicht.", "die"),
    ("Dieses Wirkung wird nur wenig abgeschwächt.", "Dieses"),
    ("Der Kanzler traf sich mit dem Präsidentin.", "dem"),
    # a noun declined as an adjective, in its -e form where the determiner wants -en
    ("Die Polizei hat den Verdächtige am Montag festgenommen.", "Verdächtige"),
    ("Sie sprach mit einem Abgeordnete der Grünen.", "Abgeordnete"),
])
def test_the_sure_cases_are_flagged_by_default(wrong: str, word: str) -> None:
    """grammar:determiner/gender, on by default: a determiner right before its noun with
    none of the noun's genders (or number) in any case."""
    result = check_text(wrong, CheckOptions(lang="de", model_free=True, language_id=False))
    flags = [f for r in result.segments for f in r.flags if f.signal == SURE]
    assert [wrong[f.start:f.end] for f in flags] == [word]


@pytest.mark.parametrize("unsure", [
    "Der Minister traf den Präsident am Montag.",  # the case, not the gender
    "Sie sprach mit den Mann auf der Straße.",  # the preposition's case
    "Es gab eine massives Sicherheitsaufgebot.",  # an adjective between
    "Es ist Blut, das Antikörper enthält.",  # "das" a pronoun before its verb's object
    "Sonst würde das Befangenheit einführen.",
    "Der Verdächtige schwieg, und eine Abgeordnete fragte nach.",  # -e is right here
    "Die Polizei hat den Verdächtigen am Montag festgenommen.",
])
def test_what_is_not_sure_is_left_to_the_whole_check(unsure: str) -> None:
    result = check_text(unsure, CheckOptions(lang="de", model_free=True, language_id=False))
    assert [f for r in result.segments for f in r.flags if f.signal == SURE] == []


@pytest.mark.parametrize("right", [
    "Der Minister traf den Präsidenten am Montag.",
    "Der Sprecher des Ministeriums äußerte sich nicht.",
    "Sie sprach mit dem Mann auf der Straße.",
    "Die Rede des Regierungssprechers wurde übertragen.",
    "Die Entscheidung der Regierung fiel am Dienstag im Bundestag.",
    "Zum Beispiel stiegen die Preise im Jahr 2020 um zehn Prozent.",
    "Die Frau, die Brot kauft, wohnt nebenan.",  # a relative pronoun
    "Sie wollen den Kindern Geschenke machen.",  # nouns in a row
    "Das hat am besten Wirkung gezeigt.",  # "am" before a superlative
    "Die unter Druck geratene Regierung trat zurück.",  # "unter": no adjective
    "Der Abgeordnete sprach mit einem Abgeordneten der Grünen.",  # declined as adjectives
    "Die Deutsche Bank und die Europäische Zentralbank berieten.",
    "Ursula von der Leyen besuchte die Vereinigten Staaten.",  # names the lexicon lacks
    "Laut der WHO steigen die Zahlen wieder.",  # an acronym
    "Die beiden neuen Ministerinnen stellten ihre Pläne vor.",
    "Sie kamen mit ihren Kindern aus dem Haus.",
    "Er kämpfte für den Frieden und gegen die Armut.",
    # a determiner declined as the adjective of the one before it, and a noun measuring
    # the adjective of a later one
    "Man sieht es auf dem Bild eines jeden Zuhauses.",
    "Bei der Aufführung eines Jahrtausende alten Stücks weinten viele.",
    "Sie kletterten auf der zwei Meter hohen Mauer herum.",
])
def test_right_phrases_and_their_look_alikes_are_left_alone(right: str) -> None:
    assert _flags(right, PROFILE) == []


def test_the_check_is_listed_and_names_its_package_when_missing(monkeypatch) -> None:
    import importlib.util

    from tqcheck.checks.determiners import Determiner

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "german_nouns" else real(name, *a))
    assert Determiner.unavailable() == "pip install german-nouns"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "zum", "zur", "im",
    "mit", "für", "neue", "großen", "Mann", "Frau", "Kind", "Kinder", "Männern",
    "Regierungssprecher", "Haus", ",", ".", "und", "am", "besten", "WHO", "Abgeordnete",
]), min_size=1, max_size=12))
def test_any_sequence_of_words_gives_flags_inside_the_text(words: list[str]) -> None:
    text = " ".join(words)
    for f in _flags(text, PROFILE):
        assert 0 <= f.start < f.end <= len(text)
        assert f.message and f.category == "Fluency/Grammar"


@pytest.mark.parametrize("lang", ["de", "en", "fr", "zh"])
def test_every_language_lists_the_check_and_says_whether_it_runs(lang: str) -> None:
    import json

    from typer.testing import CliRunner

    from tqcheck.cli import app

    res = CliRunner().invoke(app, ["checks", "--lang", lang, "--json"])
    assert res.exit_code == 0, res.output  # (a language without its table must not fail)
    row = {r["name"]: r for r in json.loads(res.stdout)}[NAME]
    assert row["runs"] is False
    assert ("signals_off" in row["why_not"]) if lang == "de" else ("de only" in row["why_not"])


def test_a_hostile_line_costs_no_more_than_a_long_one() -> None:
    import time

    long = "Er sah den B" + "a" * 90_000 + "s gestern, dann den Präsident."
    t0 = time.perf_counter()
    result = check_text(long, CheckOptions(lang="de", model_free=True, language_id=False,
                                           profile=PROFILE))
    assert time.perf_counter() - t0 < 20  # (the compound reading is quadratic in a word)
    assert [r.segment.text[f.start:f.end] for r in result.segments for f in r.flags
            if f.signal == NAME] == ["Präsident"]


def test_the_lexicon_is_kept_in_the_cache_and_a_damaged_copy_is_rebuilt(tmp_path, monkeypatch,
                                                                       caplog) -> None:
    """A process reads the lexicon an earlier one built (the same lexicon), an earlier
    version's copy is removed, and a damaged file is said and built again, never trusted."""
    from tqcheck.checks import determiners

    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path))
    (tmp_path / "lexicons").mkdir()
    stale = tmp_path / "lexicons" / "german-nouns-de-0000000000000000.marshal"
    stale.write_bytes(b"an earlier version's")
    determiners.lexicon.cache_clear()
    built = determiners.lexicon("de")
    assert not stale.exists()  # replaced, not kept beside it
    (kept,) = (tmp_path / "lexicons").iterdir()
    determiners.lexicon.cache_clear()
    assert determiners.lexicon("de") == built
    kept.write_bytes(b"not a lexicon")
    determiners.lexicon.cache_clear()
    with caplog.at_level("WARNING"):
        assert determiners.lexicon("de") == built
    assert "unreadable lexicon cache" in caplog.text
    assert kept.read_bytes() != b"not a lexicon"  # written anew
    determiners.lexicon.cache_clear()


def test_a_cache_that_cannot_be_written_costs_a_warning_and_leaves_nothing(
        tmp_path, monkeypatch, caplog) -> None:
    from tqcheck.checks import determiners

    def full_disk(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(determiners.os, "replace", full_disk)
    determiners.lexicon.cache_clear()
    with caplog.at_level("WARNING"):
        assert "Mann" in determiners.lexicon("de").nouns
    assert "cannot keep the lexicon" in caplog.text
    assert list((tmp_path / "lexicons").iterdir()) == []  # no half-written file
    determiners.lexicon.cache_clear()
