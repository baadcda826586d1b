"""The datasets on disk: documents/, lines/, tables/<id>/, facts/, checks/.

One Parquet file per document in each, named by its doc_id; ``lines``,
``tables`` and ``facts`` are hive-partitioned ``year=YYYY/department=<safe name>/``.
Every file is written under a hidden temporary name and renamed into
place, so a reader never sees half a file and a re-run replaces a
document's rows instead of adding to them.  documents/ is written last: a
document row means the rest of its files are complete, and files of a
document without one are leftovers of a run that was killed
(``remove_incomplete``).
"""

from __future__ import annotations

import fcntl
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from budgetpdf.pipeline import DocumentResult
from budgetpdf.schemas import GENERIC_ID, CheckResult, DocumentRecord, Fact, Line
from budgetpdf.schemas import arrow as schema

DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
LOCK_NAME = ".budgetpdf.lock"
_UNSAFE = re.compile(r"[/\\=%:*?\"<>|]")
_MAX_NAME_BYTES = 200


def safe_partition_name(name: str | None) -> str:
    """A folder name that is readable Chinese yet cannot escape or break the layout."""
    if not name:
        return DEFAULT_PARTITION
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    cleaned = _UNSAFE.sub("_", cleaned).strip().lstrip(".").replace("..", "_")
    while len(cleaned.encode("utf-8")) > _MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned or DEFAULT_PARTITION


def _partition(year: int | None, department: str | None) -> Path:
    folder = str(year) if year is not None else DEFAULT_PARTITION
    return Path(f"year={folder}") / f"department={safe_partition_name(department)}"


def _write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _document_key(record: DocumentRecord) -> dict:
    return {"doc_id": record.doc_id, "department": record.department, "year": record.year}


def _line_row(line: Line) -> dict:
    return {
        "table_id": line.table_id,
        "table_no": line.table_no,
        "table_title": line.table_title,
        "page": line.page,
        "row_no": line.row_no,
        "side": line.side,
        "code": line.code,
        "code_level": line.code_level,
        "parent_code": line.parent_code,
        "item": line.item,
        "project": line.project,
        "column": line.column,
        "amount": line.amount,
        "is_total": line.is_total,
        "ocr": line.ocr,
        "ocr_verified": line.ocr_verified,
    }


def lines_table(record: DocumentRecord, lines: tuple[Line, ...]) -> pa.Table:
    key = _document_key(record)
    return pa.Table.from_pylist([{**key, **_line_row(line)} for line in lines], schema=schema.LINES)


def wide_table(record: DocumentRecord, table_id: str, lines: list[Line]) -> pa.Table:
    """One table's lines pivoted back to one row per printed row (and side)."""
    target = schema.wide_table_schema(table_id)
    rows: dict[tuple, dict] = {}
    for line in lines:
        if line.column not in target.names:
            continue  # other:<label> columns live in lines/ only
        key = {**_document_key(record), **_line_row(line)}
        # a side printed in several blocks has several rows on one printed line
        identity = (line.table_no, line.row_no, line.side or "", line.code or "", line.item or "", line.project or "")
        row = rows.setdefault(identity, {name: key.get(name) for name in target.names})
        row[line.column] = line.amount
    ordered = [rows[key] for key in sorted(rows)]
    return pa.Table.from_pylist(ordered, schema=target)


_PCT = Decimal("0.0001")


def facts_table(record: DocumentRecord, facts: tuple[Fact, ...]) -> pa.Table:
    key = _document_key(record)
    rows = [
        {
            **key, "key": f.key, "amount": f.amount, "previous_amount": f.previous_amount, "change_amount": f.change_amount,
            # a rate printed to more than four decimals is rounded to the column's scale, the only rounding anywhere
            "change_pct": None if f.change_pct is None else f.change_pct.quantize(_PCT), "page": f.page, "sentence": f.sentence,
            "ocr": f.ocr, "ocr_verified": f.ocr_verified,
        }
        for f in facts
    ]
    return pa.Table.from_pylist(rows, schema=schema.FACTS)


def checks_table(record: DocumentRecord, checks: tuple[CheckResult, ...]) -> pa.Table:
    return pa.Table.from_pylist(
        [{"doc_id": record.doc_id, **{f: getattr(c, f) for f in schema.CHECKS.names if f != "doc_id"}} for c in checks],
        schema=schema.CHECKS,
    )


def documents_table(records: list[DocumentRecord]) -> pa.Table:
    rows = []
    for r in records:
        row = {name: getattr(r, name) for name in schema.DOCUMENTS.names}
        row["status"] = r.status.value
        row["tables_found"] = list(r.tables_found)
        row["tables_empty"] = list(r.tables_empty)
        row["problems"] = [asdict(p) for p in r.problems]
        row["printed_tables"] = [asdict(t) for t in r.printed_tables]
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=schema.DOCUMENTS)


def _previous_partition(root: Path, doc_id: str) -> Path | None:
    """Where the document's files went last time, from its documents row (None: no row)."""
    path = root / "documents" / f"{doc_id}.parquet"
    if not path.exists():
        return None
    row = pq.read_table(path, columns=["year", "department"]).to_pylist()[0]
    return _partition(row["year"], row["department"])


def _remove_stale(root: Path, doc_id: str, partitions: set[Path], keep: set[Path]) -> None:
    """A document re-run under another year or department must not leave its old rows behind.

    Only the partitions it was (documents row) and is in are looked at, so a
    write costs the same in a dataset of ten documents or of ten thousand.
    """
    tables = [p for p in (root / "tables").iterdir() if p.is_dir()] if (root / "tables").is_dir() else []
    for partition in partitions:
        for folder in (root / "lines", root / "facts", *tables):
            path = folder / partition / f"{doc_id}.parquet"
            if path not in keep:
                path.unlink(missing_ok=True)


def write_document_files(root: Path, result: DocumentResult) -> None:
    """Replace the document's lines/, tables/, facts/ and checks/ files; its documents row is left to the caller."""
    record = result.record
    partition = _partition(record.year, record.department)
    written: set[Path] = set()
    if result.lines:
        path = root / "lines" / partition / f"{record.doc_id}.parquet"
        _write_atomic(lines_table(record, result.lines), path)
        written.add(path)
        # a generic table's columns differ from document to document: it lives in lines/ alone
        for table_id in sorted({line.table_id for line in result.lines} - {GENERIC_ID}):
            path = root / "tables" / table_id / partition / f"{record.doc_id}.parquet"
            _write_atomic(wide_table(record, table_id, [l for l in result.lines if l.table_id == table_id]), path)
            written.add(path)
    if result.facts:
        path = root / "facts" / partition / f"{record.doc_id}.parquet"
        _write_atomic(facts_table(record, result.facts), path)
        written.add(path)
    previous = _previous_partition(root, record.doc_id)
    _remove_stale(root, record.doc_id, {partition} | ({previous} if previous else set()), written)
    _write_atomic(checks_table(record, result.checks), root / "checks" / f"{record.doc_id}.parquet")


def write_document_record(root: Path, record: DocumentRecord) -> None:
    """The documents row, written last: it says the document's other files are complete."""
    _write_atomic(documents_table([record]), root / "documents" / f"{record.doc_id}.parquet")


def write_document(root: Path, result: DocumentResult) -> None:
    """Replace everything the dataset holds for this document."""
    write_document_files(root, result)
    write_document_record(root, result.record)


def discard_document_files(root: Path, doc_id: str) -> None:
    """Every lines/, tables/, facts/, checks/ file of a document and its temporary files, wherever they are.

    For a worker that was killed: it may have written under a partition no
    documents row names.  Walks the whole dataset, so only for that case.
    """
    for folder in ("lines", "tables", "facts", "checks"):
        if (root / folder).is_dir():
            for path in (root / folder).rglob(f"*{doc_id}.parquet*"):
                path.unlink()


def remove_incomplete(root: Path) -> None:
    """Delete temporary files and the files of documents that have no documents row.

    What a killed run leaves behind: a half-written temporary file, or a
    document whose lines were written but whose documents row never was.
    Run before a batch starts, never while another writes the same folder.
    """
    complete = {p.stem for p in (root / "documents").glob("*.parquet")}
    for folder in ("documents", "lines", "tables", "facts", "checks"):
        if not (root / folder).is_dir():
            continue
        for path in (root / folder).rglob("*"):
            if path.is_file() and (path.name.endswith(".tmp") or (path.suffix == ".parquet" and path.stem not in complete)):
                path.unlink()



class DatasetLocked(Exception):
    """Another process holds the dataset's lock: it is writing into the same folder."""

    def __init__(self, root: Path, pid: int | None) -> None:
        self.root, self.pid = root, pid
        holder = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"another budgetpdf extract ({holder}) is writing into {root}; wait for it or use another --out")


@contextmanager
def dataset_lock(root: Path) -> Iterator[None]:
    """Hold ``root/.budgetpdf.lock`` (flock, exclusive) for a whole run, or raise ``DatasetLocked`` at once.

    Two batches writing one folder would each remove the other's unfinished
    files as leftovers (``remove_incomplete``).  The file holds the holder's
    pid, for the message.  The kernel drops the lock when its process dies,
    however it dies, so a killed run never leaves the folder locked.  The file
    is removed on the way out, while still held: a process that opened it
    meanwhile finds, once it holds the lock, that the file at the path is no
    longer the one it locked, and starts again.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DatasetLocked(root, int(text) if text.isdigit() else None) from None
        try:
            locked = os.fstat(fd)
            current = os.stat(path)
            if (locked.st_dev, locked.st_ino) == (current.st_dev, current.st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
