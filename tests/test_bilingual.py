"""Bilingual evidence without a translation model (tqcheck/text/bilingual.py, the check
meaning:coverage): dictd dictionaries read as FreeDict ships them, coverage of inflected and
compound words, the install hint when none is there, and the real Debian dictionaries and
cedict word list where installed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tqcheck.check.options import CheckOptions
from tqcheck.text import bilingual

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(folder: Path, name: str, entries: dict[str, str]) -> None:
    """A dictd dictionary as FreeDict's packages hold it: a gzip body and a base64 index."""
    body, index = b"", []
    for head, text in entries.items():
        chunk = text.encode()
        index.append(f"{head}\t{_b64(len(body))}\t{_b64(len(chunk))}")
        body += chunk
    (folder / f"{name}.index").write_text("\n".join(sorted(index)) + "\n", "utf-8")
    with gzip.open(folder / f"{name}.dict.dz", "wb") as f:
        f.write(body)


ENG_DEU = {
    "refugee": "refugee /ˈrefjʊdʒiː/\nFlüchtling <masc> [pol.]\n      \"war refugee\"  - "
               "Kriegsflüchtling\n see: {refugees}\n\n",
    "say sth.": "say sth. /seɪ/\netw. sagen, etw. äußern <v, trans>\n\n",
    "government": "government\nRegierung <fem>\n\n",
    "arrive": "arrive\nankommen, eintreffen\n\n",
}


@pytest.fixture
def dictd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_dictd(tmp_path, "freedict-eng-deu", ENG_DEU)
    monkeypatch.setenv("TQCHECK_DICTD_PATH", str(tmp_path))
    monkeypatch.setattr(bilingual, "DICTD", ())  # the machine's own dictionaries stay out
    bilingual.evidence.cache_clear()
    yield tmp_path
    bilingual.evidence.cache_clear()


def test_dictd_entries_give_their_senses_not_their_examples(dictd: Path) -> None:
    ev = bilingual.evidence("en", "de")
    assert ev is not None and ev.names == ["freedict-eng-deu"]
    assert ev.forward is not None
    assert ev.forward.translations("refugee") == {"flüchtling"}  # not "kriegsflüchtling"
    assert ev.forward.translations("say") == {"sagen", "äußern"}  # "say sth." is "say"


def test_inflections_and_compounds_have_a_counterpart_and_other_words_none(
        dictd: Path) -> None:
    ev = bilingual.evidence("en", "de")
    assert ev is not None
    cov = ev.coverage("The government said the refugees arrived.",
                      "Die Regierung sagte, die Flüchtlingshotels seien Bananen.")
    found = {w.text: ok for w, ok in cov.target}
    assert found["Regierung"] and found["Flüchtlingshotels"]
    assert found["Bananen"] is False
    source = {w.text: ok for w, ok in cov.source}
    assert source["government"] and source["refugees"] and source["arrived"] is False
    assert cov.ratio("target") == pytest.approx(
        sum(not ok for ok in found.values()) / len(found))


def test_no_dictionary_names_the_package(dictd: Path) -> None:
    assert bilingual.evidence("en", "fr") is None
    assert bilingual.missing("en", "fr") == (
        "apt-get install dict-freedict-eng-fra (or dict-freedict-fra-eng), or set "
        "TQCHECK_DICTD_PATH")
    assert "no bilingual dictionary is known for en-xx" in str(bilingual.missing("en", "xx"))
    assert bilingual.missing("en", "de") is None


def test_the_check_is_off_in_the_default_profile_and_a_candidate_in_spans(dictd: Path
                                                                          ) -> None:
    from tqcheck.check.environment import CheckEnv
    from tqcheck.check.profile import load_profile
    from tqcheck.pipeline.registry import plan

    def why(profile: str) -> str:
        env = CheckEnv.build(CheckOptions(lang="de", src_lang="en", model_free=True,
                                          profile=profile), load_profile(profile))
        return next(p.why_not for p in plan(env) if p.check.name == "meaning:coverage")

    assert why("default") == "switched off by the profile (signals_off)"
    assert why("spans") == ""


def test_spans_profile_shows_learned_spans_not_candidates(dictd: Path) -> None:
    from tqcheck.pipeline.document import check_text

    result = check_text("Die Regierung sagte, die Flüchtlinge seien Bananen.",
                        CheckOptions(lang="de", src_lang="en", model_free=True,
                                     profile="spans"),
                        source="The government said the refugees arrived.")
    signals = {f.signal for r in result.segments for f in r.flags}
    assert "meaning:coverage" not in signals
    assert all(0.0 <= r.risk < 1.0 for r in result.segments)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # read-only use
@given(st.text(max_size=60), st.text(max_size=60))
def test_coverage_holds_any_text(dictd: Path, source: str, text: str) -> None:
    ev = bilingual.evidence("en", "de")
    assert ev is not None
    cov = ev.coverage(source, text)
    for w, _ in cov.target:
        assert text[w.start:w.end] == w.text
    for w, _ in cov.source:
        assert source[w.start:w.end] == w.text


@pytest.mark.skipif(not Path("/usr/share/dictd/freedict-eng-deu.index").is_file(),
                    reason="Debian's dict-freedict-eng-deu is not installed")
def test_real_freedict_english_german() -> None:
    bilingual.evidence.cache_clear()
    ev = bilingual.evidence("en", "de")
    assert ev is not None and "freedict-eng-deu" in ev.names
    cov = ev.coverage("The government rejected the proposal on Monday.",
                      "Die Regierung lehnte den Vorschlag am Montag ab.")
    assert all(ok for _, ok in cov.target), cov.target


def test_real_cedict_chinese_english() -> None:
    pytest.importorskip("cedict")
    bilingual.evidence.cache_clear()
    ev = bilingual.evidence("zh", "en")
    assert ev is not None and ev.names == ["cedict"]
    cov = ev.coverage("房内一名两岁儿童仅受轻伤。",
                      "A two-year-old child was only slightly injured.")
    found = {w.text: ok for w, ok in cov.target}
    assert found["child"] and found["injured"]


def test_check_names_the_missing_dictionary_once(dictd: Path, capsys: pytest.CaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck.pipeline import checker
    from tqcheck.pipeline.document import check_text

    monkeypatch.setattr(checker, "_SAID_MISSING", set())
    options = CheckOptions(lang="fr", src_lang="en", model_free=True, profile="spans")
    for _ in range(2):
        check_text("Le gouvernement a dit non.", options, source="The government said no.")
    err = capsys.readouterr().err
    assert err.count("meaning:coverage does not run: apt-get install "
                     "dict-freedict-eng-fra") == 1, err


def test_a_check_the_user_switched_off_is_not_warned_about(
        capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck.pipeline import checker
    from tqcheck.pipeline.document import check_text

    monkeypatch.setattr(checker, "_SAID_MISSING", set())
    check_text("The talks went on.", CheckOptions(lang="en", model_free=True,
                                                  language_id=False))
    assert "does not run" not in capsys.readouterr().err
