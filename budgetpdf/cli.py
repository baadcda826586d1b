"""The ``budgetpdf`` command: a thin layer over the pipeline and the dataset writer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from budgetpdf import __version__
from budgetpdf.dataset import write_document
from budgetpdf.pipeline import process_document
from budgetpdf.report import write_report
from schemas import TABLES_BY_ID, Status


def _pdfs(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given, folders searched recursively for *.pdf, each file once, in a stable order."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for pdf in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
                found[pdf] = None
        else:
            found[path] = None
    return list(found)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetpdf")
def main() -> None:
    """Chinese government budget disclosures (部门预算/决算公开) from PDF to validated Parquet."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", default=Path("dataset"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dataset folder: documents/, lines/, tables/<id>/, checks/.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def extract(paths: tuple[Path, ...], out: Path, quiet: bool) -> None:
    """Read every PDF in PATHS (files or folders) into the dataset at --out.

    A document that was read before is replaced, never duplicated.  Bad
    input (corrupt, encrypted, scanned or unrelated PDFs) gets a documents
    row with its status and the batch goes on; the exit status is 1 when
    any document failed.

    Example:

        budgetpdf extract samples/ --out dataset/

        duckdb -c "select table_id, count(*), sum(amount) from
        read_parquet('dataset/lines/**/*.parquet', hive_partitioning=true) group by 1"
    """
    pdfs = _pdfs(paths)
    if not pdfs:
        raise click.ClickException(f"no PDF files under {', '.join(map(str, paths))}")
    statuses: Counter[str] = Counter()
    failed_checks = 0
    for pdf in pdfs:
        result = process_document(pdf)
        write_document(out, result)
        record = result.record
        statuses[record.status.value] += 1
        failed = sum(not c.passed for c in result.checks)
        failed_checks += failed
        if not quiet:
            tables = ",".join(record.tables_found) or "-"
            click.echo(
                f"{record.status.value:<12} {pdf}  tables={tables} lines={len(result.lines)} "
                f"checks={len(result.checks) - failed}/{len(result.checks)}" + (f"  ({record.error})" if record.error else "")
            )
    summary = " ".join(f"{status}={n}" for status, n in sorted(statuses.items()))
    click.echo(f"extracted {len(pdfs)} document(s) into {out}: {summary}; failed checks={failed_checks}")
    if statuses[Status.FAILED.value]:
        raise SystemExit(1)


@main.command()
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(pdf: Path) -> None:
    """Show what budgetpdf finds in one PDF, without writing anything.

    Prints the department, year, kind and unit, then one line per table:
    its id, the title as printed, its pages, body rows, columns and lines.

    Example:

        budgetpdf inspect samples/reference_2026.pdf
    """
    result = process_document(pdf)
    record = result.record
    click.echo(f"file        {pdf}")
    click.echo(f"doc_id      {record.doc_id}")
    click.echo(f"status      {record.status.value}" + (f"  ({record.error})" if record.error else ""))
    click.echo(f"department  {record.department or '-'}")
    click.echo(f"year        {record.year or '-'}")
    click.echo(f"kind        {record.doc_kind or '-'}")
    click.echo(f"unit        {record.unit or '-'}")
    click.echo(f"pages       {record.pages}")
    if result.extracted is None or not result.extracted.tables:
        return
    lines_per_table = Counter(line.table_id for line in result.lines)
    click.echo("")
    click.echo(f"{'table':<6}{'pages':<10}{'rows':>5}{'cols':>5}{'lines':>6}  {'unit':<5} title")
    for raw in result.extracted.tables:
        pages = "-".join(str(p) for p in (raw.pages[0], raw.pages[-1])) if len(raw.pages) > 1 else str(raw.pages[0])
        empty = "  (empty)" if raw.table_id in record.tables_empty else ""
        click.echo(
            f"{raw.table_id:<6}{pages:<10}{len(raw.rows):>5}{len(raw.columns):>5}{lines_per_table[raw.table_id]:>6}  "
            f"{raw.unit or '-':<5} {raw.title}{empty}"
        )
    missing = sorted(set(TABLES_BY_ID) - set(record.tables_found))
    if missing:
        click.echo(f"not found: {', '.join(missing)}")
    failed = [c for c in result.checks if not c.passed]
    click.echo(f"checks: {len(result.checks) - len(failed)} passed, {len(failed)} failed")
    for check in failed:
        click.echo(
            f"  {check.check} {check.table_id} row {check.row} {check.column}: expected {check.expected}, "
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
    expenditure by department and year.

    Example:

        budgetpdf report dataset/ -o report.html
    """
    if not (dataset / "documents").is_dir():
        raise click.ClickException(f"{dataset} has no documents/ folder: is it a dataset written by budgetpdf extract?")
    data = write_report(dataset, output)
    click.echo(f"wrote {output}: {len(data.documents)} document(s), {len(data.failed_checks)} failed check(s)")
