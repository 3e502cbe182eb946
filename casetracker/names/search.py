"""Find people by any spelling of their name or aliases."""

from django.db.models import Exists, OuterRef, Q

from casetracker.names.keys import name_key


def search_people(queryset, query: str):
    """Filter ``queryset`` to people whose name or an alias contains every word of ``query``."""
    from casetracker.cases.models import Alias

    words = name_key(query).split()
    if not words:
        return queryset.none()
    name_match = Q()
    alias_match = Q()
    for word in words:
        name_match &= Q(name_key__contains=word)
        alias_match &= Q(name_key__contains=word)
    aliases = Alias.objects.filter(alias_match, person=OuterRef("pk"), is_restricted=False)
    return queryset.filter(name_match | Exists(aliases))
