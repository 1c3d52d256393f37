"""Pages of the periodic reports: the year's matrix for the province, the unit's own row with its
uploads, the calendar (staff), the files, and "Nhắc ngay"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cchc.errors import DomainError
from cchc.middleware import UPLOAD, accepts_files
from cchc.uploads import attachment_response
from cchc.views import attempt_in_form

from .. import scope, selectors, services
from ..forms import ReportCalendarForm, ReportFilterForm, ReportSubmitForm
from ..models import ReportDue, in_sentence
from .common import checked_year, require


@login_required
def reports_home(request):
    require(request, "monitoring.view")
    return redirect("monitoring:reports", year=timezone.localdate().year)


def _unit_context(request, year: int, *, forms: dict | None = None) -> dict:
    """The unit's row of the year: each report's state, its files, an upload form for each."""
    unit = request.user.unit
    today = timezone.localdate()
    dues, rows, _ = selectors.report_matrix(year=year, today=today, unit=unit)
    # A unit that owes none of them (closed before the first due date) has no row.
    cells = rows[0][1] if rows else [None] * len(dues)
    versions = selectors.unit_submissions(unit=unit, year=year)
    forms = forms or {}
    items = []
    for due, cell in zip(dues, cells):
        items.append({"due": due, "cell": cell, "versions": versions.get(due.pk, []), "form": forms.get(due.pk) or ReportSubmitForm(prefix=f"due{due.pk}")})
    return {"unit": unit, "items": items}


@login_required
def report_year(request, year: int):
    """Staff and leaders: the matrix of units × the year's reports. A unit: its own row."""
    require(request, "monitoring.view")
    year = checked_year(year)
    context = {"year": year, "nav": "reports", "can_manage": request.user.has_perm("monitoring.manage")}
    if request.user.has_perm("monitoring.view_province"):
        form = ReportFilterForm(request.GET or None)
        block = form.cleaned_data.get("block") if form.is_valid() else None
        dues, rows, totals = selectors.report_matrix(year=year, today=timezone.localdate(), block=block)
        context.update(form=form, dues=dues, rows=rows, totals=totals)
        return render(request, "monitoring/report_matrix.html", context)
    context.update(_unit_context(request, year))
    return render(request, "monitoring/report_unit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_calendar(request, year: int):
    require(request, "monitoring.manage")
    year = checked_year(year)
    dues = {due.kind: due for due in ReportDue.objects.filter(year=year)}
    form = ReportCalendarForm(request.POST or None, year=year, dues=dues)
    if request.method == "POST" and form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.report_calendar_set(actor=request.user, year=year, due_dates=form.cleaned_data),
            f"Đã lưu lịch báo cáo định kỳ năm {year}.",
        )
        if done:
            return redirect("monitoring:reports", year=year)
    context = {"form": form, "title": f"Lịch báo cáo định kỳ năm {year}", "back": reverse("monitoring:reports", args=[year]), "nav": "reports"}
    return render(request, "monitoring/form.html", context)


@login_required
@require_POST
@accepts_files(UPLOAD)
def report_submit(request, pk: int):
    require(request, "monitoring.unit_pages")
    due = get_object_or_404(ReportDue, pk=pk)
    form = ReportSubmitForm(request.POST, request.FILES, prefix=f"due{due.pk}")
    if form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.report_submit(actor=request.user, due=due, unit=request.user.unit, **form.cleaned_data),
            f"Đã gửi {in_sentence(due.get_kind_display())} năm {due.year}.",
        )
        if done:
            return redirect("monitoring:reports", year=due.year)
    context = {"year": due.year, "nav": "reports", **_unit_context(request, due.year, forms={due.pk: form})}
    return render(request, "monitoring/report_unit.html", context, status=400)


@login_required
def report_file(request, pk: int):
    require(request, "monitoring.view")
    submission = get_object_or_404(scope.submissions_for_user(request.user), pk=pk)
    try:
        return attachment_response(submission.file, filename=submission.original_name, content_type=submission.content_type)
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_POST
def report_remind(request):
    """Staff's "Nhắc ngay": the contacts of every unit that has not sent a report still ahead."""
    require(request, "monitoring.manage")
    year = timezone.localdate().year
    try:
        run = services.report_reminders_send(today=timezone.localdate(), now=True, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:reports", year=year)
    if run.sent:
        messages.success(request, f"Đã gửi {len(run.sent)} thư nhắc báo cáo định kỳ.")
    else:
        messages.info(request, "Không có ai cần nhắc: mọi đơn vị đã gửi các báo cáo sắp đến hạn, hoặc chưa có kỳ báo cáo nào sắp đến hạn.")
    if run.already_reminded:
        messages.info(request, f"{len(run.already_reminded)} người đã được nhắc hôm nay cho cùng kỳ báo cáo.")
    if run.without_email:
        names = ", ".join(sorted({str(user) for user in run.without_email}))
        messages.warning(request, f"Chưa có địa chỉ thư điện tử, không nhắc được: {names}.")
    return redirect("monitoring:reports", year=year)
