from django import forms
from django.conf import settings

from .uploads import max_import_bytes


class ImportFileForm(forms.Form):
    """The upload of every import page: a CSV (UTF-8) or XLSX file of a sane size."""

    file = forms.FileField(label="Tệp CSV (UTF-8) hoặc Excel (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Chỉ nhận tệp .csv hoặc .xlsx.")
        if upload.size > max_import_bytes():
            raise forms.ValidationError(f"Tệp lớn hơn {settings.IMPORT_MAX_MB} MB.")
        return upload
