from decimal import Decimal

import pytest

from cchc.tabular import parse_decimal


@pytest.mark.parametrize("text, value", [("0,5", "0.5"), ("0.5", "0.5"), (" 12 ", "12"), ("-0", "0"), (".5", "0.5"), ("+1", "1")])
def test_a_number_is_read_with_a_decimal_comma_or_point(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["0_5", "1_0", "0 5", "1e9", "NaN", "Infinity", "٣", "１", "-", ".", "0x1", "½"])
def test_what_python_would_read_but_a_person_did_not_mean_is_refused(text):
    # "0_5" and "0 5" would otherwise become 5: a tenfold score from a typo.
    with pytest.raises(ValueError, match="không phải là một số"):
        parse_decimal(text)


def test_two_separators_are_named_in_the_message():
    with pytest.raises(ValueError, match="chỉ dùng một dấu thập phân"):
        parse_decimal("1,2,3")
