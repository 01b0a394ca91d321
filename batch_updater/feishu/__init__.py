"""Everything that knows the Feishu API: the one table of codes, the HTTP client, credentials
and the base URL, user and tenant tokens, and what each answer means (classify).

May import: the base modules. Knows nothing of spreadsheets.
"""
