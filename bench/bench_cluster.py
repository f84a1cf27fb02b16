"""Ingest throughput on a Ray cluster: one node against two, beside a local run and raw encode.

Goal (issue 13): ingest scales out over Ray nodes. The machine has 2 cores, so the fair test of
scaling is one node with 1 CPU against two nodes with 1 CPU each, both started here on
loopback (the second joins the first, as on a real cluster). The local run (2 cores, no Ray)
and raw `SentenceTransformer.encode` of the same passages (2 threads) are measured in the same
run as references.

Corpus: the 13 scholarly PDFs under ../shared/data/pdfs/scholarly and the five seeds.

    .venv/bin/python bench/bench_cluster.py

Writes bench/results/cluster.json. Needs the ray extra (pip install -e '.[ray]').
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
OUT = HERE / "results" / "cluster.json"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def project(root: Path) -> Path:
    (root / "corpus").mkdir(parents=True)
    for pdf in sorted((SHARED / "data" / "pdfs" / "scholarly").rglob("*.pdf")):
        shutil.copy(pdf, root / "corpus" / pdf.name)
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        shutil.copy(seed, root / "corpus")
    (root / "litsynth.toml").write_text('[project]\nname = "bench"\n', encoding="utf-8")
    return root


def ingest(root: Path, *extra: str) -> dict:
    t = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "litsynth"), "ingest", "--project", str(root), "--json", *extra],
        env=ENV, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t
    report = json.loads(done.stdout)
    return {"seconds": round(seconds, 1), "passages": report["chunks_added"],
            "per_s": round(report["chunks_added"] / seconds, 1)}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def on_cluster(root: Path, nodes: int) -> dict:
    ray = str(BIN / "ray")
    port = free_port()
    common = ["--num-cpus=1", "--disable-usage-stats", "--node-ip-address=127.0.0.1"]
    subprocess.run([ray, "start", "--head", f"--port={port}", "--include-dashboard=false",
                    *common], env=ENV, check=True, capture_output=True)  # fmt: skip
    try:
        for _ in range(nodes - 1):
            subprocess.run([ray, "start", f"--address=127.0.0.1:{port}", *common],
                           env=ENV, check=True, capture_output=True)  # fmt: skip
        time.sleep(3)
        return ingest(root, "--ray", f"127.0.0.1:{port}")
    finally:
        subprocess.run([ray, "stop", "--force"], env=ENV, check=False, capture_output=True)


def raw_encode(root: Path) -> dict:
    sys.path.insert(0, str(HERE.parent / "src"))
    from sentence_transformers import SentenceTransformer

    from litsynth.embed.models import model_path

    with sqlite3.connect(root / "litsynth.db") as conn:
        texts = [row[0] for row in conn.execute("SELECT text FROM chunks")]
    model = SentenceTransformer(str(model_path()), device="cpu")
    t = time.perf_counter()
    model.encode(texts, batch_size=32)
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 1), "passages": len(texts),
            "per_s": round(len(texts) / seconds, 1)}  # fmt: skip


def main() -> int:
    if not (SHARED / "data" / "pdfs" / "scholarly").exists():
        print(f"skipped: {SHARED}/data/pdfs/scholarly is absent")
        return 0
    try:
        import ray.data  # noqa: F401
    except ImportError:
        print("skipped: the ray extra is not installed (pip install -e '.[ray]')")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        rows = {"local, 2 cores (no Ray)": ingest(project(base / "local"))}
        rows["raw encode fp32, 2 threads"] = raw_encode(base / "local")
        rows["Ray, 1 node × 1 CPU"] = on_cluster(project(base / "one"), 1)
        rows["Ray, 2 nodes × 1 CPU"] = on_cluster(project(base / "two"), 2)
    raw = rows["raw encode fp32, 2 threads"]["per_s"]
    for name, row in rows.items():
        row["ratio_to_raw_encode"] = round(row["per_s"] / raw, 2)
        print(f"{name:<30} {row['passages']:>6} passages  {row['seconds']:>7.1f} s  "
              f"{row['per_s']:>6.1f} /s  = {row['ratio_to_raw_encode']}x raw encode")  # fmt: skip
    scaling = rows["Ray, 2 nodes × 1 CPU"]["per_s"] / rows["Ray, 1 node × 1 CPU"]["per_s"]
    print(f"2 nodes ÷ 1 node: {scaling:.2f}x")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"runs": rows, "two_nodes_over_one": round(scaling, 2)},
                              indent=2) + "\n")  # fmt: skip
    print(f"wrote {OUT.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
