import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from .text import fold


class Block(models.Model):
    """A khối: units ranked against each other. Blocks are data, not code: after the 2025
    reform a province ranks different blocks than before, and earlier years keep theirs."""

    code = models.SlugField("mã khối", max_length=32, unique=True)
    name = models.CharField("tên khối", max_length=200)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang sử dụng", default=True)

    class Meta:
        verbose_name = "khối"
        verbose_name_plural = "khối"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit that is scored: a sở/ban/ngành, a UBND huyện or xã, a central agency."""

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
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    website = models.URLField("cổng thông tin", blank=True)
    # Accent-free, lower-case copy of name/short name/code: "thach ha" must find "Thạch Hà"
    # on SQLite as on PostgreSQL, without the unaccent extension.
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["block__order", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
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


class UnitHeadQuerySet(models.QuerySet):
    def serving_in_year(self, year: int):
        """Heads who served at any time during `year` (the head rated for that year's index)."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=end)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )

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
