"""Planning and undo: a ticket as read (GET ticket_v2) against an update body, each row's plan
(change, no-op, missing...), skip-unchanged, reading back unknown comments, the undo sheet,
and the plan and undo files.

May import: schema (the fields), sheet, feishu (the codes) and the base modules. Pure but for the
file writers.
"""
