"""Template helpers for the public site."""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from casetracker.cases.dates import PartialDate
from casetracker.cases.models import Event
from casetracker.public.records import sentence_term

register = template.Library()


@register.filter
def partial_date(value) -> str:
    """A :class:`PartialDate` at its real precision in the active language; "" when unknown."""
    return value.display() if value else ""


@register.filter
def day(value) -> str:
    """A timestamp as the day it fell on, written like the partial dates: "25 November 2026"."""
    return PartialDate.from_date(timezone.localdate(value)).display() if value else ""


@register.filter
def event_kind(code) -> str:
    """The label of an event kind stored as its code (as annotations return it)."""
    return Event.Kind(code).label if code else ""


@register.simple_tag(takes_context=True)
def nav_current(context, *url_names) -> str:
    """``aria-current="page"`` when the page being shown is one of ``url_names``."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = match is not None and match.url_name in url_names
    return mark_safe('aria-current="page"') if current else ""  # a constant: nothing to escape


@register.filter
def term(proceeding) -> str:
    """A proceeding's prison term for reading: "23 years", "life imprisonment"."""
    return sentence_term(proceeding)


@register.filter
def web_url(value) -> str:
    """The URL when it is an http(s) address, else "" (a javascript: link must never render)."""
    url = str(value or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
