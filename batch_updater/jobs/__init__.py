"""What makes a run a job: its options and job files, its identity and lock, and the SQLite
journal it resumes from (rows recognised by ticket and content).

May import: sources (a run's input may be one), rows, sheet, feishu and the base modules. Sends nothing.
"""
