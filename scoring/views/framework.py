from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from audit.selectors import audit_events_for
from cchc.forms import ImportFileForm
from cchc.middleware import IMPORT, accepts_files
from cchc.params import int_param
from cchc.tabular import ImportRejected, read_table, write_csv, write_xlsx
from cchc.uploads import download
from cchc.views import attempt
from units.models import Block

from .. import selectors, services
from ..forms import AddFrameworkForm, CloneForm, CriterionForm, PeriodForm, TransitionForm
from ..models import Assessment, Criterion, Evidence, Framework, Period, Phase, Score
from ..rules import can_see_all_frameworks
from ..scope import own_framework_block_id
from ..selectors.readiness import period_readiness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _get_period_for_user(request, year: int, *, write: bool = False) -> Period:
    _require(request, "scoring.manage_periods" if write else "scoring.view_periods")
    return get_object_or_404(Period, year=year)


def _get_framework_for_user(request, pk: int, *, write: bool = False) -> Framework:
    """Staff, council, leaders and inspectors see every framework; a unit's CCHC contact sees
    their own block's only — another block's framework does not exist for them."""
    framework = get_object_or_404(Framework.objects.select_related("period", "block"), pk=pk)
    if not request.user.has_perm("scoring.view_framework", framework):
        raise Http404
    if write:
        _require(request, "scoring.edit_framework")
    return framework


def _get_criterion_for_user(request, pk: int) -> Criterion:
    criterion = get_object_or_404(Criterion.objects.select_related("framework__period", "framework__block"), pk=pk)
    _get_framework_for_user(request, criterion.framework_id, write=True)
    return criterion


# --- Periods ----------------------------------------------------------------------------------


@login_required
def period_list(request):
    _require(request, "scoring.view_periods")
    context = {"periods": selectors.period_list(), "can_manage": request.user.has_perm("scoring.manage_periods")}
    return render(request, "scoring/period_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request):
    _require(request, "scoring.manage_periods")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Đã tạo kỳ đánh giá năm {period.year}.")
            return redirect("scoring:period_detail", year=period.year)
    return render(request, "scoring/period_form.html", {"form": form, "title": "Thêm kỳ đánh giá"})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    form = PeriodForm(request.POST or None, instance=Period.objects.get(pk=period.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(actor=request.user, period=period, **form.cleaned_data)
        except services.ScoringError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin kỳ đánh giá.")
            return redirect("scoring:period_detail", year=period.year)
    context = {"form": form, "period": period, "title": f"Sửa kỳ đánh giá năm {period.year}"}
    return render(request, "scoring/period_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def period_clone(request):
    _require(request, "scoring.manage_periods")
    latest = Period.objects.order_by("-year").first()
    initial = {"source": latest.year, "year": latest.year + 1} if latest else {}
    form = CloneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_clone(actor=request.user, source=data["source"], year=data["year"], title=data["title"])
        except (services.ScoringError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"Đã tạo kỳ đánh giá năm {period.year} từ bộ chỉ số năm {data['source'].year}. Hãy rà soát và chỉnh sửa.")
            return redirect("scoring:period_detail", year=period.year)
    return render(request, "scoring/period_clone.html", {"form": form, "has_periods": latest is not None})


@login_required
def period_detail(request, year: int):
    period = _get_period_for_user(request, year)
    user = request.user
    can_manage = user.has_perm("scoring.manage_periods")
    # A unit's contact sees the framework of the block their unit is assessed in that year.
    own_block = None if can_see_all_frameworks(user) else own_framework_block_id(user, period)
    block_ids = None if can_see_all_frameworks(user) else ([own_block] if own_block else [])
    context = {
        "period": period,
        "roster_count": period.roster.count() if can_manage else None,
        "trees": selectors.framework_trees_for_period(period, block_ids=block_ids),
        "can_manage": can_manage,
        "phase_events": selectors.phase_events(period),
        "transition_form": TransitionForm(period=period) if can_manage else None,
        "readiness": period_readiness(period) if can_manage else None,
        "add_form": AddFrameworkForm(period=period) if can_manage and period.is_draft else None,
    }
    if can_manage and period.phase == Phase.SELF_ASSESSMENT:
        # Leaving self-assessment locks the unsubmitted assessments as they stand: the
        # confirmation says how many.
        context["open_assessments"] = period.assessments.filter(status=Assessment.Status.OPEN).count()
    return render(request, "scoring/period_detail.html", context)


@login_required
@require_POST
def period_transition(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    form = TransitionForm(request.POST, period=period)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("scoring:period_detail", year=year)
    data = form.cleaned_data

    def call():
        if data["action"] == "advance":
            return services.period_advance(
                actor=request.user, period=period, reason=data["reason"], expected_phase=data["expected_phase"], override_reason=data["override_reason"]
            )
        return services.period_reopen(
            actor=request.user, period=period, to_phase=data["to_phase"], reason=data["reason"], expected_phase=data["expected_phase"]
        )

    attempt(request, call, lambda moved: f"Kỳ đánh giá năm {moved.year} đã chuyển sang giai đoạn {moved.get_phase_display()}.")
    return redirect("scoring:period_detail", year=year)


# --- Frameworks ---------------------------------------------------------------------------------


@login_required
@require_POST
def framework_add(request, year: int):
    period = _get_period_for_user(request, year, write=True)
    form = AddFrameworkForm(request.POST, period=period)
    if form.is_valid():
        try:
            framework = services.framework_create(actor=request.user, period=period, block=form.cleaned_data["block"])
        except services.ScoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã tạo bộ chỉ số trống cho {framework.block.name}. Hãy thêm các lĩnh vực, tiêu chí.")
            return redirect("scoring:framework_detail", pk=framework.pk)
    else:
        messages.error(request, "Chọn một khối chưa có bộ chỉ số.")
    return redirect("scoring:period_detail", year=year)


@login_required
@require_POST
def framework_delete(request, pk: int):
    framework = _get_framework_for_user(request, pk, write=True)
    deleted = attempt(
        request,
        lambda: services.framework_delete(actor=request.user, framework=framework),
        f"Đã xóa bộ chỉ số của {framework.block.name} năm {framework.period.year}.",
    )
    if not deleted:
        return redirect("scoring:framework_detail", pk=pk)
    return redirect("scoring:period_detail", year=framework.period.year)


def _tree_context(request, framework: Framework, **extra) -> dict:
    tree = selectors.criteria_tree_for_framework(framework)
    can_edit = request.user.has_perm("scoring.edit_framework")
    editing = can_edit and framework.period.is_draft
    if editing:
        _count_what_deleting_loses(framework, tree)
    return {
        "framework": framework,
        "period": framework.period,
        "tree": tree,
        "can_edit": can_edit,
        "editing": editing,
        **extra,
    }


def _count_what_deleting_loses(framework: Framework, tree) -> None:
    """Give every node (and the tree) the number of sub-items, entered scores and evidence files
    a delete takes with it, for the confirmation to say so. A draft reopened after
    self-assessment still holds the units' scores: deleting a criterion deletes them. One query
    for a draft never opened, three otherwise, whatever the size of the tree."""
    tree.delete_assessments = Assessment.objects.filter(framework=framework).count()
    scores, files = Counter(), Counter()
    if tree.delete_assessments:
        entered = Q(self_score__isnull=False) | Q(appraised_score__isnull=False) | Q(final_score__isnull=False) | Q(not_applicable=True)
        scores.update(dict(Score.objects.filter(criterion__framework=framework).filter(entered).order_by().values_list("criterion_id").annotate(n=Count("id"))))
        files.update(dict(Evidence.objects.filter(score__criterion__framework=framework).order_by().values_list("score__criterion_id").annotate(n=Count("id"))))

    def count(node) -> None:
        node.delete_descendants, node.delete_scores, node.delete_evidence = 0, scores[node.pk], files[node.pk]
        for child in node.tree_children:
            count(child)
            node.delete_descendants += 1 + child.delete_descendants
            node.delete_scores += child.delete_scores
            node.delete_evidence += child.delete_evidence

    for root in tree.roots:
        count(root)
    tree.delete_criteria = len(tree.rows)
    tree.delete_scores = sum(scores.values())
    tree.delete_evidence = sum(files.values())


def _tree_response(request, framework: Framework, *, status: int = 200, **extra) -> HttpResponse:
    """After a change, the whole tree is sent again: one edit moves totals and flags all the way
    up, and re-rendering costs the same two queries as the first view."""
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, extra["error"])
        return redirect("scoring:framework_detail", pk=framework.pk)
    response = render(request, "scoring/_tree.html", _tree_context(request, framework, **extra), status=status)
    return reswap(retarget(response, "#framework-tree"), "outerHTML")


def _locked_response(request, framework: Framework, message: str) -> HttpResponse:
    # 409: the page was loaded while the period was in draft; the new tree shows it frozen.
    if not request.htmx:
        context = _tree_context(request, framework, error=message)
        return render(request, "scoring/framework_detail.html", context, status=409)
    return _tree_response(request, framework, status=409, error=message)


@login_required
def framework_detail(request, pk: int):
    framework = _get_framework_for_user(request, pk)
    context = _tree_context(request, framework)
    if request.htmx and request.htmx.target == "framework-tree":
        return render(request, "scoring/_tree.html", context)
    if context["can_edit"]:
        context["events"] = audit_events_for(framework)[:15]
    return render(request, "scoring/framework_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, pk: int):
    framework = _get_framework_for_user(request, pk, write=True)
    parent = None
    parent_pk = int_param(request.POST, "parent") or int_param(request.GET, "parent")
    if parent_pk:
        parent = get_object_or_404(Criterion, pk=parent_pk, framework=framework)
    if not framework.period.is_draft:
        return _locked_response(request, framework, services.LOCKED_MESSAGE)
    form = CriterionForm(request.POST or None, initial={"kind": parent.kind if parent and parent.outside_max else "self"})
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_create(actor=request.user, framework=framework, parent=parent, **form.cleaned_data)
        except services.FrameworkLocked as exc:
            return _locked_response(request, framework, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _tree_response(request, framework, changed=criterion.pk, notice=f"Đã thêm {criterion.level_label.lower()} {criterion.code}.")
    context = {"form": form, "framework": framework, "parent": parent, "criterion": None}
    return render(request, "scoring/_criterion_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk: int):
    criterion = _get_criterion_for_user(request, pk)
    framework = criterion.framework
    if not framework.period.is_draft:
        return _locked_response(request, framework, services.LOCKED_MESSAGE)
    form = CriterionForm(request.POST or None, instance=Criterion.objects.get(pk=criterion.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **form.cleaned_data)
        except services.FrameworkLocked as exc:
            return _locked_response(request, framework, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _tree_response(request, framework, changed=criterion.pk, notice=f"Đã lưu {criterion.code}.")
    context = {"form": form, "framework": framework, "parent": None, "criterion": criterion}
    return render(request, "scoring/_criterion_form.html", context)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def criterion_delete(request, pk: int):
    criterion = _get_criterion_for_user(request, pk)
    framework = criterion.framework
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except services.FrameworkLocked as exc:
        return _locked_response(request, framework, str(exc))
    return _tree_response(request, framework, notice=f"Đã xóa {criterion.code}. {criterion.title}.")


@login_required
@require_POST
def criterion_move(request, pk: int):
    criterion = _get_criterion_for_user(request, pk)
    framework = criterion.framework
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Hướng di chuyển không hợp lệ.", status=400)
    try:
        criterion = services.criterion_move(actor=request.user, criterion=criterion, direction=direction)
    except services.FrameworkLocked as exc:
        return _locked_response(request, framework, str(exc))
    return _tree_response(request, framework, changed=criterion.pk)


# --- Import, export ---------------------------------------------------------------------------


class FrameworkImportForm(ImportFileForm):
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    field_order = ["year", "file"]


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def framework_import(request):
    _require(request, "scoring.manage_periods")
    form = FrameworkImportForm(request.POST or None, request.FILES or None, initial={"year": request.GET.get("year")})
    errors, refused = [], None
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        try:
            table = read_table(upload.read(), upload.name, services.FRAMEWORK_IMPORT_COLUMNS, required=services.REQUIRED_COLUMNS)
            result = services.framework_import(table=table, year=year, actor=request.user, source=upload.name)
        except ImportRejected as exc:
            errors = exc.errors
        except services.ScoringError as exc:
            refused = str(exc)
        else:
            messages.success(request, f"Tệp {upload.name}: {result}")
            return redirect("scoring:period_detail", year=year)
    context = {"form": form, "errors": errors, "refused": refused, "columns": services.FRAMEWORK_COLUMNS}
    return render(request, "scoring/framework_import.html", context, status=400 if errors or refused else 200)


@login_required
def framework_export(request, year: int):
    period = _get_period_for_user(request, year)
    blocks = [request.GET["block"]] if request.GET.get("block") else None
    if not can_see_all_frameworks(request.user):
        own_block = own_framework_block_id(request.user, period)
        own = Block.objects.filter(pk=own_block).values_list("code", flat=True).first() if own_block else None
        if blocks and blocks != [own]:
            raise Http404
        blocks = [own]
    name = f"bo-chi-so-{period.year}" + (f"-{blocks[0]}" if blocks else "")
    if request.GET.get("format") == "xlsx":
        columns, rows = selectors.framework_export_table(period, block_codes=blocks, numbers=True)
        return download(write_xlsx({f"Bộ chỉ số {period.year}": (columns, rows)}), filename=f"{name}.xlsx", content_type=XLSX)
    columns, rows = selectors.framework_export_table(period, block_codes=blocks)
    return download(write_csv(columns, rows), filename=f"{name}.csv", content_type="text/csv; charset=utf-8")

