"""Where a job's rows come from: the `Source` seam (base.py), a spreadsheet file (files.py) and a
pandas DataFrame (frame.py). A source loads its rows into a `Sheet` and says what the job is
(its identity, for the journal), how its report is named and whether its results can be
written back into it.

May import: rows, sheet and the base modules. Reads; sends nothing.
"""
