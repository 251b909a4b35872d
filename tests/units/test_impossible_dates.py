"""A date typed as asked (day/month/year) that the calendar does not have is told so: "enter
the date as day/month/year" answered whoever had typed exactly that. A date typed another
way keeps that message."""

import pytest
from django import forms
from django.utils import translation

from units.forms import PortalInputMixin
from units.importing import DATE_FORMATS


class DateForm(PortalInputMixin, forms.Form):
    day = forms.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].input_formats = DATE_FORMATS


def refused(typed):
    form = DateForm({"day": typed})
    with translation.override("vi"):
        assert not form.is_valid()
        return form.errors["day"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "Không có ngày 31/02/2026: tháng 2 năm 2026 chỉ có 28 ngày."),
        ("29/02/2026", "Không có ngày 29/02/2026: tháng 2 năm 2026 chỉ có 28 ngày."),
        ("31/4/2026", "Không có ngày 31/4/2026: tháng 4 năm 2026 chỉ có 30 ngày."),
        ("2026-02-30", "Không có ngày 2026-02-30: tháng 2 năm 2026 chỉ có 28 ngày."),
        ("15/13/2026", "Không có ngày 15/13/2026: hãy kiểm tra lại ngày và tháng."),
        ("00/05/2026", "Không có ngày 00/05/2026: hãy kiểm tra lại ngày và tháng."),
    ],
)
def test_a_day_the_calendar_lacks_is_named_as_such(typed, message):
    assert refused(typed) == [message]


@pytest.mark.parametrize("typed", ["01.08.2026", "1-8-2026", "31/02/26", "ngày 1/8/2026"])
def test_a_date_typed_another_way_is_shown_the_way_to_type_it(typed):
    assert refused(typed) == ["Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2025."]


def test_a_leap_day_is_a_day():
    form = DateForm({"day": "29/02/2028"})
    assert form.is_valid(), form.errors
