"""A newcomer's console: no deprecation warnings, no unused apps, no chatter from the PDF
libraries, no traceback for a refusal, and `make demo` says what to install when something the
PDFs need is missing."""

import logging
import os
import stat
import subprocess
import tomllib
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def test_django_filter_is_neither_installed_nor_a_dependency_nor_used():
    assert "django_filters" not in settings.INSTALLED_APPS
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not [d for d in dependencies if d.lower().startswith("django-filter")]
    users = [str(p) for app in ("cchc", "units", "scoring", "inspections", "reports", "audit") for p in (ROOT / app).rglob("*.py") if "django_filters" in p.read_text()]
    assert not users


def test_the_deprecated_url_scheme_setting_is_gone():
    import cchc.settings

    assert not hasattr(cchc.settings, "FORMS_URLFIELD_ASSUME_HTTPS")


@pytest.mark.django_db
def test_a_unit_s_portal_typed_without_a_scheme_is_an_https_address_and_no_form_warns(unit_a, rf, admin_user):
    from django.contrib import admin

    from units.forms import UnitContactForm, UnitForm
    from units.models import Unit

    request = rf.get("/")
    request.user = admin_user
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forms = [
            UnitContactForm({"website": "sotttt.hatinh.gov.vn"}, instance=unit_a),
            UnitForm({"code": "X1", "name": "Sở X", "block": unit_a.block_id, "active": "on", "website": "sotttt.hatinh.gov.vn"}),
            admin.site._registry[Unit].get_form(request, unit_a)({"website": "sotttt.hatinh.gov.vn"}, instance=unit_a),
        ]
    for form in forms:
        form.is_valid()
        assert form.cleaned_data["website"] == "https://sotttt.hatinh.gov.vn", type(form).__name__


def test_font_subsetting_and_layout_say_nothing_below_a_warning(caplog):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    caplog.set_level(logging.DEBUG)
    font = TTFont(ROOT / "static" / "fonts" / "LiberationSerif-Regular.ttf")
    subsetter = subset.Subsetter()
    subsetter.populate(text="Chỉ số cải cách hành chính")
    subsetter.subset(font)
    logging.getLogger("weasyprint.progress").info("Step 1 - Fetching and parsing HTML")
    chatter = [r for r in caplog.records if r.name.startswith(("fontTools", "weasyprint")) and r.levelno < logging.WARNING]
    assert not chatter, [r.getMessage() for r in chatter[:5]]
    logging.getLogger("weasyprint").warning("Ignored `x: y` at 1:1, unknown property.")
    assert any(r.name == "weasyprint" and r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.django_db
def test_an_ordinary_403_is_logged_in_one_line_without_a_traceback(client_of, unit_a_editor, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_of(unit_a_editor).get(reverse("units:create"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Forbidden (Permission denied): /don-vi/them/"]
    assert records[0].exc_info is None and "Traceback" not in caplog.text


def _fake_tools(tmp_path, *, uid: int) -> dict:
    """A PATH on which no shared library is installed and the user is `uid`."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, body in {"ldconfig": "exit 0", "id": f"echo {uid}"}.items():
        script = tools / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}


def test_make_demo_says_which_packages_the_pdfs_need_when_it_may_not_install_them(tmp_path):
    run = subprocess.run([ROOT / "bin" / "ensure-system-packages", "weasyprint"], env=_fake_tools(tmp_path, uid=1000), capture_output=True, text=True)
    assert run.returncode == 1
    assert "sudo apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig libharfbuzz-subset0" in run.stderr
    assert "chromium" not in run.stderr  # the browser tests' packages are not the demo's


def test_make_demo_goes_on_quietly_when_the_pdf_packages_are_there():
    run = subprocess.run([ROOT / "bin" / "ensure-system-packages", "weasyprint"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == ""
    makefile = (ROOT / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "bin/ensure-system-packages weasyprint" in demo.splitlines()[1]
