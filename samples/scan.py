"""A sample PDF as a scanner would return it: page images only, grey, noisy, slightly skewed.

The pages are rasterised from a rendered sample (pdfium), turned by a small
angle, blurred a little, given grain and specks, and stored as JPEG images in
a PDF with no text layer.  The noise is seeded per page, so the same input
gives the same images; the golden files are the sample's own, written from
the ground-truth data, so OCR is judged against the truth and not against
another reading.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Scan:
    """How the scanner treats the paper."""

    dpi: int = 150
    skew_degrees: float = 0.6  # the page's turn, alternating in sign from page to page
    blur: float = 0.6  # gaussian sigma, pixels: the scanner's optics
    grain: float = 4.0  # gaussian noise, grey levels
    specks: float = 0.0004  # share of pixels turned black or white (dust, toner)
    jpeg_quality: int = 45
    seed: int = 2026


def scan_page(grey: np.ndarray, page_index: int, scan: Scan) -> np.ndarray:
    """One rendered page (uint8 grey) → the scanner's image of it."""
    rng = np.random.default_rng(scan.seed + page_index)
    height, width = grey.shape
    angle = scan.skew_degrees if page_index % 2 == 0 else -scan.skew_degrees * 0.7
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    image = cv2.warpAffine(grey, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    image = cv2.GaussianBlur(image, (0, 0), scan.blur).astype(np.float32)
    image = image * 0.92 + 12  # paper is not white, toner is not black
    image += rng.normal(0.0, scan.grain, image.shape)
    specks = rng.random(image.shape)
    image[specks < scan.specks / 2] = 30
    image[specks > 1 - scan.specks / 2] = 250
    return np.clip(image, 0, 255).astype(np.uint8)


def scan_pdf(source: Path, target: Path, scan: Scan = Scan()) -> Path:
    """Write ``target``: every page of ``source`` as a scanned image, nothing else."""
    document = pypdfium2.PdfDocument(str(source))
    partial = target.with_name(target.name + ".part")
    canvas = Canvas(str(partial), invariant=1)
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            grey = page.render(scale=scan.dpi / 72, grayscale=True).to_numpy()
            if grey.ndim == 3:
                grey = grey[:, :, 0]
            buffer = io.BytesIO()
            Image.fromarray(scan_page(grey, index, scan)).save(buffer, format="JPEG", quality=scan.jpeg_quality)
            buffer.seek(0)
            canvas.setPageSize((width, height))
            canvas.drawImage(ImageReader(buffer), 0, 0, width=width, height=height)
            canvas.showPage()
            page.close()
        canvas.save()
    finally:
        document.close()
    partial.replace(target)
    return target

