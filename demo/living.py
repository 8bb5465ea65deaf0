"""The living part of the demo: dated from the day it is loaded.

``load_living_demo(today=...)`` builds, for thành phố Đà Nẵng as it is since
1 July 2025 (the demo leader's, inspector's and officer's province), what an
office would see on ``today``:

- this year's inspection plan under way: two conclusions issued, one
  inspection in progress with its draft notice awaiting issue and
  signature, one planned; its tasks: a few due this week, a few overdue by
  days, one accepted, one reported and awaiting review, one returned;
- last year's plan closed, its remediation accepted but for one task
  returned with a new deadline;
- indicator tables of the province's units over the last years (before
  1 July 2025, those of the old Quảng Nam units that Đà Nẵng took over),
  and this year's table in draft;
- the seed conclusions (2019 at huyện Duy Xuyên, 2023 at Hương Sơn)
  remediated when the demo says, so no task is years overdue.

Every record is dated when the demo says it happened, its history entries
(django-simple-history's ``history_date``) and ``created_at`` included. Loading
again on the same day changes nothing; on another day it moves the dates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from cchc.choices import UnitKind
from cchc.models import ReformArea, Unit, User
from cchc.reference import FixtureError, LoadResult, differs
from indicators.catalogue import catalogue_load
from indicators.choices import TableStatus, ValueKind
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from inspections.choices import (
    FindingKind,
    InspectionStatus,
    ItemProgress,
    RemediationReportStatus,
    ReviewDecision,
    TaskStatus,
    TeamRole,
)
from inspections.drafting import notice_draft
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationReport,
    RemediationReportItem,
    RemediationTask,
    TeamMember,
)

#: Units by official code: thành phố Đà Nẵng and four of its communes
#: (formed on 1/7/2025 from huyện Duy Xuyên's), and one more for the plan.
DA_NANG = "48"
DUY_XUYEN = "20623"
NAM_PHUOC = "20599"
THU_BON = "20611"
DUY_NGHIA = "20635"
PHU_THUAN = "20542"
#: The old Quảng Nam units whose tables the trend shows before 1/7/2025.
OLD_DUY_XUYEN = "508"
OLD_COMMUNES = ("20599", "20623", "20611")  # former codes: Nam Phước, Duy Trung, Duy Hòa
#: The earliest day the living part can be dated from: last year's plan is
#: Đà Nẵng's as it is today, which began on 1/7/2025.
EARLIEST = datetime.date(2026, 1, 1)
AREA = "2021-2030-"


class LivingDemoError(FixtureError):
    pass


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Living:
    def __init__(self, today: datetime.date, result: LoadResult):
        if today < EARLIEST:
            raise LivingDemoError(
                f"Dữ liệu mẫu theo ngày chỉ dựng được từ {EARLIEST:%d/%m/%Y} (ngày {today:%d/%m/%Y} đã cho)."
            )
        self.today = today
        self.year = today.year
        self.result = result
        # Early in the year this year's steps are pressed closer together,
        # so they stay after the plan and before today.
        self.scale = min(1.0, max(0.25, ((today - datetime.date(today.year, 1, 1)).days + 20) / 170))
        self.users = {
            user.username: user for user in User.objects.filter(username__in=["inspector", "officer"])
        }
        self.areas = {area.code.removeprefix(AREA): area for area in ReformArea.objects.all()}

    # --- helpers -----------------------------------------------------------

    def ago(self, days: int) -> datetime.date:
        """``days`` before today, pressed early in the year (see ``scale``)."""
        return self.today - datetime.timedelta(days=round(days * self.scale))

    def days(self, n: int) -> datetime.date:
        """Exactly ``n`` days from today (negative: before)."""
        return self.today + datetime.timedelta(days=n)

    def unit(self, code: str, *, former: bool = False) -> Unit:
        lookup = {"former_code": code} if former else {"code": code}
        try:
            return Unit.objects.get(**lookup)
        except Unit.DoesNotExist:
            raise LivingDemoError(f"Thiếu đơn vị mã {code}: hãy nạp danh mục đơn vị trước.") from None

    def save(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        when: datetime.datetime,
    ) -> models.Model:
        """Create or bring a row to ``values``, its history entry and its
        ``created_at`` dated ``when``; an unchanged row is left alone."""
        try:
            instance = model._default_manager.get(**lookup)
        except model.DoesNotExist:
            instance = model(**lookup, **values)
            created = True
        else:
            if not any(differs(instance, name, value) for name, value in values.items()):
                self.result.record(model, "unchanged")
                return instance
            for name, value in values.items():
                setattr(instance, name, value)
            created = False
        instance._history_date = when
        instance.full_clean()
        instance.save()
        if created and hasattr(instance, "created_at"):
            model._default_manager.filter(pk=instance.pk).update(created_at=when, updated_at=when)
        self.result.record(model, "created" if created else "updated")
        return instance

    # --- inspections ---------------------------------------------------------

    def plan(
        self, *, year, number, issued_on, units, team_number, team_date
    ) -> tuple[InspectionPlan, InspectionTeam]:
        da_nang = self.unit(DA_NANG)
        plan = self.save(
            InspectionPlan,
            {"issuer": da_nang, "year": year, "number": number},
            {
                "issued_on": issued_on,
                "title": f"Kế hoạch kiểm tra công tác cải cách hành chính năm {year}",
                "created_by": self.users["inspector"],
            },
            at(issued_on, 8),
        )
        if set(plan.planned_units.all()) != set(units):
            plan.planned_units.set(units)
        team = self.save(
            InspectionTeam,
            {"plan": plan, "decision_number": team_number},
            {
                "name": f"Đoàn kiểm tra công tác cải cách hành chính năm {year}",
                "decision_date": team_date,
                "decision_issuer": da_nang,
                "document_symbol": "ĐKT",
            },
            at(team_date, 8),
        )
        for order, (name, position, role) in enumerate(
            [
                ("Trần Thị Thu Hà", "Phó Giám đốc Sở Nội vụ", TeamRole.HEAD),
                ("Lê Văn Thành", "Trưởng phòng Cải cách hành chính, Sở Nội vụ", TeamRole.DEPUTY),
                ("Phan Thị Ngọc Anh", "Chuyên viên Sở Nội vụ", TeamRole.SECRETARY),
            ],
            start=1,
        ):
            self.save(
                TeamMember,
                {"team": team, "full_name": name},
                {"position": position, "organisation": da_nang, "role": role, "order": order},
                at(team_date, 8),
            )
        return plan, team

    def inspection(self, plan, team, unit, *, inspected_on, status, issued=None, closed=None, points):
        inspection = self.save(
            Inspection,
            {"plan": plan, "unit": unit},
            {
                "team": team,
                "inspected_on": inspected_on,
                "status": status,
                "notice_issued_at": issued,
                "closed_at": closed,
                "introduction": (
                    f"Thực hiện Kế hoạch số {plan.number} ngày {plan.issued_on:%d/%m/%Y} của UBND thành phố "
                    f"Đà Nẵng, ngày {inspected_on:%d/%m/%Y} Đoàn kiểm tra đã kiểm tra công tác cải cách "
                    f"hành chính năm {plan.year} tại {unit.short_name}."
                ),
                "created_by": self.users["inspector"],
            },
            at(inspected_on, 8),
        )
        written = at(inspected_on, 16)
        positions = dict.fromkeys(FindingKind.values, 0)
        for kind, area, text, task in points:
            positions[kind] += 1
            finding = self.save(
                Finding,
                {"inspection": inspection, "kind": kind, "position": positions[kind]},
                {"reform_area": self.areas[area], "text": text, "created_by": self.users["inspector"]},
                written,
            )
            if task is not None:
                self.task(inspection, finding, **task)
        return inspection

    def task(
        self,
        inspection,
        finding,
        *,
        deadline,
        status=TaskStatus.OPEN,
        reported=None,
        reviewed=None,
        extended=None,
    ):
        """A task born when the conclusion was issued, then reported
        (``reported``: the day) and reviewed (``reviewed``: the day, the
        decision following ``status``; ``extended``: the new deadline given
        with a return)."""
        deadline = max(deadline, inspection.inspected_on)
        born = inspection.notice_issued_at
        values = {
            "inspection": inspection,
            "responsible_unit": inspection.unit,
            "reform_area": finding.reform_area,
            "description": finding.text,
            "deadline": deadline,
        }
        task = RemediationTask.objects.filter(finding=finding).first()
        if task is None:
            task = self.save(
                RemediationTask, {"finding": finding}, {**values, "status": TaskStatus.OPEN}, born
            )
        elif task.report_items.exclude(report__summary=_SUMMARY).exists():
            # Someone reported on it in the app since: theirs, left alone.
            self.result.record(RemediationTask, "unchanged")
            return task
        if reported is None:
            self.save(
                RemediationTask, {"pk": task.pk}, {**values, "status": status, "accepted_at": None}, born
            )
            return task
        report = self.report(inspection, reported)
        decision = {
            TaskStatus.ACCEPTED: ReviewDecision.ACCEPTED,
            TaskStatus.RETURNED: ReviewDecision.RETURNED,
        }.get(status, ReviewDecision.PENDING)
        reviewed_at = at(reviewed, 14) if reviewed and decision != ReviewDecision.PENDING else None
        item = RemediationReportItem.objects.filter(report=report, task=task).first()
        sent = {"progress": ItemProgress.DONE, "explanation": _EXPLANATION}
        if item is None:
            self.save(RemediationReportItem, {"report": report, "task": task}, sent, report.submitted_at)
            self.save(
                RemediationTask,
                {"pk": task.pk},
                {**values, "status": TaskStatus.REPORTED},
                report.submitted_at,
            )
        self.save(
            RemediationReportItem,
            {"report": report, "task": task},
            {
                **sent,
                "decision": decision,
                "review_reason": _RETURN_REASON if decision == ReviewDecision.RETURNED else "",
                "reviewed_by": self.users["inspector"] if reviewed_at else None,
                "reviewed_at": reviewed_at,
            },
            reviewed_at or report.submitted_at,
        )
        self.save(
            RemediationTask,
            {"pk": task.pk},
            {
                **values,
                "deadline": extended or deadline,
                "status": status,
                "accepted_at": reviewed_at if status == TaskStatus.ACCEPTED else None,
            },
            reviewed_at or report.submitted_at,
        )
        return task

    def report(self, inspection, day: datetime.date) -> RemediationReport:
        """The unit's report (sent on ``day``); its review state is
        ``reviewed``'s to set."""
        submitted = at(day, 10)
        lookup = {"inspection": inspection, "unit": inspection.unit, "revision": 1}
        values = {
            "document_number": f"{(inspection.pk * 7) % 90 + 10}/BC-UBND",
            "document_date": day,
            "summary": _SUMMARY,
            "submitted_at": submitted,
            "submitted_by": self.users["officer"] if inspection.unit.code == DUY_XUYEN else None,
        }
        if not RemediationReport.objects.filter(**lookup).exists():
            values["status"] = RemediationReportStatus.SUBMITTED
        return self.save(RemediationReport, lookup, values, submitted)

    def reviewed(self, inspection) -> None:
        """Mark the inspection's report reviewed once no item waits."""
        for report in inspection.reports.all():
            items = list(report.items.all())
            if items and all(item.decision != ReviewDecision.PENDING for item in items):
                last = max(item.reviewed_at for item in items)
                late = any(report.submitted_at.date() > item.task.deadline for item in items)
                self.save(
                    RemediationReport,
                    {"pk": report.pk},
                    {"status": RemediationReportStatus.REVIEWED, "is_late": late},
                    last,
                )
            elif items:
                late = any(report.submitted_at.date() > item.task.deadline for item in items)
                self.save(RemediationReport, {"pk": report.pk}, {"is_late": late}, report.submitted_at)

    # --- the two plans --------------------------------------------------------

    def this_year(self) -> None:
        duy_xuyen, nam_phuoc = self.unit(DUY_XUYEN), self.unit(NAM_PHUOC)
        duy_nghia, thu_bon, phu_thuan = self.unit(DUY_NGHIA), self.unit(THU_BON), self.unit(PHU_THUAN)
        issued_on = self.ago(150)
        plan, team = self.plan(
            year=self.year,
            number="35/KH-UBND",
            issued_on=issued_on,
            units=[duy_xuyen, nam_phuoc, duy_nghia, thu_bon, phu_thuan],
            team_number="512/QĐ-UBND",
            team_date=self.ago(140),
        )
        # xã Duy Xuyên (the demo officer's): concluded, four tasks to do,
        # two due this week and two overdue by days.
        inspected = self.ago(100)
        inspection = self.inspection(
            plan,
            team,
            duy_xuyen,
            inspected_on=inspected,
            status=InspectionStatus.CONCLUDED,
            issued=at(self.ago(85), 15),
            points=[
                (FindingKind.ACHIEVEMENT, "chi-dao-dieu-hanh", _DX[0], None),
                (FindingKind.ACHIEVEMENT, "thu-tuc-hanh-chinh", _DX[1], None),
                (FindingKind.SHORTCOMING, "thu-tuc-hanh-chinh", _DX[2], None),
                (FindingKind.SHORTCOMING, "chinh-phu-so", _DX[3], None),
                (FindingKind.RECOMMENDATION, "thu-tuc-hanh-chinh", _DX[4], {"deadline": self.days(3)}),
                (FindingKind.RECOMMENDATION, "chinh-phu-so", _DX[5], {"deadline": self.days(6)}),
                (FindingKind.RECOMMENDATION, "che-do-cong-vu", _DX[6], {"deadline": self.days(-4)}),
                (FindingKind.RECOMMENDATION, "the-che", _DX[7], {"deadline": self.days(-9)}),
            ],
        )
        # xã Nam Phước: one task accepted, one reported and awaiting
        # review, one returned with a new deadline, one overdue.
        issued = self.ago(56)
        inspection = self.inspection(
            plan,
            team,
            nam_phuoc,
            inspected_on=self.ago(70),
            status=InspectionStatus.CONCLUDED,
            issued=at(issued, 15),
            points=[
                (FindingKind.ACHIEVEMENT, "to-chuc-bo-may", _NP[0], None),
                (FindingKind.SHORTCOMING, "thu-tuc-hanh-chinh", _NP[1], None),
                (
                    FindingKind.RECOMMENDATION,
                    "thu-tuc-hanh-chinh",
                    _NP[2],
                    {
                        "deadline": self.ago(20),
                        "status": TaskStatus.ACCEPTED,
                        "reported": self.ago(25),
                        "reviewed": self.ago(18),
                    },
                ),
                (
                    FindingKind.RECOMMENDATION,
                    "tai-chinh-cong",
                    _NP[3],
                    {"deadline": self.days(5), "status": TaskStatus.REPORTED, "reported": self.ago(25)},
                ),
                (
                    FindingKind.RECOMMENDATION,
                    "chinh-phu-so",
                    _NP[4],
                    {
                        "deadline": self.days(10),
                        "status": TaskStatus.RETURNED,
                        "reported": self.ago(25),
                        "reviewed": self.ago(18),
                    },
                ),
                (FindingKind.RECOMMENDATION, "che-do-cong-vu", _NP[5], {"deadline": self.days(-12)}),
            ],
        )
        self.reviewed(inspection)
        # xã Duy Nghĩa: inspected, the conclusion drafted and its notice
        # waiting to be issued and signed.
        inspection = self.inspection(
            plan,
            team,
            duy_nghia,
            inspected_on=self.ago(30),
            status=InspectionStatus.IN_PROGRESS,
            points=[
                (FindingKind.ACHIEVEMENT, "chi-dao-dieu-hanh", _DN[0], None),
                (FindingKind.SHORTCOMING, "chinh-phu-so", _DN[1], None),
                (FindingKind.RECOMMENDATION, "chinh-phu-so", _DN[2], None),
            ],
        )
        draft = notice_draft(inspection=inspection, user=self.users["inspector"])
        when = at(self.ago(12), 10)
        # Drafted when the demo says; what was done to it in the app since
        # keeps its own dates.
        type(draft)._default_manager.filter(pk=draft.pk, created_at__gt=when).update(created_at=when)
        draft.history.filter(history_type="+", history_date__gt=when).update(history_date=when)
        # xã Thu Bồn: planned, in a few days.
        self.save(
            Inspection,
            {"plan": plan, "unit": thu_bon},
            {
                "team": team,
                "inspected_on": self.days(12),
                "status": InspectionStatus.PLANNED,
                "notice_issued_at": None,
                "closed_at": None,
                "introduction": "",
                "created_by": self.users["inspector"],
            },
            at(issued_on, 8),
        )

    def last_year(self) -> None:
        year = self.year - 1
        start = max(datetime.date(year, 3, 1), datetime.date(2025, 7, 15))

        def on(days: int) -> datetime.date:
            return start + datetime.timedelta(days=days)

        duy_xuyen, nam_phuoc, thu_bon = self.unit(DUY_XUYEN), self.unit(NAM_PHUOC), self.unit(THU_BON)
        plan, team = self.plan(
            year=year,
            number="28/KH-UBND",
            issued_on=start,
            units=[duy_xuyen, nam_phuoc, thu_bon],
            team_number="1090/QĐ-UBND",
            team_date=on(10),
        )
        cases = [
            (duy_xuyen, on(35), _LY_DX, None),
            (nam_phuoc, on(42), _LY_NP, 1),  # the second task returned, with a new deadline
            (thu_bon, on(49), _LY_TB, None),
        ]
        for unit, inspected, texts, returned in cases:
            issued = inspected + datetime.timedelta(days=21)
            deadline = issued + datetime.timedelta(days=60)
            reported = deadline - datetime.timedelta(days=5)
            reviewed = deadline + datetime.timedelta(days=10)
            points = [(FindingKind.SHORTCOMING, "thu-tuc-hanh-chinh", texts[0], None)]
            for index, (area, text) in enumerate(texts[1:]):
                task = {
                    "deadline": deadline,
                    "status": TaskStatus.ACCEPTED,
                    "reported": reported,
                    "reviewed": reviewed,
                }
                if index == returned:
                    # Returned, with a new deadline next week.
                    task.update(status=TaskStatus.RETURNED, extended=self.days(7))
                points.append((FindingKind.RECOMMENDATION, area, text, task))
            closed = returned is None
            inspection = self.inspection(
                plan,
                team,
                unit,
                inspected_on=inspected,
                status=InspectionStatus.CLOSED if closed else InspectionStatus.CONCLUDED,
                issued=at(issued, 15),
                closed=at(reviewed, 14) if closed else None,
                points=points,
            )
            self.reviewed(inspection)

    # --- the seed conclusions, remediated ---------------------------------------

    def seeds(self) -> None:
        """The seed conclusions' tasks were reported and accepted soon after
        their deadlines, so none is years overdue."""
        for inspection in Inspection.objects.filter(
            plan__number__in=["2005/KH-UBND", "54/KH-UBND"], notice_issued_at__isnull=False
        ).prefetch_related("tasks__finding"):
            tasks = list(inspection.tasks.all())
            if not tasks or inspection.reports.exclude(summary=_SUMMARY).exists():
                continue  # nothing to remediate, or reported in the app: left as it is
            deadline = max(task.deadline for task in tasks)
            reported = deadline - datetime.timedelta(days=4)
            reviewed = deadline + datetime.timedelta(days=12)
            for task in tasks:
                self.task(
                    inspection,
                    task.finding,
                    deadline=task.deadline,
                    status=TaskStatus.ACCEPTED,
                    reported=reported,
                    reviewed=reviewed,
                )
            self.reviewed(inspection)
            self.save(
                Inspection,
                {"pk": inspection.pk},
                {"status": InspectionStatus.CLOSED, "closed_at": at(reviewed, 14)},
                at(reviewed, 14),
            )

    # --- indicator tables ------------------------------------------------------

    def tables(self) -> None:
        catalogue_load()
        indicators = {}
        for indicator in Indicator.objects.select_related("template"):
            indicators.setdefault((indicator.template.code, indicator.number), []).append(indicator)
        for year in range(self.year - 6, self.year + 1):
            if year >= 2025:
                units = [self.unit(code) for code in (DUY_XUYEN, NAM_PHUOC, THU_BON, DUY_NGHIA)]
                units.append(Unit.objects.get(parent__code=DA_NANG, document_symbol="SNV"))
            else:
                units = [self.unit(OLD_DUY_XUYEN, former=True)]
                units += [self.unit(code, former=True) for code in OLD_COMMUNES]
                units.append(Unit.objects.get(parent__former_code="49", document_symbol="SNV"))
            for unit in units:
                self.table(unit, year, indicators)

    def table(self, unit: Unit, year: int, indicators: dict) -> None:
        level = {UnitKind.COMMUNE: "3", UnitKind.DISTRICT: "2", UnitKind.DEPARTMENT: "1"}[unit.kind]
        size = {"3": 1, "2": 3, "1": 4}[level]
        if year == self.year:
            status, approved = TableStatus.DRAFT, None
            written = at(self.ago(10), 10)
        else:
            approved = at(min(datetime.date(year + 1, 2, 15), self.days(-1)), 9)
            status = TableStatus.APPROVED if year == self.year - 1 else TableStatus.LOCKED
            written = approved - datetime.timedelta(days=10)
        table = self.save(
            IndicatorTable,
            {"unit": unit, "year": year, "through": None},
            {
                "status": status,
                "submitted_at": None if approved is None else written,
                "approved_at": approved,
                "approved_by": self.users["inspector"] if approved else None,
                "locked_at": approved if status == TableStatus.LOCKED else None,
            },
            written,
        )
        progress = min(max(year - 2019, 0), 9)
        wobble = (unit.pk * 7 + year) % 5
        procedures = {"1": 170, "2": 240, "3": 105}[level] + wobble
        dossiers = (700 + 40 * wobble) * size
        figures = {
            ("PL03", f"1.{level}"): (procedures, None),
            ("PL03", f"5.{level}"): (
                round(dossiers * min(0.99, 0.9 + 0.01 * progress + 0.002 * wobble)),
                dossiers,
            ),
            ("PL07", "7"): (round(procedures * min(0.92, 0.2 + 0.08 * progress)), None),
            ("PL07", "10"): (round(dossiers * min(0.85, 0.08 + 0.08 * progress + 0.01 * wobble)), dossiers),
        }
        for (code, number), (value, denominator) in figures.items():
            candidates = [
                indicator
                for indicator in indicators.get((code, number), [])
                if indicator.template.valid_from_year <= year
                and (indicator.template.valid_to_year is None or indicator.template.valid_to_year >= year)
            ]
            if not candidates:
                continue
            indicator = max(candidates, key=lambda item: item.template.valid_from_year)
            if indicator.value_kind != ValueKind.FRACTION:
                denominator = None
            self.save(
                IndicatorValue,
                {"table": table, "indicator": indicator},
                {"number": value, "denominator": denominator, "updated_at": written},
                written,
            )


def load_living_demo(*, today: datetime.date | None = None, result: LoadResult | None = None) -> LoadResult:
    """The living part of the demo, dated from ``today`` (by default the
    day it runs). Call inside the demo's transaction, after the demo
    province (``demo.province.load_all_demo`` does)."""
    result = result if result is not None else LoadResult()
    living = _Living(today or timezone.localdate(), result)
    living.seeds()
    living.last_year()
    living.this_year()
    living.tables()
    return result


_EXPLANATION = "Đã tổ chức thực hiện; kèm theo tài liệu kiểm chứng."
#: The summary of the demo's own reports: a report without it was made in
#: the app, and the demo leaves what it concerns alone.
_SUMMARY = "Báo cáo kết quả khắc phục các tồn tại, hạn chế theo thông báo kết luận kiểm tra."
_RETURN_REASON = "Chưa có tài liệu kiểm chứng; đề nghị bổ sung kế hoạch và kết quả thực hiện cụ thể."

_DX = [
    "Ban hành kịp thời Kế hoạch cải cách hành chính năm của xã, phân công rõ trách nhiệm từng bộ phận.",
    "Bộ phận Một cửa bố trí đủ công chức; hồ sơ được tiếp nhận, giải quyết đúng quy trình.",
    "Một số thủ tục hành chính niêm yết tại Bộ phận Một cửa chưa được cập nhật theo quyết định công bố mới.",
    "Tỷ lệ hồ sơ nộp trực tuyến toàn trình còn thấp so với chỉ tiêu thành phố giao.",
    "Rà soát, cập nhật niêm yết đầy đủ thủ tục hành chính theo các quyết định công bố mới của thành phố.",
    "Hướng dẫn người dân nộp hồ sơ trực tuyến; bố trí máy tính hỗ trợ tại Bộ phận Một cửa.",
    "Xây dựng kế hoạch bồi dưỡng nghiệp vụ cho công chức sau sắp xếp đơn vị hành chính.",
    "Rà soát, sửa đổi quy chế làm việc của UBND xã cho phù hợp với tổ chức bộ máy mới.",
]
_NP = [
    "Sắp xếp tổ chức bộ máy sau ngày 01/7/2025 bảo đảm hoạt động thông suốt, không gián đoạn.",
    "Còn hồ sơ giải quyết quá hạn nhưng chưa có văn bản xin lỗi người dân theo quy định.",
    "Thực hiện văn bản xin lỗi đối với các hồ sơ giải quyết quá hạn.",
    "Công khai dự toán, quyết toán ngân sách xã theo đúng quy định.",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo lộ trình.",
    "Bố trí công chức theo dõi công tác cải cách hành chính và báo cáo định kỳ đúng hạn.",
]
_DN = [
    "Triển khai đầy đủ các nhiệm vụ cải cách hành chính theo kế hoạch của thành phố.",
    "Hệ thống thông tin giải quyết thủ tục hành chính chưa được khai thác đầy đủ.",
    "Khai thác đầy đủ hệ thống thông tin giải quyết thủ tục hành chính; theo dõi hồ sơ trên hệ thống.",
]
_LY_DX = [
    "Việc tiếp nhận hồ sơ trong thời gian chuyển đổi đơn vị hành chính còn lúng túng.",
    ("thu-tuc-hanh-chinh", "Hoàn thiện quy trình tiếp nhận, trả kết quả tại Bộ phận Một cửa của xã mới."),
    ("che-do-cong-vu", "Phân công lại nhiệm vụ công chức sau sắp xếp, ban hành quyết định phân công."),
]
_LY_NP = [
    "Chưa cập nhật đầy đủ danh mục thủ tục hành chính sau sắp xếp.",
    ("thu-tuc-hanh-chinh", "Cập nhật danh mục thủ tục hành chính cấp xã và niêm yết công khai."),
    ("chinh-phu-so", "Kích hoạt tài khoản định danh điện tử cho công chức Bộ phận Một cửa."),
]
_LY_TB = [
    "Việc lưu trữ hồ sơ của các xã cũ chưa được bàn giao đầy đủ.",
    ("to-chuc-bo-may", "Hoàn thành bàn giao hồ sơ, tài liệu lưu trữ của các xã cũ."),
]


def redate_history(since: datetime.datetime) -> None:
    """History entries and ``created_at`` that a load wrote at load time
    (the seed conclusions' findings and tasks, loaded by
    ``demo.province``) take the day the demo says they were written: a
    finding the day of its inspection, a task the day its conclusion was
    issued."""
    inspections = {}

    def moment(inspection_id: int) -> datetime.datetime:
        if inspection_id not in inspections:
            inspection = Inspection.objects.get(pk=inspection_id)
            inspections[inspection_id] = (at(inspection.inspected_on, 16), inspection.notice_issued_at)
        return inspections[inspection_id]

    for row in Finding.history.filter(history_date__gte=since):
        written, _issued = moment(row.inspection_id)
        Finding.history.filter(pk=row.pk).update(history_date=written)
        Finding.objects.filter(pk=row.id, created_at__gte=since).update(
            created_at=written, updated_at=written
        )
    for row in RemediationTask.history.filter(history_date__gte=since, inspection_id__isnull=False):
        written, issued = moment(row.inspection_id)
        when = issued or written
        RemediationTask.history.filter(pk=row.pk).update(history_date=when)
        RemediationTask.objects.filter(pk=row.id, created_at__gte=since).update(
            created_at=when, updated_at=when
        )
