"""PDF pages → every printed table, then the registry's reading of each (RawTables)."""

from budgetpdf.extract.document import ExtractedDocument, extract_document
from budgetpdf.extract.settings import ExtractSettings, GridSettings

EXTRACTOR_VERSION = "0.7.0"  # raise it whenever extraction changes: re-runs skip only what this version read

__all__ = ["EXTRACTOR_VERSION", "ExtractSettings", "ExtractedDocument", "GridSettings", "extract_document"]
