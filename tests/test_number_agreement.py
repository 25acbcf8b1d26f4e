"""grammar:number: Spanish, Portuguese, Italian and Dutch determiners, nouns, adjectives and
verbs in different numbers, read from the Hunspell dictionary's plural flags; the constructions of
correct text that looks alike (object pronouns, nouns of time, quantities,
second objects, names) left alone."""

from __future__ import annotations

import pytest
from conftest import ROOT, assert_flags_inside_words, flags_of, marked
from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.checks.spelling import dictionary_path

NAME = "grammar:number"


@pytest.fixture(autouse=True)
def _dictionary() -> None:
    pytest.importorskip("spylls")
    if dictionary_path("es_ES") is None:
        pytest.skip("no Hunspell dictionary for es (.ci/run installs it)")


def _flags(text: str) -> list:
    return flags_of(NAME, text, "es")


@pytest.mark.parametrize(("wrong", "word", "suggestion"), [
    ("Los niños juega en el parque.", "juega", "juegan"),
    ("Las autoridades ha confirmado la noticia.", "ha", "han"),
    ("El gobierno aprobaron el presupuesto.", "aprobaron", "aprobó"),
    ("La policía detuvieron a dos hombres.", "detuvieron", "detuvo"),
    ("Las medidas fue aprobada ayer.", "fue", "fueron"),
    ("Los ciudadanos no se preocupa.", "preocupa", "preocupan"),
    ("Tomó una decisión muy polémicas.", "polémicas", "polémica"),
    ("Este casas son muy antiguas.", "casas", "casa"),
    ("Unos estudio recientes lo confirman.", "estudio", None),
    ("Los resultado fueron positivos.", "resultado", None),  # a participle too
    # the subject's verb without its written accent
    ("El presidente anuncio nuevas medidas ayer.", "anuncio", "anunció"),
    ("El gobierno cambio de rumbo.", "cambio", "cambió"),
    ("Las elecciones se celebraran en octubre.", "celebraran", "celebrarán"),
    # a verb form where "muy" wants an adjective, one slip from a frequent one
    ("La ciudad tiene un problema muy grabe con el tráfico.", "grabe", "grave"),
])
def test_a_word_in_the_other_number_is_flagged_with_its_form(wrong: str, word: str,
                                                             suggestion: str | None) -> None:
    flags = _flags(wrong)
    assert marked(wrong, flags) == [(word, suggestion)]
    accents = {"anuncio", "cambio", "celebraran", "grabe"}  # misspelt, not a number
    assert flags[0].category == ("Fluency/Spelling" if word in accents else "Fluency/Grammar")


def test_correct_spanish_that_looks_alike_is_left_alone() -> None:
    """fixtures/clean/es.txt, written for this test: object pronouns before a verb ("La
    policía los detuvo", "La tienes que ver"), nouns of time and quantities as subjects ("Los
    lunes trabaja", "La mayoría votaron"), a second object ("dio a la ministra plenos
    poderes"), names ("Los Ángeles registró"), nouns of both numbers ("el pasado martes")."""
    clean = (ROOT / "fixtures" / "clean" / "es.txt").read_text("utf-8").splitlines()
    assert len(clean) >= 40
    assert {s: _flags(s) for s in clean if _flags(s)} == {}
    # a verb that is also a noun after the subject: no adjective read into it
    assert _flags("El presidente visita varias ciudades.") == []
    # an adjective of the subject before its verb, not a verb without its accent
    assert _flags("El trabajo duro compensa.") == []
    # after "muy" and "tan": participles, adverbs and adjectives, never read as slips
    for right in ("El acuerdo fue muy celebrado.", "Lo vio muy de cerca.",
                  "Tan solo llegó uno.", "Ni tan siquiera llamó.", "Quedó muy atrás."):
        assert _flags(right) == [], right


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Los", "los", "La", "la", "el", "una", "niños", "niño", "casas", "casa", "juega",
    "juegan", "ha", "han", "muy", "importantes", "importante", "de", "no", "se", "martes",
    ".", ",", "¿", "?", "Madrid",
]), min_size=1, max_size=12))
def test_any_words_give_flags_inside_the_text(words: list[str]) -> None:
    assert_flags_inside_words(NAME, words, "es")


DICTIONARIES = {"pt": "pt_PT", "it": "it_IT", "nl": "nl_NL"}


@pytest.mark.parametrize(("lang", "wrong", "word", "suggestion"), [
    ("pt", "As empresa fecharam as portas.", "empresa", None),
    ("pt", "O governo aprovaram a lei.", "aprovaram", "aprovou"),
    ("pt", "Os ministros discutiu o orçamento.", "discutiu", "discutiram"),
    ("pt", "As empresas anunciou demissões.", "anunciou", "anunciaram"),
    ("it", "I bambini gioca nel parco.", "gioca", "giocano"),
    ("it", "La situazione è difficile per le famiglia.", "famiglia", None),
    ("it", "Una famiglie è arrivata ieri.", "famiglie", None),  # (it_IT makes plurals by
    # changed endings: no singular suggested, since a changed ending may be another gender)
    # Dutch: "de" serves both numbers, so the noun says which; after "het" the article is
    # what is wrong, and no singular is suggested
    ("nl", "De minister hebben het voorstel ingediend.", "hebben", "heeft"),
    ("nl", "De ministers heeft het voorstel ingediend.", "heeft", "hebben"),
    ("nl", "Het verkiezingen worden in maart gehouden.", "verkiezingen", None),
    ("nl", "Een studenten protesteerden bij het stadhuis.", "studenten", None),
    # a stem spelt otherwise in the plural, and a plural the dictionary lists whole
    ("nl", "De kinderen speelt in het park.", "speelt", "spelen"),
    ("nl", "De studenten leeft van een beurs.", "leeft", "leven"),
    ("nl", "De leraar maken zich zorgen.", "maken", "maakt"),
    ("nl", "De ministers stopt met het overleg.", "stopt", "stoppen"),
])
def test_portuguese_and_italian_numbers_that_disagree_are_flagged(
        lang: str, wrong: str, word: str, suggestion: str | None) -> None:
    if dictionary_path(DICTIONARIES[lang]) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    flags = flags_of(NAME, wrong, lang)
    assert marked(wrong, flags) == [(word, suggestion)]


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_correct_portuguese_italian_and_dutch_that_looks_alike_is_left_alone(lang: str
                                                                            ) -> None:
    """fixtures/clean/{pt,it,nl}.txt, written for this test: object pronouns ("A polícia os
    prendeu", "La polizia li ha arrestati"), quantities ("A maioria dos deputados votou",
    "Een groep demonstranten verzamelde"), names ("Os Estados Unidos anunciaram"), nouns of
    both numbers ("Os lápis", "Le crisi"), a determiner before a contraction ("Uma das
    vítimas", "Una delle vittime"), a noun of time before the verb and its subject ("Die
    avond hebben de ministers gesproken")."""
    if dictionary_path(DICTIONARIES[lang]) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    clean = (ROOT / "fixtures" / "clean" / f"{lang}.txt").read_text("utf-8").splitlines()
    assert len(clean) >= 40
    assert {s: flags_of(NAME, s, lang) for s in clean if flags_of(NAME, s, lang)} == {}


def test_the_check_is_listed_for_spanish_portuguese_italian_and_dutch_only() -> None:
    import json

    from typer.testing import CliRunner

    from tqcheck.cli import app

    for lang, runs in (("es", True), ("pt", True), ("it", True), ("nl", True), ("fr", False)):
        res = CliRunner().invoke(app, ["checks", "--lang", lang, "--json"])
        assert res.exit_code == 0, res.output
        assert {r["name"]: r for r in json.loads(res.stdout)}[NAME]["runs"] is runs
