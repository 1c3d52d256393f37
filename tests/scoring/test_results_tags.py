from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def test_points_prints_what_floatformat_prints_in_vietnamese():
    with translation.override("vi"):
        for value in (Decimal("0"), Decimal("12.5"), Decimal("88.345"), Decimal("-1.5"), Decimal("100.00"), 7):
            ours = Template("{% load results_tags %}{{ v|points }}").render(Context({"v": value}))
            django = Template("{{ v|floatformat:2 }}").render(Context({"v": value}))
            assert ours == django, value
    assert Template("{% load results_tags %}[{{ v|points }}]").render(Context({"v": None})) == "[]"
