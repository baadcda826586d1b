"""Batch harvesting: worker processes, time limits, skip and resume, Dask, and input no parser should meet."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pyarrow.parquet as pq
from click.testing import CliRunner
from distributed import LocalCluster

from budgetpdf.batch import BatchSettings, plan_batch, run_batch
from budgetpdf.cli import main
from budgetpdf.dataset import write_document
from budgetpdf.pipeline import file_sha256, path_doc_id, process_document
from samples.generate import render
from samples.reference_2026 import REFERENCE
from budgetpdf.schemas import Status
from conftest import REFERENCE_GOLDEN, REFERENCE_PDF, golden_cells, unrelated_pdf, write_bad_inputs

# Long enough for the sample on a loaded two-core machine, short enough for a test that waits for it.
TIMEOUT = "10"
ODD_DEPARTMENT = "../财政局/国库处"


def _run(*args: str):
    return CliRunner().invoke(main, ["extract", *args], catch_exceptions=False)


def form_bomb_pdf(path: Path, depth: int = 40) -> None:
    """A one-page PDF on which pdfminer never finishes: each form XObject draws the next one twice.

    2**40 nested drawings of a line (the "billion laughs" of PDF): a real
    construction, no hook in the pipeline.  The page also prints a line of
    text, so a reader that skips pages without text still opens it.
    """

    def stream(body: bytes, entries: bytes = b"") -> bytes:
        return b"<< " + entries + b"/Length %d >>\nstream\n" % len(body) + body + b"\nendstream"

    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /X 10 0 R >> >> >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: stream(b"BT /F1 12 Tf 72 760 Td (2026 budget tables) Tj ET /X Do"),
    }
    for level in range(depth):
        last = level == depth - 1
        form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
        objects[10 + level] = stream(
            b"0 0 m 1 1 l S" if last else b"/X Do /X Do",
            form if last else form + b"/Resources << /XObject << /X %d 0 R >> >> " % (11 + level),
        )
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(pdf)
        pdf += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    for number in range(1, max(objects) + 1):
        pdf += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(objects) + 1, xref)
    path.write_bytes(bytes(pdf))


def _copies(folder: Path, n: int) -> list[Path]:
    """Byte-distinct copies of the sample: a comment after %%EOF changes the sha256, not the content."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"copy{i}.pdf" for i in range(n)]
    for i, path in enumerate(paths):
        path.write_bytes(REFERENCE_PDF.read_bytes() + f"% copy {i}\n".encode())
    return paths


def _rows(folder: Path) -> list[dict]:
    return [row for path in sorted(folder.rglob("*.parquet")) for row in pq.read_table(path, partitioning=None).to_pylist()]


def _documents(out: Path) -> dict[str, dict]:
    """documents/ by file name of the source."""
    rows = _rows(out / "documents")
    assert len({r["doc_id"] for r in rows}) == len(rows), "a document has two rows"
    return {Path(r["source_path"]).name: r for r in rows}


def _snapshot(out: Path) -> dict[str, list[dict]]:
    """Every file of a dataset and its rows; a file holds one document, so this is the whole dataset, ordered."""
    return {str(p.relative_to(out)): pq.read_table(p, partitioning=None).to_pylist() for p in sorted(out.rglob("*.parquet"))}


def _leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def _cells(rows: list[dict]) -> set[tuple]:
    keys = ("table_id", "table_no", "row_no", "side", "code", "code_level", "parent_code", "item", "project", "column", "amount", "is_total")
    return {tuple(row[k] for k in keys) for row in rows}


def test_every_bad_input_gets_its_status_while_two_workers_finish_the_batch(tmp_path):
    batch = tmp_path / "in"
    expected = write_bad_inputs(batch)
    form_bomb_pdf(batch / "hangs.pdf")
    render(replace(REFERENCE, department=ODD_DEPARTMENT), batch / "odd_department.pdf")
    expected |= {"hangs.pdf": "timeout", "odd_department.pdf": "ok"}
    out = tmp_path / "out"

    started = time.monotonic()
    result = _run(str(batch), "--out", str(out), "-j", "2", "--timeout", TIMEOUT)
    assert time.monotonic() - started < 60  # the hanging one was killed, not waited for
    assert result.exit_code == 1, result.output
    documents = _documents(out)
    assert {name: row["status"] for name, row in documents.items()} == expected
    errors = {name: row["error"] for name, row in documents.items()}
    assert "password" in errors["locked.pdf"]
    assert errors["empty.pdf"] == "empty file (0 bytes)"
    assert "not a readable PDF" in errors["truncated.pdf"] and "not a readable PDF" in errors["not_a_pdf.pdf"]
    assert "OCR" in errors["scan.pdf"] and "budget tables" in errors["newsletter.pdf"]
    assert f"time limit of {TIMEOUT} s" in errors["hangs.pdf"]
    assert errors["good.pdf"] is None and errors["odd_department.pdf"] is None
    assert re.search(r"^timeout +\S+hangs\.pdf", result.output, re.M)
    assert "timeout     1" in result.output and "extracted 10 document(s)" in result.output

    lines = _rows(out / "lines")
    good = documents["good.pdf"]["doc_id"]
    assert _cells([r for r in lines if r["doc_id"] == good]) == golden_cells(REFERENCE_GOLDEN)
    assert len([r for r in lines if r["doc_id"] == good]) == len(golden_cells(REFERENCE_GOLDEN))
    assert all(isinstance(r["amount"], Decimal) for r in lines)
    odd = documents["odd_department.pdf"]
    assert odd["department"] == ODD_DEPARTMENT
    partition = out / "lines" / "year=2026" / "department=_财政局_国库处"
    assert [p.stem for p in partition.glob("*.parquet")] == [odd["doc_id"]]
    assert {r["department"] for r in lines if r["doc_id"] == odd["doc_id"]} == {ODD_DEPARTMENT}
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    hung = documents["hangs.pdf"]["doc_id"]
    assert not [p for p in out.rglob(f"*{hung}*") if p.parent.name not in ("documents", "checks")]
    assert not _leftovers(out)


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_batch_resumes_to_the_dataset_of_an_uninterrupted_run(tmp_path):
    _copies(tmp_path / "in", 6)
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert _run(str(tmp_path / "in"), "--out", str(whole), "-q").exit_code == 0

    command = [sys.executable, "-c", "from budgetpdf.cli import main; main()", "extract", str(tmp_path / "in"), "--out", str(resumed), "-j", "1"]
    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((resumed / "documents").glob("*.parquet")) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(batch.pid)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    done = len(list((resumed / "documents").glob("*.parquet")))
    assert workers and 1 <= done < 6, "the batch was not killed half way"
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "an orphaned worker kept running"
    # what a kill can leave: a half-written file, and files of a document whose row was never written
    (resumed / "lines" / f".{'0' * 64}.parquet.999.tmp").write_bytes(b"half a file")
    (resumed / "checks" / f"{'f' * 64}.parquet").write_bytes((whole / "checks" / next((whole / "checks").iterdir()).name).read_bytes())

    result = _run(str(tmp_path / "in"), "--out", str(resumed), "-q")
    assert result.exit_code == 0, result.output
    assert f"skipped={done}" in result.output and f"extracted {6 - done} document(s)" in result.output
    assert _snapshot(resumed) == _snapshot(whole)
    assert not _leftovers(resumed)


def test_a_rerun_skips_settled_documents_reads_failed_ones_again_and_force_reads_all(tmp_path):
    batch, out = tmp_path / "in", tmp_path / "out"
    batch.mkdir()
    (batch / "good.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    unrelated_pdf(batch / "newsletter.pdf")
    (batch / "empty.pdf").write_bytes(b"")
    assert _run(str(batch), "--out", str(out), "-q").exit_code == 1
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    empty = file_sha256(batch / "empty.pdf")

    again = _run(str(batch), "--out", str(out), "-q")
    assert again.exit_code == 1  # the failed one was read again, and failed again
    assert again.output.strip().splitlines() == [again.output.strip()]  # --quiet: the summary line alone
    assert "extracted 1 document(s)" in again.output and "failed=1" in again.output and "skipped=2" in again.output
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    assert {p: t for p, t in after.items() if p.stem != empty} == {p: t for p, t in before.items() if p.stem != empty}
    assert after[out / "documents" / f"{empty}.parquet"] != before[out / "documents" / f"{empty}.parquet"]

    forced = _run(str(batch), "--out", str(out), "--force")
    assert "skipped       0" in forced.output and "extracted 3 document(s)" in forced.output
    assert sorted(_documents(out)) == ["empty.pdf", "good.pdf", "newsletter.pdf"]
    assert len(_rows(out / "lines")) == len(golden_cells(REFERENCE_GOLDEN))

    # a row from another extractor version, under another year, is read again and leaves nothing behind
    good = _documents(out)["good.pdf"]
    old = _rows(out / "documents")
    write_document(out, _stale_result(out, good["doc_id"]))
    assert (out / "lines" / "year=2025").is_dir()
    result = _run(str(batch), "--out", str(out), "-q")
    assert "skipped=1" in result.output and "ok=1" in result.output
    assert not (out / "lines" / "year=2025").exists() or not list((out / "lines" / "year=2025").rglob("*.parquet"))
    assert len(_rows(out / "lines")) == len(golden_cells(REFERENCE_GOLDEN))
    assert sorted(map(repr, _rows(out / "documents"))) == sorted(map(repr, old))


def _stale_result(out: Path, doc_id: str):
    """The sample as an older extractor might have read it: another year, another version."""
    result = process_document(REFERENCE_PDF)
    assert result.record.doc_id == doc_id
    return replace(result, record=replace(result.record, year=2025, extractor_version="0.0-old"))


def test_dask_gives_the_dataset_of_local_workers_and_keeps_the_time_limit(tmp_path):
    batch = tmp_path / "in"
    batch.mkdir()
    (batch / "sample.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert _run(str(batch), "--out", str(local), "-q").exit_code == 0
    # without --scheduler: a LocalCluster of -j workers
    assert _run(str(batch), "--out", str(dask), "-q", "--executor", "dask", "-j", "1").exit_code == 0
    assert _snapshot(dask) == _snapshot(local)

    hang = tmp_path / "hang"
    hang.mkdir()
    form_bomb_pdf(hang / "hangs.pdf")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = _run(str(hang), "--out", str(dask), "-q", "--executor", "dask", "--scheduler", cluster.scheduler_address, "--timeout", "3")
    assert result.exit_code == 1 and "timeout=1" in result.output
    assert _documents(dask)["hangs.pdf"]["status"] == Status.TIMEOUT.value
    assert not _leftovers(dask)


def _mutants(folder: Path) -> list[Path]:
    """The sample cut short, with bytes flipped, and with objects deleted: 24 files, the same every run."""
    original = REFERENCE_PDF.read_bytes()
    rng = random.Random(20260)
    variants: dict[str, bytes] = {}
    for share in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999):
        variants[f"cut{share}"] = original[: int(len(original) * share)]
    for i, flips in enumerate((1, 1, 3, 10, 10, 30, 100, 300, 1000, 3000)):
        data = bytearray(original)
        for _ in range(flips):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        variants[f"flip{i}_{flips}"] = bytes(data)
    objects = list(re.finditer(rb"\n(\d+) 0 obj.*?endobj", original, re.S))
    for match in rng.sample(objects, 6):
        variants[f"without_obj{match[1].decode()}"] = original[: match.start()] + original[match.end() :]
    variants["no_xref"] = original[: original.rindex(b"xref")]
    folder.mkdir()
    for name, data in variants.items():
        (folder / f"{name}.pdf").write_bytes(data)
    return sorted(folder.iterdir())


def test_mutated_samples_each_get_a_status_never_an_exception(tmp_path):
    mutants = _mutants(tmp_path / "in")
    assert len(mutants) == 24 and len({file_sha256(p) for p in mutants}) == 24
    started = time.monotonic()
    result = _run(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "2", "--timeout", "30", "-q")
    assert time.monotonic() - started < 80
    assert result.exit_code in (0, 1) and "extracted 24 document(s)" in result.output
    documents = _documents(tmp_path / "out")
    assert sorted(documents) == [p.name for p in mutants]
    statuses = {row["status"] for row in documents.values()}
    assert {"ok", "failed"} <= statuses <= {s.value for s in Status}  # some damage a reader shrugs off, some not
    assert all(row["error"] for row in documents.values() if row["status"] != "ok")
    failed = [row["error"] for row in documents.values() if row["status"] == "failed"]
    assert all(error.startswith(("not a readable PDF", "could not read the PDF")) for error in failed), failed
    assert not _leftovers(tmp_path / "out")


def test_a_file_gone_before_it_is_hashed_gets_a_failed_row_and_the_rest_is_read(tmp_path):
    settings = BatchSettings(out=tmp_path / "out")
    gone = tmp_path / "gone.pdf"
    plan = plan_batch([gone, REFERENCE_PDF], settings)
    assert [(Path(r.source_path).name, r.status, r.doc_id) for r in plan.unreadable] == [("gone.pdf", Status.FAILED, path_doc_id(gone))]
    assert "no such file" in plan.unreadable[0].error and plan.documents == 2
    summary = run_batch(plan, settings)
    assert summary.statuses == {"ok": 1, "failed": 1} and summary.failures == 1
    assert summary.pages == len(pdfplumber.open(REFERENCE_PDF).pages)
    assert _documents(settings.out)["gone.pdf"]["doc_id"] == path_doc_id(gone)


def test_a_scheduler_without_dask_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(REFERENCE_PDF), "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "--scheduler needs --executor dask" in result.output
    assert not (tmp_path / "documents").exists()
