"""The **floor** baseline: the same rows in one hand-written SQL query per response.

What the database and the wire cost at least: one query (nested lists built by the
database as JSON text, passed through untouched with ``orjson.Fragment``), the rows
serialised with orjson, no framework between the URL and the cursor but Django's own
request handling (the same middleware the app's responses go through). PostgreSQL and
SQLite each get their dialect of the same query.

Mounted only by bench/urls.py, which only the harness uses.
"""

import orjson
from django.db import connection
from django.http import Http404, HttpResponse

from casetracker.cases.models import INVERSE_KINDS, KIND_TERMS

PAGE = 50


def _pg() -> bool:
    return connection.vendor == "postgresql"


def obj(*pairs) -> str:
    """A JSON object from ("key", sql expression) pairs."""
    function = "json_build_object" if _pg() else "json_object"
    items = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"{function}({items})"


def agg(expression: str, source: str, order: str, *, json_items=True) -> str:
    """A JSON array of ``expression`` over ``source`` (FROM … WHERE …) in ``order``."""
    if _pg():
        return f"COALESCE((SELECT json_agg({expression} ORDER BY {order}) FROM {source}), '[]')"
    item = "json(j)" if json_items else "j"
    return (f"COALESCE((SELECT json_group_array({item}) FROM (SELECT {expression} AS j "
            f"FROM {source} ORDER BY {order})), '[]')")


def nested(sql: str) -> str:
    """Embed a JSON-valued subquery in an object (SQLite would quote it as a string)."""
    return sql if _pg() else f"json({sql})"


def visible(alias: str) -> str:
    return f"{alias}.publication_state = 'published' AND NOT {alias}.is_restricted"


def person_visible(alias: str) -> str:
    return f"{visible(alias)} AND {alias}.merged_into_id IS NULL"


def citations(column: str, fact: str) -> str:
    return nested(agg(
        obj(("id", "s.id"), ("title", "s.title"), ("publisher", "s.publisher"),
            ("published", "s.published"), ("url", "s.url"), ("passage", "c.passage")),
        f"cases_citation c JOIN cases_source s ON s.id = c.source_id "
        f"WHERE c.{column} = {fact}.id AND {visible('s')}",
        "s.published, c.id",
    ))


def term_case(kind: str, sex: str, *, inverse: bool) -> str:
    """SQL for RelationshipKind.term(): "father", "sister"… from a kind and a sex."""
    whens = []
    for value, (male, female, neutral) in KIND_TERMS.items():
        stored = next((k for k, v in INVERSE_KINDS.items() if v == value), value) \
            if inverse else value
        whens.append(f"WHEN {kind} = '{stored}' THEN CASE {sex} WHEN 'male' THEN '{male}' "
                     f"WHEN 'female' THEN '{female}' ELSE '{neutral}' END")
    return f"CASE {' '.join(whens)} END"


def _respond(payload) -> HttpResponse:
    return HttpResponse(orjson.dumps(payload), content_type="application/json")


def people(request):
    """GET /bench/floor/people/[?country=&status=]: a page of 50 and a link to the next.

    No total count: ``COUNT(*)`` over every matching row is one of the costs the issue asks
    the app to remove, so the floor does not pay it.
    """
    conditions, params = [], []
    for name in ("country", "status"):
        if value := request.GET.get(name):
            conditions.append(f"p.{name} = %s")
            params.append(value)
    where = " AND ".join([person_visible("p"), *conditions])
    if _pg():
        latest = (
            "LEFT JOIN LATERAL (SELECT e.kind, e.date FROM cases_event e WHERE e.person_id = p.id"
            f" AND {visible('e')} AND e.date IS NOT NULL ORDER BY e.date DESC, e.id DESC"
            " LIMIT 1) le ON true"
        )
        latest_columns = "le.kind, le.date"
    else:
        latest = ""
        one = (f"FROM cases_event e WHERE e.person_id = p.id AND {visible('e')} AND e.date IS "
               f"NOT NULL ORDER BY e.date DESC, e.id DESC LIMIT 1")
        latest_columns = f"(SELECT e.kind {one}), (SELECT e.date {one})"
    aliases = agg("a.name", "cases_alias a WHERE a.person_id = p.id AND NOT a.is_restricted",
                  "a.name", json_items=False) + ("::text" if _pg() else "")
    sql = (
        f"SELECT p.id, p.name, p.country, p.status, p.involvement, p.updated_at, "
        f"{aliases}, {latest_columns} "
        f"FROM (SELECT * FROM cases_person p WHERE {where} ORDER BY p.name, p.id "
        f"LIMIT {PAGE}) p {latest} ORDER BY p.name, p.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    base = request.build_absolute_uri("/bench/floor/people/")
    results = [
        {"id": pk, "url": f"{base}{pk}/", "name": name, "aliases": orjson.Fragment(aliases),
         "country": country, "status": status, "involvement": involvement,
         "latest_event": None if kind is None else {"kind": kind, "date": date},
         "updated_at": updated}
        for pk, name, country, status, involvement, updated, aliases, kind, date in rows
    ]
    last = rows[-1] if len(rows) == PAGE else None
    return _respond({
        "next": f"{base}?after={last[1]}|{last[0]}" if last else None,
        "previous": None,
        "results": results,
    })


def person(request, pk):
    """GET /bench/floor/people/<id>/: the whole public record, one query."""
    # One indexed branch per kind of fact (an OR across them scans every citation).
    fact_sources = " UNION ALL ".join(
        f"SELECT c.source_id FROM cases_citation c JOIN cases_{column} x ON x.id = "
        f"c.{column}_id WHERE x.{side} = p.id AND {visible('x')}"
        for column, side in (("event", "person_id"), ("proceeding", "person_id"),
                             ("detention", "person_id"), ("affiliation", "person_id"),
                             ("relationship", "person_id"), ("relationship", "relative_id"))
    )
    relationships = (
        f"(SELECT r.id, r.kind, {term_case('r.kind', 'q.sex', inverse=True)} AS term, "
        f"q.id AS qid, q.name AS qname FROM cases_relationship r JOIN cases_person q "
        f"ON q.id = r.relative_id WHERE r.person_id = p.id AND {visible('r')} "
        f"AND {person_visible('q')} UNION ALL "
        f"SELECT r.id, r.kind, {term_case('r.kind', 'q.sex', inverse=False)}, q.id, q.name "
        f"FROM cases_relationship r JOIN cases_person q ON q.id = r.person_id "
        f"WHERE r.relative_id = p.id AND {visible('r')} AND {person_visible('q')}) rel"
    )
    columns = {
        "aliases": agg("a.name", "cases_alias a WHERE a.person_id = p.id AND NOT a.is_restricted",
                       "a.name", json_items=False),
        "affiliations": agg(
            obj(("organisation", obj(("id", "o.id"), ("name", "o.name"),
                                     ("abbreviation", "o.abbreviation"), ("slug", "o.slug"))),
                ("role", "f.role"), ("start", "f.start"), ("end", 'f."end"'),
                ("sources", citations("affiliation_id", "f"))),
            "cases_affiliation f JOIN cases_organisation o ON o.id = f.organisation_id "
            f"WHERE f.person_id = p.id AND {visible('f')}", "f.start, f.id"),
        "relationships": agg(
            obj(("kind", "rel.term"),
                ("person", obj(("id", "rel.qid"), ("name", "rel.qname"))),
                ("sources", citations("relationship_id", "rel"))),
            relationships, "rel.id"),
        "sentences": agg(
            obj(("id", "pr.id"), ("date", "pr.verdict_date"), ("court", "ct.name"),
                ("term_months", "CASE WHEN pr.life THEN NULL ELSE pr.term_months END"),
                ("life", "pr.life"),
                ("charges", nested(agg("ch.name", "cases_proceedingcharge pc JOIN cases_charge "
                                       "ch ON ch.id = pc.charge_id WHERE pc.proceeding_id = "
                                       "pr.id", "ch.name", json_items=False))),
                ("fine", "pr.fine"), ("confiscation", "pr.confiscation"),
                ("closed_trial", "pr.closed_trial"), ("appeal", "pr.appeal"),
                ("sources", citations("proceeding_id", "pr"))),
            "cases_proceeding pr LEFT JOIN cases_organisation ct ON ct.id = pr.court_id "
            f"WHERE pr.person_id = p.id AND {visible('pr')} AND pr.outcome = 'convicted'",
            "pr.verdict_date, pr.id"),
        "charges": agg(
            "ch.name", "cases_charge ch WHERE ch.id IN (SELECT pc.charge_id FROM "
            "cases_proceedingcharge pc JOIN cases_proceeding pr ON pr.id = pc.proceeding_id "
            f"WHERE pr.person_id = p.id AND {visible('pr')})", "ch.name", json_items=False),
        "events": agg(
            obj(("id", "e.id"), ("kind", "e.kind"), ("date", "e.date"),
                ("place", "CASE WHEN e.place_is_restricted THEN '' ELSE e.place END"),
                ("country", "e.country"), ("perpetrator", "o.name"),
                ("description", "e.description"), ("verification", "e.verification"),
                ("sources", citations("event_id", "e"))),
            "cases_event e LEFT JOIN cases_organisation o ON o.id = e.perpetrator_id "
            f"WHERE e.person_id = p.id AND {visible('e')}", "e.date, e.id"),
        "detentions": agg(
            obj(("id", "d.id"), ("start", "d.start"), ("end", 'd."end"'),
                ("place", "CASE WHEN d.place_is_restricted THEN '' ELSE d.place END"),
                ("description", "d.description"), ("sources", citations("detention_id", "d"))),
            f"cases_detention d WHERE d.person_id = p.id AND {visible('d')}", "d.start, d.id"),
        "sources": agg(
            obj(("id", "s.id"), ("title", "s.title"), ("publisher", "s.publisher"),
                ("author", "s.author"), ("published", "s.published"), ("url", "s.url"),
                ("language", "s.language")),
            f"cases_source s WHERE {visible('s')} AND s.id IN ({fact_sources})",
            "s.published, s.title, s.id"),
    }
    text = "::text" if _pg() else ""
    sql = (
        "SELECT p.id, p.name, p.sex, p.birth_year, p.country, p.occupation, p.status, "
        "p.involvement, p.summary, p.updated_at, "
        + ", ".join(f"{expression}{text}" for expression in columns.values())
        + f" FROM cases_person p WHERE p.id = %s AND {person_visible('p')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    head = ["id", "name", "sex", "birth_year", "country", "occupation", "status",
            "involvement", "summary", "updated_at"]
    data = dict(zip(head, row[:len(head)], strict=True))
    data["url"] = request.build_absolute_uri(f"/bench/floor/people/{pk}/")
    for name, value in zip(columns, row[len(head):], strict=True):
        data[name] = orjson.Fragment(value)
    return _respond(data)
