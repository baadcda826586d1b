"""budgetpdf: the batch runner, the dataset writer and the command line.

It sits on top of extract/, normalize/ and schemas/; nothing imports it.
"""

__version__ = "0.1.0"
