"""The Screening screen of a record whose export had mangled its characters (mojibake): the
text shows repaired, and the record says so, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import browsing, until
from conftest import run_cli

pytestmark = pytest.mark.browser

MANGLED = (
    "TY  - JOUR\nTI  - Nudges that donâ€™t work\nAU  - GarcÃ­a, MarÃ­a\nPY  - 2020\n"
    "AB  - Costs fell by Â£84 in the 2 Ã— 2 trial.\nER  - \n"
)


def test_a_repaired_record_reads_right_and_says_so(project: Path, tmp_path: Path) -> None:
    (tmp_path / "mangled.ris").write_text(MANGLED, encoding="utf-8")
    run_cli(project, "import", str(tmp_path / "mangled.ris"), "--source", "Embase")
    with browsing(project) as (url, page):
        page.goto(url + "/")  # the Screening screen opens first
        until(page, "() => document.querySelector('#rec-title').textContent.length > 0")
        assert page.inner_text("#rec-title") == "Nudges that don’t work"
        meta = page.inner_text("#rec-meta")
        assert meta.startswith("García, María · 2020")
        assert meta.endswith("characters repaired in its title, abstract, authors")
        assert "The text as exported is kept" in (
            page.get_attribute("#rec-meta .repaired", "title") or ""
        )
        assert "£84 in the 2 × 2 trial." in page.inner_text("#rec-abstract")
