"""One exception tree. Each job-stopping error carries its exit code.

    BatchUpdaterError            exit 1 (never raised bare)
    ├── UsageError               exit 2  bad arguments or configuration
    ├── InputError               exit 2  the input file cannot be read as a sheet of rows
    ├── CredentialsRefused       exit 3  the API refused the credentials or the app's permission
    └── JobLocked                exit 75 another run of the same job holds its lock

A run stopped by the API (exit 3) or by Ctrl-C / SIGTERM (exit 130) is not an
exception either: it writes its report and says so in RunResult.exit_code.

A bad row is not an exception: it is an invalid spec or an Outcome value.
No message here ever holds a token or a secret.
"""

from __future__ import annotations

INTERRUPTED = 130  # Ctrl-C or SIGTERM: not an exception, a run that stopped and wrote its report


class BatchUpdaterError(Exception):
    exit_code = 1


class UsageError(BatchUpdaterError):
    exit_code = 2


class InputError(BatchUpdaterError):
    exit_code = 2


class CredentialsRefused(BatchUpdaterError):
    exit_code = 3


class JobLocked(BatchUpdaterError):
    exit_code = 75
