"""Starting from the helpdesk: the tickets a filter selects, read through the list API
(listing.py, filters.py), written as a sheet in the input's own columns (sheet.py, export.py),
and one change applied to all of them as a job (select.py).

May import: run and everything below it. The command line and the console call it.
"""
