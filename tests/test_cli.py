"""The command line on real files, through click's CliRunner."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pytest
from click.testing import CliRunner

from budgetpdf.cli import main
from budgetpdf.pipeline import ERROR_LIMIT, cap_error, join_problems, naming_the_file
from conftest import (
    BEYOND_PDF, REFERENCE_GOLDEN, REFERENCE_PDF, DIGITAL_GOLDENS, digital_samples, glyph_bomb_pdf, golden_cells, warning_pdf, write_bad_inputs,
)

README_SQL = (
    "select table_id, count(*), sum(amount) from "
    "read_parquet('{root}/lines/**/*.parquet', hive_partitioning=true) group by 1 order by 1"
)


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "dataset"
    result = _run("extract", str(digital_samples(out.parent / "samples")), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out




def _expected_lines() -> list[tuple]:
    return [cell for golden in DIGITAL_GOLDENS for cell in golden_cells(golden)]


def test_extract_writes_the_datasets(dataset):
    documents = pd.read_parquet(dataset / "documents").sort_values("source_path")
    assert documents[["status", "department", "year", "unit", "doc_kind"]].values.tolist() == [
        ["ok", "乌鲁木齐市口岸管理办公室", 2026, "万元", "budget"]
    ] * len(DIGITAL_GOLDENS)
    lines = pd.read_parquet(dataset / "lines", partitioning=None)
    assert len(lines) == len(_expected_lines())
    assert sorted(p.name for p in (dataset / "tables").iterdir()) == [f"t{n:02d}" for n in range(1, 14) if n not in (8, 9)]
    checks = pd.read_parquet(dataset / "checks")
    failed = checks[~checks["passed"]]
    assert (failed["check"] == "code_sum").sum() == 2 * len(DIGITAL_GOLDENS)  # 301 工资福利支出 as published, in each sample
    assert set(failed["check"]) == {"code_sum", "narrative_tie"}  # and the 说明's 4,460 万元 of 上年结转结余资金
    facts = pd.read_parquet(dataset / "facts", partitioning=None)
    assert set(facts["doc_id"]) == set(documents["doc_id"]) and facts["amount"].notna().sum() > 60 * len(DIGITAL_GOLDENS)
    partition = dataset / "lines" / "year=2026" / "department=乌鲁木齐市口岸管理办公室"
    assert len(list(partition.glob("*.parquet"))) == len(DIGITAL_GOLDENS)


def test_wide_tables_are_the_lines_pivoted(dataset):
    t03 = pd.read_parquet(dataset / "tables" / "t03", partitioning=None)
    total = t03[t03["is_total"]].iloc[0]
    assert (total["total"], total["basic"], total["project"]) == (Decimal("10190.63"), Decimal("309.66"), Decimal("9880.97"))
    t01 = pd.read_parquet(dataset / "tables" / "t01", partitioning=None)
    assert set(t01["side"]) == {"income", "expenditure"}


def test_the_readme_queries_work(dataset):
    rows = duckdb.sql(README_SQL.format(root=dataset)).fetchall()
    expected = {}
    for cell in _expected_lines():
        count, total = expected.get(cell[0], (0, Decimal(0)))
        expected[cell[0]] = (count + 1, total + cell[10])
    assert {r[0]: (r[1], r[2]) for r in rows} == expected
    assert expected["t01"] == (11 * len(DIGITAL_GOLDENS), Decimal("61143.78") * len(DIGITAL_GOLDENS))  # t01 of each sample
    cli = Path(sys.executable).with_name("duckdb")
    if cli.exists():
        printed = subprocess.run([str(cli), "-csv", "-c", README_SQL.format(root=dataset)], capture_output=True, text=True, check=True)
        count, total = expected["t06"]
        assert f"t06,{count},{total.normalize():f}" in printed.stdout


def _readme_blocks(language: str) -> list[str]:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_every_readme_example_runs_on_the_dataset(dataset, monkeypatch):
    """What the README shows a researcher works, as written, on a dataset/ folder."""
    monkeypatch.chdir(dataset.parent)  # the examples read ./dataset and ./samples
    if not (dataset.parent / "samples").exists():
        (dataset.parent / "samples").symlink_to(REFERENCE_PDF.parent)
    for sql in _readme_blocks("sql"):
        assert duckdb.sql(sql).fetchall(), sql
    for shell in _readme_blocks("sh"):
        for query in re.findall(r'duckdb -c "(.*?)"', shell, re.S):
            assert duckdb.sql(query).fetchall(), query
    for python in _readme_blocks("python"):
        namespace: dict = {}
        exec(python, namespace)  # noqa: S102 - the README's own example
        assert len(namespace["lines"]) == len(_expected_lines())
        assert str(namespace["lines"]["year"].dtype) == "Int32" and str(namespace["lines"]["code_level"].dtype) == "Int8"
        assert set(namespace["failed"]["table_id"]) <= {"t06", "t12", "t02"}
        assert len(namespace["facts"]) > 70 * len(DIGITAL_GOLDENS)


def test_rerun_replaces_instead_of_duplicating(tmp_path):
    for _ in range(2):
        assert _run("extract", str(REFERENCE_PDF), "--out", str(tmp_path), "--quiet").exit_code == 0
    assert len(pd.read_parquet(tmp_path / "documents")) == 1
    assert len(pd.read_parquet(tmp_path / "lines", partitioning=None)) == len(golden_cells(REFERENCE_GOLDEN))
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


def test_bad_input_gets_a_status_and_the_batch_goes_on(tmp_path):
    batch = tmp_path / "in"
    expected = write_bad_inputs(batch)

    result = _run("extract", str(batch), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1  # some documents failed
    documents = pd.read_parquet(tmp_path / "out" / "documents")
    status = {Path(p).name: s for p, s in zip(documents["source_path"], documents["status"])}
    errors = {Path(p).name: e for p, e in zip(documents["source_path"], documents["error"])}
    assert status == expected
    assert "password" in errors["locked.pdf"]
    assert errors["empty.pdf"] == "empty file (0 bytes)"
    assert all(errors[name] for name in status if name != "good.pdf")
    lines = pd.read_parquet(tmp_path / "out" / "lines", partitioning=None)
    assert len(lines) == len(golden_cells(REFERENCE_GOLDEN))


def test_inspect_lists_tables_pages_and_the_failed_check():
    result = _run("inspect", str(REFERENCE_PDF))
    assert result.exit_code == 0
    assert "department  乌鲁木齐市口岸管理办公室" in result.output
    for table_id in (f"t{n:02d}" for n in range(1, 13)):
        assert f" {table_id}#1 " in result.output
    assert "(empty)" in result.output
    assert "expected 269.09, printed 269.07" in result.output


def test_inspect_lists_the_figures_the_prose_states_and_where_the_department_is():
    result = _run("inspect", str(REFERENCE_PDF), "--facts")
    assert result.exit_code == 0
    assert "form        full" in result.output and "place       新疆维吾尔自治区 乌鲁木齐市  (650100)" in result.output
    facts = [line for line in result.output.splitlines() if re.match(r"  p\d+ ", line)]
    assert len(facts) == sum(1 for _ in open(REFERENCE_GOLDEN / "facts.csv", encoding="utf-8")) - 1
    assert any(re.match(r"  p15 +expenditure_total +10190\.63 +\| .*支出预算10,190\.63万元", line) for line in facts)


def test_inspect_shows_every_printed_table_and_what_became_of_each_grid():
    result = _run("inspect", str(BEYOND_PDF), "--grids")
    assert result.exit_code == 0
    assert " t05#2 " in result.output and "一般公共预算支出情况表（机关本级）" in result.output
    assert re.search(r"generic#1 .* sibling +generic +重点工作经费安排表", result.output)
    assert re.search(r"text_only +部门整体绩效目标表 +\[performance targets", result.output)
    assert result.output.count("grid at y=") == 16
    assert re.search(r"figures     (\d{3}) of \1 printed on table pages reached lines/", result.output)


def test_clean_failures_and_help(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["extract", "--help"]).output.count("Example:") == 1
    assert "Example:" in runner.invoke(main, ["inspect", "--help"]).output
    result = runner.invoke(main, ["extract", str(tmp_path)])
    assert result.exit_code == 1 and "no PDF files" in result.output


CLI = [sys.executable, "-c", "from budgetpdf.cli import main; main()"]


def test_inspect_exits_1_on_a_failed_document_and_never_opens_a_fifo(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    failed = _run_quietly("inspect", str(tmp_path / "empty.pdf"))
    assert failed.exit_code == 1 and "status      failed  (empty file (0 bytes))" in failed.output
    os.mkfifo(tmp_path / "fifo.pdf")
    # in a process of its own: opening a FIFO blocks until a writer comes, which would stall the suite, not fail it
    fifo = subprocess.run([*CLI, "inspect", str(tmp_path / "fifo.pdf")], capture_output=True, text=True, timeout=60)
    assert fifo.returncode == 1 and "status      failed  (not a regular file (FIFO))" in fifo.stdout
    (tmp_path / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    dangling = _run_quietly("inspect", str(tmp_path / "dangling.pdf"))
    assert dangling.exit_code == 1 and "a dangling symbolic link" in dangling.output
    assert _run_quietly("inspect", str(tmp_path / "typo.pdf")).exit_code == 2
    assert "Exit status:" in _run_quietly("inspect", "--help").output


def _run_quietly(*args: str):
    return CliRunner().invoke(main, list(args))


def test_every_parser_warning_names_its_pdf(tmp_path):
    """pdfminer's warnings say nothing of the file they are about; a worker's, and inspect's, name it."""
    pdf = tmp_path / "gray.pdf"
    warning_pdf(pdf)
    for args in (["extract", str(pdf), "--out", str(tmp_path / "out"), "-q"], ["inspect", str(pdf)]):
        result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert any("Cannot set gray level" in line for line in lines), lines
        assert all(line.startswith(f"{pdf}: ") for line in lines), lines


def test_python_warnings_while_reading_name_the_pdf_and_other_threads_are_left_alone(capsys, caplog):
    with naming_the_file(Path("some/budget.pdf")):
        warnings.warn("a deprecated call", DeprecationWarning, stacklevel=1)
        logging.getLogger("pdfminer.test").warning("odd %s", "operator")
        other = threading.Thread(target=lambda: logging.getLogger("pdfminer.test").warning("elsewhere"))
        other.start()
        other.join()
    logging.getLogger("pdfminer.test").warning("after")
    assert capsys.readouterr().err.startswith("some/budget.pdf: DeprecationWarning: a deprecated call (test_cli.py:")
    assert [record.getMessage() for record in caplog.records] == ["some/budget.pdf: odd operator", "elsewhere", "after"]


def test_the_error_is_capped_and_keeps_the_first_problems():
    messages = [f"t05 printed twice on page {n} and {n + 1}" for n in range(3000)]  # 113,000 characters joined
    error = join_problems(messages)
    assert len(error) <= ERROR_LIMIT
    kept, tail = error.rsplit("; … and ", 1)
    assert kept.split("; ") == messages[: len(kept.split("; "))]
    assert tail == f"{3000 - len(kept.split('; ')):,} more (see problems)"
    assert join_problems(messages[:3]) == "; ".join(messages[:3]) and join_problems([]) is None
    huge = "x" * 70_000
    assert len(join_problems([huge, "next"])) <= ERROR_LIMIT and join_problems([huge, "next"]).endswith("… and 1 more (see problems)")
    capped = cap_error("Traceback: " + huge)
    assert len(capped) <= ERROR_LIMIT and capped.startswith("Traceback: xxx") and capped.endswith("more characters)")
    assert cap_error("short") == "short" and cap_error(None) is None


def test_a_record_never_holds_an_error_beyond_the_cap(tmp_path):
    """Every way an error reaches a row goes through the cap: the pipeline's and the batch's own."""
    from budgetpdf.batch import _failed_record
    from budgetpdf.pipeline import _record
    from budgetpdf.schemas import Status

    assert len(_record("d", tmp_path, Status.FAILED, "y" * 70_000).error) <= ERROR_LIMIT
    assert len(_failed_record("d", tmp_path, Status.FAILED, "died: " + "z" * 70_000).error) <= ERROR_LIMIT


def test_ctrl_c_ends_inspect_with_130_too(tmp_path):
    glyph_bomb_pdf(tmp_path / "glyphs.pdf")  # ten seconds of parsing: time to interrupt it
    command = subprocess.Popen([*CLI, "inspect", str(tmp_path / "glyphs.pdf")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while command.poll() is None and psutil.Process(command.pid).memory_info().rss < 250 * 2**20 and time.monotonic() < deadline:
        time.sleep(0.05)  # until it is deep in the page, past its imports
    command.send_signal(signal.SIGINT)
    _, stderr = command.communicate(timeout=30)
    assert command.returncode == 130 and "Aborted" not in stderr, stderr
