"""The batch runner behind ``budgetpdf extract``: many PDFs, in worker processes or on a Dask cluster.

One document is one unit of work (``run_document``): read it, write its
lines/, tables/ and checks/ files, send back its record.  The runner
writes the document's row in documents/ when that unit is done, so a
documents row means the document is complete.  That is what makes a
killed batch resumable: the next run removes files no row vouches for and
skips the documents whose rows say a re-read would give the same result.
A document still running at the time limit has its process killed, not
waited for, and gets status ``timeout``.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from multiprocessing import get_context, parent_process
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq

from budgetpdf.dataset import discard_document_files, remove_incomplete, write_document_files, write_document_record
from budgetpdf.pipeline import DocumentResult, file_sha256, process_document
from budgetpdf.extract import EXTRACTOR_VERSION
from budgetpdf.schemas import DocumentRecord, Status

SETTLED = frozenset(s.value for s in (Status.OK, Status.PARTIAL, Status.NOT_A_BUDGET, Status.NEEDS_OCR))
"""Statuses that reading the same bytes with the same extractor again would only repeat: skipped."""

FAILURES = frozenset(s.value for s in (Status.FAILED, Status.TIMEOUT))


class BatchError(Exception):
    """The batch itself cannot run (no worker starts, no scheduler answers), as opposed to one document failing."""


@dataclass(frozen=True)
class BatchSettings:
    out: Path
    jobs: int = 1
    force: bool = False
    timeout: float = 120.0
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # a Dask scheduler's address; None starts a LocalCluster


@dataclass(frozen=True)
class Task:
    path: Path
    doc_id: str


@dataclass(frozen=True)
class BatchPlan:
    """What a run will do, decided before it starts, so the progress bar knows its length."""

    tasks: tuple[Task, ...]
    skipped: int  # already in the dataset, or the same bytes as another input
    unreadable: tuple[tuple[Path, str], ...]  # files that could not even be hashed: no doc_id, no row


@dataclass(frozen=True)
class DocumentOutcome:
    """What the work on one document sends back: small, however large the document."""

    record: DocumentRecord
    lines: int = 0
    checks: int = 0
    checks_failed: int = 0
    facts: int = 0


@dataclass
class BatchSummary:
    statuses: Counter[str] = field(default_factory=Counter)
    tables: int = 0
    lines: int = 0
    facts: int = 0
    checks_failed: int = 0
    pages: int = 0
    seconds: float = 0.0

    def add(self, outcome: DocumentOutcome) -> None:
        self.statuses[outcome.record.status.value] += 1
        self.tables += len(outcome.record.tables_found)
        self.lines += outcome.lines
        self.facts += outcome.facts
        self.checks_failed += outcome.checks_failed
        self.pages += outcome.record.pages

    @property
    def documents(self) -> int:
        return sum(self.statuses.values())

    @property
    def failures(self) -> int:
        return sum(self.statuses[s] for s in FAILURES)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def run_document(path: Path, out: Path) -> DocumentOutcome:
    """The unit of work every executor runs: read one PDF and write all its files but the documents row."""
    result = process_document(path)
    write_document_files(out, result)
    failed = sum(not c.passed for c in result.checks)
    return DocumentOutcome(result.record, len(result.lines), len(result.checks), failed, len(result.facts))


def _stopped(out: Path, task: Task, status: Status, error: str) -> DocumentOutcome:
    """A document whose work did not finish: whatever it wrote goes, and its row says why."""
    discard_document_files(out, task.doc_id)
    record = DocumentRecord(
        doc_id=task.doc_id, source_path=str(task.path), department=None, year=None, doc_kind=None, unit=None, pages=0,
        tables_found=(), tables_empty=(), status=status, error=error, extractor_version=EXTRACTOR_VERSION,
    )
    write_document_files(out, DocumentResult(record))
    return DocumentOutcome(record)


def _timed_out(out: Path, task: Task, timeout: float) -> DocumentOutcome:
    return _stopped(out, task, Status.TIMEOUT, f"not read within the time limit of {timeout:g} s: its worker process was killed")


def _settled(out: Path, doc_id: str) -> bool:
    path = out / "documents" / f"{doc_id}.parquet"
    if not path.exists():
        return False
    row = pq.read_table(path, columns=["status", "extractor_version"]).to_pylist()[0]
    return row["status"] in SETTLED and row["extractor_version"] == EXTRACTOR_VERSION


def plan_batch(paths: list[Path], settings: BatchSettings) -> BatchPlan:
    """One task per distinct file not settled in the dataset; the largest first, so no worker is left with a big one at the end."""
    tasks: dict[str, Task] = {}
    skipped = 0
    unreadable = []
    for path in paths:
        try:
            doc_id = file_sha256(path)
        except OSError as error:
            unreadable.append((path, f"{type(error).__name__}: {error.strerror or error}"))
            continue
        if doc_id in tasks or (not settings.force and _settled(settings.out, doc_id)):
            skipped += 1
        else:
            tasks[doc_id] = Task(path, doc_id)
    ordered = sorted(tasks.values(), key=lambda task: task.path.stat().st_size, reverse=True)
    return BatchPlan(tuple(ordered), skipped, tuple(unreadable))


def run_batch(plan: BatchPlan, settings: BatchSettings,
              on_document: Callable[[DocumentOutcome, BatchSummary], None] = lambda outcome, summary: None) -> BatchSummary:
    """Run the plan's tasks, writing each documents row as its document completes."""
    started = time.monotonic()
    summary = BatchSummary()
    settings.out.mkdir(parents=True, exist_ok=True)
    remove_incomplete(settings.out)
    if plan.tasks:
        executor = _run_dask if settings.executor == "dask" else _run_local
        for task, outcome in executor(plan.tasks, settings):
            outcome = replace(outcome, record=replace(outcome.record, source_path=str(task.path)))  # as given, on any machine
            write_document_record(settings.out, outcome.record)
            summary.add(outcome)
            summary.seconds = time.monotonic() - started
            on_document(outcome, summary)
    summary.seconds = time.monotonic() - started
    return summary


# --- local: one long-lived worker process per job, killed and replaced at the time limit ---------------


def _exit_when_closed(sentinel: int) -> None:
    """Orphaned workers stop at once: a killed batch must not keep writing behind the next run's back."""
    wait([sentinel])
    os._exit(1)


def _serve(conn: Connection, out: Path) -> None:
    """A worker process: paths in, outcomes out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which kills its workers
    threading.Thread(target=_exit_when_closed, args=(parent_process().sentinel,), daemon=True).start()
    conn.send(None)  # ready: imports are done, so the time limit measures the document alone
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        try:
            conn.send(run_document(path, out))
        except Exception as error:  # noqa: BLE001 - e.g. a full disk: this document's failure, told to the parent
            conn.send(f"{type(error).__name__}: {error}")


class _Worker:
    def __init__(self, out: Path) -> None:
        # spawn, not fork: a fresh interpreter, no pdfminer state or parent threads copied in
        context = get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, out), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.deadline = float("inf")

    def give(self, task: Task, timeout: float) -> None:
        self.conn.send(task.path)
        self.task, self.deadline = task, time.monotonic() + timeout

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _run_local(tasks: tuple[Task, ...], settings: BatchSettings) -> Iterator[tuple[Task, DocumentOutcome]]:
    pending = deque(tasks)
    workers = [_Worker(settings.out) for _ in range(min(settings.jobs, len(tasks)))]

    def replace_worker(worker: _Worker) -> None:
        worker.kill()
        workers.remove(worker)
        if pending:
            workers.append(_Worker(settings.out))

    try:
        while pending or any(w.task for w in workers):
            for worker in workers:
                if worker.ready and worker.task is None and pending:
                    worker.give(pending.popleft(), settings.timeout)
            next_deadline = min(w.deadline for w in workers)
            ready = wait([w.conn for w in workers], None if next_deadline == float("inf") else max(0.0, next_deadline - time.monotonic()))
            for worker in list(workers):
                task = worker.task
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except EOFError:
                        worker.process.join(5)
                        code = worker.process.exitcode
                        replace_worker(worker)
                        if task is None:
                            raise BatchError(f"a worker process could not start (exit code {code})") from None
                        yield task, _stopped(settings.out, task, Status.FAILED, f"its worker process died (exit code {code})")
                        continue
                    if message is None:
                        worker.ready = True
                        continue
                    worker.task, worker.deadline = None, float("inf")
                    if isinstance(message, str):
                        yield task, _stopped(settings.out, task, Status.FAILED, f"its files could not be written: {message}")
                    else:
                        yield task, message
                elif task is not None and time.monotonic() >= worker.deadline:
                    replace_worker(worker)
                    yield task, _timed_out(settings.out, task, settings.timeout)
    finally:
        for worker in workers:
            worker.kill()


# --- dask: the same unit of work on a cluster; the client writes documents/ ------------------------------


def _child_main(argv: list[str]) -> None:
    """``python -c ... OUT PDF``: one document in a process of its own; "ready", then its outcome pickled, on stdout."""
    outcome_stream = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the outcome
    outcome_stream.write(b"ready\n")
    outcome_stream.flush()
    outcome_stream.write(pickle.dumps(run_document(Path(argv[1]), Path(argv[0]))))


def _dask_task(path: str, doc_id: str, out: str, timeout: float) -> DocumentOutcome:
    """One document on a Dask worker, in a child process killed at the time limit.

    Dask cannot stop a running task, and its worker processes are daemons
    that may not start multiprocessing children, so the document runs in a
    plain subprocess.  The clock starts when the child says it is ready, so
    the limit measures the document, not the interpreter's start.
    """
    task = Task(Path(path), doc_id)
    command = [sys.executable, "-c", "import sys; from budgetpdf.batch import _child_main; _child_main(sys.argv[1:])", out, path]
    with tempfile.TemporaryFile() as errors, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, bufsize=0) as child:
        child.stdout.readline()  # unbuffered: reads the ready line and nothing of the outcome
        try:
            outcome, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return _timed_out(Path(out), task, timeout)
        if child.returncode != 0:
            errors.seek(0)
            last = (errors.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            return _stopped(Path(out), task, Status.FAILED, f"its worker process died (exit code {child.returncode}) {last}".strip())
    return pickle.loads(outcome)


def _run_dask(tasks: tuple[Task, ...], settings: BatchSettings) -> Iterator[tuple[Task, DocumentOutcome]]:
    from distributed import Client, LocalCluster, as_completed  # a second's import, paid only by who asks for Dask

    with ExitStack() as stack:
        if settings.scheduler:
            try:
                client = stack.enter_context(Client(settings.scheduler, timeout="20s"))
            except OSError as error:
                raise BatchError(f"cannot reach the Dask scheduler at {settings.scheduler}: {error}") from None
        else:
            cluster = stack.enter_context(
                LocalCluster(n_workers=settings.jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            )
            client = stack.enter_context(Client(cluster))
        out = str(settings.out.resolve())  # workers see the shared folder under the same absolute path
        futures = {
            client.submit(_dask_task, str(task.path.resolve()), task.doc_id, out, settings.timeout, pure=False): task
            for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the document's failure, not the batch's
                outcome = _stopped(settings.out, task, Status.FAILED, f"its Dask task failed: {type(error).__name__}: {error}")
            yield task, outcome
