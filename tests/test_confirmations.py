"""Every destructive or irreversible action asks first, in one way: a `data-confirm` message that
says what will be lost, asked by static/js/confirm.js. The site's CSP drops inline handlers
(`onsubmit="return confirm(…)"`) silently, so the action would run without asking."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.destructive_actions import DESTRUCTIVE, NOT_DESTRUCTIVE, POSTS_TO_ITS_OWN_PAGE, SUSPECT_WORDS

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC_SOURCES = [Path(settings.BASE_DIR) / "static", *Path(settings.BASE_DIR).glob("*/static")]

# A tag, with Django tags, variables and quoted values inside it taken whole (they may hold '>').
TAG = re.compile(r"<(?P<name>[a-zA-Z][\w-]*)\b(?P<attrs>(?:\{%.*?%\}|\{\{.*?\}\}|\"[^\"]*\"|'[^']*'|[^>])*)>", re.S)
URL_ATTRS = ("action", "formaction", "hx-post", "hx-put", "hx-patch", "hx-delete", "data-hx-post", "data-hx-put", "data-hx-patch", "data-hx-delete")
URL_NAME = re.compile(r"\{%\s*url\s+['\"](?P<name>[\w:-]+)['\"]")
HAS_CONFIRM = re.compile(r"(?<![\w-])data-confirm\s*=\s*\"\s*[^\"\s]")
INLINE_HANDLER = re.compile(r"(?<![\w:.-])(?:on[a-z]+|hx-on(?::[\w:-]+)?|data-hx-on(?::[\w:-]+)?|hx-confirm|data-hx-confirm)\s*=", re.I)


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def attribute_url_names(attrs: str, names=URL_ATTRS) -> list[str]:
    found = []
    for name in names:
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}\s*=\s*\"(?P<value>[^\"]*)\"", attrs):
            found += [m["name"] for m in URL_NAME.finditer(match["value"])]
    return found


def unconfirmed_actions(source: str) -> list[str]:
    """The destructive forms and buttons of a template's source that do not carry data-confirm.

    A form posting to a destructive URL asks on the form, or on each of its submit buttons; a
    button or link with a destructive formaction or hx-post asks on itself, or its form asks."""
    problems = []
    forms = _forms(source)
    for match in TAG.finditer(source):
        name, attrs = match["name"].lower(), match["attrs"]
        if name not in ("button", "input", "a"):
            continue
        own = [n for n in attribute_url_names(attrs) if n in DESTRUCTIVE]
        form = next((f for f in forms if f["start"] < match.start() < f["end"]), None)
        if own and not (HAS_CONFIRM.search(attrs) or (form and HAS_CONFIRM.search(form["attrs"]))):
            problems.append(f"line {_line(source, match.start())}: <{name}> posting to {', '.join(own)} has no data-confirm")
    for form in forms:
        targets = list(dict.fromkeys(n for n in attribute_url_names(form["attrs"]) if n in DESTRUCTIVE))
        if not targets or HAS_CONFIRM.search(form["attrs"]):
            continue
        submitters = [m["attrs"] for m in TAG.finditer(source, form["start"], form["end"]) if _submits(m)]
        if not submitters or not all(HAS_CONFIRM.search(b) for b in submitters):
            problems.append(f"line {_line(source, form['start'])}: <form> posting to {', '.join(targets)} has no data-confirm")
    return problems


def _submits(tag: re.Match) -> bool:
    kind = re.search(r"(?<![\w-])type\s*=\s*\"(\w+)\"", tag["attrs"])
    if tag["name"].lower() == "button":
        return not kind or kind[1].lower() == "submit"
    return tag["name"].lower() == "input" and bool(kind) and kind[1].lower() in ("submit", "image")


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _forms(source: str) -> list[dict]:
    """Each form tag's attributes and the span of the form, up to its </form>."""
    forms = []
    for match in TAG.finditer(source):
        if match["name"].lower() != "form":
            continue
        end = source.find("</form>", match.end())
        forms.append({"attrs": match["attrs"], "start": match.start(), "end": end if end >= 0 else len(source)})
    return forms


def url_names() -> set[str]:
    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver(), None))


# --- Reading every template ---------------------------------------------------------------------


def test_every_destructive_form_or_button_in_the_templates_carries_a_data_confirm():
    problems = {}
    for path in template_files():
        found = unconfirmed_actions(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert not problems, problems


def test_the_check_catches_an_inline_onsubmit_and_a_forgotten_data_confirm():
    inline = """<form method="post" action="{% url 'scoring:framework_delete' framework.pk %}" onsubmit="return confirm('Xóa?');">{% csrf_token %}
      <button class="btn btn-outline-danger">Xóa bộ chỉ số</button></form>"""
    forgotten = """<button type="button" hx-post="{% url 'scoring:criterion_delete' node.pk %}" hx-target="#framework-tree">Xóa</button>"""
    two_buttons = """<form method="post">{% csrf_token %}
      <button formaction="{% url 'inspections:finding_accept' finding.pk %}">Xác nhận</button>
      <button formaction="{% url 'inspections:finding_return' finding.pk %}">Trả lại</button></form>"""
    asking = """<form method="post" action="{% url 'scoring:framework_delete' framework.pk %}" data-confirm="Xóa bộ chỉ số {{ framework.block.name }}: {{ tree.delete_criteria }} tiêu chí?">
      <button>Xóa</button></form>"""
    assert unconfirmed_actions(inline) and INLINE_HANDLER.search(inline)
    assert unconfirmed_actions(forgotten)
    assert unconfirmed_actions(two_buttons)
    assert unconfirmed_actions(asking) == []


def test_no_template_has_an_inline_event_handler_hx_confirm_or_an_inline_script():
    problems = []
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        for match in TAG.finditer(source):
            where = f"{path.relative_to(TEMPLATES)}:{source.count(chr(10), 0, match.start()) + 1}"
            attrs = match["attrs"]
            if INLINE_HANDLER.search(attrs):
                problems.append(f"{where}: {INLINE_HANDLER.search(attrs)[0]}")
            if re.search(r"javascript:", attrs, re.I):
                problems.append(f"{where}: javascript: URL")
            if match["name"].lower() == "script" and not re.search(r"(?<![\w-])src\s*=", attrs):
                problems.append(f"{where}: inline <script>")
    assert not problems, problems


def test_every_destructive_action_is_reached_from_a_template_that_asks():
    referenced = set()
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        for match in TAG.finditer(source):
            referenced |= set(attribute_url_names(match["attrs"]))
    assert set(DESTRUCTIVE) - POSTS_TO_ITS_OWN_PAGE <= referenced, sorted(set(DESTRUCTIVE) - POSTS_TO_ITS_OWN_PAGE - referenced)


def test_every_url_whose_name_sounds_destructive_is_listed_as_destructive_or_not():
    names = {n for n in url_names() if not n.startswith("admin:")}
    suspect = {n for n in names if any(word in n.split(":")[-1] for word in SUSPECT_WORDS)}
    assert suspect - set(DESTRUCTIVE) - set(NOT_DESTRUCTIVE) == set()
    assert set(DESTRUCTIVE) <= names, sorted(set(DESTRUCTIVE) - names)


def test_one_script_asks_for_every_page_and_base_loads_it_once_deferred():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    tags = re.findall(r"<script\b[^>]*confirm\.js[^>]*>", base)
    assert len(tags) == 1 and re.search(r"\bdefer\b", tags[0]), tags
    askers = []
    for root in STATIC_SOURCES:
        for path in root.rglob("*.js"):
            if "vendor" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "data-confirm" in text or re.search(r"\bconfirm\s*\(", text):
                askers.append(path.relative_to(settings.BASE_DIR).as_posix())
    assert askers == ["static/js/confirm.js"]


# --- Rendered pages -------------------------------------------------------------------------------


class _Actions(HTMLParser):
    """The POST forms, their buttons and the htmx elements of a rendered page."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[dict] = []
        self.elements: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            form = {"attrs": attrs, "buttons": []}
            self._open.append(form)
            if attrs.get("method", "").lower() == "post" or "hx-post" in attrs:
                self.forms.append(form)
            return
        form = self._open[-1] if self._open else None
        if tag in ("button", "input") and form is not None and attrs.get("type", "submit" if tag == "button" else "text") in ("submit", "image"):
            form["buttons"].append(attrs)
        if any(name in attrs for name in ("hx-post", "hx-put", "hx-patch", "hx-delete")) and tag != "form":
            self.elements.append({"attrs": attrs, "form": form})

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self._open.pop()

    @staticmethod
    def view_name(url: str) -> str:
        return resolve(urlsplit(url).path).view_name

    def unconfirmed(self) -> list[str]:
        problems = []
        for form in self.forms:
            target = form["attrs"].get("hx-post") or form["attrs"].get("action") or self.page_path
            form_asks = bool(form["attrs"].get("data-confirm", "").strip())
            for button in form["buttons"] or [{}]:
                name = self.view_name(button.get("formaction") or target)
                if name in DESTRUCTIVE and not (form_asks or button.get("data-confirm", "").strip()):
                    problems.append(f"{name}: a form without data-confirm")
        for element in self.elements:
            attrs = element["attrs"]
            url = next(attrs[n] for n in ("hx-post", "hx-put", "hx-patch", "hx-delete") if n in attrs)
            if self.view_name(url) in DESTRUCTIVE and not attrs.get("data-confirm", "").strip():
                problems.append(f"{self.view_name(url)}: an htmx element without data-confirm")
        return problems

    def messages_for(self, view_name: str) -> list[str]:
        found = []
        for form in self.forms:
            target = form["attrs"].get("hx-post") or form["attrs"].get("action") or self.page_path
            if self.view_name(target) == view_name and form["attrs"].get("data-confirm"):
                found.append(form["attrs"]["data-confirm"])
            found += [b["data-confirm"] for b in form["buttons"] if b.get("formaction") and self.view_name(b["formaction"]) == view_name and b.get("data-confirm")]
        found += [e["attrs"]["data-confirm"] for e in self.elements if self.view_name(e["attrs"].get("hx-post", "")) == view_name and e["attrs"].get("data-confirm")]
        return found


def page_actions(client, url: str) -> _Actions:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _Actions(urlsplit(url).path)
    parser.feed(response.content.decode())
    assert parser.unconfirmed() == [], url
    return parser


@pytest.fixture
def draft_framework(db):
    from scoring.models import Framework
    from tests.scoring.conftest import import_text, sample_text

    period = import_text(sample_text(), year=2024).period
    return Framework.objects.select_related("period", "block").get(period=period, block__code="so-nganh")


def test_deleting_a_framework_asks_naming_its_block_year_and_number_of_criteria(client_of, sonv_staff, draft_framework):
    actions = page_actions(client_of(sonv_staff), reverse("scoring:framework_detail", args=[draft_framework.pk]))
    count = draft_framework.criteria.count()
    [message] = actions.messages_for("scoring:framework_delete")
    assert message.startswith(f"Xóa bộ chỉ số {draft_framework.block.name} năm 2024: {count} tiêu chí (gồm ")
    assert "Không thể hoàn tác" in message and "phiếu đánh giá" not in message


def test_deleting_a_criterion_asks_naming_it_and_how_many_sub_items_go_with_it(client_of, sonv_staff, draft_framework):
    actions = page_actions(client_of(sonv_staff), reverse("scoring:framework_detail", args=[draft_framework.pk]))
    messages = actions.messages_for("scoring:criterion_delete")
    assert len(messages) == draft_framework.criteria.count()
    field = draft_framework.criteria.get(code="1")
    below = draft_framework.criteria.filter(code__startswith="1.").count()
    assert f"Xóa 1. {field.title[:70]}" in next(m for m in messages if m.startswith("Xóa 1. "))
    assert any(m.startswith("Xóa 1. ") and f"cùng {below} mục con?" in m for m in messages)
    leaf = draft_framework.criteria.filter(children__isnull=True).order_by("code").first()
    assert any(m.startswith(f"Xóa {leaf.code}. ") and "mục con" not in m for m in messages)


def test_a_draft_reopened_after_self_assessment_says_the_units_scores_a_delete_takes(client_of, sonv_staff, unit_a, unit_b):
    from scoring.models import Framework, Score
    from tests.scoring.conftest import assessment_of, fill_self, move, open_period

    period = open_period(actor=sonv_staff)
    rows = fill_self(assessment_of(period, unit_a))
    move(period, "draft", actor=sonv_staff)
    framework = Framework.objects.get(period=period, block__code="so-nganh")
    actions = page_actions(client_of(sonv_staff), reverse("scoring:framework_detail", args=[framework.pk]))
    [message] = actions.messages_for("scoring:framework_delete")
    assessments = framework.assessments.count()
    assert f"{assessments} phiếu đánh giá của các đơn vị cùng {len(rows)} điểm đã chấm sẽ bị xóa" in message
    scored = Score.objects.filter(assessment__unit=unit_a, criterion__framework=framework, criterion__code__startswith="1.", self_score__isnull=False).count()
    assert any(m.startswith("Xóa 1. ") and f"{scored} điểm đã chấm" in m for m in actions.messages_for("scoring:criterion_delete"))


def test_phase_changes_say_what_they_lock_and_each_reopen_target_says_what_it_undoes(client_of, sonv_staff, unit_a):
    from scoring.services import period_advance
    from tests.scoring.conftest import import_text, sample_text

    period = import_text(sample_text(), year=2024).period
    client = client_of(sonv_staff)
    [advance] = page_actions(client, reverse("scoring:period_detail", args=[2024])).messages_for("scoring:period_transition")
    assert "sang giai đoạn Tự đánh giá?" in advance and "Bộ chỉ số của 1 khối bị khóa" in advance

    period_advance(actor=sonv_staff, period=period)
    response = client.get(reverse("scoring:period_detail", args=[2024])).content.decode()
    advance, reopen = page_actions(client, reverse("scoring:period_detail", args=[2024])).messages_for("scoring:period_transition")
    assert "phiếu chưa nộp bị khóa theo hiện trạng" in advance
    assert reopen.startswith("Đưa kỳ đánh giá năm 2024 từ giai đoạn Tự đánh giá về giai đoạn trước")
    assert 'data-confirm="Đưa kỳ đánh giá năm 2024 từ giai đoạn Tự đánh giá về giai đoạn Dự thảo? Bộ chỉ số được mở khóa' in response


def test_submitting_and_reopening_a_self_assessment_ask_first(client_of, sonv_staff, unit_a_editor):
    from tests.scoring.conftest import assessment_of, fill_self, open_period, submit

    period = open_period(actor=sonv_staff)
    assessment = assessment_of(period, unit_a_editor.unit)
    url = reverse("scoring:assessment_detail", args=[assessment.pk])
    [message] = page_actions(client_of(unit_a_editor), url).messages_for("scoring:assessment_submit")
    assert f"Nộp bản tự đánh giá năm 2024 của {unit_a_editor.unit.name}?" in message and "không sửa được" in message
    fill_self(assessment)
    submit(assessment)
    [message] = page_actions(client_of(sonv_staff), url).messages_for("scoring:assessment_reopen")
    assert message.startswith(f"Mở lại phiếu tự đánh giá năm 2024 của {unit_a_editor.unit.name}? Phiếu đã nộp")


@pytest.fixture
def visit(inspector, unit_a):
    import datetime

    from inspections.models import DelegationMember, InspectionPlan, Team, Visit

    plan = InspectionPlan.objects.create(year=2023, title="Kế hoạch kiểm tra công tác CCHC năm 2023", number="125/KH-UBND")
    leader = DelegationMember.objects.create(plan=plan, full_name="Bùi Văn Sơn", unit=inspector.unit, user=inspector)
    team = Team.objects.create(plan=plan, number=1, leader=leader)
    team.members.add(leader)
    DelegationMember.objects.create(plan=plan, full_name="Phan Thị Hoa", unit=unit_a)
    day = datetime.date(2023, 5, 25)
    return Visit.objects.create(plan=plan, team=team, unit=unit_a, start_date=day, end_date=day)


def test_the_delegation_page_names_the_teams_a_removed_member_leaves(client_of, sonv_staff, visit):
    actions = page_actions(client_of(sonv_staff), reverse("inspections:delegation", args=[visit.plan.pk]))
    removals = actions.messages_for("inspections:member_remove")
    assert any(m.startswith("Bỏ Bùi Văn Sơn (") and "cũng bị bỏ khỏi Tổ công tác số 1" in m for m in removals)
    assert any(m.startswith("Bỏ Phan Thị Hoa (") and "Tổ công tác" not in m for m in removals)
    [team] = actions.messages_for("inspections:team_delete")
    assert team.startswith("Xóa Tổ công tác số 1 (1 thành viên, tổ trưởng Bùi Văn Sơn)?")


def test_a_visit_asks_before_it_is_marked_done_a_finding_deleted_and_the_visit_concluded(client_of, sonv_staff, inspector, visit):
    from inspections import services
    from tests.inspections.conftest import add_shortcoming

    finding = add_shortcoming(visit, actor=inspector, text="Tỷ lệ hồ sơ trực tuyến thấp.")
    actions = page_actions(client_of(sonv_staff), reverse("inspections:visit", args=[visit.pk]))
    [done] = actions.messages_for("inspections:visit_done")
    assert done.startswith(f"Đánh dấu cuộc kiểm tra {visit.unit.name} ngày 25/05/2023 là đã kiểm tra xong?")
    [delete] = actions.messages_for("inspections:finding_delete")
    assert delete.startswith("Xóa tồn tại, hạn chế “Tỷ lệ hồ sơ trực tuyến thấp.”")
    assert finding.pk

    services.visit_mark_done(actor=sonv_staff, visit=visit)
    [conclude] = page_actions(client_of(sonv_staff), reverse("inspections:visit_conclude", args=[visit.pk])).messages_for("inspections:visit_conclude")
    assert conclude.startswith(f"Ghi thông báo kết luận kiểm tra {visit.unit.name}? Sau khi kết luận, 1 kết quả kiểm tra được chốt")


def test_accepting_a_remediation_asks_on_its_button_and_returning_it_does_not(client_of, sonv_staff, inspector, unit_a_editor, visit):
    from inspections import services
    from tests.inspections.conftest import add_shortcoming, pdf_upload

    finding = add_shortcoming(visit, actor=inspector)
    services.finding_report_remediation(actor=unit_a_editor, finding=finding, text="Đã khắc phục.", files=[pdf_upload()])
    for url in (reverse("inspections:review"), reverse("inspections:finding", args=[finding.pk])):
        actions = page_actions(client_of(sonv_staff), url)
        [accept] = actions.messages_for("inspections:finding_accept")
        assert accept.startswith(f"Xác nhận {visit.unit.name} đã khắc phục tồn tại số {finding.pk}?")
        assert actions.messages_for("inspections:finding_return") == []
