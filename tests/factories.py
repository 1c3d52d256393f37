import datetime

import factory
from django.contrib.auth.models import Group

from units import roles
from units.models import Block, Unit, UnitHead, User


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"khoi-{n}")
    name = factory.Sequence(lambda n: f"Khối thử nghiệm {n}")
    order = factory.Sequence(lambda n: 10 + n)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True  # the roster hook below changes nothing on the unit

    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    block = factory.LazyFunction(lambda: Block.objects.get(code="so-nganh"))

    @factory.post_generation
    def roster(self, create, extracted, **kwargs):
        """A unit a test makes joins, in its block, the roster of every period not yet approved
        that it exists in (as staff would add it); `UnitFactory(roster=False)` keeps it off.
        Its assessment is still made by the period's opening or `assessments_create_missing`."""
        if not create or extracted is False or not self.active:
            return
        from scoring.models import Period, Phase, RosterEntry

        for period in Period.objects.exclude(phase=Phase.APPROVED):
            if self.existed_on(datetime.date(period.year, 12, 31)):
                RosterEntry.objects.get_or_create(period=period, unit=self, defaults={"block": self.block})


class UnitHeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitHead

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    title = "Giám đốc"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def make_user(role: str | None = None, unit: Unit | None = None, **fields) -> User:
    return UserFactory(role=role, unit=unit, **fields)


__all__ = ["BlockFactory", "UnitFactory", "UnitHeadFactory", "UserFactory", "make_user", "roles"]
