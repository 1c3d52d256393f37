import datetime

from django import forms
from django.contrib.auth import get_user_model

from cchc.forms import DateField, ImportFileForm, ModelMultipleChoiceField
from cchc.params import int_param
from cchc.uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, validate_upload
from units import roles
from units.models import Block, Unit

from . import services
from .models import DelegationMember, Field, Finding, FindingHandover, InspectionPlan, Team, Visit


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


class UnitMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


def _units():
    return Unit.objects.filter(active=True).select_related("block").order_by("block__order", "parent__code", "code")


def _by_block(field: forms.ModelChoiceField) -> list:
    """The field's units grouped under their block's name, as the <optgroup>s of the list."""
    groups: dict[str, list] = {}
    for unit in field.queryset:
        groups.setdefault(unit.block.name, []).append((unit.pk, field.label_from_instance(unit)))
    return list(groups.items())


class OptionDataSelect(forms.Select):
    """A <select> whose options carry data- attributes (`option_data`: {value: {name: text}}), for
    the page's script to narrow one list by the choice made in another."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.option_data: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        for data_name, data_value in self.option_data.get(key, {}).items():
            option["attrs"][f"data-{data_name}"] = data_value
        return option


class PlanForm(forms.ModelForm):
    content_areas = forms.MultipleChoiceField(
        label="Nội dung kiểm tra (lĩnh vực)", choices=Field.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "year", "title", "number", "issued_on", "issuer", "purpose", "content_areas", "start_date", "end_date",
            "all_districts", "min_districts", "min_communes_per_district", "min_communes", "min_departments",
        ]
        field_classes = {"issued_on": DateField, "start_date": DateField, "end_date": DateField}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "all_districts": "Ví dụ: “tất cả các huyện và ít nhất 1 xã của mỗi huyện; ít nhất 8 sở”.",
            "min_districts": "Bỏ qua nếu đã chọn kiểm tra tất cả UBND cấp huyện.",
            "min_communes": "Không kể huyện nào: từ 01/07/2025 không còn cấp huyện, ví dụ “ít nhất 20 xã, phường; ít nhất 5 sở”.",
            "min_departments": "Ví dụ: “ít nhất 8 sở”.",
        }

    TARGETS = ["min_districts", "min_communes_per_district", "min_communes", "min_departments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", datetime.date.today().year)
        # A target left empty is no target (0): a 2026 plan has no districts to count.
        for name in self.TARGETS:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in self.TARGETS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
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


class MemberMultipleChoiceField(ModelMultipleChoiceField):
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
        # The page's script turns the list into a search box over checkboxes (static/js/inspections.js):
        # picking five communes among two hundred units by Ctrl-click is not possible on a tablet.
        widget=forms.SelectMultiple(attrs={"size": 8, "data-unit-picker": ""}),
        help_text="Ví dụ: các xã được kiểm tra trong chuyến kiểm tra UBND huyện.",
    )

    class Meta:
        model = Visit
        fields = ["team", "unit", "also_units", "start_date", "end_date", "form", "notes"]
        field_classes = {"start_date": DateField, "end_date": DateField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["team"].queryset = plan.teams.order_by("number")
        self.fields["unit"].queryset = _units()
        self.fields["also_units"].queryset = _units()
        units = _by_block(self.fields["unit"])
        self.fields["unit"].choices = [("", self.fields["unit"].empty_label), *units]
        self.fields["also_units"].choices = units

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        # A plan is the year's inspections: its visits and their findings count for that year.
        if start and start.year != self.plan.year:
            self.add_error("start_date", f"Kế hoạch kiểm tra năm {self.plan.year}: cuộc kiểm tra phải bắt đầu trong năm {self.plan.year}.")
        return data


class ConclusionForm(forms.Form):
    number = forms.CharField(label="Số thông báo", max_length=50, help_text="Ví dụ: 45/TB-ĐKT")
    date = DateField(label="Ngày thông báo")
    signer_name = forms.CharField(label="Người ký", max_length=150)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=150, required=False)
    summary = forms.CharField(label="Nội dung kết luận chung", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, criterion):
        title = criterion.title if len(criterion.title) <= 90 else criterion.title[:89] + "…"
        return f"{criterion.code}. {title}"


def _code_key(code: str) -> list[int]:
    # In code order (1.2 before 1.10), which the database cannot sort by.
    return [int(part) if part.isdigit() else 0 for part in code.split(".")]


def _field_of(criterion) -> str:
    return criterion.code.split(".")[0]


class FindingForm(forms.ModelForm):
    """Quick entry at or right after a visit. Recommendation, severity, owner and deadline only
    apply to shortcomings; the page hides them for a strength.

    The criteria offered are those of the frameworks of the visited units for the plan's year
    (`services.finding_frameworks`); each option says its framework and field, and the page shows
    only those of the chosen owner unit and field. The form refuses any other (a stale page, a
    hand-made request), as the service does."""

    owner_unit = UnitChoiceField(label="Đơn vị khắc phục", queryset=Unit.objects.none(), empty_label=None, widget=OptionDataSelect)

    class Meta:
        model = Finding
        fields = ["field", "kind", "text", "recommendation", "severity", "owner_unit", "deadline", "criterion"]
        field_classes = {"deadline": DateField}
        widgets = {
            "kind": forms.RadioSelect,
            "severity": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"text": "Nội dung"}

    def __init__(self, *args, visit: Visit, **kwargs):
        from scoring.models import Criterion

        super().__init__(*args, **kwargs)
        self.visit = visit
        codes = list(visit.plan.content_areas)
        if self.instance.pk and self.instance.field not in codes:
            codes.append(self.instance.field)
        self.fields["field"].choices = [(c, label) for c, label in Field.choices if c in codes]
        self.fields["field"].widget.attrs["data-finding-field"] = ""
        self.fields["kind"].choices = Finding.Kind.choices
        self.fields["severity"].choices = Finding.Severity.choices
        self.fields["severity"].required = False

        self.frameworks = services.finding_frameworks(visit)
        owners = self.fields["owner_unit"]
        owners.queryset = Unit.objects.filter(pk__in=[visit.unit_id, *[u.pk for u in visit.also_units.all()]]).order_by("parent_id", "code")
        owners.widget.attrs["data-owner-unit"] = ""
        owners.widget.option_data = {unit_id: {"framework": framework_id} for unit_id, framework_id in self.frameworks.items()}

        criteria = Criterion.objects.filter(framework_id__in=set(self.frameworks.values())).select_related("framework__block", "framework__period")
        self.fields["criterion"] = CriterionChoiceField(
            label="Tiêu chí liên quan (không bắt buộc)",
            queryset=criteria,
            required=False,
            empty_label="— Không gắn với tiêu chí cụ thể —",
            help_text="Tiêu chí của Chỉ số CCHC năm kiểm tra mà tồn tại này ảnh hưởng; Hội đồng thẩm định sẽ thấy khi chấm.",
            widget=OptionDataSelect(attrs={"data-criterion-select": ""}),
            error_messages={
                "invalid_choice": f"Tiêu chí đã chọn không thuộc bộ chỉ số năm {visit.plan.year} của các đơn vị được kiểm tra; hãy chọn lại."
            },
        )
        field = self.fields["criterion"]
        ordered = sorted(criteria, key=lambda c: (c.framework.block.order, c.framework_id, _code_key(c.code)))
        choices = [(c.pk, field.label_from_instance(c)) for c in ordered]
        if len({c.framework_id for c in ordered}) > 1:
            # Without the page's script (or before it runs) the list shows every visited block's
            # criteria: group them by block so that one can still find the right one.
            groups: dict[str, list] = {}
            for criterion, choice in zip(ordered, choices):
                groups.setdefault(criterion.framework.block.name, []).append(choice)
            choices = list(groups.items())
        field.choices = [("", field.empty_label), *choices]
        field.widget.option_data = {c.pk: {"framework": c.framework_id, "field": _field_of(c)} for c in ordered}

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
            # A value already refused (a date typed the wrong way) needs no second message.
            if not data.get("severity") and "severity" not in self.errors:
                self.add_error("severity", "Chọn mức độ.")
            if not data.get("deadline") and "deadline" not in self.errors:
                self.add_error("deadline", "Nhập thời hạn khắc phục.")
            criterion, owner, field = data.get("criterion"), data.get("owner_unit"), data.get("field")
            if criterion and owner and criterion.framework_id != self.frameworks.get(owner.pk):
                self.add_error("criterion", f"Tiêu chí {criterion.code} không thuộc bộ chỉ số năm {self.visit.plan.year} của {owner.name}.")
            elif criterion and field and _field_of(criterion) != field:
                self.add_error("criterion", f"Tiêu chí {criterion.code} không thuộc lĩnh vực {field}.")
        return data

    def _post_clean(self):
        # Model validation runs in the service (with the state checks); the form only checks input.
        pass

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, text) of each error, for the summary next to the submit button: a link to the
        field on a phone whose field is scrolled away. A radio list is reached by its first choice."""
        items = [("", message) for message in self.non_field_errors()]
        for bound in self:
            if bound.errors:
                anchor = bound.auto_id + ("_0" if isinstance(bound.field.widget, forms.RadioSelect) else "")
                items.extend((anchor, f"{bound.label}: {message}") for message in bound.errors)
        return items


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


class HandoverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, handover):
        return f"{handover.unit.name} ({handover.unit.code})"


class HandoverConfirmForm(forms.Form):
    """Which successor of a split unit takes the shortcoming: one of its pending proposals."""

    handover = HandoverChoiceField(
        label="Đơn vị tiếp nhận",
        queryset=FindingHandover.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn đơn vị tiếp nhận tồn tại.", "invalid_choice": "Đơn vị đã chọn không còn là đề xuất chờ xác nhận; hãy tải lại trang."},
    )

    def __init__(self, *args, finding: Finding, **kwargs):
        super().__init__(*args, **kwargs)
        proposals = FindingHandover.objects.filter(finding=finding, confirmed_at__isnull=True).select_related("unit")
        self.fields["handover"].queryset = proposals.order_by("unit__code", "id")


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
