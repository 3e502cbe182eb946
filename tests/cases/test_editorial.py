"""Editorial trust in the admin: workflow, confidentiality, history and conflict-safe edits."""

import pytest
from django.urls import reverse

from casetracker.cases.models import Event, Person, PublicationState, Revision
from tests.adminforms import change_url, form_data
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cases_person_changelist"


def test_editor_can_only_choose_draft_or_in_review(client, editor):
    client.force_login(editor)
    person = PersonFactory(publication_state=PublicationState.DRAFT)
    form = client.get(change_url(person)).context["adminform"].form
    choices = [value for value, _label in form.fields["publication_state"].choices]
    assert choices == ["draft", "in_review"]


def test_editor_cannot_publish_by_posting_the_form(client, editor):
    """Choosing "published" is refused for an editor, whatever the browser sends."""
    client.force_login(editor)
    person = PersonFactory(publication_state=PublicationState.DRAFT)
    response = client.post(change_url(person),
                           form_data(client, change_url(person), publication_state="published"))
    assert response.status_code == 200
    assert "publication_state" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.publication_state == PublicationState.DRAFT


def test_an_editors_change_to_a_published_record_waits_for_review(client, editor):
    """The record stays as it is (and as the public sees it); the change is a revision."""
    client.force_login(editor)
    person = PersonFactory(publication_state=PublicationState.PUBLISHED)
    response = client.post(change_url(person),
                           form_data(client, change_url(person), name="Changed"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name != "Changed"
    revision = Revision.objects.get()
    assert (revision.state, revision.author, revision.changes["name"][1]) == (
        "pending", editor, "Changed")
    assert "waits for a reviewer" in client.get(change_url(person)).content.decode()


def test_workflow_actions_and_their_history(client, editor, reviewer):
    """An editor submits a draft for review; a reviewer publishes it; history names both."""
    person = PersonFactory(publication_state=PublicationState.DRAFT)
    client.force_login(editor)
    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    assert "publish" not in [name for name, _label in actions]
    client.post(reverse(CHANGELIST), {"action": "submit_for_review", "_selected_action": person.pk})
    person.refresh_from_db()
    assert person.publication_state == PublicationState.IN_REVIEW

    client.force_login(reviewer)
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": person.pk})
    person.refresh_from_db()
    assert person.publication_state == PublicationState.PUBLISHED
    latest, previous = person.history.all()[:2]
    assert (latest.history_user, latest.publication_state) == (reviewer, "published")
    assert (previous.history_user, previous.publication_state) == (editor, "in_review")


def test_restricted_records_are_invisible_to_editors_and_viewers(client, editor, viewer,
                                                                 reviewer):
    hidden = PersonFactory(name="Hidden Witness", is_restricted=True)
    for user, sees in [(editor, False), (viewer, False), (reviewer, True)]:
        client.force_login(user)
        listed = client.get(reverse(CHANGELIST)).context["cl"].result_list
        assert (hidden in listed) is sees, user
        assert client.get(change_url(hidden)).status_code == (200 if sees else 302), user


def test_real_name_is_write_only_for_editors(client, editor, reviewer):
    """An editor never sees a recorded real name, and saving the form keeps it."""
    person = PersonFactory(name="Massud", is_pseudonym=True, real_name="Secret Realname",
                           publication_state=PublicationState.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(person)).content.decode()
    assert "Secret Realname" not in page
    assert "only reviewers can see it" in page
    response = client.post(change_url(person),
                           form_data(client, change_url(person), summary="Exiled in 2015."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.real_name, person.summary) == ("Secret Realname", "Exiled in 2015.")
    client.force_login(reviewer)
    assert "Secret Realname" in client.get(change_url(person)).content.decode()


def test_restricted_place_is_write_only_for_editors(client, editor):
    event = EventFactory(place="Unnamed Town", place_is_restricted=True,
                         publication_state=PublicationState.DRAFT,
                         person=PersonFactory(publication_state=PublicationState.DRAFT))
    client.force_login(editor)
    page = client.get(reverse("admin:cases_event_change", args=[event.pk])).content.decode()
    assert "Unnamed Town" not in page


def test_concurrent_edits_do_not_overwrite_each_other(client, editor):
    """Two staff open the same person; the second save is refused and both versions survive."""
    person = PersonFactory(name="Original", publication_state=PublicationState.DRAFT)
    client.force_login(editor)
    first = form_data(client, change_url(person), summary="First editor's summary.")
    second = form_data(client, change_url(person), summary="Second editor's summary.")
    assert client.post(change_url(person), first).status_code == 302

    response = client.post(change_url(person), second)
    assert response.status_code == 200
    content = response.content.decode()
    assert "saved this record after you opened it" in content
    assert "Second editor&#x27;s summary." in content  # their version is still in the form
    person.refresh_from_db()
    assert person.summary == "First editor's summary."
    assert person.version == 2


def test_version_moves_on_with_every_save_even_after_a_restore():
    person = PersonFactory()
    person.summary = "Changed"
    person.save()
    old = person.history.earliest().instance
    old.save()  # restoring the first version
    person.refresh_from_db()
    assert person.version == 3


def test_admin_changes_are_recorded_with_user_and_diff(client, reviewer):
    person = PersonFactory(summary="Before")
    client.force_login(reviewer)
    client.post(change_url(person), form_data(client, change_url(person), summary="After"))
    latest, previous = person.history.all()[:2]
    assert latest.history_user == reviewer
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "summary"] == [
        ("summary", "Before", "After")]
    history_page = client.get(reverse("admin:cases_person_history", args=[person.pk]))
    assert history_page.status_code == 200
    assert "After" in history_page.content.decode()


def test_viewer_cannot_change_anything(client, viewer):
    person = PersonFactory(publication_state=PublicationState.DRAFT)
    client.force_login(viewer)
    assert client.get(change_url(person)).status_code == 200
    response = client.post(change_url(person), {"name": "Changed"})
    assert response.status_code == 403
    assert not Event.objects.exists() and Person.objects.get().name != "Changed"


def test_whole_record_history_lists_changes_to_every_part(client, reviewer,
                                                          django_assert_max_num_queries):
    """The person's record history shows changes to their facts and citations, with diffs."""
    from casetracker.cases.history import record_history
    from tests.factories import CitationFactory

    person = PersonFactory(publication_state=PublicationState.DRAFT)
    event = EventFactory(person=person, kind="arrest", date="2015-09")
    CitationFactory(event=event, passage="arrested in September 2015")
    event.date = "2015-09-16"
    event.save()
    with django_assert_max_num_queries(12):
        entries = record_history(person, reviewer)
    kinds = [(entry.kind, entry.change_type) for entry in entries]
    assert ("event", "changed") in kinds and ("citation", "created") in kinds
    changed = next(e for e in entries if e.kind == "event" and e.change_type == "changed")
    assert [(change["field"], str(change["old"]), str(change["new"]))
            for change in changed.changes] == [("date", "2015-09", "2015-09-16")]
    client.force_login(reviewer)
    page = client.get(reverse("admin:cases_person_record_history", args=[person.pk]))
    assert page.status_code == 200
    assert "2015-09-16" in page.content.decode()


def test_record_history_hides_restricted_changes_from_editors(client, editor):
    person = PersonFactory(publication_state=PublicationState.DRAFT, is_pseudonym=True,
                           real_name="First Secret")
    person.real_name = "Second Secret"
    person.save()
    EventFactory(person=person, is_restricted=True, description="hidden")
    client.force_login(editor)
    page = client.get(reverse("admin:cases_person_record_history", args=[person.pk]))
    content = page.content.decode()
    assert "Second Secret" not in content and "First Secret" not in content
    assert "Arrest" not in content


def test_record_history_includes_merged_duplicates(reviewer):
    """After a merge, the survivor's history also tells the duplicate's story."""
    from casetracker.cases.history import record_history
    from casetracker.cases.services import person_merge

    keep = PersonFactory(name="Buzurgmehr Yorov")
    duplicate = PersonFactory(name="Buzurgmekhr Yorov")
    duplicate.summary = "Recorded separately from another article."
    duplicate.save()
    person_merge(keep=keep, duplicate=duplicate, user=None)
    labels = {entry.label for entry in record_history(keep, reviewer)}
    assert "Buzurgmekhr Yorov" in labels
