"""The background job card and its retry: allowed, forbidden and out of
scope. Nothing here reaches a broker: a job row is enough, and a retry's
enqueue waits for a commit that the test transaction never makes."""

import pytest
from django.urls import reverse

from cchc.choices import JobStatus
from cchc.documents.services import RENDER_JOB
from cchc.models import Job

HTMX = {"HX-Request": "true"}


@pytest.fixture
def failed_job(units, inspector):
    return Job.objects.create(
        kind=RENDER_JOB,
        unit=units.district_a,
        params={"document_id": 0},
        status=JobStatus.FAILED,
        error="Văn bản chưa được cấp số nên chưa tạo được bản phát hành.",
        created_by=inspector,
        attempts=1,
    )


@pytest.mark.django_db
class TestJobCard:
    def test_the_person_who_started_it_sees_progress_and_the_reason(self, client, inspector, failed_job):
        client.force_login(inspector)
        response = client.get(reverse("job_detail", args=[failed_job.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Văn bản chưa được cấp số" in page
        assert reverse("job_retry", args=[failed_job.pk]) in page

    def test_staff_over_its_unit_see_it(self, client, leader, failed_job):
        client.force_login(leader)
        assert client.get(reverse("job_detail", args=[failed_job.pk])).status_code == 200

    @pytest.mark.parametrize("who", ["officer_b", "other_province_inspector", "outsider"])
    def test_out_of_scope_is_404(self, request, client, failed_job, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("job_detail", args=[failed_job.pk])).status_code == 404

    def test_an_officer_of_the_unit_does_not_see_staff_jobs(self, client, officer_a, failed_job):
        client.force_login(officer_a)
        assert client.get(reverse("job_detail", args=[failed_job.pk])).status_code == 404

    def test_anonymous_goes_to_the_login(self, client, failed_job):
        response = client.get(reverse("job_detail", args=[failed_job.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_polled_card_links_reload_to_the_page_that_shows_it(self, client, inspector, failed_job):
        failed_job.status = JobStatus.SUCCEEDED
        failed_job.save()
        client.force_login(inspector)
        response = client.get(
            reverse("job_detail", args=[failed_job.pk]),
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/documents/7/?tab=pdf"},
        )
        assert 'href="/documents/7/?tab=pdf"' in response.content.decode()

    def test_a_foreign_current_url_is_not_followed(self, client, inspector, failed_job):
        failed_job.status = JobStatus.SUCCEEDED
        failed_job.save()
        client.force_login(inspector)
        url = reverse("job_detail", args=[failed_job.pk])
        response = client.get(url, headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"})
        page = response.content.decode()
        assert "evil.example" not in page and f'href="{url}"' in page

    def test_without_htmx_the_card_comes_in_a_page(self, client, inspector, failed_job):
        client.force_login(inspector)
        page = client.get(reverse("job_detail", args=[failed_job.pk])).content.decode()
        assert "<html" in page and f'id="job-{failed_job.pk}"' in page


@pytest.mark.django_db
class TestJobRetry:
    def test_the_person_who_started_it_retries(self, client, inspector, failed_job):
        client.force_login(inspector)
        response = client.post(reverse("job_retry", args=[failed_job.pk]), headers=HTMX)
        assert response.status_code == 200
        assert f'id="job-{failed_job.pk}"' in response.content.decode()  # the card again, queued
        failed_job.refresh_from_db()
        assert (failed_job.status, failed_job.error) == (JobStatus.QUEUED, "")

    def test_without_htmx_the_retry_leads_back_to_the_job_page(self, client, inspector, failed_job):
        client.force_login(inspector)
        response = client.post(reverse("job_retry", args=[failed_job.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("job_detail", args=[failed_job.pk])

    def test_an_administrator_over_its_unit_retries(self, client, administrator, failed_job):
        client.force_login(administrator)
        assert client.post(reverse("job_retry", args=[failed_job.pk]), headers=HTMX).status_code == 200
        failed_job.refresh_from_db()
        assert failed_job.status == JobStatus.QUEUED

    def test_a_leader_reads_but_does_not_retry(self, client, leader, failed_job):
        client.force_login(leader)
        assert client.post(reverse("job_retry", args=[failed_job.pk])).status_code == 403
        failed_job.refresh_from_db()
        assert failed_job.status == JobStatus.FAILED

    @pytest.mark.parametrize("who", ["officer_a", "officer_b", "other_province_inspector", "outsider"])
    def test_out_of_scope_is_404(self, request, client, failed_job, who):
        client.force_login(request.getfixturevalue(who))
        assert client.post(reverse("job_retry", args=[failed_job.pk])).status_code == 404
        failed_job.refresh_from_db()
        assert failed_job.status == JobStatus.FAILED

    def test_a_job_that_did_not_fail_is_not_retried(self, client, inspector, failed_job):
        failed_job.status = JobStatus.SUCCEEDED
        failed_job.save()
        client.force_login(inspector)
        response = client.post(reverse("job_retry", args=[failed_job.pk]), follow=True)
        assert response.status_code == 200
        failed_job.refresh_from_db()
        assert failed_job.status == JobStatus.SUCCEEDED

    def test_only_post(self, client, inspector, failed_job):
        client.force_login(inspector)
        assert client.get(reverse("job_retry", args=[failed_job.pk])).status_code == 405
