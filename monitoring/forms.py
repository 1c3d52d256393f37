import datetime

from django import forms
from django.utils import timezone

from cchc.forms import DateField, ImportFileForm, ModelMultipleChoiceField
from cchc.tabular import parse_decimal
from cchc.uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, validate_upload
from inspections.forms import MultipleFileField
from inspections.models import Field, Finding
from scoring.selectors.results import BANDS
from units.models import Block, Unit

from .models import Initiative, PlanTask, ReformPlan, ReportKind, SelfInspection, SubUnit, TaskReport, units_existing_in
from .selectors import TASK_STATE_LABELS
from .services.emulation import MAX_TOP_N
from .services.files import MAX_FILES

SELECT = {"class": "form-select"}
STATE_CHOICES = [("", "Tất cả tình trạng"), *TASK_STATE_LABELS.items()]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


class UnitMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


def _units_of(year: int):
    return units_existing_in(year).select_related("block").order_by("block__order", "block__code", "code")


def _check_files(files) -> list:
    files = files or []
    if len(files) > MAX_FILES:
        raise forms.ValidationError(f"Gửi tối đa {MAX_FILES} tệp mỗi lần.")
    for upload in files:
        validate_upload(upload)
    return files


class FilesMixin:
    @property
    def max_mb(self):
        return max_upload_bytes() // (1024 * 1024)

    def clean_files(self):
        return _check_files(self.cleaned_data.get("files"))


# --- 1. The plan and its tasks ---------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = ReformPlan
        fields = ["year", "number", "issued_on", "title"]
        field_classes = {"issued_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)

    def _post_clean(self):
        # The service checks the row (its year unique, the date before the year's end).
        pass


class TaskForm(forms.ModelForm):
    lead_unit = UnitChoiceField(label="Đơn vị chủ trì", queryset=Unit.objects.none())
    supporting_units = UnitMultipleChoiceField(
        label="Đơn vị phối hợp", queryset=Unit.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = PlanTask
        fields = ["number", "title", "field", "lead_unit", "supporting_units", "deadline", "expected_product"]
        field_classes = {"deadline": DateField}
        widgets = {"title": forms.Textarea(attrs={"rows": 3}), "expected_product": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: ReformPlan, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units_of(plan.year)
        self.fields["lead_unit"].queryset = units
        self.fields["supporting_units"].queryset = units

    def _post_clean(self):
        pass


class TaskImportForm(ImportFileForm):
    file = forms.FileField(label="Tệp nhiệm vụ (Excel .xlsx hoặc CSV UTF-8)")


class TaskReportForm(FilesMixin, forms.Form):
    MAX_FILES = MAX_FILES

    kind = forms.ChoiceField(label="Loại báo cáo", choices=TaskReport.Kind.choices, widget=forms.RadioSelect, initial=TaskReport.Kind.PROGRESS)
    progress = forms.IntegerField(
        label="Tiến độ (%)", min_value=0, max_value=100, required=False, help_text="Với báo cáo tiến độ; báo cáo hoàn thành là 100 %."
    )
    text = forms.CharField(
        label="Nội dung báo cáo", widget=forms.Textarea(attrs={"rows": 4}), help_text="Việc đã làm, văn bản đã ban hành (số, ngày), kết quả."
    )
    files = MultipleFileField(label="Tài liệu kiểm chứng", required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == TaskReport.Kind.PROGRESS and data.get("progress") is None and "progress" not in self.errors:
            self.add_error("progress", "Nhập tiến độ từ 0 đến 100 %.")
        return data


class ReviewForm(forms.Form):
    comment = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskFilterForm(forms.Form):
    field = forms.ChoiceField(label="Lĩnh vực", choices=[("", "Tất cả lĩnh vực"), *Field.choices], required=False, widget=forms.Select(attrs=SELECT))
    state = forms.ChoiceField(label="Tình trạng", choices=STATE_CHOICES, required=False, widget=forms.Select(attrs=SELECT))
    unit = forms.ModelChoiceField(label="Đơn vị chủ trì", queryset=Unit.objects.all(), required=False, widget=forms.HiddenInput)


# --- 2. Periodic reports ----------------------------------------------------------------------------------------


# Suggested due dates (day, month) shown on an empty calendar; staff set the real ones each year.
SUGGESTED_DUE = {ReportKind.Q1: (15, 3), ReportKind.H1: (15, 6), ReportKind.M9: (15, 9), ReportKind.YEAR: (15, 12)}


class ReportCalendarForm(forms.Form):
    def __init__(self, *args, year: int, dues: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ReportKind.choices:
            day, month = SUGGESTED_DUE[kind]
            initial = dues[kind].due_date if kind in dues else datetime.date(year, month, day)
            self.fields[kind] = DateField(label=f"Hạn gửi {label.lower()}", initial=initial)


class ReportSubmitForm(forms.Form):
    file = forms.FileField(label="Tệp báo cáo", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
    note = forms.CharField(label="Ghi chú", max_length=255, required=False, help_text="Ví dụ: số, ngày văn bản báo cáo.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class ReportFilterForm(forms.Form):
    block = forms.ModelChoiceField(
        label="Khối", queryset=Block.objects.all(), required=False, empty_label="Tất cả các khối", to_field_name="code", widget=forms.Select(attrs=SELECT)
    )


# --- 3. Initiatives -------------------------------------------------------------------------------------------------


class InitiativeForm(FilesMixin, forms.ModelForm):
    """Registering (with the unit, for staff, and the year) or editing an initiative."""

    MAX_FILES = MAX_FILES

    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    files = MultipleFileField(label="Tài liệu (đề án, báo cáo, hình ảnh)", required=False)

    class Meta:
        model = Initiative
        fields = ["unit", "year", "title", "field", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, registering: bool, choose_unit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not registering:
            del self.fields["unit"], self.fields["year"]
        else:
            self.initial.setdefault("year", timezone.localdate().year)
            if choose_unit:
                self.fields["unit"].queryset = _units_of(timezone.localdate().year)
            else:
                del self.fields["unit"]

    def _post_clean(self):
        pass


class InitiativeFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False, widget=forms.TextInput(attrs={"placeholder": "Tên, nội dung, đơn vị (có dấu hoặc không)", "type": "search"}))
    year = forms.IntegerField(label="Năm", required=False, min_value=2000, max_value=2100)
    field = forms.ChoiceField(label="Lĩnh vực", choices=[("", "Tất cả lĩnh vực"), *Field.choices], required=False, widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(label="Tình trạng", choices=[("", "Tất cả tình trạng"), *Initiative.Status.choices], required=False, widget=forms.Select(attrs=SELECT))


class RecogniseForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định công nhận", max_length=50, help_text="Ví dụ: 1234/QĐ-UBND")
    decision_date = DateField(label="Ngày quyết định")


class ReplicateForm(forms.Form):
    adopters = UnitMultipleChoiceField(
        label="Đơn vị áp dụng, nhân rộng", queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 12})
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopters"].queryset = _units_of(timezone.localdate().year).exclude(pk=initiative.unit_id)


# --- 4. Self-inspection ---------------------------------------------------------------------------------------------


class SubUnitForm(forms.ModelForm):
    class Meta:
        model = SubUnit
        fields = ["name", "kind"]

    def _post_clean(self):
        pass


class TargetForm(forms.Form):
    min_share = forms.CharField(label="Tỷ lệ tối thiểu (%)", max_length=10, help_text="Ví dụ: 50 hoặc 66,67")

    def clean_min_share(self):
        try:
            return parse_decimal(self.cleaned_data["min_share"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class SelfInspectionForm(forms.ModelForm):
    class Meta:
        model = SelfInspection
        fields = ["subunit", "planned_date", "form"]
        field_classes = {"planned_date": DateField}
        widgets = {"form": forms.RadioSelect}

    def __init__(self, *args, subunits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subunit"].queryset = subunits
        self.fields["subunit"].empty_label = None

    def _post_clean(self):
        pass


class SelfInspectionResultForm(forms.Form):
    done_on = DateField(label="Ngày kiểm tra")
    result = forms.CharField(label="Kết quả kiểm tra", widget=forms.Textarea(attrs={"rows": 4}), help_text="Đánh giá chung, kiến nghị.")


class SelfFindingForm(forms.Form):
    field = forms.ChoiceField(label="Lĩnh vực", choices=Field.choices)
    kind = forms.ChoiceField(label="Loại", choices=Finding.Kind.choices, initial=Finding.Kind.SHORTCOMING, widget=forms.RadioSelect)
    text = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}))
    recommendation = forms.CharField(label="Kiến nghị, yêu cầu khắc phục", required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- 5. The emulation package -----------------------------------------------------------------------------------


class EmulationRuleForm(forms.Form):
    classifications = forms.MultipleChoiceField(
        label="Xếp loại được đề nghị khen thưởng",
        choices=[(band, band) for band in BANDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn ít nhất một xếp loại được đề nghị khen thưởng."},
    )
    top_n_per_block = forms.IntegerField(
        label="Số thứ hạng dẫn đầu mỗi khối",
        required=False,
        min_value=1,
        max_value=MAX_TOP_N,
        help_text="Để trống: không giới hạn. Đơn vị bằng điểm cùng hạng được đề nghị như nhau.",
        error_messages={
            "invalid": "Số thứ hạng dẫn đầu mỗi khối phải là một số nguyên, ví dụ 3.",
            "min_value": "Số thứ hạng dẫn đầu mỗi khối phải từ 1 trở lên (để trống: không giới hạn).",
            "max_value": f"Số thứ hạng dẫn đầu mỗi khối không quá {MAX_TOP_N}.",
        },
    )
