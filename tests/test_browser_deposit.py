"""The review's data for deposit, downloaded from the workspace's Matrices screen in a real
browser: the zip `litsynth export package --anonymise` writes, and a reader reproduces the
PRISMA flow from it."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest

from browser_support import browsing
from litsynth.report.deposit_check import read_package, reproduce

pytestmark = pytest.mark.browser
SHOT = os.environ.get("LITSYNTH_SHOT_DIR")  # where to keep a screenshot to look at, if set


def test_the_deposit_downloads_with_reviewers_numbered(demo_copy: Path, tmp_path: Path) -> None:
    with browsing(demo_copy, 1400, 900) as (url, page):
        page.goto(f"{url}/screens/matrices")
        link = page.locator("#deposit-out a", has_text="with the reviewers numbered")
        link.scroll_into_view_if_needed()
        if SHOT:
            page.screenshot(path=str(Path(SHOT) / "workspace-deposit.png"))
        with page.expect_download() as got:
            link.click()
        download = got.value
        assert download.suggested_filename == "supply-chain-orchestration-demo-data.zip"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        bad = page.request.get(f"{url}/api/export/package?anonymise=perhaps")
        assert bad.status == 400 and "is not a yes or no" in bad.json()["error"]
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        log = archive.read("supply-chain-orchestration-demo-data/screening-log.csv")
    assert "supply-chain-orchestration-demo-data/datapackage.json" in names
    reviewers = {r["reviewer"] for r in csv.DictReader(io.StringIO(log.decode("utf-8")))}
    assert reviewers == {"automation", "reviewer 1", "reviewer 2"}  # demo and alex, numbered
    done = reproduce(read_package(saved))
    assert done.ok, done.summary()
    assert done.flow.new_studies == 28
