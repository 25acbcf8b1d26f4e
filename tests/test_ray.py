"""`tqcheck score --engine ray` on Ray clusters started on this machine (loopback, a small
object store, stopped at the end): the same results as the local engine row for row, an
actor killed mid-chunk restarted by Ray, a killed driver resumed, Parquet output."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from tqcheck.batch.engine import RayOptions
from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.cli import app
from tqcheck.output.export import export_run
from tqcheck.run.rundb import RunDB
from tqcheck.testing.fake import DyingOnceBackend, FakeBackend, FakeFactory
from tqcheck.translate.base import BackendSettings

ray = pytest.importorskip("ray")  # the `ray` extra; CI installs it (.ci/run)

MODELS = ROOT / "fixtures" / "models"
SENTENCES = [s for s in (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text(
    "utf-8").splitlines() if s.strip()][:24]
RAY_INIT = {"include_dashboard": False, "log_to_driver": False,
            "object_store_memory": 80 * 2**20}


def toy_options(cache: Path, engine: str = "local", actors: int = 2) -> ScoreOptions:
    backend = BackendSettings(device="cpu", threads=1, cache_dir=str(cache))
    return ScoreOptions(check=CheckOptions(lang="en", pivots=("toy",), models_dir=str(MODELS),
                                           backend=backend, language_id=False),
                        chunk_segments=5, engine=engine, ray=RayOptions(actors=actors))


def exported(db: Path) -> list[dict]:
    from io import StringIO

    buf = StringIO()
    with RunDB(db, mode="read") as run:
        export_run(run, "jsonl", buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


@pytest.fixture
def local_cluster():
    ray.init(num_cpus=2, **RAY_INIT)
    yield
    ray.shutdown()


@pytest.fixture
def two_nodes():
    """A simulated two-node cluster on this machine: two raylets of one CPU each."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "object_store_memory": 80 * 2**20, "include_dashboard": False})
    cluster.add_node(num_cpus=1, object_store_memory=80 * 2**20)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def test_ray_engine_gives_the_local_engine_s_results_row_for_row(tmp_path, local_cluster):
    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n")
    local = score_corpus([str(corpus)], tmp_path / "local.sqlite", toy_options(tmp_path / "c1"))
    on_ray = score_corpus([str(corpus)], tmp_path / "ray.sqlite",
                          toy_options(tmp_path / "c2", "ray"))  # own cache: computed anew
    assert local.segments_scored == on_ray.segments_scored >= len(SENTENCES)
    assert on_ray.cache_misses > 0 and on_ray.cache_hits == 0  # the actors did the work
    a, b = exported(tmp_path / "local.sqlite"), exported(tmp_path / "ray.sqlite")
    assert a == b  # every field of every row, flags and metrics included
    assert any(row["flags"] for row in a)  # not a trivially empty comparison


def test_an_actor_killed_mid_chunk_is_restarted_and_its_chunk_retried(tmp_path, two_nodes):
    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("\n".join(SENTENCES[:12]) + "\n")
    marker = tmp_path / "died"
    dying = FakeFactory({"en-fr": DyingOnceBackend("en-fr", str(marker))})
    opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), language_id=False,
                                           similarity=False),
                        chunk_segments=3, engine="ray", ray=RayOptions(actors=2))
    stats = score_corpus([str(corpus)], tmp_path / "ray.sqlite", opts, factory=dying)
    assert marker.exists()  # an actor did die in the middle of a chunk
    # placement: one actor on each node of the two-node cluster
    nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    assert len(nodes) == 2
    calm = FakeFactory({"en-fr": FakeBackend("en-fr")})
    score_corpus([str(corpus)], tmp_path / "local.sqlite", replace(opts, engine="local"),
                 factory=calm)
    rows = exported(tmp_path / "ray.sqlite")
    assert [r["key"] for r in rows] == [f"1:{i}" for i in range(len(rows))]  # each once
    assert stats.segments_scored == len(rows)
    assert rows == exported(tmp_path / "local.sqlite")


def test_a_killed_driver_resumes_with_every_segment_once(tmp_path):
    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n")
    db = tmp_path / "run.sqlite"
    cmd = [sys.executable, "-m", "tqcheck", "score", str(corpus), "--db", str(db),
           "--pivot", "toy", "--models-dir", str(MODELS), "--engine", "ray", "--actors", "1",
           "--cache-dir", str(tmp_path / "cache"), "-q"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TQCHECK_CONFIG_DIR": str(tmp_path / "cfg")}
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "score.toml").write_text(
        (ROOT / "configs" / "score.toml").read_text().replace("chunk_segments = 256",
                                                               "chunk_segments = 4"))
    proc = subprocess.Popen(cmd, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        stored = 0
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.5)
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                        stored = c.execute("SELECT count(*) FROM segments").fetchone()[0]
                except sqlite3.Error:
                    continue
                if stored >= 4:
                    break
        assert proc.poll() is None and 4 <= stored < len(SENTENCES) - 4, stored
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and everything it started
    finally:
        proc.wait(timeout=30)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = exported(db)
    assert [r["key"] for r in rows] == [f"1:{i}" for i in range(len(rows))]  # each once
    assert " ".join(r["text"] for r in rows) == " ".join(SENTENCES)


def test_parquet_output_and_export_from_it(tmp_path):
    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("The talks failed. The the talks failed.\nHe paid 300 euros.\n")
    out = tmp_path / "parquet"
    runner = CliRunner()
    res = runner.invoke(app, ["score", str(corpus), "--db", str(tmp_path / "r.sqlite"),
                              "--model-free", "--output", "parquet", str(out), "-q"])
    assert res.exit_code == 0, res.output
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == ["part-000001-000000000.parquet"]
    from_db = runner.invoke(app, ["export", str(tmp_path / "r.sqlite"), "-f", "csv"])
    from_parquet = runner.invoke(app, ["export", str(out), "-f", "csv"])
    assert from_parquet.exit_code == 0, from_parquet.output
    assert from_parquet.stdout == from_db.stdout  # the same fields, the same values
    rows = [json.loads(line) for line in runner.invoke(
        app, ["export", str(out), "-f", "jsonl"]).stdout.splitlines()]
    assert [r["key"] for r in rows] == ["1:0", "1:1", "1:2"]
    assert rows[1]["flags"][0]["category"] == "Fluency/Repetition"


def test_parquet_parts_of_uncommitted_chunks_are_removed(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    corpus = tmp_path / "corpus.en.txt"
    corpus.write_text("The talks failed.\n")
    out = tmp_path / "parquet"
    out.mkdir()
    # a part written just before a crash: its chunk never reached the database
    pq.write_table(pa.table({"key": ["1:0", "1:1"]}), out / "part-000001-000000000.parquet")
    opts = ScoreOptions(check=CheckOptions(lang="en", model_free=True), parquet=str(out))
    score_corpus([str(corpus)], tmp_path / "r.sqlite", opts)
    table = pq.read_table(out / "part-000001-000000000.parquet")
    assert table.column("key").to_pylist() == ["1:0"]  # rewritten by the committed chunk
    assert table.schema.metadata[b"tqcheck.signature"].startswith(b"tqcheck:")


def test_engine_options_are_checked_first(tmp_path, monkeypatch):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Hello.\n")
    runner = CliRunner()
    res = runner.invoke(app, ["score", str(corpus), "--db", str(tmp_path / "r.sqlite"),
                              "--model-free", "--actors", "3"])
    assert res.exit_code == 2 and "need --engine ray" in res.output
    res = runner.invoke(app, ["score", str(corpus), "--db", str(tmp_path / "r.sqlite"),
                              "--model-free", "--output", "csv", str(tmp_path / "x")])
    assert res.exit_code == 2 and "only output format is parquet" in res.output
    monkeypatch.setitem(sys.modules, "ray", None)  # Ray not installed
    res = runner.invoke(app, ["score", str(corpus), "--db", str(tmp_path / "r.sqlite"),
                              "--model-free", "--engine", "ray"])
    assert res.exit_code == 2 and "pip install 'tqcheck[ray]'" in res.output
    assert not (tmp_path / "r.sqlite").exists()  # refused before any work


def test_the_local_engine_imports_no_ray(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("The talks failed.\n")
    code = ("import sys\n"
            "from tqcheck.batch.runner import ScoreOptions, score_corpus\n"
            "from tqcheck.check.options import CheckOptions\n"
            f"score_corpus([{str(corpus)!r}], {str(tmp_path / 'r.sqlite')!r}, "
            "ScoreOptions(check=CheckOptions(lang='en', model_free=True)))\n"
            "assert 'ray' not in sys.modules, 'ray was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
