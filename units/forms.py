from django import forms
from django.db import models

from .models import Block, Unit, UnitHead

# A unit's portal typed without a scheme ("sotttt.hatinh.gov.vn") is an https address, as
# Django 6 will read it; saying so now also keeps Django 5.2 from warning on every form.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _formfield(field, **kwargs):
    return field.formfield(**{**URL_FIELDS.get(type(field), {}), **kwargs})


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"placeholder": "Tên hoặc mã đơn vị, không cần dấu", "type": "search"}))
    block = forms.ModelChoiceField(label="Khối", queryset=Block.objects.all(), required=False, empty_label="Tất cả các khối", to_field_name="code")
    inactive = forms.BooleanField(label="Cả đơn vị ngừng hoạt động", required=False)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "block", "parent", "active", "address", "phone", "email", "website"]
        formfield_callback = _formfield

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
        fields = ["code", "name", "order", "active"]
