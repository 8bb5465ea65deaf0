"""Vietnamese by default, English on request; official documents stay in
Vietnamese whatever the reader's language."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    """(flags, msgid, msgstr) of each entry of a .po file (plural entries
    give their msgstr[0])."""
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = [line for line in lines if not line.startswith("#")]
        joined = "\n".join(body)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', joined, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', joined, re.M)
        if msgid and msgstr:
            yield flags, _concat(msgid.group(1)), _concat(msgstr.group(1))


def _concat(quoted: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted))


class TestCatalogue:
    def test_every_message_has_an_english_translation(self):
        catalogue = list(entries(CATALOGUE.read_text()))
        untranslated = [msgid for _flags, msgid, msgstr in catalogue if msgid and not msgstr]
        fuzzy = [msgid for flags, msgid, _msgstr in catalogue if "fuzzy" in flags and msgid]
        assert untranslated == [] and fuzzy == []

    def test_placeholders_survive_translation(self):
        placeholder = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")
        wrong = [
            (msgid, msgstr)
            for _flags, msgid, msgstr in entries(CATALOGUE.read_text())
            if msgid and msgstr and sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))
        ]
        assert wrong == []


@pytest.mark.django_db
class TestLanguage:
    def test_vietnamese_by_default(self, client, inspector):
        client.force_login(inspector)
        page = client.get(reverse("inspections:plan_list")).content.decode()
        assert "Kế hoạch kiểm tra" in page and 'lang="vi"' in page

    def test_english_when_chosen(self, client, inspector):
        client.force_login(inspector)
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        page = client.get(reverse("inspections:plan_list")).content.decode()
        assert "Inspection plans" in page and 'lang="en"' in page
        assert "Kế hoạch kiểm tra" not in page
