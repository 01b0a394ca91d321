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
    "nothing to change: fill at least one field besides ticket_id": "没有要改的内容：除 ticket_id 外至少填一个字段",
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
    "throttled": "被限流",
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
}
