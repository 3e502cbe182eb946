"""Helpers to post admin forms the way a browser does."""

from django.urls import reverse


def change_url(person):
    return reverse("admin:cases_person_change", args=[person.pk])


def form_data(client, url, **changes):
    """The form at ``url`` with its current values, as a browser would post it, plus ``changes``."""
    response = client.get(url)
    data = {}
    for form in [response.context["adminform"].form] + [
        inline.formset.management_form for inline in response.context["inline_admin_formsets"]
    ]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    data.update(changes)
    return data
