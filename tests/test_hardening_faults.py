"""Regression tests for the hardening probe (issue 9): settings, files, locks and faults.

Each is named after what broke: hostile settings gave tracebacks or were silently coerced,
a raised limit never retried a failed PDF, a YAML alias bomb passed validation, a codebook
colour reached the report's CSS, links out of the project were published, two ingests raced,
a read-only project, a damaged store and a full disk gave tracebacks, and files were 0600.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import shared
from litsynth.cli import cli
from litsynth.coding.codebook.load import load_codebook
from litsynth.config import IngestSettings, load_settings
from litsynth.embed.index import ChunkIndex
from litsynth.errors import CodebookError, ConfigError, StoreError
from litsynth.ingest.incremental import limit_raised
from litsynth.store.documents import FailureState
from litsynth.store.lock import writer_lock

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SMALL = ("002_f98a91929306a877.txt", "004_03019285015a147f.txt")


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def cli_process(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real command in its own process (for limits, users and locks)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "litsynth", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def small(project: Path) -> Path:
    for name in SMALL:
        shutil.copy2(CORPUS / name, project / "corpus" / name)
    return project


# ---- 5. settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "toml, words",
    [
        ("ingest = 5\n", ["ingest = 5", "section"]),
        ("[ingest]\nchunk_tokens = true\n", ["chunk_tokens = true", "whole number"]),
        ("[ingest]\nchunk_tokens = 1.9\n", ["chunk_tokens = 1.9", "whole number"]),
        ('[coding]\ncodebook = ["a"]\n', ['codebook = ["a"]', "text string"]),
        ("[ingest]\nchunk_tokens = 0\n", ["chunk_tokens = 0", "16 to 254"]),
        ("[ingest]\nchunk_tokens = 300\n", ["chunk_tokens = 300", "16 to 254"]),
        ("[embed]\nbatch_size = 0\n", ["batch_size = 0", "1 to 4096"]),
        ("[ingest]\noverlap_tokens = 100\nchunk_tokens = 80\n", ["overlap_tokens = 100"]),
        ("[ingest]\npdf_timeout_s = 0\n", ["pdf_timeout_s = 0", "0.1 to 86400"]),
        ('[screening]\nlanguages = [["en"]]\n', ["languages", "list of strings"]),
    ],
)
def test_hostile_setting_is_one_error_naming_file_key_value_and_range(
    project: Path, toml: str, words: list[str]
) -> None:
    (project / "litsynth.toml").write_text(toml, encoding="utf-8")
    code, _, err = invoke("status", "--project", project)
    assert code == 1
    assert err.startswith("Error:") and "Traceback" not in err
    assert "litsynth.toml" in err
    for word in words:
        assert word in err, err


def test_environment_setting_is_checked_like_the_file(project: Path) -> None:
    with pytest.raises(ConfigError, match="chunk_tokens"):
        load_settings(project, environ={"LITSYNTH_INGEST__CHUNK_TOKENS": "nine"})
    good = load_settings(project, environ={"LITSYNTH_INGEST__CHUNK_TOKENS": "128"})
    assert good.ingest.chunk_tokens == 128


# ---- 6. a raised limit retries the files that failed by it --------------------------------------


def test_timeout_failure_is_retried_after_the_limit_is_raised() -> None:
    failed = FailureState("a.pdf", "h", 1, 1, "timeout", "took longer", 60.0, 2048)
    assert not limit_raised(failed, IngestSettings(pdf_timeout_s=60.0))
    assert limit_raised(failed, IngestSettings(pdf_timeout_s=120.0))
    oom = FailureState("b.pdf", "h", 1, 1, "out-of-memory", "", 60.0, 2048)
    assert limit_raised(oom, IngestSettings(pdf_memory_mb=4096))
    broken = FailureState("c.pdf", "h", 1, 1, "broken-file", "", 60.0, 2048)
    assert not limit_raised(broken, IngestSettings(pdf_timeout_s=600.0, pdf_memory_mb=8192))


def test_an_ocr_timeout_is_retried_when_the_page_limit_is_raised() -> None:
    """OCR's own limit is per page (ocr_page_timeout_s): that is the one to raise."""
    detail = "OCR of page 3 took over 60 s (raise [ingest] ocr_page_timeout_s)"
    failed = FailureState("scan.pdf", "h", 1, 1, "timeout", detail, 60.0, 2048)
    assert not limit_raised(failed, IngestSettings(pdf_timeout_s=600.0))
    assert limit_raised(failed, IngestSettings(ocr_page_timeout_s=120.0))


def test_raised_timeout_retries_a_failed_pdf_end_to_end(project: Path) -> None:
    pdf = next(shared("data/pdfs/scholarly").rglob("2206.10883v3.pdf"), None)
    if pdf is None:
        pytest.skip("2206.10883v3.pdf is not in ../shared/data/pdfs/scholarly")
    shutil.copy2(pdf, project / "corpus" / "paper.pdf")  # 37 pages: ~1 s with pypdf
    settings = project / "litsynth.toml"
    base = settings.read_text(encoding="utf-8")
    settings.write_text(base + "\n[ingest]\npdf_timeout_s = 0.1\n", encoding="utf-8")
    first = cli_process("ingest", "--project", project, "--json")
    assert first.returncode == 0, first.stderr
    assert '"timeout"' in first.stdout, first.stdout[-800:]
    again = cli_process("ingest", "--project", project, "--json")  # same limit: not retried
    assert '"documents_skipped_failed": 1' in again.stdout, again.stdout[-800:]
    settings.write_text(base + "\n[ingest]\npdf_timeout_s = 120\n", encoding="utf-8")
    raised = cli_process("ingest", "--project", project, "--json")
    assert '"documents_ingested": 1' in raised.stdout, raised.stdout[-800:]


# ---- 7. codebook YAML -------------------------------------------------------------------------


def _codebook(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_yaml_alias_bomb_in_keywords_is_rejected(tmp_path: Path) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    body = "\n".join(levels) + (
        "\ncodes:\n  - id: bomb\n    definition: A code.\n    keywords: *a8\n"
    )
    path = tmp_path / "bomb.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CodebookError, match="aliases expand"):
        load_codebook(path)


def test_nested_list_in_keywords_is_an_error_not_a_string(tmp_path: Path) -> None:
    path = _codebook(
        tmp_path,
        """
        codes:
          - id: nested
            definition: A code.
            keywords: [platform, [data, protocol]]
        """,
    )
    with pytest.raises(CodebookError, match="list of strings"):
        load_codebook(path)


@pytest.mark.parametrize(
    "color", ["url(http://example.invalid/x.png)", "red; background: url(x)", "expression(1)"]
)
def test_codebook_color_that_is_not_a_colour_is_rejected(tmp_path: Path, color: str) -> None:
    path = _codebook(
        tmp_path,
        f"""
        codes:
          - id: c
            definition: A code.
            color: "{color}"
        """,
    )
    with pytest.raises(CodebookError, match="colour"):
        load_codebook(path)


def test_codebook_colors_in_css_syntax_are_kept(tmp_path: Path) -> None:
    path = _codebook(
        tmp_path,
        """
        codes:
          - {id: a, definition: A., color: "#1f77b4"}
          - {id: b, definition: B., color: "rgb(31, 119, 180)"}
          - {id: c, definition: C., color: teal}
        """,
    )
    book = load_codebook(path)
    assert [book.codes[c].color for c in "abc"] == ["#1f77b4", "rgb(31, 119, 180)", "teal"]


# ---- 8. links out of the project ----------------------------------------------------------------


def test_symlink_outside_project_not_published(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    secret = outside / "diary.txt"
    secret.write_text("My private diary about supply chains and orchestration.\n")
    (small / "corpus" / "diary.txt").symlink_to(secret)
    (small / "corpus" / "linked-folder").symlink_to(outside, target_is_directory=True)
    code, out, err = invoke("ingest", "--project", small)
    assert code == 0, err
    assert "diary.txt is a link to" in out + err and "outside the project" in out + err
    code, out, _ = invoke("search", "private diary", "--project", small, "--json")
    assert "diary" not in out


def test_named_folder_outside_project_is_ingested(small: Path, tmp_path: Path) -> None:
    """A folder the user names is their choice, wherever it is; a link inside it that leads
    elsewhere still is not (it was reported as 'a link' for every plain file in the folder)."""
    papers = tmp_path / "downloads"
    papers.mkdir()
    (papers / "field-notes.txt").write_text(
        "Field notes on orchestration of humanitarian supply chains by a lead NGO.\n"
    )
    private = tmp_path / "private"
    private.mkdir()
    (private / "diary.txt").write_text("My private diary about supply chains.\n")
    (papers / "diary.txt").symlink_to(private / "diary.txt")
    code, out, err = invoke("ingest", str(papers), "--project", small, "--json")
    assert code == 0, err
    assert "field-notes.txt is a link" not in out + err
    assert "diary.txt is a link to" in out + err
    code, out, _ = invoke("search", "humanitarian NGO field notes", "--project", small, "--json")
    assert "field-notes.txt" in out or "humanitarian" in out
    assert "private diary" not in out


def test_records_path_outside_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("title,authors\nA title,Doe\n", encoding="utf-8")
    with (project / "litsynth.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[records]\nimports = ["Scopus=../elsewhere.csv"]\n')
    code, _, err = invoke("run", "--project", project, "--quiet")
    assert code == 1
    assert "leads outside the project folder" in err


def test_documents_csv_row_matching_no_file_is_warned_about(small: Path) -> None:
    (small / "corpus" / "documents.csv").write_text(
        "file,title,authors,year\n002_f98a91929306a877.txt,Seed two,Doe,2020\n"
        "no-such-paper.pdf,Missing,Roe,2019\n",
        encoding="utf-8",
    )
    code, out, err = invoke("ingest", "--project", small)
    assert code == 0, err
    assert "'no-such-paper.pdf' matches no file in corpus/" in out + err
    assert "002_f98a91929306a877.txt' matches" not in out + err


def test_documents_csv_rows_not_judged_by_another_folder(small: Path, tmp_path: Path) -> None:
    """Ingesting a folder beside corpus/ reads none of corpus/'s files; its documents.csv rows
    still name files that are there, so nothing is said about them."""
    (small / "corpus" / "documents.csv").write_text(
        "file,title,authors,year\n002_f98a91929306a877.txt,Seed two,Doe,2020\n"
        "no-such-paper.pdf,Missing,Roe,2019\n",
        encoding="utf-8",
    )
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "memo.txt").write_text("A memo on orchestration.\n")
    code, out, err = invoke("ingest", str(extra), "--project", small)
    assert code == 0, err
    assert "'no-such-paper.pdf' matches no file in corpus/" in out + err
    assert "002_f98a91929306a877.txt' matches" not in out + err


# ---- 4. one writer at a time --------------------------------------------------------------------


def test_second_ingest_while_one_runs_exits_naming_the_first(small: Path) -> None:
    with writer_lock(small, "ingest"):
        done = cli_process("ingest", "--project", small)
    assert done.returncode == 1
    assert f"another litsynth ingest (pid {os.getpid()}) is running" in done.stderr
    assert "Traceback" not in done.stderr
    again = cli_process("ingest", "--project", small)  # released: the next one runs
    assert again.returncode == 0, again.stderr


def test_lock_is_released_when_its_holder_is_killed(small: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path;"
         "from litsynth.store.lock import writer_lock;"
         "cm = writer_lock(Path(sys.argv[1]), 'ingest'); cm.__enter__();"
         "print('held', flush=True); time.sleep(60)", str(small)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreError, match="another litsynth ingest"), writer_lock(small, "ingest"):
        pass
    holder.kill()
    holder.wait()
    with writer_lock(small, "ingest"):
        pass


# ---- 11-13. faults ------------------------------------------------------------------------------


@pytest.fixture
def world_readable_project() -> Iterator[Path]:
    """An ingested project in a folder another user can read (pytest's tmp is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="litsynth-ro-"))
    base.chmod(0o755)
    root = base / "review"
    for folder in ("corpus", "codebook", "indexes"):
        (root / folder).mkdir(parents=True)
    (root / "litsynth.toml").write_text('[embed]\nmodel = "hash-384"\n', encoding="utf-8")
    for name in SMALL:
        shutil.copy2(CORPUS / name, root / "corpus" / name)
    code, _, err = invoke("ingest", "--project", root)
    assert code == 0, err
    yield root
    for path in [base, *base.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(base)


def test_read_only_project_reads_and_refuses_writes(world_readable_project: Path) -> None:
    root = world_readable_project
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes anywhere: read as an unprivileged user instead
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [*prefix, sys.executable, "-m", "litsynth", *args, "--project", str(root)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HOME": "/tmp"}
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)

    status = run("status")
    assert status.returncode == 0, status.stderr
    search = run("search", "orchestration platform")
    assert search.returncode == 0, search.stderr
    records = Path(__file__).resolve().parent / "fixtures" / "screening" / "records.csv"
    write = run("import", str(records), "--source", "Scopus")
    assert write.returncode == 1 and "Traceback" not in write.stderr, write.stderr
    assert "read-only" in write.stderr


def test_corrupt_store_header_says_how_to_restore(small: Path) -> None:
    code, _, err = invoke("ingest", "--project", small)
    assert code == 0, err
    store = small / "litsynth.db"
    data = bytearray(store.read_bytes())
    data[:16] = b"garbage header!!"
    store.write_bytes(bytes(data))
    code, _, err = invoke("status", "--project", small)
    assert code == 1 and "Traceback" not in err
    assert "not a SQLite database" in err and "restore litsynth.db" in err


INDEX_WRITE_SCRIPT = """
import resource, signal, sys
from pathlib import Path
import numpy as np
from litsynth.embed.index import ChunkIndex
from litsynth.errors import IndexWriteError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
index = ChunkIndex(384)
vectors = np.random.default_rng(0).standard_normal((4000, 384)).astype("float32")
index.add(list(range(4000)), vectors)
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
try:
    index.save(Path(sys.argv[1]), model="hash-384", chunker="sentences.v1")
except IndexWriteError as exc:
    print("Error:", exc.message)
    print("Hint:", exc.hint)
    sys.exit(1)
"""


def test_disk_full_while_writing_the_index_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INDEX_WRITE_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "could not write the index" in done.stdout
    assert "store is intact" in done.stdout and "rebuilds the index" in done.stdout
    assert not list(tmp_path.glob(".chunks.faiss.*"))  # no temporary file left behind


# ---- 14. permissions --------------------------------------------------------------------------


def test_index_and_report_files_follow_the_umask(tmp_path: Path) -> None:
    from litsynth.report.render import _write_atomic

    old = os.umask(0o022)
    try:
        index = ChunkIndex(8)
        index.add([1, 2], np.eye(2, 8, dtype="float32"))
        index.save(tmp_path / "indexes", model="hash-8", chunker="sentences.v1")
        _write_atomic(tmp_path / "report" / "index.html", "<html></html>")
    finally:
        os.umask(old)
    for path in [*(tmp_path / "indexes").iterdir(), tmp_path / "report" / "index.html"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_memory_refusal_wrapped_by_pypdf_is_recorded_as_out_of_memory() -> None:
    """pypdf re-raises a refused allocation as a read error; it was recorded as broken-file."""
    import zlib

    from pypdf.errors import PdfReadError

    from litsynth.ingest.pdf import _reraise_memory

    try:
        try:
            raise MemoryError()
        except MemoryError as inner:
            raise PdfReadError("could not read xref stream") from inner
    except PdfReadError as wrapped:
        with pytest.raises(MemoryError):
            _reraise_memory(wrapped)
    with pytest.raises(MemoryError):
        _reraise_memory(zlib.error("Error -4 while decompressing data: insufficient memory"))
    _reraise_memory(PdfReadError("EOF marker not found"))  # a broken file stays broken


def test_the_report_copies_a_pdf_from_the_copy_that_is_left(project: Path) -> None:
    """A PDF read from corpus/x.pdf and also held as corpus/y.pdf: once x.pdf is moved away
    the report still ships the PDF its citations link to (from y.pdf), before and after
    `ingest --prune`."""
    pdf = shared("data/pdfs/scholarly/s2orc-doc2json/tests/pdf/N18-3011.pdf")
    shutil.copy(pdf, project / "corpus" / "x.pdf")
    assert invoke("ingest", "--project", project)[0] == 0
    shutil.copy(pdf, project / "corpus" / "y.pdf")
    assert invoke("ingest", "--project", project)[0] == 0
    (project / "corpus" / "x.pdf").unlink()
    code, _, err = invoke("report", "--project", project)
    assert code == 0, err
    assert len(list((project / "report" / "sources").glob("*.pdf"))) == 1
    assert invoke("ingest", "--prune", "--project", project)[0] == 0
    conn = sqlite3.connect(project / "litsynth.db")
    assert conn.execute("SELECT path FROM documents").fetchall() == [("corpus/y.pdf",)]
