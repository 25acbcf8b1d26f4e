"""Checklists: loading, errors that name the file and line, examples, matching, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.check.checklists import checklist_flags, load_checklist, run_examples
from tqcheck.check.options import CheckOptions
from tqcheck.cli import app
from tqcheck.config import shipped_config_dir
from tqcheck.errors import ConfigError
from tqcheck.pipeline.document import check_text

runner = CliRunner()
HEAD = '[checklist]\nid = "mine"\nlang = "en"\n\n'
GOOD = HEAD + '''[[check]]
id = "date"
pattern = \'\'\'\\btoday \\((?P<day>Monday|Sunday)\\)\'\'\'
regex = true
category = "Style/Awkward"
severity = "Minor"
message = "weekday in brackets"
suggestion = 'on \\g<day>'
match = ["He spoke today (Monday)."]
no_match = ["He spoke on Monday."]

[[check]]
id = "literal"
pattern = "in the framework of"
source_langs = ["fr"]
category = "Style/Awkward"
severity = "Major"
message = "French calque"
suggestion = "as part of"
match = ["In the framework of the deal, it ended."]

[[check]]
id = "narrowed"
pattern = \'\'\'\\bsources? (?:\\w+ ){0,3}?(?P<flag>announced that)\'\'\'
regex = true
category = "Style/Awkward"
severity = "Minor"
message = "a source says"
suggestion = "said that"
'''


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    load_checklist.cache_clear()
    return str(path)


def test_shipped_checklist_passes_its_own_examples():
    cl = load_checklist("en-news-translationese")
    assert cl.lang == "en" and len(cl.checks) >= 20
    assert run_examples(cl) == []
    assert all(c.match and c.message for c in cl.checks)  # every check shows what it finds


@pytest.mark.parametrize("name", sorted(p.stem for p in (shipped_config_dir() / "checklists")
                                        .glob("*.toml")))
def test_every_shipped_checklist_passes_its_examples_in_its_own_language(name: str) -> None:
    """Each language's checklist (typography, translationese, accents, articles): every
    check finds its must-match examples and none of its must-not-match ones."""
    cl = load_checklist(name)
    assert cl.lang == name.split("-")[0]
    assert run_examples(cl) == []
    assert all(c.match and c.no_match and c.message for c in cl.checks)


def test_flags_spans_suggestions_and_source_languages(tmp_path):
    cl = load_checklist(write(tmp_path, GOOD))
    text = "In the framework of talks, a source close to them announced that today (Sunday)."
    found = {(text[f.start:f.end], f.suggestion, f.severity, f.signal)
             for f in checklist_flags(text, (cl,), "en", None)}
    assert found == {
        ("In the framework of", "As part of", "Major", "checklist:mine/literal"),
        ("announced that", "said that", "Minor", "checklist:mine/narrowed"),
        ("today (Sunday)", "on Sunday", "Minor", "checklist:mine/date")}
    # A check for French sources stays quiet when the source is known to be another language.
    assert not any(f.signal.endswith("/literal")
                   for f in checklist_flags(text, (cl,), "en", "zh"))
    assert checklist_flags(text, (cl,), "de", None) == []  # a checklist is for its language


def test_failing_examples_are_reported_with_file_and_line(tmp_path):
    bad = GOOD.replace('no_match = ["He spoke on Monday."]',
                       'no_match = ["He spoke today (Monday) too."]')
    path = write(tmp_path, bad)
    failures = run_examples(load_checklist(path))
    assert failures == [f"{path}:5: date: matches 'today (Monday)' in "
                        "'He spoke today (Monday) too.', which it must not"]
    res = runner.invoke(app, ["checklist", "test", path])
    assert res.exit_code == 1 and "which it must not" in res.stdout
    assert runner.invoke(app, ["checklist", "test", "en-news-translationese"]).exit_code == 0


@pytest.mark.parametrize(("change", "line", "message"), [
    (lambda t: t.replace("(?P<day>Monday|Sunday)\\)", "(?P<day>Monday|Sunday\\)"), 7,
     "invalid regular expression"),
    (lambda t: t.replace('severity = "Major"', 'severity = "Huge"'), 21,
     "severity` must be Minor or Major"),
    (lambda t: t.replace('category = "Style/Awkward"\nseverity = "Major"',
                         'category = "Style/Awful"\nseverity = "Major"'), 20,
     "unknown category 'Style/Awful'"),
    (lambda t: t.replace("suggestion = 'on \\g<day>'", "suggestion = 'on \\g<night>'"), 12,
     "refers to group"),
    (lambda t: t.replace('id = "literal"', 'id = "date"'), 0, "used twice: date"),
    (lambda t: t.replace('source_langs = ["fr"]', 'source_langs = "fr"'), 19,
     "must be a list of strings"),
    (lambda t: t.replace('message = "French calque"', 'mesage = "French calque"'), 22,
     "unknown key"),
])
def test_bad_checklists_name_the_file_and_line(tmp_path, change, line, message):
    path = write(tmp_path, change(GOOD))
    with pytest.raises(ConfigError, match=message) as err:
        load_checklist(path)
    where = f"{path}:{line}:" if line else f"{path}:"
    assert str(err.value).startswith(where)
    res = runner.invoke(app, ["checklist", "test", path])
    assert res.exit_code == 2 and message.split("\\")[0][:10] in res.stderr


def test_check_takes_extra_checklists(tmp_path):
    path = write(tmp_path, GOOD.replace("\\btoday \\((?P<day>Monday|Sunday)\\)",
                                        "\\bat (?P<day>Monday|Sunday) noon"))
    text = "He spoke at Monday noon in Berlin.\n"
    opts = CheckOptions(model_free=True, language_id=False)
    plain = check_text(text, opts)
    extra = check_text(text, CheckOptions(model_free=True, language_id=False,
                                          checklists=(path,)))
    signals = {f.signal for r in extra.segments for f in r.flags}
    assert "checklist:mine/date" in signals
    assert "checklist:mine/date" not in {f.signal for r in plain.segments for f in r.flags}
    assert "mine@" in extra.signature["checklists"]
    res = runner.invoke(app, ["check", "-", "--model-free", "--checklist", str(tmp_path /
                                                                            "nope.toml")],
                        input=text)
    assert res.exit_code == 2 and "cannot read checklist" in res.stderr
