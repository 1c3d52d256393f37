"""The four standard blocks and the five roles. Staff can add blocks later in the app."""

from django.db import migrations

BLOCKS = [
    ("so-nganh", "Khối Sở, ban, ngành cấp tỉnh", 1),
    ("ubnd-huyen", "Khối UBND huyện, thị xã, thành phố", 2),
    ("ubnd-xa", "Khối UBND xã, phường, thị trấn", 3),
    ("co-quan-tw", "Khối cơ quan Trung ương đóng trên địa bàn", 4),
]
ROLES = ["sonv_staff", "council_member", "unit_editor", "inspector", "leader"]


def create(apps, schema_editor):
    Block = apps.get_model("units", "Block")
    Group = apps.get_model("auth", "Group")
    for code, name, order in BLOCKS:
        Block.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
