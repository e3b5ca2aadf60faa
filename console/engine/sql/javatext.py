"""Java text formats as OrientDB's SQL uses them.

:func:`format_date` and :func:`parse_date` follow ``java.text.SimpleDateFormat``
(English names, weeks starting on Sunday as in ``Locale.US``; parsing is lenient
like Java's default: out-of-range fields roll over, trailing text is ignored).
:func:`java_format` follows ``java.util.Formatter`` (``String.format``).
Errors are ``ValueError`` with a short message.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

UTC = _dt.timezone.utc
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LETTERS = "GyYMLdDEuFwWaHkKhmsSzZX"
_LONG_ZONES = {"UTC": "Coordinated Universal Time", "GMT": "Greenwich Mean Time",
               "CET": "Central European Time", "CEST": "Central European Summer Time",
               "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
               "CST": "Central Standard Time", "CDT": "Central Daylight Time",
               "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
               "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time"}
_ZONE_OFFSETS = {"UTC": 0, "GMT": 0, "CET": 60, "CEST": 120, "EST": -300, "EDT": -240, "CST": -360,
                 "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420}
_ZONE_NAMES = sorted([(k, v) for k, v in _ZONE_OFFSETS.items()]
                     + [(_LONG_ZONES[k], v) for k, v in _ZONE_OFFSETS.items()], key=lambda x: -len(x[0]))
_OLD_IDS = {"PST": "America/Los_Angeles", "CST": "America/Chicago", "IST": "Asia/Kolkata",
            "JST": "Asia/Tokyo", "ECT": "Europe/Paris", "CTT": "Asia/Shanghai"}

Item = str | tuple[str, int]  # literal text, or (pattern letter, count)


# ---- SimpleDateFormat ---------------------------------------------------------------------

@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> tuple[Item, ...]:
    """Split a SimpleDateFormat pattern into literal strings and (letter, count) fields."""
    items: list[Item] = []
    lit: list[str] = []

    def flush() -> None:
        if lit:
            items.append("".join(lit))
            lit.clear()

    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            if pattern.startswith("''", i):
                lit.append("'")
                i += 2
                continue
            i += 1
            while True:
                if i >= n:
                    raise ValueError(f"unterminated quote in date pattern '{pattern}'")
                if pattern.startswith("''", i):
                    lit.append("'")
                    i += 2
                elif pattern[i] == "'":
                    i += 1
                    break
                else:
                    lit.append(pattern[i])
                    i += 1
        elif "a" <= c <= "z" or "A" <= c <= "Z":
            if c not in _LETTERS:
                raise ValueError(f"illegal pattern character '{c}' in date pattern '{pattern}'")
            j = i
            while j < n and pattern[j] == c:
                j += 1
            if c == "X" and j - i > 3:
                raise ValueError(f"invalid ISO 8601 zone 'X' of length {j - i} in date pattern '{pattern}'")
            flush()
            items.append((c, j - i))
            i = j
        else:
            lit.append(c)
            i += 1
    flush()
    return tuple(items)


def zone(tz_id: Any) -> _dt.tzinfo:
    """A time zone from a Java TimeZone id (``UTC``, ``GMT+02:00``, ``Europe/Rome``);
    unknown ids mean GMT, as in Java."""
    s = str(tz_id).strip()
    if s == "UTC":
        return UTC
    m = re.fullmatch(r"GMT([+-])(\d{1,2})(?::?(\d\d))?", s)
    if m and int(m[2]) <= 23 and int(m[3] or 0) <= 59:
        h, mi = int(m[2]), int(m[3] or 0)
        off = _dt.timedelta(hours=h, minutes=mi) * (-1 if m[1] == "-" else 1)
        return _dt.timezone(off, f"GMT{m[1]}{h:02d}:{mi:02d}")
    try:
        if s and s != "GMT":
            return ZoneInfo(_OLD_IDS.get(s, s))
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        pass
    return _dt.timezone(_dt.timedelta(0), "GMT")


def _pad(v: int, n: int) -> str:
    return str(v).zfill(n)


def _offset(d: _dt.datetime) -> int:
    return int((d.utcoffset() or _dt.timedelta(0)).total_seconds() // 60)


def _gmt(minutes: int) -> str:
    return f"GMT{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_name(d: _dt.datetime, long: bool) -> str:
    name = d.tzname() or ""
    if re.fullmatch(r"UTC[+-]\d\d:\d\d|[+-]\d\d(\d\d)?", name):  # unnamed offsets
        return _gmt(_offset(d))
    return _LONG_ZONES.get(name, name) if long else name


def _week_start(day: _dt.date) -> _dt.date:
    """The Sunday starting the week of ``day``."""
    return day - _dt.timedelta(days=(day.weekday() + 1) % 7)


def _week_of_year(day: _dt.date) -> tuple[int, int]:
    """(week year, week of year) with weeks from Sunday, week 1 holding January 1st."""
    year = day.year
    if year < 9999 and day >= _week_start(_dt.date(year + 1, 1, 1)):
        return year + 1, 1
    return year, (day - _week_start(_dt.date(year, 1, 1))).days // 7 + 1


def _field(d: _dt.datetime, c: str, n: int) -> str:
    if c == "G":
        return "AD"
    if c in "yY":
        y = d.year if c == "y" else _week_of_year(d.date())[0]
        return f"{y % 100:02d}" if n == 2 else _pad(y, n)
    if c in "ML":
        return MONTHS[d.month - 1] if n >= 4 else MONTHS[d.month - 1][:3] if n == 3 else _pad(d.month, n)
    if c == "E":
        return DAYS[d.weekday()] if n >= 4 else DAYS[d.weekday()][:3]
    if c == "a":
        return "AM" if d.hour < 12 else "PM"
    if c == "z":
        return _zone_name(d, n >= 4)
    if c in "ZX":
        off = _offset(d)
        if c == "X" and off == 0:
            return "Z"
        sign, hh, mm = "-" if off < 0 else "+", f"{abs(off) // 60:02d}", f"{abs(off) % 60:02d}"
        return sign + hh + ("" if n == 1 else ":" + mm if n == 3 else mm) if c == "X" else sign + hh + mm
    value = {"d": d.day, "D": d.timetuple().tm_yday, "u": d.isoweekday(), "F": (d.day - 1) // 7 + 1,
             "w": _week_of_year(d.date())[1], "W": (d.day - 1 + (d.replace(day=1).weekday() + 1) % 7) // 7 + 1,
             "H": d.hour, "k": d.hour or 24, "K": d.hour % 12, "h": d.hour % 12 or 12,
             "m": d.minute, "s": d.second, "S": d.microsecond // 1000}[c]
    return _pad(value, n)


def _aware(value: _dt.date, tz: _dt.tzinfo | None) -> _dt.datetime:
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz or UTC)


def format_date(value: _dt.date, pattern: str, tz: _dt.tzinfo | None = None) -> str:
    """``new SimpleDateFormat(pattern).format(value)`` in time zone ``tz`` (default UTC);
    a DATE is midnight UTC, a naive datetime is UTC."""
    d = _aware(value, tz)
    return "".join(it if isinstance(it, str) else _field(d, *it) for it in compile_pattern(pattern))


def _match_name(text: str, pos: int, *lists: tuple[str, ...]) -> tuple[int, int]:
    """(index, end) of the longest case-insensitive name at ``pos``, trying each list in turn."""
    for names in lists:
        best = max(((len(s), i) for i, s in enumerate(names) if text[pos:pos + len(s)].lower() == s.lower()),
                   default=None)
        if best:
            return best[1], pos + best[0]
    raise ValueError


def _numeric_zone(text: str, pos: int, count: int, colon: bool) -> tuple[int, int]:
    """Minutes and end of ``hh[[:]mm]`` at ``pos`` (after the sign), as Java's subParseNumericZone."""
    m = re.compile(r"\d\d" if count or not colon else r"\d\d?").match(text, pos)
    if not m or int(m[0]) > 23:
        raise ValueError
    minutes, pos = int(m[0]) * 60, m.end()
    if count != 1:
        m = re.compile(":(\\d\\d)" if colon else "(\\d\\d)").match(text, pos)
        if not m or int(m[1]) > 59:
            raise ValueError
        minutes, pos = minutes + int(m[1]), m.end()
    return minutes, pos


def _parse_zone(text: str, pos: int, c: str, n: int) -> tuple[int, int]:
    """Offset in minutes and end of a zone at ``pos`` for pattern letter z, Z or X."""
    ch = text[pos]
    if c == "X":
        if ch == "Z":
            return 0, pos + 1
        if ch not in "+-":
            raise ValueError
        minutes, end = _numeric_zone(text, pos + 1, n, n == 3)
        return (-minutes if ch == "-" else minutes), end
    if ch in "+-":
        minutes, end = _numeric_zone(text, pos + 1, 0, False)
        return (-minutes if ch == "-" else minutes), end
    if text[pos:pos + 3].upper() == "GMT" and text[pos + 3:pos + 4] in ("+", "-"):
        minutes, end = _numeric_zone(text, pos + 4, 0, True)
        return (-minutes if text[pos + 3] == "-" else minutes), end
    for name, minutes in _ZONE_NAMES:
        if text[pos:pos + len(name)].lower() == name.lower():
            return minutes, pos + len(name)
    raise ValueError


def _century_start() -> _dt.datetime:
    """Start of Java's window for 2-digit years: 80 years ago (it ends 20 years ahead)."""
    now = _dt.datetime.now(UTC)
    return now.replace(year=now.year - 80, day=min(now.day, 28), tzinfo=None)


def parse_date(text: str, pattern: str, tz: _dt.tzinfo | None = None) -> _dt.datetime:
    """``new SimpleDateFormat(pattern).parse(text)`` as a UTC datetime; ``tz`` (default UTC)
    applies unless the text has a zone. Fields not in the pattern come from 1970-01-01 00:00."""
    items = compile_pattern(pattern)
    got: dict[str, tuple[int, int]] = {}  # letter -> (value, order)
    offset: int | None = None
    pos = 0
    try:
        for k, item in enumerate(items):
            if isinstance(item, str):
                if not text.startswith(item, pos):
                    raise ValueError
                pos += len(item)
                continue
            c, n = item
            start = pos
            while text[pos] in " \t":  # Java skips blanks before a field (IndexError at the end)
                pos += 1
            if c in "zZX":
                offset, pos = _parse_zone(text, pos, c, n)
                continue
            if c in "ML" and n >= 3:  # names are matched where the field starts, blanks included
                value, pos = _match_name(text, start, MONTHS, tuple(s[:3] for s in MONTHS))
                value += 1
            elif c == "E":
                value, pos = _match_name(text, start, DAYS, tuple(s[:3] for s in DAYS))
            elif c == "a":
                value, pos = _match_name(text, start, ("AM", "PM"))
            elif c == "G":
                value, pos = _match_name(text, start, ("BC", "AD"))
            else:
                adjacent = k + 1 < len(items) and not isinstance(items[k + 1], str)
                if adjacent and start + n > len(text):
                    raise ValueError
                m = re.compile(r"\d+").match(text, pos, start + n if adjacent else len(text))
                if not m:
                    raise ValueError
                value, pos = int(m[0]), m.end()
                if c in "yY" and n <= 2 and len(m[0]) == 2:  # in the window, else +100 years
                    century = _century_start()
                    value += century.year // 100 * 100
                    if value == century.year:
                        got["ambiguous"] = (1, k)
                    value += 100 if value < century.year else 0
            got["M" if c == "L" else c] = (value, k)
        if pos == 0:
            raise ValueError
    except (ValueError, IndexError):
        raise ValueError(f"'{text}' does not match the date pattern '{pattern}'") from None
    return _resolve(got, offset, tz)


def _resolve(got: dict[str, tuple[int, int]], offset: int | None, tz: _dt.tzinfo | None) -> _dt.datetime:
    """The instant of the parsed fields, resolving conflicts by which came last as Java's Calendar does."""
    def get(c: str, default: int = 0) -> int:
        return got[c][0] if c in got else default

    def when(*cs: str) -> int:
        return max((got[c][1] for c in cs if c in got), default=-1)

    if get("G", 1) == 0:
        raise ValueError("years before 1 AD are not supported")
    try:
        if "Y" in got and when("Y") > when("y"):  # a week date: Sunday (or E/u) of week w
            dow = (get("E") + 1) % 7 if "E" in got else get("u") % 7
            day = _week_start(_dt.date(get("Y"), 1, 1)) + _dt.timedelta(weeks=get("w", 1) - 1, days=dow)
            base = _dt.datetime(day.year, day.month, day.day)
        elif "D" in got and when("D") > when("d"):
            base = _dt.datetime(get("y", 1970), 1, 1) + _dt.timedelta(days=get("D") - 1)
        else:
            year, month = divmod(get("y", 1970) * 12 + get("M", 1) - 1, 12)
            base = _dt.datetime(year, month + 1, 1) + _dt.timedelta(days=get("d", 1) - 1)
        hour_of_day = when("H", "k")
        hour_ampm = when("h", "K", "a") if "a" in got and when("h", "K") >= 0 else -1
        if hour_of_day >= 0 and hour_of_day > hour_ampm:
            c = "H" if when("H") > when("k") else "k"
            hour = 0 if c == "k" and get(c) == 24 else get(c)
        else:
            c = "h" if when("h") > when("K") else "K"
            hour = (0 if c == "h" and get(c) == 12 else get(c)) + 12 * get("a")
        base += _dt.timedelta(hours=hour, minutes=get("m"), seconds=get("s"), milliseconds=get("S"))
        if "ambiguous" in got and base < _century_start():  # the window's first 2-digit year
            base = base.replace(year=base.year + 100)
        if offset is not None:
            return base.replace(tzinfo=_dt.timezone(_dt.timedelta(minutes=offset))).astimezone(UTC)
        return base.replace(tzinfo=tz or UTC).astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("the parsed date is out of range") from None


# ---- java.util.Formatter ------------------------------------------------------------------

_SPEC = re.compile(r"%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([tT])?([a-zA-Z%])")
_CONVERSIONS = "bBhHsScCdoxXeEfgGaA%n"
_BAD_FLAGS = {"s": "#+ 0,(", "b": "#+ 0,(", "c": "#+ 0,(", "d": "#", "o": ",", "x": ",", "e": ",", "g": "#",
              "f": "", "%": "#+ 0,(", "n": "-#+ 0,("}
_CTX = Context(prec=2000)


def _kind(v: Any) -> str:
    """'a string', 'an integer', ... for error messages."""
    for t, name in ((bool, "a boolean"), (int, "an integer"), (float, "a floating-point number"),
                    (Decimal, "a decimal"), (str, "a string"), (_dt.date, "a date"), (list, "a list"),
                    (dict, "a map"), (bytes, "a binary value")):
        if isinstance(v, t):
            return name
    return "a record" if hasattr(v, "fields") else "a value"


def _justify(s: str, flags: str, width: int) -> str:
    return s.ljust(width) if "-" in flags else s.rjust(width)


def _number(neg: bool, mag: str, flags: str, width: int, tail: str = "", prefix: str = "") -> str:
    """Sign, prefix, grouping, zero padding and parentheses around a magnitude (``tail``: an exponent)."""
    sign = ("(" if "(" in flags else "-") if neg else "+" if "+" in flags else " " if " " in flags else ""
    if "," in flags:
        whole, dot, frac = mag.partition(".")
        mag = f"{int(whole):,}" + dot + frac
    close = ")" if neg and "(" in flags else ""
    if "0" in flags:
        mag = mag.rjust(width - len(sign) - len(prefix) - len(tail) - len(close), "0")
    return sign + prefix + mag + tail + close


def _sci(d: Decimal, prec: int) -> tuple[str, str]:
    """Mantissa and exponent ('+03') of a non-negative decimal, rounded half-up."""
    e = d.adjusted() if d else 0
    q = d.scaleb(-e, _CTX).quantize(Decimal(1).scaleb(-prec), ROUND_HALF_UP, _CTX)
    if q >= 10:
        e += 1
        q = d.scaleb(-e, _CTX).quantize(Decimal(1).scaleb(-prec), ROUND_HALF_UP, _CTX)
    return f"{q:f}", ("-" if e < 0 else "+") + f"{abs(e):02d}"


def _float(v: Any, conv: str, flags: str, width: int, prec: int) -> str:
    if isinstance(v, float):
        neg = math.copysign(1.0, v) < 0
        if not math.isfinite(v):
            s = "NaN" if math.isnan(v) else ("(Infinity)" if "(" in flags else "-Infinity") if neg \
                else "+Infinity" if "+" in flags else " Infinity" if " " in flags else "Infinity"
            return _justify(s, flags, width)
        d = Decimal(repr(abs(v)))  # Java rounds the shortest decimal form half-up
    else:
        neg, d = v < 0, v.copy_abs()
    if conv == "g":
        p = 1 if prec == 0 else 6 if prec < 0 else prec
        mant, exp = _sci(d, p - 1)
        rounded = Decimal(mant).scaleb(int(exp), _CTX)
        if not d or Decimal("0.0001") <= rounded < Decimal(10) ** p:
            conv, prec = "f", p - 1 - (rounded.adjusted() if d else 0)
        else:
            conv, prec = "e", p - 1
    prec = 6 if prec < 0 else prec
    if conv == "f":
        mag = f"{d.quantize(Decimal(1).scaleb(-prec), ROUND_HALF_UP, _CTX):f}"
        return _number(neg, mag + ("." if "#" in flags and prec == 0 else ""), flags, width)
    mant, exp = _sci(d, prec)
    return _number(neg, mant + ("." if "#" in flags and prec == 0 else ""), flags, width, "e" + exp)


def _integer(v: int, conv: str, flags: str, width: int) -> str:
    if conv == "d":
        return _number(v < 0, str(abs(v)), flags, width)
    base, prefix = (16, "0x") if conv == "x" else (8, "0")
    digits = (lambda x: f"{x:x}") if base == 16 else (lambda x: f"{x:o}")
    prefix = prefix if "#" in flags else ""
    if -2 ** 63 <= v < 2 ** 63:  # a Java int or long: two's complement, no sign flags
        bad = [f for f in "+ (" if f in flags]
        if bad:
            raise ValueError(f"flag '{bad[0]}' does not apply to %{conv} of an integer")
        s = digits(v + 2 ** 32 if -2 ** 31 <= v < 0 else v + 2 ** 64 if v < 0 else v)
        return prefix + (s.rjust(width - len(prefix), "0") if "0" in flags else s)
    return _number(v < 0, digits(abs(v)), flags, width, prefix=prefix)  # a BigInteger


_MAX_WIDTH = 100_000  # a width or precision beyond this is refused (it would build huge text)


def java_double(v: float) -> str:
    """``Double.toString``: plain from 10^-3 to 10^7, else ``d.dddE<exp>``, shortest digits."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0 or 1e-3 <= abs(v) < 1e7:
        text = repr(v)
        return text if "e" not in text else f"{v:f}"
    sign, digits, exp = Decimal(repr(v)).normalize().as_tuple()
    ds = "".join(map(str, digits))
    power = len(ds) - 1 + int(exp)
    return f"{'-' if sign else ''}{ds[0]}.{ds[1:] or '0'}E{power}"


def java_text(v: Any) -> str:
    """A value as Java's ``toString`` shows it in ``%s``: doubles as Double.toString,
    maps as {k=v}, lists as [a, b], dates as java.util.Date does."""
    if isinstance(v, float):
        return java_double(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={java_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(java_text(x) for x in v) + "]"
    if isinstance(v, _dt.date):
        return format_date(v, "EEE MMM dd HH:mm:ss zzz yyyy")
    from console.engine.sql.functions import as_string

    return as_string(v)


def java_format(fmt: str, args: list[Any] | tuple[Any, ...], text: Callable[[Any], str] | None = None) -> str:
    """``String.format(fmt, args)``: conversions b s c d o x e f g n % (upper-case forms too),
    flags - # + space 0 , ( and <, width, precision, ``%2$s`` argument indexes.
    ``text`` gives a value's %s form (default: Java's, see :func:`java_text`)."""
    if text is None:
        text = java_text
    out: list[str] = []
    pos = ordinary = 0
    last = -1
    while True:
        j = fmt.find("%", pos)
        if j < 0:
            out.append(fmt[pos:])
            return "".join(out)
        out.append(fmt[pos:j])
        m = _SPEC.match(fmt, j)
        if m and (m[5] or m[6] in "hHaA"):
            raise ValueError(f"unsupported format conversion '{m[0]}'")
        if not m or m[6] not in _CONVERSIONS:
            c = m[6] if m else fmt[j + 1:j + 2] or "%"
            raise ValueError(f"unknown format conversion '{c}' in '{fmt}'")
        pos = m.end()
        spec, index, flags, conv = m[0], m[1], m[2], m[6]
        width, prec = int(m[3]) if m[3] else -1, int(m[4][1:]) if m[4] else -1
        if width > _MAX_WIDTH or prec > _MAX_WIDTH:
            raise ValueError(f"'{spec}': width and precision go up to {_MAX_WIDTH}")
        upper, conv = conv.isupper(), conv.lower()
        dup = next((f for f in flags if flags.count(f) > 1), None)
        if dup:
            raise ValueError(f"duplicate flag '{dup}' in '{spec}'")
        bad = next((f for f in _BAD_FLAGS[conv] if f in flags), None)
        if bad:
            raise ValueError(f"flag '{bad}' does not apply to '{spec}'")
        if ("+" in flags and " " in flags) or ("-" in flags and "0" in flags):
            raise ValueError(f"conflicting flags in '{spec}'")
        if ("-" in flags or "0" in flags) and width < 0:
            raise ValueError(f"'{spec}' needs a width")
        if prec >= 0 and conv in "cdox%n" or width >= 0 and conv == "n":
            raise ValueError(f"'{spec}' does not take a {'precision' if prec >= 0 else 'width'}")
        if conv == "n":
            out.append("\n")
            continue
        if conv == "%":
            out.append(_justify("%", flags, width))
            continue
        if "<" in flags:
            i = last
        elif index:
            i = int(index[:-1]) - 1
            if i < 0:
                raise ValueError(f"illegal argument index in '{spec}'")
        else:
            i, ordinary = ordinary, ordinary + 1
        if not 0 <= i < len(args):
            raise ValueError(f"missing argument for '{spec}'")
        last, v = i, args[i]
        if conv == "b":
            s = "false" if v is None else ("true" if v else "false") if isinstance(v, bool) else "true"
        elif v is None:
            s = "null"
        elif conv == "s":
            s = text(v)
        elif conv == "c":
            if isinstance(v, bool) or not isinstance(v, int) or not -2 ** 31 <= v < 2 ** 31:
                raise ValueError(f"'{spec}' cannot format {_kind(v)} (needs a character code)")
            if not 0 <= v <= 0x10FFFF:
                raise ValueError(f"'{spec}': {v} is not a character code")
            s = chr(v)
        elif conv in "dox":
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"'{spec}' cannot format {_kind(v)} (needs an integer)")
            s = _integer(v, conv, flags, width)
        else:
            if not isinstance(v, (float, Decimal)):
                raise ValueError(f"'{spec}' cannot format {_kind(v)} (needs a floating-point number or decimal)")
            s = _float(v, conv, flags, width, prec)
        if prec >= 0 and conv in "sb":
            s = s[:prec]
        out.append(_justify(s.upper() if upper else s, flags, width))
