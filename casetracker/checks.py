"""System checks for promises the code cannot keep by itself.

- Every admin page of a casetracker model must ask the access policy: a model admin or
  inline that does not derive from ``casetracker.cases.admin.base`` is an error at
  start-up, so a new admin page cannot forget it (and a model the policy does not know is
  shown only to those who may see everything).
- In production, static files must have been collected: without the manifest of hashed
  names every page (the admin login included) is a 500. ``check --deploy`` fails, and the
  WSGI application refuses to start (``wsgi.py``).
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import checks


def _inlines(inline_classes):
    for inline in inline_classes:
        yield inline
        yield from _inlines(getattr(inline, "inlines", []))


@checks.register(checks.Tags.admin)
def admin_pages_ask_the_policy(app_configs=None, **kwargs):
    from casetracker.cases.admin.base import PolicyInline, PolicyMixin

    errors = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("casetracker.") or not admin.site.is_registered(
                model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if not isinstance(model_admin, PolicyMixin):
            errors.append(checks.Error(
                f"The admin of {label} ({type(model_admin).__qualname__}) does not ask the "
                "access policy.", hint="Derive it from casetracker.cases.admin.base."
                "PolicyModelAdmin (or PolicyMixin).", obj=type(model_admin),
                id="casetracker.E001"))
        for inline in _inlines(model_admin.inlines):
            if not issubclass(inline, PolicyInline):
                errors.append(checks.Error(
                    f"The inline {inline.__qualname__} of {label} does not ask the access "
                    "policy.", hint="Derive it from casetracker.cases.admin.base.PolicyInline.",
                    obj=inline, id="casetracker.E002"))
    return errors


def missing_static_manifest() -> str | None:
    """Why static files cannot be served, or None when they can."""
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in storage:
        return None
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = staticfiles_storage.manifest_name
    if staticfiles_storage.exists(name):
        return None
    return (f"Static files have not been collected: {settings.STATIC_ROOT / name} is missing, "
            "and without it every page is an error. Run `manage.py collectstatic --noinput` "
            "(`make deploy` does).")


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_files_collected(app_configs=None, **kwargs):
    problem = missing_static_manifest()
    return [checks.Error(problem, id="casetracker.E003")] if problem else []
