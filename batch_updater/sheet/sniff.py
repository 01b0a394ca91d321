"""What a file really is, from its first bytes: so that an empty, encrypted or misnamed file
gets a message naming the problem, not a reader's bare error."""

from __future__ import annotations

from typing import IO

from batch_updater.errors import InputError
from batch_updater.i18n import N_, tr

ZIP = b"PK\x03\x04"  # .xlsx, .xlsm (and .docx, .ods...)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and any password-protected Office file
# A password-protected .xlsx is an OLE container holding the encrypted zip as this stream.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

ENCRYPTED = N_("the workbook is protected by a password (encrypted): open it in Excel, remove the password "
             "(File > Info > Protect Workbook > Encrypt with Password), save it, and try again")
_OTHER_FORMATS = (
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"%PDF", N_("a PDF document")),
    (b"Rar!", N_("a RAR archive")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
)
WORKBOOK, LEGACY = N_("an Excel workbook"), N_("a legacy Excel workbook")


def check_content(fp: IO[bytes], name: str, *, excel: bool) -> None:
    """Raise InputError if the file cannot be what its name says; leaves `fp` at its start."""
    head = fp.read(512)
    fp.seek(0)
    if not head:
        raise InputError(tr("{name} is empty (0 bytes): expected a header row with a ticket_id column", name=name))
    what = _binary_kind(head, fp)
    if excel:
        if what in (WORKBOOK, LEGACY):
            return
        if what is None:
            raise InputError(tr("{name} is not an Excel workbook: it is {what}; if it is a CSV or TSV, give it a "
                                ".csv or .tsv name", name=name, what=tr(_text_kind(head))))
        raise InputError(tr("{name} is not an Excel workbook: it is {what}", name=name, what=tr(what)))
    if what is None:
        return
    if what in (WORKBOOK, LEGACY):
        raise InputError(tr("{name} is {what}, not a text file: give it an .xlsx (or .xls) name", name=name,
                            what=tr(what)))
    raise InputError(tr("{name} is not a text file: it is {what}", name=name, what=tr(what)))


def _binary_kind(head: bytes, fp: IO[bytes]) -> str | None:
    if head.startswith(ZIP):
        return WORKBOOK  # calamine tells a zip that is not a workbook
    if head.startswith(OLE):
        data = fp.read()
        fp.seek(0)
        if _ENCRYPTED_STREAM in data:
            raise InputError(tr(ENCRYPTED))
        return LEGACY
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            return what
    return None


def _text_kind(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return N_("a web page (HTML), as some systems export for Excel; open it in Excel and save it as .xlsx")
    if start.startswith(b"<?xml"):
        return N_("an XML file (perhaps an Excel 2003 XML sheet); open it in Excel and save it as .xlsx")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return N_("not a spreadsheet (binary data)")
    return N_("a text file")
