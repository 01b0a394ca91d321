"""The pure core: one row of text to the exact update body, or the list of what is wrong with
it (status, solved, tags, custom fields, defaults).

May import: schema (the fields, the column map) and the base modules. No I/O.
"""
