from django.shortcuts import get_object_or_404, render

from casetracker.cases.models import Organisation, Person


def home(request):
    people = Person.objects.published().targets().with_latest_event()
    return render(request, "public/home.html", {"people": people})


def case_detail(request, slug):
    person = get_object_or_404(Person.objects.published().with_record(), slug=slug)
    return render(request, "public/case_detail.html", {"person": person})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "public/organisation_detail.html", {"organisation": organisation})
