"""Spec §7: values as people type them, read exactly or refused — never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.spec import get_format
from nianbao.values import canonical_amount, from_json, json_value
from nianbao.values import read_value as read

KINDS = get_format("gb2021").value_kinds


def read_value(raw, kind, label=""):
    return read(raw, KINDS[kind], label)


@pytest.mark.parametrize("raw, expected", [
    (0, 0), (12, 12), (12.0, 12), ("12", 12), (Decimal("7"), 7),
])
def test_plain_counts_read_silently(raw, expected):
    assert read_value(raw, "count") == (expected, None)


@pytest.mark.parametrize("raw", [" 12 ", "１２", "12件", "１２ 件"])
def test_normalised_counts_say_so(raw):
    value, finding = read_value(raw, "count", "规章·本年制发件数")
    assert value == 12
    assert finding.code == "VALUE_NORMALISED" and finding.severity == "info"
    assert raw in finding.message() and "规章·本年制发件数" in finding.message()


@pytest.mark.parametrize("raw, code", [
    (12.5, "VALUE_NOT_INTEGER"), ("12.5", "VALUE_NOT_INTEGER"), (-3, "VALUE_NEGATIVE"),
    ("-3", "VALUE_NEGATIVE"), ("十二", "VALUE_NOT_NUMBER"), ("约12", "VALUE_NOT_NUMBER"),
    (True, "VALUE_NOT_NUMBER"), ("1e3", "VALUE_NOT_NUMBER"), (float("nan"), "VALUE_NOT_NUMBER"),
])
def test_unreadable_counts_are_errors_not_zero(raw, code):
    value, finding = read_value(raw, "count")
    assert value is None
    assert finding.code == code and finding.severity == "error" and finding.rule == "R5"


@pytest.mark.parametrize("raw", [None, "", "  ", "/", "—", "-", "无", "不适用", "－"])
def test_blanks_are_missing_with_r16(raw):
    value, finding = read_value(raw, "count")
    assert value is None
    assert finding.code == "VALUE_BLANK" and finding.rule == "R16" and finding.severity == "warning"


@pytest.mark.parametrize("raw, expected, normalised", [
    ("9116.36", "9116.36", False), (9116.36, "9116.36", False), ("9,116.36", "9116.36", True),
    ("0.000001", "0.000001", False), ("12.50", "12.5", False), (0, "0", False),
    ("25.1万元", "25.1", True),
])
def test_amounts_are_exact_decimals(raw, expected, normalised):
    value, finding = read_value(raw, "amount")
    assert isinstance(value, Decimal) and canonical_amount(value) == expected
    assert (finding is not None) == normalised


def test_amount_in_yuan_is_refused_with_a_hint():
    value, finding = read_value("251000元", "amount", "行政事业性收费")
    assert value is None and finding.code == "VALUE_WRONG_UNIT"
    assert "万元" in finding.message()


def test_json_round_trip_keeps_amount_exact():
    assert json_value(Decimal("0.1") + Decimal("0.2"), KINDS["amount"]) == "0.3"
    assert from_json("9116.36", KINDS["amount"]) == Decimal("9116.36")
    assert json_value(None, KINDS["count"]) is None and from_json(3, KINDS["count"]) == 3


@pytest.mark.parametrize("raw, kind, expected", [
    ("1,234", "count", 1234), ("1,234,567.5", "amount", Decimal("1234567.5")),
    ("12,5", "amount", None), ("12，5", "amount", None), ("1,23", "count", None),
])
def test_commas_only_as_thousands_separators(raw, kind, expected):
    # "12,5" is a decimal comma or a typo: reading it as 125 万元 would be a guess
    value, finding = read_value(raw, kind)
    assert value == expected
    assert finding.code == ("VALUE_NORMALISED" if expected is not None else "VALUE_NOT_NUMBER")


@pytest.mark.parametrize("raw", ["①", "²", "1²", "⑫", "٣", "１²", "¹²", "Ⅻ"])
def test_digits_that_are_not_plain_digits_are_refused(raw):
    """Only full-width forms fold to ASCII (an input method types ｜１２｜); a circled or
    superscript digit, a Roman numeral or another script's digit is not read: "1²" is not 12."""
    value, finding = read_value(raw, "count", "行政许可")
    assert value is None and finding.code == "VALUE_NOT_NUMBER" and finding.severity == "error"


@pytest.mark.parametrize("raw", ["Ｎ/Ａ", "　", "—　"])
def test_full_width_placeholders_are_blanks(raw):
    assert read_value(raw, "count")[1].code == "VALUE_BLANK"
