"""The fields a column can be mapped to on the page, as the server knows them: each with its
Chinese and English name (from the field registry's aliases) and, for a code field, its codes
with their words (for a value map). Custom fields are reached by id (`custom:<id>`); a list of
the helpdesk's own custom fields, by display name, joins this list here (one seam: the page
shows whatever this answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from batch_updater.schema.fields import REGISTRY, Field, Registry

CUSTOM_BY_ID = "custom:"  # the page asks for the field's id and maps the column to custom:<id>

# More targets, e.g. the helpdesk's custom fields by name: each a dict as `field_target` makes
# (name, zh, en, kind), `name` being what a job file's [columns] takes (custom:<id>).
MoreTargets = Callable[[], Iterable[dict[str, Any]]]


def _chinese(name: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in name)


def field_target(field: Field) -> dict[str, Any]:
    """A registry field as a target: its Chinese name (its first Chinese alias) and English one
    (its first other alias, else its own name in words)."""
    zh = next((a for a in field.aliases if _chinese(a)), field.name).replace("id", "ID")  # aliases are folded: 工单id
    en = next((a for a in field.aliases if a.isascii() and a != field.name), field.name.replace("_", " "))
    target: dict[str, Any] = {"name": field.name, "zh": zh, "en": en, "kind": field.kind}
    if field.kind == "code":
        target["codes"] = [{"code": code, "zh": words[0] if words else "", "en": words[1] if len(words) > 1 else ""}
                           for code, words in field.labels.items()]
    return target


def targets(registry: Registry = REGISTRY, more: MoreTargets | None = None) -> list[dict[str, Any]]:
    """The page's list: the registry's fields (the JSON customized_fields last), any `more`, and
    the custom field by id."""
    fields = sorted(registry, key=lambda f: f.kind == "custom")
    found = [field_target(f) for f in fields]
    if more is not None:
        found.extend(more())
    found.append({"name": CUSTOM_BY_ID, "zh": "自定义字段（按字段 ID）", "en": "custom field (by its id)",
                  "kind": "custom-id"})
    return found
