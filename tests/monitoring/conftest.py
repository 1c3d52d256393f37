"""The plan of 2025 with unit A's and unit B's tasks, and what the parts of the monitoring build on."""

import pytest

from .builders import make_calendar, make_plan, make_task


@pytest.fixture
def plan(sonv_staff):
    return make_plan(sonv_staff)


@pytest.fixture
def task_a(plan, sonv_staff, unit_a, unit_b):
    return make_task(sonv_staff, plan, unit_a, number="1", field="1", supporting=[unit_b])


@pytest.fixture
def task_b(plan, sonv_staff, unit_b):
    return make_task(sonv_staff, plan, unit_b, number="2", field="3")


@pytest.fixture
def dues(sonv_staff):
    return make_calendar(sonv_staff)
