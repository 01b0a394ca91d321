"""Spreadsheets in and out: reading CSV / TSV / Excel into rows of text (encodings, Excel cell
types, where the header is) and writing the report, the retry and unknown files, safely. Which
column is which field, and the loaded `Sheet` itself, are schema/'s.

May import: schema and the base modules (errors, model, logs, paths, summary). Knows nothing of HTTP.
"""
