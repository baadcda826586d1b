"""The README's tables and column keys, written from the registry so the two never drift.

``make docs`` rewrites it in place; a test checks the README holds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemas.columns import AMOUNT_COLUMNS
from schemas.tables import GENERIC, TABLES, RowKey

START = "| key | 中文 | printed header aliases | tables |"
END = "\n## How it works"
TABLES_START = "| id | canonical title | also printed as | rows keyed by |"
TABLES_END = "\nTitles are matched by pattern"

_ROW_KEYS = {
    RowKey.TWO_SIDED: "side + item; expenditure side by 类 code",
    RowKey.FUNCTION_CODE: "function code 类/款/项",
    RowKey.ECONOMIC_CODE: "economic code (301, 30101)",
    RowKey.FUNCTION_CODE_PROJECT: "function code + project",
    RowKey.ITEM: "item",
    RowKey.PROJECT: "unit + project",
}


def tables_markdown() -> str:
    rows = [TABLES_START, "|---|---|---|---|"]
    for spec in (*TABLES, GENERIC):
        variants = ", ".join(spec.title_variants) or "any title the registry cannot name, or none"
        key = _ROW_KEYS[spec.row_key] + (f"; stands in for {spec.stands_in_for} where that is not printed" if spec.stands_in_for else "")
        rows.append(f"| {spec.table_id} | {spec.title} | {variants} | {key} |")
    return "\n".join(rows) + "\n"


def column_keys_markdown() -> str:
    rows = [START, "|---|---|---|---|"]
    for key, column in AMOUNT_COLUMNS.items():
        tables = [t.table_id for t in TABLES if key in t.amount_columns or key in t.income_columns]
        aliases = ", ".join(" / ".join(alias) for alias in column.aliases).replace("^", "")
        rows.append(f"| `{key}` | {column.label_zh} | {aliases} | {', '.join(tables)} |")
    return "\n".join(rows) + "\n"


def rewrite_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END)
    text = text[:start] + column_keys_markdown() + text[end:]
    start, end = text.index(TABLES_START), text.index(TABLES_END)
    path.write_text(text[:start] + tables_markdown() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    rewrite_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
