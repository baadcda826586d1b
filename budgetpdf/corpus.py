"""`make corpus`: run over real published PDFs and say how well it went.

Per document and in total: status, the standard tables found against those
the hand-made inventory says the document contains, lines, checks passed
and failed, and — where a hand-verified golden exists — amount cells
matched; then the prose: facts per document, the narrative ties that agree
and every one that does not, and the keys each narrative-only document
yielded.  The PDFs are read in place; nothing is copied.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from budgetpdf.audit import COVERAGE_FLOOR, coverage
from budgetpdf.dataset import write_document
from budgetpdf.pipeline import DocumentResult, process_document
from budgetpdf.normalize import to_wanyuan
from budgetpdf.schemas import STANDARD_IDS, compact_label, header_text



def _norm(text: str | None) -> str:
    return header_text(text or "")


def _column(key: str) -> str:
    """``other:`` labels compared as printed, typography aside."""
    if not key.startswith("other:"):
        return key
    return "other:" + "/".join(compact_label(part) for part in key[len("other:"):].split("/"))


def line_cells(result: DocumentResult) -> Counter:
    """The document's amount cells of the twelve standard tables (what the goldens cover), keyed as the goldens key them."""
    return Counter(
        (l.table_id, l.side or "", l.code or "", _norm(l.item), _norm(l.project), _column(l.column), l.amount.normalize())
        for l in result.lines
        if l.table_id in STANDARD_IDS
    )


def golden_cells(path: Path) -> Counter:
    cells: Counter = Counter()
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amount = to_wanyuan(Decimal(row["amount"]), row["unit"]).normalize()
            key = (row["table_id"], row["side"], row["code"], _norm(row["item"]), _norm(row["project"]), _column(row["column"]), amount)
            cells[key] += 1
    return cells


@dataclass(frozen=True)
class GoldenComparison:
    expected: int
    matched: int
    missing: Counter
    unexpected: Counter

    @property
    def exact(self) -> bool:
        return not self.missing and not self.unexpected


def compare_with_golden(result: DocumentResult, golden: Path) -> GoldenComparison:
    expected, actual = golden_cells(golden), line_cells(result)
    missing, unexpected = expected - actual, actual - expected
    return GoldenComparison(sum(expected.values()), sum((expected & actual).values()), missing, unexpected)


def load_inventory(folder: Path) -> dict[str, dict]:
    inventory: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        inventory.update(json.loads(path.read_text(encoding="utf-8")))
    return inventory


def _process(path: Path) -> DocumentResult:
    return process_document(path)


def load_regions(corpus: Path) -> dict[str, str]:
    """File name → region, from the corpus catalogue (its ``level`` field) where there is one."""
    catalogue = corpus / "catalogue.json"
    if not catalogue.exists():
        return {}
    return {entry["file"]: entry.get("level") or "?" for entry in json.loads(catalogue.read_text(encoding="utf-8"))}


@dataclass
class _Tally:
    documents: int = 0
    found: int = 0
    present: int = 0
    passed: int = 0
    failed: int = 0
    cells_matched: int = 0
    cells_expected: int = 0
    figures_printed: int = 0
    figures_read: int = 0
    facts: int = 0
    ties_passed: int = 0
    ties_failed: int = 0
    ocr_pages: int = 0
    ocr_figures: int = 0
    ocr_verified: int = 0

    def line(self, name: str) -> str:
        share = f"{self.found / self.present:.1%}" if self.present else "-"
        cells = f" golden_cells={self.cells_matched}/{self.cells_expected}" if self.cells_expected else ""
        return (
            f"{name}: documents={self.documents} tables_found={self.found}/{self.present} ({share}) "
            f"figures={self.figures_read}/{self.figures_printed} ({coverage(self.figures_read, self.figures_printed):.3f}) "
            f"checks_passed={self.passed} checks_failed={self.failed}{cells} "
            f"facts={self.facts} narrative_ties={self.ties_passed}/{self.ties_passed + self.ties_failed}"
            + (f" ocr_pages={self.ocr_pages} ocr_verified={self.ocr_verified}/{self.ocr_figures} "
               f"({coverage(self.ocr_verified, self.ocr_figures):.3f})" if self.ocr_pages else "")
        )



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of published PDFs (../shared/corpus)")
    parser.add_argument("--out", type=Path, default=Path("build/corpus-dataset"), help="scratch dataset")
    parser.add_argument("--expected", type=Path, default=Path("tests/corpus"), help="inventory/ and goldens/")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus: {args.corpus} is absent; nothing to do")
        return 0
    pdfs = sorted(args.corpus.glob("*.pdf"))
    inventory = load_inventory(args.expected / "inventory")
    regions = load_regions(args.corpus)
    statuses: Counter = Counter()
    total = _Tally()
    by_region: dict[str, _Tally] = {}
    below: list[tuple[float, str, int, int]] = []
    disagreements: list[str] = []
    narrative_only: list[str] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for pdf, result in zip(pdfs, pool.map(_process, pdfs)):
            write_document(args.out, result)
            record = result.record
            statuses[record.status.value] += 1
            present = set(inventory.get(pdf.name, {}).get("tables", {}))
            found = set(record.tables_found)
            failed = sum(not c.passed for c in result.checks)
            ties = [c for c in result.checks if c.check == "narrative_tie"]
            disagreements += [f"  {pdf.name[:56]} {c.message}" for c in ties if not c.passed]
            if record.doc_form == "narrative_only":
                keys = sorted({f.key for f in result.facts if not f.key.startswith("other:")})
                narrative_only.append(f"  {pdf.name[:56]} facts={len(result.facts)} keys: {' '.join(keys)}")
            golden = args.expected / "goldens" / f"{pdf.stem}.csv"
            comparison = compare_with_golden(result, golden) if golden.exists() else None
            for tally in (total, by_region.setdefault(regions.get(pdf.name, "?"), _Tally())):
                tally.documents += 1
                tally.found += len(found & present)
                tally.present += len(present)
                tally.failed += failed
                tally.passed += len(result.checks) - failed
                tally.figures_printed += record.figures_printed
                tally.figures_read += record.figures_read
                tally.facts += len(result.facts)
                tally.ties_passed += sum(c.passed for c in ties)
                tally.ties_failed += sum(not c.passed for c in ties)
                tally.ocr_pages += record.ocr_pages
                tally.ocr_figures += record.ocr_figures
                tally.ocr_verified += record.ocr_verified
                if comparison:
                    tally.cells_matched += comparison.matched
                    tally.cells_expected += comparison.expected
            share = coverage(record.figures_read, record.figures_printed)
            if share < COVERAGE_FLOOR:
                below.append((share, pdf.name, record.figures_read, record.figures_printed))
            missed = ",".join(sorted(present - found))
            cells = f" cells={comparison.matched}/{comparison.expected}" if comparison else ""
            print(
                f"{record.status.value:<12} {pdf.name[:64]:<64} tables={len(found & present)}/{len(present)}"
                + (f" missing={missed}" if missed else "")
                + f" figures={record.figures_read}/{record.figures_printed}"
                + f" lines={len(result.lines)} checks={len(result.checks) - failed}/{len(result.checks)}{cells}"
                + f" form={record.doc_form} facts={len(result.facts)} ties={sum(c.passed for c in ties)}/{len(ties)}"
                + (f" ocr_pages={record.ocr_pages} ocr_verified={record.ocr_verified}/{record.ocr_figures}" if record.ocr_pages else "")
                + (f"  {record.error}" if record.error else ""),
                flush=True,
            )
    print()
    for region in sorted(by_region):
        print(by_region[region].line(f"  {region}"))
    print()
    print(f"documents with figure coverage below {COVERAGE_FLOOR}: {len(below)}")
    for share, name, read, printed in sorted(below):
        print(f"  {share:.3f} {read}/{printed} {name}")
    print(f"\nnarrative-only documents and the keys their prose yielded: {len(narrative_only)}")
    print("\n".join(narrative_only))
    print(f"\nthe prose against the tables: {total.ties_passed} agree, {total.ties_failed} disagree")
    print("\n".join(disagreements))
    print(total.line("corpus") + " " + " ".join(f"{status}={n}" for status, n in sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
