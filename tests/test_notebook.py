"""The analyst notebook runs clean on the demo project, so it cannot rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from conftest import REPO


def test_analyst_notebook_runs(demo_project: Path, monkeypatch) -> None:
    monkeypatch.setenv("LITSYNTH_PROJECT", str(demo_project))
    notebook = nbformat.read(REPO / "notebooks" / "analyst-walkthrough.ipynb", as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError, with the failing cell, on any error
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert (demo_project / "report" / "theme-coverage-by-source-type.png").exists()
