"""The Python API: read_pdf and open_dataset give typed frames, and never raise for bad input."""

from decimal import Decimal

import pandas as pd
import pytest
from click.testing import CliRunner

import budgetpdf
from budgetpdf.cli import main
from conftest import REFERENCE_GOLDEN, REFERENCE_PDF, golden_cells
from budgetpdf.extract import EXTRACTOR_VERSION
from budgetpdf.schemas import arrow as schema


@pytest.fixture(scope="module")
def document() -> budgetpdf.Document:
    return budgetpdf.read_pdf(REFERENCE_PDF)


def test_read_pdf_gives_the_contracts_types(document):
    lines = document.lines
    assert len(lines) == len(golden_cells(REFERENCE_GOLDEN))
    assert {column: str(lines[column].dtype) for column in ("year", "code_level", "table_no", "row_no", "is_total")} == {
        "year": "Int32", "code_level": "Int8", "table_no": "Int16", "row_no": "Int32", "is_total": "boolean",
    }
    assert lines["code_level"].isna().any() and lines["code_level"].notna().any()  # missing stays missing, no floats
    assert all(isinstance(amount, Decimal) for amount in lines["amount"])
    assert document.record.status.value == "ok" and document.record.division_code == "650100"


def test_a_table_wide_the_checks_and_the_facts(document):
    t03 = document.table("t03")
    total = t03[t03["is_total"]].iloc[0]
    assert (total["total"], total["basic"], total["project"]) == (Decimal("10190.63"), Decimal("309.66"), Decimal("9880.97"))
    assert set(document.checks.query("not passed")["check"]) == {"code_sum", "narrative_tie"}
    facts = document.facts
    assert len(facts) == len(pd.read_csv(REFERENCE_GOLDEN / "facts.csv"))
    assert facts.loc[facts["key"] == "sangong_total", "amount"].dropna().tolist() == [Decimal("10.23")]
    with pytest.raises(KeyError):
        document.table("t99")


def test_to_arrow_holds_the_published_schemas(document):
    tables = document.to_arrow()
    assert {name: table.schema for name, table in tables.items()} == {
        "documents": schema.DOCUMENTS, "lines": schema.LINES, "checks": schema.CHECKS, "facts": schema.FACTS,
    }


def test_bad_input_is_a_status_not_an_exception(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    document = budgetpdf.read_pdf(empty)
    assert document.record.status.value == "failed" and "empty file" in document.record.error
    assert document.lines.empty and document.facts.empty


def test_open_dataset_and_sql(tmp_path):
    out = tmp_path / "dataset"
    assert CliRunner().invoke(main, ["extract", str(REFERENCE_PDF), "--out", str(out), "--quiet"]).exit_code == 0
    dataset = budgetpdf.open_dataset(out)
    assert len(dataset.lines) == dataset.sql("select count(*) as n from lines")["n"].iloc[0] == len(golden_cells(REFERENCE_GOLDEN))
    assert str(dataset.documents["year"].dtype) == "Int32" and dataset.documents["province"].tolist() == ["新疆维吾尔自治区"]
    by_key = dataset.sql("select key, count(*) as n from facts group by key order by key")
    assert by_key.set_index("key")["n"].sum() == len(dataset.facts) > 70
    with pytest.raises(FileNotFoundError):
        budgetpdf.open_dataset(tmp_path / "nothing")


def test_one_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.output.strip() == f"budgetpdf {budgetpdf.__version__} (extractor {EXTRACTOR_VERSION})"
