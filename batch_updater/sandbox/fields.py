"""The helpdesk's custom fields, as the sandbox plays them (docs/api-facts.md §10): the field list
`GET /open-apis/helpdesk/v1/ticket_customized_fields` answers with, the values the demo tickets
hold, and what a ticket holds after an update carries a value for one.

The sandbox keeps its own beliefs (it never reads the client's schema). Where Feishu is silent
(UNKNOWN in §10) it chooses, and says so here:

- a dropdown's value, read or written, is its option's `display_name` (reading is documented;
  writing is not: `dropdown_write="tag"` makes an update's value mean the option's `tag`
  instead, and a value that is no tag is then taken silently and changes nothing, so a client
  that sends display names sees the mismatch only by reading the ticket back);
- a nested dropdown's value is the path of display names joined by " / " ("硬件 / 打印机 / 卡纸");
- a dropdown that allows several choices holds their display names joined by ",";
- a value for a field id the helpdesk does not have is kept as sent (as the sandbox always did).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NESTED_SEPARATOR = " / "
MULTIPLE_SEPARATOR = ","
FIELD_TYPES = ("string", "multiline", "dropdown", "dropdown_nested")


@dataclass(frozen=True, slots=True)
class Option:
    tag: str
    display_name: str
    children: tuple[Option, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "display_name": self.display_name,
                "children": [c.as_json() for c in self.children]}


@dataclass(frozen=True, slots=True)
class SandboxField:
    """One custom field of the helpdesk."""

    id: str
    key_name: str
    display_name: str
    field_type: str  # FIELD_TYPES
    options: tuple[Option, ...] = ()
    allow_multiple: bool = False
    visible: bool = True
    editable: bool = True
    required: bool = False

    def __post_init__(self) -> None:
        if self.field_type not in FIELD_TYPES:
            raise ValueError(f"{self.display_name}: field_type must be one of {', '.join(FIELD_TYPES)}")

    def as_item(self, helpdesk_id: str, position: int) -> dict[str, Any]:
        """The field as the field list shows it."""
        item: dict[str, Any] = {
            "ticket_customized_field_id": self.id, "helpdesk_id": helpdesk_id, "key_name": self.key_name,
            "display_name": self.display_name, "position": str(position), "field_type": self.field_type,
            "description": "", "visible": self.visible, "editable": self.editable, "required": self.required,
            "created_at": "1690000000000", "updated_at": "1690000000000",
        }
        if self.field_type in ("dropdown", "dropdown_nested"):
            item["dropdown_allow_multiple"] = self.allow_multiple
            item["dropdown_options"] = {"children": [o.as_json() for o in self.options]}
        return item

    def paths(self) -> list[tuple[Option, ...]]:
        """Every option, as its path from the top (a plain dropdown: each path is one option)."""
        found: list[tuple[Option, ...]] = []

        def walk(options: Sequence[Option], above: tuple[Option, ...]) -> None:
            for option in options:
                found.append((*above, option))
                walk(option.children, (*above, option))

        walk(self.options, ())
        return found

    def leaves(self) -> list[tuple[Option, ...]]:
        return [p for p in self.paths() if not p[-1].children]

    def stored(self, value: str, current: str | None, write: str) -> str | None:
        """What the ticket holds after an update sets this field to `value` (`write`: what the
        update's value means for a dropdown, "display_name" or "tag"); None: it keeps `current`."""
        if self.field_type not in ("dropdown", "dropdown_nested") or write == "display_name":
            return value
        by_tag = {"/".join(o.tag for o in path): path for path in self.paths()}
        parts = value.split(MULTIPLE_SEPARATOR) if self.allow_multiple else [value]
        names = []
        for part in parts:
            path = by_tag.get(part.strip())
            if path is None:
                return None  # taken without a word, changes nothing
            names.append(NESTED_SEPARATOR.join(o.display_name for o in path))
        return MULTIPLE_SEPARATOR.join(names)

    def demo_value(self, rng: random.Random) -> str | None:
        """A value a demo ticket may hold (None: none)."""
        if self.field_type == "string":  # every demo ticket has a customer number
            return f"C-{rng.randrange(10000, 99999)}"
        if rng.random() < 0.15:
            return None
        if self.field_type == "multiline":
            return rng.choice(["客户要求回电\n下午三点后", "已发送更换件", "waiting for logs"])
        if self.field_type == "dropdown_nested":
            return NESTED_SEPARATOR.join(o.display_name for o in rng.choice(self.leaves()))
        names = [o.display_name for o in self.options]
        if self.allow_multiple:  # in the options' order
            chosen = set(rng.sample(names, rng.randint(1, 2)))
            return MULTIPLE_SEPARATOR.join(n for n in names if n in chosen)
        return rng.choice(names)


def _options(*names: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(tag, name) for tag, name in names)


DEMO_FIELDS: tuple[SandboxField, ...] = (
    SandboxField("6948728206392295444", "priority", "紧急程度", "dropdown",
                 _options(("high", "高"), ("medium", "中"), ("low", "低"))),
    SandboxField("6948728206392295445", "product", "产品线", "dropdown_nested", (
        Option("hardware", "硬件", (
            Option("printer", "打印机", _options(("jam", "卡纸"), ("toner", "缺墨"))),
            Option("laptop", "笔记本", _options(("screen", "屏幕"), ("battery", "电池"))))),
        Option("software", "软件", (
            Option("office", "Office", _options(("install", "安装"), ("license", "许可证"))),
            Option("mail", "邮箱", ()))),
    )),
    SandboxField("6948728206392295446", "regions", "影响范围", "dropdown",
                 _options(("north", "华北"), ("east", "华东"), ("south", "华南"), ("overseas", "海外")),
                 allow_multiple=True),
    SandboxField("6948728206392295447", "customer_no", "客户编号", "string"),
    SandboxField("6948728206392295448", "agent_note", "处理备注", "multiline"),
    SandboxField("6948728206392295449", "severity", "Severity", "dropdown",
                 _options(("s1", "S1 - Critical"), ("s2", "S2 - Major"), ("s3", "S3 - Minor"))),
)
