"""Sending rows through the API: the pacing controller and its pacer (slots by due time, the
shared throttle pause), the tenacity retry policy, the worker pool, and one session's send
and read loops.

May import: feishu and the base modules. Knows nothing of spreadsheets or journals.
"""
