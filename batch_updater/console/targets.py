"""The fields a column can be mapped to on the page, as the server knows them: each with its
Chinese and English name (from the field registry's aliases) and, for a code field, its codes
with their words (for a value map). Custom fields are reached by id (`custom:<id>`); the
helpdesk's own custom fields, by display name (`helpdesk_fields`: its field list, as a run reads
it), join this list here (one seam: the page shows whatever this answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import N_, tr_in
from batch_updater.jobs.options import RunOptions
from batch_updater.run.fields import APP_CREDENTIALS, custom_fields
from batch_updater.schema.custom import NESTED_SEPARATOR, Choice, CustomField
from batch_updater.schema.fields import REGISTRY, Field, Registry

CUSTOM_BY_ID = "custom:"  # the page asks for the field's id and maps the column to custom:<id>
BY_ID = N_("custom field (by its id)")  # its name in the list, in both languages
MOST_CHOICES = 200  # a dropdown's options offered in a value map (a larger one: typed)

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
    found.append({"name": CUSTOM_BY_ID, "zh": tr_in("zh", BY_ID), "en": tr_in("en", BY_ID), "kind": "custom-id"})
    return found


def custom_target(field: CustomField) -> dict[str, Any]:
    """One of the helpdesk's custom fields as a target: by its display name, mapped by its id
    (`custom:<id>`, what a column headed by the display name reads as); a dropdown's options (a
    nested one's paths, `硬件 / 打印机 / 卡纸`) as the codes a value map offers."""
    target: dict[str, Any] = {"name": f"{CUSTOM_BY_ID}{field.id}", "zh": field.name, "en": field.name,
                              "kind": "custom-field", "field_type": field.field_type}
    if field.dropdown:
        paths: list[str] = []

        def walk(choices: Iterable[Choice], above: tuple[str, ...]) -> None:
            for choice in choices:
                if len(paths) >= MOST_CHOICES:
                    return
                here = (*above, choice.name)
                if not choice.children or not field.nested:
                    paths.append(NESTED_SEPARATOR.join(here))
                walk(choice.children if field.nested else (), here)

        walk(field.choices, ())
        target["codes"] = [{"code": p, "zh": "", "en": ""} for p in paths]
    return target


def helpdesk_fields(env: Mapping[str, str]) -> MoreTargets:
    """The helpdesk's custom fields (read as a run reads them: kept a day), as targets; none
    without the app's credentials, or when the list cannot be read (a column may still name a
    field by its id)."""

    def more() -> list[dict[str, Any]]:
        if not all(env.get(name, "").strip() for name in APP_CREDENTIALS):
            return []
        try:
            fields = custom_fields(RunOptions(input=Path("fields"), timeout=10.0, max_attempts=2), env)
        except BatchUpdaterError:
            return []
        return [custom_target(f) for f in fields if f.editable]

    return more
