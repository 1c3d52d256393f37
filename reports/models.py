"""Official documents rendered as PDF (decisions, notices, scorecards) and the record of each
rendering: what it was made from, by whom, when, and whether it is still current."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class GeneratedDocument(models.Model):
    """One PDF of one kind for one subject (a visit, an assessment, a period), rendered from
    data whose fingerprint it keeps.

    queued → running → done
                     → failed (with the error; a new request or Celery's retry runs it again)

    The subject is a (content type, id) pair rather than one foreign key per kind: the subjects
    live in different apps, and the scoring models they will point at are still being built."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "Thông báo kết luận kiểm tra"
        SCORECARD = "scorecard", "Phiếu chấm điểm Chỉ số CCHC"
        DECISION = "decision", "Quyết định phê duyệt Chỉ số CCHC"

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tạo"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Lỗi"

    kind = models.CharField("loại văn bản", max_length=16, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, verbose_name="loại đối tượng", on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField("mã đối tượng")
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField("tên văn bản", max_length=255)
    filename = models.CharField("tên tệp tải về", max_length=200)
    fingerprint = models.CharField(
        "dấu vân tay dữ liệu", max_length=64, help_text="SHA-256 của dữ liệu (JSON chuẩn hóa) dùng để tạo văn bản."
    )
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField("lỗi", blank=True)
    # Private: stored under MEDIA_ROOT/documents/ and handed out only by the download view.
    file = models.FileField("tệp PDF", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256 của tệp", max_length=64, blank=True)
    size = models.PositiveIntegerField("dung lượng (byte)", null=True, blank=True)
    pages = models.PositiveIntegerField("số trang", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("thời điểm yêu cầu", default=timezone.now)
    started_at = models.DateTimeField("bắt đầu tạo", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)

    class Meta:
        verbose_name = "văn bản đã tạo"
        verbose_name_plural = "văn bản đã tạo"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Asking twice for the same data must give the same row, even from two clicks at once.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "fingerprint"], name="one_document_per_subject_and_data"
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "kind", "-requested_at"]),
            models.Index(fields=["status", "-requested_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]
