"""Staff pages of the intake: import with a dry run, export, the duplicate queue with its
merge, and article intake with the review of its proposals. Mounted under /admin/intake/
and drawn in the admin's look; each page checks the permission its writes need."""

from django.contrib import messages
from django.contrib.admin import site
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from casetracker.cases import policy
from casetracker.cases.models import Person
from casetracker.cases.services import person_merge
from casetracker.intake import services
from casetracker.intake.duplicates import likely_duplicates
from casetracker.intake.exporting import export_rows, exportable_people
from casetracker.intake.forms import ArticleForm, ImportUploadForm, MergeForm, ProposalFormSet
from casetracker.intake.models import ArticleIntake, ImportBatch, Proposal
from casetracker.intake.sheets import SheetError, write_sheet


class StaffPage(PermissionRequiredMixin):
    """A staff page in the admin's frame; anonymous users are sent to the admin login.

    Records it shows come from ``records()``, which asks the access policy: a page lists
    nothing the user may not see, and a record hidden from them is a 404.
    """

    title = ""
    login_url = "admin:login"

    def has_permission(self):
        return self.request.user.is_active and self.request.user.is_staff and \
            super().has_permission()

    def records(self, model):
        return policy.visible(model._default_manager.all(), self.request.user)

    def get_queryset(self):
        return self.records(self.model)

    def get_context_data(self, **kwargs):
        return {**site.each_context(self.request), "title": self.title,
                **super().get_context_data(**kwargs)}


class ImportUploadView(StaffPage, FormView):
    permission_required = ["cases.add_person", "cases.change_person"]
    template_name = "intake/import_upload.html"
    form_class = ImportUploadForm
    title = _("Import a spreadsheet")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                content=upload.read(), file_name=upload.name,
                source=form.cleaned_data["source"], user=self.request.user)
        except SheetError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("intake:import_report", pk=batch.pk)


class ImportReportView(StaffPage, DetailView):
    """The dry run's report, row by row; while the worker plans or imports, its progress
    (the page reloads itself every few seconds)."""

    permission_required = ["cases.add_person", "cases.change_person"]
    model = ImportBatch
    template_name = "intake/import_report.html"

    def get_context_data(self, **kwargs):
        batch = self.object
        title = {ImportBatch.State.APPLIED: _("Imported"),
                 ImportBatch.State.APPLYING: _("Importing"),
                 ImportBatch.State.FAILED: _("The import failed")}.get(
            batch.state, _("Dry run: what the import will do"))
        return super().get_context_data(title=title, refresh=batch.in_progress, **kwargs)


class ImportConfirmView(StaffPage, SingleObjectMixin, View):
    permission_required = ["cases.add_person", "cases.change_person"]
    model = ImportBatch

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        try:
            services.import_batch_confirm(batch=batch, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("intake:import_report", pk=batch.pk)


class ExportView(StaffPage, View):
    permission_required = "cases.view_person"

    def get(self, request):
        kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        rows = export_rows(exportable_people(), base_url=request.build_absolute_uri("/")[:-1])
        # The file leaves casetracker: what it holds is what may leave (see exporting.py).
        response = HttpResponse(
            write_sheet(rows, file_format_name=kind),
            content_type="text/csv; charset=utf-8" if kind == "csv" else
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="casetracker-people.{kind}"'
        return response


class DuplicateListView(StaffPage, TemplateView):
    permission_required = "cases.view_person"
    template_name = "intake/duplicate_list.html"
    title = _("Possible duplicates")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "pairs": likely_duplicates(user=self.request.user)}


class DuplicateCompareView(StaffPage, TemplateView):
    """Two people side by side, with the merge (reviewers only: it unpublishes one)."""

    permission_required = ["cases.change_person", "cases.publish_record"]
    template_name = "intake/duplicate_compare.html"
    title = _("Compare and merge")

    def pair(self):
        records = self.records(Person).with_record(public=False).select_related("merged_into")
        return [get_object_or_404(records, pk=self.kwargs["first"]),
                get_object_or_404(records, pk=self.kwargs["second"])]

    def get_context_data(self, **kwargs):
        pair = self.pair()
        return {**super().get_context_data(**kwargs), "pair": pair,
                "form": kwargs.get("form") or MergeForm(pair=pair)}

    def post(self, request, *args, **kwargs):
        pair = self.pair()
        if "not_duplicate" in request.POST:
            services.duplicate_dismiss(first=pair[0], second=pair[1], user=request.user)
            messages.success(request, _("Marked as two different people."))
            return redirect("intake:duplicates")
        form = MergeForm(request.POST, pair=pair)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        keep = next(person for person in pair if person.pk == form.cleaned_data["keep"])
        duplicate = next(person for person in pair if person.pk != keep.pk)
        try:
            person_merge(keep=keep, duplicate=duplicate, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("Merged %(duplicate)s into %(keep)s.")
                         % {"duplicate": duplicate, "keep": keep})
        return redirect("admin:cases_person_change", keep.pk)


class ArticleCreateView(StaffPage, FormView):
    permission_required = ["cases.add_source", "cases.add_person"]
    template_name = "intake/article_form.html"
    form_class = ArticleForm
    title = _("Add an article")

    def form_valid(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "file"}
        try:
            intake = services.article_intake_create(user=self.request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("intake:article_review", pk=intake.pk)


class ArticleReviewView(StaffPage, SingleObjectMixin, FormView):
    """The proposals of an article, a page at a time (while the worker reads it, its state:
    the page reloads itself)."""

    permission_required = ["cases.add_event", "cases.add_proceeding", "cases.add_person"]
    model = ArticleIntake
    template_name = "intake/article_review.html"
    form_class = ProposalFormSet
    title = _("Review what the article says")
    paginate_by = 50

    def page(self):
        proposals = self.records(Proposal).filter(intake=self.object).pending()
        return Paginator(proposals, self.paginate_by).get_page(self.request.GET.get("page"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_obj=self.page(),
            refresh=self.object.state == ArticleIntake.State.READING, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.records(ArticleIntake).select_related("source"),
                                        pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        ids = [proposal.pk for proposal in self.page().object_list]
        proposals = self.records(Proposal).filter(pk__in=ids).select_related("person")
        return {**super().get_form_kwargs(), "queryset": proposals,
                "form_kwargs": {"user": self.request.user}}

    def form_valid(self, formset):
        accepted = rejected = 0
        # Sentences before the charges that belong to them; people before their facts.
        order = ["person", "sentence", "event", "charge"]
        # Only the proposals shown: a form naming one the user may not see (a crafted post)
        # gets a new, empty instance from the formset, and decides nothing.
        shown = [form for form in formset.initial_forms if form.instance.pk is not None]
        for form in sorted(shown, key=lambda f: order.index(f.instance.kind)):
            decision = form.cleaned_data.get("decision")
            try:
                if decision == "accept":
                    services.proposal_accept(proposal=form.instance, user=self.request.user,
                                             **form.corrections())
                    accepted += 1
                elif decision == "reject":
                    services.proposal_reject(proposal=form.instance, user=self.request.user)
                    rejected += 1
            except ValidationError as error:
                messages.error(self.request, f"{form.instance}: {' '.join(error.messages)}")
        messages.success(self.request, _("%(accepted)d accepted (now cited drafts), "
                                         "%(rejected)d rejected.")
                         % {"accepted": accepted, "rejected": rejected})
        return redirect(reverse("intake:article_review", kwargs={"pk": self.object.pk}))
