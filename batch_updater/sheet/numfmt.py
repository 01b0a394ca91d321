"""What an .xlsx number format makes Excel show for a number, where calamine gives only the number.

A number cell's style names a number format (styles.xml). For most cells calamine's value
already reads as Excel shows it: General and Text (@) show the number itself, and calamine
reads the date and time formats as dates (DATE_IDS, and a custom code with a date letter,
by calamine's own rule: `calamine_date`). Percentages are xlsx_facts' own. Every other
format is a NumberFormat, which shows a number exactly (`show`) or says it cannot:

- shown: codes made of one digit placeholder, 0, 00000, 0.00, #,##0 or #,##0.00 (zero
  padding, fixed decimals, thousands), with colours, quoted or escaped text, - + $ ( ) and
  spaces, padding (_x, no character), and sections for negatives and zero. Excel rounds
  half away from zero the 15 significant digits it keeps, and so does `show`. Digits are
  written with . for the decimal point and , between thousands, as an English or Chinese
  Windows shows them;
- not shown (None): anything else: fractions (# ?/?), scientific (0.00E+00), fills (*),
  conditions ([>100]), locale tags ([$-804]), a negative number that rounds to zero or
  that a section shows without a - or ( (its colour alone says it is negative), and
  the built-in formats whose look depends on Windows' locale (currency 5-8, accounting
  37-44). The caller refuses such a cell rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from batch_updater.i18n import tr

# The built-in format ids calamine reads as dates or times (measured with python-calamine 0.9.1).
DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_PLAIN_IDS = (0, 49)  # General, Text (@)
_SHOWN_IDS = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00"}  # built-ins that look the same in every locale
_NAMED_IDS = {11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 48: "##0.0E+0"}  # named in a message, not shown
_COLOUR = re.compile(r"black|blue|cyan|green|magenta|red|white|yellow|color[0-9]{1,2}", re.IGNORECASE)
_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|(?P<pad>_.)|\[(?P<bracket>[^\]]*)\]'
                    r"|(?P<digits>#,##0|0+)(?P<decimals>\.0+)?|(?P<literal>[-+$() ])", re.DOTALL)
_SIGNIFICANT = 15  # digits Excel keeps of a number


@dataclass(frozen=True, slots=True)
class _Section:
    before: str  # text shown before the digits (all of it, in a section without digits)
    after: str
    whole: int  # digits shown at least before the point (00000: 5); 0 for a section without digits
    decimals: int
    grouped: bool  # a , between thousands
    has_digits: bool

    def show(self, value: Decimal, negative: bool) -> str | None:
        """`value` (its absolute value) in this section, or None when it cannot be shown exactly."""
        if not self.has_digits:
            return self.before
        try:
            rounded = value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # more digits than the context holds: not guessed
            return None
        if negative and not rounded:
            return None  # a negative number shown as zero: -0.00 or 0.00, not told here
        head, point, tail = (f"{rounded:,f}" if self.grouped else f"{rounded:f}").partition(".")
        return f"{self.before}{head.zfill(self.whole)}{point}{tail}{self.after}"


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """A number format this tool has to think about: how a message names it ("its number format
    00000"), and its sections (positive; negative; zero), or None when it is not shown here."""

    what: str
    sections: tuple[_Section, ...] | None = None

    def show(self, value: float | int) -> str | None:
        """The text Excel shows for `value`, or None when it cannot be told exactly."""
        if self.sections is None:
            return None
        sections, negative = self.sections, value < 0
        if len(sections) == 1:
            section, sign = sections[0], "-" if negative else ""
        else:
            section = sections[1] if negative else sections[2] if value == 0 and len(sections) > 2 else sections[0]
            sign = ""  # a section for negatives shows its own sign, if any
        if sign and not section.has_digits:
            return None  # no digits to put the sign before
        shown = section.show(Decimal(f"{abs(value):.{_SIGNIFICANT}g}"), negative)
        if not shown or negative and not sign and "-" not in shown and "(" not in shown:
            return None  # the format hides the number, or shows a negative one by its colour only (0.00;[Red]0.00)
        return sign + shown


def number_format(ident: int, code: str | None) -> NumberFormat | None:
    """The format of numFmtId `ident` (its formatCode if styles.xml gives one), or None when a
    number in it reads as calamine gives it: General, Text, a date or time. Not for percentages."""
    if code is None:
        if ident in _PLAIN_IDS or ident in DATE_IDS:
            return None
        if ident not in _SHOWN_IDS:
            named = _NAMED_IDS.get(ident)
            return NumberFormat(tr("its number format {code}", code=named) if named else
                                tr("its built-in number format {id}", id=ident))
        code = _SHOWN_IDS[ident]
    if code.strip().lower() in ("general", "@") or calamine_date(code):
        return None
    parts = _split(code)[:3]  # a fourth section is for text
    sections = [_section(part) for part in parts]
    if any(s is None for s in sections):
        return NumberFormat(tr("its number format {code}", code=code))
    return NumberFormat(tr("its number format {code}", code=code), tuple(s for s in sections if s is not None))


def _split(code: str) -> list[str]:
    """The code's sections, at each ; outside quotes and escapes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in code:
        if escaped:
            escaped = False
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch in "\\_*":
            escaped = True
        elif ch == ";":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _section(text: str) -> _Section | None:
    """One section, or None if it holds anything not shown here."""
    before: list[str] = []
    after: list[str] = []
    digits: str | None = None
    decimals = ""
    end = 0
    for match in _TOKEN.finditer(text):
        if match.start() != end:
            return None  # a character no token takes: # ? / E % * @ a letter, a second point...
        end = match.end()
        kind = "digits" if match["digits"] else match.lastgroup
        if kind == "digits":
            if digits is not None:
                return None  # two numbers in one section (00-00)
            digits, decimals = match["digits"], match["decimals"] or ""
            continue
        if kind == "bracket":
            if not _COLOUR.fullmatch(match["bracket"]):
                return None  # a condition [>100], a locale [$-804], [DBNum1], elapsed time...
            continue
        text_part = "" if kind == "pad" else match[kind] if kind in ("quoted", "escaped") else match.group()
        (after if digits is not None else before).append(text_part)
    if end != len(text):
        return None
    if digits is None:
        return _Section("".join(before), "", 0, 0, False, False)
    grouped = digits.startswith("#")
    return _Section("".join(before), "".join(after), 1 if grouped else len(digits), max(len(decimals) - 1, 0),
                    grouped, True)


def calamine_date(code: str) -> bool:
    """calamine's rule for a custom format that makes a cell a date or time (its formats.rs):
    a date letter outside quotes, escapes and brackets in the first section, or [h] [m] [s]."""
    escaped = quoted = ampm = hms = False
    brackets = 0
    previous = " "
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\*":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return False
        elif ch == "[":
            brackets += 1
        elif ch == "]" and brackets == 1 and hms:
            return True
        elif ch == "]":
            brackets = max(brackets - 1, 0)
        elif ch in "aA" and not ampm and not brackets:
            ampm = True
        elif ch in "pmPM/" and ampm and not brackets:
            return True
        elif ch in "dmhysDMHYS" and not ampm and not brackets:
            return True
        elif not (hms and ch.lower() == previous.lower()):
            hms = previous == "[" and ch in "mhsMHS"
        previous = ch
    return False
