"""The README's table of column keys, written from the registry so the two never drift.

``make docs`` rewrites it in place; a test checks the README holds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemas.columns import AMOUNT_COLUMNS
from schemas.tables import TABLES

START = "| key | 中文 | printed header aliases | tables |"
END = "\n## How it works"


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
    path.write_text(text[:start] + column_keys_markdown() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    rewrite_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
