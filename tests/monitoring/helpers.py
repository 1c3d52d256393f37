from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(client, url, grow, django_assert_num_queries, params=None):
    """The page answers with as many queries after `grow()` added rows as before."""
    with CaptureQueriesContext(connection) as first:
        assert client.get(url, params).status_code == 200
    grow()
    with django_assert_num_queries(len(first)):
        response = client.get(url, params)
    assert response.status_code == 200
    return response
