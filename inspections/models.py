"""Inspections of CCHC work: yearly plans, the delegation and its teams, visits to units, what the
teams found there, and the remediation units report on each shortcoming."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cchc.uploads import EvidencePath
from units.models import Unit


class Field(models.TextChoices):
    """The eight fields (lĩnh vực) checked by both the index and inspections. The scoring app keeps
    the per-block frameworks; inspections only need the standard list to group what they found."""

    DIRECTION = "1", "Công tác chỉ đạo, điều hành CCHC"
    INSTITUTIONS = "2", "Cải cách thể chế"
    PROCEDURES = "3", "Cải cách thủ tục hành chính"
    ORGANISATION = "4", "Cải cách tổ chức bộ máy"
    CIVIL_SERVICE = "5", "Cải cách chế độ công vụ"
    PUBLIC_FINANCE = "6", "Cải cách tài chính công"
    DIGITAL_GOVERNMENT = "7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số"
    IMPACT = "8", "Tác động của CCHC"


def all_fields() -> list[str]:
    return [choice.value for choice in Field]


class InspectionPlan(models.Model):
    """Kế hoạch kiểm tra công tác CCHC of one year, with the scope it promises to cover."""

    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên kế hoạch", max_length=255)
    number = models.CharField("số kế hoạch", max_length=50, blank=True, help_text="Ví dụ: 125/KH-UBND")
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=150, default="UBND tỉnh")
    purpose = models.TextField("mục đích, yêu cầu", blank=True)
    content_areas = models.JSONField("nội dung kiểm tra (lĩnh vực)", default=all_fields)
    # Scope targets as numbers, so that the plan can be checked against the visits it schedules
    # ("tất cả các huyện và ít nhất 1 xã của mỗi huyện; ít nhất 8 sở").
    all_districts = models.BooleanField("kiểm tra tất cả UBND cấp huyện", default=False)
    min_districts = models.PositiveSmallIntegerField("số UBND cấp huyện tối thiểu", default=0)
    min_communes_per_district = models.PositiveSmallIntegerField("số xã tối thiểu ở mỗi huyện được kiểm tra", default=0)
    min_departments = models.PositiveSmallIntegerField("số sở, ban, ngành tối thiểu", default=0)
    # After the 2025 reform there are no districts: "ít nhất 20 xã, phường", counted directly.
    min_communes = models.PositiveSmallIntegerField("số UBND cấp xã (xã, phường) tối thiểu", default=0)
    start_date = models.DateField("kiểm tra từ ngày", null=True, blank=True)
    end_date = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kế hoạch kiểm tra"
        verbose_name_plural = "kế hoạch kiểm tra"
        ordering = ["-year", "-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="inspection_plan_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        areas = self.content_areas
        if not isinstance(areas, list) or not areas:
            raise ValidationError({"content_areas": "Chọn ít nhất một lĩnh vực kiểm tra."})
        unknown = [a for a in areas if a not in Field.values]
        if unknown:
            raise ValidationError({"content_areas": f"Lĩnh vực không hợp lệ: {', '.join(map(str, unknown))}."})

    @property
    def content_area_labels(self) -> list[str]:
        return [f"{code}. {Field(code).label}" for code in self.content_areas if code in Field.values]


class DelegationMember(models.Model):
    """A person of the đoàn kiểm tra. Most members come from other departments and have no account;
    those who do are linked, so that they see their team's work."""

    class Role(models.TextChoices):
        HEAD = "head", "Trưởng đoàn"
        DEPUTY = "deputy", "Phó Trưởng đoàn"
        MEMBER = "member", "Thành viên"
        SECRETARY = "secretary", "Thư ký"

    plan = models.ForeignKey(InspectionPlan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField("họ và tên", max_length=150)
    title = models.CharField("chức vụ", max_length=150, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị công tác", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegation_memberships",
    )
    role = models.CharField("vai trò trong đoàn", max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = "thành viên đoàn kiểm tra"
        verbose_name_plural = "thành viên đoàn kiểm tra"
        ordering = ["plan", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(role="head"), name="one_delegation_head_per_plan"),
            models.UniqueConstraint(fields=["plan", "user"], condition=Q(user__isnull=False), name="one_membership_per_user_and_plan"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.title})" if self.title else self.full_name


class Team(models.Model):
    """Tổ công tác số N. The leader is always one of the members."""

    plan = models.ForeignKey(InspectionPlan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField("số tổ")
    leader = models.ForeignKey(DelegationMember, verbose_name="tổ trưởng", on_delete=models.PROTECT, related_name="leads")
    members = models.ManyToManyField(DelegationMember, verbose_name="thành viên", blank=True, related_name="teams")

    class Meta:
        verbose_name = "tổ công tác"
        verbose_name_plural = "tổ công tác"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="team_number_unique_in_plan")]

    def __str__(self):
        return f"Tổ công tác số {self.number}"


class Visit(models.Model):
    """One trip of a team to a unit; a district's communes visited on the same trip come along."""

    class Form(models.TextChoices):
        IN_PERSON = "in_person", "Trực tiếp"
        ONLINE = "online", "Trực tuyến"
        UNANNOUNCED = "unannounced", "Đột xuất"

    class Status(models.TextChoices):
        PLANNED = "planned", "Theo kế hoạch"
        DONE = "done", "Đã kiểm tra"
        CONCLUDED = "concluded", "Đã có kết luận"

    plan = models.ForeignKey(InspectionPlan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="visits")
    team = models.ForeignKey(Team, verbose_name="tổ công tác", on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị được kiểm tra", on_delete=models.PROTECT, related_name="inspection_visits")
    also_units = models.ManyToManyField(
        Unit,
        verbose_name="đơn vị kiểm tra cùng đợt",
        blank=True,
        related_name="inspection_visits_along",
        help_text="Ví dụ: các xã được kiểm tra trong chuyến kiểm tra UBND huyện.",
    )
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày")
    form = models.CharField("hình thức", max_length=16, choices=Form.choices, default=Form.IN_PERSON)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cuộc kiểm tra"
        verbose_name_plural = "cuộc kiểm tra"
        ordering = ["start_date", "team__number", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="visit_dates_in_order"),
        ]

    def __str__(self):
        return f"Kiểm tra {self.unit.name} ({self.start_date:%d/%m/%Y})"

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED


class Finding(models.Model):
    """An ưu điểm or a tồn tại, hạn chế written down at a visit. A shortcoming carries a
    recommendation, a deadline and the remediation cycle:

    open → reported (the unit reported what it did) → closed (staff accepted)
                                                    → returned (staff returned it) → reported → ...

    Being overdue is not a state of its own: the daily task stamps `overdue_since` on open or
    returned shortcomings past their deadline, and the stamp stays as a record of lateness.
    """

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Ưu điểm"
        SHORTCOMING = "shortcoming", "Tồn tại, hạn chế"

    class Severity(models.TextChoices):
        LOW = "low", "Thấp"
        MEDIUM = "medium", "Trung bình"
        HIGH = "high", "Cao"

    class Status(models.TextChoices):
        OPEN = "open", "Chưa khắc phục"
        REPORTED = "reported", "Đơn vị đã báo cáo"
        CLOSED = "closed", "Đã khắc phục"
        RETURNED = "returned", "Trả lại, cần bổ sung"

    visit = models.ForeignKey(Visit, verbose_name="cuộc kiểm tra", on_delete=models.CASCADE, related_name="findings")
    field = models.CharField("lĩnh vực", max_length=2, choices=Field.choices)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    text = models.TextField("nội dung")
    recommendation = models.TextField("kiến nghị", blank=True)
    severity = models.CharField("mức độ", max_length=8, choices=Severity.choices, blank=True)
    owner_unit = models.ForeignKey(Unit, verbose_name="đơn vị khắc phục", on_delete=models.PROTECT, related_name="inspection_findings")
    deadline = models.DateField("thời hạn khắc phục", null=True, blank=True)
    # The criterion of that year's index the shortcoming concerns, so the appraisal can see it.
    criterion = models.ForeignKey(
        "scoring.Criterion",
        verbose_name="tiêu chí liên quan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_findings",
    )
    status = models.CharField("tình trạng khắc phục", max_length=16, choices=Status.choices, blank=True)
    overdue_since = models.DateField("quá hạn từ ngày", null=True, blank=True, editable=False)
    review_comment = models.TextField("ý kiến của Sở Nội vụ", blank=True)
    reviewed_at = models.DateTimeField("thời điểm xem xét", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kết quả kiểm tra"
        verbose_name_plural = "kết quả kiểm tra"
        ordering = ["visit", "field", "kind", "id"]
        indexes = [
            models.Index(fields=["owner_unit", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            # A strength has no remediation; a shortcoming always has a remediation status.
            models.CheckConstraint(
                condition=(Q(kind="strength") & Q(status="")) | (Q(kind="shortcoming") & ~Q(status="")),
                name="finding_status_only_for_shortcomings",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.get_kind_display()}: {text}"

    def clean(self):
        if self.criterion_id:
            criterion = self.criterion
            if criterion.code.split(".")[0] != self.field:
                raise ValidationError({"criterion": f"Tiêu chí {criterion.code} không thuộc lĩnh vực {self.field}."})
            # Which framework the criterion must come from (the owner unit's of the inspection
            # year, not its current block's) is the services' `_check_criterion`.
        if self.kind == self.Kind.SHORTCOMING:
            errors = {}
            if not (self.recommendation or "").strip():
                errors["recommendation"] = "Tồn tại, hạn chế cần có kiến nghị."
            if not self.severity:
                errors["severity"] = "Chọn mức độ."
            if not self.deadline:
                errors["deadline"] = "Nhập thời hạn khắc phục."
            if errors:
                raise ValidationError(errors)

    @property
    def is_shortcoming(self) -> bool:
        return self.kind == self.Kind.SHORTCOMING

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None and self.status != self.Status.CLOSED

    @property
    def latest_report(self):
        """The last remediation report (uses the prefetched reports when there are)."""
        reports = list(self.reports.all())
        return reports[-1] if reports else None

    @property
    def awaits_unit(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.RETURNED)


class RemediationReport(models.Model):
    """What the unit says it did about a shortcoming, with its evidence."""

    finding = models.ForeignKey(Finding, verbose_name="tồn tại, hạn chế", on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("kết quả khắc phục")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người báo cáo", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("thời điểm báo cáo", auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo khắc phục"
        verbose_name_plural = "báo cáo khắc phục"
        ordering = ["finding", "created_at", "id"]

    def __str__(self):
        return f"Báo cáo khắc phục #{self.pk}"


class RemediationEvidence(models.Model):
    report = models.ForeignKey(RemediationReport, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=EvidencePath("inspections"), max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    content_type = models.CharField("kiểu tệp", max_length=100)

    class Meta:
        verbose_name = "tài liệu kiểm chứng khắc phục"
        verbose_name_plural = "tài liệu kiểm chứng khắc phục"
        ordering = ["report", "id"]

    def __str__(self):
        return self.original_name


class VisitConclusion(models.Model):
    """Thông báo kết luận kiểm tra: the record of the notice (its PDF is made by the reports app)."""

    visit = models.OneToOneField(Visit, verbose_name="cuộc kiểm tra", on_delete=models.CASCADE, related_name="conclusion")
    number = models.CharField("số thông báo", max_length=50, help_text="Ví dụ: 45/TB-ĐKT")
    date = models.DateField("ngày thông báo")
    signer_name = models.CharField("người ký", max_length=150)
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True)
    summary = models.TextField("nội dung kết luận chung", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thông báo kết luận kiểm tra"
        verbose_name_plural = "thông báo kết luận kiểm tra"

    def __str__(self):
        return f"Thông báo số {self.number}"


class FindingHandover(models.Model):
    """An open shortcoming of a closed unit handed to a successor (units.LineageLink). The finding
    keeps its original unit, the record of who was inspected; the successor answers for it. A
    merge hands it over on its own (`confirmed_at` set when created); for a split, staff confirm
    which successor takes it, and until then every candidate sees nothing of it."""

    finding = models.ForeignKey(Finding, verbose_name="tồn tại, hạn chế", on_delete=models.CASCADE, related_name="handovers")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị kế thừa", on_delete=models.PROTECT, related_name="inherited_findings")
    link = models.ForeignKey(
        "units.LineageLink", verbose_name="quan hệ kế thừa", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("thời điểm xác nhận", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người xác nhận", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chuyển giao tồn tại cho đơn vị kế thừa"
        verbose_name_plural = "chuyển giao tồn tại cho đơn vị kế thừa"
        ordering = ["finding", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["finding", "unit"], name="finding_handover_once_per_unit")]

    def __str__(self):
        return f"{self.finding} → {self.unit}"
