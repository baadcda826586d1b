"""`make compare`: budgetpdf's reader of tables without rules beside camelot's, on the same pages."""

from __future__ import annotations

import pytest

from budgetpdf.compare_camelot import budgetpdf_cells, camelot_cells, score, truth_cells
from conftest import REFERENCE_PDF, UNRULED_PDF


@pytest.fixture(scope="module")
def truth():
    cells, centres = truth_cells(REFERENCE_PDF)
    return [cell for cell in cells if cell.page <= 14], centres  # the 说明 and the ruled performance grid follow


def test_budgetpdf_reads_every_figure_cell_of_the_unruled_sample_right(truth):
    cells, centres = truth
    assert len(cells) == 203
    assert score(budgetpdf_cells(UNRULED_PDF), cells, centres) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("flavor", ["stream", "network"])
def test_budgetpdf_reads_the_same_pages_at_least_as_well_as_camelot(truth, flavor):
    pytest.importorskip("camelot")
    cells, centres = truth
    pages = sorted({cell.page for cell in cells})
    _, _, camelot_f1 = score(camelot_cells(UNRULED_PDF, flavor, pages), cells, centres)
    _, _, own_f1 = score(budgetpdf_cells(UNRULED_PDF), cells, centres)
    assert camelot_f1 > 0.5  # camelot found the tables: the comparison is a fair one
    assert own_f1 >= camelot_f1
