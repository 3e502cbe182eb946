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


ROLE_PERMISSIONS = {
    "viewer": _codes(["view"]),
    "editor": _codes(["view", "add", "change"])
    # Editors may remove the small parts of a record they are building.
    + _codes(["delete"], ["alias", "citation", "proceedingcharge"]),
    "reviewer": _codes(["view", "add", "change", "delete"]) + [PUBLISH, VIEW_RESTRICTED],
    "partner": [],
}


def sync_roles(apps=None):
    """Create or update the role groups so each holds exactly its permissions."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = list(Permission.objects.filter(content_type__app_label="cases",
                                                     codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise LookupError(f"Role {role}: unknown permissions {sorted(missing)}")
        group.permissions.set(permissions)
