"""The dashboards' filters. Values that do not parse fall back to the
defaults (this year, today's units, every area), so a stale bookmark still
opens a page; a unit out of scope is a 404, decided by the selectors."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import TREND_YEARS

MODES = [
    ("current", _("Đơn vị hiện nay (cộng dồn đơn vị đã sáp nhập)")),
    ("history", _("Đơn vị theo năm (giữ tên đơn vị cũ)")),
]


def year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - TREND_YEARS - 5, -1)]


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)
    mode = forms.ChoiceField(label=_("Cách xem đơn vị"), choices=MODES, required=False)
    area = forms.TypedChoiceField(label=_("Lĩnh vực CCHC"), coerce=int, required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["area"].choices = [("", _("Tất cả lĩnh vực"))] + [
            (area.pk, f"{area.name} ({area.valid_from_year}–{area.valid_to_year or ''})") for area in areas
        ]
        for name in ("year", "mode", "area"):
            self.fields[name].widget.attrs["class"] = "js-autosubmit"


def parse_filters(data) -> dict:
    """year, unit, mode, area and source document from a query string, each
    None when absent or unusable."""

    def positive_int(name, low=1, high=None):
        try:
            value = int(data.get(name, ""))
        except (TypeError, ValueError):
            return None
        if value < low or (high is not None and value > high):
            return None
        return value

    mode = data.get("mode")
    return {
        "year": positive_int("year", 2000, 2100),
        "unit_id": positive_int("unit"),
        "mode": mode if mode in dict(MODES) else None,
        "area_id": positive_int("area"),
        "document_id": positive_int("document"),
    }
