import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from cchc.forms import DateField, ImportFileForm, ModelMultipleChoiceField
from units.models import Block

from .models import Criterion, Period, Phase, Score, format_score, parse_score
from .selectors.roster import roster_block_ids


class ScoreInput(forms.DecimalField):
    """A number typed the Vietnamese way ('0,5') or the other ('0.5'), shown with a comma."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_score(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_score(value).replace(".", ",")
        return value


DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = (
            ["year", "title", "legal_basis"]
            + list(Period.DEADLINE_FIELDS.values())
            + Period.BAND_FIELDS
            + Period.HEAD_FIELDS
            + Period.SETTINGS_FIELDS
        )
        widgets = {name: DATE_WIDGET for name in Period.DEADLINE_FIELDS.values()} | {
            "tie_rule": forms.RadioSelect,
            "legal_basis": forms.Textarea(attrs={"rows": 3, "placeholder": "Ví dụ: Kế hoạch số 45/KH-UBND ngày 10/02/2024 của UBND tỉnh"}),
        }
        field_classes = {name: ScoreInput for name in Period.BAND_FIELDS + Period.HEAD_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "Để trống: “Chỉ số cải cách hành chính năm …”."
        for name in Period.SETTINGS_FIELDS:
            self.fields[name].required = False
        if self.instance.pk:
            del self.fields["year"]
            self.fields["title"].required = True
            self.fields["title"].help_text = ""
            # Shown but not posted once they may no longer change (the service refuses anyway,
            # see scoring.services.period_settings): the precision after draft, the tie rule
            # once approved.
            if not self.instance.is_draft:
                self.fields["decimals"].disabled = True
                self.fields["decimals"].help_text = "Chỉ sửa được khi kỳ đánh giá ở giai đoạn dự thảo: đổi sau khi đã chấm sẽ làm thay đổi điểm."
            if self.instance.phase == Phase.APPROVED:
                self.fields["tie_rule"].disabled = True
                self.fields["index_over_100"].disabled = True
            # Which of the roster's blocks the province's decision approves; none ticked: all.
            self.fields["decision_blocks"] = ModelMultipleChoiceField(
                label="Khối được phê duyệt trong quyết định của tỉnh",
                queryset=Block.objects.filter(pk__in=roster_block_ids(self.instance)).order_by("order", "code"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Không chọn khối nào: quyết định phê duyệt, kết quả công khai và tệp xếp hạng toàn tỉnh gồm mọi khối.",
                initial=list(self.instance.decision_blocks.values_list("pk", flat=True)),
            )

    @property
    def deadline_fields(self):
        return [self[name] for name in Period.DEADLINE_FIELDS.values()]

    @property
    def band_fields(self):
        return [self[name] for name in Period.BAND_FIELDS]

    @property
    def head_fields(self):
        return [self[name] for name in Period.HEAD_FIELDS]

    @property
    def settings_fields(self):
        return [self[name] for name in Period.SETTINGS_FIELDS]

    # Not posted (a script, an older page): as they are, the defaults for a new period.
    def clean_decimals(self):
        return self.cleaned_data.get("decimals") or self.instance.decimals

    def clean_tie_rule(self):
        return self.cleaned_data.get("tie_rule") or self.instance.tie_rule


class TransitionForm(forms.Form):
    """Forward to the next phase, or back to an earlier one with a reason."""

    action = forms.ChoiceField(choices=[("advance", "Chuyển tiếp"), ("reopen", "Mở lại")])
    to_phase = forms.ChoiceField(label="Về giai đoạn", required=False, choices=[])
    reason = forms.CharField(label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(label="Lý do vẫn chuyển", required=False, max_length=2000)
    expected_phase = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = [(p.value, p.label) for p in period.previous_phases]
        self.initial.setdefault("expected_phase", period.phase)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reopen":
            if not data.get("to_phase"):
                self.add_error("to_phase", "Chọn giai đoạn cần quay lại.")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Cần nêu lý do khi đưa kỳ đánh giá trở lại giai đoạn trước.")
        return data


class CloneForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Sao chép bộ chỉ số từ năm", queryset=Period.objects.order_by("-year"), to_field_name="year", empty_label=None
    )
    year = forms.IntegerField(label="Năm đánh giá mới", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên kỳ đánh giá", required=False, help_text="Để trống: “Chỉ số cải cách hành chính năm …”.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label_from_instance = lambda period: f"{period.year} — {period.title}"

    def clean(self):
        data = super().clean()
        period = Period.objects.filter(year=data.get("year")).first()
        if period is not None and (period.frameworks.exists() or not period.is_draft):
            self.add_error("year", f"Năm {period.year} đã có kỳ đánh giá với bộ chỉ số.")
        return data


class CriterionForm(forms.ModelForm):
    max_score = ScoreInput(label="Điểm tối đa", min_value=Decimal("0"))

    class Meta:
        model = Criterion
        fields = ["title", "max_score", "kind", "rule", "guidance", "evidence_required", "na_allowed", "is_remediation", "inputs", "formula"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "rule": forms.Textarea(attrs={"rows": 2, "placeholder": "1=Đầy đủ, đúng hạn; 0,5=Chậm; 0=Không thực hiện"}),
            "guidance": forms.Textarea(attrs={"rows": 2}),
            "inputs": forms.Textarea(attrs={"rows": 2, "placeholder": "a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ:hồ sơ:int"}),
            "formula": forms.TextInput(attrs={"placeholder": "thresholds a/b 95:1 80:0.5 0:0", "autocomplete": "off"}),
        }

    def _post_clean(self):
        # The form only reads what was typed; the service checks the node as a whole (its code
        # comes from its place in the tree) and its errors are put back on the form by the view.
        pass


class AddFrameworkForm(forms.Form):
    block = forms.ModelChoiceField(label="Khối", queryset=Block.objects.none(), empty_label=None)

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = Block.objects.filter(active=True).exclude(frameworks__period=period)



# --- The scoring cycle ---------------------------------------------------------------------------


class RowForm(forms.Form):
    """What an inline row posts. The values are checked by the services (against the criterion's
    rule and max), so the form only carries text and the version the row was loaded with."""

    value = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, max_length=5000)
    not_applicable = forms.BooleanField(required=False)
    verdict = forms.ChoiceField(required=False, choices=[("", "")] + list(Score.Verdict.choices))
    version = forms.IntegerField(min_value=0)


INPUT_FIELD = re.compile(r"^in_([a-z][a-z0-9_]{0,19})$")
MAX_POSTED_INPUTS = 8  # `scoring.formulas.MAX_INPUTS`


def posted_inputs(post, prefix: str = "") -> dict[str, str] | None:
    """A computed row's figures as its form posts them (`in_<name>`, `row-<id>-in_<name>` in a
    sheet): {name: text}, or None when the form has none (a row scored by hand). The services
    check the numbers; this only bounds what is read."""
    found = {}
    for key in post:
        if not key.startswith(prefix):
            continue
        match = INPUT_FIELD.match(key[len(prefix):])
        if match:
            found[match.group(1)] = str(post.get(key) or "")[:30]
            if len(found) > MAX_POSTED_INPUTS:
                break
    return found or None


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Tệp tài liệu")
    doc_number = forms.CharField(label="Số văn bản", required=False, max_length=100)
    doc_date = DateField(label="Ngày văn bản", required=False)
    page_ref = forms.CharField(label="Trang", required=False, max_length=100)
    stage = forms.ChoiceField(choices=[("self", "self"), ("explanation", "explanation")], required=False)


class SubmitForm(forms.Form):
    note = forms.CharField(label="Giải trình (khi thiếu tài liệu kiểm chứng bắt buộc)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class AssignmentForm(forms.Form):
    member = forms.ModelChoiceField(label="Thành viên Hội đồng", queryset=None)
    field_code = forms.ChoiceField(label="Lĩnh vực")
    block = forms.ModelChoiceField(label="Khối", queryset=Block.objects.filter(active=True), required=False, empty_label="Tất cả các khối")

    def __init__(self, *args, period: Period, **kwargs):
        from django.contrib.auth import get_user_model

        from units import roles

        from .models import Criterion

        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(groups__name=roles.COUNCIL, is_active=True).select_related("unit").order_by("full_name")
        self.fields["member"].queryset = users
        self.fields["member"].label_from_instance = lambda u: f"{u} — {u.unit.name}" if u.unit_id else str(u)
        # Blocks number their fields differently (the central agencies' field 2 is thủ tục hành
        # chính, the others' is thể chế): show every title a code has.
        fields: dict[str, list[str]] = {}
        for code, title in Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list("code", "title"):
            if title not in fields.setdefault(code, []):
                fields[code].append(title)
        self.fields["field_code"].choices = [
            (code, f"{code}. {' / '.join(titles)}") for code, titles in sorted(fields.items(), key=lambda i: int(i[0]))
        ]
        self.fields["block"].queryset = Block.objects.filter(frameworks__period=period)


class ScoreImportForm(ImportFileForm):
    field_order = ["stage", "file"]

    stage = forms.ChoiceField(
        label="Loại điểm",
        choices=[
            ("survey", "Điểm điều tra xã hội học"),
            ("self", "Điểm tự đánh giá"),
            ("appraisal", "Điểm thẩm định"),
            ("final", "Điểm cuối cùng"),
        ],
    )


# --- Results --------------------------------------------------------------------------------------


class ApprovalForm(forms.Form):
    council_approved_on = DateField(label="Ngày Hội đồng thông qua")
    minutes_ref = forms.CharField(label="Biên bản họp", max_length=255, help_text="Ví dụ: Biên bản họp Hội đồng thẩm định ngày 20/02/2024.")
    override_reason = forms.CharField(label="Lý do vẫn ghi nhận", required=False, max_length=2000)


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định", max_length=100, help_text="Ví dụ: 519/QĐ-UBND.")
    decision_date = DateField(label="Ngày quyết định")
    signer_name = forms.CharField(label="Người ký", max_length=150)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=150, help_text="Ví dụ: Phó Chủ tịch.")


class HeadRatingForm(forms.Form):
    rating = forms.ChoiceField(label="Mức độ hoàn thành nhiệm vụ", choices=[])
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .models import HeadRating

        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = HeadRating.choices
