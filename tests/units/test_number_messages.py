"""A number out of range is explained in plain Vietnamese, its limit written the Vietnamese
way (1.000.000), with one message for one mistake; years keep their four digits."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import translation

from campaign.forms import FigureField
from campaign.models import MAX_PARTICIPANTS, Activity
from units.forms import HIDDEN_DAMAGED, PortalInputMixin, RangeMaxValidator, RangeMinValidator

# "1.5" or "1,5" (a decimal comma in Vietnamese): the message shows how to type one.
WHOLE_NUMBER = "Hãy nhập một số nguyên, ví dụ 1234 hoặc 1.234."


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def message_of(validator, value):
    with pytest.raises(ValidationError) as raised:
        validator(value)
    return raised.value.messages


def test_the_limits_read_as_plain_vietnamese_with_grouped_thousands():
    assert message_of(RangeMinValidator(0), -1) == ["Giá trị phải lớn hơn hoặc bằng 0."]
    assert message_of(RangeMaxValidator(1_000_000), 1_000_001) == [
        "Giá trị phải nhỏ hơn hoặc bằng 1.000.000."
    ]
    assert message_of(RangeMaxValidator(2100, grouped=False), 2101) == [
        "Giá trị phải nhỏ hơn hoặc bằng 2100."
    ]


def test_djangos_own_range_messages_lose_the_stray_space():
    # The admin's forms use Django's validators; the project's catalogue words them.
    assert message_of(MinValueValidator(0), -5) == ["Giá trị phải lớn hơn hoặc bằng 0."]
    assert message_of(MaxValueValidator(12), 13) == ["Giá trị phải nhỏ hơn hoặc bằng 12."]


def test_a_figure_field_explains_both_ends_of_its_range():
    class Figures(PortalInputMixin, forms.Form):
        sessions = FigureField()

    assert Figures({"sessions": "-1"}).errors["sessions"] == ["Giá trị phải lớn hơn hoặc bằng 0."]
    assert Figures({"sessions": "10000001"}).errors["sessions"] == [
        "Giá trị phải nhỏ hơn hoặc bằng 10.000.000."
    ]
    assert Figures({"sessions": "10.000.000"}).is_valid()


@pytest.mark.django_db
def test_a_model_forms_field_checks_the_models_limit_itself_with_one_message():
    class Participants(PortalInputMixin, forms.ModelForm):
        class Meta:
            model = Activity
            fields = ["planned_on", "planned_quarter", "expected_participants"]

    # Above the model's own MaxValueValidator: caught by the form field, grouped, once.
    form = Participants(
        {"planned_quarter": "3", "expected_participants": str(MAX_PARTICIPANTS + 1)}
    )
    assert form.errors["expected_participants"] == ["Giá trị phải nhỏ hơn hoặc bằng 1.000.000."]
    form = Participants({"planned_quarter": "3", "expected_participants": "-3"})
    assert form.errors["expected_participants"] == ["Giá trị phải lớn hơn hoặc bằng 0."]


@pytest.mark.django_db
def test_a_whole_number_typed_with_grouped_thousands_reads_as_thousands():
    class Participants(PortalInputMixin, forms.ModelForm):
        class Meta:
            model = Activity
            fields = ["planned_quarter", "expected_participants"]

    def read(typed):
        form = Participants({"planned_quarter": "3", "expected_participants": typed})
        return form.cleaned_data["expected_participants"] if form.is_valid() else form.errors

    assert read("1.000") == read("1 000") == read("1\u00a0000") == read(" 1000 ") == 1000
    assert read("12.500") == 12500
    assert read("1.5") == {"expected_participants": [WHOLE_NUMBER]}
    # Django read these as 1 and 12: a thousand typed with a zero too many became one.
    for typed in ("1.0000", "1.00", "12.0", "12."):
        assert read(typed) == {"expected_participants": [WHOLE_NUMBER]}


# What int() reads as a figure but nobody here types: Arabic-Indic, Extended Arabic-Indic
# (Persian), Devanagari and Bengali digits, alone, grouped, or beside 0–9.
OTHER_DIGITS = ["١٢٣", "۱۲۳", "१२३", "১২৩", "١.٢٣٤", "12٣"]
USE_0_TO_9 = "Hãy nhập số bằng các chữ số từ 0 đến 9."


@pytest.mark.django_db
@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_a_figure_in_another_scripts_digits_is_refused_naming_the_digits_to_use(typed):
    class Participants(PortalInputMixin, forms.ModelForm):
        class Meta:
            model = Activity
            fields = ["planned_quarter", "expected_participants"]

    form = Participants({"planned_quarter": "3", "expected_participants": typed})
    assert form.errors == {"expected_participants": [USE_0_TO_9]}
    assert form["expected_participants"].value() == typed  # kept as typed, to correct


@pytest.mark.parametrize(
    ("typed", "read"),
    [("１２３", 123), ("１．２３４", 1234), ("１　２３４", 1234), ("１.２３４", 1234), ("1２", 12)],
)
def test_full_width_digits_from_an_east_asian_input_method_read_as_0_to_9(typed, read):
    class Figures(PortalInputMixin, forms.Form):
        sessions = FigureField()

    form = Figures({"sessions": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sessions"] == read


def test_a_full_width_fraction_or_negative_is_refused_as_its_ascii_twin():
    class Figures(PortalInputMixin, forms.Form):
        sessions = FigureField()

    assert Figures({"sessions": "１，５"}).errors["sessions"] == [WHOLE_NUMBER]
    assert Figures({"sessions": "－１"}).errors["sessions"] == ["Giá trị phải lớn hơn hoặc bằng 0."]


def test_a_year_is_typed_with_0_to_9_too():
    class YearForm(PortalInputMixin, forms.Form):
        year = forms.IntegerField(min_value=2000, max_value=2100)

    assert YearForm({"year": "٢٠٢٥"}).errors["year"] == [USE_0_TO_9]
    form = YearForm({"year": "２０２５"})
    assert form.is_valid() and form.cleaned_data["year"] == 2025


def test_a_hidden_number_in_another_scripts_digits_is_a_damaged_page():
    class Versioned(PortalInputMixin, forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    assert Versioned({"version": "٣"}).errors["__all__"] == [str(HIDDEN_DAMAGED)]


# Pasted from a web page, a chat or a right-to-left document, a figure brings characters
# that take no room: it was refused as "not a whole number" while it showed as one, and
# sent again unchanged it was refused again.
INVISIBLE_IN_FIGURES = [
    ("123\u200b", 123),  # zero-width space
    ("\ufeff1.250", 1250),  # byte order mark
    ("\u200f1 250\u200e", 1250),  # right-to-left and left-to-right marks
    ("\u202b45\u202c", 45),  # right-to-left embedding
    ("1\u200b000", 1000),
    ("１２\u2060３", 123),  # word joiner, between full-width digits
    ("12\u00ad3", 123),  # soft hyphen
]


@pytest.mark.parametrize(("typed", "read"), INVISIBLE_IN_FIGURES)
def test_a_figure_with_invisible_characters_reads_as_it_shows(typed, read):
    class Figures(PortalInputMixin, forms.Form):
        sessions = FigureField()

    form = Figures({"sessions": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sessions"] == read


def test_a_year_with_invisible_characters_reads_as_it_shows():
    class YearForm(PortalInputMixin, forms.Form):
        year = forms.IntegerField(min_value=2000, max_value=2100)

    form = YearForm({"year": "\u200e2025\u200b"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["year"] == 2025


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1_5", "1_000", "12_34"])
def test_a_figure_with_an_underscore_is_refused_not_read_as_digits_run_together(typed):
    # int() reads "1_5" as 15 (Python's digit grouping): a slip for "1.5" or "15" became
    # a figure nobody typed.
    class Participants(PortalInputMixin, forms.ModelForm):
        class Meta:
            model = Activity
            fields = ["planned_quarter", "expected_participants"]

    class Figures(PortalInputMixin, forms.Form):
        sessions = FigureField()

    form = Participants({"planned_quarter": "3", "expected_participants": typed})
    assert form.errors == {"expected_participants": [WHOLE_NUMBER]}
    assert Figures({"sessions": typed}).errors == {"sessions": [WHOLE_NUMBER]}


def test_a_year_keeps_its_four_digits():
    class YearForm(PortalInputMixin, forms.Form):
        year = forms.IntegerField(min_value=2000, max_value=2100)

    assert YearForm({"year": "1999"}).errors["year"] == ["Giá trị phải lớn hơn hoặc bằng 2000."]
    assert YearForm({"year": "2101"}).errors["year"] == ["Giá trị phải nhỏ hơn hoặc bằng 2100."]


def test_a_message_written_for_the_field_is_kept():
    class Custom(PortalInputMixin, forms.Form):
        quarter = forms.IntegerField(
            validators=[MaxValueValidator(4, message="Quý chỉ từ 1 đến 4.")], required=False
        )

    assert Custom({"quarter": "5"}).errors["quarter"] == ["Quý chỉ từ 1 đến 4."]


class Answer(PortalInputMixin, forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea)


def test_a_text_over_its_limit_is_told_how_long_it_may_be_in_grouped_figures():
    # Django's catalogue says "Giá trị này chỉ có tối đa 2000 kí tự (hiện có 10002)": a
    # statement about the value, not what to do, with the figures ungrouped.
    form = Answer({"text": "Tân Thạch " * 1000 + "ab"})
    assert form.errors["text"] == ["Nhập tối đa 2.000 ký tự; bạn đã nhập 10.002."]


def test_a_decomposed_text_is_measured_once_composed():
    # "ạ" typed as "a" + U+0323: 1,000 letters, 2,000 code points as sent.
    typed = "\u0061\u0323" * 1000
    assert Answer({"text": typed}).is_valid()


def test_djangos_own_length_message_reads_as_an_instruction():
    # The login form keeps Django's validator (config.auth); the catalogue words it.
    from django.core.validators import MaxLengthValidator

    assert message_of(MaxLengthValidator(150), "x" * 300) == [
        "Nhập tối đa 150 ký tự; bạn đã nhập 300."
    ]


def test_a_whole_number_is_typed_in_a_text_box_that_keeps_what_was_typed():
    # The portal's forms are sent unchecked (novalidate): a number box holding "100-150"
    # is sent empty, and an optional figure was saved as not given.
    class Counts(PortalInputMixin, forms.Form):
        people = forms.IntegerField(required=False, min_value=1)
        order = forms.IntegerField(min_value=0)
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    html = str(Counts())
    assert 'type="number"' not in html
    assert '<input type="text" name="people" inputmode="numeric" id="id_people">' in html
    assert '<input type="text" name="order" inputmode="numeric" required id="id_order">' in html
    assert '<input type="hidden" name="version"' in html
    sent = Counts({"people": "100-150", "order": "-"})
    assert sent.errors == {"people": [WHOLE_NUMBER], "order": [WHOLE_NUMBER]}
    assert 'value="100-150"' in str(sent["people"]) and 'value="-"' in str(sent["order"])
