"""A world of records in every state, with a marker in every restricted field, and every door.

The leak and write matrices (``tests/test_leak_matrix.py``, ``tests/test_write_matrix.py``)
are generated from two things, neither written by hand per case:

- :func:`build_world`: the public tests' fictional family and their secrets, plus what the
  admin's own doors hold (history rows of records restricted once, merges, pending
  revisions, import reports, article intakes, duplicate decisions). Every secret carries a
  marker of :data:`MARKERS`, classed by who may read it (:data:`RESTRICTED`: reviewers
  only; the rest: staff, never the public).
- :func:`every_page`: every GET address of the URL conf, its arguments filled from the
  database: each admin view of each registered model for each of its records and history
  rows, each autocomplete field, the intake pages, the API and the public site. A new model,
  admin view or URL joins the matrices without a test being written for it.
"""

import io
import re
import zipfile
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from casetracker.cases.models import Event, Person, PublicationState, Revision
from casetracker.cases.services import person_merge, record_save
from casetracker.intake import services as intake
from casetracker.intake.models import ArticleIntake, ImportBatch, NotDuplicate
from tests.factories import (
    AliasFactory,
    EventFactory,
    PersonFactory,
    RelationshipFactory,
    SourceFactory,
    UserFactory,
)
from tests.public.cases import MARKERS as PUBLIC_MARKERS
from tests.public.cases import build_family, build_secrets, cite

#: Markers of what only staff who may see restricted data (reviewers) may read.
RESTRICTED = {
    "restricted alias", "real name", "restricted event place", "restricted detention place",
    "restricted event", "restricted source", "restricted source passage", "restricted person",
    "unpublished proceeding fine", "restricted relationship note",
    "old restricted name", "restricted person's event", "relationship to a restricted person",
    "restricted duplicate", "proposed secret place", "restricted article",
    "restricted import row",
}
MARKERS = {
    **PUBLIC_MARKERS,
    "old restricted name": "Zzoldrestrictedname",
    "restricted person's event": "Zzrestrictedpersonsevent",
    "relationship to a restricted person": "Zzrelationtorestricted",
    "restricted duplicate": "Zzrestrictedduplicate",
    "proposed secret place": "Zzproposedsecretplace",
    "restricted article": "Zzrestrictedarticle",
    "restricted import row": "Zzrestrictedimportrow",
    "draft import": "Zzdraftimport",
}
assert set(MARKERS) >= RESTRICTED


def build_world() -> SimpleNamespace:
    """Every state a record can be in, and every door's own records (see the module)."""
    family = build_family()
    secrets = build_secrets(family)
    m = MARKERS
    reviewer = UserFactory(username="world-reviewer", is_staff=True, is_superuser=True)
    editor = UserFactory(username="world-editor", is_staff=True)
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="editor"))
    rustam = family.rustam

    # A person restricted under a name later changed, then unrestricted: the old name is in
    # a restricted history row.
    renamed = PersonFactory(name=m["old restricted name"], is_restricted=True)
    renamed.name, renamed.is_restricted = "Renamed Witness", False
    renamed.save()

    # The restricted person's own facts, and a relationship with them.
    hidden = Person.objects.get(name=m["restricted person"])
    EventFactory(person=hidden, kind=Event.Kind.ARREST, date="2010",
                 description=m["restricted person's event"])
    RelationshipFactory(person=hidden, kind="sibling", relative=rustam,
                        note=m["relationship to a restricted person"])

    # A restricted duplicate merged into the pseudonymous case.
    pseudonym = Person.objects.get(name="Pen Name Blogger")
    duplicate = PersonFactory(name=m["restricted duplicate"], is_restricted=True)
    AliasFactory(person=duplicate, name="Duplicate's alias")
    person_merge(keep=pseudonym, duplicate=duplicate, user=reviewer)

    # An editor's pending change of a restricted place.
    secret_place = Event.objects.get(place=m["restricted event place"])
    secret_place.publication_state = PublicationState.PUBLISHED
    secret_place.save()
    proposed = Event.objects.get(pk=secret_place.pk)
    proposed.place = m["proposed secret place"]
    pending = record_save(user=editor, instance=proposed, reason="A new place")
    assert isinstance(pending, Revision)

    # A reviewer's import whose report names the restricted person; an editor's own.
    sheet = (f"person_id,occupation\n{hidden.pk},{m['restricted import row']}\n").encode()
    reviewer_batch = intake.import_batch_create(content=sheet, file_name="review.csv",
                                                user=reviewer)
    editor_batch = intake.import_batch_create(
        content=f"name,country\n{m['draft import']},TJ\n".encode(), file_name="edit.csv",
        user=editor)

    # An article from a restricted source, and one naming the restricted person.
    restricted_article = intake.article_intake_create(
        title=m["restricted article"], publisher="Hidden Press", user=reviewer,
        text=f"{m['restricted person']} was arrested on 3 May 2016.")
    restricted_article.source.is_restricted = True
    restricted_article.source.save()
    # An open article naming the restricted person by an alias of theirs: the review's
    # candidates must not offer them to staff who may not see them.
    AliasFactory(person=hidden, name="Qwertyuiop Asdfgh")
    open_article = intake.article_intake_create(
        title="An open article", publisher="Example News", user=reviewer,
        text="Qwertyuiop Asdfgh was sentenced to 7 years in 2016.")

    NotDuplicate.objects.create(first=min(rustam, hidden, key=lambda p: p.pk),
                                second=max(rustam, hidden, key=lambda p: p.pk))
    cite(SourceFactory(title="A draft source for the world", publication_state="draft"),
         family.arrest, "A draft citation.")
    return SimpleNamespace(family=family, secrets=secrets, reviewer=reviewer, editor=editor,
                           hidden=hidden, pseudonym=pseudonym, duplicate=duplicate,
                           pending=pending, batches=[reviewer_batch, editor_batch],
                           articles=[restricted_article, open_article])


# ---------------------------------------------------------------------------------------
# Every door
# ---------------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix=""):
    """``(route, pattern)`` for every URL pattern of the URL conf, routes joined."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def model_admin_of(pattern):
    view = pattern.callback
    found = getattr(view, "model_admin", None)
    while found is None and hasattr(view, "__wrapped__"):
        view = view.__wrapped__
        found = getattr(getattr(view, "__self__", None), "model", None) and view.__self__
    return found


def _fill(route: str, values: list) -> str:
    """``route`` (a path() route or a regex of the admin) with its arguments replaced."""
    path = route.lstrip("^").rstrip("$")
    for value in values:
        path = re.sub(r"<[^>]+>|\([^)]*\)", str(value), path, count=1)
    return "/" + path


def _records(model):
    return list(model._default_manager.order_by("pk"))


def autocomplete_addresses():
    """One autocomplete request per (model, field) of every admin and inline, no term."""
    seen = set()
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin)]
        for inline in model_admin.get_inline_instances(_nobody()):
            sources.append((inline.model, inline))
        stack = list(model_admin.inlines)
        while stack:
            inline = stack.pop()
            sources.append((inline.model, inline))
            stack.extend(getattr(inline, "inlines", []))
        for source_model, source in sources:
            for field in getattr(source, "autocomplete_fields", []):
                key = (source_model._meta.label_lower, field)
                if key not in seen:
                    seen.add(key)
                    yield "/admin/autocomplete/?" + urlencode({
                        "app_label": source_model._meta.app_label,
                        "model_name": source_model._meta.model_name,
                        "field_name": field, "term": ""})


def _nobody():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def every_page() -> list[str]:
    """Every GET address the URL conf answers, for every record of the world (see module)."""
    people = _records(Person)
    addresses = set(autocomplete_addresses())
    for route, pattern in url_patterns():
        name = pattern.name or ""
        model_admin = model_admin_of(pattern)
        args = re.findall(r"<[^>]+>|\([^)]*\)", route)
        if route in ("i18n/setlang/", "admin/logout/") or ".*" in route or "confirm" in name:
            continue  # POST only (the write matrix), or the API's catch-all 404
        viewset = getattr(pattern.callback, "cls", None)
        queryset = getattr(viewset, "queryset", None)
        if route.startswith("api/") and queryset is not None:
            if args:
                addresses.update(_fill(route, [record.pk]) for record in _records(
                    queryset.model))
            else:
                actions = getattr(pattern.callback, "actions", None)
                if actions is None:  # a plain view: the change feed
                    addresses.add(_fill(route, []))
                elif actions.get("get") == "list":
                    addresses.update({_fill(route, []), _fill(route, []) + "?format=csv"})
            continue
        if model_admin is not None and args:
            model = model_admin.model
            if name.endswith("_simple_history"):
                for row in model.history.order_by("history_id"):
                    addresses.add(_fill(route, [row.id, row.history_id]))
            else:
                for record in _records(model):
                    addresses.add(_fill(route, [record.pk]))
        elif name == "view_on_site":
            for model in (Person, Event):
                content_type = ContentType.objects.get_for_model(model)
                for record in _records(model):
                    addresses.add(_fill(route, [content_type.pk, record.pk]))
        elif name == "import_report":
            addresses.update(_fill(route, [b.pk]) for b in _records(ImportBatch))
        elif name == "article_review":
            addresses.update(_fill(route, [a.pk]) for a in _records(ArticleIntake))
        elif name == "duplicate_compare":
            addresses.update(_fill(route, sorted([a.pk, b.pk]))
                             for a in people for b in people[:3] if a != b)
        elif name == "export":
            addresses.update({_fill(route, []) + "?format=csv", _fill(route, []) + "?format=xlsx"})
        elif name == "case":
            addresses.update(_fill(route, [person.slug]) for person in people)
        elif name == "organisation":
            from casetracker.cases.models import Organisation

            addresses.update(_fill(route, [org.slug]) for org in _records(Organisation))
        elif args:
            continue  # app_list, the jsi18n catalogue… take no record
        else:
            addresses.add(_fill(route, []))
    return sorted(addresses)


def readable(response) -> str:
    """A response's text, whatever it is: HTML, JSON, CSV, a streamed file or an XLSX."""
    content = b"".join(response.streaming_content) if response.streaming else \
        response.content
    if content[:2] == b"PK":  # a zip: an XLSX export
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace")
                            for name in archive.namelist() if name.endswith(".xml"))
    location = response.get("Location", "")
    return content.decode("utf-8", "replace") + " " + location
