"""Files from outside: XML attacks and zip bombs are refused before any
cell is read, formulas count for their cached values, and a formula saved
without one is reported. Every file here is a real, crafted .xlsx."""

import io
import zipfile
from collections import Counter

import pytest

from cchc import uploads
from indicators import xlsx
from indicators.xlsx import WorkbookError, check_archive, iter_sheets, open_workbook
from tests.indicators.conftest import imported, office_sheet, table_of, workbook_bytes


def rewrite(data: bytes, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """The same workbook with some parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = changes.get(item.filename, source.read(item.filename))
            target.writestr(item.filename, body)
        for name, body in (extra or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def simple_workbook() -> bytes:
    return workbook_bytes(
        lambda wb: office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)])
    )


def sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture
def no_parsing(monkeypatch):
    """Make any attempt to parse the workbook fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the reader was asked to parse a file that should have been refused")

    monkeypatch.setattr(xlsx, "_calamine_open", refuse)


class TestZipBombs:
    def test_a_highly_compressed_part_is_refused_before_parsing(self, no_parsing):
        bomb = rewrite(
            simple_workbook(), {}, {"xl/media/padding.xml": b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>"}
        )
        assert len(bomb) < 200 * 1024  # 30 MB of XML squeezed into a small upload
        with pytest.raises(WorkbookError) as error:
            open_workbook(bomb)
        assert "nén bất thường" in str(error.value)
        assert "bom zip" in str(error.value)

    def test_too_large_uncompressed_is_refused(self, no_parsing, monkeypatch):
        monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 5_000)
        with pytest.raises(WorkbookError, match="Tệp khi giải nén quá lớn"):
            open_workbook(simple_workbook())

    def test_too_many_entries_is_refused(self, no_parsing):
        many = rewrite(
            simple_workbook(), {}, {f"xl/extra/{n}.bin": b"x" for n in range(uploads.ZIP_MAX_ENTRIES)}
        )
        with pytest.raises(WorkbookError, match="quá nhiều thành phần"):
            open_workbook(many)

    def test_not_a_workbook(self, no_parsing):
        with pytest.raises(WorkbookError, match=r"không phải là bảng tính Excel \(.xlsx, .xlsm, .xls\)"):
            open_workbook(b"STT;Chi tieu;Nam 2019\n1;So TTHC;88\n")
        plain_zip = io.BytesIO()
        with zipfile.ZipFile(plain_zip, "w") as archive:
            archive.writestr("readme.txt", "hello")
        with pytest.raises(WorkbookError, match="Tệp nén không phải là bảng tính"):
            open_workbook(plain_zip.getvalue())


class TestXmlAttacks:
    LAUGHS = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10))
        + "]>"
    )

    def test_billion_laughs_in_a_sheet_is_refused(self, no_parsing):
        data = simple_workbook()
        xml = (
            sheet_xml(data)
            .replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "")
            .replace('<?xml version="1.0" encoding="UTF-8"?>', "")
        )
        xml = xml.replace("<t>Số lượng TTHC", "<t>&lol9;Số lượng TTHC")
        attacked = rewrite(data, {"xl/worksheets/sheet1.xml": (self.LAUGHS + xml).encode()})
        with pytest.raises(WorkbookError) as error:
            open_workbook(attacked)
        assert "DTD, thực thể" in str(error.value)
        assert "xl/worksheets/sheet1.xml" in str(error.value)

    def test_external_entity_is_refused(self, no_parsing):
        data = simple_workbook()
        xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>'
        attacked = rewrite(data, {"docProps/core.xml": xxe})
        with pytest.raises(WorkbookError, match="DTD, thực thể"):
            open_workbook(attacked)

    def test_the_same_file_without_the_attack_opens(self):
        workbook = open_workbook(simple_workbook())
        sheets = list(iter_sheets(workbook))
        assert workbook.kind == "xlsx"
        assert [sheet.title for sheet in sheets] == ["Sheet"]

    def test_the_check_reads_only_the_prolog(self, monkeypatch):
        # The sheet's body after its root element is not XML at all (an
        # undefined entity, tags that never close): parsing it would fail.
        # The check stops at the root element, having read one chunk.
        body = b'<?xml version="1.0"?><worksheet>' + b"<row>&undefined;<c>" * 20_000
        broken = rewrite(simple_workbook(), {"xl/worksheets/sheet1.xml": body})
        read: Counter[str] = Counter()
        original = zipfile.ZipExtFile.read

        def counting_read(stream, n=-1):
            chunk = original(stream, n)
            read[stream.name] += len(chunk)
            return chunk

        monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
        check_archive(io.BytesIO(broken))
        assert 0 < read["xl/worksheets/sheet1.xml"] <= 2048 < len(body)
        # The reader, parsing the sheet, finds no cell in it.
        assert [list(sheet.rows) for sheet in iter_sheets(open_workbook(broken))] == [[]]


class TestFormulas:
    def formula_workbook(self, cached: str | None) -> bytes:
        data = workbook_bytes(
            lambda wb: office_sheet(
                wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", "=SUM(40,48)")]
            )
        )
        xml = sheet_xml(data)
        assert "<f>SUM(40,48)</f><v></v>" in xml  # openpyxl saves no cached value
        if cached is not None:
            xml = xml.replace("<f>SUM(40,48)</f><v></v>", f"<f>SUM(40,48)</f><v>{cached}</v>")
        return rewrite(data, {"xl/worksheets/sheet1.xml": xml.encode()})

    def test_a_formula_counts_for_its_cached_value(self, catalogue, units):
        outcome = imported(self.formula_workbook("88"), units.district_a)
        assert outcome.applied, outcome.problems
        value = table_of(units.district_a, 2015).values.get(indicator=catalogue.pl03("1.2"))
        assert value.number == 88

    def test_a_formula_without_a_cached_value_is_reported_not_read_as_blank(self, catalogue, units):
        outcome = imported(self.formula_workbook(None), units.district_a, dry_run=True)
        assert [(p["sheet"], p["row"], p["column"]) for p in outcome.problems] == [("Sheet", 6, "C")]
        assert outcome.problems[0]["message"].startswith(
            "Ô có công thức (=SUM(40,48)) nhưng tệp không lưu kết quả"
        )
        assert outcome.problems[0]["where"] == "Trang tính “Sheet”, dòng 6, cột C (Năm 2015)"
