"""Arrow schemas of the published datasets."""

from __future__ import annotations

import pyarrow as pa

from budgetpdf.schemas.tables import TABLES_BY_ID

AMOUNT = pa.decimal128(20, 6)

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("department", pa.string()),
        ("year", pa.int32()),
        ("doc_kind", pa.string()),
        ("unit", pa.string()),
        ("pages", pa.int32()),
        ("tables_found", pa.list_(pa.string())),
        ("tables_empty", pa.list_(pa.string())),
        ("status", pa.string()),
        ("error", pa.string()),
        ("extractor_version", pa.string()),
        ("unit_source", pa.string()),
        ("figures_printed", pa.int32()),
        ("figures_read", pa.int32()),
        ("problems", pa.list_(pa.struct([("code", pa.string()), ("table_id", pa.string()), ("page", pa.int32()), ("message", pa.string())]))),
        (
            "printed_tables",
            pa.list_(
                pa.struct(
                    [
                        ("number", pa.int32()),
                        ("table_id", pa.string()),
                        ("table_no", pa.int32()),
                        ("title", pa.string()),
                        ("pages", pa.list_(pa.int32())),
                        ("unit", pa.string()),
                        ("unit_source", pa.string()),
                        ("outcome", pa.string()),
                        ("reason", pa.string()),
                    ]
                )
            ),
        ),
        ("doc_form", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("county", pa.string()),
        ("division_code", pa.string()),
        ("ocr_pages", pa.int32()),
        ("ocr_figures", pa.int32()),
        ("ocr_verified", pa.int32()),
    ]
)

# where a figure came from: OCR of a page image, and whether an identity that holds vouches for it
_OCR_FIELDS = [("ocr", pa.bool_()), ("ocr_verified", pa.bool_())]

_PRINTED_TABLE_FIELDS = [("table_no", pa.int16()), ("table_title", pa.string())]  # which printed table a row came from

_ROW_KEY_FIELDS = [
    ("page", pa.int32()),
    ("row_no", pa.int32()),
    ("side", pa.string()),
    ("code", pa.string()),
    ("code_level", pa.int8()),
    ("parent_code", pa.string()),
    ("item", pa.string()),
    ("project", pa.string()),
]

_DOCUMENT_KEY_FIELDS = [("doc_id", pa.string()), ("department", pa.string()), ("year", pa.int32())]

LINES = pa.schema(
    [
        *_DOCUMENT_KEY_FIELDS,
        ("table_id", pa.string()),
        *_PRINTED_TABLE_FIELDS,
        *_ROW_KEY_FIELDS,
        ("column", pa.string()),
        ("amount", AMOUNT),
        ("is_total", pa.bool_()),
        *_OCR_FIELDS,
    ]
)

FACTS = pa.schema(
    [
        *_DOCUMENT_KEY_FIELDS,
        ("key", pa.string()),
        ("amount", AMOUNT),
        ("previous_amount", AMOUNT),
        ("change_amount", AMOUNT),
        ("change_pct", pa.decimal128(9, 4)),
        ("page", pa.int32()),
        ("sentence", pa.string()),
        *_OCR_FIELDS,
    ]
)

CHECKS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("check", pa.string()),
        ("table_id", pa.string()),
        ("table_no", pa.int16()),
        ("row", pa.int32()),
        ("column", pa.string()),
        ("page", pa.int32()),
        ("expected", AMOUNT),
        ("actual", AMOUNT),
        ("tolerance", AMOUNT),
        ("passed", pa.bool_()),
        ("message", pa.string()),
    ]
)


def wide_table_schema(table_id: str) -> pa.Schema:
    """tables/<id>: the lines of one table pivoted to one column per amount key."""
    spec = TABLES_BY_ID[table_id]
    keys = list(dict.fromkeys((*spec.income_columns, *spec.amount_columns)))
    # t03/t05/t08/t09 print an amount column named ``project`` (项目支出); their
    # rows are keyed by function code and never name a project, so the
    # row-key field of that name gives way to the amount.
    row_key = [(name, kind) for name, kind in _ROW_KEY_FIELDS if name not in keys]
    return pa.schema([*_DOCUMENT_KEY_FIELDS, *_PRINTED_TABLE_FIELDS, *row_key, ("is_total", pa.bool_()), *[(key, AMOUNT) for key in keys]])
