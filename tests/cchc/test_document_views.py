"""Every document view, allowed, forbidden and out of scope.

The province's inspector drafts and issues; a leader reads (403 on every
action); a unit officer sees a document only once it is published to their
unit; an inspector of a district or of another province has none of the
province's documents in scope (404). Jobs are queued on commit, which the
test transaction never makes: no broker is needed here (the pipeline with a
real worker is in ``test_document_pipeline.py``)."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.urls import reverse

from cchc.choices import DocumentStatus, Role
from cchc.documents import services
from cchc.documents.forms import DocumentContentForm, DocumentHeaderForm
from cchc.models import Job, Unit
from inspections.drafting import notice_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(inspection, inspector):
    return notice_draft(inspection=inspection, user=inspector)


@pytest.fixture
def issued(draft, inspector):
    """The draft issued, with an issued and a signed PDF stored (the bytes
    are this document's own, so a download shows which file was served)."""
    services.document_number(document=draft, user=inspector)
    marker = f"%PDF-1.7 van ban {draft.pk}".encode()
    draft.issued_file.save(services.document_file_name(draft), ContentFile(marker + b" issued"))
    draft.signed_file.save(services.document_file_name(draft, signed=True), ContentFile(marker + b" signed"))
    return draft


def snapshot(document) -> dict:
    """Every field of a document, to show that a refused request changed nothing."""
    document.refresh_from_db()
    return {**model_to_dict(document), "files": (document.issued_file.name, document.signed_file.name)}


@pytest.fixture
def province_leader(make_member, units):
    return make_member(Role.LEADER, units.province, username="lanhdao.tinh")


def form_data(*forms) -> dict:
    """What the page's forms would post, as they are filled in."""
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    return data


FORBIDDEN = ["province_leader", "officer_a"]
OUT_OF_SCOPE = ["district_inspector", "other_province_inspector", "outsider"]


class TestDetail:
    def test_staff_in_scope_see_the_draft(self, client, draft, inspector, province_leader):
        for user in (inspector, province_leader):
            client.force_login(user)
            response = client.get(reverse("document_detail", args=[draft.pk]))
            assert response.status_code == 200
        assert response.context["header_form"] is None and not response.context["can_edit"]

    def test_the_editor_gets_the_forms(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.get(reverse("document_detail", args=[draft.pk]))
        assert response.context["header_form"] is not None and response.context["can_edit"]

    @pytest.mark.parametrize("who", ["officer_a", "leader", *OUT_OF_SCOPE])
    def test_a_draft_is_404_outside_the_province_staff(self, request, client, draft, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("document_detail", args=[draft.pk])).status_code == 404

    def test_anonymous_goes_to_the_login(self, client, draft):
        response = client.get(reverse("document_detail", args=[draft.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"]


class TestPreview:
    def test_staff_read_the_official_layout(self, client, draft, province_leader):
        client.force_login(province_leader)
        response = client.get(reverse("document_preview", args=[draft.pk]))
        assert response.status_code == 200
        assert "official/official.css" in response.content.decode()

    def test_a_unit_officer_is_forbidden(self, client, draft, officer_a):
        client.force_login(officer_a)
        assert client.get(reverse("document_preview", args=[draft.pk])).status_code == 403

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_out_of_scope(self, request, client, draft, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("document_preview", args=[draft.pk])).status_code == 404


class TestEdit:
    def data(self, draft, **changes):
        data = form_data(DocumentHeaderForm(instance=draft), DocumentContentForm(content=draft.content))
        data.update(changes)
        return data

    def test_the_editor_saves_the_header_and_text(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(
            reverse("document_edit", args=[draft.pk]), self.data(draft, intro="Đoạn mở đầu đã sửa.")
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.content["intro"] == ["Đoạn mở đầu đã sửa."]

    def test_a_refused_form_keeps_what_was_typed(self, client, draft, inspector):
        client.force_login(inspector)
        data = self.data(draft, intro="Đoạn vừa gõ, chưa lưu.", issuing_body="")
        response = client.post(reverse("document_edit", args=[draft.pk]), data)
        assert response.status_code == 400
        assert "Đoạn vừa gõ, chưa lưu." in response.content.decode()

    @pytest.mark.parametrize("who", FORBIDDEN)
    def test_forbidden(self, request, client, draft, who):
        before = snapshot(draft)
        data = self.data(draft, intro="X", summary="Trích yếu đã bị sửa")
        client.force_login(request.getfixturevalue(who))
        response = client.post(reverse("document_edit", args=[draft.pk]), data)
        assert response.status_code == 403
        assert snapshot(draft) == before

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_out_of_scope(self, request, client, draft, who):
        client.force_login(request.getfixturevalue(who))
        response = client.post(reverse("document_edit", args=[draft.pk]), self.data(draft, intro="X"))
        assert response.status_code == 404
        draft.refresh_from_db()
        assert draft.content["intro"] != ["X"]


class TestIssueSignPublish:
    def test_the_editor_issues_and_a_render_job_is_queued(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(reverse("document_issue", args=[draft.pk]))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.ISSUED and draft.number == 1
        job = Job.objects.get()
        assert response["Location"].endswith(f"?job={job.pk}")

    def test_the_issue_date_is_chosen_and_checked_and_a_refusal_keeps_it(self, client, draft, inspector):
        client.force_login(inspector)
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        response = client.post(
            reverse("document_issue", args=[draft.pk]), {"issued_on": tomorrow.isoformat()}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Ngày ban hành không được sau ngày hôm nay." in page and tomorrow.isoformat() in page
        # The issuing unit ended yesterday: refused, with the reason.
        Unit.objects.filter(pk=draft.issuing_unit_id).update(valid_to=datetime.date(2025, 6, 30))
        response = client.post(reverse("document_issue", args=[draft.pk]), {"issued_on": "2025-07-01"})
        assert response.status_code == 400
        assert "đã kết thúc hoạt động từ ngày 30/06/2025" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.DRAFT
        response = client.post(reverse("document_issue", args=[draft.pk]), {"issued_on": "2025-06-30"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.issued_on == datetime.date(2025, 6, 30) and draft.year == 2025

    def test_signing_a_draft_is_refused_with_a_reason(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(reverse("document_sign", args=[draft.pk]), follow=True)
        assert "Hãy cấp số văn bản trước khi ký." in response.content.decode()
        assert not Job.objects.exists()

    def test_publishing_an_unsigned_document_is_refused(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(reverse("document_publish", args=[draft.pk]), follow=True)
        assert response.status_code == 200
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.DRAFT

    @pytest.mark.parametrize("view", ["document_issue", "document_sign", "document_publish"])
    @pytest.mark.parametrize("who", FORBIDDEN)
    def test_forbidden(self, request, client, draft, view, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse(view, args=[draft.pk])).status_code == 403
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.DRAFT and not Job.objects.exists()

    @pytest.mark.parametrize("view", ["document_issue", "document_sign", "document_publish"])
    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_out_of_scope(self, request, client, draft, view, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse(view, args=[draft.pk])).status_code == 404
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.DRAFT and not Job.objects.exists()


class TestFilesAndUpload:
    def test_a_draft_has_no_file_to_download(self, client, draft, inspector):
        client.force_login(inspector)
        assert client.get(reverse("document_file", args=[draft.pk, "issued"])).status_code == 404
        assert client.get(reverse("document_file", args=[draft.pk, "other"])).status_code == 404

    @pytest.mark.parametrize("which", ["issued", "signed"])
    def test_staff_in_scope_download_the_stored_file(self, client, issued, province_leader, which):
        client.force_login(province_leader)
        response = client.get(reverse("document_file", args=[issued.pk, which]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == f"%PDF-1.7 van ban {issued.pk} {which}".encode()
        name = services.document_file_name(issued, signed=which == "signed")
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert (response["Cache-Control"], response["X-Content-Type-Options"]) == ("no-store", "nosniff")

    @pytest.mark.parametrize("which", ["issued", "signed"])
    @pytest.mark.parametrize("who", ["officer_a", *OUT_OF_SCOPE])
    def test_files_out_of_scope(self, request, client, issued, who, which):
        """An existing file (the one the test above downloads) is 404 to a
        user without the document in scope: the unit's officer before it is
        published to them, and everyone outside the province's staff."""
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("document_file", args=[issued.pk, which])).status_code == 404

    def test_an_upload_without_a_file_says_so(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(reverse("document_upload_signed", args=[draft.pk]), {})
        assert response.status_code == 400

    @pytest.fixture
    def rendered(self, draft, inspector, signing_files):
        """An issued and rendered notice, and a copy of it signed with the
        trusted demo certificate: an upload the editor's post would keep."""
        services.document_number(document=draft, user=inspector)
        document = services.document_render(document_id=draft.pk)
        with document.issued_file.open("rb") as handle:
            signed = services.document_pdf_sign(document=document, pdf=handle.read())
        return document, signed

    def upload(self, client, document, signed):
        upload = ContentFile(signed, name="da-ky.pdf")
        return client.post(reverse("document_upload_signed", args=[document.pk]), {"file": upload})

    def test_the_editor_uploads_a_signed_copy(self, client, rendered, inspector):
        document, signed = rendered
        client.force_login(inspector)
        assert self.upload(client, document, signed).status_code == 302
        document.refresh_from_db()
        assert document.status == DocumentStatus.SIGNED and document.signing_method == "external"

    def test_a_signed_copy_with_javascript_added_is_refused_by_the_gate(self, client, rendered, inspector):
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        document, signed = rendered
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        action = generic.DictionaryObject(
            {
                generic.NameObject("/S"): generic.NameObject("/JavaScript"),
                generic.NameObject("/JS"): generic.TextStringObject("app.alert(1)"),
            }
        )
        writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action)
        writer.update_root()
        out = io.BytesIO()
        writer.write(out)
        client.force_login(inspector)
        response = self.upload(client, document, out.getvalue())
        assert "Tệp PDF chứa JavaScript" in response.content.decode()
        document.refresh_from_db()
        assert not document.signed_file

    @pytest.mark.parametrize("who", FORBIDDEN)
    def test_upload_forbidden(self, request, client, rendered, who):
        """The same upload the editor's post keeps (the test above) changes
        nothing when a leader or a unit officer posts it."""
        document, signed = rendered
        before = snapshot(document)
        client.force_login(request.getfixturevalue(who))
        assert self.upload(client, document, signed).status_code == 403
        assert snapshot(document) == before and not document.signed_file

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_upload_out_of_scope(self, request, client, draft, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse("document_upload_signed", args=[draft.pk]), {}).status_code == 404


def plan_urls(plan, inspection):
    return [
        reverse("inspections:notice_draft", args=[inspection.pk]),
        reverse("inspections:plan_document_draft", args=[plan.pk, "report"]),
        reverse("inspections:plan_document_draft", args=[plan.pk, "letter"]),
        reverse("inspections:plan_notices_issue", args=[plan.pk]),
    ]


class TestDraftingFromInspections:
    def test_the_notice_is_drafted_once(self, client, inspection, inspector):
        client.force_login(inspector)
        url = reverse("inspections:notice_draft", args=[inspection.pk])
        first = client.post(url)
        second = client.post(url)
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"]

    @pytest.mark.parametrize("kind", ["report", "letter"])
    def test_plan_documents_are_drafted(self, client, plan, inspection, inspector, kind):
        client.force_login(inspector)
        response = client.post(reverse("inspections:plan_document_draft", args=[plan.pk, kind]))
        assert response.status_code == 302 and "/documents/" in response["Location"]

    def test_an_unknown_plan_document_is_404(self, client, plan, inspector):
        client.force_login(inspector)
        assert client.post(reverse("inspections:plan_document_draft", args=[plan.pk, "x"])).status_code == 404

    def test_the_plan_notices_are_one_job(self, client, plan, inspection, inspector):
        client.force_login(inspector)
        response = client.post(reverse("inspections:plan_notices_issue", args=[plan.pk]))
        assert response.status_code == 302
        job = Job.objects.get()
        assert response["Location"].endswith(f"?job={job.pk}")

    @pytest.mark.parametrize("who", FORBIDDEN)
    def test_forbidden(self, request, client, plan, inspection, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse("inspections:notice_draft", args=[inspection.pk])).status_code == 403
        assert (
            client.post(reverse("inspections:plan_document_draft", args=[plan.pk, "report"])).status_code
            == 403
        )
        assert client.post(reverse("inspections:plan_notices_issue", args=[plan.pk])).status_code == 403
        assert not Job.objects.exists()

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_out_of_scope(self, request, client, plan, inspection, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse("inspections:notice_draft", args=[inspection.pk])).status_code == 404
        assert (
            client.post(reverse("inspections:plan_document_draft", args=[plan.pk, "report"])).status_code
            == 404
        )
        assert client.post(reverse("inspections:plan_notices_issue", args=[plan.pk])).status_code == 404
        assert not Job.objects.exists()


class TestOneTruthfulState:
    """The document page after "issue" (issue 16): one state and the next
    action, a way back to the inspection, no empty box after publishing."""

    def issue(self, client, draft, inspector):
        client.force_login(inspector)
        response = client.post(reverse("document_issue", args=[draft.pk]), {"sign": "1"})
        return Job.objects.get(), response["Location"]

    def test_no_second_sign_button_while_signing_is_queued(self, client, draft, inspector):
        job, location = self.issue(client, draft, inspector)
        page = client.get(location).content.decode()
        assert f'id="job-{job.pk}"' in page
        assert "Ký số trên máy chủ</button>" not in page
        # The card polls quickly at first, and asks the page to reload when done.
        assert 'hx-trigger="load delay:150ms"' in page
        assert f'hx-get="/jobs/{job.pk}/?done=reload"' in page

    def test_a_finished_job_reloads_the_page_which_shows_the_result_without_the_card(
        self, client, draft, inspector
    ):
        job, location = self.issue(client, draft, inspector)
        Job.objects.filter(pk=job.pk).update(status="succeeded", progress_done=1)
        poll = client.get(f"/jobs/{job.pk}/?done=reload", HTTP_HX_REQUEST="true")
        assert poll.headers["HX-Refresh"] == "true"
        page = client.get(location).content.decode()
        assert f'id="job-{job.pk}"' not in page and "Tải lại trang" not in page

    def test_the_page_leads_back_to_its_inspection(self, client, draft, inspector, inspection):
        client.force_login(inspector)
        page = client.get(reverse("document_detail", args=[draft.pk])).content.decode()
        assert f'class="js-document-source" href="/inspections/{inspection.pk}/"' in page

    def test_no_empty_box_after_publishing(self, client, issued, inspector):
        from cchc.models import OfficialDocument

        OfficialDocument.objects.filter(pk=issued.pk).update(status=DocumentStatus.SIGNED)
        issued.refresh_from_db()
        services.document_publish(document=issued, user=inspector)
        client.force_login(inspector)
        page = client.get(reverse("document_detail", args=[issued.pk])).content.decode()
        assert 'class="card mb-3"' not in page

    def test_publishing_asks_first(self, client, issued, inspector):
        from cchc.models import OfficialDocument

        OfficialDocument.objects.filter(pk=issued.pk).update(status=DocumentStatus.SIGNED)
        client.force_login(inspector)
        page = client.get(reverse("document_detail", args=[issued.pk])).content.decode()
        assert 'data-confirm="Phát hành văn bản tới các đơn vị liên quan?' in page
