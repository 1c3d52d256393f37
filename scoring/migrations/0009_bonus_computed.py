"""Bonus points with caps, and computed sub-criteria (issue #18, parts 3 and 4): the `bonus`
kind, a row's declared inputs and formula, the figures of each stage on a score, the stored bonus
total of an assessment, and whether a period's index may exceed 100 %."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0008_roster_ordering"),
    ]

    operations = [
        migrations.AlterField(
            model_name="criterion",
            name="kind",
            field=models.CharField(
                choices=[
                    ("self", "Tự đánh giá, thẩm định"),
                    ("survey", "Điều tra xã hội học"),
                    ("deduction", "Điểm trừ"),
                    ("bonus", "Điểm thưởng"),
                ],
                default="self",
                max_length=12,
                verbose_name="loại",
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="inputs",
            field=models.TextField(
                blank=True,
                help_text="Để trống nếu chấm điểm trực tiếp. Mỗi số liệu dạng tên:nội dung:đơn vị tính:int|dec, cách nhau bởi dấu chấm phẩy: "
                "a:Số hồ sơ giải quyết đúng hạn:hồ sơ:int; b:Tổng số hồ sơ:hồ sơ:int",
                verbose_name="số liệu đơn vị nhập",
            ),
        ),
        migrations.AddField(
            model_name="criterion",
            name="formula",
            field=models.TextField(
                blank=True,
                help_text="ratio a b (a/b × điểm tối đa); thresholds a/b 95:1 80:0.5 0:0 (theo tỷ lệ %); steps n 4:1 3:0.75 "
                "(tỷ lệ điểm tối đa theo số lần); expr min(a, b) / 2 (biểu thức + − × ÷, min, max).",
                verbose_name="công thức tính điểm",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="self_inputs",
            field=models.JSONField(blank=True, default=dict, verbose_name="số liệu tự đánh giá"),
        ),
        migrations.AddField(
            model_name="score",
            name="appraised_inputs",
            field=models.JSONField(blank=True, default=dict, verbose_name="số liệu thẩm định"),
        ),
        migrations.AddField(
            model_name="score",
            name="final_inputs",
            field=models.JSONField(blank=True, default=dict, verbose_name="số liệu cuối cùng"),
        ),
        migrations.AddField(
            model_name="assessment",
            name="total_bonus",
            field=models.DecimalField(decimal_places=3, default=0, max_digits=9, verbose_name="điểm thưởng"),
        ),
        migrations.AddField(
            model_name="period",
            name="index_over_100",
            field=models.BooleanField(
                default=False,
                help_text="Không chọn: Chỉ số tối đa 100% dù điểm thưởng đưa tổng điểm vượt điểm tối đa.",
                verbose_name="chỉ số được vượt 100%",
            ),
        ),
    ]
