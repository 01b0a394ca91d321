"""Regenerates the sample spreadsheets (run from the project root: python sample_data/make_samples.py).

About 50 realistic rows, ids as text, every field kind, and a few rows that are
wrong on purpose so that a dry run's report has something to show.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
HEADER = ["ticket_id", "status", "tag_names", "comment", "solved", "ticket_type", "channel",
          "custom:6948728206392295444", "customized_fields", "owner_note"]
CN_HEADER = ["工单ID", "状态", "标签", "评论", "是否解决", "工单类型", "渠道", "custom:6948728206392295444",
             "customized_fields", "负责人备注"]


def ticket_id(i: int) -> str:
    return str(6945345902185807891 + i * 7919)


def rows() -> list[list[str]]:
    rnd = random.Random(2024)
    statuses = ["51", "closed", "处理中", "2", "已关闭", "5", "waiting for user", "4", "人工关闭工单", ""]
    tags = ["vpn, network", "hardware", "账号;权限", "[]", "printer、office", '["email", "migration"]', ""]
    comments = ["Closed in the 2024 clean-up.", "已在批量迁移中处理", "", "Moved to the new queue.", ""]
    out = []
    for i in range(46):
        out.append([
            ticket_id(i), rnd.choice(statuses), rnd.choice(tags), rnd.choice(comments),
            rnd.choice(["2", "resolved", "已解决", "1", ""]), rnd.choice(["2", "", ""]),
            rnd.choice(["", "", "9"]), rnd.choice(["高", "中", "", ""]),
            '[{"id": "6948728206392295555", "value": "IT", "key_name": "dept"}]' if i % 9 == 0 else "",
            '=HYPERLINK("http://example.invalid","click me")' if i == 7 else rnd.choice(["", "checked by Li Wei"]),
        ])
    # Wrong on purpose: each shows one rule of the validator.
    out.append(["6945345902185807x91", "51", "", "", "", "", "", "", "", "typo in the id"])
    out.append([ticket_id(50), "done", "", "", "maybe", "", "", "", "", "unknown labels"])
    out.append([ticket_id(51), "", "", "", "", "2.5", "", "", "", "a fraction is not a type"])
    out.append([ticket_id(52), "", "", "", "", "", "", "", "", "nothing to change"])
    out.append(["", "51", "", "no id here", "", "", "", "", "", "missing id"])
    out.append([ticket_id(3), "2", "follow-up", "Second row for the same ticket: applied after the first.",
                "", "", "", "", "", "repeated ticket"])
    return out


def write_csv(path: Path, header: list[str], data: list[list[str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fp:
        writer = csv.writer(fp)
        writer.writerow(header)
        writer.writerows(data)


def write_xlsx(path: Path, header: list[str], data: list[list[str]]) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Tickets")
    text = book.add_format({"num_format": "@"})
    sheet.set_column(0, 0, 22, text)
    sheet.set_column(1, len(header) - 1, 18, text)
    sheet.write_row(0, 0, header)
    for r, row in enumerate(data, 1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    # Excel's own trap: an id typed into a number cell has already lost its last digits.
    r = len(data) + 1
    sheet.write_number(r, 0, 6945345902185899999)
    sheet.write_string(r, 1, "51")
    sheet.write_string(r, len(header) - 1, "id typed as a number")
    book.close()


def main() -> None:
    data = rows()
    write_csv(HERE / "tickets.csv", HEADER, data, "utf-8")
    write_xlsx(HERE / "tickets.xlsx", HEADER, data)
    gbk = [r[:3] + [c.replace("Closed", "已关闭") for c in r[3:4]] + r[4:] for r in data[:20]]
    write_csv(HERE / "tickets-gbk.csv", CN_HEADER, gbk, "gbk")


if __name__ == "__main__":
    main()
