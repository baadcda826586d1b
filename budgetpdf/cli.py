"""The ``budgetpdf`` command: a thin layer over the batch runner, the pipeline and the report."""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import click

from budgetpdf import __version__
from budgetpdf.batch import (
    DEFAULT_MAX_MEMORY, FAILURES, BatchError, BatchPlan, BatchSettings, BatchSummary, DocumentOutcome, Task, plan_batch, run_batch,
)
from budgetpdf.dataset import DatasetLocked, dataset_lock
from budgetpdf.pipeline import process_document
from budgetpdf.report import write_report
from budgetpdf.extract import EXTRACTOR_VERSION
from budgetpdf.schemas import STANDARD_IDS


INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


def _is_pdf_name(name: str) -> bool:
    return name.lower().endswith(".pdf")


def _pdfs(paths: tuple[Path, ...]) -> tuple[list[Path], list[str]]:
    """Every path to read, each once, in a stable order, and notes about the search.

    A path given is read whatever it is (a dangling link, a FIFO, a file
    without read permission each get a failed row), except a folder, which
    is searched recursively: every entry named *.pdf in it is read, whatever
    it is too (a directory named x.pdf gets a row and is searched as well).
    Links to folders are not followed inside a folder, as ``find`` does not.
    """
    found: dict[Path, None] = {}
    notes: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            found[path] = None
            continue
        before = len(found)
        in_folder = []
        for folder, folders, files in os.walk(path, onerror=lambda error: notes.append(f"cannot search {error.filename}: {error.strerror}")):
            in_folder += [Path(folder) / name for name in folders + files if _is_pdf_name(name)]
        for pdf in sorted(in_folder):
            found[pdf] = None
        if len(found) == before:
            notes.append(f"no PDF files under {path}")
    return list(found), notes


def _existing(ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """A path that names nothing at all is a typo: a usage error.  Anything that is there (a dangling link too) is read."""
    for path in paths:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            raise click.BadParameter(f"{click.format_filename(path)!r} does not exist.", ctx, param) from None
        except OSError:
            pass  # there, perhaps, behind a folder it may not search: its row will say why it cannot be read
    return paths


class _Commands(click.Group):
    """Ctrl-C ends any command with status 130, as a shell reports it, not click's "Aborted!" and 1 (a failure's code)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            raise SystemExit(INTERRUPTED) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetpdf", message=f"%(prog)s %(version)s (extractor {EXTRACTOR_VERSION})")
def main() -> None:
    """Chinese government budget disclosures (部门预算/决算公开) from PDF to validated Parquet."""


def _document_line(outcome: DocumentOutcome) -> str:
    record = outcome.record
    tables = ",".join(record.tables_found) or "-"
    return (
        f"{record.status.value:<12} {record.source_path}  tables={tables} lines={outcome.lines} "
        f"checks={outcome.checks - outcome.checks_failed}/{outcome.checks}" + (f"  ({record.error})" if record.error else "")
    )


def _rate(summary: BatchSummary | None) -> str:
    if not summary:
        return ""
    ocr = f", {summary.ocr_started} OCR pages" if summary.ocr_started else ""
    return f"{summary.pages_per_second:.1f} pages/s{ocr}, {summary.failures} failed"


def _summary_table(plan: BatchPlan, summary: BatchSummary) -> list[str]:
    rows = [(f"  {status}", str(n)) for status, n in sorted(summary.statuses.items())]
    rows += [("skipped", f"{plan.skipped}  (already in the dataset; --force reads them again)")]
    rows += [
        ("tables found", str(summary.tables)),
        ("lines", str(summary.lines)),
        ("facts", f"{summary.facts}  (figures the prose states)"),
        ("checks failed", str(summary.checks_failed)),
        ("pages", str(summary.pages) + (f"  ({summary.ocr_pages} without a text layer, read by OCR)" if summary.ocr_pages else "")),
        ("wall time", f"{summary.seconds:.1f} s"),
        ("pages/s", f"{summary.pages_per_second:.1f}"),
    ]
    return [f"documents read: {summary.documents}"] + [f"{name:<14}{value}" for name, value in rows]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path), callback=_existing)
@click.option("--out", "out", default=Path("dataset"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dataset folder: documents/, lines/, tables/<id>/, facts/, checks/.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes (with --executor dask and no --scheduler: LocalCluster workers).")
@click.option("--force", is_flag=True, help="Read again documents the dataset already holds.")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Time limit per document: its worker is killed and the document gets status timeout.")
@click.option("--ocr-page-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="Added to a document's time limit for each page it reads by OCR (a scanned page takes 3-6 s on one "
                   "core, so a 40-page scan gets 120 + 40 x 30 s at most).")
@click.option("--max-memory", default=DEFAULT_MAX_MEMORY, show_default=True, type=click.IntRange(min=200), metavar="MB",
              help="Resident memory limit per worker process: a worker above it is killed and replaced, and its document "
                   "gets status failed saying so.  The largest published budgets need about 210 MB, and a worker reading "
                   "a scanned page by OCR about 1.1 GB; the default leaves room for both, and -j 4 workers still fit a "
                   "laptop's 8-16 GB.  A worker idles at about 85 MB.")
@click.option("--executor", default="local", show_default=True, type=click.Choice(["local", "dask"]),
              help="local: worker processes on this machine; dask: tasks on a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; without it a LocalCluster is started).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def extract(paths: tuple[Path, ...], out: Path, jobs: int, force: bool, timeout: float, ocr_page_timeout: float, max_memory: int, executor: str,
            scheduler: str | None, quiet: bool) -> None:
    """Read every PDF in PATHS (files or folders) into the dataset at --out.

    Documents are read in -j worker processes, each within --timeout and
    --max-memory.  A document's documents row is written when all its files
    are, so a batch that was killed resumes where it stopped when run again.
    One batch writes into a folder at a time: a second one on the same --out
    stops at once, naming the process that holds it.

    A document already in the dataset (same sha256) is skipped when its
    status is ok, partial, not_a_budget or needs_ocr and the same
    extractor version read it: reading it again would give the same rows.
    failed and timeout documents, and those of another extractor version,
    are read again, and --force reads everything again; a document read
    again is replaced, never duplicated.

    Every file given or found (every entry named *.pdf in a folder) gets one
    documents row.  Bad input (corrupt, encrypted, scanned or unrelated PDFs,
    a parser that hangs or eats memory, a FIFO, a dangling link, a file
    without read permission) gets its status and the reason, and the batch
    goes on.

    \b
    Exit status:
      0    every document was read (ok, partial, not_a_budget, needs_ocr)
      1    some document failed or timed out (the batch still finished);
           also: another batch holds --out, or no PDF was found
      2    usage error (a PATH that does not exist, a bad option); nothing read
      130  interrupted (Ctrl-C): workers killed, unfinished files removed;
           run the same command again to resume

    Example:

    \b
        budgetpdf extract samples/ --out dataset/ -j 2
        budgetpdf extract /shared/pdfs --out /shared/dataset \\
            --executor dask --scheduler tcp://10.0.0.5:8786
        duckdb -c "select table_id, count(*), sum(amount) from
          read_parquet('dataset/lines/**/*.parquet', hive_partitioning=true)
          group by 1"
    """
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    pdfs, notes = _pdfs(paths)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if not pdfs:
        raise click.ClickException(f"no PDF files under {', '.join(map(str, paths))}")
    settings = BatchSettings(out=out, jobs=jobs, force=force, timeout=timeout, ocr_page_timeout=ocr_page_timeout, executor=executor, scheduler=scheduler,
                             max_memory=max_memory)
    try:
        with dataset_lock(out):
            summary, plan = _extract(pdfs, settings, quiet)
    except DatasetLocked as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: the workers were stopped and unfinished files removed; every documents row in {out} "
                   "is complete, and the same command resumes", err=True)
        raise SystemExit(INTERRUPTED) from None
    if not quiet:
        click.echo("")
        for line in _summary_table(plan, summary):
            click.echo(line)
    statuses = " ".join(f"{status}={n}" for status, n in sorted(summary.statuses.items())) or "nothing new"
    click.echo(
        f"extracted {summary.documents} document(s) into {out}: {statuses}; skipped={plan.skipped}; "
        f"failed checks={summary.checks_failed}; {summary.pages} pages in {summary.seconds:.1f} s ({summary.pages_per_second:.1f} pages/s)"
    )
    if summary.failures:
        raise SystemExit(1)


def _extract(pdfs: list[Path], settings: BatchSettings, quiet: bool) -> tuple[BatchSummary, BatchPlan]:
    """Plan and run the batch with the dataset locked, a line per document as it completes."""
    plan = plan_batch(pdfs, settings)
    bar = None
    if not quiet and plan.documents and sys.stderr.isatty():
        bar = click.progressbar(length=plan.documents, label="documents", file=sys.stderr, item_show_func=_rate)

    def on_document(outcome: DocumentOutcome, summary: BatchSummary) -> None:
        if bar is not None:
            click.echo("\r\033[K", nl=False, err=True)  # the line goes above the bar, which redraws below it
        if not quiet:
            click.echo(_document_line(outcome))
        if bar is not None:
            bar.update(1, summary)

    def on_ocr_page(task: Task, page: int, summary: BatchSummary) -> None:
        if bar is not None:
            bar.update(0, summary)  # the bar's text counts the OCR pages as they start

    try:
        with bar if bar is not None else nullcontext():
            return run_batch(plan, settings, on_document, on_ocr_page), plan
    except BatchError as error:
        raise click.ClickException(str(error)) from None


def _one_existing(ctx: click.Context, param: click.Parameter, path: Path) -> Path:
    return _existing(ctx, param, (path,))[0]


@main.command()
@click.argument("pdf", type=click.Path(readable=False, dir_okay=False, path_type=Path), callback=_one_existing)
@click.option("--grids", is_flag=True, help="Also show what became of every ruled grid, page by page.")
@click.option("--facts", "show_facts", is_flag=True, help="Also list every figure the prose states, with its sentence.")
def inspect(pdf: Path, grids: bool, show_facts: bool) -> None:
    """Show what budgetpdf finds in one PDF, without writing anything.

    Prints the department, year, kind, unit, form, place and figure
    coverage, then one line per table the PDF prints: its id and printing
    number, the title as printed, pages, rows, lines, unit and where the
    unit came from, and what the registry made of it (mapped, generic,
    text_only) and why.  --grids adds what became of every ruled grid
    (opened or continued a table); --facts lists the figures the prose
    states (key, amount, last year's, change, rate, page, sentence).

    \b
    Exit status:
      0    the document was read (ok, partial, not_a_budget, needs_ocr)
      1    it failed (not readable: damaged, encrypted, not a regular file, …)
      2    usage error (PDF does not exist, is a folder, a bad option)
      130  interrupted (Ctrl-C)

    Example:

        budgetpdf inspect samples/beyond_2026.pdf --grids
        budgetpdf inspect samples/reference_2026.pdf --facts
    """
    result = process_document(pdf)
    _show(pdf, result, grids, show_facts)
    if result.record.status.value in FAILURES:
        raise SystemExit(1)


def _show(pdf: Path, result, grids: bool, show_facts: bool) -> None:
    record = result.record
    click.echo(f"file        {pdf}")
    click.echo(f"doc_id      {record.doc_id}")
    click.echo(f"status      {record.status.value}" + (f"  ({record.error})" if record.error else ""))
    click.echo(f"department  {record.department or '-'}")
    click.echo(f"year        {record.year or '-'}")
    click.echo(f"kind        {record.doc_kind or '-'}")
    click.echo(f"unit        {record.unit or '-'}" + (f"  (least certain source: {record.unit_source})" if record.unit_source else ""))
    click.echo(f"pages       {record.pages}" + (f"  ({record.ocr_pages} without a text layer, read by OCR)" if record.ocr_pages else ""))
    click.echo(f"form        {record.doc_form or '-'}")
    if record.ocr_pages:
        click.echo(f"ocr         {record.ocr_figures} figures read by OCR, {record.ocr_verified} vouched for by an identity that holds; "
                   "the others have an ocr_unverified check")
    place = " ".join(dict.fromkeys(p for p in (record.province, record.city, record.county) if p))
    click.echo(f"place       {place or '-'}" + (f"  ({record.division_code})" if record.division_code else ""))
    if record.figures_printed:
        click.echo(f"figures     {record.figures_read} of {record.figures_printed} printed on table pages reached lines/")
    click.echo(f"facts       {len(result.facts)} figures stated in the prose")
    if show_facts:
        for fact in result.facts:
            compared = " ".join(
                f"{name}={value}" for name, value in (("previous", fact.previous_amount), ("change", fact.change_amount), ("pct", fact.change_pct))
                if value is not None
            )
            click.echo(f"  p{fact.page:<3} {fact.key:<28} {fact.amount if fact.amount is not None else '-':>14} {compared}  | {fact.sentence}")
    if not record.printed_tables:
        return
    lines_per_table = Counter((line.table_id, line.table_no) for line in result.lines)
    click.echo("")
    click.echo(f"{'#':>3} {'table':<10}{'pages':<8}{'rows':>5}{'lines':>6}  {'unit':<13} {'outcome':<10} title")
    rows = {raw.number: len(raw.rows) for raw in result.extracted.tables} if result.extracted else {}
    for table in record.printed_tables:
        name = f"{table.table_id}#{table.table_no}" if table.table_id else "-"
        pages = f"{table.pages[0]}-{table.pages[-1]}" if len(table.pages) > 1 else str(table.pages[0])
        empty = "  (empty)" if table.table_id in record.tables_empty else ""
        unit = f"{table.unit or '-'} {table.unit_source or ''}".strip()
        click.echo(
            f"{table.number:>3} {name:<10}{pages:<8}{rows.get(table.number, 0):>5}{lines_per_table[(table.table_id, table.table_no)]:>6}  "
            f"{unit:<13} {table.outcome:<10} {table.title or '(no title)'}{empty}  [{table.reason}]"
        )
    if grids and result.extracted:
        click.echo("")
        for fate in result.extracted.fates:
            table = f"table {fate.table_number}" if fate.table_number else "-"
            click.echo(f"page {fate.page:>3} grid at y={fate.bbox[1]:.0f}: {fate.fate} {table} ({fate.reason})")
    missing = sorted(set(STANDARD_IDS) - set(record.tables_found))
    if missing:
        click.echo(f"not found: {', '.join(missing)}")
    for problem in record.problems:
        click.echo(f"problem {problem.code}: {problem.message}")
    failed = [c for c in result.checks if not c.passed]
    click.echo(f"checks: {len(result.checks) - len(failed)} passed, {len(failed)} failed")
    for check in failed:
        click.echo(
            f"  {check.check} {check.table_id}#{check.table_no} row {check.row} {check.column}: expected {check.expected}, "
            f"printed {check.actual}  ({check.message})"
        )


@main.command()
@click.argument("dataset", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("-o", "--output", default=Path("report.html"), show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (one file, inline CSS and chart, no network).")
def report(dataset: Path, output: Path) -> None:
    """Write one self-contained HTML page about the dataset at DATASET.

    It shows documents by status, which tables each document has, every
    failed check with its page and both figures, and a chart of total
    expenditure by department and year.  A folder of --output that does not
    exist yet is created, and the command says so.

    Example:

        budgetpdf report dataset/ -o report.html
    """
    if not (dataset / "documents").is_dir():
        raise click.ClickException(f"{dataset} has no documents/ folder: is it a dataset written by budgetpdf extract?")
    folder = output.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            raise click.ClickException(f"cannot create the folder {folder} for {output.name}: {error.strerror or error}") from None
        click.echo(f"created folder {folder}")
    elif not folder.is_dir():
        raise click.ClickException(f"{folder} is not a folder: cannot write {output.name} into it")
    data = write_report(dataset, output)
    click.echo(f"wrote {output}: {len(data.documents)} document(s), {len(data.failed_checks)} failed check(s)")
