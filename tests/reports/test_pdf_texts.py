"""The summary's list of the texts units reported: one line per text with the units that
wrote it, and "at least" when the rollup listed only the area's first texts, as a count
of those alone may fall short (the demo's 2024 province summary said "30 units" of a
text its 44 included reports all held)."""

from types import SimpleNamespace

from django.utils import translation

from reports import pdf
from reports.rollup import TextEntry

INDICATOR = SimpleNamespace(code="other_forms", name="Hình thức khác")


def listed(entries, more):
    result = SimpleNamespace(text_indicators=[INDICATOR], texts=entries, texts_more=more)
    with translation.override("vi"):
        return pdf._texts(result)[0]["entries"]


def test_every_text_listed_counts_its_units_exactly():
    entries = [TextEntry(f"CĐCS {n}", "other_forms", "Pa-nô") for n in range(3)]
    entries.append(TextEntry("CĐCS 9", "other_forms", "Loa"))
    assert listed(entries, more=False) == [
        "Pa-nô (3 đơn vị: CĐCS 0, CĐCS 1, CĐCS 2)",
        "Loa (CĐCS 9)",
    ]


def test_a_list_cut_short_says_its_counts_are_at_least():
    entries = [TextEntry(f"CĐCS {n}", "other_forms", "Pa-nô") for n in range(30)]
    lines = listed(entries, more=True)
    assert lines[0].startswith("Pa-nô (ít nhất 30 đơn vị: CĐCS 0, ")
    assert lines[-1] == "Các nội dung khác xem trong báo cáo của từng đơn vị."
