"""`litsynth export package` and `litsynth prisma --from`: a review's data deposited, and its
PRISMA counts reproduced from the deposit alone, as a reader of the published review would.

Real stores built through the CLI (records imported, decisions taken by two named reviewers,
passages ingested and coded), real zip files, and the package checked with `frictionless`,
the reference validator of the Data Package standard.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO, corpus_project, run_cli

RECORDS = FIXTURES / "screening" / "records.csv"
PEOPLE = ("zofia", "quentin")  # names no package word contains by chance


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """Two seeds ingested and coded, the screening fixture's 12 records screened by two
    reviewers at title/abstract and by one at full text, one record's data extracted."""
    seeds = sorted((REPO / "corpus").glob("00[12]_*.txt"))
    root = corpus_project(tmp_path, *((p, p.name) for p in seeds))
    run_cli(root, "ingest")
    run_cli(root, "import", str(RECORDS), "--source", "Scopus", "--searched", "2026-11-02",
            "--query", "nudg* AND physician*")  # fmt: skip
    for n in range(1, 9):
        decision = "include" if n <= 4 else "exclude"
        reason = () if n <= 4 else ("--reason", "wrong population")
        run_cli(root, "screen", "decide", f"r{n:02d}", decision, *reason, "--reviewer", PEOPLE[0])
    run_cli(root, "screen", "decide", "r01", "include", "--reviewer", PEOPLE[1])
    for n, decision in ((1, "include"), (2, "include"), (3, "exclude"), (4, "not-retrieved")):
        reason = ("--reason", "wrong design") if decision == "exclude" else ()
        run_cli(root, "screen", "decide", f"r{n:02d}", decision, *reason, "--stage",
                "full-text", "--reviewer", PEOPLE[0])  # fmt: skip
    run_cli(root, "extract", "init")
    sheet = tmp_path / "extract.csv"
    sheet.write_text("record_id,design,country\nr01,randomised trial,Norway\n", encoding="utf-8")
    run_cli(root, "extract", "import", str(sheet), "--reviewer", PEOPLE[0])
    run_cli(root, "code", "new", "Platform coordination", "--id", "platform",
            "--definition", "How firms align their work through a platform")  # fmt: skip
    run_cli(root, "code", "add", "platform", "--chunk", _first_chunk(root), "--coder", PEOPLE[1],
            "--memo", "the platform sets the rules")  # fmt: skip
    return root


def _first_chunk(root: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(root / "litsynth.db")
    try:
        row = conn.execute("SELECT id FROM chunks WHERE role = 'body' ORDER BY id").fetchone()
        return str(row[0])
    finally:
        conn.close()


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def table(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"), newline="")))


def test_a_deposit_holds_the_review_and_a_reader_reproduces_its_flow(
    review: Path, tmp_path: Path
) -> None:
    out = tmp_path / "deposit.zip"
    said = run_cli(review, "export", "package", str(out))
    assert f"Wrote {out}" in said and "SHA-256 of deposit.zip" in said
    files = {k.split("/", 1)[1]: v for k, v in unzip(out).items()}
    assert {"README.md", "datapackage.json", "records.csv", "imports.csv", "searches.csv",
            "screening-log.csv", "documents.csv", "codings.csv", "extraction.csv",
            "prisma.csv", "prisma.json", "prisma.svg", "selection.md"} <= set(files)  # fmt: skip
    records = table(files, "records.csv")
    assert len(records) == 12 and "abstract" not in records[0]  # abstracts stay out by default
    r03 = next(r for r in records if r["record_id"] == "r03")
    assert (r03["full_text_decision"], r03["full_text_reason"]) == ("exclude", "wrong design")
    log = table(files, "screening-log.csv")
    assert len(log) == 8 + 1 + 4 and {r["reviewer"] for r in log} == set(PEOPLE)
    assert table(files, "searches.csv") == [
        {"source": "Scopus", "searched_on": "2026-11-02", "query": "nudg* AND physician*"}
    ]
    coded = table(files, "codings.csv")
    assert [(c["code_id"], c["coder"], c["origin"], c["memo"]) for c in coded] == [
        ("platform", PEOPLE[1], "human", "the platform sets the rules")
    ]
    assert "text" not in coded[0]  # the coded words stay out by default
    # what `litsynth prisma` says of the project is what the package says
    deposited = json.loads(files["prisma.json"])
    assert deposited == json.loads(run_cli(review, "prisma", "--json"))
    assert deposited["dbr_included"] == 2 and deposited["dbr_notretrieved_reports"] == 1
    # a reader with the zip and no project reproduces every box
    reader = tmp_path / "reader"
    reader.mkdir()
    done = run_cli(reader, "prisma", "--from", str(out))
    assert "reproduced: every box equals the deposited prisma.json" in done
    assert "from 12 records and 13 decisions" in done
    drawn = reader / "flow.svg"  # the reader draws the diagram from the package too
    said = run_cli(reader, "prisma", "--from", str(out), "--svg", str(drawn))
    assert f"written {drawn}" in said and "<title>PRISMA 2020 flow diagram — review" in (
        drawn.read_text(encoding="utf-8")
    )
    said = run_cli(reader, "prisma", "--from", str(out), "--paragraph", "-", exit_code=1)
    assert "--methods and --paragraph are written from a project's log" in said
    assert files["litsynth.toml"] == (review / "litsynth.toml").read_bytes()  # its settings
    readme = files["README.md"].decode("utf-8")
    assert "litsynth prisma --from" in readme and "are available at [repository URL]" in readme


def test_the_package_is_valid_to_the_data_package_standard(review: Path, tmp_path: Path) -> None:
    from frictionless import validate

    folder = tmp_path / "deposit"
    run_cli(review, "export", "package", str(folder), "--abstracts", "--text")
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "message"])
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert len(names) == len(set(names)) and "records" in names
    schema = next(r for r in descriptor["resources"] if r["name"] == "screening-log")["schema"]
    assert schema["foreignKeys"] == [
        {"fields": "record_id", "reference": {"resource": "records", "fields": "record_id"}}
    ]
    records = list(csv.DictReader((folder / "records.csv").open(encoding="utf-8")))
    assert records[0]["abstract"].startswith("A randomised trial of default options")
    coded = list(csv.DictReader((folder / "codings.csv").open(encoding="utf-8")))
    assert len(coded[0]["text"].split()) > 5  # --text: the coded words themselves
    extracted = list(csv.DictReader((folder / "extraction.csv").open(encoding="utf-8")))
    assert [(r["record_id"], r["field"], r["value"]) for r in extracted] == [
        ("r01", "design", "randomised trial"),
        ("r01", "country", "Norway"),
    ]
    assert (folder / "forms" / "extraction.yaml").is_file()


def test_the_same_review_gives_the_same_bytes_and_a_new_decision_new_ones(
    review: Path, tmp_path: Path
) -> None:
    first, again = tmp_path / "a" / "deposit.zip", tmp_path / "b" / "deposit.zip"
    for path in (first, again):  # into folders that are not there yet
        run_cli(review, "export", "package", str(path))
    assert first.read_bytes() == again.read_bytes()
    run_cli(review, "screen", "decide", "r09", "include", "--reviewer", PEOPLE[0])
    later = tmp_path / "c" / "deposit.zip"
    run_cli(review, "export", "package", str(later))
    assert later.read_bytes() != first.read_bytes()
    log = table({k.split("/", 1)[1]: v for k, v in unzip(later).items()}, "screening-log.csv")
    created = json.loads(unzip(later)["deposit/datapackage.json"])["created"]
    assert created == log[-1]["at"][:19] + "Z"  # dated by the latest entry, not the clock


def test_anonymised_no_reviewer_is_named_anywhere(review: Path, tmp_path: Path) -> None:
    settings = review / "litsynth.toml"  # the project's default reviewer is a name too
    settings.write_text(f'[project]\nreviewer = "{PEOPLE[0]}"\n' + settings.read_text())
    out = tmp_path / "deposit.zip"
    said = run_cli(review, "export", "package", str(out), "--anonymise")
    assert "'reviewer 1', 'reviewer 2'" in said
    for name, data in unzip(out).items():
        for person in PEOPLE:
            assert person not in data.decode("utf-8").casefold(), (name, person)
    files = {k.split("/", 1)[1]: v for k, v in unzip(out).items()}
    log = table(files, "screening-log.csv")
    assert {r["reviewer"] for r in log} == {"reviewer 1", "reviewer 2"}
    assert table(files, "codings.csv")[0]["coder"] == "reviewer 2"  # quentin, second to appear
    reader = tmp_path / "reader"
    reader.mkdir()
    assert "reproduced:" in run_cli(reader, "prisma", "--from", str(out))


def test_a_changed_package_is_caught_file_and_box(review: Path, tmp_path: Path) -> None:
    folder = tmp_path / "deposit"
    run_cli(review, "export", "package", str(folder))
    reader = tmp_path / "reader"
    reader.mkdir()
    assert "reproduced:" in run_cli(reader, "prisma", "--from", str(folder))
    # someone turns an exclusion at title/abstract into an inclusion: the flow still adds up
    # (the record is then awaiting its full text), but it is no longer the deposited one
    log = (folder / "screening-log.csv").read_text(encoding="utf-8")
    changed = log.replace("r08,title-abstract,exclude,wrong population",
                          "r08,title-abstract,include,", 1)  # fmt: skip
    assert changed != log
    (folder / "screening-log.csv").write_text(changed, encoding="utf-8", newline="")
    said = run_cli(reader, "prisma", "--from", str(folder), exit_code=1)
    assert "not reproduced: screening-log.csv changed (SHA-256 differs)" in said
    assert "records_excluded: deposited 4, recomputed 3" in said
    as_json = json.loads(run_cli(reader, "prisma", "--from", str(folder), "--json", exit_code=1))
    assert as_json["reproduced"] is False
    assert {"path": "screening-log.csv", "status": "changed", "detail": "SHA-256 differs"} in (
        as_json["files"]
    )


def test_bad_packages_are_told_not_tracebacks(review: Path, tmp_path: Path) -> None:
    reader = tmp_path / "reader"
    reader.mkdir()
    stray = tmp_path / "photos.zip"
    with zipfile.ZipFile(stray, "w") as archive:
        archive.writestr("a.txt", "hello")
    said = run_cli(reader, "prisma", "--from", str(stray), exit_code=1)
    assert "photos.zip holds no datapackage.json" in said and "Hint:" in said
    said = run_cli(reader, "prisma", "--from", str(tmp_path / "nowhere.zip"), exit_code=1)
    assert "no such package" in said
    whole = tmp_path / "whole.zip"
    run_cli(review, "export", "package", str(whole))
    cut = tmp_path / "cut.zip"  # a download that stopped short of its last bytes
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2] + data[-200:])
    said = run_cli(reader, "prisma", "--from", str(cut), exit_code=1)
    assert "cut.zip is a damaged zip" in said and "Traceback" not in said
    folder = tmp_path / "latin"
    run_cli(review, "export", "package", str(folder))
    (folder / "records.csv").write_bytes("record_id,source\nr1,Sc\xf6pus\n".encode("latin-1"))
    said = run_cli(reader, "prisma", "--from", str(folder), exit_code=1)
    assert "records.csv cannot be read as UTF-8 CSV" in said
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "datapackage.json").write_text(
        json.dumps({"resources": [{"path": "../../etc/passwd"}]}), encoding="utf-8"
    )
    said = run_cli(reader, "prisma", "--from", str(evil), exit_code=1)
    assert "names a file outside the package: ../../etc/passwd" in said
    # a package of documents and codings only has no flow to reproduce
    seeds = sorted((REPO / "corpus").glob("001_*.txt"))
    coded_only = corpus_project(tmp_path / "c", *((p, p.name) for p in seeds))
    run_cli(coded_only, "ingest")
    run_cli(coded_only, "export", "package", str(tmp_path / "coded"))
    said = run_cli(reader, "prisma", "--from", str(tmp_path / "coded"), exit_code=1)
    assert "the package has no records.csv" in said


def test_a_folder_is_never_written_over(review: Path, tmp_path: Path) -> None:
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    said = run_cli(review, "export", "package", str(folder), exit_code=1)
    assert "already exists and is not an empty folder" in said
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    run_cli(review, "export", "package", str(empty))
    assert (empty / "datapackage.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".empty.")]  # no leftovers


def test_an_empty_project_has_nothing_to_deposit(project: Path, tmp_path: Path) -> None:
    said = run_cli(project, "export", "package", str(tmp_path / "x.zip"), exit_code=1)
    assert "nothing to deposit yet" in said and "Hint: import records" in said
    assert not (tmp_path / "x.zip").exists()


def test_the_workspace_hands_over_the_same_zip_as_the_command(review: Path, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from litsynth.config import open_project
    from litsynth.server.app import create_app

    out = tmp_path / "review-data.zip"  # the name the workspace gives it
    run_cli(review, "export", "package", str(out), "--anonymise")
    with TestClient(create_app(open_project(review))) as client:
        assert 'href="/api/export/package?anonymise=1"' in client.get("/screens/matrices").text
        got = client.get("/api/export/package", params={"anonymise": "1"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert 'filename="review-data.zip"' in got.headers["content-disposition"]
    assert got.content == out.read_bytes()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cuts=st.lists(
        st.tuples(
            st.sampled_from(
                ["records.csv", "screening-log.csv", "prisma.json", "datapackage.json"]
            ),
            st.floats(0, 1),
            st.binary(max_size=12),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_package_changed_anyhow_is_told_never_a_traceback(
    package_files: dict[str, bytes], cuts: list[tuple[str, float, bytes]]
) -> None:
    """Bytes of the tables and the descriptor overwritten at random: `reproduce` either
    recomputes the flow (and says what changed) or refuses in one line; nothing else escapes."""
    from litsynth.errors import LitsynthError
    from litsynth.report.deposit_check import reproduce

    files = dict(package_files)
    for name, where, junk in cuts:
        data = files[name]
        at = int(where * len(data))
        files[name] = data[:at] + junk + data[at + len(junk) :]
    try:
        done = reproduce(files)
    except LitsynthError as exc:
        assert exc.message and exc.hint
        return
    if done.ok:  # "reproduced" is said only of tables as they were written
        assert all(files[n] == package_files[n] for n in files if n != "datapackage.json")


@pytest.fixture
def package_files(review: Path, tmp_path: Path) -> dict[str, bytes]:
    from litsynth.report.deposit_check import read_package

    out = tmp_path / "deposit.zip"
    run_cli(review, "export", "package", str(out))
    return read_package(out)
