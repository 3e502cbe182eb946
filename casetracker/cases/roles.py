"""The staff roles, as Django groups with permissions.

- *editor*: creates and edits drafts, submits them for review;
- *reviewer*: everything an editor does, plus publishes, withdraws, deletes and sees
  restricted data;
- *viewer*: reads the admin, changes nothing;
- *partner*: the accounts that own partner API tokens; no admin access at all (what a token
  may do is set on the token).

Superusers manage users. :func:`sync_roles` is run by a data migration and is idempotent.
"""

PUBLISH = "publish_record"
VIEW_RESTRICTED = "view_restricted"

CURATED_MODELS = ["person", "alias", "affiliation", "relationship", "event", "proceeding",
                  "proceedingcharge", "detention", "source", "citation", "organisation", "charge"]


def _codes(actions, models=CURATED_MODELS):
    return [f"{action}_{model}" for action in actions for model in models]


# Revisions (changes waiting for a reviewer) are read by all staff and decided by reviewers
# through the publish permission; nobody edits one.
ROLE_PERMISSIONS = {
    "viewer": _codes(["view"]) + ["view_revision"],
    "editor": _codes(["view", "add", "change"]) + ["view_revision"]
    # Editors may remove the small parts of a record they are building (from a record that
    # is published, the removal waits for a reviewer: see policy.py).
    + _codes(["delete"], ["alias", "citation", "proceedingcharge"]),
    "reviewer": _codes(["view", "add", "change", "delete"]) + ["view_revision"]
    + [PUBLISH, VIEW_RESTRICTED],
    "partner": [],
}


def sync_roles(apps=None, *, create_permissions=False):
    """Create or update the role groups so each holds exactly its permissions.

    Django creates permissions after all migrations; a data migration that syncs the roles
    needs them now (``create_permissions``).
    """
    if apps is None:
        from django.apps import apps
    if create_permissions:
        from django.contrib.auth.management import create_permissions as create

        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = list(Permission.objects.filter(content_type__app_label="cases",
                                                     codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        # An earlier migration syncs the roles before later models exist: their permissions
        # come with the migration that creates them (and syncs again).
        missing = {codename for codename in missing if _model_exists(apps, codename)}
        if missing:
            raise LookupError(f"Role {role}: unknown permissions {sorted(missing)}")
        group.permissions.set(permissions)


def _model_exists(apps, codename: str) -> bool:
    action, _sep, model = codename.partition("_")
    if action not in {"view", "add", "change", "delete"}:
        return True  # a custom permission, held on Person
    try:
        apps.get_model("cases", model)
    except LookupError:
        return False
    return True
