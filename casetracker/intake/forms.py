from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from casetracker.cases import policy
from casetracker.cases.dates import PartialDateFormField
from casetracker.cases.models import Event, Person, Source
from casetracker.intake.documents import DocumentError, document_text
from casetracker.intake.models import Proposal
from casetracker.intake.sheets import COLUMNS, FORMATS

MAX_UPLOAD = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"),
                           help_text=_("The first row names the columns; see the list below."))
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, label=_("Source cited"),
        help_text=_("Every imported fact cites it. Leave empty to create a source for the file."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = policy.visible(Source.objects.all(), user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(tuple(FORMATS)):
            raise forms.ValidationError(_("Save the spreadsheet as CSV (.csv) or Excel (.xlsx)."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it."))
        return upload

    columns = COLUMNS


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    publisher = forms.CharField(label=_("Publisher"), max_length=200)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    published = PartialDateFormField(
        label=_("Publication date"), required=False,
        help_text=_("Relative dates (“last June”, “four months later”) are read against it."))
    url = forms.URLField(label=_("URL"), max_length=500, required=False, assume_scheme="https")
    language = forms.CharField(label=_("Language"), max_length=8, initial="en")
    country = LazyTypedChoiceField(label=_("Country of new people"), choices=countries,
                                   initial="TJ")
    text = forms.CharField(label=_("Article text"), required=False,
                           widget=forms.Textarea(attrs={"rows": 16, "cols": 100}))
    file = forms.FileField(label=_("…or upload it (.txt, .html or .pdf)"), required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("The file is larger than 20 MB."))
            try:
                cleaned["text"] = document_text(content=upload.read(), file_name=upload.name)
            except DocumentError as error:
                raise forms.ValidationError(str(error)) from error
        if not cleaned.get("text", "").strip():
            raise forms.ValidationError(_("Paste the article's text or upload the article."))
        return cleaned


class ProposalReviewForm(forms.ModelForm):
    """One proposal: accept (with corrections), reject, or decide later."""

    DECISIONS = [("", _("Decide later")), ("accept", _("Accept")), ("reject", _("Reject"))]
    decision = forms.ChoiceField(choices=DECISIONS, required=False, label=_("Decision"),
                                 widget=forms.RadioSelect)
    years = forms.IntegerField(min_value=0, max_value=99, required=False, label=_("years"))

    class Meta:
        model = Proposal
        fields = ["name", "person", "date", "event_kind", "life", "charge_name"]
        widgets = {"person": forms.NumberInput(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        proposal = self.instance
        self.fields["event_kind"].choices = [("", "—"), *Event.Kind.choices]
        # A few likely people, best first, rather than every record in a select box; only
        # people the reviewer of the article may see.
        people = policy.visible(Person.objects.all(), user)
        candidates = people.filter(merged_into__isnull=True)
        if proposal.name:
            candidates = candidates.search(proposal.name)
        ids = list(candidates.values_list("pk", flat=True)[:8])
        if proposal.person_id and proposal.person_id not in ids:
            ids.insert(0, proposal.person_id)
        self.fields["person"] = forms.ModelChoiceField(
            queryset=people.filter(pk__in=ids), required=False, label=_("person"),
            empty_label=_("a new person") if proposal.kind == Proposal.Kind.PERSON else "—")
        if proposal.term_months:
            self.fields["years"].initial = proposal.term_months // 12
        keep = {Proposal.Kind.PERSON: ["name", "person"],
                Proposal.Kind.EVENT: ["person", "date", "event_kind"],
                Proposal.Kind.SENTENCE: ["person", "date", "years", "life"],
                Proposal.Kind.CHARGE: ["charge_name"]}.get(proposal.kind, [])
        for name in list(self.fields):
            if name not in keep and name != "decision":
                del self.fields[name]

    def corrections(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items()
                if name not in ("decision", "years", "id")}
        if "years" in self.cleaned_data and self.cleaned_data["years"] is not None:
            data["term_months"] = self.cleaned_data["years"] * 12 + (
                self.instance.term_months or 0) % 12
        return data


# The review decides proposals read from the article; a post with more forms than those (a
# crafted one) makes no proposal of its own.
ProposalFormSet = forms.modelformset_factory(Proposal, form=ProposalReviewForm, extra=0,
                                             edit_only=True)


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                  label=_("Record to keep"))

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(person.pk, f"{person} (ID {person.pk})")
                                       for person in pair]
