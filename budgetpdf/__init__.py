"""budgetpdf: Chinese government budget disclosures from PDF to validated Parquet.

``read_pdf`` reads one PDF into typed frames; ``open_dataset`` opens a folder
``budgetpdf extract`` wrote.  Below them: the batch runner, the dataset
writer and the command line, on top of extract/, normalize/ and schemas/.
"""

__version__ = "0.7.0"

__all__ = ["Dataset", "Document", "__version__", "open_dataset", "read_pdf"]


def __getattr__(name: str):
    """The API on first use: a worker process or ``budgetpdf --help`` need not import pandas and DuckDB."""
    if name in ("Dataset", "Document", "open_dataset", "read_pdf"):
        from budgetpdf import api

        return getattr(api, name)
    raise AttributeError(f"module 'budgetpdf' has no attribute {name!r}")
