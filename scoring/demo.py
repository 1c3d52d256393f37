"""Demo data of the scoring app: the 2023 and 2024 periods with a framework for each block,
read from the CSV files in `data/` (the same format staff import)."""

import datetime
from pathlib import Path

from django.db import transaction

from cchc.tabular import read_table

from .models import Period
from .services import FRAMEWORK_COLUMNS, REQUIRED_COLUMNS, framework_import, period_update

DATA = Path(__file__).resolve().parent / "data"
BLOCK_FILES = ["framework-so-nganh.csv", "framework-ubnd-huyen.csv", "framework-ubnd-xa.csv", "framework-co-quan-tw.csv"]

# Illustrative plan numbers: the demo must look like a real year without quoting real documents.
PERIODS = {
    2023: {
        "title": "Chỉ số cải cách hành chính năm 2023",
        "legal_basis": "Kế hoạch số 58/KH-UBND ngày 15/02/2023 của UBND tỉnh về xác định Chỉ số CCHC năm 2023 "
        "của các sở, ban, ngành, UBND cấp huyện, UBND cấp xã và các cơ quan Trung ương đóng trên địa bàn.",
        "draft_deadline": datetime.date(2023, 3, 15),
        "self_assessment_deadline": datetime.date(2023, 12, 15),
        "appraisal_deadline": datetime.date(2024, 1, 10),
        "explanation_deadline": datetime.date(2024, 1, 17),
        "finalization_deadline": datetime.date(2024, 2, 5),
    },
    2024: {
        "title": "Chỉ số cải cách hành chính năm 2024",
        "legal_basis": "Kế hoạch số 41/KH-UBND ngày 05/02/2024 của UBND tỉnh về xác định Chỉ số CCHC năm 2024.",
        "draft_deadline": datetime.date(2024, 3, 15),
        "self_assessment_deadline": datetime.date(2024, 12, 13),
        "appraisal_deadline": datetime.date(2025, 1, 10),
        "explanation_deadline": datetime.date(2025, 1, 17),
        "finalization_deadline": datetime.date(2025, 2, 7),
    },
}


def _table():
    """All four blocks as one import table (one header, rows numbered as in a single file)."""
    header = ",".join(FRAMEWORK_COLUMNS)
    body = []
    for name in BLOCK_FILES:
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == header, f"{name}: unexpected header"
        body.extend(line for line in lines[1:] if line.strip())
    data = (header + "\n" + "\n".join(body) + "\n").encode("utf-8")
    return read_table(data, "demo.csv", FRAMEWORK_COLUMNS, required=REQUIRED_COLUMNS)


@transaction.atomic
def seed(stdout) -> None:
    """Create the demo periods once; a period that already has frameworks is left as it is."""
    for year, fields in PERIODS.items():
        period = Period.objects.filter(year=year).first()
        if period is not None and period.frameworks.exists():
            stdout.write(f"Kỳ đánh giá {year}: đã có, giữ nguyên.")
            continue
        result = framework_import(table=_table(), year=year, actor=None, source="dữ liệu mẫu")
        period_update(actor=None, period=result.period, **fields)
        stdout.write(f"Kỳ đánh giá {year}: {result}")
