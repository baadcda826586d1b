"""The README's tables and column keys, written from the registry so the two never drift.

``make docs`` rewrites it in place; a test checks the README holds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from budgetpdf.schemas.columns import AMOUNT_COLUMNS
from budgetpdf.schemas.facts import FACT_KEYS
from budgetpdf.schemas.tables import GENERIC, TABLES, RowKey

START = "| key | 中文 | printed header aliases | tables |"
END = "\n## How it works"
TABLES_START = "| id | canonical title | also printed as | rows keyed by |"
TABLES_END = "\nTitles are matched by pattern"
FACTS_START = "| fact key | printed as | compared with (any one agreeing) |"
FACTS_END = "\nA money figure no key names"

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


def fact_keys_markdown() -> str:
    rows = [FACTS_START, "|---|---|---|"]
    for fact_key in FACT_KEYS:
        sources = ", ".join(
            f"{s.table_id} `{s.column}`" + (f" {s.side}" if s.side else "")
            + (" the row matching `{}`".format(s.item.replace("|", "\\|")) if s.item else " total")
            for s in fact_key.sources
        )
        rows.append(f"| `{fact_key.key}` | {fact_key.printed_as} | {sources or '—'} |")
    return "\n".join(rows) + "\n"


def rewrite_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for start_marker, end_marker, markdown in (
        (START, END, column_keys_markdown()),
        (TABLES_START, TABLES_END, tables_markdown()),
        (FACTS_START, FACTS_END, fact_keys_markdown()),
    ):
        start, end = text.index(start_marker), text.index(end_marker)
        text = text[:start] + markdown + text[end:]
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    rewrite_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
