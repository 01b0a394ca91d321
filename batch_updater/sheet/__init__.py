"""Spreadsheets in and out: reading CSV / TSV / Excel into rows of text (encodings, Excel cell
types, header matching) and writing the report, the retry and unknown files, safely.

May import: the base modules (errors, model, logs, paths, summary). Knows nothing of HTTP.
"""
