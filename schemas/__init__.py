"""The registry: what each canonical table is, and the shape of every dataset.

Imports nothing from the rest of budgetpdf.
"""

from budgetpdf.schemas.columns import AMOUNT_COLUMNS, LABEL_ROLES, compact_label, header_text, match_amount_key, near_amount_key
from budgetpdf.schemas.records import CheckResult, ColumnRole, DocForm, DocumentRecord, Fact, Line, PrintedTableRecord, Problem, RawRow, RawTable, Status
from budgetpdf.schemas.tables import (
    GENERIC_ID,
    HEADER_VOCABULARY,
    SIDE_LABELS,
    STANDARD_IDS,
    TABLES,
    TABLES_BY_ID,
    TIES,
    RowIdentity,
    RowKey,
    TableSpec,
    Tie,
    TotalRef,
    is_text_table,
    match_title,
    spec_for,
)

__all__ = [
    "AMOUNT_COLUMNS",
    "GENERIC_ID",
    "STANDARD_IDS",
    "PrintedTableRecord",
    "Problem",
    "spec_for",
    "is_text_table",
    "HEADER_VOCABULARY",
    "LABEL_ROLES",
    "SIDE_LABELS",
    "TABLES",
    "TABLES_BY_ID",
    "TIES",
    "CheckResult",
    "ColumnRole",
    "RawRow",
    "RawTable",
    "DocForm",
    "DocumentRecord",
    "Fact",
    "Line",
    "RowIdentity",
    "RowKey",
    "Status",
    "TableSpec",
    "Tie",
    "TotalRef",
    "compact_label",
    "header_text",
    "match_amount_key",
    "near_amount_key",
    "match_title",
]
