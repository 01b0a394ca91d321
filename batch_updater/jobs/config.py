"""Job files: a TOML file that holds a run's settings, so a scheduler runs one short command.

    batch-updater run --config nightly.toml

Paths are relative to the job file. Credentials are named by environment
variable, never written in the file. A bad file is refused with the key and
the problem (exit 2).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from batch_updater.errors import UsageError
from batch_updater.i18n import N_, language, tr
from batch_updater.jobs.options import COMMAND_LINE_ONLY, LIMITS, RunOptions
from batch_updater.naming import option
from batch_updater.sources.links import is_link

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CREDENTIAL_KEYS = ("user_access_token", "helpdesk_id", "helpdesk_token", "app_id", "app_secret", "refresh_token")


class CredentialNames(BaseModel):
    """Which environment variable holds each credential (default: the FEISHU_* names)."""

    model_config = ConfigDict(extra="forbid")
    user_access_token: str = "FEISHU_USER_ACCESS_TOKEN"
    helpdesk_id: str = "FEISHU_HELPDESK_ID"
    helpdesk_token: str = "FEISHU_HELPDESK_TOKEN"
    app_id: str = "FEISHU_APP_ID"
    app_secret: str = "FEISHU_APP_SECRET"
    refresh_token: str = "FEISHU_REFRESH_TOKEN"

    @field_validator("*")
    @classmethod
    def _a_name_not_a_secret(cls, value: str) -> str:
        if not _ENV_NAME.fullmatch(value):
            # Never echo the value: it may be the secret itself.
            raise ValueError(tr("must be the NAME of an environment variable (e.g. {example}), not the credential "
                                "itself", example="FEISHU_HELPDESK_TOKEN"))
        return value


class JobConfig(BaseModel):
    """A job file: RunOptions' keys (RUN_KEYS), each optional, and the log and credential settings."""

    model_config = ConfigDict(extra="forbid")
    input: Path | str | None = None  # a file's path, or a Feishu / Lark link (text: a Path would fold its `//`)
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = Field(default=None, ge=1, le=1_048_576)
    report: Path | None = None
    report_dir: Path | None = None
    rate: str | None = None
    concurrency: int | None = Field(default=None, ge=LIMITS["concurrency"][0], le=LIMITS["concurrency"][1])
    max_attempts: int | None = Field(default=None, ge=LIMITS["max_attempts"][0], le=LIMITS["max_attempts"][1])
    timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    base_url: str | None = None
    retry_comments: bool | None = None
    write_back: bool | None = None
    notify: list[str] | None = None  # chat:<id>, user:<email or open_id>, webhook:<url> (FEISHU_WEBHOOK_SECRET signs)
    limiter: str | None = None  # none, state, redis://... (the rate budget shared with other jobs)
    log_format: Literal["text", "json"] | None = None
    log_file: Path | None = None
    columns: dict[str, str] = Field(default_factory=dict)  # the sheet's header -> ours (ticket_id, status, ...)
    defaults: dict[str, str | int] = Field(default_factory=dict)  # field -> value, for rows that leave it empty
    result_fields: dict[str, str] = Field(default_factory=dict)  # a Base link's result fields, named otherwise
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # [values."<column>"] a cell -> what to read
    credentials: CredentialNames = Field(default_factory=CredentialNames)
    # A job that selects its tickets (`run --select ... --set ...`): the filters and the change; `comment`
    # in [set] is the comment posted. No `input` then.
    select: dict[str, str | int | list[str | int]] = Field(default_factory=dict)
    sets: dict[str, str | int] = Field(default_factory=dict, alias="set")

    @field_validator("select", "sets", mode="before")
    @classmethod
    def _dates_as_text(cls, value: Any) -> Any:
        """An unquoted TOML date (`updated-before = 2026-11-01`) is the date as written."""
        def text(v: Any) -> Any:
            return v.isoformat() if isinstance(v, datetime.date | datetime.time) else v
        if isinstance(value, dict):
            return {k: [text(i) for i in v] if isinstance(v, list) else text(v) for k, v in value.items()}
        return value

    @field_validator("input", mode="before")
    @classmethod
    def _a_link_as_written(cls, value: Any) -> Any:
        return Path(value) if isinstance(value, str) and not is_link(value) else value

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, value: Any) -> Any:
        """`"已完成" = 51`: the code as the text a cell would hold."""
        if isinstance(value, dict):
            return {k: {a: str(b) if isinstance(b, int | float) and not isinstance(b, bool) else b
                        for a, b in v.items()} if isinstance(v, dict) else v for k, v in value.items()}
        return value

    @field_validator("rate", mode="before")
    @classmethod
    def _rate_as_text(cls, value: Any) -> Any:
        """`rate = 20`, a number, is 20 per second, as `--rate 20` is."""
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def load_config(path: Path) -> JobConfig:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may save a byte-order mark
    except FileNotFoundError:
        raise UsageError(tr("job file {file}: no such file", file=path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(tr("job file {file}: cannot read it ({error})", file=path, error=e)) from None
    config = config_from_text(text, str(path))
    base = path.parent
    for name in ("input", "report", "report_dir", "log_file"):
        value = getattr(config, name)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(config, name, base / value)
    return config


def config_from_text(text: str, name: str) -> JobConfig:
    """A job file's text (`name` says which file, in messages), checked; its paths as written."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(tr("job file {file}: not valid TOML: {error}", file=name, error=e)) from None
    try:
        return JobConfig.model_validate(data)
    except ValidationError as e:
        problems = [f"{'.'.join(str(p) for p in err['loc'])}: {_said(err)}" for err in e.errors()]
        raise UsageError(tr("job file {file}: {problems}", file=name, problems=tr("; ").join(problems))) from None


# pydantic's own words for a wrong value, by the error's type, to say them in the language in use
# (its English stays its own: `msg`); its fields are the error's `ctx`.
_PYDANTIC = {
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "dict_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "literal_error": N_("Input should be {expected}"),
    "finite_number": N_("Input should be a finite number"),
    "path_type": N_("Input is not a valid path"),
}
NOT_A_KEY = N_("not a known key")


def _said(err: Mapping[str, Any]) -> str:
    """One of pydantic's errors in the language in use (a validator's own message is already)."""
    if err["type"] == "extra_forbidden":
        return tr(NOT_A_KEY)
    text = str(err["msg"]).removeprefix("Value error, ")
    template = _PYDANTIC.get(err["type"])
    if template is None or language() == "en":
        return text
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (err.get("ctx") or {}).items()}
    try:
        return tr(template, **ctx)
    except (KeyError, IndexError):
        return text


def credential_env(config: JobConfig, env: Mapping[str, str]) -> dict[str, str]:
    """The environment as the tool reads it: FEISHU_* filled from the variables the job file names."""
    view = dict(env)
    for key in CREDENTIAL_KEYS:
        name = getattr(config.credentials, key)
        standard = f"FEISHU_{key.upper()}"
        if name != standard:
            if name in env:
                view[standard] = env[name]
            else:
                view.pop(standard, None)
    return view


# A job file's keys that are RunOptions': all of them but one run's own choices (--dry-run, --fresh...).
# JobConfig declares each with its type and limits; tests/jobs/test_config.py checks the two agree.
RUN_KEYS = tuple(f.name for f in fields(RunOptions) if f.name not in COMMAND_LINE_ONLY)


def options_from(config: JobConfig | None, **given: Any) -> RunOptions:
    """RunOptions from a job file, with `given` (e.g. the command line's flags) winning over it."""
    values: dict[str, Any] = {}
    if config is not None:
        values.update({k: getattr(config, k) for k in RUN_KEYS if getattr(config, k) not in (None, {}, [])})
    values.update({k: v for k, v in given.items() if v is not None})
    if values.get("input") is None and values.get("plan_file") is not None:
        values["input"] = values["plan_file"]  # run --plan PLAN_FILE: the plan file is the input
    if values.get("input") is None:
        if config is not None and config.select:
            raise UsageError(tr("this job file selects its tickets ([select]): run it as a selection ({option} FILE "
                                "on the command line, or batch_updater.run_selection)", option=option("config_path")))
        if config is not None and config.sets:
            raise UsageError(tr("this job file has a [set] but no [select]: add [select] with the filters of the "
                                "tickets to change (status = 5, updated-before = \"14 days ago\"), or `input`, a "
                                "spreadsheet"))
        raise UsageError(tr("no input: give the spreadsheet to run (INPUT), or `input` in the job file"))
    return RunOptions(**values)


def secret_values(env: Mapping[str, str]) -> list[str]:
    """The credential values of an environment, for the log scrubber."""
    names = ("FEISHU_USER_ACCESS_TOKEN", "FEISHU_HELPDESK_TOKEN", "FEISHU_APP_SECRET", "FEISHU_REFRESH_TOKEN")
    return [env[name] for name in names if env.get(name)]
