"""Spreadsheet imports (xlsx / xls / ods / CSV) with a dry run, row-level errors and an
all-or-nothing commit. Apps contribute an `Importer` (see `registry.py`); the engine
(`engine.py`) reads the file, maps the headers, parses and validates every row, and only
then writes, in one transaction.
"""
