"""The admin page that loads provinces from the official lists: the
``load_units`` command in the browser, a few provinces at a time."""

import re

import pytest
from django.urls import reverse

from cchc.models import Unit, UnitSuccession
from tests.factories import UserFactory

URL = "admin:cchc_unit_load_official"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_unit_list_links_to_the_page(admin_client):
    page = admin_client.get(reverse("admin:cchc_unit_changelist")).content.decode()
    assert reverse(URL) in page


def test_the_page_lists_the_34_provinces(admin_client):
    page = admin_client.get(reverse(URL)).content.decode()
    assert page.count('name="provinces"') == 34
    assert "42 – " in page and "Hà Tĩnh" in page


def test_a_province_loads_and_loading_it_again_changes_nothing(admin_client):
    response = admin_client.post(reverse(URL), {"provinces": ["42"], "bodies": "on"})
    assert response.status_code == 200
    assert Unit.objects.filter(code="42", valid_to__isnull=True).exists()
    units, links = Unit.objects.count(), UnitSuccession.objects.count()
    assert units > 100 and links > 100
    assert "mới: " in response.content.decode()

    again = admin_client.post(reverse(URL), {"provinces": ["42"], "bodies": "on"}).content.decode()
    assert (Unit.objects.count(), UnitSuccession.objects.count()) == (units, links)
    assert "mới: " not in again and "không đổi: " in again


def test_more_than_five_provinces_is_refused_and_loads_nothing(admin_client):
    codes = ["01", "04", "08", "11", "12", "14"]
    page = admin_client.post(reverse(URL), {"provinces": codes}).content.decode()
    assert "Mỗi lần nạp tối đa 5 tỉnh" in page
    # The six ticked provinces come back ticked.
    assert len(re.findall(r'name="provinces" value="(?:01|04|08|11|12|14)"[^>]*checked', page)) == 6
    assert not Unit.objects.exists()


def test_a_province_not_in_the_lists_is_refused(admin_client):
    page = admin_client.post(reverse(URL), {"provinces": ["99"]}).content.decode()
    assert "99" in page and not Unit.objects.exists()


def test_only_who_may_add_units_gets_the_page(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"provinces": ["42"]}).status_code == 403
    assert not Unit.objects.exists()
