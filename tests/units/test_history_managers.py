"""The change history's manager class is built once per model (units.history); that the
histories still read their own rows the history tests of each model show."""

from django.apps import apps

from campaign.models import AnnualReport, IndicatorValue


def test_every_models_history_manager_class_is_built_once():
    tracked = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    assert {AnnualReport, IndicatorValue} <= set(tracked)
    for model in tracked:
        name = model._meta.simple_history_manager_attribute
        assert type(getattr(model, name)) is type(getattr(model, name)), model
