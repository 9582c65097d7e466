"""Dates as publishers write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.extract import find_arabic_date, parse_datetime


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("الإثنين ١٥ رمضان ١٤٤٥ هـ", "2024-03-25"),
        ("3 كانون الثاني 2024", "2024-01-03"),
        ("الأحد 12 مايو 2024 - 10:45 ص", "2024-05-12"),
        ("نشر في 5 نوفمبر 2023", "2023-11-05"),
        ("5 جوان 2023", "2023-06-05"),
        ("20 أيلول/سبتمبر 2022", "2022-09-20"),
        ("1 ذو الحجة 1445 هـ", "2024-06-07"),
    ],
)
def test_arabic_dates(text: str, day: str) -> None:
    found = find_arabic_date(text)
    assert found is not None and found.date().isoformat() == day


def test_no_date() -> None:
    assert find_arabic_date("لا يوجد تاريخ هنا 2024") is None
    assert find_arabic_date("32 مايو 2024") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-15T06:10:00+03:00", datetime(2024, 2, 15, 3, 10, tzinfo=UTC)),
        ("2024-02-15T06:10:00Z", datetime(2024, 2, 15, 6, 10, tzinfo=UTC)),
        ("2024-02-15 06:10:00+0300", datetime(2024, 2, 15, 3, 10, tzinfo=UTC)),
        ("Thu, 15 Feb 2024 06:10:00 GMT", datetime(2024, 2, 15, 6, 10, tzinfo=UTC)),
        ("٢٠٢٤-٠٢-١٥", datetime(2024, 2, 15, tzinfo=UTC)),
        ("not a date", None),
        ("1800-01-01", None),
    ],
)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


@given(st.text(max_size=200))
def test_parsers_never_crash(text: str) -> None:
    parse_datetime(text)
    find_arabic_date(text)
