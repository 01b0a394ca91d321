"""The one orchestration of a job, for every entry point (the CLI, the library API, a job file):
`run_job` (dry run or live), `plan_job`, `run_config`; the live part reads, sends and reads
back in one session, under the job's lock and journal.

May import: plan, send, jobs, sandbox (the in-process one), and everything below them.
"""
