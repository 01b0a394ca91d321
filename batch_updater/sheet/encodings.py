"""A text file's encoding: read only what decodes cleanly and reads plausibly, or say why not.

Accepted without being told: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
without one when its zero bytes leave no doubt) and GBK/GB18030. Anything else
stops with an EncodingUnclear (errors.py) whose message says how to choose the
encoding in the front end in use (naming.advice: `--encoding` on the command line).

Why not simply "try UTF-8, then GB18030": GB18030 maps almost any byte string to
some characters, so a file that mixes UTF-8 and GBK lines, or a Windows-1252 or
Big5 file, "decodes" as GB18030 into nonsense (`中文` in UTF-8 reads as `涓枃`).
Two checks keep that out:

- line by line: a line that is valid UTF-8, holds non-ASCII text and reads more
  plausibly as UTF-8 than as GB18030 is a UTF-8 line. (GBK text is only rarely
  valid UTF-8 by chance, and then reads as nonsense in UTF-8.) A file with UTF-8
  lines and lines that are not UTF-8 mixes encodings, and is refused naming both.
- the GB18030 reading as a whole must be plausible text: charset-normalizer's
  "mess" measure (odd scripts side by side, unusual symbols, private-use
  characters...) must stay under its own default limit.
"""

from __future__ import annotations

import codecs

from batch_updater.errors import EncodingUnclear, InputError
from batch_updater.naming import advice, option


def mess_ratio(text: str) -> float:
    """charset-normalizer's measure of how much a decoded text reads as nonsense (0 = none)."""
    from charset_normalizer.md import mess_ratio as measure

    return measure(text, 1.0)  # 1.0: measure it all, do not stop at charset-normalizer's own limit


MESS_LIMIT = 0.2  # charset-normalizer's default: above this a decoding reads as nonsense
_SAMPLE_LINES = 2000  # non-ASCII lines the plausibility of a GB18030 reading is judged on
COMMON = ("utf-8", "gb18030", "cp1252", "big5")  # offered when nothing narrows the choice


def _hint() -> str:
    return f"{advice('encoding')} (e.g. {', '.join(COMMON)})"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the codec that read it. Raises InputError with a one-line reason."""
    if encoding:
        return _decode_as(data, encoding)
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", "the file starts with a UTF-8 byte-order mark but"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "the file starts with a UTF-16 byte-order mark but"), "utf-16"
    if b"\x00" in data and (utf16 := _utf16_without_bom(data)) is not None:
        return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _gb18030(data)


def _decode_as(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", option="encoding", value=encoding) from None
    try:
        return data.decode(encoding), encoding
    except LookupError:  # a codec that is not a text encoding (base64, hex...)
        raise InputError(f"{encoding!r} is not a text encoding; use e.g. utf-8 or gb18030", option="encoding",
                         value=encoding) from None
    except UnicodeDecodeError as e:
        at = _offset(data, encoding, e)
        line = _line(data, at, encoding)
        raise EncodingUnclear(f"the file is not valid {encoding}: line {line} ({_byte(data, at)}); check "
                              f"{option('encoding')}", lines=(line,), candidates=COMMON, value=encoding) from None


def _strict(data: bytes, codec: str, lead: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        at = _offset(data, codec, e)
        line = _line(data, at, codec)
        raise EncodingUnclear(f"{lead} line {line} is not {codec.split('-sig')[0].upper()} ({_byte(data, at)}): save "
                              f"the file again in one encoding, or {_hint()}", lines=(line,),
                              candidates=COMMON) from None


def _offset(data: bytes, codec: str, error: UnicodeDecodeError) -> int:
    """Where in the file the error is: utf-8-sig counts from after the byte-order mark it takes off."""
    if codecs.lookup(codec).name == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
        return error.start + len(codecs.BOM_UTF8)
    return error.start


def _line(data: bytes, offset: int, codec: str | None = None) -> int:
    """The line the byte at `offset` is on: the text before it, read in `codec`, counted by its line
    breaks (in UTF-16 a byte 0x0A may be half of another character)."""
    if codec is not None:
        return data[:offset].decode(codec, errors="replace").count("\n") + 1
    return data.count(b"\n", 0, offset) + 1


def _byte(data: bytes, offset: int) -> str:
    return f"byte 0x{data[offset]:02X} at offset {offset}" if offset < len(data) else "the end of the file"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: ASCII characters leave a zero byte in every other place.
    None when the zero bytes are too few for that: a stray NUL in a text file, which validation
    refuses naming its cell."""
    units = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) < max(1, units // 10):
        return None
    for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Confident: many code units are ASCII (a zero high byte), few low bytes are zero.
        if len(data) % 2 == 0 and units and zeros >= max(1, units // 10) and others * 20 <= zeros:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            if mess_ratio(text[:100_000]) < MESS_LIMIT:
                return text, codec
            break
    line = _line(data, data.index(0))
    raise EncodingUnclear(f"the file holds zero bytes (line {line}): it is UTF-16 without a byte-order mark "
                          f"({advice('encoding', 'utf-16-le')}, or utf-16-be), or not a text file at all",
                          lines=(line,), candidates=("utf-16-le", "utf-16-be"))


def _gb18030(data: bytes) -> tuple[str, str]:
    utf8_line = other_line = 0
    sample: list[str] = []
    for number, line in enumerate(data.splitlines(), 1):
        if line.isascii():
            continue
        try:
            as_utf8 = line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
            if len(sample) < _SAMPLE_LINES:
                sample.append(line.decode("gb18030", errors="replace"))
        else:
            if utf8_line or _reads_better_as_utf8(line, as_utf8):
                utf8_line = utf8_line or number
            elif len(sample) < _SAMPLE_LINES:
                sample.append(line.decode("gb18030", errors="replace"))
        if utf8_line and other_line:
            raise EncodingUnclear(
                f"the file mixes encodings: line {utf8_line} is UTF-8 but line {other_line} is not "
                f"({_first_bad_byte(data, other_line)}); save the whole file again as UTF-8, or {_hint()}",
                lines=(utf8_line, other_line), candidates=COMMON)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        line = _line(data, e.start)
        raise EncodingUnclear(f"cannot tell the file's encoding: it is neither UTF-8 nor GBK/GB18030 (line "
                              f"{line}, {_byte(data, e.start)}); {_hint()}", lines=(line,),
                              candidates=tuple(c for c in COMMON if c not in ("utf-8", "gb18030"))) from None
    if sample and mess_ratio("\n".join(sample)) >= MESS_LIMIT:
        raise EncodingUnclear("cannot tell the file's encoding: it is not UTF-8, and read as GBK/GB18030 it is "
                              f"nonsense (line {other_line} reads {_shown(sample[0])}); {_hint()}",
                              lines=(other_line,), candidates=tuple(c for c in COMMON if c != "utf-8"))
    return text, "gb18030"


def _reads_better_as_utf8(line: bytes, as_utf8: str) -> bool:
    """Valid UTF-8 that reads at least as well as UTF-8 as it does as GB18030.

    On a tie (short lines often read cleanly both ways: GBK 录 is UTF-8 ¼), the GB18030
    reading decides: UTF-8 Chinese read as GB18030 lands on rare characters outside
    GB2312 (关闭 reads 鍏抽棴), while GBK text that happens to be valid UTF-8 stays inside."""
    try:
        as_gb = line.decode("gb18030")
    except UnicodeDecodeError:
        return True
    mess_utf8, mess_gb = mess_ratio(as_utf8), mess_ratio(as_gb)
    if mess_utf8 != mess_gb:
        return mess_utf8 < mess_gb
    try:
        as_gb.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _first_bad_byte(data: bytes, line_number: int) -> str:
    lines = data.splitlines()
    try:
        lines[line_number - 1].decode("utf-8")
    except UnicodeDecodeError as e:
        return f"byte 0x{lines[line_number - 1][e.start]:02X}"
    return "not UTF-8"  # pragma: no cover - the line was found not to decode


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "...")
