"""PDF pages → every printed table, then the registry's reading of each (RawTables)."""

from extract.document import ExtractedDocument, extract_document
from extract.settings import ExtractSettings, GridSettings

EXTRACTOR_VERSION = "0.5.0"  # raise it whenever extraction changes: re-runs skip only what this version read

__all__ = ["EXTRACTOR_VERSION", "ExtractSettings", "ExtractedDocument", "GridSettings", "extract_document"]
