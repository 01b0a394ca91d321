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
    # sheet/sniff.py, sheet/limits.py: what a file really is, and how big
    "the workbook is protected by a password (encrypted): open it in Excel, remove the password (File > Info > "
    "Protect Workbook > Encrypt with Password), save it, and try again":
        "工作簿设置了密码（已加密）：请在 Excel 中打开，去掉密码（文件 > 信息 > 保护工作簿 > 用密码进行加密），"
        "保存后再试",
    "an Excel workbook": "Excel 工作簿",
    "a legacy Excel workbook": "旧版 Excel 工作簿",
    "a text file": "文本文件",
    "a PNG image": "PNG 图片",
    "a JPEG image": "JPEG 图片",
    "a GIF image": "GIF 图片",
    "a PDF document": "PDF 文档",
    "a RAR archive": "RAR 压缩包",
    "a gzip archive": "gzip 压缩包",
    "a 7-Zip archive": "7-Zip 压缩包",
    "a web page (HTML), as some systems export for Excel; open it in Excel and save it as .xlsx":
        "网页（HTML），有些系统会这样导出给 Excel；请在 Excel 中打开并另存为 .xlsx",
    "an XML file (perhaps an Excel 2003 XML sheet); open it in Excel and save it as .xlsx":
        "XML 文件（可能是 Excel 2003 XML 表格）；请在 Excel 中打开并另存为 .xlsx",
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
}
