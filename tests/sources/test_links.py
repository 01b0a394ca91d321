"""sources/links.py: what a pasted link names (docs/api-facts.md §9.1)."""

from __future__ import annotations

import pytest

from batch_updater.errors import UsageError
from batch_updater.sources.links import APIS, Link, check_api, identity_of, is_link, parse_link


@pytest.mark.parametrize("text, want", [
    ("https://acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ&view=vewQ1",
     Link("base", "bascnAbCd1234", "tblXyZ", "vewQ1")),
    ("https://acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ", Link("base", "bascnAbCd1234", "tblXyZ")),
    ("https://acme.feishu.cn/sheets/shtcnAbCd1234?sheet=a1B2c3", Link("sheets", "shtcnAbCd1234", sheet="a1B2c3")),
    ("https://acme.feishu.cn/sheets/shtcnAbCd1234", Link("sheets", "shtcnAbCd1234")),
    ("https://acme.feishu.cn/wiki/wikcnAbCd1234", Link("wiki", "wikcnAbCd1234")),
    ("https://acme.feishu.cn/wiki/wikcnAbCd1234?table=tblXyZ&view=vewQ1",
     Link("wiki", "wikcnAbCd1234", "tblXyZ", "vewQ1")),
    ("https://acme.larksuite.com/base/bascnAbCd1234?table=tblXyZ", Link("base", "bascnAbCd1234", "tblXyZ", lark=True)),
    ("  https://feishu.cn/sheets/shtcnAbCd1234#anchor  ", Link("sheets", "shtcnAbCd1234")),
])
def test_a_link_names_its_object(text, want):
    got = parse_link(text)
    assert (got.kind, got.token, got.table, got.view, got.sheet, got.lark) == (
        want.kind, want.token, want.table, want.view, want.sheet, want.lark)
    assert is_link(text)


@pytest.mark.parametrize("text, says", [
    ("https://example.com/base/bascnAbCd1234?table=tbl1", "a Feishu or Lark one"),
    ("https://acme.feishu.cn/docx/doxcnAbCd1234", "not a link to a Base table"),
    ("https://acme.feishu.cn/base/bascnAbCd1234", "copy the link from the address bar (it has ?table=tbl"),
])
def test_a_link_that_names_nothing_runnable_is_refused_saying_why(text, says):
    with pytest.raises(UsageError, match=says.replace("(", r"\(").replace("?", r"\?")):
        parse_link(text)


def test_a_path_is_not_a_link():
    assert not is_link("reports/https.csv") and not is_link("C:\\x.xlsx")


def test_identity_is_the_object_not_the_host():
    a = parse_link("https://acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ&view=vewQ1")
    b = parse_link("https://other.feishu.cn/base/bascnAbCd1234?view=vewQ1&table=tblXyZ")
    assert identity_of(a) == identity_of(b) and "/" not in identity_of(a)
    assert identity_of(a) != identity_of(parse_link("https://acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ"))


@pytest.mark.parametrize("text, kind", [
    ("acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ", "base"),  # as chat apps show a link
    (" feishu.cn/sheets/shtcnAbCd1234 ", "sheets"),
    ("acme.larksuite.com/wiki/wikcnAbCd1234", "wiki"),
])
def test_a_link_without_its_https_is_a_link(text, kind):
    assert is_link(text)
    link = parse_link(text)
    assert link.kind == kind and link.text.startswith("https://")


def test_a_host_alone_is_a_link_that_names_nothing():
    assert is_link("acme.feishu.cn") and not is_link("feishu.cn.csv") and not is_link("notes/feishu.cn/a.csv")
    with pytest.raises(UsageError, match="not a link to a Base table"):
        parse_link("acme.feishu.cn")


@pytest.mark.parametrize("text, origin, refused", [
    ("https://acme.larksuite.com/base/bascnAbCd1234?table=tblXyZ", APIS[False], "is a Lark link"),
    ("https://acme.feishu.cn/base/bascnAbCd1234?table=tblXyZ", APIS[True], "is a Feishu link"),
    ("https://acme.larksuite.com/base/bascnAbCd1234?table=tblXyZ", APIS[True], None),
    ("https://acme.larksuite.com/base/bascnAbCd1234?table=tblXyZ", "http://127.0.0.1:8791", None),  # a sandbox
    ("https://acme.feishu.cn/sheets/shtcnAbCd1234", "https://proxy.example.com", None),
])
def test_a_links_service_and_the_apis_must_agree(text, origin, refused):
    if refused is None:
        check_api(parse_link(text), origin)
    else:
        with pytest.raises(UsageError, match=refused):
            check_api(parse_link(text), origin)
