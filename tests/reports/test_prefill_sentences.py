"""The pre-filled narrative names the counts that are not zero only: "0 returned" is a
machine's sentence, not an office's."""

from types import SimpleNamespace

from django.utils import translation

from reports import prefill


def headline(**counts):
    zero = ("submitted", "expected", "on_time", "late", "returned", "missing")
    return SimpleNamespace(**{"rate": None, **dict.fromkeys(zero, 0), **counts})


def sentence(**counts):
    with translation.override("vi"):
        return prefill._reporting_sentence(2024, headline(**counts))


def test_every_count_when_none_is_zero():
    assert sentence(
        submitted=44, expected=52, rate=84.6, on_time=35, late=9, returned=2, missing=8
    ) == (
        "Năm 2024, 44/52 đơn vị phải báo cáo đã gửi báo cáo năm (84,6%): 35 đúng hạn và "
        "9 trễ hạn; 2 báo cáo bị trả lại để bổ sung; 8 đơn vị chưa nộp."
    )


def test_the_zero_counts_are_left_out():
    text = sentence(submitted=44, expected=52, rate=84.6, on_time=35, late=9, missing=8)
    assert text == (
        "Năm 2024, 44/52 đơn vị phải báo cáo đã gửi báo cáo năm (84,6%): 35 đúng hạn và "
        "9 trễ hạn; 8 đơn vị chưa nộp."
    )
    assert " 0 " not in text


def test_everything_on_time_says_so_alone():
    text = sentence(submitted=3, expected=3, rate=100.0, on_time=3)
    assert text == "Năm 2024, 3/3 đơn vị phải báo cáo đã gửi báo cáo năm (100,0%): 3 đúng hạn."


def test_a_year_nobody_was_expected_to_report_says_so_without_zeros():
    # A unit's area before it had units to report (a commune union formed in 2025, asked
    # about 2024): no "0/0 units … (—%)".
    text = sentence(expected=0, submitted=0, rate=None)
    assert text == "Năm 2024, không có đơn vị nào phải báo cáo."


def test_plans_none_accepted_yet_is_said_in_words():
    with translation.override("vi"):
        assert prefill._plans_sentence(headline(plans_filed=1, plans_accepted=0)) == (
            "1 đơn vị đã gửi kế hoạch triển khai, chưa kế hoạch nào được chấp nhận."
        )
        assert prefill._plans_sentence(headline(plans_filed=39, plans_accepted=33)) == (
            "39 đơn vị đã gửi kế hoạch triển khai, trong đó 33 kế hoạch được chấp nhận."
        )


def test_the_self_assessment_names_the_grades_chosen_only():
    with translation.override("vi"):
        text = prefill._assessment_sentence({"good": 1, "fair": 0, "average": 1, "weak": 1})
        assert text == "Các đơn vị tự đánh giá: tốt 1, trung bình 1, yếu 1."
        assert prefill._assessment_sentence({}) == ""
