"""The admin's autocomplete widget, made safe against hostile input.

Django's ``AutocompleteMixin.optgroups`` (5.2) looks up the selected values
of a re-displayed form in the database as they were typed: a form posted
with "abc" or "2024-02-30" in an autocomplete field answers its own
validation error with a server error ("Field 'id' expected a number").
Every admin of every app shows its ``autocomplete_fields`` through that
one method, so it is wrapped once, at start-up: values the related key
cannot read are left out of the lookup (the field's own error already says
what is wrong)."""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


def autocomplete_ignores_values_it_cannot_read() -> None:
    mixin = widgets.AutocompleteMixin
    if getattr(mixin.optgroups, "reads_values_safely", False):
        return
    original = mixin.optgroups

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        readable = []
        for item in value:
            try:
                key.get_prep_value(key.to_python(item))
            except (ValidationError, ValueError, TypeError, OverflowError):
                continue
            readable.append(item)
        return original(self, name, readable, attr)

    optgroups.reads_values_safely = True
    mixin.optgroups = optgroups
