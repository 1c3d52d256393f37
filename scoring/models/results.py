"""Results of a period: the council's approval with the People's Committee decision, and the
council's overrides of a head-of-unit rating."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .assessment import Assessment
from .framework import Period


class HeadRating(models.TextChoices):
    """The four levels of a head's task completion; labels as the approval decision writes them."""

    EXCELLENT = "excellent", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "Hoàn thành tốt nhiệm vụ"
    DONE = "done", "Hoàn thành nhiệm vụ"
    NOT_DONE = "not_done", "Không hoàn thành nhiệm vụ"


class Approval(models.Model):
    """The council's approval of a period's results and the People's Committee decision that
    approves them (Quyết định phê duyệt Chỉ số CCHC).

    `snapshot` keeps the ranking as approved and `scores_hash` a fingerprint of every final score,
    so that a score changed after a reopen is noticed: the approval is then voided, never edited,
    and the council approves again (the voided row stays as the record of what was approved)."""

    period = models.ForeignKey(Period, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="approvals")
    council_approved_on = models.DateField("ngày Hội đồng thông qua")
    minutes_ref = models.CharField("biên bản họp", max_length=255)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True, help_text="Ví dụ: 519/QĐ-UBND.")
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True, help_text="Ví dụ: Phó Chủ tịch.")
    snapshot = models.JSONField("kết quả xếp hạng được thông qua", default=list)
    scores_hash = models.CharField("mã kiểm tra điểm", max_length=64)
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True)
    void_reason = models.TextField("lý do hủy", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi nhận", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("thời điểm ghi nhận", auto_now_add=True)

    class Meta:
        verbose_name = "phê duyệt kết quả"
        verbose_name_plural = "phê duyệt kết quả"
        ordering = ["period", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period"], condition=Q(voided_at__isnull=True), name="approval_one_active_per_period")
        ]

    def __str__(self):
        if self.decision_number:
            return f"Quyết định số {self.decision_number} (Chỉ số CCHC năm {self.period.year})"
        return f"Hội đồng thông qua ngày {self.council_approved_on:%d/%m/%Y} (Chỉ số CCHC năm {self.period.year})"

    @property
    def is_active(self) -> bool:
        return self.voided_at is None

    @property
    def has_decision(self) -> bool:
        return bool(self.decision_number and self.decision_date and self.signer_name and self.signer_title)


class HeadRatingOverride(models.Model):
    """The council sets a head's rating other than the index thresholds give, with a written
    reason — e.g. a field scored zero or a disciplinary case (the provinces' extra conditions)."""

    assessment = models.OneToOneField(
        Assessment, verbose_name="phiếu đánh giá", on_delete=models.CASCADE, related_name="head_rating_override"
    )
    rating = models.CharField("mức độ hoàn thành nhiệm vụ", max_length=12, choices=HeadRating.choices)
    reason = models.TextField("lý do")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người quyết định", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "điều chỉnh đánh giá người đứng đầu"
        verbose_name_plural = "điều chỉnh đánh giá người đứng đầu"

    def __str__(self):
        return f"{self.assessment.unit.name}: {self.get_rating_display()}"
