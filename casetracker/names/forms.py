"""The admin's warning before staff record a person twice under two spellings."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casetracker.cases import policy
from casetracker.names.search import DUPLICATES_SHOWN, likely_duplicates


class DuplicateWarningMixin(forms.Form):
    """For the Person admin form: refuses to save a new name, or a new alias, spelled like an
    existing person's name or alias (see ``likely_duplicates``), listing those people with
    links, until staff tick "This is not a duplicate".

    The aliases are typed in the alias inline, a separate formset; this form reads the names
    submitted there (``alias_prefix``) so the warning comes before anything is saved.
    Restricted people and aliases are compared only for staff who may see them (the admin
    sets ``policy_user``).
    """

    alias_prefix = "aliases"

    not_a_duplicate = forms.BooleanField(
        label=_("This is not a duplicate"),
        required=False,
        # Shown only with the warning: see clean().
        widget=forms.HiddenInput,
        help_text=_("Tick after checking the people listed above: this is someone else."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("not_a_duplicate"):
            return cleaned_data
        names = self.names_to_check(cleaned_data)
        if not names:
            return cleaned_data
        duplicates = likely_duplicates(
            names, exclude_pk=self.instance.pk,
            include_restricted=policy.may_see_restricted(getattr(self, "policy_user", None)),
        )
        duplicates = list(duplicates[:DUPLICATES_SHOWN])
        if duplicates:
            self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
            raise ValidationError(self.duplicate_message(duplicates), code="possible_duplicate")
        return cleaned_data

    def names_to_check(self, cleaned_data) -> list[str]:
        """The person's name when new or changed, and the aliases added or renamed."""
        names = []
        if cleaned_data.get("name") and (self.instance.pk is None or "name" in self.changed_data):
            names.append(cleaned_data["name"])
        submitted = self.submitted_alias_names()
        if submitted and self.instance.pk is not None:
            stored = set(self.instance.aliases.values_list("name", flat=True))
            submitted = [name for name in submitted if name not in stored]
        return names + submitted

    def submitted_alias_names(self) -> list[str]:
        if not self.is_bound:
            return []
        field = re.compile(rf"^{re.escape(self.alias_prefix)}-(\d+)-name$")
        names = []
        for key, value in self.data.items():
            match = field.match(key)
            deleted = self.data.get(f"{self.alias_prefix}-{match[1]}-DELETE") if match else None
            if match and value.strip() and not deleted:
                names.append(value.strip())
        return names

    @staticmethod
    def duplicate_message(duplicates):
        links = format_html_join(
            ", ",
            '<a href="{}" target="_blank" rel="noopener">{}</a> ({})',
            (
                (reverse("admin:cases_person_change", args=[person.pk]), person.name,
                 person.get_publication_state_display())
                for person in duplicates
            ),
        )
        return format_html(
            "{} {}. {}",
            _("This name is spelled like a person already recorded:"),
            links,
            _("Check them first (the links open in a new tab). If this is someone else, tick "
              "“This is not a duplicate” below and save again."),
        )
