"""Batch harvesting: worker processes, time limits, skip and resume, Dask, and input no parser should meet."""

from __future__ import annotations

import os
import random
import re
import signal
import socket
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

from budgetpdf.batch import BatchSettings, _dask_task, died_reason, memory_reason, plan_batch, run_batch
from budgetpdf.cli import main
from budgetpdf.dataset import write_document
from budgetpdf.inputs import identify, path_doc_id
from budgetpdf.pipeline import process_document
from samples.generate import render
from samples.reference_2026 import REFERENCE
from budgetpdf.schemas import Status
from conftest import (
    REFERENCE_GOLDEN, REFERENCE_PDF, font_damaged_pdf, glyph_bomb_pdf, golden_cells, unrelated_pdf, without_file_permissions_bypass,
    write_bad_inputs, write_raw_pdf,
)

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
    write_raw_pdf(path, objects)


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
    empty = identify(batch / "empty.pdf").doc_id

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
    assert len(mutants) == 24 and len({identify(p).doc_id for p in mutants}) == 24
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


# --- issue 11: memory per worker, odd paths, Ctrl-C, one batch per folder ---------------------------------


CLI = [sys.executable, "-c", "from budgetpdf.cli import main; main()"]


def _cli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """The command in a process of its own; a hang fails the test (TimeoutExpired) instead of stalling the suite."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, **kwargs)


def test_a_worker_over_the_memory_limit_is_killed_replaced_and_its_document_failed(tmp_path):
    batch, out = tmp_path / "in", tmp_path / "out"
    batch.mkdir()
    glyph_bomb_pdf(batch / "glyphs.pdf", padding=60_000)  # larger than the sample: handed out first, to the one worker
    (batch / "good.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    assert (batch / "glyphs.pdf").stat().st_size > (batch / "good.pdf").stat().st_size

    started = time.monotonic()
    result = _run(str(batch), "--out", str(out), "-j", "1", "--max-memory", "300", "--timeout", "60")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    documents = _documents(out)
    assert {name: row["status"] for name, row in documents.items()} == {"glyphs.pdf": "failed", "good.pdf": "ok"}
    assert documents["glyphs.pdf"]["error"] == "its worker process exceeded the memory limit of 300 MB (--max-memory) and was killed"
    assert elapsed < 30  # killed at the limit (the page alone takes 10 s and 1.1 GB), not at the time limit
    glyphs = documents["glyphs.pdf"]["doc_id"]
    assert not [p for p in out.rglob(f"*{glyphs}*") if p.parent.name not in ("documents", "checks")]
    assert not _leftovers(out)


def test_the_dask_task_keeps_the_memory_limit_too(tmp_path):
    glyph_bomb_pdf(tmp_path / "glyphs.pdf")
    out = tmp_path / "out"
    out.mkdir()
    outcome = _dask_task(str(tmp_path / "glyphs.pdf"), identify(tmp_path / "glyphs.pdf").doc_id, str(out), 60, 300)
    assert outcome.record.status == Status.FAILED and "memory limit of 300 MB" in outcome.record.error


def test_a_memory_error_is_the_documents_failure_not_a_crash(monkeypatch):
    def exhausted(path, settings):
        raise MemoryError

    monkeypatch.setattr("budgetpdf.pipeline.extract_document", exhausted)
    record = process_document(REFERENCE_PDF).record
    assert (record.status, record.error) == (Status.FAILED, "ran out of memory while reading it (MemoryError)")
    assert record.doc_id == identify(REFERENCE_PDF).doc_id


def _odd_paths(folder: Path) -> dict[str, tuple[str, str]]:
    """Every kind of path that is no readable PDF, beside a good one; name → (status, part of the error)."""
    folder.mkdir()
    (folder / "good.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    font_damaged_pdf(folder / "fonts.pdf")
    os.mkfifo(folder / "fifo.pdf")
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(folder / "sock.pdf"))
    listening.close()  # the socket file stays
    (folder / "null.pdf").symlink_to("/dev/null")
    (folder / "dangling.pdf").symlink_to(folder / "gone.pdf")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    unrelated_pdf(folder / "locked.pdf")
    with open(folder / "locked.pdf", "ab") as handle:
        handle.write(b"% other bytes than inner.pdf's, whatever reportlab writes\n")
    (folder / "locked.pdf").chmod(0)
    (folder / "dir.pdf").mkdir()
    unrelated_pdf(folder / "dir.pdf" / "inner.pdf")
    return {
        "good.pdf": ("ok", ""),
        "fonts.pdf": ("failed", "characters (39%) did not decode"),
        "fifo.pdf": ("failed", "not a regular file (FIFO)"),
        "sock.pdf": ("failed", "not a regular file (socket)"),
        "null.pdf": ("failed", "not a regular file (character device)"),
        "dangling.pdf": ("failed", f"a dangling symbolic link: its target {folder / 'gone.pdf'} does not exist"),
        "loop.pdf": ("failed", "a symbolic link loop"),
        "locked.pdf": ("failed", "cannot be read: permission denied"),
        "dir.pdf": ("failed", "not a regular file (directory)"),
        "inner.pdf": ("not_a_budget", "none of the budget tables"),
    }


def _statuses(out: Path) -> dict[str, tuple[str, str]]:
    return {name: (row["status"], row["error"] or "") for name, row in _documents(out).items()}


def test_every_odd_path_in_a_folder_or_given_gets_one_row_and_nothing_hangs(tmp_path):
    """A FIFO, a socket, a device, dangling and looping links, a file without read permission, a directory
    named *.pdf and a PDF whose fonts are damaged, beside a good one: one row each, the batch goes on."""
    batch, out = tmp_path / "in", tmp_path / "out"
    expected = _odd_paths(batch)
    unprivileged = without_file_permissions_bypass()
    (batch / "shut").mkdir()  # a folder it may not search: what is in it is not found, but can be given
    unrelated_pdf(batch / "shut" / "hidden.pdf")
    (batch / "shut").chmod(0)

    started = time.monotonic()
    found = _cli("extract", str(batch), "--out", str(out), "-j", "2", preexec_fn=unprivileged)
    assert time.monotonic() - started < 60
    assert found.returncode == 1, found.stderr
    statuses = _statuses(out)
    assert statuses.keys() == expected.keys()
    for name, (status, reason) in expected.items():
        assert statuses[name][0] == status and reason in statuses[name][1], (name, statuses[name])
    assert "extracted 10 document(s)" in found.stdout and "failed=8" in found.stdout
    assert re.search(r"^failed +\S+fifo\.pdf .*\(not a regular file \(FIFO\)\)$", found.stdout, re.M)
    assert f"note: cannot search {batch / 'shut'}: Permission denied" in found.stderr.splitlines()
    rows = _rows(out / "documents")
    unreadable = {r["doc_id"] for r in rows if Path(r["source_path"]).name not in ("good.pdf", "fonts.pdf", "inner.pdf")}
    assert unreadable == {path_doc_id(batch / name) for name in expected if name not in ("good.pdf", "fonts.pdf", "inner.pdf")}

    # the same paths given one by one (relative ones too) are the same rows: replaced, not duplicated
    given = [f"in/{name}" for name in expected if name != "inner.pdf"] + ["in/shut/hidden.pdf"]
    argued = _cli("extract", *given, "--out", str(out), "-j", "2", cwd=tmp_path, preexec_fn=unprivileged)
    assert argued.returncode == 1, argued.stderr
    assert "failed=8; skipped=2;" in argued.stdout  # a directory given is searched (no row): inner.pdf and good.pdf are settled
    assert {r["doc_id"] for r in _rows(out / "documents")} == {r["doc_id"] for r in rows} | {path_doc_id(batch / "shut" / "hidden.pdf")}
    assert _statuses(out)["hidden.pdf"] == ("failed", "cannot be read: permission denied (PermissionError)")

    # the file readable now: the row of its bytes takes the place of its path row; so for a link that leads somewhere
    (batch / "locked.pdf").chmod(0o644)
    (batch / "dangling.pdf").unlink()
    (batch / "dangling.pdf").symlink_to(batch / "dir.pdf" / "inner.pdf")  # bytes the dataset holds already: skipped
    again = _cli("extract", str(batch), "--out", str(out), "-q", preexec_fn=unprivileged)
    assert again.returncode == 1 and "skipped=3" in again.stdout
    documents = _documents(out)
    assert len(documents) == len(expected)  # dangling.pdf and inner.pdf are one document now; hidden.pdf has its row
    assert documents["locked.pdf"]["status"] == "not_a_budget" and documents["locked.pdf"]["doc_id"] == identify(batch / "locked.pdf").doc_id
    assert "dangling.pdf" not in documents and not (out / "checks" / f"{path_doc_id(batch / 'dangling.pdf')}.parquet").exists()
    assert not _leftovers(out)
    (batch / "shut").chmod(0o755)


def test_undecodable_text_is_damage_not_a_missing_budget(tmp_path):
    """Fonts that map their glyphs to nothing: failed when nothing is left to read, partial when the tables still are."""
    font_damaged_pdf(tmp_path / "both.pdf", fonts=(0, 1))
    font_damaged_pdf(tmp_path / "one.pdf", fonts=(1,))
    both, one = process_document(tmp_path / "both.pdf"), process_document(tmp_path / "one.pdf")
    assert both.record.status == Status.FAILED and not both.lines
    bad, total = map(lambda s: int(s.replace(",", "")), re.search(r"([\d,]+) of ([\d,]+) characters", both.record.error).groups())
    assert bad > 0.3 * total and both.record.error.startswith("its text cannot be read")
    assert one.record.status == Status.PARTIAL and one.lines  # its tables read, some text did not decode
    assert [p.code for p in one.record.problems] == ["text_undecodable"]
    assert re.search(r"^\d+ of [\d,]+ characters \(\d+%\) did not decode", one.record.error)


def test_ctrl_c_exits_130_kills_the_workers_and_leaves_only_complete_documents(tmp_path):
    _copies(tmp_path / "in", 5)
    out = tmp_path / "out"
    # SIGINT as a terminal delivers it: a shell starts background jobs with it ignored, and
    # an ignored signal stays ignored in their children (a test run with & would never see it)
    batch = subprocess.Popen([*CLI, "extract", str(tmp_path / "in"), "--out", str(out), "-j", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not list((out / "documents").glob("*.parquet")) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(batch.pid)
    batch.send_signal(signal.SIGINT)
    stdout, stderr = batch.communicate(timeout=30)
    assert batch.returncode == 130, stderr
    assert "interrupted" in stderr and "Aborted" not in stderr
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(_alive(w) for w in workers)
    documents = _rows(out / "documents")
    assert 1 <= len(documents) < 5, "the batch was not interrupted half way"
    for row in documents:  # a row vouches for its files
        partition = out / "lines" / f"year={row['year']}" / f"department={row['department']}"
        assert (partition / f"{row['doc_id']}.parquet").exists() and (out / "checks" / f"{row['doc_id']}.parquet").exists()
    vouched = {row["doc_id"] for row in documents}
    assert {p.stem for p in out.rglob("*.parquet")} <= vouched  # nothing of an unfinished document
    assert not _leftovers(out) and not (out / ".budgetpdf.lock").exists()


def test_a_second_batch_on_the_same_folder_stops_at_once_naming_the_first(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from budgetpdf.dataset import dataset_lock\n"
         "with dataset_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        result = CliRunner().invoke(main, ["extract", str(REFERENCE_PDF), "--out", str(out)])
        assert time.monotonic() - started < 5
        assert result.exit_code == 1
        assert f"another budgetpdf extract (pid {holder.pid}) is writing into {out}; wait for it or use another --out" in result.output
        assert not (out / "documents").exists()
    finally:
        holder.kill()
        holder.wait()
    (tmp_path / "empty.pdf").write_bytes(b"")
    after = _run(str(tmp_path / "empty.pdf"), "--out", str(out), "-q")  # the holder died: its lock went with it
    assert after.exit_code == 1 and "failed=1" in after.output
    assert not (out / ".budgetpdf.lock").exists()


def test_a_path_that_names_nothing_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(REFERENCE_PDF), str(tmp_path / "typo"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "out").exists()


def test_a_worker_killed_from_outside_is_told_from_one_the_batch_killed():
    assert died_reason(-signal.SIGKILL) == "its worker process died (killed by SIGKILL, from outside the batch: the system may have run out of memory)"
    assert died_reason(-signal.SIGSEGV) == "its worker process died (killed by SIGSEGV)" and died_reason(3) == "its worker process died (exit code 3)"
    assert "memory limit of 300 MB" in memory_reason(300) and "killed" in memory_reason(300)
