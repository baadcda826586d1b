"""Pure functions from printed strings to exact values; no PDF, no I/O."""

from budgetpdf.normalize.amounts import AmountError, looks_like_amount, parse_amount, to_wanyuan
from budgetpdf.normalize.codes import code_level, fill_down_codes, parent_code, split_leading_code
from budgetpdf.normalize.lines import NormalizeParams, table_to_lines
from budgetpdf.normalize.names import clean_name, is_total_label, join_wrapped, outline_levels, split_outline, strip_subtotal_suffix

__all__ = [
    "AmountError",
    "NormalizeParams",
    "clean_name",
    "code_level",
    "fill_down_codes",
    "is_total_label",
    "join_wrapped",
    "looks_like_amount",
    "outline_levels",
    "parent_code",
    "parse_amount",
    "split_leading_code",
    "split_outline",
    "strip_subtotal_suffix",
    "table_to_lines",
    "to_wanyuan",
]
