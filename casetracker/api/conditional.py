"""ETag and Last-Modified for API responses, read from the public change log.

The change log (``casetracker.changes``) moves with every change the public can see and
with nothing else, so the validators never move for a hidden change and never stay put
for a public one:

- a **list** depends on which records match and on everything it shows, and a filter can
  read any part of a record: its version is the log's latest change (one indexed read),
  and the row count the page envelope needs is cached under it (counting every published
  person costs more than the rest of the response at 100,000 people);
- a **person's record** is versioned by that person's latest change in the log.

The ETag hashes the version with the absolute URL (so the query string, the page and the
host are part of it) and the media type (JSON, CSV and HTML differ).
"""

import hashlib
from dataclasses import dataclass

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from casetracker.cases.models import Person
from casetracker.cases.versions import cached_count
from casetracker.changes import log
from casetracker.changes.models import Action


@dataclass(frozen=True)
class Validators:
    version: log.Version
    count: int | None = None

    @property
    def key(self) -> str:
        return f"{self.count}|{self.version.key}"

    @property
    def changed(self):
        return self.version.changed


def list_version(queryset, *, count: bool = True) -> Validators:
    """The validators of a list, with the number of rows ``queryset`` matches unless
    ``count`` is false (a CSV export has no page envelope)."""
    version = log.version()
    return Validators(version, cached_count(queryset, version=version) if count else None)


def person_version(pk) -> Validators | None:
    """The validators of the public person ``pk``'s record; None if it is not public."""
    change = log.latest_change(log.PERSON, pk)
    if change is None and Person.objects.published().filter(pk=pk).exists():
        # Public but never logged (written behind the ORM's back): logged now.
        change = next(iter(log.log_records(log.PERSON, {pk})), None)
    if change is None or change.action != Action.CHANGED:
        return None
    return Validators(log.Version(change.id, change.at))


def etag_for(request, version: Validators) -> str:
    media_type = getattr(request, "accepted_media_type", "") or ""
    text = f"{request.build_absolute_uri()}|{media_type}|{version.key}"
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def not_modified(request, version: Validators):
    """A 304 (or 412) response if the client's copy is current, else None."""
    etag = etag_for(request, version)
    last_modified = int(version.changed.timestamp()) if version.changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is not None:
        add_validators(response, request, version)
    return response


def add_validators(response, request, version: Validators):
    response["ETag"] = etag_for(request, version)
    if version.changed:
        response["Last-Modified"] = http_date(version.changed.timestamp())
    patch_vary_headers(response, ["Accept"])
    return response
