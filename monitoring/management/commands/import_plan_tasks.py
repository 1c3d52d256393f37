from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.commands import import_file
from monitoring.models import ReformPlan
from monitoring.services import TASK_COLUMNS, TASK_FILE_COLUMNS, TASK_REQUIRED_COLUMNS, plan_tasks_import


class Command(BaseCommand):
    help = "Nhập nhiệm vụ của kế hoạch CCHC năm từ tệp CSV (UTF-8) hoặc XLSX: " + ",".join(TASK_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True, help="Năm của kế hoạch (đã tạo trên phần mềm).")

    def handle(self, *args, file: Path, year: int, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        plan = ReformPlan.objects.filter(year=year).first()
        if plan is None:
            raise CommandError(f"Chưa có kế hoạch CCHC năm {year}.")
        result = import_file(
            self, file, TASK_FILE_COLUMNS, lambda table: plan_tasks_import(actor=None, plan=plan, table=table), required=TASK_REQUIRED_COLUMNS
        )
        self.stdout.write(self.style.SUCCESS(f"{plan}: {result}"))
