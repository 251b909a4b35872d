"""Existing reports hold their unit's own figures only, so that no figure counts twice.

Before this, an upper unit's report was meant to stand for its whole area, and its officer
could copy the accepted totals of the units directly below into it. Under the counting rule
of DESIGN.md the portal adds the area up itself, so such a report now holds what its unit
did itself. For each report of a unit with units below, and each typed whole-number figure,
when the figure is at least the sum of the same figure in the accepted reports of the units
directly below it (of a kind the campaign addresses), that sum is taken off; a figure
smaller than that sum cannot contain it and is kept. Each change is kept in the figures'
history with its reason.

"Grassroots unions that issued their own plan" becomes a figure the portal counts (from
the plans) wherever grassroots unions file; what was typed for it stays stored, and is no
longer summed. The seed campaign gets its help texts and plausibility rules (as in
campaign/data/cchc_2015.json) where it has none yet.
"""

from django.db import migrations
from django.utils import timezone

REASON = "Own figures: the units below are added up by the portal"
HELP = {
    "sessions": "Chỉ tính các buổi do chính đơn vị tổ chức (hội nghị, tọa đàm, lồng ghép sinh hoạt công đoàn…); không cộng số buổi của các đơn vị cấp dưới đã tự báo cáo trên cổng.",
    "participants": "Tổng số lượt người dự các buổi tuyên truyền của chính đơn vị; một người dự hai buổi tính hai lượt. Không nhỏ hơn số buổi.",
    "grassroots_plans": "Cổng tự đếm: số CĐCS trong phạm vi đơn vị đã gửi kế hoạch của mình trên cổng. Chỉ nhập tay khi các CĐCS không nộp kế hoạch trên cổng.",
    "documents": "Số bản tài liệu, tờ rơi, đề cương tuyên truyền do chính đơn vị in và phát hành trong năm.",
    "news_items": "Số tin, bài về CCHC do đơn vị đăng trên bản tin, trang thông tin điện tử, mạng xã hội của đơn vị.",
    "initiatives": "Số sáng kiến, giải pháp cải cách hành chính của đoàn viên, CNVCLĐ trong đơn vị được công nhận trong năm.",
    "members_commended": "Số đoàn viên được khen thưởng vì thành tích trong phong trào thi đua đẩy mạnh CCHC.",
    "other_forms": "Liệt kê ngắn gọn các hình thức tuyên truyền khác đã thực hiện (ví dụ: pa-nô, loa truyền thanh, cuộc thi).",
}

RULES = [
    {"kind": "at_least", "indicator": "participants", "other": "sessions"},
    {"kind": "jump", "factor": 5, "floor": 20},
    {"kind": "maximum", "indicator": "sessions", "limit": 200, "unit_kind": "grassroots"},
    {"kind": "maximum", "indicator": "initiatives", "limit": 50, "unit_kind": "grassroots"},
    {"kind": "maximum", "indicator": "initiatives", "limit": 300},
]


def forwards(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    Indicator = apps.get_model("campaign", "Indicator")
    AnnualReport = apps.get_model("campaign", "AnnualReport")
    IndicatorValue = apps.get_model("campaign", "IndicatorValue")
    History = apps.get_model("campaign", "HistoricalIndicatorValue")
    Unit = apps.get_model("units", "Unit")

    seed = Indicator.objects.filter(campaign__slug="cchc-2015")
    for code, text in HELP.items():
        seed.filter(code=code, help_text="").update(help_text=text)
    Indicator.objects.filter(code="grassroots_plans", kind="integer").update(
        source="plans", counted_kind="grassroots"
    )

    PlausibilityRule = apps.get_model("campaign", "PlausibilityRule")
    for campaign in Campaign.objects.filter(slug="cchc-2015"):
        if PlausibilityRule.objects.filter(campaign=campaign).exists():
            continue
        figures = {i.code: i for i in Indicator.objects.filter(campaign=campaign)}
        for rule in RULES:
            if all(rule.get(name) in figures for name in ("indicator", "other") if name in rule):
                PlausibilityRule.objects.create(
                    campaign=campaign,
                    **{
                        **rule,
                        **{
                            name: figures[rule[name]]
                            for name in ("indicator", "other")
                            if name in rule
                        },
                    },
                )

    now = timezone.now()
    for campaign in Campaign.objects.all():
        addressed = set(campaign.addressed_kinds or [])
        counted = {
            i.pk
            for i in Indicator.objects.filter(campaign=campaign, source="plans")
            if i.counted_kind in addressed
        }
        typed = [
            pk
            for pk in Indicator.objects.filter(campaign=campaign, kind="integer").values_list(
                "pk", flat=True
            )
            if pk not in counted
        ]
        if not typed:
            continue
        uppers = AnnualReport.objects.filter(campaign=campaign, unit__numchild__gt=0)
        for report in uppers.select_related("unit").iterator():
            unit = report.unit
            children = Unit.objects.filter(
                path__startswith=unit.path, depth=unit.depth + 1, kind__in=addressed
            )
            below = AnnualReport.objects.filter(
                campaign=campaign, year=report.year, status="accepted", unit__in=children
            )
            sums = {}
            for indicator_id, value in IndicatorValue.objects.filter(
                report__in=below, indicator_id__in=typed, int_value__isnull=False
            ).values_list("indicator_id", "int_value"):
                sums[indicator_id] = sums.get(indicator_id, 0) + value
            changed = []
            for value in IndicatorValue.objects.filter(
                report=report, indicator_id__in=typed, int_value__isnull=False
            ):
                taken = sums.get(value.indicator_id, 0)
                if taken and value.int_value >= taken:
                    value.int_value -= taken
                    changed.append(value)
            if not changed:
                continue
            IndicatorValue.objects.bulk_update(changed, ["int_value"])
            History.objects.bulk_create(
                [
                    History(
                        id=value.pk,
                        report_id=value.report_id,
                        indicator_id=value.indicator_id,
                        int_value=value.int_value,
                        text_value=value.text_value,
                        history_date=now,
                        history_change_reason=REASON,
                        history_type="~",
                    )
                    for value in changed
                ]
            )


class Migration(migrations.Migration):
    dependencies = [("campaign", "0007_plausibility"), ("units", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
