"""Hostile and careless input: imports never crash and never write half a file; score inputs
that are not plain numbers are refused with a message."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.models import AuditEvent
from cchc.tabular import ImportRejected, read_table, write_xlsx
from inspections.services import STATUS_COLUMNS, findings_import_status
from scoring.models import Criterion, Framework, Period, Phase, Score
from scoring.selectors import FRAMEWORK_COLUMNS
from scoring.services import SCORE_COLUMNS, framework_import
from tests.scoring.conftest import HEADER, assessment_of, fill_self, move, open_period
from units.models import Unit
from units.services import UNIT_COLUMNS, units_import

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow])

# Cells a careless or hostile sheet may hold: formulas, huge text, control characters, numbers in
# every notation, Vietnamese in both Unicode forms.
cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "NaN", "1e9", "-0", "0,5", "1,2,3", " ", "so-nganh", "ubnd-xa", "1", "1.1", "yes", "no", "Thạch Hà", "Tha\u0323ch Ha\u0300"]),
    st.just("ă" * 12000),
)


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _tables(columns):
    rows = st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=6)
    return st.tuples(rows, st.booleans())


def _run_import(service, columns, rows, as_xlsx, **kwargs):
    if as_xlsx:
        # Excel itself cannot hold control characters; a CSV can, and is fuzzed with them.
        rows = [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in rows]
    data = write_xlsx({"Sheet": (columns, rows)}) if as_xlsx else _csv(columns, rows)
    try:
        table = read_table(data, "f.xlsx" if as_xlsx else "f.csv", columns, required=set(columns) if kwargs.pop("all_required", True) else None)
        service(table=table, actor=None, **kwargs)
    except ImportRejected as exc:
        assert exc.errors and all(str(e) for e in exc.errors)
        return False
    return True


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_random_bytes_are_refused_cleanly(data, name):
    try:
        read_table(data, name, UNIT_COLUMNS)
    except ImportRejected as exc:
        assert exc.errors


@pytest.mark.django_db
@FUZZ
@given(table=_tables(UNIT_COLUMNS))
def test_unit_imports_are_all_or_nothing(table):
    rows, as_xlsx = table
    before = Unit.objects.count()
    if not _run_import(units_import, UNIT_COLUMNS, rows, as_xlsx):
        assert Unit.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(table=_tables(FRAMEWORK_COLUMNS))
def test_framework_imports_are_all_or_nothing(table):
    rows, as_xlsx = table
    before = (Period.objects.count(), Framework.objects.count(), Criterion.objects.count())
    if not _run_import(framework_import, FRAMEWORK_COLUMNS, rows, as_xlsx, year=2030, all_required=False):
        assert (Period.objects.count(), Framework.objects.count(), Criterion.objects.count()) == before


@pytest.mark.django_db
@FUZZ
@given(table=_tables(STATUS_COLUMNS))
def test_remediation_status_imports_never_crash(table):
    rows, as_xlsx = table
    _run_import(findings_import_status, STATUS_COLUMNS, rows, as_xlsx, all_required=False)


@pytest.fixture
def half_point_criterion(db):
    period = Period.objects.create(year=2031, title="Kỳ thử")
    framework = Framework.objects.create(period=period, block_id=1)
    return Criterion(framework=framework, code="1.1", title="Tiêu chí", max_score=Decimal("2"))


@pytest.mark.parametrize("typed", ["1,2,3", "1.2.3", "1e9", "1E2", "NaN", "nan", "Infinity", "", "   ", "abc", "0,555", "-1", "2,01", "0x1"])
def test_score_inputs_that_are_not_a_plain_allowed_number_are_refused(half_point_criterion, typed):
    with pytest.raises(ValidationError) as refused:
        half_point_criterion.check_score(typed)
    assert refused.value.messages[0]


@pytest.mark.parametrize("typed, value", [("0,5", "0.50"), ("0.5", "0.50"), (" 2 ", "2.00"), ("-0", "0.00"), ("1,25", "1.25")])
def test_score_inputs_with_a_comma_or_a_dot_are_the_same_number(half_point_criterion, typed, value):
    assert half_point_criterion.check_score(typed) == Decimal(value)


# --- The score import, through its upload page as Sở Nội vụ ------------------------------------

SCORE_FRAMEWORK = HEADER + (
    "so-nganh,1,Công tác chỉ đạo điều hành,3,,,,,\n"
    'so-nganh,1.1,Ban hành kế hoạch CCHC,1,,"1=Đúng hạn; 0.5=Chậm; 0=Không ban hành",,no,no\n'
    "so-nganh,1.2,Báo cáo định kỳ,2,,,,no,yes\n"
    "so-nganh,8,Tác động của CCHC,12,,,,,\n"
    "so-nganh,8.1,Mức độ hài lòng của người dân,12,survey,,,no,no\n"
)
# Unit and criterion codes that exist, so that some files are valid and some half valid.
score_cells = st.one_of(
    cells,
    st.sampled_from(["UNIT-A", "UNIT-B", " UNIT-A ", "unit-a", "NOPE", "8.1", "8", "1.1", "1.2", "99.9", "NA", "n/a", "kad",
                     "12", "12,01", "10,5", "0.5", "0,25", "", "SIPAS 2025", "Lý do trừ điểm"]),
)
score_headers = st.sampled_from([
    SCORE_COLUMNS[:3], ["UNIT_CODE", "criterion_code", "score", "note"], ["unit_code", "criterion_code", "note"],
    SCORE_COLUMNS + ["extra"], list(reversed(SCORE_COLUMNS)), ["mã đơn vị", "mã tiêu chí", "điểm", "ghi chú"],
])


@st.composite
def score_files(draw):
    """Mostly plausible files for the stage (so that a fair share goes in, whole), with rows and
    headers of any kind mixed in."""
    stage = draw(st.sampled_from(["survey", "survey", "survey", "appraisal", "appraisal", "appraisal", "final", "self", "bogus", ""]))
    if stage == "survey":
        good = st.tuples(st.sampled_from(["UNIT-A", "UNIT-B"]), st.just("8.1"), st.sampled_from(["0", "0,5", "10.5", "12", "NA"]), st.sampled_from(["SIPAS 2025", ""]))
    else:
        good = st.one_of(
            st.tuples(st.sampled_from(["UNIT-A", "UNIT-B"]), st.just("1.1"), st.sampled_from(["1", "0,5", "0", "2"]), st.sampled_from(["Lý do trừ điểm", ""])),
            st.tuples(st.sampled_from(["UNIT-A", "UNIT-B"]), st.just("1.2"), st.sampled_from(["2", "1,25", "0", "NA"]), st.sampled_from(["Lý do trừ điểm", ""])),
        )
    good = good.map(list)
    key = lambda r: tuple(r[:2])  # noqa: E731
    rows = draw(st.one_of(
        st.lists(good, min_size=1, max_size=4, unique_by=key),
        st.lists(st.one_of(good, st.lists(score_cells, min_size=4, max_size=4)), max_size=6, unique_by=key),
    ))
    return {
        "stage": stage,
        "header": draw(st.one_of(st.just(SCORE_COLUMNS), st.just(SCORE_COLUMNS), score_headers)),
        "rows": rows,
        "encoding": draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "xlsx", "xlsx", "utf-16", "cp1258"])),
        "name": draw(st.sampled_from(["diem", "DIEM", "điểm điều tra"])),
        "extension": draw(st.sampled_from(["", "", "", "", "", "", "", ".txt", ".exe"])),
    }


def _score_file(spec) -> tuple[str, bytes]:
    header, rows = spec["header"], spec["rows"]
    if spec["encoding"] == "xlsx":
        rows = [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in rows]
        return spec["name"] + ".xlsx" + spec["extension"], write_xlsx({"Điểm": (header, rows)})
    text = _csv(header, rows).decode("utf-8")
    return spec["name"] + ".csv" + spec["extension"], text.encode(spec["encoding"], errors="replace")


def _scores_state() -> dict:
    fields = ["self_score", "self_note", "appraised_score", "appraisal_reason", "final_score", "council_note", "not_applicable", "version", "updated_at"]
    return {row[0]: row[1:] for row in Score.objects.values_list("pk", *fields)}


@pytest.fixture
def score_import_page(sonv_staff, unit_a_editor, unit_b_editor, client_of):
    """2032 in appraisal, units A and B self-assessed at the max: survey and appraisal scores may be
    imported. Returns (Sở Nội vụ's client, the upload page's URL)."""
    period = open_period(SCORE_FRAMEWORK, year=2032, actor=sonv_staff)
    for unit in (unit_a_editor.unit, unit_b_editor.unit):
        fill_self(assessment_of(period, unit))
    move(period, Phase.APPRAISAL)
    return client_of(sonv_staff), reverse("scoring:score_import", args=[period.year])


def _post_scores(client, url, name, data, stage="survey"):
    """Post a file to the upload page; whatever it holds the answer is a page, never a 500, and
    the file is written whole (each changed row with its audit event) or not at all."""
    before = _scores_state()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(url, {"stage": stage, "file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 302, 400), response.status_code
    after = _scores_state()
    events = AuditEvent.objects.filter(pk__gt=last_event)
    if response.status_code == 302:
        changed = [pk for pk in after if after[pk] != before[pk]]
        assert events.filter(action="score.import").count() == len(changed) == events.count()
    else:
        # 400: refused with the list of errors; 200: the form itself refused the upload.
        assert after == before and not events.exists()
        page = response.content.decode()
        assert ("import-errors" in page) if response.status_code == 400 else ("invalid-feedback" in page)
    return response


@pytest.mark.django_db
@FUZZ
@given(spec=score_files())
def test_score_import_page_never_fails_and_writes_a_file_whole_or_not_at_all(score_import_page, spec):
    client, url = score_import_page
    name, data = _score_file(spec)
    event(f"HTTP {_post_scores(client, url, name, data, stage=spec['stage']).status_code}")


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(["diem.csv", "diem.xlsx", "diem.txt", "diem"]))
def test_score_import_page_refuses_random_bytes_cleanly(score_import_page, data, name):
    client, url = score_import_page
    _post_scores(client, url, name, data)


GOOD_SURVEY = 'unit_code,criterion_code,score,note\nUNIT-A,8.1,"10,5",SIPAS\nUNIT-B,8.1,12,SIPAS\n'


# Not "0,555": survey points are averages, rounded half-up to the period's decimals when stored
# (tests/scoring/test_precision.py); a typed score with too many decimals is refused there.
@pytest.mark.parametrize("bad", ["1e9", "NaN", '"1,2,3"', "=1+1", '"-0,5"', '"12,01"', '"12,005"', "Infinity", " "])
def test_one_bad_score_among_good_rows_through_the_page_writes_nothing(score_import_page, bad):
    client, url = score_import_page
    text = GOOD_SURVEY.replace("UNIT-B,8.1,12,SIPAS", f"UNIT-B,8.1,{bad},SIPAS")
    response = _post_scores(client, url, "diem.csv", text.encode("utf-8"))
    assert response.status_code == 400
    assert "<td>3</td><td>score</td>" in response.content.decode()  # row 3 (the header is row 1), column score


def test_a_huge_note_is_refused_and_a_formula_note_is_kept_as_plain_text(score_import_page):
    client, url = score_import_page
    huge = GOOD_SURVEY.replace("10,5\",SIPAS", "10,5\"," + "ă" * 12000)
    response = _post_scores(client, url, "diem.csv", huge.encode("utf-8"))
    assert response.status_code == 400 and "Ô quá dài (12000 ký tự" in response.content.decode()
    formula = '=HYPERLINK("http://x")'
    text = GOOD_SURVEY.replace("12,SIPAS", '12,"=HYPERLINK(""http://x"")"')
    assert _post_scores(client, url, "diem.csv", text.encode("utf-8")).status_code == 302
    notes = dict(Score.objects.filter(criterion__code="8.1", assessment__unit__code__in=["UNIT-A", "UNIT-B"]).values_list("assessment__unit__code", "council_note"))
    assert notes == {"UNIT-A": "SIPAS", "UNIT-B": formula}


# --- The inline score forms: what a person types in a row --------------------------------------

NOT_A_SCORE = ["1,2,3", "1.2.3", "1e9", "1E2", "NaN", "nan", "Infinity", "-Infinity", "abc", "=1+1", "0,555", "-1", "2,01", "0x1", "½", '"><b>x</b>', "1" * 25]
ROW_URLS = {"self": "scoring:score_self", "appraisal": "scoring:score_appraise", "final": "scoring:score_finalize"}


@pytest.fixture
def inline_rows(sonv_staff, council_member, unit_a_editor, client_of):
    """Unit A's row 1.2 (any score from 0 to 2) and a function that puts the period in the stage's
    phase and posts a value to the row's inline form as the person of that stage."""
    from scoring.models import AppraisalAssignment

    period = open_period(SCORE_FRAMEWORK, year=2033, actor=sonv_staff)
    AppraisalAssignment.objects.create(period=period, member=council_member, field_code="1")
    assessment = assessment_of(period, unit_a_editor.unit)

    def score():
        return Score.objects.get(assessment=assessment, criterion__code="1.2")

    def at(stage):
        if stage != "self":
            fill_self(assessment)
            move(period, Phase.APPRAISAL if stage == "appraisal" else Phase.FINALIZATION)
        client = client_of(unit_a_editor if stage == "self" else council_member)

        def post(value, note="Lý do trừ điểm"):
            row = score()
            return client.post(reverse(ROW_URLS[stage], args=[row.pk]), {"value": value, "note": note, "version": row.version}, HTTP_HX_REQUEST="true")

        return post

    return at, score


@pytest.mark.parametrize("stage", ["self", "appraisal", "final"])
def test_inline_score_forms_refuse_what_is_not_a_plain_allowed_number_with_a_message_on_the_row(inline_rows, stage):
    at, score = inline_rows
    post = at(stage)
    before = score()
    for typed in NOT_A_SCORE:
        response = post(typed)
        html = response.content.decode()
        assert response.status_code == 400, typed
        assert 'class="alert alert-danger py-1 px-2 small mt-2 mb-0 row-error"' in html, typed
        assert 'data-code="1.2"' in html  # the row itself comes back, to be corrected in place
        assert "<b>x</b>" not in html  # what was typed comes back escaped
        after = score()
        assert (after.self_score, after.appraised_score, after.final_score, after.version) == (
            before.self_score, before.appraised_score, before.final_score, before.version
        ), typed


def test_an_empty_or_blank_self_score_means_not_scored_yet_and_blocks_the_submission(inline_rows):
    at, score = inline_rows
    post = at("self")
    assert post("1,5").status_code == 200 and score().self_score == Decimal("1.5")
    for blank in ("", "   "):
        response = post(blank)
        assert response.status_code == 200 and score().self_score is None
        assert "Đã chấm <strong>0</strong>/2" in response.content.decode()


def test_an_empty_or_blank_appraised_score_is_refused_on_the_row(inline_rows):
    at, score = inline_rows
    post = at("appraisal")
    for blank in ("", "   ", "\t"):
        response = post(blank)
        assert response.status_code == 400 and "Chưa nhập điểm thẩm định của tiêu chí 1.2." in response.content.decode()
        assert score().appraised_at is None


def test_an_empty_final_score_keeps_the_appraised_one(inline_rows):
    at, score = inline_rows
    post = at("final")
    for blank in ("", "   "):
        assert post(blank, note="Giữ nguyên").status_code == 200
        assert score().final_score is None and score().council_note == "Giữ nguyên"


@pytest.mark.parametrize("stage", ["self", "appraisal", "final"])
def test_minus_zero_is_zero_and_shows_as_zero(inline_rows, stage):
    at, score = inline_rows
    response = at(stage)("-0")
    assert response.status_code == 200
    value = {"self": score().self_score, "appraisal": score().appraised_score, "final": score().final_score}[stage]
    assert value == 0 and not value.is_signed()
    assert "-0" not in response.content.decode().split('name="version"')[1].split("</form>")[0]


# --- Query strings a person (or a script) can type: a clear answer, never a 500 -----------------

LONG_PASTE = " ".join(["thach", "ha", "so", "khoa", "hoc"] * 1000)  # 5,000 words


def test_a_pasted_page_in_the_unit_search_is_cut_to_its_first_words(client_of, sonv_staff, unit_a):
    from units.text import SEARCH_MAX_WORDS, search_words

    assert len(search_words(LONG_PASTE)) <= SEARCH_MAX_WORDS and len(search_words("a " * 5000)) == 1
    client = client_of(sonv_staff)
    response = client.get(reverse("units:list"), {"q": " ".join(f"tu{n}" for n in range(1000))})
    assert response.status_code == 200
    # The first words still search: "so khoa hoc" finds unit A however often it is repeated.
    response = client.get(reverse("units:list"), {"q": "so khoa hoc " * 300})
    assert response.status_code == 200 and "UNIT-A" in response.content.decode()


def test_a_pasted_page_in_the_ranking_s_find_a_unit_box_is_cut_the_same_way(client_of, sonv_staff, unit_a, unit_b):
    period = open_period(SCORE_FRAMEWORK, year=2034, actor=sonv_staff)
    client = client_of(sonv_staff)
    url = reverse("scoring:results_ranking", args=[period.year, unit_a.block.code])
    response = client.get(url, {"don-vi": " ".join(f"tu{n}" for n in range(500))})
    assert response.status_code == 200 and "Không tìm thấy đơn vị" in response.content.decode()
    response = client.get(url, {"don-vi": "ngoai vu " * 250})
    assert response.status_code == 302 and "#don-vi-" in response["Location"]


@pytest.mark.parametrize("value", ["9999999999999999999999", "9223372036854775808", "²", "١٢", "-1", "1.5", "abc", "1e3"])
def test_an_id_in_the_query_string_that_no_row_can_have_is_not_found(client_of, sonv_staff, council_member, value):
    from units.models import Block

    period = Period.objects.create(year=2035, title="Kỳ thử")
    framework = Framework.objects.create(period=period, block=Block.objects.get(code="so-nganh"))
    staff = client_of(sonv_staff)
    assert staff.get(reverse("inspections:schedule"), {"plan": value}).status_code == 404
    assert staff.get(reverse("inspections:schedule"), {"team": value}).status_code == 404
    assert staff.get(reverse("scoring:criterion_add", args=[framework.pk]), {"parent": value}).status_code == 404
    assert client_of(council_member).get(reverse("scoring:appraisal_queue"), {"nam": value}).status_code == 404


def test_the_largest_id_a_database_holds_is_an_id_like_any_other(client_of, sonv_staff):
    response = client_of(sonv_staff).get(reverse("inspections:schedule"), {"plan": str(2**63 - 1)})
    assert response.status_code == 200  # no such plan: the filter says so


@pytest.mark.parametrize("block", ["\nX", "\r\nSet-Cookie: a=b", 'x"; filename="evil.exe', "Khối\tsở"])
def test_a_block_code_with_line_breaks_or_quotes_cannot_split_the_download_s_headers(client_of, sonv_staff, block):
    Period.objects.create(year=2036, title="Kỳ thử")
    for fmt in ("csv", "xlsx"):
        response = client_of(sonv_staff).get(reverse("scoring:framework_export", args=[2036]), {"block": block, "format": fmt})
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename")
        assert not any(ch in disposition for ch in "\r\n\t") and "Set-Cookie" not in response.headers
        assert 'filename="evil' not in disposition  # a quote in the name stays inside the name


def test_every_download_names_its_file_through_the_one_helper():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    helper = root / "cchc" / "uploads.py"
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for app in ["cchc", "units", "scoring", "inspections", "reports", "audit"]
        for path in (root / app).rglob("*.py")
        if path != helper
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Content-Disposition" in line or "as_attachment" in line or "FileResponse(" in line
    ]
    assert not offenders, f"set Content-Disposition with cchc.uploads.download / attachment_response instead: {offenders}"


HOSTILE_QUERY = {
    name: value
    for name in ["plan", "team", "unit", "nam", "page", "parent", "year", "block", "khoi", "kind", "status", "format", "don-vi", "q", "con-lai", "next", "back"]
    for value in ["9999999999999999999999"]
} | {"q": "a " * 2000, "don-vi": "b " * 2000, "block": "\r\nX", "next": "//evil.example"}


@pytest.mark.parametrize("persona", ["sonv_staff", "council_member", "unit_a_editor"])
def test_every_page_answers_a_hostile_query_string_without_a_server_error(client, world, persona):
    from tests.security.test_permission_matrix import GET, MATRIX, _kwargs

    client.force_login(world["users"][persona])
    for name, (args, method, _) in MATRIX.items():
        if method != GET:
            continue
        url = reverse(name, kwargs=_kwargs(args, world))
        for query in (HOSTILE_QUERY, {key: "²" for key in HOSTILE_QUERY}):
            response = client.get(url, query)
            assert response.status_code < 500, (name, query)


@pytest.mark.django_db
def test_a_deadline_far_from_its_year_is_refused_and_cloning_a_year_never_overflows(client_of, sonv_staff):
    from scoring.models import Period
    from scoring.services import period_clone

    client = client_of(sonv_staff)
    response = client.post(reverse("scoring:period_create"), {"year": 2024, "title": "", "self_assessment_deadline": "31/12/9999"})
    assert response.status_code == 200 and "Hạn phải trong khoảng năm 2023–2026" in response.content.decode()
    assert not Period.objects.exists()
    old = Period.objects.create(year=2024, title="2024", self_assessment_deadline=datetime.date(9999, 12, 31))
    clone = period_clone(actor=sonv_staff, source=old, year=2025)
    assert clone.self_assessment_deadline is None


def test_a_date_in_the_year_9999_is_refused_in_vietnamese_before_any_date_is_computed_from_it():
    from cchc.forms import DateField

    with pytest.raises(ValidationError, match="Năm phải từ 1900 đến 2100"):
        DateField().clean("31/12/9999")
    assert DateField().clean("02/12/2026") == datetime.date(2026, 12, 2)


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_in_a_multiple_choice_is_an_invalid_choice_not_a_500():
    from cchc.forms import ModelMultipleChoiceField
    from units.models import Unit

    field = ModelMultipleChoiceField(queryset=Unit.objects.all())
    for value in (["99999999999999999999"], ["1e9"], ["²"]):
        with pytest.raises(ValidationError):
            field.clean(value)
