"""Hostile input on every URL of the access matrix: no server error.

For each row of ``tests/test_access_matrix.py`` (its world, its allowed
user), every query parameter and form field the URL reads is set in turn
to each value of ``HOSTILE``, the others left as the row and the page send
them, and so is each URL argument. The fields are those of the row's own
request and those of the forms (and HTMX elements) of the world's pages
that send to the URL: the dashboards' filters, the grid's cell and its
``version-<id>``, the forms of every create and edit page. No answer may be
a 500, and no error may be logged. Each request runs in a savepoint rolled
back after it, so that one hostile value does not change what the next
one meets.

Django's admin is left out of the matrix; its add forms are fuzzed here
too, as a superuser, with the values that broke them (a NUL byte, a
number of thousands of digits, a malformed date)."""

import logging
import re
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests import test_access_matrix as matrix
from tests.test_access_matrix import ROWS, Row, url_name

# The matrix's world, built once for this module too.
world = matrix.world
world_media = matrix.world_media
media_root = matrix.media_root

HOSTILE = {
    "nul": "a\x00b",
    "control": "a\x01\x08\x1b\x7fb",
    "long": "x" * 10_000,
    "digits": "9" * 5_000,
    "negative": "-1",
    "huge": "9" * 25,
    "date": "2024-02-30",
    "exponent": "1e999999",
    "unicode": "\u202e\u200b\ufeffĐ\u0301\U0001d7d8\U0001f600",
    # str.isdigit() is true of it, int() refuses it.
    "superscript": "²³",
}

# What the admin's add forms get (each a whole form post per value).
ADMIN_HOSTILE = ("nul", "digits", "long", "date")


class Forms(HTMLParser):
    """The fields each page sends, by target path and method: its forms
    (with their values as the page fills them) and its HTMX elements
    (``hx-post``/``hx-get`` with their ``name`` and ``hx-params``)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.found: dict[tuple[str, str], dict[str, str]] = {}
        self.form: dict[str, str] | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def target(self, action: str | None) -> str:
        return urlsplit(urljoin(self.page, action or self.page)).path

    def fields(self, path: str, method: str) -> dict[str, str]:
        return self.found.setdefault((path, method), {})

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        name = attrs.get("name", "")
        for method in ("post", "get"):
            if f"hx-{method}" in attrs and tag != "form":
                fields = self.fields(self.target(attrs[f"hx-{method}"]), method)
                if name:
                    fields.setdefault(name, attrs.get("value", ""))
                for extra in attrs.get("hx-params", "").split(","):
                    if extra.strip() and extra.strip() not in ("*", "none"):
                        fields.setdefault(extra.strip(), "")
        if tag == "a" and attrs.get("href", "").partition("?")[2]:
            href = attrs["href"]
            fields = self.fields(self.target(href.partition("?")[0] or self.page), "get")
            for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                fields.setdefault(key, value)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.form = self.fields(self.target(attrs.get("action")), method)
        elif self.form is not None and name and name != "csrfmiddlewaretoken":
            if tag == "input" and attrs.get("type") not in ("submit", "button", "image", "reset"):
                if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                    self.form.setdefault(name, "")
                else:
                    self.form[name] = attrs.get("value", "")
            elif tag == "textarea":
                self.textarea = name
                self.form[name] = ""
            elif tag == "select":
                self.select = name
                self.form.setdefault(name, "")
        if tag == "option" and self.form is not None and self.select and "selected" in attrs:
            self.form[self.select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def _path(world, key: str) -> str:
    row = ROWS[key]
    return reverse(url_name(key), kwargs=(row.allowed.kwargs or row.kwargs)(world))


@pytest.fixture(scope="module")
def pages(world, django_db_blocker):
    """The fields sent to each path, from every page of the matrix that
    its allowed user reads with a GET."""
    from django.test import Client

    found: dict[tuple[str, str], dict[str, str]] = {}
    with django_db_blocker.unblock():
        for key, row in ROWS.items():
            check = row.allowed
            path = _path(world, key)
            query = check.query(world) if callable(check.query) else check.query
            # Its allowed user's page, and the unit officer's (who edits where others read).
            for user in dict.fromkeys([check.user, "officer_a"]):
                client = Client()
                if user:
                    client.force_login(world.users[user])
                with transaction.atomic():
                    response = client.get(f"{path}?{query}" if query else path)
                    transaction.set_rollback(True)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = Forms(path)
                parser.feed(response.content.decode())
                for target, fields in parser.found.items():
                    for name, value in fields.items():
                        found.setdefault(target, {}).setdefault(name, value)
    return found


def _row_data(world, row: Row) -> dict:
    data = row.allowed.data
    # A row's data is a dict or a function of the world, as the matrix takes it.
    return dict((data(world) if callable(data) else data) or {})


def fuzzed(names) -> list[str]:
    """The names to fuzz: one of each family of numbered fields (a
    formset's or an admin inline's forms, the grid's ``cell-<id>`` and
    ``version-<id>``, a document's ``p<point>-<n>-units``), which the same
    code reads."""
    families = {}
    for name in names:
        families.setdefault(re.sub(r"[0-9]+", "#", name), name)
    return list(families.values())


def cases(world, pages, key: str):
    """(label, method, path, data) for every hostile request of one row."""
    row = ROWS[key]
    check = row.allowed
    kwargs = (check.kwargs or row.kwargs)(world)
    path = _path(world, key)
    query_string = check.query(world) if callable(check.query) else check.query
    query = dict(parse_qsl(query_string, keep_blank_values=True))

    get_fields = {**pages.get((path, "get"), {}), **query}
    post_fields = dict(pages.get((path, "post"), {}))
    posts = check.method == "post" or bool(post_fields)
    for name in fuzzed(get_fields):
        for label, value in HOSTILE.items():
            yield f"?{name}={label}", "get", path, {**get_fields, name: value}
    if posts:
        row_keys = list(_row_data(world, row))
        for name in fuzzed(dict.fromkeys([*post_fields, *row_keys])):
            for label, value in HOSTILE.items():

                def data(world=world, name=name, value=value):
                    return {**post_fields, **_row_data(world, row), name: value}

                yield f"{name}={label}", "post", f"{path}?{query_string}" if query_string else path, data
    for kwarg, real in kwargs.items():
        for label, value in HOSTILE.items():
            try:
                target = reverse(url_name(key), kwargs={**kwargs, kwarg: value})
            except NoReverseMatch:
                # A converter (int) the value does not fit: the address as a client would write it.
                target = path.replace(f"/{real}/", f"/{quote(value, safe='')}/", 1)
            try:
                resolve(urlsplit(target).path)
            except Resolver404:
                continue  # no view sees it: the resolver answers 404
            yield (
                f"<{kwarg}>={label}",
                check.method,
                target,
                query if check.method == "get" else _row_data(world, row),
            )


def _send(client, method, target, data):
    data = data() if callable(data) else data
    if method == "get":
        return client.get(target, data)
    return client.post(target, data)


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def error_log():
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


@pytest.fixture
def open_limits(settings):
    # The fuzz sends a URL hundreds of requests: the per-address limits would answer 429.
    settings.CCHC_RATE_LIMITS = {}


def _fuzz(client, user, requests, error_log):
    client.raise_request_exception = False
    if user is not None:
        client.force_login(user)
    failures = []
    count = 0
    for label, method, target, data in requests:
        count += 1
        error_log.clear()
        with transaction.atomic():
            response = _send(client, method, target, data)
            transaction.set_rollback(True)
        if response.status_code >= 500 or error_log:
            logged = error_log[0].getMessage() if error_log else ""
            failures.append(f"{label} ({method.upper()}): {response.status_code} {logged}".strip())
    return count, failures


@pytest.fixture(scope="module")
def report(request):
    """How many requests the fuzz sent, and how long they took, written
    under the module's results (CI's log keeps them)."""
    cases: dict[str, tuple[int, float]] = {}
    yield cases
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is None or capture is None or not cases:
        return
    total = sum(count for count, _seconds in cases.values())
    seconds = sum(took for _count, took in cases.values())
    with capture.global_and_fixture_disabled():
        terminal.write_line(
            f"\nhostile-input fuzz: {total} URL x value cases over {len(cases)} URLs in {seconds:.1f} s"
        )
        for key, (count, took) in sorted(cases.items(), key=lambda item: -item[1][1])[:5]:
            terminal.write_line(f"  {key}: {count} cases, {took:.1f} s")


@pytest.mark.parametrize("key", list(ROWS))
def test_no_server_error_from_hostile_input(client, db, world, pages, error_log, open_limits, report, key):
    row = ROWS[key]
    user = world.users[row.allowed.user] if row.allowed.user else None
    requests = list(cases(world, pages, key))
    if not requests:
        # A page that reads nothing: what the request middleware sees still must not break it.
        path = _path(world, key)
        requests = [(f"?q={label}", row.allowed.method, path, {"q": v}) for label, v in HOSTILE.items()]
    started = time.perf_counter()
    count, failures = _fuzz(client, user, requests, error_log)
    report[key] = (count, time.perf_counter() - started)
    assert failures == []


def admin_add_urls() -> list[str]:
    names = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_add"
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        names.append(name)
    return sorted(names)


@pytest.mark.parametrize("name", admin_add_urls())
def test_no_server_error_in_the_admin_add_forms(client, db, world, error_log, open_limits, report, name):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("quan-tri-fuzz", "fuzz@example.gov.vn", "x")
    client.force_login(superuser)
    path = reverse(name)
    response = client.get(path)
    if response.status_code == 403:  # an admin that adds nothing by hand
        return
    assert response.status_code == 200
    parser = Forms(path)
    parser.feed(response.content.decode())
    # An admin whose fields are all read-only posts an empty form.
    fields = parser.found.get((path, "post"), {}) or {"_save": "1"}

    def requests():
        for label in ADMIN_HOSTILE:
            # Every field at once: the admin validates the whole form, field by field.
            yield label, "post", path, {**fields, **dict.fromkeys(fields, HOSTILE[label])}
            # And one by one, so a field's error cannot hide another's crash.
            for field in fuzzed(name for name in fields if "__prefix__" not in name):
                yield f"{field}={label}", "post", path, {**fields, field: HOSTILE[label]}

    started = time.perf_counter()
    count, failures = _fuzz(client, superuser, requests(), error_log)
    report[name] = (count, time.perf_counter() - started)
    assert failures == []
