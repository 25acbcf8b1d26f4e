"""tqcheck eval and calibrate end to end on a small hand-made MQM file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.evaluation.calibrate import doc_folds, fit_logistic, predict
from tqcheck.evaluation.mqm import guess_lang_pair, read_mqm
from tqcheck.signature import Signature

runner = CliRunner()
HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"


def mqm_file(tmp_path: Path) -> Path:
    """Two systems, four documents; sysB's translations carry real, detectable errors
    (one Major and one Minor each: MQM -6, below the good/bad line at -5)."""
    rows = []
    sources = ["Le chat dort sur le canapé.", "Il a payé 300 euros.",
               "Les pourparlers ont échoué hier.", "Le ministre a parlé longtemps."]
    good = ["The cat sleeps on the sofa.", "He paid 300 euros.",
            "The talks failed yesterday.", "The minister spoke for a long time."]
    bad = ["The the cat sleeps on the sofa.", "He paid 3000 euros.",
           "The pourparlers failed yesterday.", "The minister spoke for a long time ,"]
    cats = ["Fluency/Grammar", "Accuracy/Mistranslation", "Accuracy/Untranslated text",
            "Fluency/Punctuation"]
    for doc in range(4):
        for i, (s, g, b, c) in enumerate(zip(sources, good, bad, cats, strict=True)):
            seg = str(doc * 10 + i)
            rows.append(f"sysA\tdoc{doc}\t{doc}\t{seg}\tr1\t{s}\t{g}\tNo-error\tNo-error")
            marked = b.replace("3000", "<v>3000</v>").replace("pourparlers",
                                                             "<v>pourparlers</v>")
            rows.append(f"sysB\tdoc{doc}\t{doc}\t{seg}\tr1\t{s}\t{marked}\t{c}\tMajor")
            rows.append(f"sysB\tdoc{doc}\t{doc}\t{seg}\tr1\t{s}\t{b}\tStyle/Awkward\tMinor")
    f = tmp_path / "mqm_test_fren.tsv"
    f.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return f


def test_eval_model_free_writes_figures(tmp_path):
    f = mqm_file(tmp_path)
    out = tmp_path / "figs.json"
    res = runner.invoke(app, ["eval", str(f), "--model-free", "-q", "-o", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["n_segments"] == 32
    assert data["mean_mqm"] == pytest.approx(-3.0)  # half the segments score -6
    assert data["signature"].startswith("tqcheck:mode:model-free|lang:fr-en")
    # Repetition, numbers, copied words and punctuation are all model-free signals here.
    assert data["binary"]["auroc"] > 0.9
    assert data["segment"]["pearson"] > 0.3  # 3 of the 4 error types need no model
    assert data["system"]["pairwise_accuracy"] == 1.0
    assert "segment Pearson" in res.stdout
    # every figure states its definition and has a bootstrap interval around it
    assert "avg_by=item" in data["definitions"]["segment.acc_t"]
    assert data["bootstrap"] == {"resamples": 1000, "unit": "item", "seed": 12345,
                                 "definition": data["bootstrap"]["definition"]}
    for group, name in [("segment", "pearson"), ("segment", "acc_t"),
                        ("segment", "acc_t_pooled"), ("segment", "kendall_tau_b"),
                        ("system", "pairwise_accuracy"), ("binary", "auroc")]:
        lo, hi = data["ci95"][group][name]
        assert -1 <= lo <= hi <= 1  # (a percentile interval need not hold the estimate:
        # acc-t re-chooses eps in every replicate, which biases it upwards on 8 items)
    again = runner.invoke(app, ["eval", str(f), "--model-free", "-q", "-o",
                                str(tmp_path / "again.json")])
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "again.json").read_text())["ci95"] == data["ci95"]  # seeded


def test_eval_compare_two_profiles(tmp_path, monkeypatch):
    """A profile that ranks by the flags against one that gives every segment the same risk:
    the first is better, significantly; a profile against itself differs by nothing."""
    import tomllib

    import tomli_w

    from tqcheck.check.profile import load_profile
    from tqcheck.config import shipped_config_dir

    user = tmp_path / "config"
    (user / "profiles").mkdir(parents=True)
    flat = tomllib.loads((shipped_config_dir() / "profiles" / "default.toml").read_text())
    flat["name"] = "flat"
    flat["risk"]["weights"] = dict.fromkeys(flat["risk"]["weights"], 0.0)
    (user / "profiles" / "flat.toml").write_text(tomli_w.dumps(flat))
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(user))
    load_profile.cache_clear()
    f = mqm_file(tmp_path)
    out = tmp_path / "cmp.json"
    res = runner.invoke(app, ["eval", str(f), "--model-free", "-q", "--compare", "default",
                              "flat", "--bootstrap", "200", "-o", str(out)])
    assert res.exit_code == 0, res.output
    table = json.loads(out.read_text())["compare"]
    assert table["binary.auroc"]["b"] == pytest.approx(0.5)  # every risk the same
    assert table["binary.auroc"]["difference"] > 0.3 and table["binary.auroc"]["p_value"] < 0.05
    same = runner.invoke(app, ["eval", str(f), "--model-free", "-q", "--compare", "default",
                               "default", "--bootstrap", "50", "-o", str(out)])
    assert same.exit_code == 0
    table = json.loads(out.read_text())["compare"]
    assert all(row["difference"] == 0 and row["p_value"] == 1.0 for row in table.values())
    load_profile.cache_clear()


def test_eval_with_tiny_models(tmp_path, tiny_models_dir):
    f = mqm_file(tmp_path)
    res = runner.invoke(app, ["eval", str(f), "--models-dir", str(tiny_models_dir), "-q",
                              "--limit", "6", "-o", str(tmp_path / "o.json")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "o.json").read_text())
    assert data["n_segments"] == 6
    sig = Signature.parse(data["signature"])
    assert sig["mode"] == "source" and sig["model.fr-en"].startswith("sha256:")
    assert sig["chrf.src"] == sig["chrf"]  # French and English share chrF settings


def test_eval_missing_model_exits_2(tmp_path):
    res = runner.invoke(app, ["eval", str(mqm_file(tmp_path)), "--models-dir", str(tmp_path)])
    assert res.exit_code == 2 and "en-fr  Helsinki-NLP/opus-mt-en-fr: not in" in res.stderr


def test_calibrate_writes_a_profile_that_check_can_use(tmp_path, monkeypatch):
    """The profile goes to the user's configuration directory (empty here: the shipped
    files serve the rest), never into the shipped configuration."""
    configs = tmp_path / "user-config"
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(configs))
    from tqcheck.check.profile import load_profile
    from tqcheck.config import shipped_config_dir

    shipped_before = sorted(p.name for p in shipped_config_dir().rglob("*"))
    load_profile.cache_clear()
    f = mqm_file(tmp_path)
    res = runner.invoke(app, ["calibrate", str(f), "--model-free", "--name", "mine", "-q",
                              "--folds", "4", "-o", str(tmp_path / "cal.json")])
    assert res.exit_code == 0, res.output
    profile = configs / "profiles" / "mine.toml"
    assert profile.is_file()
    cal = json.loads((tmp_path / "cal.json").read_text())
    assert cal["weights"]["minor_flags"] != 1.0  # fitted, not copied
    prof = load_profile("mine")
    assert prof.name == "mine" and prof.spans.awkward_gap == 4.0  # spans kept from base
    assert prof.risk.weights["minor_flags"] == pytest.approx(cal["weights"]["minor_flags"])
    assert sorted(p.name for p in shipped_config_dir().rglob("*")) == shipped_before
    # a user's file of a shipped name is used before the shipped one
    (configs / "profiles" / "default.toml").write_text(
        profile.read_text().replace('name = "mine"', 'name = "default"'))
    load_profile.cache_clear()
    assert load_profile("default").risk.weights == prof.risk.weights
    load_profile.cache_clear()


def test_calibrate_refuses_to_overwrite_default(tmp_path):
    res = runner.invoke(app, ["calibrate", str(mqm_file(tmp_path)), "--model-free",
                              "--name", "default", "-q"])
    assert res.exit_code == 2 and "not 'default'" in res.stderr


def test_logistic_fit_separates_and_folds_keep_documents_whole(tmp_path):
    import numpy as np

    x = np.array([[0.0], [0.1], [0.9], [1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    b, w = fit_logistic(x, y, l2=0.01)
    p = predict(x, b, w)
    assert p[0] < 0.2 < 0.8 < p[3]
    mqm = read_mqm(mqm_file(tmp_path))
    folds = doc_folds(mqm, 3)
    docs = [{mqm[i].doc for i in fold} for fold in folds]
    assert sum(len(d) for d in docs) == 4 and not set.intersection(*docs)


def test_lang_pair_from_file_name():
    assert guess_lang_pair("mqm_ted_zhen.tsv") == ("zh", "en")
    assert guess_lang_pair("x/en-de.tsv") == ("en", "de")
    # a hyphenated pair wins over words that read as two codes ("test": Telugu, Sotho)
    assert guess_lang_pair("2022_en-de_test_processed.tsv") == ("en", "de")


def test_calibrate_with_models_fits_span_thresholds(tmp_path, monkeypatch, tiny_models_dir):
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    monkeypatch.setenv("TQCHECK_CONFIG_DIR", str(configs))
    evaluation = configs / "evaluation.toml"
    text = evaluation.read_text().split("[span_grid]")[0]
    evaluation.write_text(text + "[span_grid]\nawkward_gap = [2.0, 50.0]\n"
                          "lossy_gap = [0.5, 50.0]\n")
    from tqcheck.check.profile import load_profile

    load_profile.cache_clear()
    res = runner.invoke(app, ["calibrate", str(mqm_file(tmp_path)), "--name", "tiny", "-q",
                              "--models-dir", str(tiny_models_dir), "--folds", "2",
                              "-o", str(tmp_path / "cal.json")])
    assert res.exit_code == 0, res.output
    cal = json.loads((tmp_path / "cal.json").read_text())
    assert cal["spans"]["awkward_gap"] in (2.0, 50.0)
    assert cal["spans"]["lossy_gap"] in (0.5, 50.0)
    assert set(cal["span_heldout"]) == {"span_f1_before", "span_f1_after"}
    prof = load_profile("tiny")
    assert prof.spans.awkward_gap == cal["spans"]["awkward_gap"]
    load_profile.cache_clear()


def test_memo_backend_calls_the_model_once():
    from tqcheck.testing.fake import FakeBackend
    from tqcheck.translate.memo import MemoBackend

    inner = FakeBackend("en-fr", {"a": "b"})
    memo = MemoBackend(inner)
    assert memo.translate(["a", "c", "a"]) == ["b", "c", "b"]
    assert memo.translate(["a"]) == ["b"]
    assert inner.calls == [["a", "c"]]
    assert memo.score(["x"], ["y z"]) == memo.score(["x"], ["y z"])


NEWER = ("system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"
         "s1\td1\t1\t1\tr1\tsrc\tThe the <v>cat</v> sat.\tStyle/Unnatural or awkward\tMinor\n"
         "s1\td1\t1\t1\tr1\tsrc\tThe the cat <v>sat</v>.\tLocale convention/Date format\tMinor\n"
         "s1\td1\t1\t2\tr1\tsrc\t<v>The</v> dog ran.\tTerminology/Wrong term\tMajor\n"
         "s1\td2\t2\t3\tr1\tsrc\tA bird sang.\tNo-error\tNo-error\n")


def test_newer_mqm_categories_are_mapped_and_the_rest_reported(tmp_path):
    from tqcheck.evaluation.mqm import tqcheck_category

    assert tqcheck_category("Style/Unnatural or awkward") == "Style/Awkward"
    assert tqcheck_category("terminology/wrong term") == "Accuracy/Mistranslation"
    assert tqcheck_category("Accuracy/Source language fragment") == "Accuracy/Untranslated text"
    assert tqcheck_category("Fluency/Register") is None
    f = tmp_path / "mqm_generalMT2022_enen.3ratingsPerSegment.tsv"
    f.write_text(NEWER, "utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text("The talks in Geneva ended on Monday.\nKyiv said the the plan failed.\n",
                     "utf-8")
    res = runner.invoke(app, ["eval", str(f), "--model-free", "-q", "--lang-pair", "en-en",
                              "--clean", str(clean), "-o", str(tmp_path / "o.json")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "o.json").read_text())
    assert data["unmapped_categories"] == {"Locale convention/Date format": 1}
    awkward = data["span"]["Style/Awkward"]
    assert awkward["gold_chars"] == 3  # "cat", through the mapping
    assert data["span"]["Accuracy/Mistranslation"]["gold_chars"] == 3  # "The"
    assert set(awkward) >= {"precision", "recall", "f1"}
    assert data["clean"]["segments"] == 2 and data["clean"]["flags"] == 1  # "the the"
    assert data["clean"]["flags_per_100"] == 50.0
    assert data["clean"]["by_signal"] == {"rules:repetition": 50.0}
    assert "unmapped MQM categories" in res.stdout and "clean text" in res.stdout


def test_lang_pair_usage_errors_and_names_with_more_parts(tmp_path):
    assert guess_lang_pair("mqm_generalMT2022_zhen.3ratingsPerSegment.tsv") == ("zh", "en")
    assert guess_lang_pair("wmt_news_ende.tsv") == ("en", "de")  # "news" is no pair
    res = runner.invoke(app, ["eval", str(mqm_file(tmp_path)), "--lang-pair", "zhen",
                              "--model-free"])
    assert res.exit_code == 2 and "use SRC-TGT" in res.stderr and "Traceback" not in res.output
