"""The Python API: one PDF, or a dataset folder, as typed pandas frames.

Frames carry the contract's types: nullable integers (``year`` Int32,
``code_level`` Int8, …) that stay integers where a value is missing, and
amounts as exact ``decimal.Decimal`` objects.  The Arrow tables behind them
are the ones the Parquet files hold (``to_arrow``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from budgetpdf.dataset import checks_table, documents_table, facts_table, lines_table, wide_table
from budgetpdf.pipeline import DocumentResult, process_document
from budgetpdf.schemas import TABLES_BY_ID, DocumentRecord
from budgetpdf.schemas import arrow as schema

_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas with the contract's types: nullable integers and booleans, Decimal amounts."""
    return table.to_pandas(types_mapper=_NULLABLE.get)


@dataclass(frozen=True)
class Document:
    """One PDF as read: its documents row and its lines, checks and facts as frames."""

    result: DocumentResult

    @property
    def record(self) -> DocumentRecord:
        return self.result.record

    @property
    def lines(self) -> pd.DataFrame:
        return to_frame(self.to_arrow()["lines"])

    @property
    def checks(self) -> pd.DataFrame:
        return to_frame(self.to_arrow()["checks"])

    @property
    def facts(self) -> pd.DataFrame:
        return to_frame(self.to_arrow()["facts"])

    def table(self, table_id: str) -> pd.DataFrame:
        """One table wide, as printed: a row per printed row, a column per amount key (as ``tables/<id>``)."""
        if table_id not in TABLES_BY_ID:
            raise KeyError(f"no table {table_id!r} in the registry (t01 … t21; a generic table lives in .lines)")
        lines = [line for line in self.result.lines if line.table_id == table_id]
        return to_frame(wide_table(self.record, table_id, lines))

    def to_arrow(self) -> dict[str, pa.Table]:
        """The Arrow tables the dataset would hold for this document: documents, lines, checks, facts."""
        return {
            "documents": documents_table([self.record]),
            "lines": lines_table(self.record, self.result.lines),
            "checks": checks_table(self.record, self.result.checks),
            "facts": facts_table(self.record, self.result.facts),
        }


def read_pdf(path: str | Path) -> Document:
    """Read one disclosure PDF.  Never raises for bad input: a damaged, scanned or
    unrelated PDF gives a ``Document`` whose ``record.status`` and ``record.error`` say why."""
    return Document(process_document(Path(path)))


_FOLDERS = {"documents": schema.DOCUMENTS, "lines": schema.LINES, "checks": schema.CHECKS, "facts": schema.FACTS}


@dataclass(frozen=True)
class Dataset:
    """A folder ``budgetpdf extract`` wrote, read with its published schemas."""

    root: Path

    def arrow(self, name: str) -> pa.Table:
        """One of documents, lines, checks, facts as an Arrow table (empty where the folder is absent)."""
        folder = self.root / name
        if not folder.is_dir():
            return _FOLDERS[name].empty_table()
        # the files carry year and department: partitioning=None keeps their exact values
        return ds.dataset(folder, format="parquet", schema=_FOLDERS[name], partitioning=None).to_table()

    @property
    def documents(self) -> pd.DataFrame:
        return to_frame(self.arrow("documents"))

    @property
    def lines(self) -> pd.DataFrame:
        return to_frame(self.arrow("lines"))

    @property
    def checks(self) -> pd.DataFrame:
        return to_frame(self.arrow("checks"))

    @property
    def facts(self) -> pd.DataFrame:
        return to_frame(self.arrow("facts"))

    def sql(self, query: str) -> pd.DataFrame:
        """DuckDB over views named documents, lines, checks and facts: the Parquet files are
        read in place, as the query needs them, however large the dataset."""
        import duckdb

        connection = duckdb.connect()
        try:
            for name, arrow_schema in _FOLDERS.items():
                files = sorted((self.root / name).rglob("*.parquet")) if (self.root / name).is_dir() else []
                if files:
                    pattern = str(self.root / name / ("*.parquet" if name in ("documents", "checks") else "**/*.parquet")).replace("'", "''")
                    connection.sql(f"create view {name} as select * from read_parquet('{pattern}', hive_partitioning = false, union_by_name = true)")
                else:
                    connection.register(name, arrow_schema.empty_table())
            result = connection.sql(query).arrow()  # a RecordBatchReader in DuckDB ≥ 1.4, a Table before
            return to_frame(result.read_all() if isinstance(result, pa.RecordBatchReader) else result)
        finally:
            connection.close()


def open_dataset(path: str | Path) -> Dataset:
    root = Path(path)
    if not (root / "documents").is_dir():
        raise FileNotFoundError(f"{root} has no documents/ folder: is it a dataset written by budgetpdf extract?")
    return Dataset(root)
