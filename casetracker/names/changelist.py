"""The admin changelist of people, for a name search listed best match first."""

from django.contrib.admin.views.main import ORDER_VAR, ChangeList


class RankedSearchChangeList(ChangeList):
    """Keeps a name search in rank order (``Person.objects.search()`` orders by it), yet lets
    staff sort the results by a column.

    The changelist orders its queryset before searching it, so the search's ranking replaces
    the default ordering; a column staff click is put back in front of the ranking here.
    """

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.query and ORDER_VAR in self.params:
            queryset = queryset.order_by(*self.get_ordering(request, queryset))
        return queryset
