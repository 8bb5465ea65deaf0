import datetime

import factory
from django.db.models import Max
from django.utils import timezone

from cchc.choices import Role, UnitKind
from cchc.models import Membership, ReformArea, Unit, User
from inspections.choices import FindingKind, InspectionStatus, TaskStatus, TeamRole
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationTask,
    TeamMember,
)

PASSWORD = "Kiem-tra-CCHC-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@quangnam.gov.vn")
    password = factory.django.Password(PASSWORD)
    is_active = True


# A plain save computes ``path`` from the parent's, so units need no help.
class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Cơ quan số {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = UnitKind.OFFICE
    code = factory.Sequence(lambda n: f"T{n:05d}")
    parent = None

    class Params:
        province = factory.Trait(
            kind=UnitKind.PROVINCE,
            name=factory.Sequence(lambda n: f"Ủy ban nhân dân tỉnh số {n}"),
            short_name=factory.LazyAttribute(lambda o: o.name.replace("Ủy ban nhân dân", "UBND")),
            document_symbol="UBND",
            place_name="Quảng Nam",
        )
        department = factory.Trait(
            kind=UnitKind.DEPARTMENT,
            name=factory.Sequence(lambda n: f"Sở ngành số {n}"),
            parent=factory.SubFactory("tests.factories.UnitFactory", province=True),
        )
        district = factory.Trait(
            kind=UnitKind.DISTRICT,
            name=factory.Sequence(lambda n: f"Ủy ban nhân dân huyện số {n}"),
            parent=factory.SubFactory("tests.factories.UnitFactory", province=True),
        )
        commune = factory.Trait(
            kind=UnitKind.COMMUNE,
            name=factory.Sequence(lambda n: f"Ủy ban nhân dân xã số {n}"),
            parent=factory.SubFactory("tests.factories.UnitFactory", district=True),
        )
        ended = factory.Trait(
            valid_from=datetime.date(1999, 1, 1),
            valid_to=datetime.date(2025, 6, 30),
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory, province=True)
    role = Role.INSPECTOR
    valid_from = datetime.date(2020, 1, 1)


class ReformAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực cải cách số {n}")
    position = factory.Sequence(lambda n: n)
    valid_from_year = 2021
    valid_to_year = 2030
    programme = "Chương trình tổng thể CCHC nhà nước giai đoạn 2021 - 2030"


class InspectionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPlan
        skip_postgeneration_save = True

    year = 2024
    number = factory.Sequence(lambda n: f"{1000 + n}/KH-UBND")
    issued_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 4, 16))
    issuer = factory.SubFactory(UnitFactory, province=True)
    title = factory.LazyAttribute(lambda o: f"Kế hoạch kiểm tra công tác cải cách hành chính năm {o.year}")

    @factory.post_generation
    def planned_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.planned_units.add(*extracted)


class InspectionTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionTeam

    plan = factory.SubFactory(InspectionPlanFactory)
    name = factory.Sequence(lambda n: f"Đoàn kiểm tra CCHC số {n}")
    decision_number = factory.Sequence(lambda n: f"{1400 + n}/QĐ-UBND")
    decision_date = factory.LazyAttribute(lambda o: o.plan.issued_on + datetime.timedelta(days=30))
    decision_issuer = factory.SelfAttribute("plan.issuer")
    document_symbol = "ĐKT"


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(InspectionTeamFactory)
    full_name = factory.Faker("name", locale="vi_VN")
    position = "Phó Giám đốc Sở Nội vụ"
    role = TeamRole.MEMBER
    order = factory.Sequence(lambda n: n)


# The unit is added to the plan's planned units, as ``inspection_create``
# requires, so factory data passes the services' validation.
class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    plan = factory.SubFactory(InspectionPlanFactory)
    team = None
    unit = factory.SubFactory(UnitFactory, district=True)
    inspected_on = factory.LazyAttribute(lambda o: o.plan.issued_on + datetime.timedelta(days=60))
    status = InspectionStatus.IN_PROGRESS
    introduction = "Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính, Đoàn kiểm tra đã làm việc."

    class Params:
        issued = factory.Trait(
            status=InspectionStatus.CONCLUDED,
            notice_issued_at=factory.LazyAttribute(
                lambda o: timezone.make_aware(
                    datetime.datetime.combine(o.inspected_on + datetime.timedelta(days=20), datetime.time(9))
                )
            ),
        )

    @factory.post_generation
    def add_unit_to_plan(self, create, extracted, **kwargs):
        if create:
            self.plan.planned_units.add(self.unit)


def _next_position(finding) -> int:
    last = Finding.objects.filter(inspection=finding.inspection, kind=finding.kind).aggregate(
        last=Max("position")
    )["last"]
    return (last or 0) + 1


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    kind = FindingKind.SHORTCOMING
    reform_area = factory.SubFactory(ReformAreaFactory)
    text = factory.Sequence(lambda n: f"Nội dung kết luận số {n}.")
    position = factory.LazyAttribute(_next_position)

    class Params:
        achievement = factory.Trait(kind=FindingKind.ACHIEVEMENT)
        recommendation = factory.Trait(kind=FindingKind.RECOMMENDATION)


class RemediationTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationTask

    inspection = factory.SubFactory(InspectionFactory, issued=True)
    responsible_unit = factory.SelfAttribute("inspection.unit")
    description = factory.Sequence(lambda n: f"Khắc phục tồn tại số {n}, báo cáo kết quả về Sở Nội vụ.")
    deadline = factory.LazyAttribute(lambda o: o.inspection.inspected_on + datetime.timedelta(days=90))
    status = TaskStatus.OPEN

    class Params:
        reported = factory.Trait(status=TaskStatus.REPORTED)
        returned = factory.Trait(status=TaskStatus.RETURNED)
        accepted = factory.Trait(status=TaskStatus.ACCEPTED, accepted_at=factory.LazyFunction(timezone.now))
