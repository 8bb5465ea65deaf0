import datetime
import threading

import pytest
from django.db import connection, connections

from cchc.choices import DocumentKind, DocumentStatus, UnitKind
from cchc.documents.services import document_issue, register_next_number
from cchc.models import Job, NumberRegister, OfficialDocument
from cchc.services import unit_create


def make_document(unit, *, series=None, type_code="TB", symbol="ĐKT", summary="Kết luận kiểm tra"):
    document = OfficialDocument(
        kind=DocumentKind.CONCLUSION_NOTICE,
        issuing_unit=unit,
        register_series=series or f"unit:{unit.pk}",
        issuing_body="ĐOÀN KIỂM TRA",
        type_code=type_code,
        symbol=symbol,
        place="Quảng Nam",
        summary=summary,
        signer_position="TRƯỞNG ĐOÀN",
        signer_name="Lê Ngọc Quảng",
    )
    document.full_clean()
    document.save()
    return document


@pytest.fixture
def province(db):
    return unit_create(name="Ủy ban nhân dân tỉnh Quảng Nam", kind=UnitKind.PROVINCE, place_name="Quảng Nam")


@pytest.mark.django_db
class TestRegister:
    def test_numbers_start_at_one_per_series_type_and_year(self, province):
        assert register_next_number(series="team:1", type_code="TB", year=2019) == 1
        assert register_next_number(series="team:1", type_code="TB", year=2019) == 2
        assert register_next_number(series="team:1", type_code="BC", year=2019) == 1
        assert register_next_number(series="team:2", type_code="TB", year=2019) == 1
        assert register_next_number(series="team:1", type_code="TB", year=2020) == 1

    def test_issue_allocates_once_and_formats_with_a_leading_zero(
        self, province, django_capture_on_commit_callbacks
    ):
        document = make_document(province)
        with django_capture_on_commit_callbacks(execute=False):
            job = document_issue(document=document, issued_on=datetime.date(2019, 11, 8))
            again = document_issue(document=document, issued_on=datetime.date(2019, 11, 9))
        document.refresh_from_db()
        assert (document.number, document.status, document.issued_on) == (
            1,
            DocumentStatus.ISSUED,
            datetime.date(2019, 11, 8),
        )
        assert document.number_symbol == "01/TB-ĐKT"
        assert job is not None and again is None
        assert Job.objects.count() == 1
        assert NumberRegister.objects.get().last_number == 1

    def test_a_cong_van_has_no_type_code(self, province, django_capture_on_commit_callbacks):
        document = make_document(province, type_code="", symbol="UBND-NC")
        with django_capture_on_commit_callbacks(execute=False):
            document_issue(document=document, issued_on=datetime.date(2023, 12, 1))
        document.refresh_from_db()
        assert document.number_symbol == "01/UBND-NC"

    def test_number_146_has_no_padding(self, province):
        document = make_document(province)
        document.status, document.number, document.year = DocumentStatus.ISSUED, 146, 2019
        document.issued_on = datetime.date(2019, 11, 8)
        assert document.number_symbol == "146/TB-ĐKT"


@pytest.mark.django_db(transaction=True)
def test_fifty_documents_issued_at_once_get_fifty_consecutive_numbers(province):
    """Fifty issues at the same moment, each in its own connection, get
    distinct consecutive numbers (PostgreSQL locks the register row)."""
    if connection.vendor != "postgresql":
        pytest.skip("Parallel connections are the PostgreSQL case; SQLite serialises every writer.")
    documents = [make_document(province, summary=f"Văn bản {i}") for i in range(50)]
    barrier = threading.Barrier(len(documents))
    errors = []

    def issue(document):
        try:
            barrier.wait()
            document_issue(document=document, issued_on=datetime.date(2026, 1, 2))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(OfficialDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 51))
    assert NumberRegister.objects.get().last_number == 50
