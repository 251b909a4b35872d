"""The change history (django-simple-history), with its manager class built once per model.

`Model.history` is a descriptor that builds a new manager class on every access
(`Manager.from_queryset`, which inspects the queryset class), and simple_history reads it for
every history row it writes: at a deadline that was a tenth of a submission's CPU. The class
it builds is the same each time, so it is built once per model and reused.
"""

from django.apps import apps
from simple_history.manager import HistoryDescriptor


class _ManagerBuiltOnce(HistoryDescriptor):
    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_manager")
        if manager_class is None:
            manager_class = self._manager = self.manager_class.from_queryset(self.queryset_class)
        return manager_class(self.model, instance)


def build_managers_once() -> None:
    """Make every model's history descriptor build its manager class once (apps ready)."""
    for model in apps.get_models():
        for value in vars(model).values():
            if type(value) is HistoryDescriptor:
                value.__class__ = _ManagerBuiltOnce
