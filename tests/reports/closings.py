"""District A's closing on ENDED_ON, dissolved or merged into district B: the operations of
each way and the reason a refusal gives. Used by the tests of summaries of a closed unit
(test_summary_closed_correction.py, test_summary_closed_issue.py)."""

import datetime

ENDED_ON = datetime.date(2025, 7, 1)

# District A's two ways to close, and what the refusal says of each (with today's date).
CLOSINGS = {
    "dissolved": (
        [
            {"action": "move", "unit_code": "A1", "target_code": "DB"},
            {"action": "move", "unit_code": "A2", "target_code": "DB"},
            {"action": "close", "unit_code": "DA"},
        ],
        "Vào ngày {today}, DA – LĐLĐ huyện A đã ngừng hoạt động (từ ngày 01/07/2025).",
    ),
    "merged": (
        [{"action": "merge", "unit_code": "DA", "target_code": "DB", "move_children": True}],
        "DA – LĐLĐ huyện A đã sáp nhập vào DB – LĐLĐ huyện B từ ngày 01/07/2025",
    ),
}
