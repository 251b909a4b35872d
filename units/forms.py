"""What every form of the portal does with what people type, before its own checks.

- Text is normalised to NFC. Vietnamese arrives decomposed from some systems (macOS, some
  PDF copy-pastes, old input methods: "ế" as "e" + U+0302 + U+0301); stored as typed, the
  same word would be two different strings to search, sorting, uniqueness and the limits
  on length (a decomposed 150-letter name is over 300 characters).
- Leading and trailing blanks, zero-width spaces, joiners, soft hyphens and byte-order
  marks are dropped, so a required field is not satisfied by something invisible.
- Zero-width characters inside a text are refused with a message that says where: "Châu
  Th<U+200B>ành" looks like "Châu Thành" but is another string to search, sort, compare and
  match against a list, and Vietnamese needs none of them (nor emoji sequences, whose
  joiner is refused with them).
- Control characters are refused with a message: PostgreSQL cannot store NUL, the Excel
  export cannot write C0 controls, and e-mail headers cannot carry line breaks. Tabs and
  line breaks remain allowed where the field has several lines.
- Dates must fall in 2000–2100, the years a campaign can run in (Campaign.first_year): a
  year typed as "0015" or "9999" is a typo, not a date to file a plan under.
- Django's messages that its Vietnamese catalogue lacks are translated in ours, and those
  it gets wrong or that say too little are replaced.
- A number out of range says so in plain words with the limit grouped as Vietnamese write
  it ("Giá trị phải nhỏ hơn hoặc bằng 1.000.000."): Django's catalogue has "lớn hơn hoặc
  bằng với 0 ." and prints the limit ungrouped. A model form also checks its model field's
  limits itself, so the model's own validators never get to show Django's wording.
- A whole number may be typed with thousands grouped as Vietnamese write them ("1.000",
  "1 000"): Django's own field would read "1.000" as 1 (it drops a ".0…" tail), which
  turns a thousand expected participants into one without a word. A year is not grouped.
- A number is typed with the digits 0–9. Full-width digits ("１２３"), which an East-Asian
  input method left in full-width mode types, are read as 0–9; another script's digits
  ("١٢٣", "۱۲۳", "१२३") are refused with a message naming the digits to use: int() read
  them as the figure, which no one here means to type and nothing else in the portal reads.
  Characters that take no room (a zero-width space, a direction mark) are left out, and an
  underscore ("1_5", which int() reads as 15) is refused.
- A whole number is typed in a text box that opens the digits keyboard (`WholeNumberInput`),
  never in an `<input type="number">`: the portal's forms are sent unchecked by the browser
  (novalidate), and a browser sends such a box holding "100-150" or "1,5" as empty, so an
  optional figure was saved as not given, without a word. Typed in text, it reaches the
  form, which says what is wrong and shows it back.

Forms mix in `PortalInputMixin`; formsets take `FORMSET_ERRORS` as their error messages.
"""

import calendar
import datetime
import hashlib
import re
import unicodedata

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from units import once
from units.access import parse_pk
from units.models import Operation, Reorganisation

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# Blank or invisible at either end: whitespace (as str.isspace has it), the zero-width space,
# the zero-width non-joiner and joiner, the word joiner, the byte-order mark and the soft
# hyphen. A subject of nothing else was saved as a title nobody sees, a list's link with no
# text to click.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = ZERO_WIDTH + "\u00ad"
_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+$")
# C0 controls but tab, line feed and carriage return; DEL; C1 controls; and the controls of
# text direction (marks, embeddings, overrides, isolates), which make a text display other
# than it reads: "\u202eabc" shows as "cba", in a page and in a signed PDF alike.
CONTROL_CHARACTER = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Inside a text (its ends are stripped first): the zero-width space, non-joiner and joiner,
# the word joiner and the byte-order mark. A soft hyphen inside a word is a hyphenation hint
# some word processors leave in pasted text; it is left alone.
ZERO_WIDTH_CHARACTER = re.compile(f"[{ZERO_WIDTH}]")
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x85]")
# A new unit's code: letters without marks (and Đ), digits, "-", "_" and ".". No space, no
# comma (a split lists the codes of the units it moves with commas), nothing invisible and
# no letter that looks like another ("Ｂ" for "B"): a code is typed again in files and forms.
UNIT_CODE = re.compile(r"[0-9A-Za-zĐđ][0-9A-Za-zĐđ._-]*")
# 1.234 or 1 234 as Vietnamese users write thousands; a lone "1.5" is not a whole number.
GROUPED = re.compile(r"^[0-9]{1,3}([. \u00a0][0-9]{3})+$")
_GROUP_SEPARATOR = re.compile(r"[. \u00a0]")
_NO_DECIMAL_TAIL = re.compile(r"(?!)")  # matches nothing


# Full-width forms of what a number is typed with: the digits, the full stop, the comma, the
# minus and the ideographic space between groups.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－\u3000", "0123456789.,- ")
OTHER_DIGITS = _("Type the number with the digits 0 to 9.")


def ascii_digits(value: str) -> str:
    """`value` with its full-width digits (and the marks between them) as 0–9 and without
    Unicode's format characters; raises ValidationError (code "digits") when it holds the
    digits of another script, which int() reads as well.

    Format characters take no room (zero-width spaces and joiners, direction marks, a byte
    order mark, a soft hyphen): a figure pasted from a web page, a chat or a right-to-left
    text brings them unseen, and was refused as no whole number while it showed as one."""
    value = "".join(
        char for char in value.translate(_FULL_WIDTH) if unicodedata.category(char) != "Cf"
    )
    if not value.isascii() and any(char.isdecimal() and not char.isascii() for char in value):
        raise ValidationError(OTHER_DIGITS, code="digits")
    return value


def _ascii_or_as_typed(value: str) -> str:
    """`value` as ascii_digits reads it, or as typed for its field to refuse (_harden)."""
    try:
        return ascii_digits(value)
    except ValidationError:
        return value


def ungrouped(value: str) -> str:
    """`value` without its thousand separators when it is a whole number written grouped
    ("1.234", "1 234"); else as it is."""
    stripped = value.strip()
    return _GROUP_SEPARATOR.sub("", stripped) if GROUPED.match(stripped) else value


def grouped(value: str) -> str:
    """Digits kept as text (a snapshot's "1250") as the pages write the number ("1.250");
    anything else as it is."""
    return number_format(int(value), force_grouping=True) if value.isdigit() else value


HIDDEN_DAMAGED = _(
    "The page was sent back with damaged hidden data. Reload it and enter your changes again."
)

FORMSET_ERRORS = {
    "missing_management_form": _(
        "The list of rows was sent incomplete or altered. Reload the page and enter the rows again."
    ),
    "too_many_forms": _("Send at most %(num)d rows."),
    "too_few_forms": _("Send at least %(num)d rows."),
}


# Django's own messages that its Vietnamese catalogue lacks. Listed here so that makemessages
# keeps their translations in the project's catalogue, which is searched before Django's.
DJANGO_MESSAGES = [
    gettext_noop("Null characters are not allowed."),
    gettext_noop("“%(pk)s” is not a valid value."),
    # Translated "Nhập một số tổng thể." ("enter an overall number") there.
    gettext_noop("Enter a whole number."),
    # Translated "Giá trị này chỉ có tối đa 50 kí tự (hiện có 10002)" there, which reads as a
    # statement about the value; pages get TextLengthValidator below, this reaches the login
    # form and whatever else keeps Django's validator.
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    # Translated with "bằng với" and a space before the full stop there; pages get
    # RangeMinValidator and RangeMaxValidator below, these reach the admin's forms.
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
]


def clean_text(value: str) -> str:
    """`value` in NFC without blank or invisible characters at either end."""
    return _EDGES.sub("", unicodedata.normalize("NFC", value))


def clean_typed_text(value: str) -> str:
    """A text as a form sent it, cleaned (`clean_text`) with its line breaks as "\n": a
    browser sends each as "\r\n" while its text box counts it as one character against
    its limit, so a text the box let the user type would be refused as too long."""
    return clean_text(value.replace("\r\n", "\n").replace("\r", "\n"))


def words_before(text: str, end: int) -> str:
    """The last words of `text[:end]`'s line, at most 20 characters and no word cut: where an
    invisible character at `end` is for whoever looks for it (a text's ends are stripped,
    so there is a word before one inside it)."""
    line = text[:end].rsplit("\n", 1)[-1].strip()
    if len(line) <= 20:
        return line
    tail = line[-20:]
    _cut, space, whole = tail.partition(" ")
    return whole.strip() if space and whole.strip() else tail


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters; in a single-line field, line breaks too; in a text the
    portal cleans (`zero_width`: all but passwords), zero-width characters too."""

    def __init__(self, multiline=True, zero_width=True):
        self.multiline = multiline
        self.zero_width = zero_width

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = CONTROL_CHARACTER.search(value)
        if found:
            raise ValidationError(
                _(
                    "The text contains an invisible control character (%(code)s) at "
                    "character %(position)s; remove it and try again."
                ),
                code="control_character",
                params={"code": f"U+{ord(found.group()):04X}", "position": found.start() + 1},
            )
        found = self.zero_width and ZERO_WIDTH_CHARACTER.search(value)
        if found:
            raise ValidationError(
                _(
                    "The text contains an invisible character (%(code)s) at character "
                    "%(position)s, just after “%(before)s”; delete the word it is in and "
                    "type it again."
                ),
                code="zero_width",
                params={
                    "code": f"U+{ord(found.group()):04X}",
                    "position": found.start() + 1,
                    "before": words_before(value, found.start()),
                },
            )
        if not self.multiline and _LINE_BREAK.search(value):
            raise ValidationError(
                _("This field takes a single line: remove the line breaks."),
                code="line_break",
            )

    def __eq__(self, other):
        return (
            isinstance(other, ControlCharacterValidator)
            and other.multiline == self.multiline
            and other.zero_width == self.zero_width
        )


class _GroupedLimit:
    """A range check whose message shows the limit as the reader writes numbers (1.000);
    a year (grouped=False) is written as a year, 2100."""

    def __init__(self, limit_value, message=None, grouped=True):
        super().__init__(limit_value, message)
        self.grouped = grouped

    def __call__(self, value):
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": number_format(limit, force_grouping=self.grouped),
                    "show_value": cleaned,
                    "value": value,
                },
            )


@deconstructible
class RangeMinValidator(_GroupedLimit, MinValueValidator):
    message = _("The value must be greater than or equal to %(limit_value)s.")


@deconstructible
class RangeMaxValidator(_GroupedLimit, MaxValueValidator):
    message = _("The value must be less than or equal to %(limit_value)s.")


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """A text over its field's limit, said as an instruction with both numbers grouped as
    Vietnamese write them ("Nhập tối đa 2.000 ký tự; bạn đã nhập 10.002."): a long answer
    pasted from a document, or a cell of an uploaded workbook, is told how much to cut."""

    message = _("Type at most %(limit_value)s characters; you typed %(show_value)s.")

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": number_format(self.limit_value, force_grouping=True),
                    "show_value": number_format(length, force_grouping=True),
                    "value": value,
                },
            )


_RANGE = {MinValueValidator: RangeMinValidator, MaxValueValidator: RangeMaxValidator}


def number_limits(validators, grouped: bool = True) -> list:
    """`validators` with the range checks that carry Django's message replaced by ours; of
    several lower (upper) limits only the tightest is kept, so one value out of range gets
    one message. `grouped`: whether the limits are shown with thousand separators."""
    kept, lowest, highest = [], None, None
    for validator in validators:
        kind = _RANGE.get(type(validator))
        if kind is None or validator.message != type(validator).message:
            kept.append(validator)
        elif callable(validator.limit_value):
            kept.append(kind(validator.limit_value, grouped=grouped))
        elif kind is RangeMinValidator:
            limit = validator.limit_value
            lowest = limit if lowest is None else max(lowest, limit)
        else:
            limit = validator.limit_value
            highest = limit if highest is None else min(highest, limit)
    if lowest is not None:
        kept.append(RangeMinValidator(lowest, grouped=grouped))
    if highest is not None:
        kept.append(RangeMaxValidator(highest, grouped=grouped))
    return kept


class PortalInputMixin:
    """Normalises a bound form's text and adds the checks above to its fields.

    Put it before the form class: `class PlanForm(PortalInputMixin, forms.ModelForm)`. A
    form that adds fields in its own `__init__` calls `prepare_input()` again afterwards.
    """

    # Dates the portal's users type fall in 2000–2100; the admin's (a union founded in
    # 1975) are checked by their models.
    dates_this_century = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_input()

    def prepare_input(self):
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            if not getattr(field, "portal_input", False):
                _harden(
                    field,
                    _model_validators(model, name),
                    year=name.endswith("year"),
                    dates=self.dates_this_century,
                )
                field.portal_input = True
        if self.is_bound:
            self.data = self._normalised(self.data)

    # Whether the form's template shows the errors of its hidden fields itself.
    shows_hidden_errors = False

    def full_clean(self):
        """Validate, then show the errors of hidden fields (a version number) with the
        form's own errors, unless its template shows them: a form's template usually
        shows none beside an invisible field."""
        super().full_clean()
        if not self._errors or self.shows_hidden_errors:
            return
        for name in list(self._errors):
            field = self.fields.get(name)
            if field is not None and field.widget.is_hidden:
                for error in self._errors.pop(name).as_data():
                    self.add_error(None, error)

    def _normalised(self, data):
        """A copy of `data` with the text of this form's own text fields cleaned and its
        grouped whole numbers ungrouped; the data itself when there is nothing to change (it
        may be shared by a formset)."""
        changes = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.strip:
                clean = clean_typed_text
            elif isinstance(field, forms.IntegerField) and not field.widget.is_hidden:
                # Full-width digits first, so that "１．２３４" is ungrouped as "1.234" is
                # and a refused form shows back what was typed in 0–9.
                clean = _ascii_or_as_typed if name.endswith("year") else _typed_figure
            else:
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            cleaned = [clean(v) if isinstance(v, str) else v for v in values]
            if cleaned != values:
                changes[key] = cleaned
        return _with_changes(data, changes)


def _typed_figure(value: str) -> str:
    return ungrouped(_ascii_or_as_typed(value))


def _with_changes(data, changes):
    """`data` with each key of `changes` given its list of values (a copy: the data may be
    shared by a formset); the data itself when there is nothing to change."""
    if not changes:
        return data
    data = data.copy()
    for key, values in changes.items():
        if hasattr(data, "setlist"):
            data.setlist(key, values)
        else:
            data[key] = values[-1] if values else ""
    return data


def _model_validators(model, name):
    """The validators a model form's field `name` gets from its model field, if any."""
    if model is None:
        return []
    try:
        return list(model._meta.get_field(name).validators)
    except FieldDoesNotExist:  # a field of the form's own
        return []


# What a select shows before a choice is made, instead of Django's "---------", which reads
# as a broken page to whoever has never seen it.
BLANK_CHOICE_LABEL = _("— Choose —")


def _blank_choice_named(field):
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == "---------":
            field.empty_label = BLANK_CHOICE_LABEL
        return
    if isinstance(field.choices, CallableChoiceIterator):
        return  # read when drawn (a query, perhaps): such a list names its own blank
    choices = list(field.choices)
    if choices and choices[0] == ("", "---------"):
        field.choices = [("", BLANK_CHOICE_LABEL), *choices[1:]]


class WholeNumberInput(forms.TextInput):
    """The box a whole number is typed in: text, with the digits keyboard on a phone."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", **(attrs or {})})


def _as_text_box(field):
    """Type `field`'s number into a WholeNumberInput instead of a NumberInput, keeping the
    widget's own attributes (the admin's class) but the limits a text box has no use for."""
    attrs = {
        name: value
        for name, value in field.widget.attrs.items()
        if name not in ("min", "max", "step")
    }
    widget = WholeNumberInput(attrs)
    # What Field.__init__ told the widget it replaces: whether to draw it `required`.
    widget.is_required, widget.is_localized = field.widget.is_required, field.widget.is_localized
    field.widget = widget


def _harden(field, model_validators=(), year=False, dates=True):
    if isinstance(field, forms.ModelMultipleChoiceField) and field.to_field_name is None:
        field.clean = _ids_first(field.clean, field.error_messages["invalid_pk_value"])
    if isinstance(field, forms.ChoiceField):
        _blank_choice_named(field)
    elif isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators = [
            TextLengthValidator(v.limit_value)
            if type(v) is MaxLengthValidator and v.message == MaxLengthValidator.message
            else v
            for v in field.validators
            if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        # A password (strip=False) is kept exactly as typed: whatever it holds is the user's.
        field.validators.insert(
            0, ControlCharacterValidator(multiline=multiline, zero_width=field.strip)
        )
    elif isinstance(field, forms.DateField):
        # Django's "Enter a valid date." leaves "01.08.2015" or "1-8-2015" a riddle.
        field.error_messages["invalid"] = _(
            "Enter the date as day/month/year, for example 31/12/2025."
        )
        field.to_python = _calendar_checked(field.to_python)
        if not dates:
            return
        field.validators += [
            MinValueValidator(
                EARLIEST_DATE, message=_("Enter a date from 01/01/2000 to 31/12/2100.")
            ),
            MaxValueValidator(
                LATEST_DATE, message=_("Enter a date from 01/01/2000 to 31/12/2100.")
            ),
        ]
    elif isinstance(field, forms.IntegerField) and field.widget.is_hidden:
        # Only a page altered outside the browser sends a bad hidden number.
        field.error_messages["invalid"] = HIDDEN_DAMAGED
        field.to_python = _digits_first(field, HIDDEN_DAMAGED)
        field.validators = [
            type(v)(v.limit_value, message=HIDDEN_DAMAGED)
            if isinstance(v, MinValueValidator | MaxValueValidator)
            else v
            for v in field.validators
        ]
    elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        if isinstance(field, forms.IntegerField) and isinstance(field.widget, forms.NumberInput):
            _as_text_box(field)
        field.to_python = _digits_first(field)
        if type(field).re_decimal is forms.IntegerField.re_decimal:
            # Django drops a ".0…" tail: "1.0000" (a thousand typed with a zero too many)
            # was read as 1, "12.0" as 12, without a word. A dot only groups thousands here,
            # and a grouped number is read whole before (`ungrouped`): one still holding a
            # dot is no whole number.
            field.re_decimal = _NO_DECIMAL_TAIL
        field.validators = number_limits(
            [
                *field.validators,
                *(v for v in model_validators if type(v) in _RANGE),
            ],
            grouped=not year,
        )


def _digits_first(field, message=None):
    """`field`'s `to_python`, reading typed text through ascii_digits first: a figure in
    another script's digits is refused (with `message` instead of ascii_digits' own, if
    given) before int() or Decimal() reads it. So is one with an underscore, as the field
    refuses what is not a number: int() reads "1_5" as 15 (Python's grouping), a slip for
    "1.5" or "15" made a figure nobody typed."""
    to_python = field.to_python

    def read(value):
        if isinstance(value, str):
            try:
                value = ascii_digits(value)
            except ValidationError as error:
                if message is None:
                    raise
                raise ValidationError(message, code="invalid") from error
            if "_" in value:
                raise ValidationError(field.error_messages["invalid"], code="invalid")
        return to_python(value)

    return read


# A date typed in the form asked for ("31/02/2026", or "2026-02-31" as a browser's date picker
# sends it): refused, it is one the calendar lacks, not one typed the wrong way.
_DAY_MONTH_YEAR = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
_YEAR_MONTH_DAY = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")


def _calendar_checked(to_python):
    """A date field's `to_python` that tells a date the calendar does not have ("31/02/2026")
    from one typed in another form ("01.08.2026"): "enter the date as day/month/year" is no
    help to whoever typed exactly that."""

    def read(value):
        try:
            return to_python(value)
        except ValidationError as error:
            if error.code != "invalid" or not isinstance(value, str):
                raise
            typed = value.strip()
            found = _DAY_MONTH_YEAR.fullmatch(typed) or _YEAR_MONTH_DAY.fullmatch(typed)
            if not found:
                raise
            raise ValidationError(_no_such_day(found, typed), code="no_such_day") from error

    return read


def _no_such_day(found, typed):
    day, month, year = (int(found[name]) for name in ("day", "month", "year"))
    if 1 <= month <= 12 and day > 28 and year >= 1:
        days = calendar.monthrange(year, month)[1]
        return _(
            "There is no day %(date)s: month %(month)s of %(year)s has only %(days)s days."
        ) % {"date": typed, "month": month, "year": year, "days": days}
    return _("There is no day %(date)s: check the day and the month.") % {"date": typed}


def _ids_first(clean, message):
    """A multiple choice's `clean` that refuses a value which is no id (a number past the
    database's integer range, typed into a tampered form) before the `pk__in` lookup, where
    SQLite raised OverflowError: a 500."""

    def checked(value):
        for item in value or ():
            if parse_pk(str(item)) is None:
                raise forms.ValidationError(message, code="invalid_pk_value", params={"pk": item})
        return clean(value)

    return checked


# --- Reorganisations ------------------------------------------------------------------------------
DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy")})


_ID = re.compile(r"[0-9]{1,18}")  # as config.http's <id:> converter: "²" is a digit, no id


class AdminModelForm(PortalInputMixin, forms.ModelForm):
    """The admin's forms: what staff type meets the checks the portal's own forms make (a
    control character in a unit's name would stop every chart and PDF that shows it).
    Every admin form and inline is one (tests/units/test_admin_input.py)."""

    dates_this_century = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin fills an add form from its address (?unit=…); an autocomplete picker
        # looks its value up to draw itself, where one that is no id raised ValueError (or
        # OverflowError on SQLite). The form opens without it.
        for name, field in self.fields.items():
            value = self.initial.get(name)
            if (
                isinstance(field, forms.ModelChoiceField)
                and isinstance(value, str)
                and value
                and not _ID.fullmatch(value)
            ):
                del self.initial[name]

    def _normalised(self, data):
        """Also: a picked row's id that is not a whole number (only a tampered page sends
        one) is dropped, so the field says it needs a choice: the admin's autocomplete
        widget would look it up to draw the form again, a 500."""
        data = super()._normalised(data)
        changes = {}
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            kept = [v for v in values if not isinstance(v, str) or v == "" or _ID.fullmatch(v)]
            if kept != values:
                changes[key] = kept
        return _with_changes(data, changes)

    def _update_errors(self, errors):
        """A model's own check may name a field this form only shows (an inline's read-only
        columns: a plan's activities), when a tampered row's id makes the row a new object;
        Django raises ValueError for an error on a field the form lacks, a 500. Such an error
        is the row's own."""
        if hasattr(errors, "error_dict"):
            absent = [
                name
                for name in errors.error_dict
                if name != NON_FIELD_ERRORS and name not in self.fields
            ]
            if absent:
                kept = dict(errors.error_dict)
                moved = [error for name in absent for error in kept.pop(name)]
                kept[NON_FIELD_ERRORS] = [*kept.get(NON_FIELD_ERRORS, []), *moved]
                errors = ValidationError(kept)
        super()._update_errors(errors)


class AdminInlineFormSet(forms.BaseInlineFormSet):
    """The admin's inline rows: two rows with the same code (or the same unit and role) are
    named by the fields' labels, as the page heads its columns. Django names them by their
    attribute names ("Hãy sửa các dữ liệu trùng lặp cho code."). Every admin inline uses
    one (tests/units/test_admin_input.py)."""

    def get_unique_error_message(self, unique_check):
        names = [name for name in unique_check if name != self.fk.name]
        labels = [
            str(self.form.base_fields[name].label)
            if name in self.form.base_fields
            else str(self.model._meta.get_field(name).verbose_name)
            for name in names
        ]
        # Django's own messages, translated in its catalogue.
        if len(labels) == 1:
            return gettext("Please correct the duplicate data for %(field)s.") % {
                "field": labels[0]
            }
        return gettext("Please correct the duplicate data for %(field)s, which must be unique.") % {
            "field": get_text_list(labels, gettext("and"))
        }


class SeenMixin:
    """For a form that edits a saved row: a hidden fingerprint of the row's values when the
    page was drawn. Sent back after a colleague saved the same row, the form is refused
    with what was typed kept, rather than silently putting back the values the colleague
    had just changed; sent again from that page, it saves (the user has been told)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial["seen"] = self.fingerprint()
            self.prepare_input()

    def fingerprint(self) -> str:
        """The row's saved values of the form's fields (the instance before this form's data
        is put on it, which happens after `clean`). No query."""
        values = [str(getattr(self.instance, name)) for name in self._meta.fields]
        return hashlib.sha256("\x1f".join(values).encode()).hexdigest()

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen")
        if self.instance.pk is not None and seen and seen != self.fingerprint():
            self.add_error(
                None,
                _(
                    "Someone else saved this after you opened the page. What you typed is "
                    "below: open the page again in another tab to see their changes, or save "
                    "again to replace them with yours."
                ),
            )
            # The page drawn again carries the values now saved: saved again, it replaces
            # them knowingly.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen")] = self.fingerprint()
        return cleaned


class ReorganisationForm(SeenMixin, PortalInputMixin, forms.ModelForm):
    """The decision behind a reorganisation."""

    class Meta:
        model = Reorganisation
        fields = ["number", "decided_on", "signer", "effective_on", "note"]
        widgets = {
            "decided_on": DATE_INPUT,
            "effective_on": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_decided_on(self):
        decided_on = self.cleaned_data.get("decided_on")
        refusal = decision_date_refusal(decided_on)
        if refusal:
            raise forms.ValidationError(refusal, code="future")
        return decided_on


class ReorganisationCreateForm(once.OnceMixin, ReorganisationForm):
    """A new decision: its page's token records one draft however often the form is sent
    (units/once.py). Editing a draft changes it in place, so needs none."""


def code_refusal(code: str) -> str | None:
    """Why `code` cannot be a new unit's code, or None. Codes already in use stay as they
    are: a reorganisation or an import names them as they were given."""
    if code and not UNIT_CODE.fullmatch(code):
        # Translated now, in the caller's language: the import lists it beside messages
        # already formatted, as plain strings.
        return gettext(
            "A code holds letters without marks (or Đ), digits and “-”, “_” or “.”, with no "
            "space or comma: for example BT-CT-03."
        )
    return None


def code_case_refusal(code: str, taken: str, holder: str) -> str:
    """Why `code` cannot be a new code when `holder` already has `taken`, the same code in
    other capitals: a code typed again in a file or a form would name either."""
    return _(
        "The code “%(code)s” is already used by %(unit)s, written “%(taken)s”: two codes "
        "must differ in more than capital letters."
    ) % {"code": code, "unit": holder, "taken": taken}


def decision_date_refusal(decided_on: datetime.date | None) -> str | None:
    """Why `decided_on` cannot be a decision's date, or None: a decision is recorded once
    it is signed, so its date has come. The form and the uploaded file both check it."""
    if decided_on and decided_on > timezone.localdate():
        return _("A decision is recorded once it is signed: %(date)s has not come yet.") % {
            "date": decided_on.strftime("%d/%m/%Y")
        }
    return None


# What each kind of operation needs besides its action (the rest is checked on preview).
OPERATION_NEEDS = {
    "create": ("code", "name", "kind"),
    "rename": ("unit_code", "name"),
    "change_kind": ("unit_code", "kind"),
    "move": ("unit_code", "target_code"),
    "close": ("unit_code",),
    "merge": ("unit_code", "target_code"),
    "split": ("unit_code", "target_code", "children_codes"),
}


class OperationForm(SeenMixin, PortalInputMixin, forms.ModelForm):
    """One operation. The fields an action does not use are ignored; whether the units it
    names allow it is checked when the reorganisation is previewed."""

    class Meta:
        model = Operation
        fields = [
            "position",
            "action",
            "unit_code",
            "target_code",
            "code",
            "name",
            "short_name",
            "kind",
            "move_children",
            "move_members",
            "children_codes",
        ]

    def clean_code(self):
        code = self.cleaned_data["code"]
        refusal = code_refusal(code)
        if refusal:
            raise ValidationError(refusal)
        return code

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        for name in OPERATION_NEEDS.get(action, ()):
            # A field refused already says why: it was filled in.
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("This operation needs this field."))
        return cleaned


class OperationAddForm(once.OnceMixin, OperationForm):
    """A new operation: its page's token adds it once however often the form is sent
    (units/once.py). Editing an operation changes it in place, so needs none."""


MAX_UPLOAD = 2 * 1024 * 1024  # far above any reorganisation's list of operations


class ReorganisationUploadForm(once.OnceMixin, PortalInputMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        # Every column the reader takes (units.importing.REORGANISATION_ALIASES), in the
        # words of its Vietnamese header: a merge that hands over the units below or the
        # people's roles, or a split, needs the optional ones.
        help_text=_(
            "One row per operation, in order. Columns: decision number, effective date, "
            "operation (create, rename, change kind, move, close, merge, split), unit code, "
            "parent or successor code, new code, name, short name, kind; optional: decision "
            "date, signer, move the units below and move the people's roles (x for yes), "
            "codes of the units below (for a split, separated by commas)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload
