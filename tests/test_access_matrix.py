"""The access matrix: every named URL of the project, and for each who may
use it (NetBox's "every view with and without permission", over the whole
URL map).

Each URL name has a row in ``ROWS`` (the job pages one per job kind, keyed
"<url name> <kind>" with ``pattern`` naming the URL):

- anonymous: redirected to the login page, or the page is public;
- wrong role: a user in scope whose role may not use the view gets 403
  (``every_role`` says why there is none);
- out of scope: a user of the other province with the right role gets 404
  on a real object of province A (with its file, where the URL serves
  files); on a page without an object, the object is absent from it;
- allowed: the right user gets the view's success status, and the answer
  (body, file bytes or redirect) carries a marker of the right object
  (and, where the answer alone proves little, ``done`` checks the work);
- forbidden POSTs (anonymous, wrong role, out of scope): the database and
  the stored files are exactly as before.

A URL without a row fails ``test_every_named_url_has_a_row``, so a new
view cannot ship without its rows. The world is built once per module
(``tests/access_world.py``) and every test runs in a transaction rolled
back after it."""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cchc.models import Job
from indicators.choices import ImportStatus
from indicators.models import IndicatorImport
from par.choices import ScorecardStatus
from par.models import Evidence as ParEvidence
from par.models import ItemScore, Scorecard
from tests.access_world import (
    EVIDENCE_PDF,
    EXPORT_XLSX,
    HANDOUT_PDF,
    ISSUED_PDF,
    PAR_EVIDENCE_PDF,
    build_world,
)
from tests.conftest import UploadFiles

# --- the URL map ------------------------------------------------------------------

# Left out of the matrix, and why:
# - ``admin:*``: Django's admin has its own gate (is_staff and model
#   permissions), tested by Django; none of the app's scoping applies there.
# - ``set_language``: the language menu (Django's i18n view, and the choice kept
#   on a signed-in user: tests/cchc/test_language.py), public by design; it only sets
#   the language cookie and redirects to a safe URL.
# - static and media serving: not in the URL map outside DEBUG; media are
#   never served directly (files go through the scoped views in the matrix).
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}


def url_names(patterns=None, namespace="") -> set[str]:
    """Every named pattern under ``patterns`` as "namespace:name",
    recursing into includes."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in EXCLUDED_NAMES:
            names.add(f"{namespace}{pattern.name}")
    return names


def url_name(key: str) -> str:
    return ROWS[key].pattern or key


def names_without_rows() -> set[str]:
    return url_names() - {url_name(key) for key in ROWS}


# --- the rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One request: who, how, and what the answer must be."""

    user: str | None
    method: str = "get"
    data: Callable | None = None
    query: Callable | str = ""
    status: int = 200
    # In the body (or the file's bytes), or in the Location of a redirect.
    marker: Callable | None = None
    # Must NOT be in the body: the object of province A on a page of B.
    absent: Callable | None = None
    htmx: bool = False
    # Another object than the row's (e.g. a draft where the row has an issued one).
    kwargs: Callable | None = None
    # After an allowed POST whose answer alone proves little: true if the work was done.
    done: Callable | None = None


@dataclass(frozen=True)
class Row:
    allowed: Ask
    kwargs: Callable = field(default=lambda w: {})
    public: str = ""
    wrong_role: Ask | None = None
    every_role: str = ""
    out_of_scope: Ask | None = None
    posts: bool = False
    xfail: str = ""
    # The URL name, when the row's key is not one (a second row of a URL).
    pattern: str = ""


def forbidden(user, **kwargs) -> Ask:
    return Ask(user, status=403, **kwargs)


def outside(user, **kwargs) -> Ask:
    return Ask(user, status=404, **kwargs)


def pk(key):
    return lambda w: {"pk": getattr(w, key).pk}


def pk_of(path):
    return lambda w: {"pk": dotted(path)(w).pk}


def dotted(path):
    def get(w):
        value = w
        for part in path.split("."):
            value = getattr(value, part)
        return value

    return get


def text(path):
    return lambda w: str(dotted(path)(w))


def url(name, key):
    return lambda w: reverse(name, args=[dotted(key)(w).pk])


def set_password_link(user, token=None) -> dict:
    """The arguments of a new user's one-time link to set a password (the
    token from the user as stored: logins of earlier tests, rolled back,
    may have changed the world's copy of ``last_login``)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = type(user).objects.get(pk=user.pk)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }


def people_workbook(unit_code: str):
    """A one-row people sheet giving a new officer to the unit ``unit_code``."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Người dùng"
    sheet.append(["Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Từ ngày"])
    sheet.append(["Nguyễn Ma Trận", "ma.tran@example.gov.vn", unit_code, "Cán bộ đơn vị", "01/07/2025"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "nguoi-dung.xlsx"
    return {"file": data}


def _par_set_named(name) -> bool:
    from par.models import CriteriaSet

    return CriteriaSet.objects.filter(name=name).exists()


def par_set_workbook(w):
    """The world's set as exported: read back into the draft."""
    import io

    from par.services import criteria_set_workbook

    data = io.BytesIO(criteria_set_workbook(w.par_set.criteria_set))
    data.name = "bo-tieu-chi.xlsx"
    return {"file": data}


def par_survey_workbook(w):
    """Survey points of district A (by its code) on criterion 2.1."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "2.1"])
    sheet.append([w.units.district_a.code, 0.9])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "xhh.xlsx"
    return {"file": data}


B_PROVINCE = "UBND tỉnh Quảng Ngãi"
PLAN_NUMBER = text("plan.number")
EVERY_ROLE = "every role may: the scoped queryset alone decides"
DASHBOARD_OF_A = lambda w: f"unit={w.units.province_a.pk}"  # noqa: E731

ROWS: dict[str, Row] = {
    # --- kernel ---------------------------------------------------------------
    "home": Row(
        allowed=Ask("officer_a", status=302, marker=lambda w: reverse("inspections:unit_home")),
        every_role="every role has a home: staff the inspections, units their tasks",
        out_of_scope=Ask("inspector_b", status=302, marker=lambda w: reverse("inspections:inspection_list")),
    ),
    "login": Row(
        public="the login page",
        allowed=Ask(None, marker=lambda w: 'name="password"'),
        every_role="public",
    ),
    "logout": Row(
        public="logging out needs no login (POST only)",
        allowed=Ask(None, method="post", status=302),
        every_role="public",
        posts=True,
    ),
    # The central sign-in: without an issuer (as here) neither URL exists;
    # tests/cchc/test_oidc.py and tests/browser/test_oidc_journey.py walk
    # them against a real provider.
    "oidc_authentication_init": Row(
        public="the start of the central sign-in: a redirect to the provider",
        allowed=Ask(None, status=404),
        every_role="public",
    ),
    "oidc_authentication_callback": Row(
        public="the provider's answer: its code and state are the key",
        allowed=Ask(None, status=404, query="code=ma&state=trang-thai"),
        every_role="public",
    ),
    "official_fonts_css": Row(
        public="fonts of the HTML preview, no data",
        allowed=Ask(None, marker=lambda w: "@font-face"),
        every_role="public",
    ),
    "verify": Row(
        public="anyone holding a copy checks it",
        kwargs=lambda w: {"code": w.notice.verification_code},
        allowed=Ask(None, marker=lambda w: w.notice.number_symbol),
        every_role="public",
        # A draft has no public record: its code finds nothing.
        out_of_scope=Ask(None, status=404, kwargs=lambda w: {"code": w.draft_notice.verification_code}),
        posts=True,
    ),
    "password_set": Row(
        public="a new user's one-time link: the token is the key",
        kwargs=lambda w: set_password_link(w.users["officer_a"]),
        # A valid link leads on to the form (Django keeps the token in the session).
        allowed=Ask(None, status=302, marker=lambda w: "/set-password/"),
        every_role="public",
        # A token that is not the user's opens no form.
        out_of_scope=Ask(
            None,
            kwargs=lambda w: set_password_link(w.users["officer_a"], token="khong-hop-le"),
            absent=lambda w: 'name="new_password1"',
        ),
        posts=True,
    ),
    "password_set_done": Row(
        public="the page after a password is set: no data",
        allowed=Ask(None, marker=lambda w: reverse("login")),
        every_role="public",
    ),
    "people_import": Row(
        # The preview of a sheet giving a new officer to district A.
        allowed=Ask(
            "administrator_a",
            method="post",
            data=lambda w: people_workbook(w.units.district_a.code),
            marker=lambda w: "ma.tran@example.gov.vn",
        ),
        wrong_role=forbidden("inspector_a"),
        # The administrator of B is told district A is not theirs, and no preview is kept.
        out_of_scope=Ask(
            "administrator_b",
            method="post",
            data=lambda w: people_workbook(w.units.district_a.code),
            marker=lambda w: "ngoài phạm vi quản trị",
        ),
        posts=True,
    ),
    "unit_people": Row(
        kwargs=lambda w: {"pk": w.units.district_a.pk},
        allowed=Ask("administrator_a", marker=lambda w: w.users["officer_a"].username),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("administrator_b"),
    ),
    "document_detail": Row(
        kwargs=pk("draft_notice"),
        allowed=Ask("inspector_a", marker=text("draft_notice.summary")),
        every_role="units see their published documents; drafts are out of their scope",
        out_of_scope=outside("inspector_b"),
    ),
    "document_edit": Row(
        kwargs=pk("draft_notice"),
        allowed=Ask("inspector_a", method="post", status=400, marker=text("draft_notice.summary")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "document_preview": Row(
        kwargs=pk("draft_notice"),
        allowed=Ask("leader_a", marker=text("draft_notice.summary")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b"),
    ),
    "document_issue": Row(
        kwargs=pk("draft_notice"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("document_detail", "draft_notice")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "document_sign": Row(
        kwargs=pk("notice"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("document_detail", "notice")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "document_upload_signed": Row(
        kwargs=pk("notice"),
        allowed=Ask("inspector_a", method="post", status=400, marker=text("notice.summary")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "document_publish": Row(
        kwargs=pk("notice"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("document_detail", "notice")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "document_file": Row(
        kwargs=lambda w: {"pk": w.notice.pk, "which": "issued"},
        allowed=Ask("officer_a", marker=lambda w: ISSUED_PDF),
        every_role="the units it was published to download it",
        out_of_scope=outside("officer_b"),
    ),
    # One set of job pages for every kind; each kind's JobRule decides.
    # Rows "<url name> <kind>" walk the same URL with a job of another kind.
    "job_detail": Row(
        kwargs=pk("render_job"),
        allowed=Ask("inspector_a", marker=text("render_job.error")),
        every_role="its author, and staff over its unit",
        out_of_scope=outside("inspector_b"),
    ),
    "job_detail export": Row(
        pattern="job_detail",
        kwargs=pk("export_job"),
        allowed=Ask("officer_a", marker=url("job_file", "export_job")),
        every_role="its requester only, whatever the role",
        out_of_scope=outside("officer_b"),
    ),
    "job_detail handout": Row(
        pattern="job_detail",
        kwargs=pk("handout_job"),
        allowed=Ask("leader_a", marker=url("job_file", "handout_job")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b"),
    ),
    "job_retry": Row(
        kwargs=pk("render_job"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("job_detail", "render_job")),
        # A leader sees the job but only reads.
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "job_retry export": Row(
        pattern="job_retry",
        kwargs=pk("export_job"),
        # A finished job is not run again: the page says so.
        allowed=Ask("officer_a", method="post", status=302, marker=url("job_detail", "export_job")),
        every_role="its requester only, whatever the role",
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "job_retry handout": Row(
        pattern="job_retry",
        kwargs=pk("handout_job"),
        allowed=Ask("leader_a", method="post", status=302, marker=url("job_detail", "handout_job")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b"),
        posts=True,
    ),
    "job_file": Row(
        kwargs=pk("export_job"),
        allowed=Ask("officer_a", marker=lambda w: EXPORT_XLSX),
        every_role="its requester only, whatever the role",
        out_of_scope=outside("officer_b"),
    ),
    "job_file handout": Row(
        pattern="job_file",
        kwargs=pk("handout_job"),
        allowed=Ask("leader_a", marker=lambda w: HANDOUT_PDF),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b"),
    ),
    # --- plans, teams, inspections, findings ----------------------------------------
    "inspections:inspection_list": Row(
        allowed=Ask("inspector_a", marker=PLAN_NUMBER),
        every_role=EVERY_ROLE,
        out_of_scope=Ask("inspector_b", absent=PLAN_NUMBER),
    ),
    "inspections:plan_list": Row(
        allowed=Ask("leader_a", marker=PLAN_NUMBER),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("leader_b", absent=PLAN_NUMBER),
    ),
    "inspections:plan_create": Row(
        # The issuer's choices: the user's own units, by short name.
        allowed=Ask(
            "inspector_a",
            marker=lambda w: f'value="{w.units.district_a.pk}">{w.units.district_a.short_name}<',
        ),
        wrong_role=forbidden("leader_a"),
        # The form offers the user's own units only.
        out_of_scope=Ask(
            "inspector_b", method="post", status=400, data=lambda w: {"issuer": w.units.province_a.pk}
        ),
        posts=True,
    ),
    "inspections:plan_detail": Row(
        kwargs=pk("plan"),
        allowed=Ask("leader_a", marker=text("team.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b"),
    ),
    "inspections:plan_update": Row(
        kwargs=pk("plan"),
        allowed=Ask("inspector_a", marker=text("plan.title")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:team_create": Row(
        kwargs=pk("plan"),
        allowed=Ask("inspector_a", marker=PLAN_NUMBER),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:team_update": Row(
        kwargs=lambda w: {"team_pk": w.team.pk},
        allowed=Ask("inspector_a", marker=text("team.name")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:inspection_create": Row(
        kwargs=pk("plan"),
        allowed=Ask("inspector_a", marker=PLAN_NUMBER),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:inspection_detail": Row(
        kwargs=pk("draft"),
        allowed=Ask("leader_a", marker=text("findings.shortcoming.text")),
        every_role="units see their inspections once the conclusion is issued",
        out_of_scope=outside("leader_b"),
    ),
    "inspections:finding_create": Row(
        kwargs=lambda w: {"pk": w.draft.pk, "kind": "shortcoming"},
        allowed=Ask("inspector_a", method="post", status=400, marker=text("findings.shortcoming.text")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside(
            "inspector_b", method="post", data=lambda w: {"text": "Điểm lạ.", "reform_area": w.area.pk}
        ),
        posts=True,
    ),
    "inspections:finding_reorder": Row(
        kwargs=lambda w: {"pk": w.draft.pk, "kind": "shortcoming"},
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"order": [w.findings.shortcoming.pk]},
            htmx=True,
            marker=text("findings.shortcoming.text"),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:finding_paste": Row(
        kwargs=pk("draft"),
        allowed=Ask(
            "inspector_a",
            method="post",
            # The block is split into points to review before saving.
            data=lambda w: {
                "kind": "shortcoming",
                "reform_area": w.area.pk,
                "block": "1. Điểm dán vào.\n2. Điểm thứ hai.",
            },
            marker=lambda w: "Điểm thứ hai.",
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:task_table": Row(
        kwargs=pk("issued"),
        allowed=Ask("inspector_a", htmx=True, marker=text("task.description")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:history": Row(
        kwargs=pk("draft"),
        allowed=Ask("inspector_a", marker=text("findings.shortcoming.text")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "inspections:notice_draft": Row(
        kwargs=pk("draft"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("document_detail", "draft_notice")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:plan_document_draft": Row(
        kwargs=lambda w: {"pk": w.plan.pk, "kind": "letter"},
        allowed=Ask("inspector_a", method="post", status=302, marker=lambda w: "/documents/"),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:plan_notices_issue": Row(
        kwargs=pk("plan"),
        allowed=Ask("inspector_a", method="post", status=302, marker=url("inspections:plan_detail", "plan")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    # --- remediation ----------------------------------------------------------------
    "inspections:unit_home": Row(
        allowed=Ask("officer_a", marker=text("task.description")),
        every_role="every user has units; the page shows their own tasks",
        out_of_scope=Ask("officer_b", absent=text("task.description")),
    ),
    "inspections:report_open": Row(
        kwargs=pk("issued"),
        allowed=Ask(
            "officer_a", method="post", status=302, marker=url("inspections:report_detail", "report")
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:report_detail": Row(
        kwargs=pk("report"),
        allowed=Ask("officer_a", marker=text("evidence.original_name")),
        every_role="the unit's people write it, the inspectors review it, leaders read it",
        out_of_scope=outside("officer_b"),
    ),
    "inspections:report_update": Row(
        kwargs=pk("report"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"document_number": "12/BC-UBND", "summary": "Tóm tắt."},
            status=302,
            marker=url("inspections:report_detail", "report"),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:report_file_upload": Row(
        kwargs=pk("report"),
        allowed=Ask("officer_a", method="post", status=400, marker=text("evidence.original_name")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:report_submit": Row(
        kwargs=pk("report"),
        allowed=Ask("officer_a", method="post", status=400, marker=text("evidence.original_name")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:report_item": Row(
        kwargs=pk("item"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {f"item{w.item.pk}-progress": "done", f"item{w.item.pk}-explanation": "Đã làm."},
            status=302,
            marker=url("inspections:report_detail", "report"),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:report_review_item": Row(
        kwargs=pk("submitted_item"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"decision": "accepted"},
            status=302,
            marker=url("inspections:report_detail", "submitted"),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:report_file": Row(
        kwargs=pk("evidence"),
        allowed=Ask("officer_a", marker=lambda w: EVIDENCE_PDF),
        every_role="whoever sees the report sees its files",
        out_of_scope=outside("officer_b"),
    ),
    "inspections:report_file_delete": Row(
        kwargs=pk("evidence"),
        allowed=Ask(
            "officer_a", method="post", status=302, marker=url("inspections:report_detail", "report")
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:review_queue": Row(
        # The submitted report is listed, the draft one is not.
        allowed=Ask(
            "inspector_a",
            marker=url("inspections:report_detail", "submitted"),
            absent=url("inspections:report_detail", "report"),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=Ask("inspector_b", absent=url("inspections:report_detail", "submitted")),
    ),
    "inspections:overdue": Row(
        allowed=Ask("leader_a", marker=text("overdue_task.description")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("leader_b", absent=text("overdue_task.description")),
    ),
    # --- tasks assigned by documents -------------------------------------------------
    "inspections:document_assignments": Row(
        kwargs=pk("draft_letter"),
        allowed=Ask("inspector_a", marker=lambda w: "Ma trận: điểm giao nhiệm vụ của dự thảo công văn."),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:document_report_open": Row(
        kwargs=pk("letter"),
        allowed=Ask("officer_a", method="post", status=302, marker=lambda w: "/reports/"),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "inspections:document_matrix": Row(
        kwargs=pk("letter"),
        allowed=Ask("inspector_a", marker=lambda w: f'data-unit="{w.units.district_a.pk}"'),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "inspections:document_matrix_xlsx": Row(
        kwargs=pk("letter"),
        # The workbook's second sheet (the points) by its name in the zip.
        allowed=Ask("inspector_a", marker=lambda w: b"xl/worksheets/sheet2.xml"),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "inspections:document_consolidated_draft": Row(
        kwargs=pk("letter"),
        allowed=Ask("inspector_a", method="post", status=302, marker=lambda w: "/documents/"),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:task_detail": Row(
        kwargs=pk("assigned_task"),
        allowed=Ask("officer_a", marker=text("assigned_task.description")),
        every_role="whoever sees the task: its unit's people, the issuer's and the monitor's staff",
        out_of_scope=outside("officer_b"),
    ),
    "notifications": Row(
        allowed=Ask("officer_a", marker=text("notification.message")),
        every_role="everyone has their own notifications",
        # Another user's page never shows them, and their POST ("all read")
        # touches only their own.
        out_of_scope=Ask("officer_b", absent=text("notification.message")),
        posts=True,
    ),
    "inspections:finding_item": Row(
        kwargs=lambda w: {"pk": w.findings.shortcoming.pk},
        allowed=Ask("inspector_a", htmx=True, marker=text("findings.shortcoming.text")),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:finding_delete": Row(
        kwargs=lambda w: {"pk": w.findings.shortcoming.pk},
        allowed=Ask(
            "inspector_a", method="post", status=302, marker=url("inspections:inspection_detail", "draft")
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:finding_move": Row(
        kwargs=lambda w: {"pk": w.findings.shortcoming.pk},
        allowed=Ask(
            "inspector_a", method="post", status=302, marker=url("inspections:inspection_detail", "draft")
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "inspections:finding_task": Row(
        kwargs=lambda w: {"pk": w.findings.recommendation.pk},
        allowed=Ask("inspector_a", marker=lambda w: 'name="deadline"'),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    # --- indicator tables -------------------------------------------------------
    "indicators:table_list": Row(
        allowed=Ask("officer_a", marker=url("indicators:table_detail", "table")),
        every_role=EVERY_ROLE,
        out_of_scope=Ask("officer_b", absent=url("indicators:table_detail", "table")),
    ),
    "indicators:table_create": Row(
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"unit": w.units.district_a.pk, "year": 2023},
            status=302,
            marker=lambda w: "/indicators/",
        ),
        wrong_role=forbidden("inspector_a"),
        # A unit out of scope is not a choice of the form.
        out_of_scope=Ask(
            "officer_b",
            method="post",
            status=400,
            data=lambda w: {"unit": w.units.district_a.pk, "year": 2023},
        ),
        posts=True,
    ),
    "indicators:table_detail": Row(
        kwargs=pk("table"),
        allowed=Ask("inspector_a", marker=text("units.district_a.name")),
        every_role=EVERY_ROLE,
        out_of_scope=outside("inspector_b"),
    ),
    "indicators:table_save": Row(
        kwargs=pk("table"),
        allowed=Ask("officer_a", method="post", status=302, marker=url("indicators:table_detail", "table")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "indicators:cell": Row(
        kwargs=lambda w: {"pk": w.table.pk, "indicator_pk": w.indicator.pk},
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {f"cell-{w.indicator.pk}": "95/100"},
            status=302,
            marker=url("indicators:table_detail", "table"),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "indicators:acknowledge": Row(
        kwargs=lambda w: {"pk": w.table.pk, "indicator_pk": w.indicator.pk},
        allowed=Ask("officer_a", method="post", status=302, marker=url("indicators:table_detail", "table")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "indicators:table_comment": Row(
        kwargs=pk("table"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"comment": "Đề nghị rà soát."},
            status=302,
            marker=url("indicators:table_detail", "table"),
        ),
        every_role="anyone who sees a table may comment on it",
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "indicators:table_transition": Row(
        kwargs=lambda w: {"pk": w.table.pk, "action": "submit"},
        allowed=Ask("officer_a", method="post", status=302, marker=url("indicators:table_detail", "table")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "indicators:import": Row(
        allowed=Ask("officer_a", marker=text("imported.original_name")),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=Ask("officer_b", absent=text("imported.original_name")),
        posts=True,
    ),
    "indicators:import_detail": Row(
        kwargs=pk("imported"),
        allowed=Ask("officer_a", marker=text("imported.original_name")),
        every_role="its uploader, and administrators over its unit",
        out_of_scope=outside("administrator_b"),
    ),
    "indicators:import_apply": Row(
        kwargs=pk("imported"),
        allowed=Ask(
            "officer_a",
            method="post",
            # The seed workbook has warnings: they must be acknowledged.
            data=lambda w: {"acknowledge": "on"},
            status=302,
            marker=url("indicators:import_detail", "imported"),
            done=lambda w: IndicatorImport.objects.get(pk=w.imported.pk).status == ImportStatus.IMPORTED,
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "indicators:template": Row(
        allowed=Ask(
            "officer_a",
            query=lambda w: f"unit={w.units.district_a.pk}&period=2024",
            marker=lambda w: b"PK",
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b", query=lambda w: f"unit={w.units.district_a.pk}&period=2024"),
    ),
    "indicators:export": Row(
        # The form, and the user's recent exports.
        allowed=Ask("officer_a", marker=url("job_detail", "export_job")),
        every_role="anyone who sees tables exports them",
        # A unit out of scope, asked by a link (GET) or the form (POST).
        out_of_scope=outside("officer_b", data=lambda w: {"unit": w.units.district_a.pk, "years": "2024"}),
        posts=True,
    ),
    # --- dashboards ------------------------------------------------------------------
    **{
        f"dashboards:{name}": Row(
            allowed=Ask("leader_a", query=query, marker=marker),
            wrong_role=forbidden("officer_a", query=query),
            out_of_scope=outside("leader_b", query=lambda w, query=query: f"{DASHBOARD_OF_A(w)}&{query}"),
        )
        for name, query, marker in [
            ("overview", "year=2024", text("units.province_a.short_name")),
            ("findings", "year=2024", text("units.province_a.short_name")),
            ("units", "year=2024", text("units.district_a.short_name")),
            ("trends", "year=2024", text("units.province_a.short_name")),
            ("inspection_list", "year=2024", text("units.district_a.name")),
            ("task_list", "year=2024", text("task.description")),
            ("finding_list", "year=2024", lambda w: "Ma trận: chưa niêm yết đủ thủ tục hành chính."),
            (
                "indicator_list",
                "year=2022&metric=dossiers_on_time",
                url("indicators:table_detail", "approved_table"),
            ),
            ("export", "year=2024&table=glance", lambda w: b"PK"),
        ]
    },
    "dashboards:handout_create": Row(
        allowed=Ask(
            "leader_a",
            method="post",
            data=lambda w: {"unit": w.units.province_a.pk, "year": 2024},
            status=302,
            marker=lambda w: "/jobs/",
        ),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("leader_b", method="post", data=lambda w: {"unit": w.units.province_a.pk}),
        posts=True,
    ),
    # After a split (huyện Nam Giang shared between xã Thạnh Mỹ and xã La
    # Dêê): each successor reads and writes the old commune that passed to
    # it; the other successor's old commune is out of its scope.
    "inspections:report_detail split": Row(
        pattern="inspections:report_detail",
        kwargs=lambda w: {"pk": w.split.report_two.pk},
        allowed=Ask("officer_split_two", marker=text("split.report_two.summary")),
        every_role="the unit's people write it, the inspectors review it, leaders read it",
        out_of_scope=outside("officer_split_one"),
    ),
    "inspections:report_update split": Row(
        pattern="inspections:report_update",
        kwargs=lambda w: {"pk": w.split.report_two.pk},
        allowed=Ask(
            "officer_split_two",
            method="post",
            data=lambda w: {"document_number": "12/BC-UBND", "summary": "Tóm tắt."},
            status=302,
            marker=url("inspections:report_detail", "split.report_two"),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("officer_split_one"),
        posts=True,
    ),
    # The split district's own history: each successor reads it (it writes
    # none of it: tests/cchc/test_access_split.py).
    "inspections:report_detail split history": Row(
        pattern="inspections:report_detail",
        kwargs=lambda w: {"pk": w.split.district_report.pk},
        allowed=Ask("officer_split_one", marker=text("split.district_report.summary")),
        every_role="the unit's people write it, the inspectors review it, leaders read it",
        out_of_scope=outside("officer_b"),
    ),
    "inspections:unit_home split": Row(
        pattern="inspections:unit_home",
        allowed=Ask("officer_split_one", marker=lambda w: "Ma trận chia tách: nhiệm vụ của xã cũ one."),
        every_role="every user has units; the page shows their own tasks",
        out_of_scope=Ask("officer_split_one", absent=lambda w: "Ma trận chia tách: nhiệm vụ của xã cũ two."),
    ),
    # --- the audit trail (issue 15) ---------------------------------------------------
    "audit_log": Row(
        allowed=Ask("administrator_a", query="kind=download", marker=lambda w: w.audit_event.detail),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=Ask("administrator_b", absent=lambda w: w.audit_event.detail),
    ),
    # The workbook is compressed: what it holds is read back in
    # tests/cchc/test_audit.py (the other province's events are not in it).
    "audit_export": Row(
        allowed=Ask("administrator_a", marker=lambda w: b"PK"),
        wrong_role=forbidden("leader_a"),
        out_of_scope=Ask("administrator_b", absent=lambda w: w.audit_event.detail),
    ),
    # --- par: the units' and appraisers' pages ------------------------------------------
    "par_units:scorecard_list": Row(
        allowed=Ask("officer_a", marker=url("par_units:scorecard_detail", "par.scorecard")),
        wrong_role=forbidden("appraiser_a"),
        out_of_scope=Ask("officer_b", absent=url("par_units:scorecard_detail", "par.scorecard")),
    ),
    "par_units:scorecard_detail": Row(
        kwargs=pk_of("par.scorecard"),
        allowed=Ask("officer_a", marker=lambda w: "Công khai thủ tục hành chính"),
        wrong_role=forbidden("appraiser_a"),
        out_of_scope=outside("officer_b"),
    ),
    "par_units:scorecard_submit": Row(
        kwargs=pk_of("par.scorecard"),
        # The head reaches the service, which lists what is missing.
        allowed=Ask("par_head_a", method="post", status=400, marker=lambda w: "chưa chấm điểm"),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("leader_b"),
        posts=True,
    ),
    "par_units:scorecard_propose": Row(
        kwargs=pk_of("par.scorecard"),
        allowed=Ask(
            "officer_a",
            method="post",
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            # Province A's plan is issued by the province, not the district: nothing proposed
            # for the plan; the proposal already there is kept.
            done=lambda w: ItemScore.objects.get(pk=w.par.proposal_item.pk).proposed_score == 2,
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:scorecard_step": Row(
        kwargs=lambda w: {"pk": w.par.submitted.pk, "action": "round1_close"},
        allowed=Ask(
            "inspector_a",
            method="post",
            status=302,
            marker=url("par_units:scorecard_detail", "par.submitted"),
            done=lambda w: (
                Scorecard.objects.get(pk=w.par.submitted.pk).status == ScorecardStatus.EXPLANATIONS
            ),
        ),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par_units:item_self": Row(
        kwargs=pk_of("par.item"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"value": "2", "version": str(ItemScore.objects.get(pk=w.par.item.pk).version)},
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            done=lambda w: ItemScore.objects.get(pk=w.par.item.pk).self_score == 2,
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:item_text": Row(
        kwargs=pk_of("par.item"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"explanation": "Ma trận: giải trình"},
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            done=lambda w: (
                ItemScore.objects.get(pk=w.par.item.pk).no_evidence_explanation == "Ma trận: giải trình"
            ),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:evidence_add": Row(
        kwargs=pk_of("par.item"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"file": UploadFiles().pdf("them-ma-tran.pdf"), "cited_part": "trang 1"},
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            done=lambda w: ItemScore.objects.get(pk=w.par.item.pk).evidence.count() == 2,
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:proposal_decide": Row(
        kwargs=pk_of("par.proposal_item"),
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"decision": "accept"},
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            done=lambda w: ItemScore.objects.get(pk=w.par.proposal_item.pk).self_score == 2,
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:item_explain": Row(
        kwargs=pk_of("par.item"),
        # A draft is not in its explanation round: refused, back to the grid.
        allowed=Ask(
            "officer_a",
            method="post",
            data=lambda w: {"text": "Ma trận"},
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:item_appraise": Row(
        kwargs=pk_of("par.submitted_item"),
        allowed=Ask(
            "appraiser_a",
            method="post",
            data=lambda w: {"points": "1", "reason": "Ma trận: thiếu niêm yết"},
            status=302,
            marker=lambda w: reverse("par_units:appraisal"),
            done=lambda w: ItemScore.objects.get(pk=w.par.submitted_item.pk).round1_score == 1,
        ),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("appraiser_b"),
        posts=True,
    ),
    "par_units:evidence_delete": Row(
        kwargs=pk_of("par.evidence"),
        allowed=Ask(
            "officer_a",
            method="post",
            status=302,
            marker=url("par_units:scorecard_detail", "par.scorecard"),
            done=lambda w: not ParEvidence.objects.filter(pk=w.par.evidence.pk).exists(),
        ),
        wrong_role=forbidden("inspector_a"),
        out_of_scope=outside("officer_b"),
        posts=True,
    ),
    "par_units:evidence_file": Row(
        kwargs=pk_of("par.evidence"),
        allowed=Ask("officer_a", marker=lambda w: PAR_EVIDENCE_PDF),
        every_role="the unit's people, the province's staff and the criterion's appraisers",
        out_of_scope=outside("officer_b"),
    ),
    "par_units:appraisal": Row(
        allowed=Ask("appraiser_a", marker=text("par.commune.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("appraiser_b", absent=text("par.commune.name")),
    ),
    "par_units:decision_draft": Row(
        kwargs=pk_of("par.cycle"),
        # The cycle is not locked yet: the service refuses, back to the cycle's page.
        allowed=Ask(
            "inspector_a",
            method="post",
            status=302,
            marker=lambda w: reverse("par:cycle_detail", kwargs={"pk": w.par.cycle.pk}),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par_units:overview": Row(
        allowed=Ask("leader_a", marker=text("units.district_a.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("leader_b", absent=text("units.district_a.name")),
    ),
    "par_units:result_detail": Row(
        kwargs=pk_of("par.result"),
        allowed=Ask("leader_a", marker=lambda w: "85,12"),
        wrong_role=forbidden("appraiser_a"),
        out_of_scope=outside("leader_b"),
    ),
    # --- par: the PAR index (Chỉ số CCHC), managed by the province -------------
    "par:set_list": Row(
        allowed=Ask("leader_a", marker=text("par_set.criteria_set.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("inspector_b", absent=text("par_set.criteria_set.name")),
    ),
    "par:set_create": Row(
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {
                "province": w.units.province_a.pk,
                "year": 2024,
                "unit_group": "districts",
                "name": "Bộ tiêu chí tạo trong ma trận",
                "total_points": "100",
            },
            status=302,
            marker=lambda w: "/chi-so-cchc/bo-tieu-chi/",
            done=lambda w: _par_set_named("Bộ tiêu chí tạo trong ma trận"),
        ),
        wrong_role=forbidden("leader_a"),
        # B's inspector cannot pick province A: the form refuses, nothing is made.
        out_of_scope=Ask(
            "inspector_b",
            method="post",
            data=lambda w: {
                "province": w.units.province_a.pk,
                "year": 2024,
                "unit_group": "districts",
                "name": "Bộ tiêu chí tạo trong ma trận",
                "total_points": "100",
            },
            status=400,
        ),
        posts=True,
    ),
    "par:set_detail": Row(
        kwargs=pk_of("par_set.criteria_set"),
        allowed=Ask("leader_a", marker=lambda w: "Ban hành kế hoạch CCHC năm (ma trận)"),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "par:set_import": Row(
        kwargs=pk_of("par_set.draft"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: par_set_workbook(w),
            marker=lambda w: "import-preview",
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:set_export": Row(
        kwargs=pk_of("par_set.criteria_set"),
        allowed=Ask("leader_a", marker=lambda w: b"PK"),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "par:set_copy": Row(
        kwargs=pk_of("par_set.criteria_set"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"year": 2024},
            status=302,
            marker=lambda w: "/chi-so-cchc/bo-tieu-chi/",
            done=lambda w: w.par_set.criteria_set.copies.count() == 2,
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:set_issue": Row(
        kwargs=pk_of("par_set.draft"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"decision_number": "100/QĐ-UBND", "decision_date": "02/06/2024", "confirm": "on"},
            status=302,
            marker=lambda w: "/chi-so-cchc/bo-tieu-chi/",
            done=lambda w: type(w.par_set.draft).objects.get(pk=w.par_set.draft.pk).is_issued,
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:cycle_list": Row(
        allowed=Ask("leader_a", marker=text("par_set.cycle.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=Ask("inspector_b", absent=text("par_set.cycle.name")),
    ),
    "par:cycle_create": Row(
        allowed=Ask("inspector_a", marker=lambda w: "unit-rule"),
        wrong_role=forbidden("leader_a"),
        # B's inspector cannot pick A's set: the form refuses, nothing is made.
        out_of_scope=Ask(
            "inspector_b",
            method="post",
            data=lambda w: {
                "criteria_set": w.par_set.criteria_set.pk,
                "name": "Đợt ngoài phạm vi",
                "self_assessment_due": "15/12/2024",
                "round1_due": "10/01/2025",
                "explanation_due": "20/01/2025",
                "round2_due": "31/01/2025",
                "publication_due": "31/03/2025",
            },
            status=400,
        ),
        posts=True,
    ),
    "par:cycle_detail": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask("leader_a", marker=text("par_set.cycle.name")),
        wrong_role=forbidden("officer_a"),
        out_of_scope=outside("inspector_b"),
    ),
    "par:cycle_deadlines": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {
                "self_assessment_due": "16/12/2024",
                "round1_due": "10/01/2025",
                "explanation_due": "20/01/2025",
                "round2_due": "31/01/2025",
                "publication_due": "31/03/2025",
                "survey_held": "on",
            },
            status=302,
            marker=lambda w: "/chi-so-cchc/dot-danh-gia/",
            done=lambda w: (
                type(w.par_set.cycle).objects.get(pk=w.par_set.cycle.pk).self_assessment_due.day == 16
            ),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:cycle_open": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask(
            "inspector_a",
            method="post",
            status=302,
            marker=lambda w: "/chi-so-cchc/dot-danh-gia/",
            done=lambda w: type(w.par_set.cycle).objects.get(pk=w.par_set.cycle.pk).status == "open",
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:cycle_unit": Row(
        kwargs=lambda w: {"pk": w.par_set.cycle.pk, "unit_pk": w.par_set.member.pk},
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {"included": "on", "reason": "Đơn vị đặc thù (ma trận)"},
            status=302,
            marker=lambda w: "#units",
            done=lambda w: not type(w.par_set.member).objects.get(pk=w.par_set.member.pk).ranked,
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:survey_import": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: par_survey_workbook(w),
            marker=lambda w: "import-preview",
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    "par:cycle_compute": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask(
            "inspector_a",
            method="post",
            status=302,
            marker=lambda w: "/jobs/",
            done=lambda w: Job.objects.filter(kind="par_results_compute").exists(),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    # The one menu item's page: every role has a way in (appraisers their
    # appraisal, the province's staff its cycles, units their scorecards).
    "par_units:home": Row(
        allowed=Ask("inspector_a", status=302, marker=lambda w: reverse("par:cycle_list")),
        every_role="every role has a PAR page: appraisers appraise, staff see cycles, units their scorecards",
        out_of_scope=Ask("officer_b", status=302, marker=lambda w: reverse("par_units:scorecard_list")),
    ),
    "par_units:home officer": Row(
        pattern="par_units:home",
        allowed=Ask("officer_a", status=302, marker=lambda w: reverse("par_units:scorecard_list")),
        every_role="as above",
        out_of_scope=Ask("officer_b", status=302, marker=lambda w: reverse("par_units:scorecard_list")),
    ),
    "par_units:home appraiser": Row(
        pattern="par_units:home",
        allowed=Ask("appraiser_a", status=302, marker=lambda w: reverse("par_units:appraisal")),
        every_role="as above",
        out_of_scope=Ask("officer_b", status=302, marker=lambda w: reverse("par_units:scorecard_list")),
    ),
    # A draft set's own fields.
    "par:set_edit": Row(
        kwargs=pk_of("par_set.draft"),
        allowed=Ask(
            "inspector_a",
            method="post",
            data=lambda w: {
                "name": "Dự thảo sửa (ma trận)",
                "total_points": "100",
                "level_labels": "Lĩnh vực\nTiêu chí",
            },
            status=302,
            marker=lambda w: reverse("par:set_detail", kwargs={"pk": w.par_set.draft.pk}),
            done=lambda w: (
                type(w.par_set.draft).objects.get(pk=w.par_set.draft.pk).name == "Dự thảo sửa (ma trận)"
            ),
        ),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
    # The whole cycle's lock: a confirmation page, then the POST (the
    # world's cycle is a draft: the page says it cannot be locked).
    "par:cycle_lock": Row(
        kwargs=pk_of("par_set.cycle"),
        allowed=Ask("inspector_a", marker=lambda w: "Chốt điểm cả đợt đánh giá"),
        wrong_role=forbidden("leader_a"),
        out_of_scope=outside("inspector_b"),
        posts=True,
    ),
}

# --- roles as the offices work (issue 15) ------------------------------------------
# Only the unit's own officers write its remediation report: the
# province's leader (whose scope holds the district) reads it and is
# refused every write, evidence included.
ROWS.update(
    {
        f"inspections:{name} leader": Row(
            pattern=f"inspections:{name}",
            kwargs=pk(key),
            allowed=ROWS[f"inspections:{name}"].allowed,
            wrong_role=forbidden("leader_a"),
            out_of_scope=outside("officer_b"),
            posts=True,
        )
        for name, key in (
            ("report_update", "report"),
            ("report_file_upload", "report"),
            ("report_submit", "report"),
            ("report_item", "item"),
            ("report_file_delete", "evidence"),
            ("report_open", "issued"),
        )
    }
)


# --- write scope: the unit itself (issue 15) -----------------------------------------
# A commune's remediation report is written by the commune's officers; the
# district's officer reads it (the units below it) and writes none of it.
ROWS.update(
    {
        "inspections:report_detail own unit": Row(
            pattern="inspections:report_detail",
            kwargs=pk_of("own.report"),
            allowed=Ask("officer_a", marker=text("own.report.summary")),
            every_role="the unit's people write it, the inspectors review it, leaders read it",
            out_of_scope=outside("officer_b"),
        ),
        "inspections:report_update own unit": Row(
            pattern="inspections:report_update",
            kwargs=pk_of("own.report"),
            allowed=Ask(
                "officer_commune_a",
                method="post",
                data=lambda w: {"document_number": "07/BC-UBND", "summary": "Xã tự viết."},
                status=302,
                marker=url("inspections:report_detail", "own.report"),
            ),
            wrong_role=forbidden("leader_a"),
            out_of_scope=outside("officer_a", method="post", data=lambda w: {"summary": "Huyện viết hộ."}),
            posts=True,
        ),
        "inspections:report_open own unit": Row(
            pattern="inspections:report_open",
            kwargs=pk_of("own.inspection"),
            allowed=Ask(
                "officer_commune_a",
                method="post",
                status=302,
                marker=url("inspections:report_detail", "own.report"),
            ),
            wrong_role=forbidden("inspector_a"),
            out_of_scope=outside("officer_a", method="post"),
            posts=True,
        ),
    }
)


# --- a split unit's open task, handed to one successor (issue 15) -----------------
# The district of the split world keeps its open task until the province
# (the inspectors of the plan's issuer) hands it to one successor.
def split_task(w):
    from inspections.models import RemediationTask

    return {"pk": RemediationTask.objects.get(description="Ma trận chia tách: nhiệm vụ của huyện.").pk}


ROWS.update(
    {
        "inspections:task_hand_over": Row(
            kwargs=split_task,
            allowed=Ask("inspector_a", marker=lambda w: str(w.split.successors.two)),
            wrong_role=forbidden("leader_a"),
            out_of_scope=outside("inspector_b"),
        ),
        "inspections:task_hand_over post": Row(
            pattern="inspections:task_hand_over",
            kwargs=split_task,
            allowed=Ask(
                "inspector_a",
                method="post",
                data=lambda w: {
                    "successor": w.split.successors.one.pk,
                    "reason": "Ma trận.",
                    "confirm": "on",
                },
                status=302,
                marker=lambda w: reverse("inspections:task_detail", args=[split_task(w)["pk"]]),
                # The task moved; the ended district's draft no longer lists it.
                done=lambda w: not w.split.district_report.items.exists(),
            ),
            wrong_role=forbidden("officer_split_one", method="post"),
            out_of_scope=outside(
                "inspector_b",
                method="post",
                data=lambda w: {"successor": w.split.successors.one.pk, "reason": "x", "confirm": "on"},
            ),
            posts=True,
        ),
    }
)


# --- the audit export as a background job (issue 15) --------------------------------
# Asked for by POST (the page offers it when the list is long). Another
# province's administrator filtering on district A finds none of its events
# (nothing to export, no job); the worker reads the events again in the
# asker's scope (tests/cchc/test_audit.py).
ROWS.update(
    {
        "audit_export job": Row(
            pattern="audit_export",
            allowed=Ask(
                "administrator_a",
                method="post",
                status=302,
                marker=lambda w: "/jobs/",
                done=lambda w: Job.objects.filter(kind="audit_export").exists(),
            ),
            wrong_role=forbidden("leader_a"),
            out_of_scope=Ask(
                "administrator_b",
                method="post",
                query=lambda w: "unit=" + quote(w.units.district_a.short_name),
                status=302,
                marker=lambda w: reverse("audit_log"),
            ),
            posts=True,
        ),
    }
)


# --- the world, once per module --------------------------------------------------


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Built once in a transaction that is rolled back after the module;
    each test runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        with override_settings(
            MEDIA_ROOT=world_media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build_world()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media_root(settings, world_media):
    # Replaces the per-test media folder of tests/conftest.py: the world's
    # files were stored once, in the module's folder.
    settings.MEDIA_ROOT = world_media
    return world_media


# --- asking ----------------------------------------------------------------------


def _value(value, world):
    return value(world) if callable(value) else value


def ask(client, world, name: str, row: Row, check: Ask, *, method: str | None = None, login=True):
    method = method or check.method
    target = reverse(url_name(name), kwargs=(check.kwargs or row.kwargs)(world))
    query = _value(check.query, world)
    if query:
        target = f"{target}?{query}"
    if check.user and login:
        client.force_login(world.users[check.user])
    headers = {"HX-Request": "true"} if check.htmx else {}
    data = _value(check.data, world) or {}
    if method == "get":
        return client.get(target, data if not query else None, headers=headers)
    return client.post(target, data, headers=headers)


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _bytes(marker) -> bytes:
    return marker if isinstance(marker, bytes) else str(marker).encode()


def assert_answer(response, check: Ask, world):
    assert response.status_code == check.status, (response.status_code, response.get("Location"))
    if check.marker is not None:
        marker = _bytes(check.marker(world))
        if response.status_code in (301, 302):
            assert marker in _bytes(response["Location"])
        else:
            assert marker in body(response)
    if check.absent is not None:
        assert _bytes(check.absent(world)) not in body(response)
    if check.done is not None:
        assert check.done(world), "the allowed request did not do its work"


def snapshot(media) -> dict:
    """Every row of every model of the project's apps, and every stored
    file: what a forbidden POST must leave as it was."""
    state = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(("cchc", "inspections", "indicators", "dashboards", "par")):
            continue
        for model in config.get_models():
            if model._meta.label == "cchc.AuditEvent":
                # The audit trail records the sign-in of the test's user (and
                # would record a refusal): the trail, not a write of the view.
                continue
            # A request may note when its user was last seen: not a write of the view.
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            rows = list(model._base_manager.order_by("pk").values_list(*fields))
            state[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
            state[f"{model._meta.label}#"] = len(rows)
    for root, _dirs, files in os.walk(media):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                state[os.path.relpath(path, media)] = hashlib.sha256(handle.read()).hexdigest()
    return state


def _params(predicate):
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=row.xfail) if row.xfail else ())
        for name, row in ROWS.items()
        if predicate(row)
    ]


def _login_url(response) -> str:
    return response["Location"].split("?")[0]


# --- the tests -------------------------------------------------------------------


def test_every_named_url_has_a_row():
    assert names_without_rows() == set()
    assert {url_name(key) for key in ROWS} - url_names() == set(), "rows of URLs that no longer exist"


@override_settings(ROOT_URLCONF="tests.access_matrix_urls")
def test_a_url_without_a_row_is_caught():
    assert names_without_rows() == {"matrix_extra"}


def test_every_row_says_who_is_refused():
    for name, row in ROWS.items():
        assert row.wrong_role or row.every_role, name
        assert row.out_of_scope or row.public, name


@pytest.mark.parametrize("name", _params(lambda row: True))
def test_anonymous(client, db, world, name):
    row = ROWS[name]
    method = "post" if row.allowed.method == "post" else "get"
    if row.public:
        response = ask(client, world, name, row, Ask(None, **_without_user(row.allowed)))
        assert_answer(response, row.allowed, world)
        return
    response = ask(client, world, name, row, Ask(None, query=row.allowed.query), method=method)
    assert response.status_code == 302
    assert _login_url(response) == reverse("login")


def _without_user(check: Ask) -> dict:
    return {k: v for k, v in check.__dict__.items() if k != "user"}


@pytest.mark.parametrize("name", _params(lambda row: row.wrong_role is not None))
def test_wrong_role_is_403(client, db, world, name):
    row = ROWS[name]
    check = row.wrong_role
    method = row.allowed.method
    response = ask(client, world, name, row, check, method=method)
    assert_answer(response, check, world)


@pytest.mark.parametrize("name", _params(lambda row: row.out_of_scope is not None))
def test_out_of_scope(client, db, world, name):
    row = ROWS[name]
    check = row.out_of_scope
    method = check.method if check.data else row.allowed.method
    response = ask(client, world, name, row, check, method=method)
    assert_answer(response, check, world)


@pytest.mark.parametrize("name", _params(lambda row: True))
def test_allowed(client, db, world, name):
    row = ROWS[name]
    response = ask(client, world, name, row, row.allowed)
    assert_answer(response, row.allowed, world)


def _forbidden_posts():
    params = []
    for name, row in ROWS.items():
        if not row.posts:
            continue
        whos = ["anonymous"]
        if row.wrong_role:
            whos.append("wrong_role")
        if row.out_of_scope:
            whos.append("out_of_scope")
        marks = pytest.mark.xfail(strict=True, reason=row.xfail) if row.xfail else ()
        params += [pytest.param(name, who, marks=marks, id=f"{name}-{who}") for who in whos]
    return params


@pytest.mark.parametrize(("name", "who"), _forbidden_posts())
def test_forbidden_post_changes_nothing(client, db, world, media_root, name, who):
    row = ROWS[name]
    if who == "anonymous":
        check = Ask(None, method="post", data=row.allowed.data)
    elif who == "wrong_role":
        check = Ask(row.wrong_role.user, method="post", data=row.allowed.data, status=403)
    else:
        scope = row.out_of_scope
        check = Ask(
            scope.user,
            method="post",
            data=scope.data or row.allowed.data,
            query=scope.query,
            kwargs=scope.kwargs,
            status=scope.status,
        )
    before = snapshot(media_root)
    response = ask(client, world, name, row, check)
    if who == "anonymous" and not row.public:
        assert response.status_code == 302 and _login_url(response) == reverse("login")
    elif check.status in (403, 404):
        assert response.status_code == check.status
    assert snapshot(media_root) == before
