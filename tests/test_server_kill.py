"""The workspace holds a person's work: nothing acknowledged is lost, nothing doubled.

A real `litsynth serve` process: decisions are posted one by one and counted when the server
acknowledged them; the server is killed with SIGKILL mid-stream; every acknowledged decision must
be in the store. Two reviewers posting at once, and the CLI importing a sheet while the server
runs, must each leave exactly their own rows.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from litsynth.cli import cli

RECORDS = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(project: Path) -> Iterator[tuple[str, str, subprocess.Popen[str], Path]]:
    pytest.importorskip("uvicorn", reason="uvicorn is not installed")
    records = project / "many.csv"
    lines = ["record_id,title,abstract,authors,year"]
    lines += [
        f'm{i:03d},Nudge study {i},Abstract {i} about nurses.,"Doe, J",2020' for i in range(200)
    ]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(records), "--source", "X", "--project",
                                      str(project)])  # fmt: skip
    assert result.exit_code == 0, result.output
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "litsynth", "serve", "--project", str(project), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            page = urllib.request.urlopen(url + "/").read().decode()
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + (proc.stdout.read() if proc.stdout else ""))
    token = re.search(r'name="litsynth-token" content="([^"]+)"', page)
    assert token
    yield url, token.group(1), proc, project
    proc.kill()
    proc.wait()


def _decide(url: str, token: str, body: dict[str, str]) -> bool:
    request = urllib.request.Request(
        url + "/api/screen/decide", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Litsynth-Token": token},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _rows(project: Path, reviewer: str) -> list[str]:
    conn = sqlite3.connect(project / "litsynth.db")
    try:
        rows = conn.execute(
            "SELECT record_id FROM decisions WHERE reviewer = ? ORDER BY seq", (reviewer,)
        )
        return [r[0] for r in rows]
    finally:
        conn.close()


def test_kill_9_of_the_server_loses_no_acknowledged_decision(server) -> None:  # type: ignore[no-untyped-def]
    url, token, proc, project = server
    acknowledged: list[str] = []

    def post_all() -> None:
        for i in range(200):
            rid = f"m{i:03d}"
            if not _decide(
                url, token, {"record_id": rid, "decision": "exclude", "reviewer": "kim"}
            ):
                return
            acknowledged.append(rid)

    worker = threading.Thread(target=post_all)
    worker.start()
    while len(acknowledged) < 25:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    worker.join(timeout=30)
    stored = _rows(project, "kim")
    assert acknowledged, "nothing was acknowledged before the kill"
    assert stored[: len(acknowledged)] == acknowledged  # every acknowledged one, in order
    assert len(stored) <= len(acknowledged) + 1  # at most the one in flight, never a double
    assert len(set(stored)) == len(stored)


def test_two_reviewers_and_the_cli_at_once(server) -> None:  # type: ignore[no-untyped-def]
    url, token, _proc, project = server

    def reviewer(name: str, ids: range) -> None:
        for i in ids:
            assert _decide(url, token, {"record_id": f"m{i:03d}", "decision": "include",
                                        "reviewer": name})  # fmt: skip

    sheet = project / "sheet.csv"
    sheet.write_text(
        "record_id,decision\n" + "".join(f"m{i:03d},exclude\n" for i in range(100, 160)),
        encoding="utf-8",
    )
    threads = [
        threading.Thread(target=reviewer, args=("lia", range(0, 60))),
        threading.Thread(target=reviewer, args=("max", range(0, 60))),
    ]
    for t in threads:
        t.start()
    cli_run = subprocess.run(
        [sys.executable, "-m", "litsynth", "screen", "import", str(sheet), "--reviewer", "ned",
         "--project", str(project)], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    for t in threads:
        t.join()
    assert cli_run.returncode == 0, cli_run.stderr
    assert len(_rows(project, "lia")) == len(set(_rows(project, "lia"))) == 60
    assert len(_rows(project, "max")) == 60
    assert len(_rows(project, "ned")) == 60


def test_serve_on_a_taken_port_says_so_and_fails(project: Path) -> None:
    """It printed its URL (which led to the other server), then uvicorn's log, and exit 0."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--project", str(project), "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "http://127.0.0.1" not in result.output.split("Hint:")[0]
