"""The Chinese of every sentence the tool says (batch_updater/i18n): English as the code writes
it -> Chinese, with the same `{fields}`. tests/test_i18n.py checks that each `tr(...)` and
`N_(...)` of the library has its line here, with the same fields, and that none is left over.
Grouped by the module that says them; words a user types (status labels, option names, column
names) stay as they are typed."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # rows/validate.py: a cell's problems
    "required": "必填",
    "Excel stored this id as a number and lost its last digits (a 19-digit id does not fit in a number cell); "
    "format the column as Text, type the ids again, and save. This row is not sent":
        "Excel 把这个工单号存成了数字，丢掉了最后几位（19 位的工单号放不进数字单元格）；"
        "请把这一列设为“文本”格式，重新输入工单号并保存。这一行不会发送",
    "a ticket id is digits only ({low} to {high} of them)": "工单号只能是数字（{low} 到 {high} 位）",
    "a ticket id is digits only ({low} to {high} of them): take off the leading '":
        "工单号只能是数字（{low} 到 {high} 位）：请去掉开头的 '",
    "a ticket id has {low} to {high} digits and this one has {n}; if Feishu really issued it, please report it "
    "so that the rule can be widened":
        "工单号应为 {low} 到 {high} 位数字，这个有 {n} 位；如果它确实是飞书给出的，请报告给我们以放宽这条规则",
    "a ticket id is digits only, and this one is written as a number with a decimal point: it went through a "
    "spreadsheet or a program as a number, which keeps about 15 to 17 digits, so its last digits may have been "
    "lost; export the ids as text and check them":
        "工单号只能是数字，这个却带小数点：它曾被表格或程序当作数字处理，数字只能保留约 15 到 17 位，"
        "最后几位可能已经丢失；请把工单号按文本导出后再核对",
    "the JSON number {literal} is not sent as a number (the API takes text): write the exact text in quotes, "
    "\"{literal}\"":
        "JSON 数字 {literal} 不会按数字发送（接口只收文本）：请把要发送的文本写在引号里，\"{literal}\"",
    "{name} is not a JSON value; write the text to send in quotes": "{name} 不是 JSON 值；请把要发送的文本写在引号里",
    "give one of the rows a comment of its own (a blank cell takes the default comment), or keep the ticket "
    "on one row":
        "请给其中一行写一条不同的评论（空单元格会用默认评论），或只在一行里写这个工单",
    "clear it on one of the rows": "请在其中一行清空它",
    "contains the control character {char!r} (character {at}); remove it": "含有控制字符 {char!r}（第 {at} 个字符）；请删掉它",
    "{id!r} is not a field id: a custom field id is digits only, like 6948728206392295444":
        "{id!r} 不是字段 ID：自定义字段的 ID 只有数字，例如 6948728206392295444",
    "not a whole number": "不是整数",
    "out of range: must be between 0 and {max}": "超出范围：必须在 0 到 {max} 之间",
    "no tag names in it; write [] to clear the tags": "里面没有标签名；要清空标签请写 []",
    "must be a JSON list like [{{\"id\": \"123\", \"value\": \"x\"}}]":
        "必须是 JSON 列表，例如 [{{\"id\": \"123\", \"value\": \"x\"}}]",
    "a JSON tag list must hold strings only": "JSON 标签列表里只能是字符串",
    "not JSON; write [{{\"id\": \"123\", \"value\": \"x\"}}]": "不是 JSON；请写成 [{{\"id\": \"123\", \"value\": \"x\"}}]",
    "defaults.{name}: not a field that can have a default; use one of {fields}":
        "defaults.{name}：这个字段不能有默认值；可用的有 {fields}",
    "looks like a JSON array but is not one; write [\"a\", \"b\"] or a, b":
        "看起来像 JSON 数组但不是；请写成 [\"a\", \"b\"] 或 a, b",
    "{n} cell(s) beyond the last column ({cells}): a separator inside a cell needs quotes":
        "最后一列之后还有 {n} 个单元格（{cells}）：单元格里的分隔符需要用引号括起来",
    "nothing to change: fill at least one field besides {id_column}": "没有要改的内容：除 {id_column} 外至少填一个字段",
    "row": "行",
    "the same comment": "同一条评论",
    "the same comment (but for the spaces or line breaks around it, which do not count)":
        "同一条评论（只差首尾的空格或换行，这些不算不同）",
    "custom field given twice: {fields}": "自定义字段重复给出：{fields}",
    "row {row} posts {same} on this ticket: it would be posted twice; {fix}":
        "第 {row} 行会在这个工单上发{same}：会发两次；{fix}",
    # schema/fields.py: a field's wrong cell
    "status was 52 (closed by user), which the update API cannot set; 51 (closed by agent) restores it as closed":
        "状态原为 52（用户关闭），更新接口无法设置；改用 51（人工关闭）恢复为已关闭",
    "not a status: use 1-5, 50, 51 or a label such as 处理中 / in progress / closed":
        "不是有效状态：请用 1-5、50、51，或 处理中 / in progress / closed 这样的名称",
    "not a ticket type: use 1 (bot) or 2 (human)": "不是有效的工单类型：请用 1（机器人）或 2（人工）",
    "not a solved value: use 1 / unresolved / 未解决 or 2 / resolved / 已解决":
        "不是有效的解决状态：请用 1 / unresolved / 未解决 或 2 / resolved / 已解决",
    "52 (closed by user) cannot be set through the update API; use 51 (closed by agent)":
        "52（用户关闭）无法通过更新接口设置；请用 51（人工关闭）",
    # feishu/codes.py: what an API code means (the API's own msg stays as it answers)
    "applied": "已生效",
    "throttled": "被限流",
    "the tenant's monthly API quota is used up; ask the admin to upgrade the plan":
        "租户本月的 API 调用额度已用完；请联系管理员升级套餐",
    "no user access token was sent (FEISHU_USER_ACCESS_TOKEN is empty?)":
        "没有发送用户访问令牌（FEISHU_USER_ACCESS_TOKEN 是否为空？）",
    "the access token is invalid": "访问令牌无效",
    "the user access token is invalid or expired": "用户访问令牌无效或已过期",
    "the token has the wrong format (a user token starts with u-)": "令牌格式不对（用户令牌以 u- 开头）",
    "the app has not enabled the required scope; enable it and publish the app": "应用未开通所需权限；请开通并发布应用",
    "the token lacks the required scope; authorize the user again": "令牌缺少所需权限；请让用户重新授权",
    "the user access token expired": "用户访问令牌已过期",
    "the user has not granted the scope; authorize the user again with it": "用户未授予该权限；请让用户带上该权限重新授权",
    "the app access token is invalid": "应用访问令牌无效",
    "FEISHU_APP_ID or FEISHU_APP_SECRET is wrong": "FEISHU_APP_ID 或 FEISHU_APP_SECRET 不正确",
    "the app is disabled or not installed in this tenant": "应用已停用，或未在这个租户中安装",
    "the app is unavailable": "应用不可用",
    "invalid parameters": "参数无效",
    "wrong helpdesk credentials (FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN), or the app and the helpdesk are in "
    "different tenants":
        "服务台凭证不正确（FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN），或应用与服务台不在同一个租户",
    "no permission on this ticket": "没有这个工单的权限",
    "no such ticket": "没有这个工单",
    "server error": "服务器错误",
    "the refresh token is invalid": "刷新令牌无效",
    "the refresh token expired": "刷新令牌已过期",
    "the refresh token was revoked": "刷新令牌已被撤销",
    "the refresh token was already used": "刷新令牌已经用过",
    "the refresh request lacks grant_type, client_id, client_secret or refresh_token":
        "刷新请求缺少 grant_type、client_id、client_secret 或 refresh_token",
    "FEISHU_APP_ID or FEISHU_APP_SECRET does not match the refresh token's app":
        "FEISHU_APP_ID 或 FEISHU_APP_SECRET 与刷新令牌所属的应用不符",
    "grant_type must be refresh_token": "grant_type 必须是 refresh_token",
    "refresh endpoint error": "刷新接口出错",
    "refresh endpoint unavailable": "刷新接口暂不可用",
    "the Base API is throttled (it answers HTTP 200)": "多维表格接口被限流（它回 HTTP 200）",
    "another write to the same base was going on": "同一个多维表格正在进行另一次写入",
    "the base is not ready yet": "多维表格还没准备好",
    "the Base API timed out": "多维表格接口超时",
    "the Base API failed (many causes, concurrency among them)": "多维表格接口失败（原因很多，其中之一是并发）",
    "too many records in one request (a bug)": "一次请求的记录太多（程序错误）",
    "no field of that name in the table": "数据表里没有这个名字的字段",
    "a value of the wrong type for the field": "值的类型与字段不符",
    "no such base (app_token)": "没有这个多维表格（app_token）",
    "no such table in the base": "多维表格里没有这个数据表",
    "no such view in the table": "数据表里没有这个视图",
    "no such record in the table": "数据表里没有这条记录",
    "advanced permissions (高级权限) refuse it": "高级权限不允许",
    "the Sheets API is throttled": "电子表格接口被限流",
    "the spreadsheet is busy: retry later": "电子表格正忙：请稍后重试",
    "the spreadsheet is still loading": "电子表格仍在加载",
    "no permission on the spreadsheet": "没有这个电子表格的权限",
    "no such sheet in the spreadsheet": "电子表格里没有这个工作表",
    "the range read is too large: read a smaller one": "读取的范围太大：请读小一点的范围",
    "too many rows or columns written in one request (a bug)": "一次请求写入的行或列太多（程序错误）",
    "a protected range refuses the write": "保护范围不允许写入",
    "the write changed nothing": "这次写入没有改变任何内容",
    # feishu/client.py, classify.py, failures.py: an answer, or none
    "{answer} (meaning: {meaning})": "{answer}（含义：{meaning}）",
    "no content type": "无内容类型",
    "HTTP {status} with a non-API answer ({kind}): {snippet}": "HTTP {status}，回复不是接口的格式（{kind}）：{snippet}",
    "reading tickets needs FEISHU_APP_ID and FEISHU_APP_SECRET (a tenant access token)":
        "读取工单需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET（租户访问令牌）",
    "no answer within {seconds} s": "{seconds} 秒内没有回复",
    "connection dropped: {reason}": "连接中断：{reason}",
    "unreadable answer: {reason}": "无法读取的回复：{reason}",
    "not retried: the server may have applied this update, and sending it again would post the comment twice; "
    "check the ticket, or rerun with {option} to accept that risk":
        "未重试：服务器可能已经应用了这次更新，再发一次会把评论发两次；请检查工单，或加上 {option} 重新运行以接受这个风险",
    "the API refused the credentials ({code} {msg}): {what}": "接口拒绝了凭证（{code} {msg}）：{what}",
    "; the missing scope: {scopes} (enable it for the app and publish a new version)":
        "；缺少的权限：{scopes}（请为应用开通并发布新版本）",
    "; get a new user access token (FEISHU_USER_ACCESS_TOKEN)": "；请获取新的用户访问令牌（FEISHU_USER_ACCESS_TOKEN）",
    " [log id {log_id}]": " [日志 ID {log_id}]",
    "connection timed out": "连接超时",
    "invalid URL": "URL 无效",
    "TLS handshake failed ({reason})": "TLS 握手失败（{reason}）",
    "DNS lookup failed ({reason})": "DNS 解析失败（{reason}）",
    "cannot reach {origin}: {reason}": "无法连接 {origin}：{reason}",
    "no answer from {origin}: no answer within {seconds} s": "{origin} 没有回复：{seconds} 秒内没有回复",
    "no answer from {origin}: no answer in time": "{origin} 没有回复：未能及时回复",
    "no answer from {origin}: connection dropped: {reason}": "{origin} 没有回复：连接中断：{reason}",
    # feishu/credentials.py: the environment and the base URL
    "missing credentials: set {names} in the environment (or try it first against the built-in sandbox with "
    "{option})":
        "缺少凭证：请在环境变量中设置 {names}（或先用 {option} 在内置沙箱里试一试）",
    "base URL {url!r}: the port must be a number from 1 to 65535, e.g. {example}":
        "基础 URL {url!r}：端口必须是 1 到 65535 之间的数字，例如 {example}",
    "base URL {url!r}: not a valid host, e.g. {example}": "基础 URL {url!r}：主机无效，例如 {example}",
    "base URL {url!r}: expected https://host, e.g. {example}": "基础 URL {url!r}：应为 https://主机，例如 {example}",
    "base URL {url!r}: a user name or password is not allowed in it; give the origin only, e.g. {example}":
        "基础 URL {url!r}：不能包含用户名或密码；只写源地址，例如 {example}",
    "base URL {url!r}: the port must be a number from 1 to 65535": "基础 URL {url!r}：端口必须是 1 到 65535 之间的数字",
    "base URL {url!r}: give the origin only (no path, query or user), e.g. {example}":
        "基础 URL {url!r}：只写源地址（不带路径、查询参数或用户），例如 {example}",
    "base URL {url!r}: {host!r} is not a valid host name": "基础 URL {url!r}：{host!r} 不是有效的主机名",
    "base URL {url!r}: plain http is refused except on this machine (127.0.0.1); use https":
        "基础 URL {url!r}：除本机（127.0.0.1）外不接受明文 http；请用 https",
    # feishu/docs.py, tokens.py: document access, token refresh
    "reading or writing a Feishu Base or sheet needs the app's credentials (FEISHU_APP_ID and FEISHU_APP_SECRET: "
    "its tenant token) or a user token (FEISHU_USER_ACCESS_TOKEN)":
        "读写飞书多维表格或电子表格需要应用凭证（FEISHU_APP_ID 和 FEISHU_APP_SECRET：用于租户令牌）"
        "或用户令牌（FEISHU_USER_ACCESS_TOKEN）",
    "cannot reach the API: {reason}": "无法连接接口：{reason}",
    "the user must authorize the app again: run the OAuth flow with the offline_access scope and set "
    "FEISHU_REFRESH_TOKEN and FEISHU_USER_ACCESS_TOKEN to the new tokens":
        "用户必须重新授权应用：带 offline_access 权限重新走一遍 OAuth 流程，"
        "并把 FEISHU_REFRESH_TOKEN 和 FEISHU_USER_ACCESS_TOKEN 设为新的令牌",
    "; this refresh token came from that file, which an earlier run saved: if that run talked to another server "
    "(a sandbox since restarted), delete the file and run again":
        "；这个刷新令牌来自之前一次运行保存的那个文件：如果那次运行连的是另一个服务器（例如之后重启过的沙箱），"
        "请删除该文件后重新运行",
    "the refresh token was refused ({code}: {meaning}); it cannot be used again and {again} (token file {path})":
        "刷新令牌被拒绝（{code}：{meaning}）；它不能再用，{again}（令牌文件 {path}）",
    "the user token could not be refreshed (after one retry): {detail}": "用户令牌无法刷新（已重试一次）：{detail}",
    "the user token could not be refreshed: {detail}": "用户令牌无法刷新：{detail}",
    "HTTP {status}, code {code}: {msg}": "HTTP {status}，代码 {code}：{msg}",
    "the refresh answer has no access_token or refresh_token (is offline_access granted?); {again}":
        "刷新的回复里没有 access_token 或 refresh_token（是否授予了 offline_access？）；{again}",
    "cannot write the token file {path} ({reason}); the refresh token was already spent, so {again}; "
    "point FEISHU_TOKEN_FILE at a writable path":
        "无法写入令牌文件 {path}（{reason}）；刷新令牌已经用掉了，所以{again}；请把 FEISHU_TOKEN_FILE 指向可写的路径",
    "HTTP {status}, not the API's JSON": "HTTP {status}，不是接口的 JSON",
    "a Feishu Base or sheet needs a tenant access token, and the app's credentials were refused ({code}: {what}); "
    "check FEISHU_APP_ID and FEISHU_APP_SECRET":
        "飞书多维表格或电子表格需要租户访问令牌，而应用凭证被拒绝（{code}：{what}）；"
        "请检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET",
    "reading tickets needs a tenant access token, and the app's credentials were refused ({code}: {what}); "
    "check FEISHU_APP_ID and FEISHU_APP_SECRET":
        "读取工单需要租户访问令牌，而应用凭证被拒绝（{code}：{what}）；请检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET",
    # sources/: a Base table, a sheet or a wiki link as the input, results written back, an export
    "{n} record": "{n} 条记录",
    "{n} records": "{n} 条记录",
    "{n} result": "{n} 条结果",
    "{n} results": "{n} 条结果",
    "add the app to it (the … menu at the top right → 更多 → 添加文档应用)": "请把应用添加到文档（右上角 … → 更多 → 添加文档应用）",
    "{add_app} with permission to read, and give the app one of the scopes wiki:node:read, wiki:wiki or "
    "wiki:wiki:readonly":
        "{add_app}并给予阅读权限，再为应用开通 wiki:node:read、wiki:wiki 或 wiki:wiki:readonly 中的一个权限",
    "{add_app} with permission to read it, and give the app one of the scopes base:record:retrieve, bitable:app or "
    "bitable:app:readonly (base:field:read for the fields)":
        "{add_app}并给予阅读权限，再为应用开通 base:record:retrieve、bitable:app 或 bitable:app:readonly 中的一个权限"
        "（读取字段需要 base:field:read）",
    "{add_app} with permission to edit it (可编辑), and give the app one of the scopes base:record:update or "
    "bitable:app (a write scope also lets it add the result fields); with advanced permissions (高级权限) on, give "
    "the app a role that may edit these records and fields":
        "{add_app}并给予“可编辑”权限，再为应用开通 base:record:update 或 bitable:app 中的一个权限（写权限也让它能添加结果字段）；"
        "若开启了高级权限，请给应用一个能编辑这些记录和字段的角色",
    "{add_app} with permission to edit it (可编辑), and give the app one of the scopes base:record:create or "
    "bitable:app (and a scope that may add fields, such as bitable:app)":
        "{add_app}并给予“可编辑”权限，再为应用开通 base:record:create 或 bitable:app 中的一个权限"
        "（以及能添加字段的权限，例如 bitable:app）",
    "{add_app} with permission to read it, and give the app one of the scopes sheets:spreadsheet:readonly, "
    "sheets:spreadsheet or drive:drive:readonly":
        "{add_app}并给予阅读权限，再为应用开通 sheets:spreadsheet:readonly、sheets:spreadsheet 或 "
        "drive:drive:readonly 中的一个权限",
    "{add_app} with permission to edit it (可编辑), and give the app the scope sheets:spreadsheet or drive:drive; "
    "a protected range over the result columns must let the app edit":
        "{add_app}并给予“可编辑”权限，再为应用开通 sheets:spreadsheet 或 drive:drive 权限；"
        "结果列上若有保护范围，必须允许应用编辑",
    "the one the answer names": "回复中指出的那个",
    "cannot {doing}: the app lacks the scope {scopes} ({said}); enable it for the app in the developer console and "
    "publish a new version":
        "无法{doing}：应用缺少权限 {scopes}（{said}）；请在开发者后台为应用开通并发布新版本",
    "cannot {doing}: the token was refused ({said}); check FEISHU_APP_ID and FEISHU_APP_SECRET (or "
    "FEISHU_USER_ACCESS_TOKEN)":
        "无法{doing}：令牌被拒绝（{said}）；请检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET（或 FEISHU_USER_ACCESS_TOKEN）",
    "cannot {doing}: permission refused ({said}); {grant}": "无法{doing}：没有权限（{said}）；{grant}",
    "cannot {doing}: {said}": "无法{doing}：{said}",
    "read the wiki page {token}": "读取知识库页面 {token}",
    "the wiki page {token} shows a Base: open the table in it and copy the link from the address bar (it has "
    "?table=tbl...)":
        "知识库页面 {token} 展示的是一个多维表格：请打开其中的数据表，从地址栏复制链接（链接里有 ?table=tbl...）",
    "the wiki page {token} is a {kind}, not a Base table or a sheet": "知识库页面 {token} 是 {kind}，不是多维表格的数据表或电子表格",
    "Base table {name!r}, view {view}": "多维表格数据表 {name!r}，视图 {view}",
    "Base table {name!r}": "多维表格数据表 {name!r}",
    "{where}: {records}": "{where}：{records}",
    "{where} has {records}, each empty in the fields read: nothing to do": "{where}有 {records}，读取的字段都是空的：没有要做的事",
    "read the records of the Base table {table}": "读取多维表格数据表 {table} 的记录",
    "read the fields of the Base table {table}": "读取多维表格数据表 {table} 的字段",
    "{where} has no records (its filter leaves none of the table's): nothing to do":
        "{where}没有记录（筛选条件把数据表的记录都排除了）：没有要做的事",
    "{where} answered no records: nothing to do. If the table has records, the app cannot see them: with advanced "
    "permissions (高级权限) on, an app without manage rights finds none; {add_app} with manage permission (可管理), "
    "or give the app a role that may read these records (with a user token: the user needs the same)":
        "{where}没有返回任何记录：没有要做的事。如果数据表里有记录，说明应用看不到它们：开启高级权限后，"
        "没有管理权限的应用一条也查不到；{add_app}并给予“可管理”权限，或给应用一个能读取这些记录的角色"
        "（使用用户令牌时，用户也需要同样的权限）",
    "no such base {token}": "没有多维表格 {token}",
    "the part after /base/": "/base/ 后面的部分",
    "no such table {table} in the base": "多维表格里没有数据表 {table}",
    "?table= in it": "其中的 ?table=",
    "no such view {view} in the table": "数据表里没有视图 {view}",
    "&view= in it": "其中的 &view=",
    "cannot {doing}: {what} ({code}): check the link ({check}), or copy it again from the address bar":
        "无法{doing}：{what}（{code}）：请检查链接（{check}），或从地址栏重新复制",
    "the Base table {name!r}": "多维表格数据表 {name!r}",
    "add the field {name!r} for the results to {target}": "为结果在{target}中添加字段 {name!r}",
    "write the results to {target} (tried on its first record, before anything is sent)":
        "把结果写入{target}（在发送任何内容之前，先在第一条记录上试写）",
    "write {results} to {target}": "把 {results}写入{target}",
    "this is a Number field: the Base keeps a number as a double, which holds about 15 digits, so a ticket id in "
    "it has already lost its last digits; change the field's type to Text, enter the ids again, and run again. "
    "This row is not sent":
        "这是数字字段：多维表格按双精度浮点数保存数字，只能保留约 15 位，所以其中的工单号已经丢掉了最后几位；"
        "请把字段类型改为“文本”，重新输入工单号后再运行。这一行不会发送",
    "this cell holds a number: a sheet keeps a number as a double, which holds about 15 digits, so a ticket id "
    "typed as a number has already lost its last digits; format the column as plain text (纯文本), enter the ids "
    "again, and run again. This row is not sent":
        "这个单元格是数字：电子表格按双精度浮点数保存数字，只能保留约 15 位，按数字输入的工单号已经丢掉了最后几位；"
        "请把这一列设为“纯文本”格式，重新输入工单号后再运行。这一行不会发送",
    "this number has more than 15 digits, more than a double holds exactly: its last digits may be lost; make the "
    "column text and enter the value again. This row is not sent":
        "这个数字超过 15 位，双精度浮点数无法精确保存：最后几位可能已丢失；请把这一列设为文本并重新输入。这一行不会发送",
    "job= must be a name (text), e.g. job='q3-migration'": "job= 必须是一个名称（文本），例如 job='q3-migration'",
    "input {link!r}: a link must be a Feishu or Lark one (…feishu.cn or …larksuite.com), to a Base table, a sheet "
    "or a wiki page holding one":
        "输入 {link!r}：链接必须是飞书或 Lark 的（…feishu.cn 或 …larksuite.com），指向多维表格的数据表、电子表格，"
        "或包含它们的知识库页面",
    "input {link!r}: not a link to a Base table (/base/...?table=...), a sheet (/sheets/...) or a wiki page "
    "(/wiki/...): open the table or sheet and copy its link from the address bar":
        "输入 {link!r}：不是指向多维表格数据表（/base/...?table=...）、电子表格（/sheets/...）或知识库页面（/wiki/...）"
        "的链接：请打开数据表或电子表格，从地址栏复制链接",
    "input {link!r}: the link names a Base but not one of its tables: open the table and copy the link from the "
    "address bar (it has ?table=tbl...)":
        "输入 {link!r}：链接指向多维表格，但没有指明其中的数据表：请打开数据表，从地址栏复制链接（链接里有 ?table=tbl...）",
    "input {link!r} is a Lark link (larksuite.com), and the API is Feishu's ({origin}): a Lark document is read "
    "through Lark's API: set FEISHU_BASE_URL={api} (or {advice})":
        "输入 {link!r} 是 Lark 链接（larksuite.com），而接口是飞书的（{origin}）：Lark 文档要通过 Lark 的接口读取："
        "请设置 FEISHU_BASE_URL={api}（或 {advice}）",
    "input {link!r} is a Feishu link (feishu.cn), and the API is Lark's ({origin}): a Feishu document is read "
    "through Feishu's API: set FEISHU_BASE_URL={api} (or {advice})":
        "输入 {link!r} 是飞书链接（feishu.cn），而接口是 Lark 的（{origin}）：飞书文档要通过飞书的接口读取："
        "请设置 FEISHU_BASE_URL={api}（或 {advice}）",
    "{results} could not be written to {target}": "{results}没能写入{target}",
    "writing the results to {target} failed: {error}": "把结果写入{target}失败：{error}",
    "read the spreadsheet {token}": "读取电子表格 {token}",
    "{option} {wanted}: no sheet {wanted!r} in the spreadsheet; its sheets are {listed}":
        "{option} {wanted}：电子表格里没有工作表 {wanted!r}；它的工作表有 {listed}",
    "the link names the sheet {linked!r} (?sheet={id}) and {option} names {found!r}: keep one of them":
        "链接指向工作表 {linked!r}（?sheet={id}），而 {option} 指向 {found!r}：请只保留其中一个",
    "Feishu sheet {title!r}": "飞书电子表格的工作表 {title!r}",
    "the spreadsheet {token} has no sheet to read": "电子表格 {token} 没有可读取的工作表",
    "the spreadsheet {token} has no sheet {sheet!r}; its sheets are {listed}":
        "电子表格 {token} 没有工作表 {sheet!r}；它的工作表有 {listed}",
    "read the sheet {title!r}": "读取工作表 {title!r}",
    "the sheet {title!r}": "工作表 {title!r}",
    "the sheet {name}": "工作表 {name}",
    "the sheet (the first)": "工作表（第一个）",
    "write the result columns' header to {target}": "把结果列的表头写入{target}",
    "{option} {value}: a Base table has no header row (its field names are the columns): {option} is for a file "
    "or a Sheets link":
        "{option} {value}：多维表格的数据表没有表头行（字段名就是列名）：{option} 用于文件或电子表格链接",
    "{option} {value}: a Base link names its table with ?table= (and its view with &view=): {option} picks a sheet "
    "of a workbook or of a Sheets link":
        "{option} {value}：多维表格链接用 ?table= 指明数据表（用 &view= 指明视图）：{option} 用于选择工作簿或电子表格链接中的工作表",
    "export into an empty one, so that nothing is overwritten: add a table to the base (新建数据表) or a sheet to "
    "the spreadsheet, and give its link":
        "请导出到空的数据表或工作表，以免覆盖任何内容：在多维表格中新建数据表，或在电子表格中新建工作表，然后给出它的链接",
    "interrupted: {written} of the {rows} rows were written; delete them or export into another table or sheet":
        "已中断：{rows} 行中已写入 {written} 行；请删除它们，或导出到另一个数据表或工作表",
    "{problem}: {written} of the {rows} rows were written; delete them or export into another table or sheet":
        "{problem}：{rows} 行中已写入 {written} 行；请删除它们，或导出到另一个数据表或工作表",
    "reading {target} back failed: {error}": "回读{target}失败：{error}",
    "{n} ticket ids read back as numbers, their last digits lost (`run` refuses those rows): format the {column} "
    "column as plain text (纯文本), clear the sheet and export again, or export into a Base table":
        "有 {n} 个工单号回读时成了数字，丢掉了最后几位（`run` 会拒绝这些行）：请把 {column} 列设为“纯文本”格式，"
        "清空工作表后重新导出，或导出到多维表格",
    "{missing} of the {rows} tickets written do not show through the link: the link's view hides them (its "
    "filter); run the table's link without &view=":
        "写入的 {rows} 个工单中有 {missing} 个无法通过链接看到：链接的视图（它的筛选条件）把它们隐藏了；"
        "请用不带 &view= 的数据表链接运行",
    "{missing} of the {rows} tickets written do not show through the link": "写入的 {rows} 个工单中有 {missing} 个无法通过链接看到",
    "{n} tickets show more than once": "有 {n} 个工单出现了不止一次",
    "{option}: {target} already holds {held} records; {empty}": "{option}：{target}已有 {held} 条记录；{empty}",
    "{option}: {target} has a field {field!r} that is not Text: an export writes text; delete or rename the field, "
    "or {empty}":
        "{option}：{target}有一个不是文本类型的字段 {field!r}：导出写入的是文本；请删除或重命名该字段，或{empty}",
    "{option}: {target} already holds {held} rows; {empty}": "{option}：{target}已有 {held} 行；{empty}",
    "add the field {name!r} to {target}": "在{target}中添加字段 {name!r}",
    "write {rows} records to {target}": "把 {rows} 条记录写入{target}",
    "write the header to {target}": "把表头写入{target}",
    "write {rows} rows to {target}": "把 {rows} 行写入{target}",
    "success (found written when read back)": "成功（回读时发现已写入）",
    # plan/: a plan's and a guard's messages, the undo files
    "changed since plan": "计划后已被修改",
    "; ": "；",
    "{changed}: an earlier row of this ticket found it changed; not sent": "{changed}：这个工单前面的一行发现它已被修改；不发送",
    "its ticket could not be read, so its condition could not be checked: not sent": "读不到它的工单，无法检查条件：不发送",
    "{field} is now {now}, the plan saw {planned}": "{field} 现在是 {now}，计划时是 {planned}",
    "{changed}: {why}; not sent": "{changed}：{why}；不发送",
    "if:{field} {wanted}: the ticket's is {now}": "if:{field} {wanted}：工单的值是 {now}",
    "condition not met ({why}); not sent": "条件不满足（{why}）；不发送",
    "the ticket has no comment": "工单没有评论",
    "no comment was posted on the ticket since this row was sent": "这一行发送以后，工单上没有新的评论",
    "its latest comment is still the one it had before the run": "它最新的评论仍是运行之前的那条",
    "another comment is the latest, and the API shows no time to tell when it was posted":
        "最新的是另一条评论，而接口没有给出时间，无法判断它是何时发的",
    "another comment was posted on the ticket after this row was sent": "这一行发送以后，工单上又发了另一条评论",
    "its latest comment has this row's words but is older than the row (an earlier comment): not sent again, as it "
    "might post them twice":
        "它最新的评论与这一行的内容相同，但比这一行早（是之前的评论）：不再发送，以免发两次",
    "its latest comment has this row's words, but it cannot tell whether it was posted by this row or before it: "
    "not sent again":
        "它最新的评论与这一行的内容相同，但无法判断是这一行发的还是之前就有的：不再发送",
    "its latest comment is this row's, but {fields} do not have the row's values":
        "它最新的评论是这一行发的，但 {fields} 不是这一行的值",
    "its latest comment is this row's, posted after it was sent, and every field has its value":
        "它最新的评论是这一行发送后发的，且每个字段都是这一行的值",
    "{field} was not read before the change and cannot be restored": "{field} 在修改前没有读取，无法恢复",
    "not read": "未读取",
    "posts a comment: {comment}": "发评论：{comment}",
    "comment posted (cannot be undone)": "已发的评论（无法撤销）",
    "Comments posted": "已发的评论",
    "These comments were posted and cannot be taken back through the Feishu API; the undo sheet does not remove "
    "them.":
        "这些评论已经发出，无法通过飞书接口撤回；撤销表不会删除它们。",
    # sheet/report.py: the report, the retry and unknown files
    "fix this row": "请修改这一行",
    "the API refused it": "接口拒绝了它",
    "not sent: the run stopped before it": "未发送：运行在这一行之前停止了",
    "it may have been applied": "可能已经生效",
    "the retry file is a CSV": "重试文件是 CSV",
    "the unknown file is a CSV": "未知结果文件是 CSV",
    "Report": "报告",
    "Summary": "汇总",
    "Timeline": "时间线",
    "Retry": "重试",
    "Unknown": "未知",
    "{option} {path}: use a .xlsx, .csv or .tsv name": "{option} {path}：请用 .xlsx、.csv 或 .tsv 结尾的文件名",
    "{option} {name}: a file name holds at most {max} bytes and this one has {n}; choose a shorter name "
    "(nothing was sent)":
        "{option} {name}：文件名最多 {max} 字节，这个有 {n} 字节；请换一个短一些的名字（未发送任何内容）",
    "{option} {path} would write {name} over the input file: the input is never overwritten":
        "{option} {path} 会把 {name} 写在输入文件上：输入文件从不会被覆盖",
    "{option} {path}: {problem}; choose another place with {option} (nothing was sent)":
        "{option} {path}：{problem}；请用 {option} 换一个位置（未发送任何内容）",
    "{option} {path}: is a folder; give a file name": "{option} {path}：这是一个文件夹；请给出文件名",
    "cannot write the report: cannot create files in {folder} ({problem}); choose another {option} "
    "(nothing was sent)":
        "无法写入报告：无法在 {folder} 中创建文件（{problem}）；请换一个 {option}（未发送任何内容）",
    "cannot write the report in {folder}: {problem} (writing {name}); choose another place with {option} "
    "(nothing was sent)":
        "无法在 {folder} 中写入报告：{problem}（写入 {name} 时）；请用 {option} 换一个位置（未发送任何内容）",
    "{csv} is written as a CSV, not {xlsx}: a cell of it holds more than {max} characters, which Excel would cut "
    "(fed back in, a cut cell would send another value)":
        "{csv} 写成了 CSV，而不是 {xlsx}：其中有单元格超过 {max} 个字符，Excel 会截断它"
        "（再次导入时，被截断的单元格会发送另一个值）",
    "Rows by result": "各结果的行数",
    "Answers": "接口返回",
    "Settings": "设置",
    "rows": "行数",
    "second": "秒",
    "accepted": "已接受",
    "pacing rate (/s)": "发送速率（/秒）",
    "accepted per second": "每秒接受数",
    "throttle answers (pauses)": "限流返回（暂停）",
    "pacing rate": "发送速率",
    "Requests over the run": "运行期间的请求",
    "seconds since start": "开始后的秒数",
    "requests": "请求数",
    # errors.py: a full disk
    "no space left on {where}": "{where} 没有剩余空间",
    "disk quota exceeded on {where}": "{where} 的磁盘配额已用完",
    # schema/columns.py, schema/labels.py, schema/sheet.py: the header's columns, what was read
    "columns kept in the report but not sent (not a ticket field): {names}":
        "这些列保留在报告中但不发送（不是工单字段）：{names}",
    " and {n:,} more": " 等另外 {n:,} 个",
    "none": "无",
    "no ticket id column: expected a header named ticket_id (or 工单ID / 工单编号); the header row has {names}":
        "没有工单号列：表头中应有名为 ticket_id（或 工单ID / 工单编号）的列；表头行是 {names}",
    "columns named in {option} but not in the sheet: {names}": "{option} 中写了但表格里没有的列：{names}",
    "columns an earlier run of the tool wrote (its results) are not read as input: {names}":
        "这些列是本工具上次运行写入的（运行结果），不作为输入读取：{names}",
    "columns.{theirs}: {ours!r} is not a field; use one of {fields}, custom:<id>":
        "columns.{theirs}：{ours!r} 不是字段；请用 {fields} 或 custom:<id> 之一",
    "custom field {id}": "自定义字段 {id}",
    "columns {first} ({first_name!r}) and {second} ({second_name!r}) both mean {field}: keep one of them":
        "{first} 列（{first_name!r}）和 {second} 列（{second_name!r}）都表示 {field}：请只保留一列",
    "encoding {encoding}, {separator}": "编码 {encoding}，{separator}",
    "a DataFrame of {n} rows": "{n} 行的 DataFrame",
    "sheet {name!r}": "工作表 {name!r}",
    "comma-separated": "逗号分隔",
    "tab-separated": "制表符分隔",
    "semicolon-separated": "分号分隔",
    "{separator!r}-separated": "以 {separator!r} 分隔",
    "; the first text reads {sample!r} (if it does not, {advice})": "；第一段文字读作 {sample!r}（如果不对，{advice}）",
    # sheet/sniff.py, sheet/limits.py: what a file really is, and how big
    "the workbook is protected by a password (encrypted): open it in Excel, remove the password (File > Info > "
    "Protect Workbook > Encrypt with Password), save it, and try again":
        "工作簿设置了密码（已加密）：请在 Excel 中打开，去掉密码（文件 > 信息 > 保护工作簿 > 用密码进行加密），"
        "保存后再试",
    "an Excel workbook": "一个 Excel 工作簿",
    "a legacy Excel workbook": "旧版 Excel 工作簿",
    "a text file": "文本文件",
    "a PNG image": "一张 PNG 图片",
    "a JPEG image": "一张 JPEG 图片",
    "a GIF image": "一张 GIF 图片",
    "a PDF document": "一个 PDF 文档",
    "a RAR archive": "一个 RAR 压缩包",
    "a gzip archive": "一个 gzip 压缩包",
    "a 7-Zip archive": "一个 7-Zip 压缩包",
    "a web page (HTML), as some systems export for Excel; open it in Excel and save it as .xlsx":
        "网页（HTML），有些系统会这样导出给 Excel；请在 Excel 中打开并另存为 .xlsx",
    "an XML file (perhaps an Excel 2003 XML sheet); open it in Excel and save it as .xlsx":
        "一个 XML 文件（可能是 Excel 2003 XML 表格）；请在 Excel 中打开并另存为 .xlsx",
    "not a spreadsheet (binary data)": "不是电子表格（二进制数据）",
    "{name} is empty (0 bytes): expected a header row with a ticket_id column":
        "{name} 是空文件（0 字节）：应有一行含 ticket_id 列的表头",
    "{name} is not an Excel workbook: it is {what}": "{name} 不是 Excel 工作簿：它是{what}",
    "{name} is not an Excel workbook: it is {what}; if it is a CSV or TSV, give it a .csv or .tsv name":
        "{name} 不是 Excel 工作簿：它是{what}；如果它是 CSV 或 TSV，请改用 .csv 或 .tsv 结尾的文件名",
    "{name} is {what}, not a text file: give it an .xlsx (or .xls) name":
        "{name} 是{what}，不是文本文件：请改用 .xlsx（或 .xls）结尾的文件名",
    "{name} is not a text file: it is {what}": "{name} 不是文本文件：它是{what}",
    "a text file up to {text}, a workbook whose parts unpack to {workbook}":
        "文本文件最大 {text}，工作簿解压后最大 {workbook}",
    "a device": "设备",
    "a pipe": "管道",
    "a socket": "套接字",
    "not a regular file": "不是普通文件",
    "{name} is {what}, not a file: save the sheet as a file and give its path":
        "{name} 是{what}，不是文件：请把表格保存为文件并给出它的路径",
    "{name} is {size}, more than this tool reads ({limit}): split it into smaller files":
        "{name} 有 {size}，超过本工具能读取的大小（{limit}）：请拆成几个小文件",
    "{name}: its part {part} unpacks to {size} (from {packed} in the file), more than this tool reads from a "
    "workbook ({limit} in all): it is damaged or built to exhaust memory (a \"zip bomb\"); if it is a real sheet, "
    "save only the rows to send in a new workbook":
        "{name}：其中的 {part} 解压后有 {size}（文件中为 {packed}），超过本工具从一个工作簿读取的上限（共 {limit}）："
        "文件已损坏，或是为耗尽内存而构造的（“zip 炸弹”）；如果它确实是表格，请只把要发送的行存到一个新工作簿",
    "{name}: its part {part} unpacks to more than {size} (from {packed} in the file), more than this tool reads "
    "from a workbook ({limit} in all): it is damaged or built to exhaust memory (a \"zip bomb\"); if it is a real "
    "sheet, save only the rows to send in a new workbook":
        "{name}：其中的 {part} 解压后超过 {size}（文件中为 {packed}），超过本工具从一个工作簿读取的上限（共 {limit}）："
        "文件已损坏，或是为耗尽内存而构造的（“zip 炸弹”）；如果它确实是表格，请只把要发送的行存到一个新工作簿",
    "sheet {name!r} has something in cell {farthest}, so its used range is A1:{last} ({cells:,} cells), more than "
    "this tool reads ({max:,} cells): delete the rows and columns after your table (select them, right-click, "
    "Delete) and save; or copy the table into a new sheet":
        "工作表 {name!r} 的单元格 {farthest} 有内容，所以已用区域是 A1:{last}（{cells:,} 个单元格），超过本工具能读取的"
        "数量（{max:,} 个）：请删除表格之后的行和列（选中后右键，删除）并保存；或把表格复制到一个新工作表",
    # sheet/frames.py: a DataFrame as the input
    "holds floats ({dtype}): a float keeps only about 16 digits, so a 19-digit ticket id has already lost its last "
    "digits; pass the ids as text (str) or as int64":
        "存的是浮点数（{dtype}）：浮点数只能保留约 16 位数字，19 位的工单号已经丢了最后几位；请把工单号按文本（str）"
        "或 int64 传入",
    "a float of more than 15 digits ({value!r}) has lost its last digits; pass this column as text (str) or int64. "
    "This row is not sent":
        "超过 15 位的浮点数（{value!r}）已经丢了最后几位；请把这一列按文本（str）或 int64 传入。这一行不会发送",
    "a float cell": "浮点数单元格",
    "the frame's {name} column {problem}": "DataFrame 的 {name} 列{problem}",
    "expected a pandas DataFrame, got {kind}": "应传入 pandas DataFrame，收到的是 {kind}",
    "the frame's columns have several levels: give it one row of column names":
        "DataFrame 的列名有多层：请只给一行列名",
    "the frame has no columns: expected a ticket_id column": "DataFrame 没有列：应有 ticket_id 列",
    "the frame has no rows: nothing to do": "DataFrame 没有行：无事可做",
    "DataFrames need pandas: pip install 'batch-updater[pandas]'":
        "DataFrame 需要 pandas：pip install 'batch-updater[pandas]'",
    # sheet/header.py: the header row, merged cells
    "empty": "空的",
    "past its end": "超出了末尾",
    "{option} {n}: row {n} of {where} is {what}; give the row of the column names (1 = the first row)":
        "{option} {n}：{where} 的第 {n} 行是{what}；请给出列名所在的行（1 = 第一行）",
    "{where} is empty: expected a header row with a ticket_id column": "{where} 是空的：应有一行含 ticket_id 列的表头",
    "{problem}; row {n} looks like the header (it has a ticket id column): if the rows above it are a title, "
    "{advice}":
        "{problem}；第 {n} 行看起来是表头（它有工单号列）：如果它上面的行是标题，{advice}",
    "column {names} has data but no header: kept in the report, not sent (give a header to send a field)":
        "{names} 列有数据但没有表头：保留在报告中，不发送（加上表头才能发送字段）",
    "columns {names} have data but no header: kept in the report, not sent (give a header to send a field)":
        "{names} 列有数据但没有表头：保留在报告中，不发送（加上表头才能发送字段）",
    "header cells {span} are merged: column {names} has no header of its own (kept in the report, not sent); "
    "unmerge them and name each column":
        "表头单元格 {span} 是合并的：{names} 列没有自己的表头（保留在报告中，不发送）；请取消合并并给每一列命名",
    "header cells {span} are merged: columns {names} have no header of their own (kept in the report, not sent); "
    "unmerge them and name each column":
        "表头单元格 {span} 是合并的：{names} 列没有自己的表头（保留在报告中，不发送）；请取消合并并给每一列命名",
    "cell {cell} is inside the merged cell {span}, whose value is in {first} only: unmerge it and fill in the cell "
    "on each row. This row is not sent":
        "单元格 {cell} 在合并单元格 {span} 里，其值只在 {first} 中：请取消合并，并在每一行填上这个单元格。这一行不会发送",
    # sheet/excel.py, sheet/numfmt.py, sheet/excel_cells.py: a workbook's cells
    "Excel stored this as a number and kept only its first 15 digits; format the column as Text, type the value "
    "again, and save. This row is not sent":
        "Excel 把它存成了数字，只保留了前 15 位；请把这一列设为“文本”格式，重新输入并保存。这一行不会发送",
    "cell {cell} shows this number by {format}, which this tool cannot show exactly as Excel does; type the value "
    "as text (format the column as Text) so that it is sent as shown. This row is not sent":
        "单元格 {cell} 按{format}显示这个数字，本工具无法与 Excel 显示得完全一样；请把值按文本输入（把这一列设为“文本”"
        "格式），这样发送的就是显示的内容。这一行不会发送",
    "its number format {code}": "它的数字格式 {code} ",
    "its built-in number format {id}": "它的内置数字格式 {id} ",
    "open it in Excel, which offers to repair it, and save it again; or export it again from the program that made "
    "it":
        "请用 Excel 打开（Excel 会提示修复）并重新保存；或从生成它的程序重新导出",
    "cannot read the file as an Excel workbook: {error}": "无法把文件作为 Excel 工作簿读取：{error}",
    "the workbook has no sheets": "工作簿中没有工作表",
    "cannot read the workbook's structure: {error}": "无法读取工作簿的结构：{error}",
    "sheet {name!r} is hidden in Excel; it is read because {option} asks for it":
        "工作表 {name!r} 在 Excel 中是隐藏的；因为 {option} 指定了它，仍会读取",
    "every sheet of the workbook is hidden in Excel; reading the first, {name!r}":
        "工作簿的所有工作表在 Excel 中都是隐藏的；读取第一个：{name!r}",
    "the workbook is damaged in sheet {name!r} ({part}): its XML is cut short or malformed ({error}); {repair}":
        "工作簿的工作表 {name!r}（{part}）已损坏：其 XML 不完整或格式错误（{error}）；{repair}",
    "cannot read sheet {name!r}: {error}": "无法读取工作表 {name!r}：{error}",
    "the workbook is damaged {where}; {repair}": "工作簿已损坏（{where}）；{repair}",
    "cell {cell} holds {n:,} characters, more than {max:,} (Excel itself holds 32,767): it was written by a "
    "program; shorten it. This row is not sent":
        "单元格 {cell} 有 {n:,} 个字符，超过 {max:,}（Excel 本身最多 32,767）：它是由程序写入的；请把它缩短。"
        "这一行不会发送",
    "no sheet {name!r} in the workbook; its sheets are {sheets}": "工作簿中没有工作表 {name!r}；它的工作表有 {sheets}",
    "cell {cell} shows the error {error} in Excel; fix the formula or type the value. This row is not sent":
        "单元格 {cell} 在 Excel 中显示错误 {error}；请修正公式或直接输入值。这一行不会发送",
    "cell {cell} takes its value from another workbook ({other}) by a formula: the value saved in this file is the "
    "one Excel last read from it, and may be out of date; copy the column and paste it as values (Paste Special > "
    "Values), or type the value. This row is not sent":
        "单元格 {cell} 通过公式引用另一个工作簿（{other}）的值：这个文件里保存的是 Excel 上次读到的值，可能已过时；"
        "请复制这一列并粘贴为数值（选择性粘贴 > 数值），或直接输入值。这一行不会发送",
    "cell {cell} holds a formula whose result is not in the file (it was written by a program and never saved in "
    "Excel); open the file in Excel and save it, or type the value. This row is not sent":
        "单元格 {cell} 的公式结果不在文件中（文件由程序写入，从未在 Excel 中保存过）；请用 Excel 打开并保存，"
        "或直接输入值。这一行不会发送",
    "cell {cell} is cut to {max} characters in this Excel file (Excel's limit)":
        "单元格 {cell} 在这个 Excel 文件中被截断为 {max} 个字符（Excel 的上限）",
    "cells {cells} and {last} are cut to {max} characters in this Excel file (Excel's limit)":
        "单元格 {cells} 和 {last} 在这个 Excel 文件中被截断为 {max} 个字符（Excel 的上限）",
    # sheet/encodings.py: a text file's encoding
    "{advice} (e.g. {encodings})": "{advice}（例如 {encodings}）",
    "the end of the file": "文件末尾",
    "not UTF-8": "不是 UTF-8",
    "byte {byte}": "字节 {byte}",
    "byte {byte} at offset {offset}": "偏移 {offset} 处的字节 {byte}",
    "the file starts with a UTF-8 byte-order mark but line {line} is not {codec} ({byte}): save the file again in "
    "one encoding, or {hint}":
        "文件以 UTF-8 字节顺序标记开头，但第 {line} 行不是 {codec}（{byte}）：请用同一种编码重新保存文件，或{hint}",
    "the file starts with a UTF-16 byte-order mark but line {line} is not {codec} ({byte}): save the file again in "
    "one encoding, or {hint}":
        "文件以 UTF-16 字节顺序标记开头，但第 {line} 行不是 {codec}（{byte}）：请用同一种编码重新保存文件，或{hint}",
    "unknown encoding {encoding!r}": "未知编码 {encoding!r}",
    "{encoding!r} is not a text encoding; use e.g. utf-8 or gb18030": "{encoding!r} 不是文本编码；请用 utf-8 或 gb18030 等",
    "the file is not valid {encoding}: line {line} ({byte}); check {option}":
        "文件不是有效的 {encoding}：第 {line} 行（{byte}）；请检查 {option}",
    "the file holds zero bytes (line {line}): it is UTF-16 without a byte-order mark ({advice}, or utf-16-be), or "
    "not a text file at all":
        "文件中有零字节（第 {line} 行）：它是没有字节顺序标记的 UTF-16（{advice}，或 utf-16-be），或者根本不是文本文件",
    "the file mixes encodings: line {utf8} is UTF-8 but line {other} is not ({byte}); save the whole file again as "
    "UTF-8, or {hint}":
        "文件混用了多种编码：第 {utf8} 行是 UTF-8，第 {other} 行却不是（{byte}）；请把整个文件重新保存为 UTF-8，或{hint}",
    "cannot tell the file's encoding: it is neither UTF-8 nor GBK/GB18030 (line {line}, {byte}); {hint}":
        "无法判断文件的编码：它既不是 UTF-8 也不是 GBK/GB18030（第 {line} 行，{byte}）；{hint}",
    "cannot tell the file's encoding: it is not UTF-8, and read as GBK/GB18030 it is nonsense (line {line} reads "
    "{text}); {hint}":
        "无法判断文件的编码：它不是 UTF-8，按 GBK/GB18030 读出来是乱码（第 {line} 行读作 {text}）；{hint}",
    # sheet/read.py: reading a file
    "{name}: unsupported file type {suffix}; use {supported}": "{name}：不支持的文件类型 {suffix}；请用 {supported}",
    "(none)": "（无）",
    "{option} applies to Excel files only": "{option} 只适用于 Excel 文件",
    "{path}: no such file": "{path}：文件不存在",
    "{path}: is a directory, not a spreadsheet": "{path}：这是一个文件夹，不是电子表格",
    "{path}: permission denied": "{path}：没有权限",
    "the sheet Excel opens on has no ticket id column: sheet {name!r} was read instead ({advice})":
        "Excel 打开时显示的工作表没有工单号列：改为读取了工作表 {name!r}（{advice}）",
    "cannot read the file as {kind}: {error}": "无法把文件作为 {kind} 读取：{error}",
    "a cell of {n:,} characters (more than 128 KiB): check the quotes on this row; this row is not sent":
        "有一个单元格长 {n:,} 个字符（超过 128 KiB）：请检查这一行的引号；这一行不会发送",
    "the file": "文件",
    "no header": "无表头",
    "beyond the header": "表头之外",
    "line {line}: the quote that opens column {column} ({name}) runs on to line {end}, so lines {first}-{end} were "
    "read into that one cell though they look like rows of their own; close the quote on line {line}, and write a "
    "quote inside a cell as two (\"\")":
        "第 {line} 行：{column} 列（{name}）开头的引号一直延续到第 {end} 行，所以第 {first}-{end} 行被读进了这一个"
        "单元格，尽管它们看起来是单独的行；请在第 {line} 行补上闭合的引号，单元格内的引号要写成两个（\"\"）",
    "line {line}: the quote that opens column {column} ({name}) runs on to line {end}, so line {end} was read into "
    "that one cell though it looks like a row of its own; close the quote on line {line}, and write a quote inside a "
    "cell as two (\"\")":
        "第 {line} 行：{column} 列（{name}）开头的引号一直延续到第 {end} 行，所以第 {end} 行被读进了这一个单元格，"
        "尽管它看起来是单独的一行；请在第 {line} 行补上闭合的引号，单元格内的引号要写成两个（\"\"）",
    "1 row is hidden in Excel (hidden or filtered out) but read and sent like the others: {rows}":
        "有 1 行在 Excel 中被隐藏（隐藏或被筛选掉），但会和其他行一样读取并发送：{rows}",
    "{n} rows are hidden in Excel (hidden or filtered out) but read and sent like the others: {rows}":
        "有 {n} 行在 Excel 中被隐藏（隐藏或被筛选掉），但会和其他行一样读取并发送：{rows}",
    "columns hidden in Excel are read and sent like the others: {columns}":
        "在 Excel 中隐藏的列会和其他列一样读取并发送：{columns}",
    "{where} has a header row but no rows below it: nothing to do": "{where} 有表头行，但下面没有数据行：无事可做",
    # sheet/workbook.py, sheet/xlsx_checks.py: a workbook edited in place, a damaged one
    "images": "图片",
    "charts": "图表",
    "drawings (shapes, text boxes, images)": "绘图（形状、文本框、图片）",
    "cell comments": "批注",
    "threaded comments": "会话批注",
    "tables": "表格",
    "slicers": "切片器",
    "timelines": "日程表",
    "pivot tables": "数据透视表",
    "form controls": "表单控件",
    "ActiveX controls": "ActiveX 控件",
    "embedded objects": "嵌入对象",
    "links to other workbooks": "到其他工作簿的链接",
    "custom XML data": "自定义 XML 数据",
    "the data model": "数据模型",
    "query tables": "查询表",
    "data connections": "数据连接",
    "macros": "宏",
    "{option}: openpyxl does not find sheet {sheet!r} in {name} (nothing was sent)":
        "{option}：openpyxl 在 {name} 中找不到工作表 {sheet!r}（未发送任何内容）",
    "the workbook's images cannot be carried into the results file without Pillow (pip install pillow)":
        "没有 Pillow，工作簿中的图片无法带到结果文件里（pip install pillow）",
    "{option}: openpyxl cannot open {name} to edit it ({error}); run without {option} for the plain report "
    "(nothing was sent)":
        "{option}：openpyxl 无法打开 {name} 进行编辑（{error}）；请去掉 {option} 运行，得到普通报告（未发送任何内容）",
    "the results file will lack what openpyxl cannot edit: {what}": "结果文件中会缺少 openpyxl 无法编辑的内容：{what}",
    "the results file lacks some of the workbook's {what}: openpyxl cannot carry them over; your workbook itself is "
    "unchanged":
        "结果文件缺少工作簿中的部分{what}：openpyxl 无法带过去；你的工作簿本身没有改动",
    "the list of its parts": "部件列表",
    "the links between its parts": "部件之间的关联",
    "the list of its sheets": "工作表列表",
    "its cell styles": "单元格样式",
    "the text of its cells (shared strings)": "单元格文本（共享字符串）",
    "one of its sheets": "其中一个工作表",
    "a part": "某个部件",
    "in {what} ({part}): its XML is cut short or malformed ({error})": "在{what}（{part}）中：其 XML 不完整或格式错误（{error}）",
    "in {what} ({part}): it cannot be unpacked ({error})": "在{what}（{part}）中：无法解压（{error}）",
    "as a whole: it is not a readable zip, as an .xlsx is ({error})": "整体上：它不是可读的 zip 文件，而 .xlsx 应该是（{error}）",
    # sheet/writeback.py: the results written into a copy of the input
    "{option} cannot edit {name}: an .xls (the old Excel format) cannot be edited in place; save it as .xlsx in "
    "Excel and run that, or run without {option} (nothing was sent)":
        "{option} 无法编辑 {name}：.xls（旧版 Excel 格式）不能就地编辑；请在 Excel 中另存为 .xlsx 后再运行，"
        "或去掉 {option} 运行（未发送任何内容）",
    "{option}: {name} is too long a name to add -{tag} to; rename it shorter (nothing was sent)":
        "{option}：{name} 的名字太长，无法再加上 -{tag}；请改个短一些的名字（未发送任何内容）",
    "{report_option} {report} would write over the {option} file {name}: choose another place with {report_option}":
        "{report_option} {report} 会覆盖 {option} 的文件 {name}：请用 {report_option} 换一个位置",
    "{option}: {path} is a folder (nothing was sent)": "{option}：{path} 是一个文件夹（未发送任何内容）",
    "{option}: cannot write {name} in {folder}: {problem}; copy the input to a folder you can write in, or run "
    "without {option} (nothing was sent)":
        "{option}：无法在 {folder} 中写入 {name}：{problem}；请把输入文件复制到可写的文件夹，或去掉 {option} 运行"
        "（未发送任何内容）",
    "{option}: cannot read {name} again: {problem}": "{option}：无法再次读取 {name}：{problem}",
    "{option} needs an input file (.xlsx, .xlsm, .csv, .tsv or .txt)":
        "{option} 需要一个输入文件（.xlsx、.xlsm、.csv、.tsv 或 .txt）",
    "cannot write {path} ({problem})": "无法写入 {path}（{problem}）",
    "cannot write the results into {name} ({error}); the report has every row":
        "无法把结果写入 {name}（{error}）；报告中有每一行",
    "{problem}; the results file is in {path} instead": "{problem}；结果文件改放在 {path}",
    "the state folder": "状态文件夹",
    "{problem} nor in {where} ({again}); the report has every row": "{problem}，也无法写入 {where}（{again}）；报告中有每一行",
    # helpdesk/export.py: an export's file and --ids
    ". This row is not sent": "。这一行不会发送",
    "row {row} ({cell!r}): {problem}": "第 {row} 行（{cell!r}）：{problem}",
    "{rows} (and {n} more rows)": "{rows}（还有 {n} 行）",
    "{option} {path}: {rows}; fix those cells, or delete their rows, and run it again":
        "{option} {path}：{rows}；请改好这些单元格，或删掉这些行，再运行一次",
    "{option} {path}: the file exists (an export you edited?): give another name, or run with {overwrite} to "
    "replace it":
        "{option} {path}：文件已存在（是你编辑过的导出文件吗？）：请换个文件名，或加上 {overwrite} 运行以替换它",
    "cannot write {path}: {problem}": "无法写入 {path}：{problem}",
    "{option}: a link is written at the API it lives on, and the built-in sandbox has no documents: run "
    "`batch-updater sandbox` (it serves a demo base and spreadsheet) and point FEISHU_BASE_URL at it, instead of "
    "{sandbox}":
        "{option}：链接要写到它所在的接口，而内置沙箱没有文档：请运行 `batch-updater sandbox`（它提供演示用的"
        "多维表格和电子表格），并把 FEISHU_BASE_URL 指向它，而不是用 {sandbox}",
    # helpdesk/filters.py: the filters of an export or a --select
    "ids={n} tickets": "ids={n} 个工单",
    "every ticket": "全部工单",
    "{key} {text!r}: not a date; write 2026-11-01, 2026-11-01 08:30 or 14 days ago":
        "{key} {text!r}：不是日期；请写 2026-11-01、2026-11-01 08:30 或 14 days ago",
    "{key} {text!r}: {problem}": "{key} {text!r}：{problem}",
    "{key!r} is not a filter; use {keys}": "{key!r} 不是筛选条件；可用的有 {keys}",
    "{since} is not before {before}: no ticket can match both (swapped?)":
        "{since} 不早于 {before}：没有工单能同时满足（是不是写反了？）",
    "{option} {text!r}: {problem}": "{option} {text!r}：{problem}",
    "{option}: {word!r} is not key=value (e.g. \"status=5 tag=billing\")":
        "{option}：{word!r} 不是 key=value 的形式（例如 \"status=5 tag=billing\"）",
    "{option}: no filter given (e.g. \"status=5 tag=billing\")": "{option}：没有给出筛选条件（例如 \"status=5 tag=billing\"）",
    # helpdesk/listing.py: reading the ticket list
    "reading the ticket list failed: {why}": "读取工单列表失败：{why}",
    "no answer": "没有应答",
    "a single millisecond ({ms}) holds {total:,} tickets, more than the {cap:,} one query of the list API reaches: "
    "only {cap:,} of them could be read":
        "同一毫秒（{ms}）内创建了 {total:,} 个工单，超过列表接口一次查询能取到的 {cap:,} 个：只能读取其中 {cap:,} 个",
    "tickets changed while they were read (created {start}-{end} ms: {listed:,} listed, {read:,} read): run it "
    "again to be sure none was missed":
        "读取期间工单有变动（创建于 {start}-{end} 毫秒：列出 {listed:,} 个，读到 {read:,} 个）：请再运行一次，确保没有遗漏",
    "{n} of the {ids} ids are not in the helpdesk, or do not match the filters: {missing}":
        "{ids} 个工单号中有 {n} 个不在服务台里，或不符合筛选条件：{missing}",
    # helpdesk/select.py: run --select / --set
    "the job file's [set]": "任务文件的 [set]",
    "{change} and a comment": "{change}，并发一条评论",
    "a comment": "一条评论",
    "nothing": "无",
    "{option} {pair!r}: write FIELD=VALUE, like status=51 or 优先级=高":
        "{option} {pair!r}：请写成 字段=值，例如 status=51 或 优先级=高",
    "{option} {name} is given twice ({first!r} and {second!r}): keep one":
        "{option} {name} 给了两次（{first!r} 和 {second!r}）：请只留一个",
    "{said} {name}=...: the ticket id is not a field to set: the tickets are those the filters select":
        "{said} {name}=...：工单号不是可设置的字段：要改的工单由筛选条件选出",
    "none read": "未读取",
    "{said} {name}=...: {name!r} is not a ticket field nor a custom field of this helpdesk (status, tag_names, "
    "solved, ticket_type, channel, custom:<id>; its custom fields: {known})":
        "{said} {name}=...：{name!r} 既不是工单字段，也不是这个服务台的自定义字段（status、tag_names、solved、"
        "ticket_type、channel、custom:<id>；它的自定义字段：{known}）",
    "{said}: {first} and {name} are the same field: keep one": "{said}：{first} 和 {name} 是同一个字段：请只留一个",
    "nothing to change: give {set} FIELD=VALUE (or {comment} TEXT)":
        "没有要改的内容：请给出 {set} 字段=值（或 {comment} 文本）",
    "the comment": "评论",
    "{said} {what}: an empty value changes nothing (an empty cell leaves a field alone); to remove every tag, write "
    "tag_names=[]":
        "{said} {what}：空值不会改变任何内容（空单元格不改字段）；要清空所有标签，请写 tag_names=[]",
    "reading the ticket list stopped: {why} (nothing was sent)": "读取工单列表时停止：{why}（什么都没有发送）",
    "interrupted while reading the ticket list (nothing was sent)": "读取工单列表时被中断（什么都没有发送）",
    # rows/custom.py: a custom field's cell
    "no custom field id: write the field's id after custom:, like custom:6948728206392295444 "
    "(or custom:6948728206392295444:key_name)":
        "没有自定义字段 ID：请把字段 ID 写在 custom: 后面，例如 custom:6948728206392295444"
        "（或 custom:6948728206392295444:key_name）",
    "nearest: {options}": "最接近的：{options}",
    "its options: {options} and {n} more": "它的选项：{options} 等，还有 {n} 个",
    "its options: {options}": "它的选项：{options}",
    "{where} has no options below it": "{where} 下面没有选项",
    "{text!r} is not an option of {where} ({options})": "{text!r} 不是 {where} 的选项（{options}）",
    "no option in it: write a path of {field}'s options, like a / b / c":
        "里面没有选项：请写 {field} 的选项路径，例如 a / b / c",
    "{field} takes one option, and this cell has {n}": "{field} 只能选一个选项，这个单元格有 {n} 个",
    "{field!r} is not a custom field of this helpdesk (its fields: {fields}); a custom field's id is digits only, "
    "like 6948728206392295444":
        "{field!r} 不是这个服务台的自定义字段（它的字段：{fields}）；自定义字段的 ID 只有数字，例如 6948728206392295444",
    "{field!r} is not a field id: a custom field id is digits only, like 6948728206392295444 (a field named by its "
    "display name is looked up in the helpdesk's field list, which needs the app's credentials)":
        "{field!r} 不是字段 ID：自定义字段的 ID 只有数字，例如 6948728206392295444（按显示名称写的字段要在服务台的"
        "字段列表里查找，这需要应用的凭证）",
    # rows/exported.py: an exported sheet run again
    "unchanged since the export: nothing to send": "导出后没有修改：没有要发送的内容",
    "this sheet has an export's (not sent) columns but not its `{column}` column: every cell would be sent, putting "
    "back what agents changed since the export. Export the tickets again and edit that sheet (keep its `{column}` "
    "column), or, to send every cell as written, delete the (not sent) columns too ({context})":
        "这张表有导出文件的 (not sent) 列，却没有它的 `{column}` 列：每个单元格都会发送，会把客服在导出后改过的内容"
        "改回去。请重新导出工单并编辑那张表（保留 `{column}` 列）；或者，如果要按所写内容发送每个单元格，"
        "请把 (not sent) 列也删掉（{context}）",
    "row {row} {column}": "第 {row} 行 {column}",
    # run/fields.py: the helpdesk's custom field list
    "reading the helpdesk's field list needs FEISHU_APP_ID and FEISHU_APP_SECRET (a tenant access token)":
        "读取服务台的字段列表需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET（租户访问令牌）",
    "the field list could not be read: {error}": "无法读取字段列表：{error}",
    "{names}: custom fields named by their names; {needs} (or name them by id, custom:<id>, or try it with "
    "{sandbox})":
        "{names}：按名称写的自定义字段；{needs}（或者按 ID 写成 custom:<id>，或用 {sandbox} 试一试）",
    "custom fields named by their names were not checked ({names}): {why}; their cells are taken as written":
        "按名称写的自定义字段没有检查（{names}）：{why}；它们的单元格按所写内容使用",
    "columns kept in the report but not sent (not a ticket field): {names}; a custom field's display name is "
    "recognised only with the app's credentials ({app_id} / {app_secret}), or written as custom:<id>":
        "这些列保留在报告中但不发送（不是工单字段）：{names}；自定义字段的显示名称只有在提供应用凭证"
        "（{app_id} / {app_secret}）时才能识别，或者按 ID 写成 custom:<id>",
    "columns kept in the report but not sent (not a ticket field): {names}; a custom field's display name is not "
    "recognised ({why}): write it as custom:<id>":
        "这些列保留在报告中但不发送（不是工单字段）：{names}；无法识别自定义字段的显示名称（{why}）：请按 ID 写成 custom:<id>",
    "cannot read the helpdesk's custom field list: {why}": "无法读取服务台的自定义字段列表：{why}",
    # run/labels.py: a dropdown's value read back
    "the API answered success, but reading the ticket back shows {field} = {now!r}, not {sent!r}: the value did "
    "not take (how an update writes a dropdown is not documented; the option's display name was sent)":
        "接口返回成功，但读回工单显示 {field} = {now!r}，而不是 {sent!r}：这个值没有生效（文档没有说明更新接口如何"
        "写下拉字段；发送的是选项的显示名称）",
    "its dropdown value was not confirmed: reading the ticket back failed ({why})":
        "下拉字段的值没有得到确认：读回工单失败（{why}）",
    # run/outcomes.py: a row's outcome
    "not sent: reading the tickets first stopped the run": "未发送：先读取工单时运行停止了",
    "sent with its comment though {why}: {twice}": "连同评论一起发送了，尽管{why}：{twice}",
    # run/guards.py: if: columns and run --plan
    "not a field a condition can test: use a ticket field (status, solved, tag_names, ticket_type, channel) or a "
    "custom field":
        "条件不能检查这个字段：请用工单字段（status、solved、tag_names、ticket_type、channel）或自定义字段",
    "{option}: this file has no plan's columns (plan, <field> (now), <field> (new), msg): give the file "
    "`batch-updater plan` wrote":
        "{option}：这个文件没有计划的列（plan、<field> (now)、<field> (new)、msg）：请给出 `batch-updater plan` 写出的文件",
    "not applied: the plan said {kind} for this row": "未执行：计划对这一行给出的是 {kind}",
    # run/frame.py: a DataFrame's run
    "{option}= applies to an input file, not to a DataFrame (its results come back with .to_frame())":
        "{option}= 只用于输入文件，不用于 DataFrame（它的结果用 .to_frame() 取回）",
    "undo=True writes its undo sheet beside the report: give report='...xlsx' too":
        "undo=True 会把撤销表写在报告旁边：请同时给出 report='...xlsx'",
    # run/writeback.py: a link's results
    "{problem}; the report has every row's result": "{problem}；报告里有每一行的结果",
    # run/live.py: reading back
    "nothing to change: the ticket already has these values": "无需修改：工单已经是这些值",
    "not read back: another row of the job touches this ticket, so the ticket cannot tell: check it by hand":
        "未读回：任务里另有一行也改这个工单，读回也无法判断：请手动检查",
    "sent again after reading the ticket back: no comment was posted since it was sent":
        "读回工单后重新发送：发送之后工单上没有新的评论",
    "reading the ticket back failed ({why})": "读回工单失败（{why}）",
    "read back, but it cannot tell: {why}; check the ticket by hand": "已读回，但无法判断：{why}；请手动检查工单",
    "confirmed by reading the ticket back: {why}": "读回工单确认：{why}",
    # jobs/resume.py: a resumed job's rows and its journal
    "a previous run stopped while sending this row, so its comment may already be posted: check the ticket, or "
    "rerun with {option} to send it again":
        "上一次运行在发送这一行时中断了，它的评论可能已经发出：请检查工单，或加上 {option} 重新运行以再次发送",
    "an earlier run may have posted it": "之前的运行可能已经发过",
    "an earlier run held it back: it was already on this ticket": "之前的运行没有发它：工单上已经有这条评论",
    "an earlier run posted it, or may have": "之前的运行已经发过，或可能发过",
    "this job, from a row since edited, already posted it on this ticket": "这个任务已经在这个工单上发过（来自一行之后被修改过的内容）",
    "another run ({input}) already posted it on this ticket": "另一次运行（{input}）已经在这个工单上发过",
    "{holder} posted it, may have, or is posting it": "{holder}已经发过、可能发过或正在发",
    "{holder} has it on this ticket (posted, maybe posted, or about to be)": "{holder}在这个工单上有这条评论（已发、可能已发或即将发）",
    "another file": "另一个文件",
    "not sent: an earlier run (of a row since edited, or of another file) may have posted this comment on this "
    "ticket; check the ticket, or run with {option} to send it":
        "未发送：之前的运行（来自一行之后被修改过的内容，或另一个文件）可能已经在这个工单上发过这条评论；"
        "请检查工单，或加上 {option} 运行以发送它",
    "its comment was not posted again: {why}": "没有再次发它的评论：{why}",
    "the job's journal {path} is damaged ({error}): move it away, or run with {option} to start the job over (rows "
    "it had done are then sent again)":
        "任务日志 {path} 已损坏（{error}）：请把它移走，或加上 {option} 运行以重新开始任务（已完成的行会再发一次）",
    "the comment ledger {path} cannot be used ({error}): if it is damaged, move it away (other jobs then no longer "
    "know the comments this one posted)":
        "评论台账 {path} 无法使用（{error}）：如果它已损坏，请把它移走（之后其他任务将不再知道这个任务发过的评论）",
    "earlier runs of other files already sent updates for {n} of these tickets to this helpdesk (the latest: "
    "{input}, {at}); only rows of this same file are recognised as done":
        "其他文件之前的运行已经向这个服务台发送过其中 {n} 个工单的更新（最近一次：{input}，{at}）；"
        "只有同一个文件的行才会被认作已完成",
    "earlier runs of other files already sent updates for {n} of these tickets to this helpdesk; only rows of this "
    "same file are recognised as done":
        "其他文件之前的运行已经向这个服务台发送过其中 {n} 个工单的更新；只有同一个文件的行才会被认作已完成",
    "1 row here would post a comment already (or maybe) posted on the same ticket: not posted again ({option} posts "
    "them)":
        "这里有 1 行要发的评论已经（或可能已经）发在同一个工单上：不再发送（{option} 会发送它们）",
    "{n} rows here would post a comment already (or maybe) posted on the same ticket: not posted again ({option} "
    "posts them)":
        "这里有 {n} 行要发的评论已经（或可能已经）发在同一个工单上：不再发送（{option} 会发送它们）",
    "{first}. {then}": "{first}。{then}",
    # jobs/ledger.py: who holds a comment
    "this job, before it was started over ({option}),": "这个任务在重新开始（{option}）之前",
    "another run ({input}, since {at})": "另一次运行（{input}，自 {at} 起）",
    # jobs/stale.py: comments another run holds
    "its comment was reserved by a run of {input} that ended without sending it (that job's journal says so): "
    "taken over and sent by this run":
        "它的评论曾被 {input} 的一次运行预留，但那次运行结束时没有发送（那个任务的日志如此记录）：由这次运行接手并发送",
    "1 row here would post a comment being sent now by {inputs} (a run of it is going on): held, not posted here "
    "(a row's other fields are still sent); run this file again when that run ends, to post those it did not":
        "这里有 1 行要发的评论正由 {inputs} 发送（它的一次运行正在进行）：先不发送（这一行的其他字段照常发送）；"
        "等那次运行结束后再运行这个文件，以发送它没有发的评论",
    "{n} rows here would post a comment being sent now by {inputs} (a run of it is going on): held, not posted here "
    "(a row's other fields are still sent); run this file again when that run ends, to post those it did not":
        "这里有 {n} 行要发的评论正由 {inputs} 发送（它的一次运行正在进行）：先不发送（这些行的其他字段照常发送）；"
        "等那次运行结束后再运行这个文件，以发送它没有发的评论",
    # jobs/lock.py: a job run twice at once
    "another run of this job is running (pid {pid}); lock file {path}": "这个任务的另一次运行正在进行（进程号 {pid}）；锁文件 {path}",
    "unknown": "未知",
    # feishu/codes.py: the notification APIs' codes (issue 22)
    "the app's bot is not in that group: add it": "应用的机器人不在这个群里：请把它加进群",
    "the user is not in the app's availability scope (or the app has no published version with a bot)":
        "该用户不在应用的可用范围内（或应用没有带机器人能力的已发布版本）",
    "too many messages to this chat or user (5/s)": "发给这个群或用户的消息太多（每秒 5 条）",
    "the card is over 30 KB": "卡片超过 30 KB",
    "the webhook's signature was refused: check FEISHU_WEBHOOK_SECRET (and this machine's clock)":
        "Webhook 签名被拒绝：请检查 FEISHU_WEBHOOK_SECRET（以及本机时钟）",
    "the custom bot's limit (100/min, 5/s)": "自定义机器人的频率限制（每分钟 100 条，每秒 5 条）",
    # cli.py: what the command line prints (the summary, a plan's, status, errors and warnings)
    "error: {text}": "错误：{text}",
    "warning: {text}": "警告：{text}",
    "error: stopped early: {reason}": "错误：提前停止：{reason}",
    "Input: {source}": "输入：{source}",
    "Columns sent: {columns}": "发送的列：{columns}",
    "{n} {result}": "{result} {n}",
    ", ": "，",
    "{n} row": "{n} 行",
    "{n} rows": "{n} 行",
    "{n} ticket": "{n} 个工单",
    "{n} tickets": "{n} 个工单",
    "{n} comment": "{n} 条评论",
    "{n} comments": "{n} 条评论",
    "change": "变更",
    "no-op": "无变化",
    "missing": "工单不存在",
    "forbidden": "无权限",
    "Plan: {rows}: {counts}": "计划：{rows}：{counts}",
    "  {field}: would change on {tickets}": "  {field}：将在 {tickets}上变更",
    "{no_op}; {comments} would be posted; {missing} not found": "{no_op}；将发布 {comments}；{missing}未找到",
    "{n} row changes nothing (no-op)": "{n} 行不做任何变更（无变化）",
    "{n} rows change nothing (no-op)": "{n} 行不做任何变更（无变化）",
    "Interrupted: the tickets not read are marked not_attempted in the plan.":
        "已中断：未读取的工单在计划中标为未发送（not_attempted）。",
    "Your file with the plan's columns: {path}": "加上计划列的你的文件：{path}",
    "The plan's columns could not all be written to: {target}": "计划列未能全部写入：{target}",
    "The plan's columns are in: {target}": "计划列已写入：{target}",
    "Plan: {path} (nothing was sent)": "计划：{path}（未发送任何内容）",
    "No jobs yet in this state folder.": "这个状态文件夹里还没有任务。",
    "running (pid {pid})": "运行中（进程号 {pid}）",
    "not running": "未运行",
    "job {job}: {input}: {state}; {done} of {total} rows done": "任务 {job}：{input}：{state}；已完成 {done}/{total} 行",
    "  last run: exit {code}, finished {finished}, report {report}":
        "  上次运行：退出码 {code}，完成于 {finished}，报告 {report}",
    "not written": "未写入",
    "Dry run: {rows}: {counts}": "试运行：{rows}：{counts}",
    "{rows}: {counts}": "{rows}：{counts}",
    "{tickets} on more than one row ({rows} rows): applied one after another, in file order":
        "{tickets}出现在多行中（共 {rows} 行）：按文件顺序依次应用",
    "{n} ticket appears": "{n} 个工单",
    "{n} tickets appear": "{n} 个工单",
    "Most common problems:": "最常见的问题：",
    "  and {kinds} ({problems}): see the report's msg column": "  另有 {kinds}（{problems}）：见报告的说明（msg）列",
    "{n} more kind": "{n} 种",
    "{n} more kinds": "{n} 种",
    "{n} problem": "{n} 个问题",
    "{n} problems": "{n} 个问题",
    "Most common answers:": "最常见的返回：",
    "{rate} (the API's limit, found)": "{rate}（已找到 API 的限流上限）",
    "too few answers to measure": "返回太少，无法测算",
    "Sent in {seconds} s: achieved {achieved}, rate at the end {settled}; {throttles}, {pauses}":
        "发送用时 {seconds} 秒：实际速率 {achieved}；结束时速率 {settled}；{throttles}，{pauses}",
    "{n} throttle answer": "{n} 次限流返回",
    "{n} throttle answers": "{n} 次限流返回",
    "{n} pause": "{n} 次暂停",
    "{n} pauses": "{n} 次暂停",
    "The next run starts from {rate} ({option} fixes a rate).": "下次运行将从 {rate} 开始（{option} 可固定速率）。",
    "Undo sheet (run it to restore the fields this run changed): {path}":
        "撤销表（运行它可恢复本次运行改动的字段）：{path}",
    "Comments posted (the API cannot take them back): {path}": "已发布的评论（API 无法撤回）：{path}",
    "Resumed job {job}: {rows} done by an earlier run was not sent again ({option} starts over)":
        "已续跑任务 {job}：之前运行已完成的 {rows}未再次发送（{option} 可从头开始）",
    "Resumed job {job}: {rows} done by an earlier run were not sent again ({option} starts over)":
        "已续跑任务 {job}：之前运行已完成的 {rows}未再次发送（{option} 可从头开始）",
    "Report: {path}": "报告：{path}",
    "Report: not written (see the warning above)": "报告：未写入（见上方警告）",
    "Your file with the result columns: {path}": "加上结果列的你的文件：{path}",
    "Results could not all be written back to: {target} ({problem}; every row's result is in the report)":
        "结果未能全部写回：{target}（{problem}；每行的结果都在报告中）",
    "Results written back to: {target}": "结果已写回：{target}",
    "Rows not done ({rows}), in your own columns: {path}": "未完成的行（{rows}），按你自己的列：{path}",
    "Rows that may have been applied ({rows}): {path}: check those tickets; they are left out of the retry file so "
    "that no comment is posted twice":
        "可能已应用的行（{rows}）：{path}：请检查这些工单；它们不在重试文件中，以免评论被发布两次",
    "run the same command again to resume: rows already done are not sent again":
        "再次运行同一命令即可续跑：已完成的行不会再次发送",
    "run it again": "再运行一次",
    "Nothing was sent.": "未发送任何内容。",
    "Nothing was sent. Fix the invalid rows (see the report's msg column) and check again.":
        "未发送任何内容。请修正无效的行（见报告的说明（msg）列）后再检查一次。",
    "The rows not sent are marked not_attempted; fix that, then {resume}.":
        "未发送的行标为未发送（not_attempted）；修正后，{resume}。",
    "Fix that, then {resume}.": "修正后，{resume}。",
    "Interrupted: rows not sent are marked not_attempted; {resume}.":
        "已中断：未发送的行标为未发送（not_attempted）；{resume}。",
    "Interrupted; {resume}.": "已中断；{resume}。",
    "{rows}: the API answered success, but the value did not take: sending it again will not help (see the msg "
    "column)": "{rows}：API 返回成功，但值没有生效：再次发送也无济于事（见说明（msg）列）",
    "fix the {n} invalid or refused in your input": "请在你的输入中修正 {n} 行无效或被拒绝的行",
    "{n} got no final answer: {resume}": "{n} 行没有得到最终返回：{resume}",
    ".": "。",
    "Nothing to fix in those rows: the API gave them no final answer (see the msg column); {resume}.":
        "这些行无需修正：API 没有给它们最终返回（见说明（msg）列）；{resume}。",
    "Fix the {n} rows that are invalid or that the API refused (see the msg column), then {resume}; the other "
    "{rest} got no final answer and are sent again.":
        "请修正 {n} 行无效或被 API 拒绝的行（见说明（msg）列），然后{resume}；其余 {rest} 行没有得到最终返回，会再次发送。",
    "Fix those rows in your input and {resume}.": "请在你的输入中修正这些行，然后{resume}。",
    # progress.py: the progress bar and lines
    "starting": "开始",
    "{rate} (paused: throttled)": "{rate}（暂停：被限流）",
    "reading tickets": "读取工单",
    "sending": "发送",
    "progress: {done}/{total} tickets read, {counts}, rate {rate}": "进度：已读取 {done}/{total} 个工单，{counts}，速率 {rate}",
    "progress: {done}/{total} rows, {counts}, rate {rate}": "进度：{done}/{total} 行，{counts}，速率 {rate}",
    # cli_helpdesk.py: export and run --select
    "{option} {file}: no ticket ids in it": "{option} {file}：里面没有工单号",
    "Selected: {filters}": "已筛选：{filters}",
    "{written} of {tickets}": "{written}/{tickets}",
    "{n} request": "{n} 次请求",
    "{n} requests": "{n} 次请求",
    "Exported {written} tickets to {target} ({requests} to the list API in {seconds} s)":
        "已导出 {written} 个工单到 {target}（用时 {seconds} 秒，调用列表 API {requests}）",
    "Edit the cells to change and run it ({command} first shows each change): the rows you leave as they are send "
    "nothing.": "修改要变更的单元格后运行它（先用 {command} 可查看每处变更）：保持原样的行不会发送任何内容。",
    "error: stopped early: {reason}; nothing was written": "错误：提前停止：{reason}；未写入任何内容",
    "Interrupted: nothing was written.": "已中断：未写入任何内容。",
    "{set} and {comment} go with {select} FILTERS (the tickets to change), or a job file's [select]":
        "{set} 和 {comment} 要与 {select} FILTERS（要变更的工单）或任务文件的 [select] 一起使用",
    "give INPUT or {select}, not both": "请给出 INPUT 或 {select}，不要同时给出",
    "job file {file}: `input` and [select] do not go together": "任务文件 {file}：`input` 和 [select] 不能同时使用",
    "Selected {n} tickets ({filters}); their sheet: {sheet}": "已筛选 {n} 个工单（{filters}）；它们的表格：{sheet}",
    "Apply {change} to these {n} tickets?": "对这 {n} 个工单应用 {change}？",
    "Resumed the selection an earlier run left unfinished: {n} tickets, {sheet} ({option} selects again)":
        "已续跑之前运行未完成的筛选：{n} 个工单，{sheet}（{option} 可重新筛选）",
    "No ticket matches {filters}: nothing to do.": "没有工单符合 {filters}：无需操作。",
    "Not confirmed: nothing was sent ({option} applies it without asking).":
        "未确认：未发送任何内容（{option} 可不经询问直接应用）。",
    "No ticket matches {filters}: nothing to plan.": "没有工单符合 {filters}：无需计划。",
    # naming.py: how an option is named and set on the command line or in a library call
    "pass {option}={value}": "传入 {option}={value}",
    "pass {option} {value}": "加上 {option} {value}",
    "the job file": "任务文件",
    "the job file's [defaults]": "任务文件的 [defaults]",
    "the job file's [values]": "任务文件的 [values]",
    # jobs/config.py, jobs/options.py, jobs/status.py: a job file, a run's options, a job's status
    "must be the NAME of an environment variable (e.g. {example}), not the credential itself":
        "必须是环境变量的名称（例如 {example}），而不是凭证本身",
    "job file {file}: no such file": "任务文件 {file}：文件不存在",
    "job file {file}: cannot read it ({error})": "任务文件 {file}：无法读取（{error}）",
    "job file {file}: not valid TOML: {error}": "任务文件 {file}：不是有效的 TOML：{error}",
    "job file {file}: {problems}": "任务文件 {file}：{problems}",
    "not a known key": "不是已知的键",
    "Input should be a valid integer, unable to parse string as an integer": "应为整数，无法把文本解析为整数",
    "Input should be a valid integer": "应为整数",
    "Input should be a valid integer, got a number with a fractional part": "应为整数，而这个数有小数部分",
    "Input should be a valid number, unable to parse string as a number": "应为数字，无法把文本解析为数字",
    "Input should be a valid number": "应为数字",
    "Input should be a valid boolean, unable to interpret input": "应为布尔值（true 或 false），无法识别输入",
    "Input should be a valid boolean": "应为布尔值（true 或 false）",
    "Input should be a valid string": "应为文本",
    "Input should be a valid dictionary": "应为表（TOML 表）",
    "Input should be a valid list": "应为列表",
    "Input should be greater than {gt}": "应大于 {gt}",
    "Input should be greater than or equal to {ge}": "应大于或等于 {ge}",
    "Input should be less than {lt}": "应小于 {lt}",
    "Input should be less than or equal to {le}": "应小于或等于 {le}",
    "Input should be {expected}": "应为 {expected}",
    "Input should be a finite number": "应为有限的数字",
    "Input is not a valid path": "不是有效的路径",
    "this job file selects its tickets ([select]): run it as a selection ({option} FILE on the command line, or "
    "batch_updater.run_selection)":
        "这个任务文件自己筛选工单（[select]）：请把它作为筛选运行（命令行上用 {option} FILE，或用 batch_updater.run_selection）",
    "this job file has a [set] but no [select]: add [select] with the filters of the tickets to change (status = 5, "
    "updated-before = \"14 days ago\"), or `input`, a spreadsheet":
        "这个任务文件有 [set] 但没有 [select]：请加上 [select]，写明要变更的工单的筛选条件（status = 5、"
        "updated-before = \"14 days ago\"），或加上 `input`，即一个电子表格",
    "no input: give the spreadsheet to run (INPUT), or `input` in the job file":
        "没有输入：请给出要运行的电子表格（INPUT），或在任务文件中写 `input`",
    "{option} must be from {low} to {high}": "{option} 必须在 {low} 到 {high} 之间",
    "{option} must be a row number from 1 (the first row) to {max}": "{option} 必须是 1（第一行）到 {max} 之间的行号",
    "{option} must be a number of seconds more than 0": "{option} 必须是大于 0 的秒数",
    "values.{column}: a table of the column's values -> what to read instead (e.g. 已完成 = \"51\")":
        "values.{column}：应为一张表：列中的值 -> 改读成的值（例如 已完成 = \"51\"）",
    "result_fields: give a field's name for any of result, code, msg, finished_at (not {unknown})":
        "result_fields：请为 result、code、msg、finished_at 中的任意一个给出字段名（而不是 {unknown}）",
    "result_fields: give a field's name for any of result, code, msg, finished_at":
        "result_fields：请为 result、code、msg、finished_at 中的任意一个给出字段名",
    "no job {job!r} in {folder} (give a job id, or the path of its input; {status} alone lists them)":
        "{folder} 中没有任务 {job!r}（请给出任务 ID 或其输入的路径；单独运行 {status} 会列出所有任务）",
    # run/job.py, run/prepare.py, run/rows.py: a run's report and warnings, the Summary sheet's settings
    "cannot write the report to {path} ({why})": "无法把报告写到 {path}（{why}）",
    "{problem}; it is in {path} instead": "{problem}；改为写在 {path}",
    "{problem} nor to {path} ({why}): each row's result is in the job's journal and the log only":
        "{problem}，也无法写到 {path}（{why}）：每行的结果只在任务日志（journal）和运行日志中",
    "dry run (nothing sent)": "试运行（未发送任何内容）",
    "live": "正式运行",
    "sandbox": "沙盒",
    "in-process sandbox": "进程内沙盒",
    "Plan": "计划",
    "No undo sheet: this run changed no field and posted no comment, so there is nothing to undo":
        "没有撤销表：本次运行没有改动任何字段，也没有发布评论，无需撤销",
    "yes": "是",
    "no": "否",
    "mode": "模式",
    "input": "输入",
    "sheet": "工作表",
    "encoding": "编码",
    "started_at": "开始时间",
    "job": "任务",
    "rows done by an earlier run": "之前运行已完成的行",
    "api": "API",
    "rate": "速率",
    "concurrency": "并发数",
    "max attempts": "最多尝试次数",
    "timeout (s)": "超时（秒）",
    "retry comments": "重试评论",
    "wall time (s)": "总用时（秒）",
    "achieved rate": "实际速率",
    "settled rate": "结束时速率",
    "throttle answers": "限流返回次数",
    "throttle pauses": "限流暂停次数",
    "stopped because": "停止原因",
    "a link is read from the API it lives on, and the built-in sandbox starts empty: run {command} (it serves a demo "
    "Base and sheet, and prints their links) and point FEISHU_BASE_URL at it, instead of {option}":
        "链接要从它所在的 API 读取，而内置沙箱启动时是空的：请运行 {command}（它提供一个演示多维表格和电子表格，"
        "并打印它们的链接），再把 FEISHU_BASE_URL 指向它，而不是用 {option}",
    "input: expected a file's path or a Source, not {kind}": "input：应为文件路径或 Source，而不是 {kind}",
    "value maps ({option}) for columns not in the sheet: {columns}": "值映射（{option}）对应的列不在表格中：{columns}",
    "{n} cell emptied since the export ({cells}) is not sent: an empty cell leaves its field as it is, so the ticket "
    "keeps its value":
        "导出后被清空的 {n} 个单元格（{cells}）不会发送：空单元格不改动对应字段，工单保留原值",
    "{n} cells emptied since the export ({cells}) are not sent: an empty cell leaves its field as it is, so the "
    "ticket keeps its value":
        "导出后被清空的 {n} 个单元格（{cells}）不会发送：空单元格不改动对应字段，工单保留原值",
    "{folder}: the job's journal cannot be written; make room there and run the same command again":
        "{folder}：无法写入任务日志（journal）；请在那里腾出空间，然后再次运行同一命令",
    "{folder}: the job's journal cannot be written; the rows not sent are not_attempted: make room there and run "
    "the same command again":
        "{folder}：无法写入任务日志（journal）；未发送的行标为未发送（not_attempted）：请在那里腾出空间，然后再次运行同一命令",
    "the comments this run did not post stay reserved until this job runs again":
        "本次运行没有发布的评论会一直保留，直到这个任务再次运行",
    " and {n} more": " 等另外 {n} 个",
    "{option}: a comment may now be posted twice on {n} tickets (the rows' msg says why): {tickets}":
        "{option}：{n} 个工单上的评论现在可能被发布两次（原因见这些行的说明）：{tickets}",
    "what this run changed is not recorded in the job's journal: a later run's undo sheet will not restore it":
        "本次运行的改动没有记录在任务日志（journal）中：之后运行的撤销表不会恢复它们",
    "{n} rows would post a comment this job posted (or may have) before it was started over with {option}":
        "{n} 行要发布的评论，这个任务在用 {option} 从头开始之前已经发过（或可能发过）",
    "{n} rows would post a comment another job posted or may have ({inputs})":
        "{n} 行要发布的评论，另一个任务已经发过或可能发过（{inputs}）",
    "{held}: held, not posted again (a row's other fields are still sent); {option} posts them":
        "{held}：先不发布，不会再发一次（这些行的其他字段照常发送）；{option} 会发布它们",
    "resumed from the journal an earlier version of batch-updater kept for this file: {n} rows":
        "已从旧版 batch-updater 为这个文件保存的任务日志（journal）续跑：{n} 行",
    # run/notifying.py, notify/: the card when a job ends, and its targets
    "{option} {target}: the app's bot sends it, which needs FEISHU_APP_ID and FEISHU_APP_SECRET (or notify a group "
    "through webhook:<url>)":
        "{option} {target}：由应用的机器人发送，需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET（或通过 webhook:<url> 通知群）",
    "{option}: a run against the in-process sandbox notifies nobody (it is gone when the run ends)":
        "{option}：针对进程内沙箱的运行不会通知任何人（运行结束时沙箱就没了）",
    "notifying {target} failed: {why} (the run's exit code and report are unchanged)":
        "通知 {target} 失败：{why}（运行的退出码和报告不变）",
    "{option} {target!r}: use chat:<chat id>, user:<email or open_id> or webhook:<url>":
        "{option} {target!r}：请用 chat:<chat id>、user:<email 或 open_id> 或 webhook:<url>",
    "{option} {target!r}: a webhook's URL starts with https:// (http:// only on this machine)":
        "{option} {target!r}：Webhook 的 URL 以 https:// 开头（http:// 只限本机）",
    "the app's bot needs FEISHU_APP_ID and FEISHU_APP_SECRET": "应用的机器人需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET",
    "HTTP {status} with a non-API answer": "HTTP {status}，返回的不是 API 的应答",
    " ({meaning})": "（{meaning}）",
    "not sent": "未发送",
    "Job done": "任务完成",
    "Job done, with problems": "任务完成（有问题）",
    "Job stopped": "任务已停止",
    "Input": "输入",
    "Results": "结果",
    "Rate held": "保持速率",
    "Duration": "用时",
    "Exit code": "退出码",
    "Source": "来源",
    "First problems": "前几个问题",
    "Job": "任务",
    "{seconds} s": "{seconds} 秒",
    # console/: the page's controls named in the library's messages, its API's answers, serve's lines
    "the sheet list above": "上方的工作表列表",
    "the encoding chosen above": "上方选择的编码",
    "the column mapping on this page": "本页的列对应",
    "the value maps on this page": "本页的取值对应",
    "the speed box": "速度框",
    "the option to skip rows that change nothing": "“跳过不会改变任何内容的行”选项",
    "the option to write an undo sheet": "“生成撤销表”选项",
    "the option to retry comments": "“对可能已发布的评论也重试”选项",
    "choose its encoding in the list above": "请在上方列表中选择它的编码",
    "choose {value} in the encoding list above": "请在上方编码列表中选择 {value}",
    "choose another sheet in the list above": "请在上方列表中选择另一个工作表",
    "choose sheet {value} in the list above": "请在上方列表中选择工作表 {value}",
    "the command line's {flag}": "命令行的 {flag}",
    "run it from the command line with {flag}": "请在命令行中使用 {flag}",
    "{name}: {what}, more than this console takes ({rows} rows, {cells} cells); run it from the command line, "
    "which takes far bigger sheets ({limits}): `{check}` checks it, then `{command}` sends it":
        "{name}：{what}，超出了控制台能处理的规模（{rows} 行，{cells} 个单元格）；请在命令行中运行，它能处理大得多的表格"
        "（{limits}）：`{check}` 检查，然后 `{command}` 发送",
    "{text} (the columns mapped on this page go in a job file's [columns] table: {mapped}; run it with {flag} FILE)":
        "{text}（本页的列对应写进任务文件的 [columns] 表：{mapped}；用 {flag} FILE 运行）",
    "more than {n} rows": "超过 {n} 行",
    "more than {n} cells": "超过 {n} 个单元格",
    "sheet {name!r} has more than {n} rows": "工作表 {name!r} 超过 {n} 行",
    "sheet {name!r} has more than {n} cells": "工作表 {name!r} 超过 {n} 个单元格",
    "sheet {name!r} unzips to more than {mb} MB": "工作表 {name!r} 解压后超过 {mb} MB",
    "renames: a JSON object of the sheet's header -> the tool's column": "renames：应为 JSON 对象，表头 -> 工具的列",
    "values: a JSON object of the sheet's header -> {{a value -> what to send instead}}":
        "values：应为 JSON 对象，表头 -> {{取值 -> 改为发送的值}}",
    "{name}: give the job file's text (a TOML file of at most {kb} KB)": "{name}：请提供任务文件的内容（不超过 {kb} KB 的 TOML 文件）",
    "the request's body is not JSON": "请求正文不是 JSON",
    "the request's body must be a JSON object": "请求正文必须是 JSON 对象",
    "filters: a JSON object of a filter's name -> its value": "filters：应为 JSON 对象，筛选条件名 -> 取值",
    "a plan of {name} is going: wait for it to end, or stop it, first": "{name} 的计划正在进行：请等它结束，或先停止它",
    "a run of {name} is going: wait for it to end, or stop it, first": "{name} 的执行正在进行：请等它结束，或先停止它",
    "status={statuses}": "状态={statuses}",
    "tag={tag}": "标签={tag}",
    "agent={agent}": "客服={agent}",
    "channel={channel}": "渠道={channel}",
    "solved={solved}": "是否解决={solved}",
    "created-since={at}": "创建时间不早于 {at}",
    "created-before={at}": "创建时间早于 {at}",
    "updated-since={at}": "最后更新不早于 {at}",
    "updated-before={at}": "最后更新早于 {at}",
    "{filters} {filter}": "{filters}；{filter}",
    "not a filter: {names}; use {filters}": "不是筛选条件：{names}；可用 {filters}",
    "interrupted": "已中断",
    "the export stopped early: {reason}; nothing was written": "导出提前停止：{reason}；没有写入任何内容",
    "the server stopped while it was going (it crashed or was killed): run the plan again":
        "运行期间服务器停止了（崩溃或被终止）：请重新生成计划",
    "the server stopped while it was going (it crashed or was killed), before any row was sent: run the sheet again":
        "运行期间服务器停止了（崩溃或被终止），当时还没有发送任何行：请重新执行这个表格",
    "the server stopped while it was going (it crashed or was killed); the job's journal (this run and the earlier "
    "ones of this sheet) has {known}":
        "运行期间服务器停止了（崩溃或被终止）；任务日志（这次以及这个表格之前的运行）记录了 {known}",
    "no row finished": "没有已完成的行",
    "{text}, and {n} rows being sent when it stopped (they may have been applied: a comment among them is not "
    "posted again unless reading the ticket back shows it was not)":
        "{text}，另有 {n} 行在停止时正在发送（可能已经生效：其中的评论不会再次发布，除非读回工单发现它没有发布）",
    "{text}. Run the sheet again to resume: the rows done are not sent again": "{text}。重新执行这个表格即可继续：已完成的行不会再次发送",
    "batch-updater job file: the choices made on the console for {name}": "batch-updater 任务文件：在控制台为 {name} 所做的选择",
    "batch-updater run {flag} THIS-FILE (beside the sheet), or load it on the console's page":
        "batch-updater run {flag} 本文件（与表格放在同一文件夹），或在控制台页面中载入",
    "the sheet's header = the field it holds": "表格的表头 = 它对应的字段",
    "a value in this column = what is sent instead": "这一列中的值 = 改为发送的值",
    "the console is stopping: no new run starts": "控制台正在停止：不再开始新的运行",
    "a plan of this sheet is running already (started {at}); stop it or wait for it to end":
        "这个表格的计划已在进行（开始于 {at}）；请停止它或等它结束",
    "a run of this sheet is running already (started {at}); stop it or wait for it to end":
        "这个表格的执行已在进行（开始于 {at}）；请停止它或等它结束",
    "a run of {name} is sending to this helpdesk (started {at}): one run at a time per helpdesk, so that no "
    "comment is posted twice; wait for it to end, or stop it (Earlier runs: Stop)":
        "{name} 的执行正在向这个服务台发送（开始于 {at}）：每个服务台同时只能有一次执行，以免评论重复发布；"
        "请等它结束，或停止它（本服务器之前的运行：停止）",
    "batch-updater console": "batch-updater 控制台",
    "This page needs the console's access token.": "此页面需要控制台的访问令牌。",
    "Paste the address batch-updater serve printed when it started (it holds the token), or the token alone. "
    "Ask whoever started it.":
        "请粘贴 batch-updater serve 启动时打印的地址（其中含有令牌），或只粘贴令牌。可向启动它的人索取。",
    "Address or token": "地址或令牌",
    "Open": "打开",
    "That is not this server's token.": "这不是此服务器的令牌。",
    "this server answers only to its own address (Host not allowed)": "此服务器只响应它自己的地址（Host 不允许）",
    "a change must come from this console's own page (Origin not allowed)": "修改只能来自此控制台自己的页面（Origin 不允许）",
    "that is not this server's access token: paste the address `batch-updater serve` printed when it started "
    "(it holds the token)":
        "这不是此服务器的访问令牌：请粘贴 `batch-updater serve` 启动时打印的地址（其中含有令牌）",
    "open the address `batch-updater serve` printed when it started: it holds the access token (ask whoever "
    "started it)":
        "请打开 `batch-updater serve` 启动时打印的地址：其中含有访问令牌（可向启动它的人索取）",
    "(FEISHU_BASE_URL is not a valid address)": "（FEISHU_BASE_URL 不是有效地址）",
    "batch-updater console: {url}": "batch-updater 控制台：{url}",
    "a sandbox on this machine": "本机上的沙箱",
    "  API: {api}; files in {folder}; Ctrl-C stops it (and any run, as Ctrl-C stops a run)":
        "  接口：{api}；文件在 {folder}；Ctrl-C 停止它（以及正在进行的运行，和 Ctrl-C 停止一次运行一样）",
    "warning: listening on {host}: anyone who can reach it and has the URL can run jobs with this machine's "
    "credentials":
        "警告：正在监听 {host}：任何能访问它并拿到这个地址的人，都能用本机的凭证运行任务",
    "  from another machine: {urls}": "  从其他机器访问：{urls}",
    "stopping: runs stop as with Ctrl-C and write their reports (press Ctrl-C again to cut off requests in flight)":
        "正在停止：运行像按下 Ctrl-C 一样停止并写出报告（再按一次 Ctrl-C 会中断正在进行的请求）",
    "cannot listen on {host}:{port}: {reason}": "无法监听 {host}:{port}：{reason}",
    "custom field (by its id)": "自定义字段（按字段 ID）",
    "{name}: not a spreadsheet the tool reads; use {suffixes}": "{name}：不是本工具能读取的表格；请使用 {suffixes}",
    "the file is larger than this console takes ({mb} MB); split it, or run it from the command line "
    "(batch-updater run), which takes {limits}":
        "文件超出了控制台能接收的大小（{mb} MB）；请拆分它，或在命令行中运行（batch-updater run），命令行能处理 {limits}",
    "send the file as a form upload (multipart/form-data, field `file`)": "请以表单上传的方式发送文件（multipart/form-data，字段 `file`）",
    "no file in the upload (field `file`)": "上传中没有文件（字段 `file`）",
    "a plan of {name} is going: wait for it to end, or stop it, before you upload that sheet again":
        "{name} 的计划正在进行：请等它结束或停止它，再重新上传这个表格",
    "a run of {name} is going: wait for it to end, or stop it, before you upload that sheet again":
        "{name} 的执行正在进行：请等它结束或停止它，再重新上传这个表格",
    "paste a link to a Base table or a sheet (https://….feishu.cn/base/…?table=…)":
        "请粘贴多维表格或电子表格的链接（https://….feishu.cn/base/…?table=…）",
    "not found (after a restart of the server, only the runs' list and files are kept)":
        "未找到（服务器重启后只保留运行列表和文件）",
    "bad request: {reason}": "请求有误：{reason}",
    # send/: the rate, a row's outcome while sending, why a run stops, the shared rate budget
    "{option} {text!r}: use auto, N/s or N/min (e.g. 20/s, 600/min)":
        "{option} {text!r}：请使用 auto、N/s 或 N/min（例如 20/s、600/min）",
    "{option} {text!r}: the lowest fixed rate is {lowest}/min": "{option} {text!r}：固定速度最低为 {lowest}/min",
    "its comment may now be on the ticket twice (comments were retried, as asked)":
        "它的评论现在可能在工单上出现了两次（已按要求重试评论）",
    "interrupted before it was sent": "发送前被中断",
    "not sent: the run stopped early (see the summary)": "未发送：运行提前停止（见汇总）",
    "not applied: throttled, then the run stopped": "未生效：被限流，随后运行停止",
    "gave up after the run stopped; last answer: {answer}": "运行停止后放弃；最后的回复：{answer}",
    "gave up after {n} attempts; last answer: {answer}": "尝试 {n} 次后放弃；最后的回复：{answer}",
    "{msg}; an earlier attempt may have been applied: {twice}": "{msg}；之前的某次尝试可能已经生效：{twice}",
    "{msg}; sent again after an answer that left it unknown: {twice}": "{msg}；在一次无法确定结果的回复之后再次发送：{twice}",
    "interrupted while its request was in flight: it may have been applied": "请求发出后被中断：可能已经生效",
    "{option} redis://... needs the redis package: pip install 'batch-updater[redis]'":
        "{option} redis://... 需要 redis 包：pip install 'batch-updater[redis]'",
    "reading tickets needs a tenant access token: set FEISHU_APP_ID and FEISHU_APP_SECRET (the app's credentials), "
    "or try it with {option}":
        "读取工单需要租户访问令牌：请设置 FEISHU_APP_ID 和 FEISHU_APP_SECRET（应用凭证），或用 {option} 试一试",
    "the shared rate budget ({limiter}) cannot be used ({reason}); this process paces itself alone from now on":
        "共享的限流额度（{limiter}）无法使用（{reason}）；从现在起这个进程单独控制速度",
    "none (this process alone)": "无（仅这个进程）",
    "cannot use the limiter {limiter}: {error}: {reason}; nothing was sent (check the address and password, or "
    "{option} none)":
        "无法使用限流器 {limiter}：{error}：{reason}；没有发送任何内容（请检查地址和密码，或使用 {option} none）",
    "another process has held the token refresh lock in Redis for over {seconds} s; try again later":
        "另一个进程在 Redis 中持有令牌刷新锁已超过 {seconds} 秒；请稍后再试",
    "cannot reach {origin}: {reason} (the API stopped answering: the last {n} requests, for {rows} rows, got no "
    "answer)":
        "无法连接 {origin}：{reason}（接口不再回复：最近 {n} 个请求（涉及 {rows} 行）都没有回复）",
    "no answer from {origin}: {reason} (the API stopped answering: the last {n} requests, for {rows} rows, got no "
    "answer)":
        "{origin} 没有回复：{reason}（接口不再回复：最近 {n} 个请求（涉及 {rows} 行）都没有回复）",
    "the first {n} tickets all answered {code} (no permission): the user whose token is used is probably not an "
    "agent of this helpdesk with rights on these tickets":
        "前 {n} 个工单都回复 {code}（没有权限）：所用令牌的用户可能不是这个服务台的客服，或对这些工单没有权限",
    "the first {n} tickets read all answered {code} (no permission): tickets are read with the app's tenant token, "
    "not your user token, so the app (FEISHU_APP_ID) probably lacks the helpdesk:all:readonly scope (enable it and "
    "publish a new version) or rights on this helpdesk":
        "读取的前 {n} 个工单都回复 {code}（没有权限）：读取工单用的是应用的租户令牌，而不是你的用户令牌，"
        "所以应用（FEISHU_APP_ID）可能缺少 helpdesk:all:readonly 权限（请开通并发布新版本），或没有这个服务台的权限",
    # send/shared.py, run/plan.py: found by the stricter scan
    "{option} {value!r}: use none, state, or redis://[:password@]host:port/db (rediss:// for TLS)":
        "{option} {value!r}：请用 none、state 或 redis://[:password@]host:port/db（TLS 用 rediss://）",
    "plan (nothing sent)": "计划（未发送任何内容）",
    # control.py: a job's rate when other jobs share its budget (issue 18 #8)
    "{own} (budget {rate} shared with 1 other job)": "{own}（与另外 1 个任务共享限额 {rate}）",
    "{own} (budget {rate} shared with {n} other jobs)": "{own}（与另外 {n} 个任务共享限额 {rate}）",
    # cli.py status: a run killed without finishing (issue 18 #9)
    "interrupted (its run stopped at {when} without finishing: the process is gone)":
        "已中断（上次运行于 {when} 停止，没有结束：进程已不在）",
    "  run the same command again to resume it: the rows done are not sent again":
        "  再次运行同一命令即可续跑：已完成的行不会再次发送",
    " ({counts})": "（{counts}）",
}
