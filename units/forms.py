from django import forms
from django.db import models

from cchc.forms import DateField

from .models import Block, Unit, UnitHead

# A unit's portal typed without a scheme ("sotttt.hatinh.gov.vn") is an https address, as
# Django 6 will read it; saying so now also keeps Django 5.2 from warning on every form.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _formfield(field, **kwargs):
    return field.formfield(**{**URL_FIELDS.get(type(field), {}), **kwargs})


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"placeholder": "Tên hoặc mã đơn vị, không cần dấu", "type": "search"}))
    block = forms.ModelChoiceField(label="Khối", queryset=Block.objects.all(), required=False, empty_label="Tất cả các khối", to_field_name="code")
    on = DateField(label="Tại ngày", required=False, help_text="Danh bạ như vào ngày này; để trống là hôm nay.")
    inactive = forms.BooleanField(label="Hiện cả đơn vị đã ngừng hoạt động", required=False)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code", "name", "short_name", "block", "parent", "active", "stat_code", "valid_from", "valid_to",
            "address", "phone", "email", "website",
        ]
        formfield_callback = _formfield
        field_classes = {"valid_from": DateField, "valid_to": DateField}
        help_texts = {
            "parent": "Đổi đơn vị cấp trên có hiệu lực từ hôm nay; lịch sử giữ cấp trên cũ đến hôm qua.",
            "valid_to": "Ngày cuối cùng đơn vị tồn tại. Sáp nhập, chia tách: nhập tệp sắp xếp đơn vị.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.select_related("block").order_by("block__order", "code")
        self.fields["block"].queryset = Block.objects.filter(active=True) | Block.objects.filter(pk=getattr(self.instance, "block_id", None))


class UnitContactForm(forms.ModelForm):
    """What a unit's own CCHC contact may keep up to date."""

    class Meta:
        model = Unit
        fields = ["short_name", "address", "phone", "email", "website"]
        formfield_callback = _formfield


class UnitHeadForm(forms.ModelForm):
    class Meta:
        model = UnitHead
        fields = ["full_name", "title", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}
        help_texts = {"start_date": "Nhiệm kỳ của người đứng đầu hiện tại kết thúc vào ngày trước đó."}


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["code", "name", "level", "order", "active"]


KEEP, DEACTIVATE = "", "off"


class MembersTransferForm(forms.Form):
    """For each user of a closed unit: one of its successors, "khóa tài khoản", or no change;
    "everyone" applies one choice to every user left at no change."""

    def __init__(self, *args, members, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.members, self.successors = members, {str(s.pk): s for s in successors}
        choices = [(KEEP, "— không thay đổi —"), *[(pk, f"Chuyển sang {s.name}") for pk, s in self.successors.items()], (DEACTIVATE, "Khóa tài khoản")]
        self.fields["everyone"] = forms.ChoiceField(label="Tất cả người dùng", choices=choices, required=False)
        for user in members:
            self.fields[f"user-{user.pk}"] = forms.ChoiceField(label=str(user), choices=choices, required=False)

    def member_fields(self):
        return [(user, self[f"user-{user.pk}"]) for user in self.members]

    def moves(self) -> dict:
        """{user id: successor Unit, or None to deactivate} for the users given a choice."""
        everyone = self.cleaned_data.get("everyone") or KEEP
        moves = {}
        for user in self.members:
            choice = self.cleaned_data.get(f"user-{user.pk}") or everyone
            if choice != KEEP:
                moves[user.pk] = None if choice == DEACTIVATE else self.successors[choice]
        return moves
