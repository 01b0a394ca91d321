"""The helpdesk's custom fields for a run: read once (`GET ticket_customized_fields`, with the
tenant token, every page), kept in the state folder for a day (`refresh_fields` reads them
again), and handed to the columns (schema/labels.py) and the rows' validation.

They are read only when the sheet may name a custom field by its display name: a
`custom:<name>` column (which needs them: a run without the app's credentials stops before
anything is sent; a dry run takes its cells as written and says their names were not checked), or
a column the tool does not know (which may be one: looked up when the app's credentials are
there; without them it is kept in the report and not sent, like any column that is no field, and
the warning naming it says a display name needs the credentials or `custom:<id>`).
A sheet of ticket fields and numeric ids (`custom:6948728206392295444`) reads nothing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from batch_updater.errors import BatchUpdaterError, CredentialsRefused, UsageError
from batch_updater.feishu.credentials import api_identity, api_origin
from batch_updater.i18n import N_, tr
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import warn
from batch_updater.naming import option
from batch_updater.paths import atomic_path, private_dir, state_dir
from batch_updater.run.endpoints import endpoint_of
from batch_updater.schema.columns import UNKNOWN, listed
from batch_updater.schema.custom import CustomFields
from batch_updater.schema.labels import names_to_look_up, with_labels
from batch_updater.schema.sheet import Sheet

KEPT_FOR = 86_400.0  # seconds a field list read is used again
FIELDS_RATE = [(5, 1.0)]  # UNKNOWN (docs/api-facts.md §10): the lowest published tier
APP_CREDENTIALS = ("FEISHU_APP_ID", "FEISHU_APP_SECRET")
NEEDS_APP = N_("reading the helpdesk's field list needs FEISHU_APP_ID and FEISHU_APP_SECRET (a tenant access token)")


def _can_read(options: RunOptions, env: Mapping[str, str]) -> bool:
    return not endpoint_of(options).from_env or all(env.get(name, "").strip() for name in APP_CREDENTIALS)


def labelled(sheet: Sheet, options: RunOptions, env: Mapping[str, str], *, dry_run: bool,
             names: Sequence[str] = (), on_warning: Callable[[str], None] | None = None) -> Sheet:
    """`sheet` with its columns knowing the helpdesk's custom fields (read when it may name one;
    `names`: field names the job gives besides its columns, a --set's)."""
    certain, maybe = names_to_look_up(sheet.columns)
    certain = [*certain, *names]
    fields, unchecked = None, None
    if certain or maybe:
        if _can_read(options, env):
            try:
                fields = custom_fields(options, env)
            except BatchUpdaterError as e:
                if not dry_run and certain:
                    raise
                unchecked = tr("the field list could not be read: {error}", error=e)
        elif certain:
            if not dry_run:
                raise UsageError(tr("{names}: custom fields named by their names; {needs} (or name them by id, "
                                    "custom:<id>, or try it with {sandbox})", names=", ".join(certain[:5]),
                                    needs=tr(NEEDS_APP), sandbox=option("sandbox")))
            unchecked = tr(NEEDS_APP)
    if unchecked and certain:
        warn(tr("custom fields named by their names were not checked ({names}): {why}; their cells are taken as "
                "written", names=", ".join(certain[:10]), why=unchecked), on_warning)
    columns = with_labels(sheet.columns, fields, unchecked if certain else None)
    if fields is None and maybe:  # may be display names: say why they are not recognised, never silently
        said = tr(UNKNOWN, names="")
        columns = replace(columns, warnings=(*(w for w in columns.warnings if not w.startswith(said)),
                                             not_recognised(maybe, unchecked if _can_read(options, env) else None)))
    own = sheet.warnings[len(sheet.columns.warnings):]
    return replace(sheet, columns=columns, warnings=(*columns.warnings, *own))


def not_recognised(names: Sequence[str], why: str | None) -> str:
    """Columns the tool does not know, kept and not sent, that may be custom fields named by their
    display names (`why`: the field list could not be read; None: no app credentials)."""
    if why is None:
        return tr("columns kept in the report but not sent (not a ticket field): {names}; a custom field's display "
                  "name is recognised only with the app's credentials ({app_id} / {app_secret}), or written as "
                  "custom:<id>", names=listed(list(names)), app_id=APP_CREDENTIALS[0], app_secret=APP_CREDENTIALS[1])
    return tr("columns kept in the report but not sent (not a ticket field): {names}; a custom field's display "
              "name is not recognised ({why}): write it as custom:<id>", names=listed(list(names)), why=why)


def _cache_path(options: RunOptions, env: Mapping[str, str]) -> Path | None:
    if not endpoint_of(options).persistent:
        return None  # an in-process sandbox starts afresh each time
    key = f"{api_identity(api_origin(options.base_url, env))} {env.get('FEISHU_HELPDESK_ID', '').strip()}"
    return state_dir(env) / "fields" / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"


def custom_fields(options: RunOptions, env: Mapping[str, str], *,
                  now: Callable[[], float] = time.time) -> CustomFields:
    """The helpdesk's custom fields: kept from a read less than a day ago, else read now."""
    path = _cache_path(options, env)
    if path is not None and not options.refresh_fields:
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            kept = json.loads(path.read_text())
            if 0 <= now() - float(kept["read_at"]) < KEPT_FOR:
                return CustomFields.from_api(kept["items"])
    items = asyncio.run(_read(options, env))
    if path is not None:
        with contextlib.suppress(OSError):
            private_dir(path.parent)
            with atomic_path(path) as tmp:
                tmp.write_text(json.dumps({"read_at": now(), "items": items}, ensure_ascii=False))
    return CustomFields.from_api(items)


async def _read(options: RunOptions, env: Mapping[str, str]) -> list[object]:
    from batch_updater.send.fetch import WindowLimiter, fetch
    from batch_updater.send.pool import SendOptions
    from batch_updater.send.session import READ_RATE, SendSettings, open_endpoint

    settings = SendSettings(READ_RATE, SendOptions(options.concurrency, options.max_attempts), options.timeout,
                            endpoint_of(options))
    items: list[object] = []
    async with open_endpoint(settings, env) as session:
        limiter = WindowLimiter(FIELDS_RATE)
        token: str | None = ""
        while token is not None:
            page = await fetch(session, [token], session.client.list_custom_fields, limiter, settings)
            answer = page.answers.get(token)
            if page.stopped or answer is None or answer.code != 0:
                why = page.stop_reason or (page.outcomes[token].msg if token in page.outcomes else tr("not read"))
                error = CredentialsRefused if page.stop_reason else UsageError
                raise error(tr("cannot read the helpdesk's custom field list: {why}", why=why))
            data = answer.data if isinstance(answer.data, dict) else {}
            items.extend(data.get("items") or [])
            more, token = data.get("has_more") is True, data.get("next_page_token")
            token = str(token) if more and token else None
    return items
