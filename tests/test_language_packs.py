"""Fluency checks beyond English: Hunspell spelling, typography and translationese
checklists per language, on blatant errors written for these tests (each sentence one
error, of the kinds MT makes: misspellings, punctuation and quotes of English typography,
numbers in English notation, missing elision, calques; agreement errors, which French
(Grammalecte), Russian (adjective-noun and subject-verb, pymorphy3) and German
(subject-verb) and Spanish (number, read from the Hunspell dictionary) checks find), and on
the same sentences corrected, which must stay clean."""

from __future__ import annotations

import pytest
from conftest import ROOT, marked

from tqcheck.check.options import CheckOptions
from tqcheck.checks.spelling import dictionary_path
from tqcheck.pipeline.document import check_text

# (language, erroneous sentence, its correction)
CASES = {
    "de": [
        ("Die Regierung will die Verhandlungn fortsetzen.",
         "Die Regierung will die Verhandlungen fortsetzen."),
        ("Der Minister sagte, die Gespräche seien produktiv gewessen.",
         "Der Minister sagte, die Gespräche seien produktiv gewesen."),
        ('Er sagte: "Wir werden nicht aufgeben."', "Er sagte: „Wir werden nicht aufgeben.“"),
        ("Die Wirtschaft wuchs um 3.5 Prozent.", "Die Wirtschaft wuchs um 3,5 Prozent."),
        ("Mehr als 10,000 Menschen gingen auf die Straße.",
         "Mehr als 10.000 Menschen gingen auf die Straße."),
        ("Das macht keinen Sinn, sagte die Sprecherin.",
         "Das ergibt keinen Sinn, sagte die Sprecherin."),
        ("Die Wahl fand in 2020 statt.", "Die Wahl fand 2020 statt."),
        ("Die Polizei nahm nahm den Verdächtigen fest.",
         "Die Polizei nahm den Verdächtigen fest."),
        ("Der Kanzler traf sich mit dem Präsidentin.",  # grammar:determiner/gender
         "Der Kanzler traf sich mit der Präsidentin."),
        ("Die Kinder spielt im Garten.", "Die Kinder spielen im Garten."),  # subject-verb
    ],
    "fr": [
        ("Le gouvernment a annoncé de nouvelles mesures.",
         "Le gouvernement a annoncé de nouvelles mesures."),
        ("Le avion a atterri à Genève.", "L'avion a atterri à Genève."),
        ("Il a dit que il viendrait demain.", "Il a dit qu'il viendrait demain."),
        ('Le ministre a déclaré: "Nous allons négocier."',
         "Le ministre a déclaré : « Nous allons négocier. »"),
        ("Est-ce la fin de la crise?", "Est-ce la fin de la crise ?"),
        ("La croissance a atteint 3.5 % cette année.",
         "La croissance a atteint 3,5 % cette année."),
        ("Cela fait sens pour le gouvernement.", "Cela a du sens pour le gouvernement."),
        ("Il a réalisé que la guerre était perdue.",
         "Il s'est rendu compte que la guerre était perdue."),
        ("Les négociations ont échoué ,, selon la presse.",
         "Les négociations ont échoué, selon la presse."),
        ("Les ministres est arrivés hier.", "Les ministres sont arrivés hier."),  # agreement
        ("La situation reste trés difficile.", "La situation reste très difficile."),  # marks
    ],
    "es": [
        ("El gobierno anunció nuevas medidas econmicas.",
         "El gobierno anunció nuevas medidas económicas."),
        ("Qué pasará con los acuerdos?", "¿Qué pasará con los acuerdos?"),
        ("Eso no hace sentido para nadie.", "Eso no tiene sentido para nadie."),
        ("China juega un papel clave en la región.",
         "China desempeña un papel clave en la región."),
        ("Decidió en base a los datos disponibles.",
         "Decidió con base en los datos disponibles."),
        ("Qué desastre!", "¡Qué desastre!"),
        ("Los negociadores se reunieron en en Ginebra.",
         "Los negociadores se reunieron en Ginebra."),
        ("La presidenta fueron recibida en Madrid.",  # agreement: grammar:number
         "La presidenta fue recibida en Madrid."),
        ("Contrató a mas de 500 trabajadores.", "Contrató a más de 500 trabajadores."),
        ("¿Donde está el ministro?", "¿Dónde está el ministro?"),
        ("La ministra habló de el problema.", "La ministra habló del problema."),
    ],
    "ru": [
        ("Правительсво объявило о новых мерах.", "Правительство объявило о новых мерах."),
        ('Он сказал: "Мы будем вести переговоры".', "Он сказал: «Мы будем вести переговоры»."),
        ("Москва - столица России.", "Москва — столица России."),
        ("Экономика выросла на 3.5 процента.", "Экономика выросла на 3,5 процента."),
        ("Встречи проходят на ежедневной основе.", "Встречи проходят ежедневно."),
        ("Это делает смысл для всех.", "Это имеет смысл для всех."),
        ("Министр министр заявил о переговорах.", "Министр заявил о переговорах."),
        ("Переговоры продолжалась весь день.", "Переговоры продолжались весь день."),
        ("Парламент принял новых закон о выборах.", "Парламент принял новый закон о выборах."),
        ("Власти закрыли городская школу.", "Власти закрыли городскую школу."),
        ("Это был настоящий победа для команды.", "Это была настоящая победа для команды."),
    ],
}
# Of the blatant errors above, the share the model-free checks find, by profile (measured:
# the test fails if it drops; French is 1.0 with Grammalecte installed). Missed: English
# quotes in German and Russian and a hyphen for a dash in Russian, whose checks the profiles
# switch off (annotators of real MT leave them unmarked: docs/evaluation.md). Russian
# agreement (adjective-noun, subject-verb), German subject-verb agreement and the sure cases
# of German determiner-noun agreement ("mit dem Präsidentin") are found by both.
FOUND_AT_LEAST = {"default": {"de": 0.9, "fr": 0.9, "es": 1.0, "ru": 0.8},
                  "spans": {"de": 0.9, "fr": 0.9, "es": 1.0, "ru": 0.8}}


def _flags(lang: str, text: str, profile: str = "default") -> list:
    result = check_text(text, CheckOptions(lang=lang, model_free=True, language_id=False,
                                           profile=profile))
    return [f for r in result.segments for f in r.flags]


@pytest.mark.parametrize("profile", sorted(FOUND_AT_LEAST))
@pytest.mark.parametrize("lang", sorted(CASES))
def test_blatant_errors_are_found_and_their_corrections_stay_clean(lang: str,
                                                                   profile: str) -> None:
    if dictionary_path({"de": "de_DE", "fr": "fr_FR", "es": "es_ES", "ru": "ru_RU"}[lang]
                       ) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    found = [bool(_flags(lang, wrong, profile)) for wrong, _ in CASES[lang]]
    assert sum(found) / len(found) >= FOUND_AT_LEAST[profile][lang], list(
        zip(CASES[lang], found, strict=True))
    false_alarms = {right: _flags(lang, right, profile) for _, right in CASES[lang]}
    assert {k: v for k, v in false_alarms.items() if v} == {}


def test_a_language_without_its_dictionary_says_which_package_to_install(monkeypatch) -> None:
    from tqcheck.checks import spelling
    from tqcheck.pipeline.registry import plan
    from tqcheck.testing.contexts import make_env

    monkeypatch.setattr(spelling, "SEARCH", ())
    monkeypatch.delenv("TQCHECK_HUNSPELL_PATH", raising=False)
    for lang, package in (("de", "hunspell-de-de"), ("fr", "hunspell-fr"),
                          ("nl", "hunspell-nl"), ("uk", "hunspell-uk")):
        why = {p.check.id: p.why_not for p in plan(make_env(lang))}
        assert f"apt-get install {package}," in why["spelling:hunspell"], lang  # Debian's


def test_french_grammar_from_grammalecte_finds_agreement_and_spares_clean_news() -> None:
    from tqcheck.checks.grammalecte import available

    if not available():
        pytest.skip("Grammalecte is not installed (apt-get install python3-grammalecte)")
    flags = _flags("fr", "Les ministres est arrivés hier.")
    assert {f.signal for f in flags} == {"grammar:grammalecte"}
    assert any(f.suggestion == "sont" for f in flags)
    # hand-written clean news French, typographic apostrophes and plain spaces as MT writes
    clean = (ROOT / "fixtures" / "clean" / "fr.txt").read_text("utf-8").splitlines()
    assert {s: _flags("fr", s) for s in clean if _flags("fr", s)} == {}


def test_russian_agreement_spares_what_russian_allows() -> None:
    allowed = ["Он купил два новых дома.", "Российские и американские военные встретились.",
               "Это поступок, достойный сожаления.", "Меры стали повсеместными.",
               # a genitive after an adjective that governs it, a comparative, an
               # adjective used as a noun: its complement, not its noun
               "Это лишённый смысла шаг.", "Позднее сообщения подтвердились.",
               "Больных коронавирусом стало больше.", "Он налил полный стакан воды.",
               # words MT glued with a hyphen: the analyser guesses the case
               "На снимках в электронном микроскопе-вот одна из орхидей."]
    assert {s: _flags("ru", s, "spans") for s in allowed if _flags("ru", s, "spans")} == {}
    flags = _flags("ru", "Мы видели новых дом.")
    assert [(f.signal, f.start, f.end, f.suggestion) for f in flags] == [
        ("grammar:agreement", 10, 15, "новый")]  # the adjective, in the noun's form
    assert [f.suggestion for f in _flags("ru", "Музыкальное режиссура удивила всех.")] == [
        "Музыкальная"]
    # a noun that reads as a genitive after any other adjective: the number is off
    assert [(f.start, f.end, f.suggestion) for f in _flags(
        "ru", "Это было важное решения для страны.")] == [(9, 15, "важные")]
    # a lower-case dative after an adjective that governs none: the noun is the wrong word
    assert [(f.start, f.end, f.suggestion) for f in _flags(
        "ru", "Это случилось в прошлом гаду.")] == [(16, 23, None)]
    assert _flags("ru", "Он дал нужный людям совет.") == []  # "нужный" governs a dative
    # a verb where the adjective's noun should be, one slip from a noun that agrees
    assert [(f.start, f.end, f.suggestion, f.category) for f in _flags(
        "ru", "Компания получила большую прибыл в этом году.")] == [
        (26, 32, "прибыль", "Fluency/Spelling")]
    assert _flags("ru", "Раненый прибыл в больницу.") == []  # the adjective is its subject
    clean = (ROOT / "fixtures" / "clean" / "ru.txt").read_text("utf-8").splitlines()
    assert {s: _flags("ru", s) for s in clean if _flags("ru", s)} == {}


def test_a_word_several_sentences_write_is_meant_and_a_one_off_slip_is_not() -> None:
    if dictionary_path("de_DE") is None:
        pytest.skip("no Hunspell dictionary for de (.ci/run installs it)")
    alone = "Die Ministerin Landray will die Gespräche fortsetzen."
    assert [f.suggestion for f in _flags("de", alone)] == ["Landrat"]  # alone: a slip?
    document = (f"{alone}\nLandray sagte, die Verhandlungn seien schwierig.\n"
                "Die Regierung widersprach Landray am Abend.")
    flagged = [r.segment.text[f.start:f.end] for r in check_text(
        document, CheckOptions(lang="de", model_free=True, language_id=False)).segments
        for f in r.flags]
    assert flagged == ["Verhandlungn"]  # the name recurs; the slip is made once


def test_german_word_forms_the_dictionary_lacks_are_known_and_slips_are_not() -> None:
    """The "zu" of a separable verb's infinitive, an inflected compound (WMT21 news MT wrote
    both and Hunspell's de_DE lacks them); slips one letter from such words stay flagged."""
    from tqcheck.checks.spelling import _known, hunspell

    dictionary = hunspell("de")
    if dictionary is None:
        pytest.skip("no Hunspell dictionary for de (.ci/run installs it)")
    for word in ("auszuladen", "vorzulegen", "hautfarbenen", "legendärsten"):
        assert _known(dictionary, "de", word), word
    for word in ("auszuladne", "hautfarbnenen", "Verhandlungn", "gewessen"):
        assert not _known(dictionary, "de", word), word
    sentence = "Die Gunners versuchen, Mittelfeldspieler in hautfarbenen Trikots auszuladen."
    assert _flags("de", sentence) == []


@pytest.mark.parametrize(("lang", "text", "word", "suggestion"), [
    # a misspelt German noun wordfreq has seen, one slip from a far more frequent one
    ("de", "Das Unternehmen erwartet einen Gewin von zwei Milliarden.", "Gewin", "Gewinn"),
    # a lower-case word is no particle + noun compound ("auf" + "Genom" + "en")
    ("de", "Die Gespräche wurden wieder aufgenomen.", "aufgenomen", "aufgenommen"),
    # frequent words without their accents, which web text (and so wordfreq) often drops
    ("es", "El ministro dijo que la situacion es grave.", "situacion", "situación"),
    ("pt", "O presidente disse que a situação é muito dificil.", "dificil", "difícil"),
    # ...or with the wrong ones
    ("fr", "La situation reste trés difficile.", "trés", "très"),
    # no compound of an abbreviation the dictionary lists and a rare word ("vo" + "orsel")
    ("nl", "De minister heeft het voorsel ingediend.", "voorsel", "voorstel"),
    # ...nor of a prefix ("ge") or a rare three-letter word ("gem" + "aak")
    ("nl", "Het bedrijf heeft vorig jaar veel winst gemaak.", "gemaak", "gemaakt"),
    ("nl", "Zij heeft de hele dag hard gewerk.", "gewerk", "gewerkt"),
    # common misspellings, frequent enough in web text for wordfreq to count them
    ("ru", "Об этом сообщило информационное агенство в пятницу.", "агенство", "агентство"),
    ("de", "Die Preise sind in den letzen Monaten gestiegen.", "letzen", "letzten"),
    # the word after an elided article or preposition, checked alone
    ("fr", "La décision revient au conseil d'administraton.", "administraton",
     "administration"),
])
def test_misspellings_wordfreq_has_seen_are_flagged(lang: str, text: str, word: str,
                                                    suggestion: str) -> None:
    name = {"de": "de_DE", "es": "es_ES", "pt": "pt_PT", "fr": "fr_FR", "nl": "nl_NL",
            "ru": "ru_RU"}[lang]
    if dictionary_path(name) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    flags = [f for f in _flags(lang, text) if f.signal == "spelling:hunspell"]
    assert marked(text, flags) == [(word, suggestion)]


def test_misspellings_by_sound_come_from_the_dictionarys_table() -> None:
    """Dutch "ch" for "g" is two letters from the word meant, too far for the closeness of a
    suggestion; the nl_NL dictionary's REP table lists it."""
    if dictionary_path("nl_NL") is None:
        pytest.skip("no Hunspell dictionary for nl (.ci/run installs it)")
    text = "Er waren veel mensen op de demonstratie aanwezich."
    flags = [f for f in _flags("nl", text) if f.signal == "spelling:hunspell"]
    assert marked(text, flags) == [("aanwezich", "aanwezig")]
    assert _flags("nl", "Er waren veel mensen op de demonstratie aanwezig.") == []


@pytest.mark.parametrize(("lang", "text"), [
    ("de", "Der Parlamentär überbrachte die Nachricht."),  # rare, two letters from Parlament
    ("de", "Männer in langen, hautfarbenen Röcken."),  # Haut + Farben: a noun's compound
    ("es", "Contrató a mas de cien personas, pero esta vez el anuncio llegó tarde."),
    ("de", "Der Fahrdienst Uber und Thomas Muller äußerten sich."),  # names without marks
    # compounds whose first part is a two-letter particle ("ab" + "Fänge", "af" + "val")
    ("de", "Er erzielte 32 Touchdowns und sechs Abfänge."),
    ("nl", "Het afvalbeleid en de opstelling zijn klaar."),
])
def test_rare_words_and_valid_bare_forms_are_left_alone(lang: str, text: str) -> None:
    if dictionary_path({"de": "de_DE", "es": "es_ES", "nl": "nl_NL"}[lang]) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    assert [f for f in _flags(lang, text) if f.signal == "spelling:hunspell"] == []


@pytest.mark.parametrize(("lang", "name", "wrong", "word", "suggestion"), [
    ("uk", "uk_UA", "Уряд оголосив нові заходи для підтримки економики.", "економики",
     "економіки"),
    ("cs", "cs_CZ", "Vláda oznámila nová opatření na podporu ekonomyky.", "ekonomyky",
     "ekonomiky"),
    ("pl", "pl_PL", "Rząd ogłosił nowe środki wsparcia dla gospodarkii.", "gospodarkii",
     "gospodarki"),
])
def test_ukrainian_czech_and_polish_get_spelling_and_clean_news_stays_clean(
        lang: str, name: str, wrong: str, word: str, suggestion: str) -> None:
    """The packs of languages with a Debian Hunspell dictionary and no grammar check here:
    a misspelling is flagged with its suggestion, and 15 correct news sentences written for
    this test (fixtures/clean/LANG.txt: names, numbers, apostrophes) are not flagged by any
    check."""
    if dictionary_path(name) is None:
        pytest.skip(f"no Hunspell dictionary for {lang} (.ci/run installs it)")
    flags = [f for f in _flags(lang, wrong) if f.signal == "spelling:hunspell"]
    assert marked(wrong, flags) == [(word, suggestion)]
    clean = (ROOT / "fixtures" / "clean" / f"{lang}.txt").read_text("utf-8").splitlines()
    assert len(clean) >= 15
    assert {s: _flags(lang, s) for s in clean if _flags(lang, s)} == {}


@pytest.mark.parametrize(("lang", "wrong", "word", "suggestion"), [
    ("es", "El presidente viajó a el norte del país.", "a el", "al"),
    ("es", "La ministra habló de el problema.", "de el", "del"),
    ("it", "Il studente è stato premiato.", "Il", "Lo"),
    ("it", "Ha incontrato i studenti dell'università.", "i", "gli"),
    ("it", "È stato un studente modello.", "un", "uno"),
    ("it", "La sede di il governo è a Roma.", "di il", "del"),
])
def test_article_forms_that_the_next_word_or_a_preposition_decides(
        lang: str, wrong: str, word: str, suggestion: str) -> None:
    """Spanish "a el"/"de el" and Italian articles before s + consonant or a vowel
    (checklists es-articles, it-articles, on by default), and the correct news sentences of
    fixtures/clean/{es,it}.txt, which hold the look-alikes ("a él", "de El Salvador", "lo
    sciopero", "gli italiani"), flagged by no check."""
    flags = [f for f in _flags(lang, wrong) if f.signal.startswith("checklist:")]
    assert marked(wrong, flags) == [(word, suggestion)]
    clean = (ROOT / "fixtures" / "clean" / f"{lang}.txt").read_text("utf-8").splitlines()
    assert {s: _flags(lang, s) for s in clean if _flags(lang, s)} == {}
