import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q

from .text import fold


class Block(models.Model):
    """A khối: units ranked against each other. Blocks are data, not code: after the 2025
    reform a province ranks different blocks than before, and earlier years keep theirs."""

    class Level(models.TextChoices):
        # What kind of units a block holds, so that rules about "sở", "huyện" or "xã" (an
        # inspection plan's scope) read the block's level, not its code: the 2026 communes'
        # block is a new block with a new code.
        PROVINCIAL = "provincial", "Sở, ban, ngành cấp tỉnh"
        DISTRICT = "district", "UBND cấp huyện"
        COMMUNE = "commune", "UBND cấp xã"
        CENTRAL = "central", "Cơ quan Trung ương"
        OTHER = "other", "Khác"

    code = models.SlugField("mã khối", max_length=32, unique=True)
    name = models.CharField("tên khối", max_length=200)
    level = models.CharField("cấp đơn vị", max_length=12, choices=Level.choices, default=Level.OTHER)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang sử dụng", default=True)

    class Meta:
        verbose_name = "khối"
        verbose_name_plural = "khối"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class UnitQuerySet(models.QuerySet):
    def existing_on(self, day: datetime.date):
        """Units that existed on `day`: formed on or before it and not closed before it."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def closed_on(self, day: datetime.date):
        return self.filter(valid_to__lt=day)


class Unit(models.Model):
    """A unit that is scored: a sở/ban/ngành, a UBND huyện or xã, a central agency.

    A unit lives between `valid_from` and `valid_to` (both inclusive, empty = open-ended). A unit a
    reorganisation forms is a new row even when it keeps an old name or statistics code: the new
    Xã Thạch Lạc of 01/07/2025 is not the old one, whose results and findings stay its own.
    `block` and `parent` are today's; what they were in a year is the period's roster
    (scoring.RosterEntry) and the dated parent history (UnitParent)."""

    code = models.CharField("mã đơn vị", max_length=32, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    block = models.ForeignKey(Block, verbose_name="khối", on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Ví dụ: UBND xã thuộc UBND huyện.",
    )
    active = models.BooleanField("đang hoạt động", default=True)
    stat_code = models.CharField("mã đơn vị hành chính (thống kê)", max_length=16, blank=True)
    valid_from = models.DateField("hoạt động từ ngày", null=True, blank=True)
    valid_to = models.DateField("hoạt động đến ngày", null=True, blank=True, help_text="Ngày cuối cùng đơn vị tồn tại.")
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    website = models.URLField("cổng thông tin", blank=True)
    # Accent-free, lower-case copy of name/short name/code: "thach ha" must find "Thạch Hà"
    # on SQLite as on PostgreSQL, without the unaccent extension.
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["block__order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="unit_not_own_parent",
                violation_error_message="Đơn vị không thể là cấp trên của chính nó.",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_dates_in_order",
                violation_error_message="Ngày ngừng hoạt động không được trước ngày bắt đầu hoạt động.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = self.build_search_key(self.code, self.name, self.short_name)
        super().save(*args, **kwargs)

    @staticmethod
    def build_search_key(code: str, name: str, short_name: str = "") -> str:
        return fold(" ".join(filter(None, [name, short_name, code])))

    @property
    def display_name(self):
        return self.short_name or self.name

    def existed_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None and self.valid_to < datetime.date.today()


class UnitParent(models.Model):
    """Which unit a unit was under, and when: on 01/01/2025 Lộc Hà's communes moved under Thạch Hà
    and 14 communes under TP Hà Tĩnh, and a 2022 inspection plan still counts them under their
    2022 district. `Unit.parent` is the open row's parent (today's), kept for the directory."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="parent_history")
    parent = models.ForeignKey(Unit, verbose_name="đơn vị cấp trên", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    event = models.ForeignKey(
        "Reorganisation", verbose_name="sự kiện sắp xếp", null=True, blank=True, on_delete=models.PROTECT, related_name="parent_moves"
    )

    class Meta:
        verbose_name = "quan hệ cấp trên"
        verbose_name_plural = "quan hệ cấp trên"
        ordering = ["unit", F("valid_from").asc(nulls_first=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_parent_dates_in_order",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("unit")), name="unit_parent_not_self"),
        ]

    def __str__(self):
        return f"{self.unit} thuộc {self.parent}"


class Reorganisation(models.Model):
    """One legal act's rearrangement on one date (e.g. Nghị quyết 1665/NQ-UBTVQH15, in force
    01/07/2025): its links say which units went into which. `key` is the import file's event key,
    so that importing the same file again changes nothing."""

    key = models.CharField("mã sự kiện", max_length=64, unique=True)
    effective_date = models.DateField("ngày có hiệu lực")
    legal_basis = models.CharField("căn cứ pháp lý", max_length=255)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện sắp xếp đơn vị"
        verbose_name_plural = "sự kiện sắp xếp đơn vị"
        ordering = ["effective_date", "key"]

    def __str__(self):
        return f"{self.legal_basis} (hiệu lực {self.effective_date:%d/%m/%Y})"


class LineageLink(models.Model):
    """Predecessor → successor. A merge, split, rename or dissolution closes the predecessor the
    day before the event; a transfer of part of a unit leaves it running. A split is one event
    whose links from the same predecessor are each partial ("một phần")."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Sáp nhập"
        SPLIT = "split", "Chia tách (một phần)"
        RENAME = "rename", "Đổi tên"
        TRANSFER = "transfer", "Điều chuyển một phần"
        DISSOLVE = "dissolve", "Giải thể"

    CLOSING = (Kind.MERGE, Kind.SPLIT, Kind.RENAME, Kind.DISSOLVE)
    PARTIAL = (Kind.SPLIT, Kind.TRANSFER)

    event = models.ForeignKey(Reorganisation, verbose_name="sự kiện", on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    predecessor = models.ForeignKey(Unit, verbose_name="đơn vị trước", on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(
        Unit, verbose_name="đơn vị sau", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessor_links"
    )

    class Meta:
        verbose_name = "quan hệ kế thừa"
        verbose_name_plural = "quan hệ kế thừa"
        ordering = ["event__effective_date", "event__key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="lineage_link_once"),
            models.CheckConstraint(condition=~Q(successor=models.F("predecessor")), name="lineage_link_not_self"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor or '—'} ({self.get_kind_display()})"

    @property
    def partial(self) -> bool:
        return self.kind in self.PARTIAL

    @property
    def closes_predecessor(self) -> bool:
        return self.kind in self.CLOSING


class UnitHeadQuerySet(models.QuerySet):
    def serving_in_year(self, year: int):
        """Heads who served at any time during `year` (the head rated for that year's index)."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=end)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )

    def current_or_open(self, last_day: datetime.date):
        """Heads whose term is open-ended and began by `last_day`: those whose term a unit's
        closing after `last_day` ends."""
        return self.filter(end_date__isnull=True).filter(Q(start_date__isnull=True) | Q(start_date__lte=last_day))

    def current(self):
        today = datetime.date.today()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=today)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )


class UnitHead(models.Model):
    """Người đứng đầu: who headed the unit and when, so that the head rated for a year is known
    even after they moved on."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="heads")
    full_name = models.CharField("họ và tên", max_length=150)
    title = models.CharField("chức vụ", max_length=150, blank=True)
    start_date = models.DateField("từ ngày", null=True, blank=True)
    end_date = models.DateField("đến ngày", null=True, blank=True)

    objects = UnitHeadQuerySet.as_manager()

    class Meta:
        verbose_name = "người đứng đầu"
        verbose_name_plural = "người đứng đầu"
        ordering = ["unit", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="unit_head_dates_in_order",
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.title})" if self.title else self.full_name


class User(AbstractUser):
    """A person using the app. Everyone but the province's own staff belongs to one unit, and
    that unit is the limit of what they may see and change."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    title = models.CharField("chức vụ", max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị công tác",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self):
        return self.full_name or self.get_username()
