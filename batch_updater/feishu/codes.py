"""The one table of Feishu API answer codes (docs/api-facts.md §2, §4.2).

Everything that must know what a code means reads it from here: the client's
classifier, the retry policy, the early stop, the sandbox and the report.
HTTP statuses marked "?" in docs/api-facts.md are given the gateway's usual 400.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from batch_updater.i18n import N_


class Action(enum.Enum):
    """What the tool does when an answer carries the code."""

    OK = "ok"
    THROTTLE = "throttle"  # wait for the reset header, retry; nothing was applied
    RETRY = "retry"  # transient server error; the update may have been applied
    FAIL = "fail"  # final for this row (bad body, no such ticket, no rights on it)
    REFRESH = "refresh"  # the user token expired or is invalid: refresh, else stop
    STOP = "stop"  # credentials, scope or quota refused: stop the whole job
    REAUTHORIZE = "reauthorize"  # the refresh token is dead: the user must log in again
    RETRY_ONCE = "retry_once"  # a refresh-endpoint hiccup: retry the refresh once


@dataclass(frozen=True, slots=True)
class ApiCode:
    code: int
    http_status: int
    msg: str
    meaning: str
    action: Action


_TABLE = [
    ApiCode(0, 200, "success",  # i18n: en
            N_("applied"), Action.OK),
    ApiCode(99991400, 429, "request trigger frequency limit",  # i18n: en
            N_("throttled"), Action.THROTTLE),
    ApiCode(99991403, 400, "This month's API call quota has been exceeded",  # i18n: en
            N_("the tenant's monthly API quota is used up; ask the admin to upgrade the plan"), Action.STOP),
    ApiCode(99991661, 400,  # i18n: en
            "Missing access token for authorization. Please make a request with token attached.",
            N_("no user access token was sent (FEISHU_USER_ACCESS_TOKEN is empty?)"), Action.STOP),
    ApiCode(99991663, 400,  # i18n: en
            "Invalid access token for authorization. Please make a request with token attached.",
            N_("the access token is invalid"), Action.REFRESH),
    ApiCode(99991668, 400,  # i18n: en
            "Invalid access token for authorization. Please make a request with token attached.",
            N_("the user access token is invalid or expired"), Action.REFRESH),
    ApiCode(99991671, 400, "Invalid access token format.",  # i18n: en
            N_("the token has the wrong format (a user token starts with u-)"), Action.STOP),
    ApiCode(99991672, 400, "Access denied. One of the following scopes is required: [helpdesk:all]",  # i18n: en
            N_("the app has not enabled the required scope; enable it and publish the app"), Action.STOP),
    ApiCode(99991676, 400, "Token lacks the required scope.",  # i18n: en
            N_("the token lacks the required scope; authorize the user again"), Action.STOP),
    ApiCode(99991677, 400, "Authentication token expired.",  # i18n: en
            N_("the user access token expired"), Action.REFRESH),
    ApiCode(99991679, 400,  # i18n: en
            "Unauthorized. You do not have permission to perform the requested operation on the resource.",
            N_("the user has not granted the scope; authorize the user again with it"), Action.STOP),
    ApiCode(99991664, 400, "Invalid app access token.",  # i18n: en
            N_("the app access token is invalid"), Action.REFRESH),
    ApiCode(99991543, 400, "app_id or app_secret is invalid",  # i18n: en
            N_("FEISHU_APP_ID or FEISHU_APP_SECRET is wrong"), Action.STOP),
    ApiCode(99991662, 400, "App is disabled or not installed.",  # i18n: en
            N_("the app is disabled or not installed in this tenant"), Action.STOP),
    ApiCode(99991673, 400, "App status unavailable.",  # i18n: en
            N_("the app is unavailable"), Action.STOP),
    ApiCode(154000, 400, "Bad request, please check your request body",  # i18n: en
            N_("invalid parameters"), Action.FAIL),
    ApiCode(154001, 401, "Unauthorized, please check you have the correct access",  # i18n: en
            N_("wrong helpdesk credentials (FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN), "
            "or the app and the helpdesk are in different tenants"), Action.STOP),
    ApiCode(154003, 403, "Please check you have the correct access",  # i18n: en
            N_("no permission on this ticket"), Action.FAIL),
    ApiCode(154004, 404, "Resource not found",  # i18n: en
            N_("no such ticket"), Action.FAIL),
    ApiCode(155000, 500, "Internal error",  # i18n: en
            N_("server error"), Action.RETRY),
    # The user-token refresh endpoint (POST /open-apis/authen/v2/oauth/token), docs/api-facts.md §4.2.
    ApiCode(20026, 400, "The refresh token passed is invalid.",  # i18n: en
            N_("the refresh token is invalid"), Action.REAUTHORIZE),
    ApiCode(20037, 400, "The refresh token passed has expired.",  # i18n: en
            N_("the refresh token expired"), Action.REAUTHORIZE),
    ApiCode(20064, 400,  # i18n: en
            "The refresh token has been revoked. Please note that a refresh token can only be used once.",
            N_("the refresh token was revoked"), Action.REAUTHORIZE),
    ApiCode(20073, 400,  # i18n: en
            "The refresh token has been used. Please note that a refresh token can only be used once.",
            N_("the refresh token was already used"), Action.REAUTHORIZE),
    ApiCode(20001, 400, "The request is missing a required parameter.",  # i18n: en
            N_("the refresh request lacks grant_type, client_id, client_secret or refresh_token"), Action.STOP),
    ApiCode(20002, 400, "The client secret is invalid.",  # i18n: en
            N_("FEISHU_APP_ID or FEISHU_APP_SECRET does not match the refresh token's app"), Action.STOP),
    ApiCode(20036, 400, "The grant_type is not supported.",  # i18n: en
            N_("grant_type must be refresh_token"), Action.STOP),
    ApiCode(20050, 500, "An unexpected server error occurred. Please retry your request.",  # i18n: en
            N_("refresh endpoint error"), Action.RETRY_ONCE),
    ApiCode(20072, 503, "The server is temporarily unavailable. Please retry your request.",  # i18n: en
            N_("refresh endpoint unavailable"), Action.RETRY_ONCE),
    # Base (Bitable), Sheets and Wiki: a link as the input, results written back (docs/api-facts.md §9.6, §9.7).
    # THROTTLE and RETRY here: nothing was written (a write is all or nothing), so the call is made again.
    ApiCode(1254290, 200, "TooManyRequest",  # i18n: en
            N_("the Base API is throttled (it answers HTTP 200)"), Action.THROTTLE),
    ApiCode(1254291, 200, "Write conflict",  # i18n: en
            N_("another write to the same base was going on"), Action.RETRY),
    ApiCode(1254607, 200, "Data not ready",  # i18n: en
            N_("the base is not ready yet"), Action.RETRY),
    ApiCode(1255040, 504, "timeout",  # i18n: en
            N_("the Base API timed out"), Action.RETRY),
    ApiCode(1254002, 200, "Fail",  # i18n: en
            N_("the Base API failed (many causes, concurrency among them)"), Action.RETRY),
    ApiCode(1254104, 200, "batch too big",  # i18n: en
            N_("too many records in one request (a bug)"), Action.FAIL),
    ApiCode(1254045, 200, "FieldNameNotFound",  # i18n: en
            N_("no field of that name in the table"), Action.FAIL),
    ApiCode(1254015, 200, "value of the wrong type",  # i18n: en
            N_("a value of the wrong type for the field"), Action.FAIL),
    ApiCode(1254060, 200, "value of the wrong type",  # i18n: en
            N_("a value of the wrong type for the field"), Action.FAIL),
    ApiCode(1254040, 200, "app_token not found",  # i18n: en
            N_("no such base (app_token)"), Action.FAIL),
    ApiCode(1254041, 200, "table not found",  # i18n: en
            N_("no such table in the base"), Action.FAIL),
    ApiCode(1254042, 200, "view not found",  # i18n: en
            N_("no such view in the table"), Action.FAIL),
    ApiCode(1254043, 200, "record not found",  # i18n: en
            N_("no such record in the table"), Action.FAIL),
    ApiCode(1254302, 200, "permission denied",  # i18n: en
            N_("advanced permissions (高级权限) refuse it"), Action.STOP),
    ApiCode(1254304, 200, "permission denied",  # i18n: en
            N_("advanced permissions (高级权限) refuse it"), Action.STOP),
    ApiCode(90217, 200, "TooManyRequest",  # i18n: en
            N_("the Sheets API is throttled"), Action.THROTTLE),
    ApiCode(90235, 200, "retry later",  # i18n: en
            N_("the spreadsheet is busy: retry later"), Action.RETRY),
    ApiCode(90242, 200, "still loading",  # i18n: en
            N_("the spreadsheet is still loading"), Action.RETRY),
    ApiCode(90213, 200, "no permission",  # i18n: en
            N_("no permission on the spreadsheet"), Action.STOP),
    ApiCode(90215, 200, "sheet id not found",  # i18n: en
            N_("no such sheet in the spreadsheet"), Action.FAIL),
    ApiCode(90221, 200, "answer too large",  # i18n: en
            N_("the range read is too large: read a smaller one"), Action.FAIL),
    ApiCode(90227, 200, "request too large",  # i18n: en
            N_("too many rows or columns written in one request (a bug)"), Action.FAIL),
    ApiCode(90218, 200, "locked cell",  # i18n: en
            N_("a protected range refuses the write"), Action.FAIL),
    ApiCode(90216, 200, "nothing changed",  # i18n: en
            N_("the write changed nothing"), Action.OK),
    # Telling people a job has ended (docs/api-facts.md §11): the app bot's messages, a group's custom bot.
    # The facts give the codes and what they mean, not their msg nor HTTP status: msg here is our wording.
    ApiCode(230002, 400, "The bot is not in the chat.",  # i18n: en
            N_("the app's bot is not in that group: add it"), Action.FAIL),
    ApiCode(230013, 400, "Bot has NO availability to this user.",  # i18n: en
            N_("the user is not in the app's availability scope (or the app has no published version with a bot)"),
            Action.FAIL),
    ApiCode(230020, 400, "This operation triggers the frequency limit.",  # i18n: en
            N_("too many messages to this chat or user (5/s)"), Action.THROTTLE),
    ApiCode(230025, 400, "The message content exceeds the length limit.",  # i18n: en
            N_("the card is over 30 KB"), Action.FAIL),
    ApiCode(19021, 400, "sign match fail or timestamp is not within one hour from current time",  # i18n: en
            N_("the webhook's signature was refused: check FEISHU_WEBHOOK_SECRET (and this machine's clock)"),
            Action.FAIL),
    ApiCode(11232, 400, "frequency limited",  # i18n: en
            N_("the custom bot's limit (100/min, 5/s)"), Action.THROTTLE),
]

CODES: dict[int, ApiCode] = {c.code: c for c in _TABLE}

THROTTLED = 99991400
QUOTA_EXCEEDED = 99991403
NO_RIGHTS = 154003
# The user token expired or is invalid: with refresh set up, refresh it and send again.
TOKEN_REJECTED = frozenset({99991677, 99991668, 99991663})
# The tenant token (for reading) is invalid: fetch a new one and read again.
TENANT_REJECTED = frozenset({99991663, 99991664})


# A Base or a spreadsheet refuses a caller it does not let in (advanced permissions, not added to it).
DOC_PERMISSION = frozenset({1254302, 1254304, 90213})
# A Base link names something the base has not: which part of the link (§9.6).
BASE_NOT_FOUND = {1254040: "app_token", 1254041: "table", 1254042: "view"}


def lookup(code: int) -> ApiCode | None:
    return CODES.get(code)


def action_for(code: int, http_status: int) -> Action:
    """The action for an answer; unknown codes fall back on the HTTP status."""
    known = CODES.get(code)
    if known is not None:
        return known.action
    if http_status == 429:
        return Action.THROTTLE
    if http_status >= 500:
        return Action.RETRY
    if http_status in (401,):
        return Action.STOP
    return Action.FAIL if code else Action.OK
