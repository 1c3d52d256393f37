import datetime
import re

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


# A native <input type="date"> shows and takes the date in the browser's language: mm/dd/yyyy in an
# English browser, where 12/02 is read as 2 December. Administrative documents write dd/mm/yyyy
# (Nghị định 30/2020/NĐ-CP), so dates are typed as text in that order whatever the browser.
DATE_HINT = "dd/mm/yyyy"
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4})")  # a phone's number pad has no "/": 02122026


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy with the number pad on a phone or tablet."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off", "maxlength": "10", "data-date-input": ""}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


MIN_YEAR, MAX_YEAR = 1900, 2100


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows whose posted ids are checked to be ids before the database sees
    them: a 20-digit number overflows SQLite's integers (a 500 instead of "not a valid choice")."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text})
        return super()._check_values(value)


class DateField(forms.DateField):
    """A date typed day first (02/12/2026 is 2 December), or as yyyy-mm-dd; a year of four digits
    only, since 02/12/26 would otherwise be the year 26."""

    widget = DateInput
    default_error_messages = {
        "invalid": "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 02/12/2026.",
        "no_such_day": "Không có ngày %(value)s.",
        "out_of_range": f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if match := _DAY_FIRST.fullmatch(text) or _COMPACT.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := _ISO.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # Dates of this work lie within a century or so; 9999 is a typo that would overflow every
        # date computed from it (a deadline a month later, the next year's copy).
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["no_such_day"], code="no_such_day", params={"value": f"{day:02d}/{month:02d}/{year}"}
            ) from None
