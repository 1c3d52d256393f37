from django import forms

MAX_IMPORT_MB = 10


class ImportFileForm(forms.Form):
    """The upload of every import page: a CSV (UTF-8) or XLSX file of a sane size."""

    file = forms.FileField(label="Tệp CSV (UTF-8) hoặc Excel (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Chỉ nhận tệp .csv hoặc .xlsx.")
        if upload.size > MAX_IMPORT_MB * 1024 * 1024:
            raise forms.ValidationError(f"Tệp lớn hơn {MAX_IMPORT_MB} MB.")
        return upload
