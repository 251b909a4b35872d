"""The charts' numbers: whole counts on every axis, written as the page's language writes
them (Vietnamese "2.770", "88,9"), a secondary axis whose ticks are whole too, and a year
with nothing included drawn as a gap, never as a zero."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from PIL import ImageFont

from reports import charts
from reports.rollup import Figures, IndicatorInfo, TrendRow

SVG = "{http://www.w3.org/2000/svg}"
INDICATORS = [
    IndicatorInfo(1, "sessions", "Số buổi tuyên truyền đã tổ chức", "buổi", "integer"),
    IndicatorInfo(2, "other_forms", "Hình thức khác", "", "text"),
    IndicatorInfo(3, "participants", "Số lượt CNVCLĐ tham gia", "lượt", "integer"),
]
# The demo federation's years, whose right-hand axis used to read 692.5, 1385, 2077.5, 2770.
TREND = [
    TrendRow(2024, reports=43, expected=60, totals={"sessions": 295, "participants": 2090}),
    TrendRow(2025, reports=30, expected=60, totals={"sessions": 197, "participants": 2770}),
    TrendRow(2026, reports=19, expected=61, totals={"sessions": 83, "participants": 860}),
]
VI_COUNT = re.compile(r"^\d{1,3}(\.\d{3})*$")  # 0, 500, 2.770, 1.234.567


def axis_labels(svg, axis):
    """The texts of the axis `axis` ("y", "y2", "x") of a pygal chart."""
    root = ET.fromstring(svg)  # noqa: S314 -- the chart this module just drew
    for group in root.iter(f"{SVG}g"):
        if group.get("class", "").split()[:2] == ["axis", axis]:
            return [text.text for text in group.iter(f"{SVG}text") if text.text]
    raise AssertionError(f"no {axis} axis")


def values(svg):
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def as_number(label):
    return int(label.replace(".", ""))


def test_the_trend_axes_are_whole_counts_in_vietnamese_and_share_the_grid():
    with translation.override("vi"):
        svg = charts.trend_chart(TREND, INDICATORS)
    left, right = axis_labels(svg, "y"), axis_labels(svg, "y2")
    assert all(VI_COUNT.match(label) for label in left + right), (left, right)
    assert len(left) == len(right)  # each right-hand tick sits on a line of the grid
    assert right == ["0", "500", "1.000", "1.500", "2.000", "2.500", "3.000"]
    assert as_number(left[-1]) >= 43
    # The tooltips' values too, and the two integer indicators, the text one skipped.
    assert values(svg) == ["43", "30", "19", "295", "197", "83", "2.090", "2.770", "860"]
    assert "Số lượt CNVCLĐ tham gia" in svg and "Hình thức khác" not in svg


def test_the_numbers_follow_the_language_of_the_page():
    with translation.override("en"):
        svg = charts.trend_chart(TREND, INDICATORS)
    assert axis_labels(svg, "y2")[-1] == "3,000"
    assert "2,770" in values(svg)


def test_a_year_with_nothing_included_is_a_gap_in_the_lines_not_a_zero():
    trend = [
        TREND[0],
        TrendRow(2025, reports=0, expected=60, totals={"sessions": None, "participants": None}),
        TREND[2],
    ]
    with translation.override("vi"):
        svg = charts.trend_chart(trend, INDICATORS)
    # The reports summed are a count (0 is 0); the totals of 2025 have no point at all.
    assert values(svg) == ["43", "0", "19", "295", "83", "2.090", "860"]
    # Nothing included in any year: no line to draw, and the axes still whole.
    empty = [TrendRow(y, totals={"sessions": None, "participants": None}) for y in (2024, 2025)]
    with translation.override("vi"):
        svg = charts.trend_chart(empty, INDICATORS)
    assert values(svg) == ["0", "0"]
    assert all(VI_COUNT.match(label) for label in axis_labels(svg, "y"))


def test_rates_keep_one_decimal_with_a_decimal_comma_and_the_axis_is_whole():
    rows = [{"label": "LĐLĐ huyện", "rate": 88.9}, {"label": "CĐCS", "rate": 50.0}]
    with translation.override("vi"):
        svg = charts.rate_chart(rows, "Tỷ lệ")
    assert values(svg) == ["88,9", "50"]
    ticks = axis_labels(svg, "x")
    assert ticks[0] == "0" and ticks[-1] == "100" and all(t.isdigit() for t in ticks)


def test_a_row_with_no_unit_expected_is_no_bar_but_words_not_zero():
    # As the tables beside the chart give it a dash: nothing expected is not 0 %.
    rows = [
        {"label": "CĐ xã A", "rate": 0.0},
        {"label": "CĐ ngành B", "rate": None},
        {"label": "CĐ xã C", "rate": 50.0},
    ]
    with translation.override("vi"):
        svg = charts.rate_chart(rows, "Tỷ lệ")
    assert values(svg) == ["0", "—", "50"]
    # The tables' words for a unit that does not file, not a wording of the chart's own.
    assert svg.count('class="label">không thuộc diện báo cáo</text>') == 1


@pytest.mark.parametrize("rate", [None, 50.0])
def test_the_words_of_a_row_without_a_bar_end_inside_the_chart_beside_a_long_name(rate):
    # The tables' words are longer than the chart's own were: beside names cut at 26
    # characters they ran 22 px past the chart's edge, and were cut off on the dashboard.
    long_name = "Công đoàn Viên chức tỉnh Bến Tre"
    rows = [{"label": long_name, "rate": 40.0}, {"label": "CĐ ngành B", "rate": rate}]
    with translation.override("vi"):
        root = ET.fromstring(charts.rate_chart(rows, "Tỷ lệ"))  # noqa: S314 -- drawn here
    plot = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "plot")
    left = float(re.match(r"translate\(([\d.]+)", plot.get("transform"))[1])
    font = ImageFont.truetype("LiberationSans-Regular.ttf", charts.STYLE.value_label_font_size)
    words = [t for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    for text in words:
        assert left + float(text.get("x")) + font.getlength(text.text) <= charts.WIDTH
    names = axis_labels(ET.tostring(root, encoding="unicode"), "y")
    if rate is None:
        assert len(words) == 1 and long_name[:21] + "…" in names
    else:  # no words to make room for: the name is cut where it always was
        assert not words and long_name[:24] + "…" in names


def test_the_pie_legend_groups_thousands():
    headline = Figures(expected=1234 + 5 + 12345, on_time=1234, late=5, returned=0)
    assert headline.missing == 12345
    with translation.override("vi"):
        svg = charts.status_chart(headline)
    assert "Đúng hạn: 1.234" in svg and "Chưa nộp: 12.345" in svg


@pytest.mark.parametrize(
    "assessment, ticks",
    [
        ({"good": 1, "fair": 0, "average": 0, "weak": 0}, ["0", "1"]),
        ({"good": 8, "fair": 9, "average": 2, "weak": 0}, ["0", "2", "4", "6", "8", "10"]),
        ({"good": 0, "fair": 0, "average": 0, "weak": 0}, None),
    ],
)
def test_the_self_assessment_counts_units_in_whole_steps(assessment, ticks):
    labels = {grade: grade for grade in assessment}
    with translation.override("vi"):
        svg = charts.assessment_chart(assessment, labels)
    found = axis_labels(svg, "y")
    assert all(VI_COUNT.match(label) for label in found), found
    if ticks:
        assert found == ticks


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=3))
def test_count_axes_are_whole_even_from_zero_and_reach_each_maximum(maxima):
    axes = charts.count_axes(*maxima)
    assert len(axes) == len(maxima)
    assert len({len(ticks) for ticks in axes}) == 1  # as many intervals on every axis
    assert 2 <= len(axes[0]) <= charts.MAX_INTERVALS + 1
    for maximum, ticks in zip(maxima, axes, strict=True):
        step = ticks[1]
        assert all(isinstance(tick, int) for tick in ticks)
        assert ticks == [i * step for i in range(len(ticks))]
        assert ticks[-1] >= maximum
        # A nice step: 1, 2, 2.5 or 5 times a power of ten ("2.5" only from 25 up).
        assert re.fullmatch(r"(1|2|25|5)0*", str(step)), step


def test_a_chart_with_nothing_to_draw_says_so_in_the_pages_language():
    # An area that expects no unit of any kind: pygal wrote its own "No data" in English.
    with translation.override("vi"):
        svg = charts.rate_chart([], "Tỷ lệ báo cáo theo loại đơn vị")
    assert "Chưa có số liệu" in svg and "No data" not in svg


def test_the_rate_axis_reads_100_and_long_unit_names_end_in_an_ellipsis():
    # pygal cut the axis' last number to "1…".
    long_name = "Công đoàn cơ sở Văn phòng Ủy ban nhân dân tỉnh Bến Tre và các đơn vị trực thuộc"
    rows = [{"label": "CĐCS A1", "rate": 50.0}, {"label": long_name, "rate": 100.0}]
    with translation.override("vi"):
        svg = charts.rate_chart(rows, "Tỷ lệ báo cáo theo đơn vị trực thuộc")
    assert "100" in axis_labels(svg, "y") + axis_labels(svg, "x")
    assert "CĐCS A1" in svg and long_name not in svg and long_name[:20] in svg


def test_a_name_with_a_control_character_is_drawn_without_it():
    # XML cannot hold U+0001: lxml refused to write the chart, a 500 on the dashboard.
    rows = [{"label": "CĐ xã\x01 Châu Thành", "rate": 50.0}]
    indicators = [IndicatorInfo(1, "sessions", "Số buổi\x0b tuyên truyền", "buổi", "integer")]
    with translation.override("vi"):
        rate = charts.rate_chart(rows, "Tỷ lệ\ufffe nộp")
        trend = charts.trend_chart(TREND, indicators)
    assert "CĐ xã Châu Thành" in rate and "Tỷ lệ nộp" in rate
    assert "Số buổi tuyên truyền" in trend


# A 390 px phone gives a chart the page's width less its margins; the charts are shrunk to it.
PHONE_BOX = 366
TEXT_RULE = re.compile(r"\.(title|legend text|axis text)\{[^}]*?font-size:([\d.]+)px")


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.status_chart(Figures(expected=9, on_time=4, late=2, returned=1)),
        lambda: charts.rate_chart([{"label": "CĐ xã Châu Thành", "rate": 50.0}] * 3, "Tỷ lệ"),
        lambda: charts.trend_chart(TREND, INDICATORS),
        lambda: charts.assessment_chart({"good": 3, "fair": 1}, {"good": "Tốt", "fair": "Khá"}),
    ],
)
def test_every_text_of_a_chart_reads_at_13_px_or_more_on_a_phone(draw):
    """Drawn 520 wide and shrunk to a phone's box, a label of 14 read as 10 px."""
    with translation.override("vi"):
        svg = draw()
    width = float(ET.fromstring(svg).get("width"))  # noqa: S314 -- the chart just drawn
    sizes = [float(size) for _rule, size in TEXT_RULE.findall(svg)]
    assert len(sizes) >= 3, sizes
    assert min(sizes) * min(1, PHONE_BOX / width) >= 13, (width, sizes)
