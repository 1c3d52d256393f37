"""Pages of the yearly CCHC plan: plans and their dashboard, tasks, the import and the export,
the lead unit's reports and Sở Nội vụ's decisions, the unit's own task list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import audit_events_for
from cchc.middleware import IMPORT, UPLOAD, accepts_files
from cchc.params import int_param
from cchc.redirects import redirect_back
from cchc.tabular import ImportRejected, read_table, write_xlsx
from cchc.uploads import attachment_response, download
from cchc.views import attempt, attempt_in_form
from inspections.models import Field

from .. import scope, selectors, services
from ..forms import PlanForm, ReviewForm, TaskFilterForm, TaskForm, TaskImportForm, TaskReportForm
from ..models import PlanTask, ReformPlan, TaskEvidence
from ..services.files import MAX_FILES
from .common import PAGE_SIZE, XLSX, query_without, require


def _get_task_for_user(request, pk: int) -> PlanTask:
    """A task outside the user's scope (another unit's) does not exist for them."""
    require(request, "monitoring.view")
    return get_object_or_404(scope.tasks_for_user(request.user).select_related("plan", "lead_unit"), pk=pk)


@login_required
def home(request):
    """The menu's entry: the province's plans for staff and leaders, the unit's tasks for its contact."""
    if request.user.has_perm("monitoring.view_province"):
        return redirect("monitoring:plans")
    if request.user.has_perm("monitoring.unit_pages"):
        return redirect("monitoring:my_tasks")
    raise PermissionDenied


# --- Plans ---------------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    require(request, "monitoring.view_province")
    return render(request, "monitoring/plan_list.html", {"plans": selectors.plan_list(), "nav": "plan"})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int | None = None):
    require(request, "monitoring.manage")
    plan = get_object_or_404(ReformPlan, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=ReformPlan.objects.get(pk=plan.pk) if plan else None)
    if request.method == "POST" and form.is_valid():
        done, saved = attempt_in_form(request, form, lambda: services.plan_save(actor=request.user, plan=plan, **form.cleaned_data), "Đã lưu kế hoạch CCHC.")
        if done:
            return redirect("monitoring:plan", pk=saved.pk)
    context = {
        "form": form,
        "title": f"Sửa {plan}" if plan else "Thêm kế hoạch CCHC năm",
        "back": reverse("monitoring:plan", args=[plan.pk]) if plan else reverse("monitoring:plans"),
        "nav": "plan",
    }
    return render(request, "monitoring/form.html", context)


def _task_filters(request) -> tuple[TaskFilterForm, dict]:
    int_param(request.GET, "unit")  # an id no unit can have is a 404
    form = TaskFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    return form, filters


@login_required
def plan_detail(request, pk: int):
    """The plan's dashboard (province, fields, lead units) and its tasks, filtered."""
    require(request, "monitoring.view_province")
    plan = get_object_or_404(ReformPlan, pk=pk)
    form, filters = _task_filters(request)
    page = Paginator(selectors.plan_tasks(plan=plan, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "dashboard": selectors.plan_dashboard(plan=plan),
        "form": form,
        "filters": filters,
        "page": page,
        "query": query_without(request, "page"),
        "base_query": query_without(request, "page", "unit", "state", "field"),
        "can_manage": request.user.has_perm("monitoring.manage"),
        "nav": "plan",
    }
    return render(request, "monitoring/plan_detail.html", context)


@login_required
def plan_export(request, pk: int):
    require(request, "monitoring.view_province")
    plan = get_object_or_404(ReformPlan, pk=pk)
    _, filters = _task_filters(request)
    dashboard = selectors.plan_dashboard(plan=plan)
    content = write_xlsx(
        {
            "Nhiệm vụ": (services.TASK_FILE_COLUMNS, selectors.plan_export_rows(plan=plan, **filters)),
            "Tổng hợp": (selectors.SUMMARY_COLUMNS, selectors.plan_summary_rows(dashboard)),
        }
    )
    return download(content, filename=f"ke-hoach-cchc-{plan.year}-{timezone.localdate():%Y%m%d}.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_files(IMPORT)
def plan_import(request, pk: int):
    require(request, "monitoring.manage")
    plan = get_object_or_404(ReformPlan, pk=pk)
    form = TaskImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name, services.TASK_FILE_COLUMNS, required=services.TASK_REQUIRED_COLUMNS)
            result = services.plan_tasks_import(actor=request.user, plan=plan, table=table)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Đã nhập tệp {upload.name}: {result}")
            return redirect("monitoring:plan", pk=plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "errors": errors,
        "columns": services.TASK_COLUMNS,
        "required": services.TASK_REQUIRED_COLUMNS,
        "fields": Field.choices,
        "nav": "plan",
    }
    return render(request, "monitoring/plan_import.html", context, status=400 if errors else 200)


# --- Tasks ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int | None = None, plan_pk: int | None = None):
    require(request, "monitoring.manage")
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=pk) if pk else None
    plan = task.plan if task else get_object_or_404(ReformPlan, pk=plan_pk)
    form = TaskForm(request.POST or None, plan=plan, instance=PlanTask.objects.get(pk=task.pk) if task else None)
    if request.method == "POST" and form.is_valid():
        done, saved = attempt_in_form(
            request, form, lambda: services.task_save(actor=request.user, plan=plan, task=task, **form.cleaned_data), "Đã lưu nhiệm vụ."
        )
        if done:
            return redirect("monitoring:task", pk=saved.pk)
    context = {
        "form": form,
        "plan": plan,
        "title": f"Sửa nhiệm vụ {task.number}" if task else f"Thêm nhiệm vụ vào {plan}",
        "back": reverse("monitoring:task", args=[task.pk]) if task else reverse("monitoring:plan", args=[plan.pk]),
        "nav": "plan",
    }
    return render(request, "monitoring/form.html", context)


def _task_context(request, task: PlanTask, *, report_form=None) -> dict:
    user = request.user
    task = selectors.task_detail(task=task)
    can_report = task.awaits_unit and scope.may_report_task(user, task)
    return {
        "task": task,
        "report_form": report_form or (TaskReportForm() if can_report else None),
        "review_form": ReviewForm() if task.status == PlanTask.Status.REPORTED and scope.may_review(user) else None,
        "events": audit_events_for(task),
        "reads_province": user.has_perm("monitoring.view_province"),
        "nav": "plan",
    }


@login_required
def task_detail(request, pk: int):
    task = _get_task_for_user(request, pk)
    return render(request, "monitoring/task_detail.html", _task_context(request, task))


@login_required
@require_POST
@accepts_files(UPLOAD, files=MAX_FILES)
def task_report(request, pk: int):
    task = _get_task_for_user(request, pk)
    if not scope.may_report_task(request.user, task):
        raise PermissionDenied
    form = TaskReportForm(request.POST, request.FILES)
    if form.is_valid():
        done, report = attempt_in_form(
            request, form, lambda: services.task_report(actor=request.user, task=task, **form.cleaned_data),
            lambda report: "Đã gửi báo cáo hoàn thành đến Sở Nội vụ." if report.kind == "completion" else "Đã gửi báo cáo tiến độ.",
        )
        if done:
            return redirect("monitoring:task", pk=task.pk)
    return render(request, "monitoring/task_detail.html", _task_context(request, task, report_form=form), status=400)


@login_required
@require_POST
def task_decide(request, pk: int, decision: str):
    require(request, "monitoring.manage")
    task = _get_task_for_user(request, pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    if decision == "accept":
        attempt(request, lambda: services.task_accept(actor=request.user, task=task, comment=comment), f"Đã xác nhận hoàn thành nhiệm vụ {task.number}.")
    else:
        attempt(request, lambda: services.task_return(actor=request.user, task=task, comment=comment), f"Đã trả lại báo cáo nhiệm vụ {task.number}.")
    return redirect_back(request, "next", reverse("monitoring:task", args=[task.pk]))


@login_required
def task_evidence(request, pk: int):
    require(request, "monitoring.view")
    evidence = get_object_or_404(TaskEvidence.objects.select_related("report"), pk=pk)
    # The file belongs to a task; outside that task's scope it does not exist.
    if not scope.tasks_for_user(request.user).filter(pk=evidence.report.task_id).exists():
        raise Http404
    try:
        return attachment_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError:
        raise Http404 from None


@login_required
def my_tasks(request):
    """The tasks the user's unit leads or supports in a year's plan (the latest unless asked)."""
    require(request, "monitoring.unit_pages")
    plans = ReformPlan.objects.order_by("-year")
    year = int_param(request.GET, "year")
    plan = get_object_or_404(plans, year=year) if year else plans.first()
    context = {"plan": plan, "plans": plans, "unit": request.user.unit, "nav": "plan"}
    if plan is not None:
        context.update(
            tasks=selectors.unit_tasks(user=request.user, plan=plan),
            counts=selectors.unit_task_counts(user=request.user, plan=plan),
        )
    return render(request, "monitoring/my_tasks.html", context)
