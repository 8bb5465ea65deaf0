"""Form helpers shared by the apps (the document forms: ``cchc.documents.forms``)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, beside the field it
    names when the form has that field, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
