"""Admin form behaviour for the access policy and conflict-safe editing."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casetracker.cases import policy

MASKED_HELP = _("Restricted: a value is recorded, but only reviewers can see it. Leave this "
                "empty to keep it, or type a new value to replace it.")


class PolicyFormMixin:
    """Shows and takes a record's values as the access policy allows ``policy_user``.

    The admin builds every form class it renders with this mixin and the user set
    (``policy_form``). Values the user may not read (``policy.masked_fields``) are masked
    on the instance itself, so a read-only form, a history version or an inline shows
    ``policy.MASK`` and never the value; in an editable form they are write-only (an empty
    box keeps the stored value, a new value replaces it). Fields the user may not change
    (``policy.protected_fields``: the publication state of a locked record, a restriction
    already set) are disabled and keep the stored value.
    """

    policy_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden_values = {}
        instance, user = self.instance, self.policy_user
        unlimited = policy.may_see_restricted(user) and policy.may_publish(user)
        stored = _stored(instance) if instance.pk and not unlimited else None
        for name in policy.masked_fields(instance, user, also=stored):
            self.hidden_values[name] = getattr(stored or instance, name)
            setattr(instance, name, policy.MASK)
            if name in self.fields:
                self.initial[name] = ""
                self.fields[name].help_text = MASKED_HELP
        if stored is not None:
            for name in policy.protected_fields(stored, user) & set(self.fields):
                field = self.fields[name]
                field.disabled = True
                if hasattr(field, "choices") and name == "publication_state":
                    field.choices = type(stored)._meta.get_field(name).choices
                self.initial[name] = getattr(stored, name)

    def validate_unique(self):
        """A slug taken by a record the user may not see is not theirs to learn of: the
        record is saved under a free variant instead of the form refusing it."""
        slug = getattr(self.instance, "slug", None)
        model = type(self.instance)
        if "slug" in self.fields and slug and model._meta.get_field("slug").unique:
            taken = model._default_manager.filter(slug=slug).exclude(pk=self.instance.pk)
            if taken.exists() and not policy.visible(taken, self.policy_user).exists():
                from casetracker.cases.models import unique_slug

                self.instance.slug = unique_slug(model, slug, exclude_pk=self.instance.pk)
        super().validate_unique()

    def clean(self):
        cleaned_data = super().clean()
        for name, value in self.hidden_values.items():
            if name in self.fields:
                if not cleaned_data.get(name):
                    cleaned_data[name] = value
            else:  # shown masked, not in the form: put the stored value back
                setattr(self.instance, name, value)
        return cleaned_data


def _stored(instance):
    """The stored row of ``instance`` when the policy masks something of its model."""
    if instance._meta.label_lower not in policy.RESTRICTED_VALUES and not any(
            hasattr(instance, flag) for flag in (*policy.RESTRICTION_FLAGS, "publication_state")):
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def policy_form(form_class, user):
    """``form_class`` as ``user`` may see and fill it in (see :class:`PolicyFormMixin`)."""
    return type(form_class.__name__, (PolicyFormMixin, form_class), {"policy_user": user})


class VersionedFormMixin(forms.Form):
    """Optimistic locking: refuses a save when the record changed since the form was opened.

    The form carries the version it was opened at; the admin's ``save_model`` moves the
    version on with a conditional UPDATE, so two saves racing each other cannot both win.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored version, not the instance's: a history version's form is opened on
        # the record as it is now (reverting to a version is a change to the current one).
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk) \
            .values_list("version", flat=True).first() if self.instance.pk else None
        self.fields["seen_version"].initial = stored or self.instance.version

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
