"""Pages of the emulation package (hồ sơ thi đua, khen thưởng): the years, one year's package
with its rule (Sở Nội vụ edits it there), and the package as XLSX and DOCX. A year whose results
are not published has no package: its page says why, its files send back to it with the reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.selectors import audit_events_for
from cchc.uploads import download
from cchc.views import attempt_in_form
from scoring.models import Period
from scoring.selectors.results import results_published, with_publication

from .. import exports, selectors, services
from ..forms import EmulationRuleForm
from ..services.errors import MonitoringError
from .common import checked_year, require


def _get_period_for_user(request, year: int) -> Period:
    """The package's pages are for staff and leaders (403 for anyone else); a year without a
    period has no page (404)."""
    require(request, "monitoring.emulation")
    return get_object_or_404(Period, year=checked_year(year))


@login_required
def emulation_home(request):
    require(request, "monitoring.emulation")
    periods = [(period, results_published(period)) for period in with_publication(Period.objects.order_by("-year"))]
    return render(request, "monitoring/emulation_list.html", {"periods": periods, "nav": "emulation"})


def _page(request, period: Period, *, form: EmulationRuleForm | None = None, status: int = 200):
    try:
        package, refusal = selectors.emulation_package(period=period), None
    except MonitoringError as exc:
        package, refusal = None, exc.message
    rule = package.rule if package else selectors.emulation_rule(period)
    can_manage = request.user.has_perm("monitoring.manage")
    if can_manage and form is None:
        form = EmulationRuleForm(initial={"classifications": rule.classifications, "top_n_per_block": rule.top_n_per_block})
    context = {
        "period": period,
        "refusal": refusal,
        "package": package,
        "rule": rule,
        "rule_words": selectors.describe_rule(rule),
        "form": form if can_manage else None,
        "events": audit_events_for(rule) if rule.pk else [],
        "nav": "emulation",
    }
    return render(request, "monitoring/emulation.html", context, status=status)


@login_required
def emulation(request, year: int):
    return _page(request, _get_period_for_user(request, year))


@login_required
@require_POST
def emulation_rule(request, year: int):
    require(request, "monitoring.manage")
    period = _get_period_for_user(request, year)
    form = EmulationRuleForm(request.POST)
    if form.is_valid():
        done, _ = attempt_in_form(
            request, form, lambda: services.emulation_rule_set(actor=request.user, period=period, **form.cleaned_data),
            f"Đã lưu tiêu chí đề nghị khen thưởng năm {period.year}.",
        )
        if done:
            return redirect("monitoring:emulation", year=period.year)
    return _page(request, period, form=form, status=400)


@login_required
def emulation_file(request, year: int, fmt: str):
    period = _get_period_for_user(request, year)
    try:
        package = selectors.emulation_package(period=period)
    except MonitoringError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:emulation", year=period.year)
    if fmt == "docx":
        return download(exports.emulation_docx(package), filename=exports.filename(package, "docx"), content_type=exports.DOCX)
    return download(exports.emulation_xlsx(package), filename=exports.filename(package, "xlsx"), content_type=exports.XLSX)
