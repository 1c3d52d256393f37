# Issue #18, parts 1 and 2: a period's precision (2 or 3 decimals) and tie rule.
#
# The score and total columns widen to three places: a two-decimal value is stored exactly as
# before. `total_ratio` (the exact score/max key the "exact" tie rule ranks on) starts at 0 and is
# not filled here: every existing period keeps the "displayed" rule, which never reads it, and
# `period_settings_update` recomputes a period's totals when it switches to "exact".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0008_roster_ordering"),
    ]

    operations = [
        migrations.AddField(
            model_name="period",
            name="decimals",
            field=models.PositiveSmallIntegerField(
                choices=[(2, "2 chữ số thập phân"), (3, "3 chữ số thập phân")],
                default=2,
                help_text="Điểm từng tiêu chí, tổng điểm và Chỉ số được làm tròn (lên từ 5) đến số chữ số này. Chỉ sửa được khi kỳ đánh giá ở giai đoạn dự thảo.",
                verbose_name="số chữ số thập phân",
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="tie_rule",
            field=models.CharField(
                choices=[
                    ("displayed", "Đồng hạng khi chỉ số (đã làm tròn) bằng nhau"),
                    ("exact", "Xếp theo tỷ lệ điểm chính xác, chỉ đồng hạng khi bằng nhau tuyệt đối"),
                ],
                default="displayed",
                help_text="Sửa được đến khi kết quả được phê duyệt.",
                max_length=12,
                verbose_name="cách xếp hạng khi bằng điểm",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="total_ratio",
            field=models.BigIntegerField(default=0, verbose_name="tỷ lệ điểm chính xác (để xếp hạng)"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="total_deducted",
            field=models.DecimalField(decimal_places=3, default=0, max_digits=9, verbose_name="điểm trừ"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="total_earned",
            field=models.DecimalField(decimal_places=3, default=0, max_digits=9, verbose_name="điểm đạt"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="total_index",
            field=models.DecimalField(decimal_places=3, default=0, max_digits=6, verbose_name="chỉ số (%)"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="total_max",
            field=models.DecimalField(decimal_places=3, default=0, max_digits=9, verbose_name="điểm tối đa"),
        ),
        migrations.AlterField(
            model_name="score",
            name="appraised_score",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name="điểm thẩm định"),
        ),
        migrations.AlterField(
            model_name="score",
            name="final_score",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name="điểm cuối cùng"),
        ),
        migrations.AlterField(
            model_name="score",
            name="self_score",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name="điểm tự đánh giá"),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["framework", "total_ratio"], name="assessment_rank_exact"),
        ),
    ]
