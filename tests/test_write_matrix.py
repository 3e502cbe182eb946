"""The write matrix: every POST the admin, the intake and the API take × every role.

The doors are generated, not listed: for every registered model admin and a record of
each state (published, draft, in review, withdrawn, restricted, and parts of each), its
change form and its add form as a browser would post them (read from the page a superuser
is shown, with one value changed), its deletion, a revert to its first version, and each
workflow action; each pending revision's approval and rejection; the intake's upload,
confirmation, merge, "not the same person", article and review; the API's creates and
updates. Each is posted as each role, inside a savepoint rolled back afterwards, and the
database is compared before and after, row by row:

- the public (anonymous), a partner in the admin, and viewers change nothing at all;
- editors change no locked record (published or withdrawn, a part of one, or reference
  data a public record uses) and lift no restriction: what they do to those is a pending
  revision, and their drafts are theirs to change;
- a partner's token creates drafts of its own and changes nothing else;
- reviewers and superusers change what they post, and every door changes something for a
  superuser (so the posts are real);
- every record changed is attributed to the one who posted, in its history.
"""

import json
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from casetracker.api.models import ApiToken
from casetracker.cases import policy
from casetracker.cases.models import Person, Revision
from casetracker.intake.models import ArticleIntake, ImportBatch
from tests.browserform import submitted
from tests.factories import UserFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "partner", "viewer", "editor", "reviewer", "superuser"]
APPS = ("cases", "intake", "api")
# Text fields a door changes, in the order tried: the first the form has is changed.
TEXT_FIELDS = ("summary", "description", "passage", "note", "role", "occupation", "fine",
               "wording", "code_article", "reason", "title", "other_names", "name")


@dataclass
class Door:
    kind: str
    path: str
    data: object = None  # form fields, or a function making them (for a file upload)
    json: bool = False
    method: str = "post"
    targets: set = field(default_factory=set)


def fingerprint() -> dict:
    """``{(model label, pk): values}`` of every row of the project's tables."""
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower == "api.apitoken":
                continue  # last_used_at moves with every token request
            names = [f.attname for f in model._meta.concrete_fields]
            for values in model._default_manager.order_by().values_list(*names):
                rows[(model._meta.label, values[names.index(model._meta.pk.attname)])] = values
    return rows


def sampled(model, limit_per_state=1):
    """A record of ``model`` in each distinct state (publication, restriction, lock)."""
    chosen = {}
    for record in model._default_manager.order_by("pk"):
        key = (getattr(record, "publication_state", None), getattr(record, "is_restricted", None),
               policy.is_locked(record), getattr(record, "merged_into_id", None) is not None)
        chosen.setdefault(key, []).append(record)
    return [record for records in chosen.values() for record in records[:limit_per_state]]


def changed_one_text(data: dict) -> dict:
    """``data`` with the first text field of the record (not of an inline) changed."""
    for name in TEXT_FIELDS:
        if name in data and data[name] and data[name][0] is not None:
            return {**data, name: [data[name][0] + " (changed)"]}
    for name in TEXT_FIELDS:
        if name in data:
            return {**data, name: ["changed"]}
    return data


def for_addition(data: dict) -> dict:
    """A change form's fields as an add form's: the record's own, no inline rows, and the
    names that must be unique made new."""
    fields = {name: value for name, value in data.items()
              if "-" not in name and name not in ("seen_version", "_save")}
    for name in ("slug", "name", "title", "external_id"):
        if fields.get(name) and fields[name][0]:
            fields[name] = [f"{fields[name][0]}-new"]
    for name in data:
        if name.endswith("-TOTAL_FORMS") or name.endswith("-INITIAL_FORMS"):
            fields[name] = ["0"]
        elif name.endswith(("-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            fields[name] = data[name]
    return fields


def admin_doors(client) -> list[Door]:
    """Every admin POST, with what a superuser's browser would send (``client`` is one)."""
    doors = []
    request = client.get("/admin/").wsgi_request
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        opts = model._meta
        info = f"admin:{opts.app_label}_{opts.model_name}"
        actions = list(model_admin.get_actions(request))
        for record in sampled(model):
            target = {(opts.label, record.pk)}
            change = reverse(f"{info}_change", args=[record.pk])
            page = client.get(change)
            if page.status_code == 200 and model is not Revision:
                data = submitted(page.content.decode())
                doors.append(Door("change", change, changed_one_text(data), targets=target))
                doors.append(Door("add", reverse(f"{info}_add"), for_addition(data)))
            doors.append(Door("delete", reverse(f"{info}_delete", args=[record.pk]),
                              {"post": "yes"}, targets=target))
            if hasattr(model, "history"):
                first = model.history.filter(id=record.pk).order_by("history_id").first()
                if first is not None:
                    revert = reverse(f"{info}_simple_history", args=[record.pk,
                                                                     first.history_id])
                    form = client.get(revert)
                    if form.status_code == 200:
                        doors.append(Door("revert", revert, changed_one_text(
                            submitted(form.content.decode())), targets=target))
            for action in actions:
                doors.append(Door("action", reverse(f"{info}_changelist"), {
                    "action": action, "_selected_action": [str(record.pk)], "index": "0",
                    "post": "yes"}, targets=target))
    for revision in Revision.objects.pending():
        path = reverse("admin:cases_revision_change", args=[revision.pk])
        doors += [Door("revision", path, {"_approve": "Approve"}),
                  Door("revision", path, {"_reject": "Reject", "review_note": "no"})]
    return doors


def intake_doors(client, world) -> list[Door]:
    people = list(Person.objects.filter(merged_into__isnull=True).order_by("pk")[:3])
    doors = [
        Door("intake", reverse("intake:import"), lambda: {"file": SimpleUploadedFile(
            "matrix.csv", b"name,country,event_kind,event_date\nMatrix Person,TJ,arrest,2016\n")}),
        Door("intake", reverse("intake:article_add"), {
            "title": "Matrix article", "publisher": "Example News", "language": "en",
            "country": "TJ", "text": "Matrix Person was arrested on 3 May 2016."}),
    ]
    doors += [Door("intake", reverse("intake:import_confirm", args=[batch.pk]), {})
              for batch in ImportBatch.objects.filter(state="planned")]
    for first, second in [(people[0], people[1]), (people[0], world.hidden)]:
        pair = sorted([first.pk, second.pk])
        path = reverse("intake:duplicate_compare", args=pair)
        doors += [Door("intake", path, {"keep": str(pair[0])}),
                  Door("intake", path, {"not_duplicate": "yes", "keep": str(pair[0])})]
    for article in ArticleIntake.objects.all():
        path = reverse("intake:article_review", args=[article.pk])
        data = submitted(client.get(path).content.decode(), form_id_suffix="")
        for name in list(data):
            if name.endswith("-decision"):
                data[name] = ["accept"]
        doors.append(Door("intake", path, data))
    return doors


def api_doors(world) -> list[Door]:
    family = world.family
    doors = [
        Door("api", "/api/v1/people/", {"name": "Matrix Partner Person", "country": "TJ"},
             json=True),
        Door("api", "/api/v1/events/", {"person": family.rustam.pk, "kind": "arrest"},
             json=True),
        Door("api", "/api/v1/sources/", {"title": "Matrix report", "publisher": "X"},
             json=True),
    ]
    for record in sampled(Person):
        doors.append(Door("api", f"/api/v1/people/{record.pk}/", {"summary": "changed"},
                          json=True, method="patch", targets={("cases.Person", record.pk)}))
    return doors


def log_in(client, role, world):
    if role == "anonymous":
        return None, {}
    if role == "partner":
        partner = UserFactory(username="matrix-partner")
        partner.groups.add(Group.objects.get(name="partner"))
        client.force_login(partner)
        _token, key = ApiToken.issue(user=partner, name="matrix", can_write=True)
        return partner, {"HTTP_AUTHORIZATION": f"Token {key}"}
    if role == "editor":
        client.force_login(world.editor)
        return world.editor, {}
    user = UserFactory(username=f"matrix-{role}", is_staff=True,
                       is_superuser=role == "superuser")
    if role != "superuser":
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user, {}


def locked_rows() -> set:
    """Rows whose change changes (or decides) what the public sees, and restrictions set."""
    keys = set()
    for label in ("cases",):
        for model in apps.get_app_config(label).get_models():
            if policy.history_of(model) or model is Revision:
                continue
            for record in model._default_manager.all():
                if policy.is_locked(record):
                    keys.add((model._meta.label, record.pk))
    return keys


def post(client, door, headers):
    data = door.data() if callable(door.data) else door.data
    send = getattr(client, door.method)
    if door.json:
        return send(door.path, json.dumps(data), content_type="application/json", **headers)
    return send(door.path, data, **headers)


def what_changed(before, after):
    created = after.keys() - before.keys()
    deleted = before.keys() - after.keys()
    changed = {key for key in before.keys() & after.keys() if before[key] != after[key]}
    return created, deleted, changed


def history_models():
    return {model._meta.label for label in APPS for model in apps.get_app_config(
        label).get_models() if policy.history_of(model)}


def violations(role, user, before, after, locked) -> list[str]:
    """What ``role`` changed that it may not (see the module docstring)."""
    created, deleted, changed = what_changed(before, after)
    logs = history_models()
    problems = []
    if role in ("anonymous", "viewer"):
        return [f"{kind} {key}" for kind, keys in (("created", created), ("deleted", deleted),
                                                     ("changed", changed)) for key in keys]
    if role == "partner":
        for key in created:
            model = apps.get_model(key[0])
            if key[0] in logs or model._meta.label in ("api.Submission", "cases.Revision",
                                                       "api.Submission_revisions"):
                continue
            record = model._default_manager.filter(pk=key[1]).first()
            owner = policy.owner(record) if record is not None else None
            if owner is None or getattr(owner, "publication_state", "draft") != "draft":
                problems.append(f"created {key}, not a draft of its own")
        problems += [f"changed {key}" for key in changed if key[0] not in logs]
        problems += [f"deleted {key}" for key in deleted]
        return problems
    if role == "editor":
        problems += [f"changed locked {key}" for key in changed & locked]
        problems += [f"deleted locked {key}" for key in deleted & locked]
        for key in changed | created:
            if key[0] in logs or key[0] not in {m._meta.label for m in apps.get_app_config(
                    "cases").get_models()}:
                continue
            record = apps.get_model(key[0])._default_manager.filter(pk=key[1]).first()
            state = getattr(record, "publication_state", "draft")
            if state not in policy.EDITOR_STATES and (key not in before or before[key] !=
                                                      after[key]):
                problems.append(f"put {key} in state {state}")
        for key in changed:
            model = apps.get_model(key[0])
            names = [f.attname for f in model._meta.concrete_fields]
            for flag in policy.RESTRICTION_FLAGS:
                if flag in names:
                    index = names.index(flag)
                    if before[key][index] and not after[key][index]:
                        problems.append(f"lifted {flag} of {key}")
    # Whoever changed a record is named in its history.
    for key in changed:
        model = apps.get_model(key[0])
        if key[0] in logs or not hasattr(model, "history"):
            continue
        latest = model.history.filter(id=key[1]).order_by("-history_id").first()
        if latest is not None and user is not None and latest.history_user_id != user.pk:
            problems.append(f"changed {key} without its history naming {user}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_only_the_allowed_roles_change_anything(client, settings, role):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/min")}
    world = build_world()
    client.force_login(world.reviewer)  # a superuser: the doors are what it is shown
    doors = admin_doors(client) + intake_doors(client, world) + api_doors(world)
    client.logout()
    user, headers = log_in(client, role, world)
    locked = locked_rows()
    problems, changed_by_kind, errors, revisions_proposed = [], {}, [], 0
    for door in doors:
        with transaction.atomic():
            before = fingerprint()
            response = post(client, door, headers)
            after = fingerprint()
            found = violations(role, user, before, after, locked)  # before the rollback
            transaction.set_rollback(True)
        if response.status_code >= 500:
            errors.append((door.kind, door.path, response.status_code))
        problems += [f"{door.kind} {door.path}: {problem}" for problem in found]
        created, deleted, changed = what_changed(before, after)
        if created or deleted or changed:
            changed_by_kind.setdefault(door.kind, 0)
            changed_by_kind[door.kind] += 1
        if any(label == "cases.Revision" for label, _pk in created):
            revisions_proposed += 1
    assert errors == []
    assert problems == []
    # Every kind of door changes something for a superuser (the API: for a partner's
    # token, the only way in): the posts are real ones.
    if role == "superuser":
        assert set(changed_by_kind) == {door.kind for door in doors} - {"api"}, changed_by_kind
    if role == "partner":
        assert set(changed_by_kind) == {"api"}, changed_by_kind
    if role == "editor":
        # Editors change drafts at once, and propose changes to what is published.
        assert changed_by_kind.get("change") and revisions_proposed, changed_by_kind
    assert len(doors) > 150
