"""PDF pages → RawTables: find each canonical table by its title and header, read its grid."""

from extract.document import ExtractedDocument, extract_document
from extract.settings import ExtractSettings, GridSettings

EXTRACTOR_VERSION = "0.1.0"

__all__ = ["EXTRACTOR_VERSION", "ExtractSettings", "ExtractedDocument", "GridSettings", "extract_document"]
