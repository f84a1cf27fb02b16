"""Every export in ../shared/data/bib imports: records kept, rejections named, no crash."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import shared
from litsynth.biblio.dedupe import run_dedupe
from litsynth.biblio.readers import build_batch, import_files
from litsynth.errors import BiblioError
from litsynth.store import biblio as store
from litsynth.store import connect

NOT_EXPORTS = {"LICENSE", "COPYING", "DESCRIPTION"}


@pytest.mark.slow
def test_every_shared_export_imports() -> None:
    root = shared("data/bib")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name not in NOT_EXPORTS)
    assert len(files) == 79  # 21 asreview + 43 malformed + 15 synthesisr exports
    total = 0
    refused = []
    for path in files:
        try:
            batch = build_batch(path.read_bytes(), str(path), "shared")
        except BiblioError as exc:  # issue 9: a file with no records is an error naming it
            assert str(path) in exc.message, exc.message
            refused.append(path.name)
            continue
        total += len(batch.records)
        for rej in batch.rejected:
            assert rej.line >= 0 and rej.reason, (path, rej)
        assert len({r.id for r in batch.records}) == len(batch.records), path
    assert total >= 750
    # files of comments, macros or broken entries only: each now refused with its name
    assert len(refused) <= 12, refused
    by_name = {str(p.relative_to(root)).split("/", 1)[0] + "/" + p.name: p for p in files}
    expectations = {
        "synthesisr/zoorec.txt": ("wos", 134, 0),
        "synthesisr/WoS_txt_example.txt": ("wos", 4, 0),
        "synthesisr/PubMed_example.txt": ("medline", 3, 0),
        "synthesisr/Scopus_bib_example.bib": ("bibtex", 3, 0),
        "asreview/scopus.ris": ("ris", 6, 0),
        "synthesisr/scopus.ris": ("ris", 92, 0),
        "asreview/baseline_empty_values.ris": ("ris", 4, 0),
        "malformed/gbk_test.bib": ("bibtex", 1, 0),
        "synthesisr/eviatlas.tsv": ("csv", 1, 0),
    }
    for name, (fmt, n, n_rejected) in expectations.items():
        batch = build_batch(by_name[name].read_bytes(), name, "shared")
        assert (batch.format, len(batch.records), len(batch.rejected)) == (fmt, n, n_rejected), name
    gbk = build_batch(by_name["malformed/gbk_test.bib"].read_bytes(), "gbk_test.bib", "CNKI")
    assert gbk.records[0].authors == ("凯撒",) and gbk.encoding == "gb18030"


@pytest.mark.slow
def test_nagtegaal_duplicates_from_its_column(tmp_path: Path) -> None:
    csv_path = shared("data/screening/Nagtegaal_2019/output/Nagtegaal_2019.csv")
    frame = pd.read_csv(csv_path)
    conn = connect(tmp_path / "litsynth.db")
    [outcome] = import_files(conn, [csv_path], "Nagtegaal")
    assert outcome.n_records == len(frame) and outcome.n_rejected == 0
    result = run_dedupe(conn, from_column="duplicate_record_id")
    assert result.n_duplicates == int(frame["duplicate_record_id"].notna().sum()) == 11
    marked = frame[frame["duplicate_record_id"].notna()]
    expected = {str(r.record_id): str(int(r.duplicate_record_id)) for r in marked.itertuples()}
    got = {dup: group[0] for group in result.groups for dup in group[1:]}
    assert got == expected  # the marked row is the duplicate; the row it names, the root
    assert len(store.unique_records(conn)) == len(frame) - 11
