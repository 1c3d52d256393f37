import datetime

from django import forms
from django.contrib.auth import get_user_model

from cchc.forms import ImportFileForm
from cchc.params import int_param
from cchc.uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, validate_upload
from units import roles
from units.models import Block, Unit

from .models import DelegationMember, Field, Finding, InspectionPlan, Team, Visit


class DateInput(forms.DateInput):
    """The browser's own date picker (shown dd/mm/yyyy in Vietnamese), easiest on a tablet."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


def _units():
    return Unit.objects.filter(active=True).select_related("block").order_by("block__order", "parent__code", "code")


class PlanForm(forms.ModelForm):
    content_areas = forms.MultipleChoiceField(
        label="Nội dung kiểm tra (lĩnh vực)", choices=Field.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "year", "title", "number", "issued_on", "issuer", "purpose", "content_areas", "start_date", "end_date",
            "all_districts", "min_districts", "min_communes_per_district", "min_departments",
        ]
        widgets = {
            "issued_on": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "all_districts": "Ví dụ: “tất cả các huyện và ít nhất 1 xã của mỗi huyện; ít nhất 8 sở”.",
            "min_districts": "Bỏ qua nếu đã chọn kiểm tra tất cả UBND cấp huyện.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", datetime.date.today().year)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        if data.get("content_areas"):
            data["content_areas"] = sorted(data["content_areas"], key=int)
        return data


class MemberForm(forms.ModelForm):
    unit = UnitChoiceField(label="Đơn vị công tác", queryset=Unit.objects.none())

    class Meta:
        model = DelegationMember
        fields = ["full_name", "title", "unit", "role", "user"]
        help_texts = {"user": "Chỉ cần với thành viên sử dụng phần mềm để ghi kết quả kiểm tra."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=[roles.INSPECTOR, roles.STAFF], is_active=True)
            .distinct()
            .order_by("full_name", "username")
        )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.full_name} — {member.unit.name}"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return f"{member.full_name} — {member.unit.name}"


class TeamForm(forms.Form):
    number = forms.IntegerField(label="Số tổ", min_value=1, max_value=99)
    leader = MemberChoiceField(label="Tổ trưởng", queryset=DelegationMember.objects.none())
    members = MemberMultipleChoiceField(
        label="Thành viên", queryset=DelegationMember.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        people = plan.members.select_related("unit").order_by("full_name")
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people


class VisitForm(forms.ModelForm):
    unit = UnitChoiceField(label="Đơn vị được kiểm tra", queryset=Unit.objects.none())
    also_units = UnitMultipleChoiceField(
        label="Đơn vị kiểm tra cùng đợt",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Ví dụ: các xã được kiểm tra trong chuyến kiểm tra UBND huyện. Giữ Ctrl (⌘) để chọn nhiều đơn vị.",
    )

    class Meta:
        model = Visit
        fields = ["team", "unit", "also_units", "start_date", "end_date", "form", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = plan.teams.order_by("number")
        self.fields["unit"].queryset = _units()
        self.fields["also_units"].queryset = _units()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        return data


class ConclusionForm(forms.Form):
    number = forms.CharField(label="Số thông báo", max_length=50, help_text="Ví dụ: 45/TB-ĐKT")
    date = forms.DateField(label="Ngày thông báo", widget=DateInput())
    signer_name = forms.CharField(label="Người ký", max_length=150)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=150, required=False)
    summary = forms.CharField(label="Nội dung kết luận chung", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, criterion):
        title = criterion.title if len(criterion.title) <= 90 else criterion.title[:89] + "…"
        return f"{criterion.framework.block.name} · {criterion.code}. {title}"


def criteria_for_visit(visit: Visit):
    """Criteria of the inspection year's frameworks for the blocks of the units visited."""
    from scoring.models import Criterion

    blocks = {visit.unit.block_id, *(u.block_id for u in visit.also_units.all())}
    return Criterion.objects.filter(framework__period__year=visit.plan.year, framework__block_id__in=blocks).select_related(
        "framework__block"
    ).order_by("framework__block__order", "framework_id", "order", "id")


class FindingForm(forms.ModelForm):
    """Quick entry at or right after a visit. Recommendation, severity, owner and deadline only
    apply to shortcomings; the page hides them for a strength."""

    owner_unit = UnitChoiceField(label="Đơn vị khắc phục", queryset=Unit.objects.none(), empty_label=None)

    class Meta:
        model = Finding
        fields = ["field", "kind", "text", "recommendation", "severity", "owner_unit", "deadline", "criterion"]
        widgets = {
            "kind": forms.RadioSelect,
            "severity": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateInput(),
        }
        labels = {"text": "Nội dung"}

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        codes = list(visit.plan.content_areas)
        if self.instance.pk and self.instance.field not in codes:
            codes.append(self.instance.field)
        self.fields["field"].choices = [(c, label) for c, label in Field.choices if c in codes]
        self.fields["kind"].choices = Finding.Kind.choices
        self.fields["severity"].choices = Finding.Severity.choices
        self.fields["severity"].required = False
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            pk__in=[visit.unit_id, *[u.pk for u in visit.also_units.all()]]
        ).order_by("parent_id", "code")
        self.fields["criterion"] = CriterionChoiceField(
            label="Tiêu chí liên quan (không bắt buộc)",
            queryset=criteria_for_visit(visit),
            required=False,
            empty_label="— Không gắn với tiêu chí cụ thể —",
            help_text="Tiêu chí của Chỉ số CCHC năm kiểm tra mà tồn tại này ảnh hưởng; Hội đồng thẩm định sẽ thấy khi chấm.",
        )
        # In code order (1.2 before 1.10), which the database cannot sort by.
        criteria = sorted(
            self.fields["criterion"].queryset,
            key=lambda c: (c.framework.block.order, c.framework_id, [int(part) for part in c.code.split(".")]),
        )
        self.fields["criterion"].choices = [("", self.fields["criterion"].empty_label)] + [
            (c.pk, self.fields["criterion"].label_from_instance(c)) for c in criteria
        ]
        if not self.instance.pk:
            self.initial.setdefault("kind", Finding.Kind.SHORTCOMING)
            self.initial.setdefault("severity", Finding.Severity.MEDIUM)
            self.initial.setdefault("owner_unit", visit.unit_id)
            # The conclusion notice usually gives units until the end of the year to remedy.
            month_on = max(visit.end_date, datetime.date.today()) + datetime.timedelta(days=30)
            self.initial.setdefault("deadline", max(datetime.date(visit.plan.year, 12, 31), month_on))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Finding.Kind.SHORTCOMING:
            if not (data.get("recommendation") or "").strip():
                self.add_error("recommendation", "Tồn tại, hạn chế cần có kiến nghị.")
            if not data.get("severity"):
                self.add_error("severity", "Chọn mức độ.")
            if not data.get("deadline"):
                self.add_error("deadline", "Nhập thời hạn khắc phục.")
        return data

    def _post_clean(self):
        # Model validation runs in the service (with the state checks); the form only checks input.
        pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RemediationReportForm(forms.Form):
    MAX_FILES = 10

    text = forms.CharField(
        label="Kết quả khắc phục",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Nêu việc đã làm, văn bản đã ban hành (số, ngày), kết quả đạt được.",
    )
    files = MultipleFileField(label="Tài liệu kiểm chứng", required=False)

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(f"Gửi tối đa {self.MAX_FILES} tệp mỗi lần.")
        for upload in files:
            validate_upload(upload)
        return files

    @property
    def max_mb(self):
        return max_upload_bytes() // (1024 * 1024)


class ReviewForm(forms.Form):
    comment = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleFilterForm(forms.Form):
    plan = forms.ModelChoiceField(label="Kế hoạch", queryset=InspectionPlan.objects.none(), empty_label=None, widget=forms.Select(attrs={"class": "form-select"}))
    team = forms.ModelChoiceField(
        label="Tổ công tác", queryset=Team.objects.none(), required=False, empty_label="Tất cả các tổ", widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, data, *, plans, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["plan"].queryset = plans
        # Teams are numbered per plan: offer those of the chosen plan only.
        teams = Team.objects.filter(plan__in=plans, plan_id=int_param(data, "plan"))
        self.fields["team"].queryset = teams.order_by("number")


TRACKER_STATUS_CHOICES = [("", "Tất cả tình trạng"), *Finding.Status.choices, ("overdue", "Quá hạn")]


SELECT = {"class": "form-select"}


class TrackerFilterForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="Kế hoạch", queryset=InspectionPlan.objects.all(), required=False, empty_label="Tất cả các kế hoạch", widget=forms.Select(attrs=SELECT)
    )
    block = forms.ModelChoiceField(
        label="Khối", queryset=Block.objects.all(), required=False, empty_label="Tất cả các khối", to_field_name="code", widget=forms.Select(attrs=SELECT)
    )
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.all(), required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Tình trạng", choices=TRACKER_STATUS_CHOICES, required=False, widget=forms.Select(attrs=SELECT))


class StatusImportForm(ImportFileForm):
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV (UTF-8) đã xuất từ trang này")
