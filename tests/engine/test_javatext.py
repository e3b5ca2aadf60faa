"""Java SimpleDateFormat patterns and java.util.Formatter (console.engine.sql.javatext).

Expected values are what Java (Locale.US, time zone UTC unless given) prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.engine.sql.javatext import compile_pattern, format_date, java_format, parse_date, zone

UTC = dt.timezone.utc
T = dt.datetime(2024, 1, 2, 15, 4, 5, 7000, tzinfo=UTC)  # a Tuesday
MIDNIGHT = dt.datetime(2023, 12, 31, 0, 30, tzinfo=UTC)  # a Sunday


# ---- format_date ----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, expected", [
    ("yyyy-MM-dd HH:mm:ss", "2024-01-02 15:04:05"),
    ("y yy yyy yyyy yyyyy", "2024 24 2024 2024 02024"),
    ("M MM MMM MMMM L LLL", "1 01 Jan January 1 Jan"),
    ("d dd D DDD F", "2 02 2 002 1"),
    ("E EEE EEEE u", "Tue Tue Tuesday 2"),
    ("H HH k K h hh a", "15 15 15 3 3 03 PM"),
    ("m mm s ss", "4 04 5 05"),
    ("S SS SSS SSSS", "7 07 007 0007"),
    ("G GGGG", "AD AD"),
    ("w ww W Y", "1 01 1 2024"),
    ("z zzzz Z X XX XXX", "UTC Coordinated Universal Time +0000 Z Z Z"),
    ("d/M/yy H:m:s", "2/1/24 15:4:5"),
])
def test_format_letters(pattern, expected):
    assert format_date(T, pattern) == expected


@pytest.mark.parametrize("pattern, expected", [
    ("yyyy-MM-dd'T'HH:mm:ss", "2024-01-02T15:04:05"),
    ("''yy''", "'24'"),
    ("h 'o''clock' a", "3 o'clock PM"),
    ("'it''s' EEE", "it's Tue"),
    ("'yyyy MM'", "yyyy MM"),
    ("[d] #M! ~", "[2] #1! ~"),
    ("ä yyyy", "ä 2024"),  # non-ASCII letters are literal
])
def test_format_quoting_and_literals(pattern, expected):
    assert format_date(T, pattern) == expected


def test_format_hours_at_midnight_and_noon():
    assert format_date(MIDNIGHT, "H k K h a") == "0 24 0 12 AM"
    assert format_date(MIDNIGHT.replace(hour=12), "H k K h a") == "12 12 0 12 PM"


def test_format_week_year_crosses_into_next_year():
    # Locale.US: weeks start on Sunday, week 1 holds January 1st
    assert format_date(MIDNIGHT, "YYYY w yyyy") == "2024 1 2023"
    assert format_date(dt.datetime(2024, 12, 31, tzinfo=UTC), "YYYY ww") == "2025 01"
    assert format_date(dt.datetime(2024, 12, 28, tzinfo=UTC), "YYYY ww") == "2024 52"


def test_format_zones():
    assert format_date(T, "HH:mm z zzzz Z X XX XXX", zone("Europe/Rome")) == \
        "16:04 CET Central European Time +0100 +01 +0100 +01:00"
    summer = dt.datetime(2024, 7, 1, 12, tzinfo=UTC)
    assert format_date(summer, "HH z zzzz", zone("Europe/Rome")) == "14 CEST Central European Summer Time"
    assert format_date(T, "HH:mm z zzzz Z X XXX", zone("GMT+5:30")) == "20:34 GMT+05:30 GMT+05:30 +0530 +05 +05:30"
    assert format_date(T, "HH z Z XXX", zone("GMT-08:00")) == "07 GMT-08:00 -0800 -08:00"
    assert format_date(T, "z zzzz", zone("GMT")) == "GMT Greenwich Mean Time"
    assert format_date(T, "HH z", zone("No/Such_Zone")) == "15 GMT"  # unknown ids are GMT in Java
    assert format_date(T, "HH z", zone("PST")) == "07 PST"


def test_format_dates_and_naive_datetimes():
    assert format_date(dt.date(2024, 2, 29), "EEEE d MMM yy HH:mm") == "Thursday 29 Feb 24 00:00"
    assert format_date(dt.datetime(2024, 1, 2, 3, 4), "HH:mm XXX") == "03:04 Z"


@pytest.mark.parametrize("pattern, message", [
    ("yyyy-qq", "illegal pattern character 'q'"),
    ("'abc", "unterminated quote"),
    ("HH 'x''", "unterminated quote"),
    ("XXXX", "invalid ISO 8601"),
])
def test_format_bad_patterns(pattern, message):
    with pytest.raises(ValueError, match=message):
        format_date(T, pattern)


def test_compile_pattern():
    assert compile_pattern("yyyy-MM-dd'T'HH''") == (("y", 4), "-", ("M", 2), "-", ("d", 2), "T", ("H", 2), "'")


# ---- parse_date -----------------------------------------------------------------------------

def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("text, pattern, expected", [
    ("2/1/2024", "d/M/yyyy", at(2024, 1, 2)),
    ("02/01/2024", "d/M/yyyy", at(2024, 1, 2)),
    ("2024-01-02 15:04:05.007", "yyyy-MM-dd HH:mm:ss.SSS", at(2024, 1, 2, 15, 4, 5, 7000)),
    ("20240102", "yyyyMMdd", at(2024, 1, 2)),
    ("202401021504", "yyyyMMddHHmm", at(2024, 1, 2, 15, 4)),
    ("2024011", "yyyyMMd", at(2024, 1, 1)),
    ("1/2/24 3:4:5", "M/d/yy H:m:s", at(2024, 1, 2, 3, 4, 5)),
    (" 7/ 3/24", "d/M/yy", at(2024, 3, 7)),  # blanks before a field are skipped
    ("2024-01-02T10:00:00", "yyyy-MM-dd'T'HH:mm:ss", at(2024, 1, 2, 10)),
    ("it's 2024", "'it''s' yyyy", at(2024, 1, 1)),
    ("15:30", "HH:mm", at(1970, 1, 1, 15, 30)),
    ("2024 100", "yyyy D", at(2024, 4, 9)),
    ("5.250", "s.SSS", at(1970, 1, 1, 0, 0, 5, 250000)),
    ("2024-01-02 trailing text", "yyyy-MM-dd", at(2024, 1, 2)),  # Java ignores what follows
])
def test_parse_numeric(text, pattern, expected):
    assert parse_date(text, pattern) == expected


@pytest.mark.parametrize("text, pattern, expected", [
    ("Tue, 2 Jan 2024", "EEE, d MMM yyyy", at(2024, 1, 2)),
    ("tuesday 2 JANUARY 2024", "EEEE d MMMM yyyy", at(2024, 1, 2)),
    ("2 September 2024", "d MMM yyyy", at(2024, 9, 2)),  # MMM also takes the full name
    ("2 sep 2024", "d MMMM yyyy", at(2024, 9, 2)),  # and MMMM the short one
    ("Mon 2 Jan 2024", "EEE d MMM yyyy", at(2024, 1, 2)),  # day of month wins over a wrong day name
    ("3:04 pm", "h:mm a", at(1970, 1, 1, 15, 4)),
    ("12:30 AM", "hh:mm a", at(1970, 1, 1, 0, 30)),
    ("12:30 PM", "hh:mm a", at(1970, 1, 1, 12, 30)),
    ("11 PM", "K a", at(1970, 1, 1, 23)),
    ("24:00", "kk:mm", at(1970, 1, 1, 0, 0)),
    ("13:00 AM", "HH:mm a", at(1970, 1, 1, 13)),  # HH without h/K ignores AM/PM
    ("2024 AD", "yyyy G", at(2024, 1, 1)),
])
def test_parse_names_and_ampm(text, pattern, expected):
    assert parse_date(text, pattern) == expected


@pytest.mark.parametrize("text, pattern, expected", [
    ("2024-01-02 10:00 +0200", "yyyy-MM-dd HH:mm Z", at(2024, 1, 2, 8)),
    ("2024-01-02 10:00 -0530", "yyyy-MM-dd HH:mm Z", at(2024, 1, 2, 15, 30)),
    ("2024-01-02 10:00 GMT+02:00", "yyyy-MM-dd HH:mm z", at(2024, 1, 2, 8)),
    ("2024-01-02 10:00 UTC", "yyyy-MM-dd HH:mm z", at(2024, 1, 2, 10)),
    ("2024-01-02 10:00 PST", "yyyy-MM-dd HH:mm z", at(2024, 1, 2, 18)),
    ("2024-01-02 10:00 Central European Time", "yyyy-MM-dd HH:mm zzzz", at(2024, 1, 2, 9)),
    ("2024-01-02T10:00Z", "yyyy-MM-dd'T'HH:mmX", at(2024, 1, 2, 10)),
    ("2024-01-02T10:00+01", "yyyy-MM-dd'T'HH:mmX", at(2024, 1, 2, 9)),
    ("2024-01-02T10:00-0100", "yyyy-MM-dd'T'HH:mmXX", at(2024, 1, 2, 11)),
    ("2024-01-02T10:00:00.250+05:30", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", at(2024, 1, 2, 4, 30, 0, 250000)),
])
def test_parse_zones(text, pattern, expected):
    assert parse_date(text, pattern) == expected


def test_parse_in_a_time_zone():
    assert parse_date("2024-01-02 10:00", "yyyy-MM-dd HH:mm", zone("Europe/Rome")) == at(2024, 1, 2, 9)
    assert parse_date("2024-07-02 10:00", "yyyy-MM-dd HH:mm", zone("Europe/Rome")) == at(2024, 7, 2, 8)
    # a zone in the text wins
    assert parse_date("2024-01-02 10:00 Z", "yyyy-MM-dd HH:mm X", zone("Europe/Rome")) == at(2024, 1, 2, 10)


def test_parse_is_lenient_like_java():
    assert parse_date("2024-13-32", "yyyy-MM-dd") == at(2025, 2, 1)
    assert parse_date("2024-02-30", "yyyy-MM-dd") == at(2024, 3, 1)
    assert parse_date("2024-01-00", "yyyy-MM-dd") == at(2023, 12, 31)
    assert parse_date("2024-01-01 25:61", "yyyy-MM-dd HH:mm") == at(2024, 1, 2, 2, 1)


def test_parse_years():
    assert parse_date("24", "yy") == at(2024, 1, 1)
    assert parse_date("99", "yy") == at(1999, 1, 1)
    assert parse_date("2024", "yy") == at(2024, 1, 1)  # more than 2 digits: literal
    assert parse_date("24", "yyyy") == at(24, 1, 1)  # yyy+ never adjusts
    # the window starts 80 years ago: its first 2-digit year goes 100 years on if before the start
    start = dt.datetime.now(UTC).year - 80
    assert parse_date(f"01/01/{start % 100:02d}", "MM/dd/yy").year == start + 100
    # Java's week-year quirk: YYYY with M/d gives the first day of the week year
    assert parse_date("2019-05-10", "YYYY-MM-dd") == at(2018, 12, 30)


@pytest.mark.parametrize("text, pattern", [
    ("2024/01/02", "yyyy-MM-dd"),
    ("x", "yyyy"),
    ("", "yyyy"),
    ("2024", "yyyyMMdd"),
    ("2024-01", "yyyy-MM-dd"),
    ("Foo 2024", "MMM yyyy"),
    ("2  Jan 2024", "d MMM yyyy"),  # blanks are skipped before numbers only
    ("10:00 XM", "hh:mm a"),
    ("10:00 +02", "HH:mm Z"),
    ("10:00 GMT+2", "HH:mm z"),
    ("10:00 +0200", "HH:mm XXX"),
    ("abc", ""),
])
def test_parse_mismatch(text, pattern):
    with pytest.raises(ValueError, match="does not match the date pattern"):
        parse_date(text, pattern)


def test_parse_errors():
    with pytest.raises(ValueError, match="illegal pattern character 'q'"):
        parse_date("2024", "qqqq")
    with pytest.raises(ValueError, match="before 1 AD"):
        parse_date("5 BC", "y G")
    with pytest.raises(ValueError, match="out of range"):
        parse_date("0", "y")


def test_round_trip():
    pattern = "EEE, d MMM yyyy hh:mm:ss.SSS a XXX"
    assert parse_date(format_date(T, pattern), pattern) == T


# ---- java_format ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, args, expected", [
    ("%s|%S|%5s|%-5s|%.2s|%5.1s|", ["ab", "ab", "ab", "ab", "abc", "abc"], "ab|AB|   ab|ab   |ab|    a|"),
    ("%s %s %s %s", [1.5, Decimal("1.50"), True, [1, "a"]], "1.5 1.50 true [1, a]"),
    ("%d %d %d", [0, -42, 2 ** 70], "0 -42 1180591620717411303424"),
    ("%,d %,d", [1234567, -1234], "1,234,567 -1,234"),
    ("%+d|% d|%(d|%(d|%+,d", [5, 5, -5, 5, 1000], "+5| 5|(5)|5|+1,000"),
    ("%05d|%-5d|%5d|%,010d|%(06d", [-42, 42, 42, -1234567, -42], "-0042|42   |   42|-1,234,567|(0042)"),
    ("%x %X %o", [255, 255, 8], "ff FF 10"),
    ("%#x %#X %#o", [255, 255, 8], "0xff 0XFF 010"),
    ("%08x|%#010x|%-6x|", [255, 255, 255], "000000ff|0x000000ff|ff    |"),
    ("%x %x %o", [-1, -(2 ** 40), -8], "ffffffff ffffff0000000000 37777777770"),  # two's complement
    ("%x %(x %+x", [-(2 ** 70), -(2 ** 70), 2 ** 70], "-400000000000000000 (400000000000000000) +400000000000000000"),
    ("%f %.2f %.0f %#.0f %10.3f|", [3.14159, 3.14159, 2.5, 2.5, -1.5], "3.141590 3.14 3 3.     -1.500|"),
    ("%.2f %.1f %.2f", [0.125, 0.15, 1.005], "0.13 0.2 1.01"),  # half-up on the shortest decimal form
    ("%.2f %.3f %f", [Decimal("2.345"), Decimal("-0.0005"), Decimal("1e-7")], "2.35 -0.001 0.000000"),
    ("%,.2f|%010.2f|%(,.1f|%+.1f", [1234567.891, -3.5, -1234.5, 0.0], "1,234,567.89|-000003.50|(1,234.5)|+0.0"),
    ("%f %f", [-0.0, 1e20], "-0.000000 100000000000000000000.000000"),
    ("%e|%E|%.2e|%.0e|%e", [12345.678, 0.000123456, -9.995, 5.0, 0.0],
     "1.234568e+04|1.234560E-04|-1.00e+01|5e+00|0.000000e+00"),
    ("%e|%12.3e|%012.3e", [1e100, 1234.5, -1234.5], "1.000000e+100|   1.235e+03|-001.235e+03"),
    ("%e", [Decimal("123.456")], "1.234560e+02"),
    ("%g|%g|%g|%g|%.3g|%g", [1.0, 123456789.0, 0.0001, 0.00001, Decimal("1234.5"), 0.0],
     "1.00000|1.23457e+08|0.000100000|1.00000e-05|1.23e+03|0.00000"),
    ("%f|%f|%f|%+f|%08f|%E", [float("nan"), float("inf"), float("-inf"), float("inf"), float("nan"), float("inf")],
     "NaN|Infinity|-Infinity|+Infinity|     NaN|INFINITY"),
    ("%b %b %b %b %B %.1b", [None, False, True, "x", True, False], "false false true true TRUE f"),
    ("%c%c%C|%3c|%-3c|", [65, 0x1F600, 97, 66, 66], "A😀A|  B|B  |"),
    ("a%nb%%c%5%|%-3%|", [], "a\nb%c    %|%  |"),
    ("%2$s %1$s %<s %s %s", ["a", "b"], "b a a a b"),
    ("%3$s", [1, 2, 3], "3"),
    ("no specifiers", [1, 2], "no specifiers"),
])
def test_java_format(fmt, args, expected):
    assert java_format(fmt, args) == expected


def test_null_arguments():
    # Java prints "null" for every conversion but %b (false), ignoring numeric flags
    assert java_format("%s|%S|%d|%x|%f|%e|%c|%5d|%-6s|%.2s|%05d", [None] * 11) == \
        "null|NULL|null|null|null|null|null| null|null  |nu| null"
    assert java_format("%X|%E", [None, None]) == "NULL|NULL"
    assert java_format("%b|%B", [None, None]) == "false|FALSE"


def test_custom_string_form():
    assert java_format("%s/%S", ["x", "y"], text=lambda v: f"<{v}>") == "<x>/<Y>"


@pytest.mark.parametrize("fmt, args, message", [
    ("%d", [1.5], "'%d' cannot format a floating-point number"),
    ("%d", [Decimal("3")], "'%d' cannot format a decimal"),  # BigDecimal is not integral in Java
    ("%x", ["ff"], "'%x' cannot format a string"),
    ("%d", [True], "'%d' cannot format a boolean"),
    ("%f", [1], "'%f' cannot format an integer"),  # neither is Integer for %f
    ("%e", ["1"], "'%e' cannot format a string"),
    ("%c", ["x"], "'%c' cannot format a string"),
    ("%c", [2 ** 40], "'%c' cannot format an integer"),
    ("%c", [-1], "not a character code"),
    ("%s %s", ["a"], "missing argument for '%s'"),
    ("%3$s", ["a"], "missing argument for '%3\\$s'"),
    ("%<s", ["a"], "missing argument for '%<s'"),
    ("%0$s", ["a"], "illegal argument index"),
    ("%q", [1], "unknown format conversion 'q'"),
    ("%D", [1], "unknown format conversion 'D'"),
    ("%.s", [1], "unknown format conversion '.'"),
    ("100%", [], "unknown format conversion '%'"),
    ("%tY", [1], "unsupported format conversion '%tY'"),
    ("%h", [1], "unsupported format conversion '%h'"),
    ("%-s", [1], "'%-s' needs a width"),
    ("%0d", [1], "needs a width"),
    ("%+ d", [1], "conflicting flags"),
    ("%-05d", [1], "conflicting flags"),
    ("%--5s", [1], "duplicate flag '-'"),
    ("%,s", ["a"], "flag ',' does not apply"),
    ("%#s", [None], "flag '#' does not apply"),
    ("%+s", ["a"], "flag '\\+' does not apply"),
    ("%#d", [1], "flag '#' does not apply"),
    ("%,x", [1], "flag ',' does not apply"),
    ("%,e", [1.0], "flag ',' does not apply"),
    ("%#g", [1.0], "flag '#' does not apply"),
    ("%+x", [1], "flag '\\+' does not apply to %x of an integer"),
    ("%(o", [-1], "flag '\\(' does not apply"),
    ("%+c", [65], "flag '\\+' does not apply"),
    ("%05%", [], "flag '0' does not apply"),
    ("%.2d", [1], "does not take a precision"),
    ("%.1c", [65], "does not take a precision"),
    ("%5n", [], "does not take a width"),
])
def test_java_format_errors(fmt, args, message):
    with pytest.raises(ValueError, match=message):
        java_format(fmt, args)
