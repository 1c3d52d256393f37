"""After a form, the pages that go back to where the user came from (`next=`, `back=`) go back
only to a page of this site, whatever the link or the form says."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cchc.redirects import is_own_path

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/dang-nhap/",
    "//evil.example/dang-nhap/",
    "/\\evil.example/dang-nhap/",
    "\\\\evil.example",
    "/\t/evil.example",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "/chi-so/\r\nSet-Cookie: a=b",
    " //evil.example",
]
OWN = "/chi-so/tham-dinh/?nam=2023"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_another_site_or_a_broken_header_is_not_a_page_of_ours(target):
    assert not is_own_path(target, RequestFactory().get("/"))


def test_a_path_of_ours_with_its_query_is():
    assert is_own_path(OWN, RequestFactory().get("/"))


def _sites(world):
    """(persona, URL, the form, the parameter, where the page goes by default) of every page
    that goes back to a target given in the request."""
    return [
        # A conflict declaration without a reason fails, and goes back.
        ("council_member", reverse("scoring:conflict_declare", args=[world["assessment"].pk]), {"reason": ""}, "back", reverse("scoring:appraisal_queue")),
        # An approval form with nothing in it fails, and goes back.
        ("council_member", reverse("scoring:approval_record", args=[world["period"].year]), {}, "next", reverse("scoring:results_ranking_first", args=[world["period"].year])),
        ("sonv_staff", reverse("reports:request", args=["notice", world["concluded_visit"].pk]), {}, "next", reverse("reports:list")),
        ("sonv_staff", reverse("inspections:finding_return", args=[world["finding"].pk]), {"comment": "Bổ sung"}, "next", reverse("inspections:finding", args=[world["finding"].pk])),
    ]


def test_a_page_that_goes_back_never_goes_to_another_site(client, world):
    for persona, url, form, param, default in _sites(world):
        client.force_login(world["users"][persona])
        for target in ELSEWHERE:
            response = client.post(url, {**form, param: target})
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"] == default, (url, target)


def test_a_page_that_goes_back_goes_back_to_our_own_page(client, world):
    for persona, url, form, param, _ in _sites(world):
        client.force_login(world["users"][persona])
        response = client.post(url, {**form, param: OWN})
        assert response.status_code == 302 and response["Location"] == OWN, url
