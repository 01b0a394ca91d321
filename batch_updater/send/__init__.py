"""Sending rows through the API: the endpoint a run talks to (Feishu, or one it serves itself), the
pacing controller and its pacer behind the `Limiter` protocol (slots by due time, the shared
throttle pause), the tenacity retry policy, the worker pool with its stop rules and tally, and
one session's send and read passes.

May import: feishu and the base modules. Knows nothing of spreadsheets or journals.
"""
