"""Label records in ASReview LAB and export them, as a reviewer does in its web app.

Runs in ASReview's own venv (.venv-asreview, made by bench_screening.ensure_asreview), driven
by bench_screen_import.py: ASReview LAB's Flask app through its test client, with no login:
create a project from DATA (a CSV of title and abstract), label each record of LABELS (a JSON
list of [row, 0 or 1], rows 0-based in DATA), train once (so the export has its ranking and
its "not seen" records), then "Export dataset" with every collection, as CSV and as Excel,
and the project itself (.asreview).
An export the LAB cannot write (its Excel writer refuses control characters in an abstract)
leaves failed.FORMAT.txt with the LAB's error instead.

    .venv-asreview/bin/python bench/asreview_lab_label.py DATA LABELS OUTDIR
"""

import io
import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    data, labels, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    os.environ["ASREVIEW_PATH"] = tempfile.mkdtemp(prefix="asreview-lab-")
    from asreview.webapp.app import create_app

    client = create_app(LOGIN_DISABLED=True, AUTHENTICATION=False, TESTING=True).test_client()
    made = client.post(
        "/api/projects/create",
        data={"mode": "oracle", "file": (io.BytesIO(data.read_bytes()), data.name)},
        content_type="multipart/form-data",
    )
    if made.status_code != 201:
        sys.exit(f"ASReview LAB did not make the project: {made.get_data(as_text=True)}")
    project = made.json["id"]
    for row, label in json.loads(labels.read_text()):
        done = client.post(
            f"/api/projects/{project}/record/{row}",
            data={"record_id": row, "label": label, "tags": "[]"},
        )
        if done.status_code != 200:
            sys.exit(f"labelling row {row} failed: {done.get_data(as_text=True)[:300]}")
    client.post(f"/api/projects/{project}/train")
    out.mkdir(parents=True, exist_ok=True)
    collections = "collections=relevant&collections=not_seen&collections=irrelevant"
    for fmt in ("csv", "xlsx"):
        try:  # the LAB's own failures are the export's fate, said rather than fatal
            got = client.get(f"/api/projects/{project}/export_dataset?format={fmt}&{collections}")
        except Exception as exc:  # the LAB raises whatever pandas raised
            (out / f"failed.{fmt}.txt").write_text(f"{type(exc).__name__}: {str(exc)[-200:]}")
            continue
        if got.status_code != 200:
            (out / f"failed.{fmt}.txt").write_text(got.get_data(as_text=True)[:300])
            continue
        (out / f"asreview-export.{fmt}").write_bytes(got.data)
    got = client.get(f"/api/projects/{project}/export_project")  # Export → Project
    (out / "asreview-export.asreview").write_bytes(got.data)


if __name__ == "__main__":
    main()
