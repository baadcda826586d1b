"""The dataset writer: safe partition folders, exact names in the columns, nothing half-written."""

from dataclasses import replace

import pandas as pd
import pytest

from budgetpdf.dataset import DEFAULT_PARTITION, safe_partition_name, write_document


@pytest.mark.parametrize(
    "name, folder",
    [
        ("乌鲁木齐市口岸管理办公室", "乌鲁木齐市口岸管理办公室"),
        ("财政局/国库处", "财政局_国库处"),
        ("../../etc", "___etc"),
        ("局\x00\x07名", "局名"),
        ("a=b%c", "a_b_c"),
        ("", DEFAULT_PARTITION),
        (None, DEFAULT_PARTITION),
        ("...", DEFAULT_PARTITION),
    ],
)
def test_safe_partition_name(name, folder):
    assert safe_partition_name(name) == folder


def test_long_names_fit_a_file_name():
    assert len(safe_partition_name("很长的部门名称" * 100).encode("utf-8")) <= 200


def test_unsafe_department_stays_inside_the_dataset_and_exact_in_the_column(tmp_path, reference_result):
    odd = "../财政局/国库处\x07"
    result = replace(reference_result, record=replace(reference_result.record, department=odd))
    write_document(tmp_path / "out", result)
    files = [p for p in (tmp_path / "out").rglob("*.parquet")]
    assert files and all(p.resolve().is_relative_to((tmp_path / "out").resolve()) for p in files)
    partition = tmp_path / "out" / "lines" / "year=2026" / "department=_财政局_国库处"
    lines = pd.read_parquet(next(partition.glob("*.parquet")))
    assert set(lines["department"]) == {odd}


def test_a_document_moving_partition_leaves_no_stale_rows(tmp_path, reference_result):
    write_document(tmp_path, reference_result)
    moved = replace(reference_result, record=replace(reference_result.record, year=2025))
    write_document(tmp_path, moved)
    assert {p.parent.parent.name for p in (tmp_path / "lines").rglob("*.parquet")} == {"year=2025"}
    assert len(list((tmp_path / "tables").rglob("*.parquet"))) == 10
