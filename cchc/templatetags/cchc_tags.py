from django import forms, template

from cchc.access import can

register = template.Library()


@register.simple_tag
def widget(field):
    """Render a form field's widget with Bootstrap's classes, marked invalid
    when it has errors; the value the user typed is kept."""
    input_type = getattr(field.field.widget, "input_type", None)
    if isinstance(field.field.widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(field.field.widget, forms.Select) or input_type == "select":
        css = "form-select"
    else:
        css = "form-control"
    existing = field.field.widget.attrs.get("class", "")
    classes = " ".join(c for c in (existing, css, "is-invalid" if field.errors else "") if c)
    attrs = {"class": classes}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}-errors"
    return field.as_widget(attrs=attrs)


@register.filter(name="can")
def can_filter(user, action: str) -> bool:
    """``{% if user|can:"plan.edit" %}``: the access policy in a template."""
    return can(user, action)
