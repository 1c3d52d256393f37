"""Every URL of the project, requested by every persona with the objects of unit A.

The URL list comes from the resolver, so a new view without a row here fails
`test_every_url_pattern_has_a_row`. Codes, in the order of PERSONAS
(anonymous, unit A editor, unit B editor, council member, inspector, leader, staff):
  L redirect to the login page   2 200   R another redirect (done, or moved on)
  3 403 (not your role)          4 404 (not in your scope)   5 405   other numbers as they are
POST rows send an empty form: a refusal must come before any validation.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from .conftest import PERSONAS

GET, POST = "get", "post"

MATRIX = {
    # name: ({url kwarg: world key or value}, method, expected codes)
    "home": ({}, GET, "L 2 2 2 2 2 2"),
    # Sở Nội vụ's "Nhắc ngay" on the home page sends the deadline reminders at once.
    "remind_now": ({}, POST, "L 3 3 3 3 3 R"),
    "login": ({}, GET, "2 R R R R R R"),
    "logout": ({}, POST, "L L L L L L L"),
    "password_change": ({}, GET, "L 2 2 2 2 2 2"),
    "password_change_done": ({}, GET, "L 2 2 2 2 2 2"),
    # Units: the directory is open to every signed-in user; changes are for staff or the unit itself.
    "units:list": ({}, GET, "L 2 2 2 2 2 2"),
    "units:create": ({}, GET, "L 3 3 3 3 3 2"),
    "units:import": ({}, GET, "L 3 3 3 3 3 2"),
    "units:export": ({}, GET, "L 3 3 3 3 3 2"),
    "units:blocks": ({}, GET, "L 3 3 3 3 3 2"),
    "units:block_create": ({}, GET, "L 3 3 3 3 3 2"),
    "units:block_edit": ({"pk": "block"}, GET, "L 3 3 3 3 3 2"),
    "units:detail": ({"pk": "unit"}, GET, "L 2 2 2 2 2 2"),
    "units:edit": ({"pk": "unit"}, GET, "L 2 4 4 4 4 2"),
    "units:head_appoint": ({"pk": "unit"}, GET, "L 3 3 3 3 3 2"),
    # Reorganisations (the lineage file) are staff's; so is moving a closed unit's users (unit A
    # is open: staff's empty POST is refused with a message and sent back to the unit page).
    "units:lineage_import": ({}, GET, "L 3 3 3 3 3 2"),
    "units:lineage_export": ({}, GET, "L 3 3 3 3 3 2"),
    "units:members_transfer": ({"pk": "unit"}, POST, "L 3 3 3 3 3 R"),
    # Periods and frameworks.
    "scoring:period_list": ({}, GET, "L 2 2 2 2 2 2"),
    "scoring:period_create": ({}, GET, "L 3 3 3 3 3 2"),
    "scoring:period_clone": ({}, GET, "L 3 3 3 3 3 2"),
    "scoring:framework_import": ({}, GET, "L 3 3 3 3 3 2"),
    "scoring:period_detail": ({"year": 2023}, GET, "L 2 2 2 2 2 2"),
    "scoring:period_edit": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "scoring:period_transition": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:framework_add": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:framework_export": ({"year": 2023}, GET, "L 2 2 2 2 2 2"),
    # The period's roster (which units a year assesses, in which block): Sở Nội vụ only.
    "scoring:roster": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "scoring:roster_add": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:roster_fill": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:roster_move": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:roster_remove": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:framework_detail": ({"pk": "framework"}, GET, "L 2 2 2 2 2 2"),
    "scoring:framework_delete": ({"pk": "framework"}, POST, "L 3 3 3 3 3 R"),
    "scoring:criterion_add": ({"pk": "framework"}, GET, "L 3 3 3 3 3 2"),
    "scoring:criterion_edit": ({"pk": "criterion"}, GET, "L 3 3 3 3 3 2"),
    "scoring:criterion_delete": ({"pk": "criterion"}, POST, "L 3 3 3 3 3 R"),
    "scoring:criterion_move": ({"pk": "criterion"}, POST, "L 3 3 3 3 3 400"),
    # The scoring cycle: unit A's assessment, its score row and evidence; the council member
    # appraises field 1. Empty POSTs: the row's own editor or appraiser gets the form's 400.
    # A leader reads an assessment only once its year's results are published (2023 is not).
    "scoring:my_assessment": ({}, GET, "L 2 2 3 3 3 3"),
    "scoring:appraisal_queue": ({}, GET, "L 3 3 2 3 3 2"),
    "scoring:assignments": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "scoring:assignment_delete": ({"pk": "assignment"}, POST, "L 3 3 3 3 3 R"),
    "scoring:appraisal_progress": ({"year": 2023}, GET, "L 3 3 3 3 2 2"),
    "scoring:assessments_create_missing": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:score_import": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "scoring:assessment_detail": ({"pk": "assessment"}, GET, "L 2 4 2 4 4 2"),
    "scoring:assessment_submit": ({"pk": "assessment"}, POST, "L R 4 3 4 4 3"),
    "scoring:assessment_reopen": ({"pk": "assessment"}, POST, "L 3 4 3 4 4 R"),
    "scoring:appraisal_sheet": ({"pk": "assessment", "field": "1"}, GET, "L 3 4 2 4 4 2"),
    "scoring:conflict_declare": ({"pk": "assessment"}, POST, "L 3 4 R 4 4 3"),
    "scoring:assessment_explanation": ({"pk": "assessment"}, GET, "L 4 4 2 4 4 2"),
    "scoring:assessment_finalization": ({"pk": "assessment"}, GET, "L 3 4 2 4 4 2"),
    "scoring:sheet_save": ({"pk": "assessment", "mode": "self"}, POST, "L 400 4 3 4 4 3"),
    "scoring:score_self": ({"pk": "score"}, POST, "L 400 4 3 4 4 3"),
    "scoring:score_appraise": ({"pk": "score"}, POST, "L 3 4 400 4 4 400"),
    "scoring:score_explain": ({"pk": "score"}, POST, "L 400 4 3 4 4 3"),
    "scoring:score_finalize": ({"pk": "score"}, POST, "L 3 4 400 4 4 400"),
    "scoring:score_return": ({"pk": "score"}, POST, "L 3 4 3 4 4 400"),
    "scoring:score_history": ({"pk": "score"}, GET, "L 2 4 2 4 4 2"),
    "scoring:evidence_upload": ({"pk": "score"}, POST, "L 400 4 3 4 4 3"),
    "scoring:evidence_download": ({"pk": "scoring_evidence"}, GET, "L 2 4 2 4 4 2"),
    "scoring:evidence_delete": ({"pk": "scoring_evidence"}, POST, "L 400 4 3 4 4 3"),
    # Results. The world's 2023 is in draft, so nothing is published: the council and staff see
    # the (provisional) results, leaders and units do not; unit A's own page says "not published"
    # to its editor and does not exist for unit B's.
    "scoring:results_home": ({}, GET, "L 2 2 2 3 2 2"),
    "scoring:results_ranking_first": ({"year": 2023}, GET, "L 3 3 R 3 3 R"),
    "scoring:results_ranking": ({"year": 2023, "block": "so-nganh"}, GET, "L 3 3 2 3 3 2"),
    "scoring:results_export": ({"year": 2023}, GET, "L 3 3 2 3 3 2"),
    "scoring:results_matrix": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "scoring:approval_record": ({"year": 2023}, POST, "L 3 3 R 3 3 R"),
    "scoring:approval_decision": ({"year": 2023}, POST, "L 3 3 3 3 3 R"),
    "scoring:head_rating_override": ({"pk": "assessment"}, GET, "L 3 3 2 3 3 2"),
    "scoring:results_unit": ({"year": 2023, "unit_pk": "unit"}, GET, "L 2 4 2 3 3 2"),
    "scoring:results_overview": ({"year": 2023}, GET, "L 3 3 3 3 3 2"),
    "public:results_list": ({}, GET, "2 2 2 2 2 2 2"),
    "public:results": ({"year": 2023}, GET, "4 4 4 4 4 4 4"),
    # Inspections.
    "inspections:plans": ({}, GET, "L 3 3 3 2 2 2"),
    "inspections:plan_create": ({}, GET, "L 3 3 3 3 3 2"),
    "inspections:plan": ({"pk": "plan"}, GET, "L 3 3 3 2 2 2"),
    "inspections:plan_edit": ({"pk": "plan"}, GET, "L 3 3 3 3 3 2"),
    "inspections:delegation": ({"pk": "plan"}, GET, "L 3 3 3 3 3 2"),
    "inspections:member_edit": ({"pk": "plan", "member_pk": "member"}, GET, "L 3 3 3 3 3 2"),
    "inspections:member_remove": ({"pk": "plan", "member_pk": "member"}, POST, "L 3 3 3 3 3 R"),
    "inspections:team_create": ({"pk": "plan"}, GET, "L 3 3 3 3 3 2"),
    "inspections:team_edit": ({"pk": "plan", "team_pk": "team"}, GET, "L 3 3 3 3 3 2"),
    "inspections:team_delete": ({"pk": "plan", "team_pk": "team"}, POST, "L 3 3 3 3 3 R"),
    "inspections:visit_create": ({"plan_pk": "plan"}, GET, "L 3 3 3 3 3 2"),
    "inspections:schedule": ({}, GET, "L 3 3 3 2 2 2"),
    "inspections:visit": ({"pk": "visit"}, GET, "L 3 3 3 2 2 2"),
    "inspections:visit_edit": ({"pk": "visit"}, GET, "L 3 3 3 3 3 2"),
    "inspections:visit_done": ({"pk": "visit"}, POST, "L 3 3 3 R 3 R"),
    "inspections:visit_conclude": ({"pk": "visit"}, GET, "L 3 3 3 3 3 2"),
    "inspections:visit_findings": ({"pk": "visit"}, GET, "L 3 3 3 2 2 2"),
    "inspections:finding_add": ({"pk": "visit"}, POST, "L 3 3 3 R 3 R"),
    "inspections:finding": ({"pk": "finding"}, GET, "L 2 4 4 2 2 2"),
    "inspections:finding_edit": ({"pk": "finding"}, GET, "L 3 4 4 2 3 2"),
    "inspections:finding_delete": ({"pk": "finding"}, POST, "L 3 4 4 R 3 R"),
    "inspections:finding_report": ({"pk": "finding"}, POST, "L 400 4 4 3 3 3"),
    "inspections:finding_accept": ({"pk": "finding"}, POST, "L 3 3 3 3 3 R"),
    "inspections:finding_return": ({"pk": "finding"}, POST, "L 3 3 3 3 3 R"),
    "inspections:evidence": ({"pk": "inspection_evidence"}, GET, "L 2 4 4 2 2 2"),
    "inspections:remediation": ({}, GET, "L 2 2 3 3 3 3"),
    "inspections:review": ({}, GET, "L 3 3 3 3 3 2"),
    # Which successor of a reorganised unit takes its open shortcomings: Sở Nội vụ's page. An empty
    # POST (no successor chosen) is refused with a message and goes back.
    "inspections:handovers": ({}, GET, "L 3 3 3 3 3 2"),
    "inspections:handover_confirm": ({"pk": "finding"}, POST, "L 3 3 3 3 3 R"),
    "inspections:overdue": ({}, GET, "L 3 3 3 3 2 2"),
    "inspections:tracker": ({}, GET, "L 3 3 3 3 2 2"),
    "inspections:tracker_export": ({}, GET, "L 3 3 3 3 2 2"),
    "inspections:tracker_import": ({}, GET, "L 3 3 3 3 3 2"),
    # Year-round monitoring (monitoring/): staff manage, leaders read the province's pages, a
    # unit's contact works on its own unit's rows (unit A's task, report, initiative, division).
    "monitoring:home": ({}, GET, "L R R 3 3 R R"),
    "monitoring:plans": ({}, GET, "L 3 3 3 3 2 2"),
    "monitoring:plan_create": ({}, GET, "L 3 3 3 3 3 2"),
    "monitoring:plan": ({"pk": "reform_plan"}, GET, "L 3 3 3 3 2 2"),
    "monitoring:plan_edit": ({"pk": "reform_plan"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:plan_import": ({"pk": "reform_plan"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:plan_export": ({"pk": "reform_plan"}, GET, "L 3 3 3 3 2 2"),
    "monitoring:task_create": ({"plan_pk": "reform_plan"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:my_tasks": ({}, GET, "L 2 2 3 3 3 3"),
    "monitoring:task": ({"pk": "plan_task"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:task_edit": ({"pk": "plan_task"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:task_report": ({"pk": "plan_task"}, POST, "L 400 4 3 3 3 3"),
    "monitoring:task_accept": ({"pk": "plan_task"}, POST, "L 3 3 3 3 3 R"),
    "monitoring:task_return": ({"pk": "plan_task"}, POST, "L 3 3 3 3 3 R"),
    "monitoring:task_evidence": ({"pk": "task_evidence"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:reports_home": ({}, GET, "L R R 3 3 R R"),
    "monitoring:report_remind": ({}, POST, "L 3 3 3 3 3 R"),
    "monitoring:reports": ({"year": 2025}, GET, "L 2 2 3 3 2 2"),
    "monitoring:report_calendar": ({"year": 2025}, GET, "L 3 3 3 3 3 2"),
    "monitoring:report_submit": ({"pk": "report_due"}, POST, "L 400 400 3 3 3 3"),
    "monitoring:report_file": ({"pk": "report_submission"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:initiatives": ({}, GET, "L 2 2 3 3 2 2"),
    "monitoring:initiative_export": ({}, GET, "L 2 2 3 3 2 2"),
    "monitoring:initiative_register": ({}, GET, "L 2 2 3 3 3 2"),
    "monitoring:initiative": ({"pk": "initiative"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:initiative_edit": ({"pk": "initiative"}, GET, "L 2 4 3 3 3 2"),
    "monitoring:initiative_start": ({"pk": "initiative"}, POST, "L R 4 3 3 3 R"),
    "monitoring:initiative_recognise": ({"pk": "initiative"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:initiative_replicate": ({"pk": "initiative"}, GET, "L 3 3 3 3 3 2"),
    "monitoring:initiative_evidence": ({"pk": "initiative_evidence"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:self_home": ({}, GET, "L R R 3 3 R R"),
    "monitoring:self_overview": ({"year": 2025}, GET, "L 3 3 3 3 2 2"),
    "monitoring:self_target": ({"year": 2025}, GET, "L 3 3 3 3 3 2"),
    "monitoring:self_unit": ({"unit_pk": "unit", "year": 2025}, GET, "L 2 4 3 3 2 2"),
    "monitoring:subunit_add": ({"unit_pk": "unit"}, POST, "L 400 4 3 3 3 400"),
    "monitoring:self_inspection_create": ({"unit_pk": "unit", "year": 2025}, GET, "L 2 4 3 3 3 2"),
    "monitoring:subunit_edit": ({"pk": "subunit"}, GET, "L 2 4 3 3 3 2"),
    "monitoring:subunit_remove": ({"pk": "subunit"}, POST, "L R 4 3 3 3 R"),
    "monitoring:self_inspection": ({"pk": "self_inspection"}, GET, "L 2 4 3 3 2 2"),
    "monitoring:self_inspection_edit": ({"pk": "self_inspection"}, GET, "L 2 4 3 3 3 2"),
    "monitoring:self_inspection_result": ({"pk": "self_inspection"}, POST, "L 400 4 3 3 3 400"),
    "monitoring:self_inspection_finding_add": ({"pk": "self_inspection"}, POST, "L 400 4 3 3 3 400"),
    # The emulation package (hồ sơ thi đua) is for staff and leaders. The world's 2023 is not
    # published: its page says so, its files send back to it; staff's empty rule is the form's 400.
    "monitoring:emulation_home": ({}, GET, "L 3 3 3 3 2 2"),
    "monitoring:emulation": ({"year": 2023}, GET, "L 3 3 3 3 2 2"),
    "monitoring:emulation_rule": ({"year": 2023}, POST, "L 3 3 3 3 3 400"),
    "monitoring:emulation_xlsx": ({"year": 2023}, GET, "L 3 3 3 3 R R"),
    "monitoring:emulation_docx": ({"year": 2023}, GET, "L 3 3 3 3 R R"),
    # Documents.
    "reports:list": ({}, GET, "L 2 2 3 2 2 2"),
    "reports:download": ({"pk": "notice_document"}, GET, "L 2 4 4 2 2 2"),
    "reports:panel": ({"kind": "notice", "subject_id": "concluded_visit"}, GET, "L 2 4 4 2 2 2"),
    "reports:request": ({"kind": "notice", "subject_id": "concluded_visit"}, POST, "L 3 4 4 R 3 R"),
}


def _url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin, reachable by superusers only (tested below)
            yield from _url_names(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        else:
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def _kwargs(args: dict, world: dict) -> dict:
    return {key: (world[value].pk if isinstance(value, str) and value in world else value) for key, value in args.items()}


def _observe(client, method: str, url: str) -> str:
    response = getattr(client, method)(url)
    if response.status_code == 302:
        return "L" if response["Location"].startswith(reverse("login")) else "R"
    return {200: "2", 403: "3", 404: "4", 405: "5"}.get(response.status_code, str(response.status_code))


def test_every_url_pattern_has_a_row():
    names = list(_url_names())
    missing = [name for name in names if name not in MATRIX]
    stale = [name for name in MATRIX if name not in names]
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX))
def test_each_persona_gets_the_expected_answer(client, world, name):
    args, method, expected = MATRIX[name]
    url = reverse(name, kwargs=_kwargs(args, world))
    observed = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        observed.append(_observe(client, method, url))
    assert " ".join(observed) == expected, f"{name} ({method.upper()} {url}), personas {PERSONAS}"


@pytest.mark.django_db
def test_the_admin_is_for_superusers_only(client, world):
    for persona in ("unit_a_editor", "sonv_staff"):
        client.force_login(world["users"][persona])
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]
