"""People: users and memberships imported from Excel, the one-time link to
set a password, and the ends of memberships.

An import is read in full and checked first (``people_import_read``): every
problem is given by sheet, row and column, in Vietnamese, and a file with one
problem saves nothing. The preview lists what saving will do; saving
(``people_import_save``) checks the rows again and writes them in one
transaction; the new users are sent their link once it commits.

The sheet has a header row with these columns (in any order; the names are
matched without accents or case): Họ và tên, Thư điện tử, Mã đơn vị, Vai trò,
Từ ngày, and optionally Đến ngày and Chức vụ. A user is known by e-mail; the
user name of a new user is the e-mail. A unit is named by its official code
(``Unit.code``). A role is its Vietnamese name or its key.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .access import ADMINISTRATORS, clear_scope_cache, scope_unit_ids
from .choices import Role
from .models import Membership, Unit, User
from .text import fold
from .xlsx import UploadError, open_upload

COLUMNS = {
    "full_name": "Họ và tên",
    "email": "Thư điện tử",
    "unit": "Mã đơn vị",
    "role": "Vai trò",
    "valid_from": "Từ ngày",
    "valid_to": "Đến ngày",
    "position": "Chức vụ",
}
REQUIRED = ("full_name", "email", "unit", "role", "valid_from")
ALIASES = {"email": {"email", "e-mail", "thu dien tu"}, "unit": {"ma don vi", "ma dinh danh"}}
MAX_ROWS = 5000
# Rows of the file, empty or not, counted before it is parsed.
MAX_SHEET_ROWS = 2 * MAX_ROWS + 100
#: Problems a refused file shows (the page says how many more there are).
MAX_PROBLEMS_SHOWN = 200


@dataclass
class PersonRow:
    row: int
    full_name: str
    email: str
    unit_code: str
    role: str
    valid_from: str
    valid_to: str
    position: str


@dataclass
class PeoplePreview:
    rows: list[PersonRow]
    problems: list[str]
    new_users: int = 0
    new_memberships: int = 0
    unchanged: int = 0

    def as_session(self) -> list[dict]:
        return [asdict(row) for row in self.rows]


def _header_key(text) -> str | None:
    folded = fold(str(text or ""))
    for key, label in COLUMNS.items():
        if folded == fold(label) or folded in ALIASES.get(key, ()):
            return key
    return None


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
    raise ValueError(text)


def _role(value: str) -> str | None:
    folded = fold(value)
    for role in Role:
        if folded in (fold(role.value), fold(str(role.label))):
            return role.value
    return None


def people_import_read(upload, *, user: User) -> PeoplePreview:
    """Read and check a workbook; nothing is saved."""
    try:
        workbook = open_upload(upload, max_rows=MAX_SHEET_ROWS)
    except UploadError as error:
        return PeoplePreview(rows=[], problems=[str(error)])
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        key = _header_key(text)
        if key and key not in columns:
            columns[key] = index
    missing = [COLUMNS[key] for key in REQUIRED if key not in columns]
    if missing:
        return PeoplePreview(
            rows=[],
            problems=[
                _("Trang “%(sheet)s”, dòng 1: thiếu cột %(columns)s.")
                % {"sheet": sheet.title, "columns": ", ".join(missing)}
            ],
        )
    read: list[PersonRow] = []
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        if len(read) >= MAX_ROWS:
            return PeoplePreview(rows=[], problems=[_("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS}])

        def text(key, cells=cells):
            value = cells.get(key)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return " ".join(str(value).split()) if value is not None else ""

        def day(key, cells=cells):
            value = cells.get(key)
            try:
                found = _date(value)
            except ValueError:
                return "?" + str(value)
            return found.isoformat() if found else ""

        read.append(
            PersonRow(
                row=number,
                full_name=text("full_name"),
                email=text("email").lower(),
                unit_code=text("unit"),
                role=text("role"),
                valid_from=day("valid_from"),
                valid_to=day("valid_to"),
                position=text("position"),
            )
        )
    return people_check(read, user=user, sheet=sheet.title)


def people_check(rows: list[PersonRow], *, user: User, sheet: str = "") -> PeoplePreview:
    """Check rows against the database and the importing user's scope."""
    problems: list[str] = []
    codes = {row.unit_code for row in rows}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes).exclude(code="")}
    scope = scope_unit_ids(user, ADMINISTRATORS)
    emails = {row.email for row in rows}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    seen: dict[tuple[str, str, str], int] = {}
    preview = PeoplePreview(rows=rows, problems=problems)
    new_emails: set[str] = set()

    def problem(row: PersonRow, column: str, message: str) -> None:
        problems.append(
            _("Trang “%(sheet)s”, dòng %(row)s, cột “%(column)s”: %(message)s")
            % {"sheet": sheet, "row": row.row, "column": COLUMNS[column], "message": message}
        )

    if not rows:
        problems.append(_("Tệp không có dòng dữ liệu nào."))
    for row in rows:
        if not row.full_name:
            problem(row, "full_name", _("chưa ghi họ và tên."))
        try:
            validate_email(row.email)
        except ValidationError:
            problem(row, "email", _("“%(value)s” không phải là địa chỉ thư điện tử.") % {"value": row.email})
        unit = units.get(row.unit_code)
        if unit is None:
            problem(row, "unit", _("không có đơn vị với mã “%(code)s”.") % {"code": row.unit_code})
        elif scope is not None and unit.pk not in scope:
            problem(row, "unit", _("đơn vị “%(unit)s” ngoài phạm vi quản trị của bạn.") % {"unit": unit})
        role = _role(row.role)
        if role is None:
            problem(
                row,
                "role",
                _("vai trò “%(value)s” không có; chọn một trong: %(roles)s.")
                % {"value": row.role, "roles": ", ".join(str(r.label) for r in Role)},
            )
        start = end = None
        for column in ("valid_from", "valid_to"):
            value = getattr(row, column)
            if value.startswith("?"):
                problem(row, column, _("“%(value)s” không phải là ngày (dd/mm/yyyy).") % {"value": value[1:]})
            elif value:
                day = datetime.date.fromisoformat(value)
                start, end = (day, end) if column == "valid_from" else (start, day)
        if not row.valid_from:
            problem(row, "valid_from", _("chưa ghi ngày bắt đầu."))
        if start and end and end < start:
            problem(row, "valid_to", _("ngày kết thúc trước ngày bắt đầu."))
        if unit is not None and start and unit.valid_to and unit.valid_to < start:
            problem(row, "unit", _("đơn vị “%(unit)s” đã kết thúc hoạt động.") % {"unit": unit})
        key = (row.email, row.unit_code, role or row.role)
        if key in seen:
            problem(row, "role", _("trùng với dòng %(row)s.") % {"row": seen[key]})
        seen[key] = row.row
        existing = users.get(row.email)
        if existing is None:
            new_emails.add(row.email)
        if unit is not None and role is not None:
            if existing and Membership.objects.filter(user=existing, unit=unit, role=role).exists():
                preview.unchanged += 1
            else:
                preview.new_memberships += 1
    preview.new_users = len(new_emails)
    return preview


def set_password_link(user: User, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("password_set", kwargs={"uidb64": uid, "token": token})


def send_set_password(user: User, *, base_url: str) -> None:
    link = set_password_link(user, base_url=base_url)
    send_mail(
        _("Tài khoản hệ thống CCHC của bạn"),
        _(
            "Kính gửi %(name)s,\n\nQuản trị viên đã tạo tài khoản cho bạn trên hệ thống quản lý kiểm tra "
            "cải cách hành chính. Tên đăng nhập: %(username)s.\n\nMở liên kết sau để đặt mật khẩu "
            "(liên kết chỉ dùng được một lần):\n%(link)s\n"
        )
        % {"name": user.get_full_name(), "username": user.username, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def people_import_save(rows: list[PersonRow], *, user: User, base_url: str) -> PeoplePreview:
    """Check the rows again and save them all, or nothing."""
    preview = people_check(rows, user=user)
    if preview.problems:
        raise ValidationError(preview.problems)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={r.unit_code for r in rows})}
    created: list[User] = []
    with transaction.atomic():
        people: dict[str, User] = {}
        for row in rows:
            person = people.get(row.email) or User.objects.filter(email__iexact=row.email).first()
            if person is None:
                person = User(
                    username=row.email, email=row.email, full_name=row.full_name, position=row.position
                )
                person.set_unusable_password()
                person.full_clean()
                person.save()
                created.append(person)
            people[row.email] = person
            membership, made = Membership.objects.get_or_create(
                user=person,
                unit=units[row.unit_code],
                role=_role(row.role),
                defaults={
                    "valid_from": datetime.date.fromisoformat(row.valid_from),
                    "valid_to": datetime.date.fromisoformat(row.valid_to) if row.valid_to else None,
                },
            )
            if made:
                membership.full_clean()
            clear_scope_cache(person)
        transaction.on_commit(lambda: [send_set_password(p, base_url=base_url) for p in created])
    return preview


@transaction.atomic
def person_leave(*, person: User, last_day: datetime.date) -> int:
    """A person left: their current memberships end on ``last_day`` and the
    account is closed. Returns how many memberships ended."""
    ended = (
        Membership.objects.filter(user=person, valid_to__isnull=True)
        | Membership.objects.filter(user=person, valid_to__gt=last_day)
    ).update(valid_to=last_day)
    Membership.objects.filter(user=person, valid_from__gt=last_day).delete()
    person.is_active = False
    person.save(update_fields=["is_active"])
    clear_scope_cache(person)
    return ended


def memberships_end_with_unit(*, unit: Unit, last_day: datetime.date) -> int:
    """The memberships of a unit that ends stop on its last day."""
    return (
        Membership.objects.filter(unit=unit, valid_from__lte=last_day)
        .exclude(valid_to__lte=last_day)
        .update(valid_to=last_day)
    )
