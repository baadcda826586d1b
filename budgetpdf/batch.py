"""The batch runner behind ``budgetpdf extract``: many PDFs, in worker processes or on a Dask cluster.

One document is one unit of work (``run_document``): read it, write its
lines/, tables/ and checks/ files, send back its record.  The runner
writes the document's row in documents/ when that unit is done, so a
documents row means the document is complete.  That is what makes a
killed batch resumable: the next run removes files no row vouches for and
skips the documents whose rows say a re-read would give the same result.
A document still running at the time limit has its process killed, not
waited for, and gets status ``timeout``; one whose resident memory passes
the limit per worker is killed too, and gets status ``failed`` saying so.
A path that cannot be read as a file (a FIFO, a dangling link, a file
without read permission) is never handed to a worker: its ``failed`` row
is written at once.  Ctrl-C kills the workers and removes what they left
half done before the exception goes on.
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

import psutil
import pyarrow.parquet as pq

from budgetpdf.dataset import discard_document_files, remove_incomplete, write_document_files, write_document_record
from budgetpdf.inputs import identify, path_doc_id
from budgetpdf.pipeline import DocumentResult, cap_error, process_document
from budgetpdf.extract import EXTRACTOR_VERSION
from budgetpdf.extract.ocr import telling_ocr_pages
from budgetpdf.schemas import DocumentRecord, Status

SETTLED = frozenset(s.value for s in (Status.OK, Status.PARTIAL, Status.NOT_A_BUDGET, Status.NEEDS_OCR))
"""Statuses that reading the same bytes with the same extractor again would only repeat: skipped."""

FAILURES = frozenset(s.value for s in (Status.FAILED, Status.TIMEOUT))

DEFAULT_MAX_MEMORY = 2048
"""MB of resident memory per worker.  The largest published PDFs of the corpus
peak at about 210 MB in a worker, so this is ten times what a real budget
needs, while -j 2 … 4 workers stay within a laptop's 8–16 GB."""

MEMORY_POLL = 0.1  # seconds between looks at the workers' memory
"""A worker's memory is looked at this often: a document that allocates 200 MB
a second (pdfminer's pace) passes the limit by some 20 MB before it is killed."""


def memory_reason(max_memory: int) -> str:
    return f"its worker process exceeded the memory limit of {max_memory} MB (--max-memory) and was killed"


def died_reason(code: int | None) -> str:
    """A worker that died of something else than our limits: its exit code, or the signal that killed it."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        # not this batch (it records its own kills): SIGKILL from outside is most often the system's OOM killer
        oom = ", from outside the batch: the system may have run out of memory" if -code == signal.SIGKILL else ""
        return f"its worker process died (killed by {name}{oom})"
    return f"its worker process died (exit code {code})"


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
    max_memory: int | None = DEFAULT_MAX_MEMORY  # MB of resident memory per worker; None: no limit
    # seconds added to a document's time limit for each page without a text layer it reads
    # by OCR (3–6 s each on one core): a 40-page scan must not time out
    ocr_page_timeout: float = 30.0


@dataclass(frozen=True)
class Task:
    path: Path
    doc_id: str


@dataclass(frozen=True)
class BatchPlan:
    """What a run will do, decided before it starts, so the progress bar knows its length."""

    tasks: tuple[Task, ...]
    skipped: int  # already in the dataset, or the same bytes as another input
    unreadable: tuple[DocumentRecord, ...] = ()  # paths whose bytes cannot be read: failed rows, written without a worker
    stale: tuple[str, ...] = ()  # path doc_ids of skipped files that can be read now: their real row stands, the path row goes

    @property
    def documents(self) -> int:
        """Rows the run will write: one per task and one per unreadable path."""
        return len(self.tasks) + len(self.unreadable)


@dataclass(frozen=True)
class DocumentOutcome:
    """What the work on one document sends back: small, however large the document."""

    record: DocumentRecord
    lines: int = 0
    checks: int = 0
    checks_failed: int = 0
    facts: int = 0


@dataclass(frozen=True)
class OcrPageStarted:
    """A worker began reading a page by OCR (local executor): more time, and news for the progress bar."""

    page: int


@dataclass
class BatchSummary:
    statuses: Counter[str] = field(default_factory=Counter)
    tables: int = 0
    lines: int = 0
    facts: int = 0
    checks_failed: int = 0
    pages: int = 0
    ocr_pages: int = 0  # read by OCR, in the documents done
    ocr_started: int = 0  # OCR pages begun so far, done documents or not (local executor)
    seconds: float = 0.0

    def add(self, outcome: DocumentOutcome) -> None:
        self.statuses[outcome.record.status.value] += 1
        self.tables += len(outcome.record.tables_found)
        self.lines += outcome.lines
        self.facts += outcome.facts
        self.checks_failed += outcome.checks_failed
        self.pages += outcome.record.pages
        self.ocr_pages += outcome.record.ocr_pages

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


def _failed_record(doc_id: str, path: Path, status: Status, error: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, source_path=str(path), department=None, year=None, doc_kind=None, unit=None, pages=0,
        tables_found=(), tables_empty=(), status=status, error=cap_error(error), extractor_version=EXTRACTOR_VERSION,
    )


def _stopped(out: Path, task: Task, status: Status, error: str) -> DocumentOutcome:
    """A document whose work did not finish: whatever it wrote goes, and its row says why."""
    discard_document_files(out, task.doc_id)
    record = _failed_record(task.doc_id, task.path, status, error)
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
    """One task per distinct file not settled in the dataset; the largest first, so no worker is left with a big one at the end.

    A path whose bytes cannot be read (not a regular file, a dangling or
    looping link, no read permission, gone) gets a failed record under its
    path doc_id instead: hashing never opens anything but a regular file, so
    a FIFO cannot hang the batch here, before any time limit applies.
    """
    tasks: dict[str, Task] = {}
    sizes: dict[str, int] = {}
    skipped = 0
    unreadable: dict[str, DocumentRecord] = {}
    stale = []
    for path in paths:
        identity = identify(path)
        if identity.error is not None:
            unreadable[identity.doc_id] = _failed_record(identity.doc_id, path, Status.FAILED, identity.error)
        elif identity.doc_id in tasks or (not settings.force and _settled(settings.out, identity.doc_id)):
            skipped += 1
            if (settings.out / "documents" / f"{path_doc_id(path)}.parquet").exists():
                stale.append(path_doc_id(path))
        else:
            tasks[identity.doc_id] = Task(path, identity.doc_id)
            sizes[identity.doc_id] = identity.size
    ordered = sorted(tasks.values(), key=lambda task: sizes[task.doc_id], reverse=True)
    return BatchPlan(tuple(ordered), skipped, tuple(unreadable.values()), tuple(stale))


def _drop_path_row(out: Path, doc_id: str) -> None:
    """A file that could not be read last time and can now: its path row gives way to the row of its bytes."""
    (out / "documents" / f"{doc_id}.parquet").unlink(missing_ok=True)
    (out / "checks" / f"{doc_id}.parquet").unlink(missing_ok=True)  # a path row's only other file


def run_batch(plan: BatchPlan, settings: BatchSettings,
              on_document: Callable[[DocumentOutcome, BatchSummary], None] = lambda outcome, summary: None,
              on_ocr_page: Callable[[Task, int, BatchSummary], None] = lambda task, page, summary: None) -> BatchSummary:
    """Run the plan's tasks, writing each documents row as its document completes.

    The unreadable paths' rows come first (no worker reads them).  On
    KeyboardInterrupt the workers are killed and the files they left half
    done removed (``remove_incomplete``) before the exception goes on: every
    documents row left behind vouches for complete files, and a run of the
    same command resumes.  Run it with the dataset's lock held
    (``dataset.dataset_lock``): nothing else may write ``settings.out`` meanwhile.
    """
    started = time.monotonic()
    summary = BatchSummary()
    settings.out.mkdir(parents=True, exist_ok=True)
    remove_incomplete(settings.out)

    def done(outcome: DocumentOutcome) -> None:
        write_document_record(settings.out, outcome.record)
        summary.add(outcome)
        summary.seconds = time.monotonic() - started
        on_document(outcome, summary)

    running: Iterator[tuple[Task, DocumentOutcome]] | None = None
    try:
        for stale in plan.stale:
            _drop_path_row(settings.out, stale)
        for record in plan.unreadable:
            write_document_files(settings.out, DocumentResult(record))
            done(DocumentOutcome(record))
        if plan.tasks:
            executor = _run_dask if settings.executor == "dask" else _run_local
            running = executor(plan.tasks, settings)
            for task, outcome in running:
                if isinstance(outcome, OcrPageStarted):
                    summary.ocr_started += 1
                    summary.seconds = time.monotonic() - started
                    on_ocr_page(task, outcome.page, summary)
                    continue
                outcome = replace(outcome, record=replace(outcome.record, source_path=str(task.path)))  # as given, on any machine
                if path_doc_id(task.path) != outcome.record.doc_id:
                    _drop_path_row(settings.out, path_doc_id(task.path))
                done(outcome)
    except KeyboardInterrupt:
        with _ignoring_sigint():  # a second Ctrl-C must not stop the cleaning half way
            if running is not None:
                running.close()  # kills the workers (the executors' finally)
            remove_incomplete(settings.out)
        raise
    summary.seconds = time.monotonic() - started
    return summary


class _ignoring_sigint:
    def __enter__(self) -> None:
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


# --- local: one long-lived worker process per job, killed and replaced at the time limit ---------------


def _exit_when_closed(sentinel: int) -> None:
    """Orphaned workers stop at once: a killed batch must not keep writing behind the next run's back."""
    wait([sentinel])
    os._exit(1)


def _serve(conn: Connection, out: Path) -> None:
    """A worker process: paths in, outcomes out, until the pipe closes.

    Any other message than an outcome is the reason the document failed.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which kills its workers
    threading.Thread(target=_exit_when_closed, args=(parent_process().sentinel,), daemon=True).start()
    conn.send(None)  # ready: imports are done, so the time limit measures the document alone
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        try:
            with telling_ocr_pages(lambda page: conn.send(("ocr_page", page))):
                outcome = run_document(path, out)
            conn.send(outcome)
        except MemoryError:
            conn.send("it ran out of memory while its files were written (MemoryError)")
        except Exception as error:  # noqa: BLE001 - e.g. a full disk: this document's failure, told to the parent
            conn.send(f"its files could not be written: {type(error).__name__}: {error}")


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
        self.limit = 0.0  # seconds the current document has: --timeout, and more for each OCR page
        self.memory = psutil.Process(self.process.pid)

    def resident_mb(self) -> float:
        """The worker's resident memory now (0 once it is gone)."""
        try:
            return self.memory.memory_info().rss / 2**20
        except psutil.Error:
            return 0.0

    def give(self, task: Task, timeout: float) -> None:
        self.conn.send(task.path)
        self.task, self.deadline, self.limit = task, time.monotonic() + timeout, timeout

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

    limit = settings.max_memory
    try:
        while pending or any(w.task for w in workers):
            for worker in workers:
                if worker.ready and worker.task is None and pending:
                    worker.give(pending.popleft(), settings.timeout)
            next_deadline = min(w.deadline for w in workers)
            timeout = None if next_deadline == float("inf") else max(0.0, next_deadline - time.monotonic())
            if limit and any(w.task for w in workers):
                timeout = MEMORY_POLL if timeout is None else min(timeout, MEMORY_POLL)
            ready = wait([w.conn for w in workers], timeout)
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
                        yield task, _stopped(settings.out, task, Status.FAILED, died_reason(code))
                        continue
                    if message is None:
                        worker.ready = True
                        continue
                    if isinstance(message, tuple):  # ("ocr_page", n): a scanned page, read slowly
                        worker.deadline += settings.ocr_page_timeout
                        worker.limit += settings.ocr_page_timeout
                        yield task, OcrPageStarted(message[1])
                        continue
                    worker.task, worker.deadline = None, float("inf")
                    if limit and worker.resident_mb() > limit / 2:
                        replace_worker(worker)  # what one large document left in it must not count against the next
                    if isinstance(message, str):
                        yield task, _stopped(settings.out, task, Status.FAILED, message)
                    else:
                        yield task, message
                elif task is not None and time.monotonic() >= worker.deadline:
                    replace_worker(worker)
                    yield task, _timed_out(settings.out, task, worker.limit)
                elif task is not None and limit and worker.resident_mb() > limit:
                    replace_worker(worker)  # the parent kills it, so the parent knows why it died
                    yield task, _stopped(settings.out, task, Status.FAILED, memory_reason(limit))
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

    def tell(page: int) -> None:  # a scanned page: the parent gives the document more time
        outcome_stream.write(b"ocr\n")
        outcome_stream.flush()

    with telling_ocr_pages(tell):
        outcome = run_document(Path(argv[1]), Path(argv[0]))
    outcome_stream.write(pickle.dumps(outcome))


def _dask_task(path: str, doc_id: str, out: str, timeout: float, max_memory: int | None = DEFAULT_MAX_MEMORY,
               ocr_page_timeout: float = 0.0) -> DocumentOutcome:
    """One document on a Dask worker, in a child process killed at the time limit or the memory limit.

    Dask cannot stop a running task, and its worker processes are daemons
    that may not start multiprocessing children, so the document runs in a
    plain subprocess.  The clock starts when the child says it is ready, so
    the limit measures the document, not the interpreter's start; the
    child's resident memory is looked at every MEMORY_POLL seconds meanwhile.
    """
    task = Task(Path(path), doc_id)
    command = [sys.executable, "-c", "import sys; from budgetpdf.batch import _child_main; _child_main(sys.argv[1:])", out, path]
    with tempfile.TemporaryFile() as errors, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, bufsize=0) as child:
        child.stdout.readline()  # unbuffered: reads the ready line and nothing of the outcome
        chunks: list[bytes] = []
        ocr_pages = [0]

        def read() -> None:
            while (line := child.stdout.readline()) == b"ocr\n":  # a pickle never starts with "ocr"
                ocr_pages[0] += 1
            chunks.append(line + child.stdout.read())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        started = time.monotonic()
        while child.poll() is None:
            limit = timeout + ocr_pages[0] * ocr_page_timeout
            deadline = started + limit
            over = False
            try:
                over = bool(max_memory) and psutil.Process(child.pid).memory_info().rss > max_memory * 2**20
            except psutil.Error:  # gone between poll() and here: the loop ends
                pass
            if over or time.monotonic() >= deadline:
                child.kill()
                child.wait()
                reader.join()
                if over:
                    return _stopped(Path(out), task, Status.FAILED, memory_reason(max_memory))
                return _timed_out(Path(out), task, limit)
            try:
                child.wait(min(MEMORY_POLL, max(0.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                pass
        reader.join()
        if child.returncode != 0:
            errors.seek(0)
            last = (errors.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            return _stopped(Path(out), task, Status.FAILED, f"{died_reason(child.returncode)} {last}".strip())
    return pickle.loads(b"".join(chunks))


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
            client.submit(_dask_task, str(task.path.resolve()), task.doc_id, out, settings.timeout, settings.max_memory,
                          settings.ocr_page_timeout, pure=False): task
            for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the document's failure, not the batch's
                outcome = _stopped(settings.out, task, Status.FAILED, f"its Dask task failed: {type(error).__name__}: {error}")
            yield task, outcome
