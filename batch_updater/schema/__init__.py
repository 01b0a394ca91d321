"""The input's schema: the ticket fields and everything known of each (fields.py, the one
registry), which column of a header carries which field (columns.py), and a loaded input as a
plain value (sheet.py). Pure: no files, no HTTP.

May import: the base modules (model, errors). Never the sandbox's: it plays the API and keeps
its own field list (a test checks the two agree).
"""
