"""Reading a page of a long, annotated list, shared by the API and the public site."""


def slice_rows(queryset, start, stop) -> list:
    """``list(queryset[start:stop])``, skipping the first rows cheaply.

    Past the first page, the page's ids are found first, on the bare rows, and only those
    rows are then read with their annotations: PostgreSQL would otherwise compute every
    annotation (a subquery per row) for each of the ``start`` rows it skips.
    """
    if start == 0:
        return list(queryset[:stop])
    page_ids = queryset.values("pk")[start:stop]
    return list(queryset.filter(pk__in=page_ids))
