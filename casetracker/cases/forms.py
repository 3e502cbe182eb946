"""Admin form behaviour for confidentiality and conflict-safe editing."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

MASKED_HELP = _("Restricted: a value is recorded, but only reviewers can see it. Leave this "
                "empty to keep it, or type a new value to replace it.")


class RestrictedFieldsMixin:
    """Makes restricted values write-only for staff who may not see them.

    ``restricted_fields`` maps a field name to a test on the instance saying whether its
    value is restricted. The admin sets ``mask_restricted`` on the form class it builds for
    a user without the ``view_restricted`` permission.
    """

    restricted_fields: dict = {}
    mask_restricted = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.masked_fields = set()
        if not self.mask_restricted:
            return
        for name, is_restricted in self.restricted_fields.items():
            if name in self.fields and self.instance.pk and is_restricted(self.instance):
                self.masked_fields.add(name)
                self.initial[name] = ""
                self.fields[name].help_text = MASKED_HELP

    def clean(self):
        cleaned_data = super().clean()
        for name in self.masked_fields:
            if not cleaned_data.get(name):
                cleaned_data[name] = getattr(self.instance, name)
        return cleaned_data


class VersionedFormMixin(forms.Form):
    """Optimistic locking: refuses a save when the record changed since the form was opened.

    The form carries the version it was opened at; the admin's ``save_model`` moves the
    version on with a conditional UPDATE, so two saves racing each other cannot both win.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("seen_version")
        if self.instance.pk and seen is not None:
            stored = type(self.instance).objects.filter(pk=self.instance.pk)
            if transaction.get_connection().in_atomic_block:
                # Holds the row until the save commits, so a racing save waits and then
                # sees the new version instead of overwriting it.
                stored = stored.select_for_update()
            current = stored.values_list("version", flat=True).first()
            if current is not None and current != seen:
                raise forms.ValidationError(edit_conflict_message(self.instance), code="conflict")
        return cleaned_data


def edit_conflict_message(instance):
    latest = instance.history.select_related("history_user").first()
    who = getattr(latest.history_user, "username", None) if latest else None
    when = latest.history_date.strftime("%Y-%m-%d %H:%M UTC") if latest else "?"
    return _(
        "Someone else (%(who)s, %(when)s) saved this record after you opened it. Your changes "
        "were NOT saved, so theirs are not overwritten: your version is still in this form. "
        "Open the record in a new tab to see theirs, then re-apply your changes there."
    ) % {"who": who or _("another user"), "when": when}
