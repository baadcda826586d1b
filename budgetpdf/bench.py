"""`make bench`: budgetpdf's pages per second and peak memory against pdfplumber's extract_tables() and camelot's lattice.

All three read the same PDFs (../shared/corpus, else samples/), each side in
a worker process of its own so they never share a heap: budgetpdf runs
process_document (extract, normalise, validate, the prose and its facts) on
every document, pdfplumber runs extract_tables() on every page, camelot runs
read_pdf(flavor="lattice", engine="vector") on every page: its fastest
lattice, which reads the rules from the PDF's vector graphics instead of a
rendered image.  The workers take the documents in turn, ten at a time, so
all see the same load on a machine shared with other work; pages per second
are pages over the CPU seconds the worker spent on them (wall time, which
measures the neighbours too, is printed beside).  A document camelot cannot
read is counted apart, not in its pages.  The pages budgetpdf reads by OCR
(no text layer, only an image) are left unread by all three sides, since the
other two read nothing from an image, and OCR is then timed on them alone.
`budgetpdf extract -j 1` and ``-j 2`` (OCR included, as a user runs it) run
into a scratch folder and their wall times give the scaling.
The last line is ``bench: ratio=R ratio_camelot=C pages_per_s=P
peak_rss_mb=M pages=N docs=D``, the ratios being budgetpdf's pages per
second over each other reader's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

SIDES = ("budgetpdf", "pdfplumber", "camelot")
# Documents a side reads before the other takes its turn: often enough that both
# see the same load, seldom enough that neither starts cold each time.
BLOCK = 10


def budgetpdf_pages(pdf: Path) -> int:
    from budgetpdf.pipeline import process_document

    return process_document(pdf).record.pages


class ScannedPages:
    """In the budgetpdf worker: the pages budgetpdf would read by OCR, noted and left unread.

    pdfplumber and camelot read no text from a page image, so the sides compare
    the reading of text layers; ``ocr_pages`` then times OCR on the pages noted
    here, apart from the ratios."""

    def __init__(self) -> None:
        self.pages: list[int] = []

    def note(self, page, source, settings) -> None:
        self.pages.append(page.page_number)

    def install(self) -> None:
        from budgetpdf.extract import printed

        printed.read_scanned_page = self.note


def ocr_pages(pages: list[tuple[str, int]]) -> dict:
    """OCR alone on each (PDF, page number), as the pipeline does it: CPU seconds and peak RSS."""
    import pdfplumber
    import pypdfium2

    from budgetpdf.extract.ocr import OcrSettings, read_scanned_page
    from budgetpdf.extract.pages import load_objects
    from budgetpdf.extract.settings import PageSource

    cpu = 0.0
    for pdf, number in pages:
        with pdfplumber.open(pdf) as document:
            source = pypdfium2.PdfDocument(pdf)
            try:
                page = document.pages[number - 1]
                load_objects(page, PageSource.FAST)
                start = time.process_time()
                read_scanned_page(page, source, OcrSettings())
                cpu += time.process_time() - start
            finally:
                source.close()
    return {"pages": len(pages), "cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def pdfplumber_pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            page.extract_tables()
            page.close()  # as budgetpdf does: pdfplumber keeps every page's objects otherwise
        return len(document.pages)


def camelot_pages(pdf: Path) -> int:
    import camelot
    import pypdfium2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No tables found on page-14", page after page
        camelot.read_pdf(str(pdf), pages="all", flavor="lattice", engine="vector")
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


READERS = {"budgetpdf": budgetpdf_pages, "pdfplumber": pdfplumber_pages, "camelot": camelot_pages}


def serve_side(side: str) -> None:
    """The worker: read each PDF path given on stdin, answer with its pages and CPU and wall
    seconds; at the end of the input, answer with the peak RSS."""
    read = READERS[side]
    scanned = ScannedPages()
    if side == "budgetpdf":
        scanned.install()
    logging.disable(logging.WARNING)  # the parsers' complaints about the corpus's damage are not what is measured
    answers, sys.stdout = sys.stdout, sys.stderr  # a reader's stray print must not garble an answer

    def answer(message: dict) -> None:
        print(json.dumps(message), file=answers, flush=True)

    for line in sys.stdin:
        cpu, wall = time.process_time(), time.perf_counter()
        scanned.pages = []
        try:
            pages = read(Path(line.rstrip("\n")))
        except Exception as error:  # noqa: BLE001 - a reader that fails on a document is counted, not fatal
            answer({"failed": f"{type(error).__name__}: {error}"[:200]})
            continue
        answer({"pages": pages, "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "scanned": scanned.pages})
    answer({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def measure_sides(pdfs: list[Path], block: int = BLOCK) -> dict[str, dict]:
    """Both sides over the PDFs, a block of documents to each in turn; the first document
    once beforehand, uncounted (imports and first-use caches such as cmaps are not throughput)."""
    workers = {
        side: subprocess.Popen([sys.executable, "-m", "budgetpdf.bench", "--side", side], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for side in SIDES
    }
    totals = {side: {"pages": 0, "docs": 0, "cpu": 0.0, "wall": 0.0, "failed": 0, "scanned": []} for side in SIDES}
    blocks = [pdfs[:1]] + [pdfs[start : start + block] for start in range(0, len(pdfs), block)]
    for n, documents in enumerate(blocks):
        for side, worker in workers.items():
            for pdf in documents:
                worker.stdin.write(f"{pdf}\n")
                worker.stdin.flush()
                answer = json.loads(worker.stdout.readline())
                if n and "failed" in answer:
                    totals[side]["failed"] += 1
                elif n:
                    total = totals[side]
                    total["docs"] += 1
                    for key in ("pages", "cpu", "wall"):
                        total[key] += answer[key]
                    total["scanned"] += [(str(pdf), number) for number in answer["scanned"]]
    for side, worker in workers.items():
        worker.stdin.close()
        totals[side].update(json.loads(worker.stdout.readline()))
        worker.wait()
    return totals


def measure_jobs(folder: Path, jobs: int) -> dict:
    """`budgetpdf extract -j N --force` into a scratch folder: wall seconds, and the peak RSS of
    the largest process under it (a worker, or the parent)."""
    with tempfile.TemporaryDirectory(prefix="budgetpdf-bench-") as out:
        wall = time.perf_counter()
        subprocess.run([_budgetpdf(), "extract", str(folder), "--out", out, "-j", str(jobs), "--force", "--quiet"], check=False)
        wall = time.perf_counter() - wall
    return {"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _budgetpdf() -> str:
    return str(Path(sys.executable).with_name("budgetpdf"))


def has_jobs() -> bool:
    """Whether `budgetpdf extract` takes -j (the batch runner)."""
    help_text = subprocess.run([_budgetpdf(), "extract", "--help"], capture_output=True, text=True).stdout
    return "--jobs" in help_text


def scaling(folder: Path) -> str:
    """`budgetpdf extract` with -j 1 and -j 2: how much faster two workers are (wall time)."""
    if not has_jobs():
        return "extract -j: not in this CLI yet; no scaling measured"
    one, two = (in_child("--corpus", str(folder), "--jobs", str(n)) for n in (1, 2))
    return (
        f"extract -j 1: {one['wall']:.1f} s, -j 2: {two['wall']:.1f} s wall: scaling {one['wall'] / two['wall']:.2f}x; "
        f"peak RSS of one process {one['rss_mb']:.0f} MB (-j 1), {two['rss_mb']:.0f} MB (-j 2)"
    )


def in_child(*args: str) -> dict:
    """One measurement in a fresh interpreter, so that the RSS it reports is its own."""
    done = subprocess.run([sys.executable, "-m", "budgetpdf.bench", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def ocr_line(scanned: list[tuple[str, int]]) -> str:
    if not scanned:
        return "ocr: no page without a text layer"
    ocr = in_child("--ocr-pages", json.dumps(scanned))
    documents = len({pdf for pdf, _ in scanned})
    return (
        f"ocr: {ocr['pages']} pages without a text layer in {documents} document(s), left out of the sides above "
        f"(pdfplumber and camelot read nothing from a page image): {ocr['cpu']:.1f} s CPU, "
        f"{ocr['cpu'] / ocr['pages']:.1f} s a page, peak RSS {ocr['rss_mb']:.0f} MB"
    )


def pdfs_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf"))


def rate(side: dict, clock: str) -> float:
    return side["pages"] / side[clock]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="folder of PDFs; samples/ when absent")
    parser.add_argument("--no-jobs", action="store_true", help="skip the -j 1 / -j 2 scaling runs")
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ocr-pages", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        serve_side(args.side)
        return 0
    folder = args.corpus if args.corpus.is_dir() and pdfs_in(args.corpus) else Path("samples")
    if args.ocr_pages:
        print(json.dumps(ocr_pages(json.loads(args.ocr_pages))))
        return 0
    if args.jobs:
        print(json.dumps(measure_jobs(folder, args.jobs)))
        return 0

    print(f"bench: {folder}: {len(pdfs_in(folder))} PDFs; load average {os.getloadavg()[0]:.2f}", flush=True)
    results = measure_sides(pdfs_in(folder))
    for side, result in results.items():
        print(
            f"{side:<10} {result['pages']} pages: {result['cpu']:.1f} s CPU ({rate(result, 'cpu'):.1f} pages/s), "
            f"{result['wall']:.1f} s wall ({rate(result, 'wall'):.1f} pages/s), peak RSS {result['rss_mb']:.0f} MB"
            + (f"; {result['failed']} document(s) it could not read, not counted" if result["failed"] else ""),
            flush=True,
        )
    print(ocr_line(results["budgetpdf"]["scanned"]), flush=True)
    if not args.no_jobs:
        print(scaling(folder), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    ours, theirs, camelot = results["budgetpdf"], results["pdfplumber"], results["camelot"]
    print(
        f"bench: ratio={rate(ours, 'cpu') / rate(theirs, 'cpu'):.2f} ratio_camelot={rate(ours, 'cpu') / rate(camelot, 'cpu'):.2f} "
        f"pages_per_s={rate(ours, 'cpu'):.1f} "
        f"peak_rss_mb={ours['rss_mb']:.0f} pages={ours['pages']} docs={ours['docs']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
