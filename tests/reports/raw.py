"""The demo's rows read with plain SQL (reports, values, plans and their moves, units and
their eras) and the counting rule applied to them in plain Python, sharing no code with
`reports.rollup` or `reports.trees`: the independent recount of the demo's figures, on the
tree of each year's cut-off. Used by test_demo_recount.py and the summary's browser journey
(tests/e2e/test_summary_flow.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from campaign.models import Period

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
INCLUDE = {"accepted": ("accepted",), "submitted": ("submitted", "accepted")}


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def day(value):
    return (
        value
        if value is None or isinstance(value, datetime.date)
        else (datetime.date.fromisoformat(str(value)[:10]))
    )


def moment(value):
    if value is not None and not isinstance(value, datetime.datetime):
        value = datetime.datetime.fromisoformat(str(value))
    return value if value is None or value.tzinfo else value.replace(tzinfo=datetime.UTC)


def end_of(date):
    return datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time(), LOCAL)


class Raw:
    """The demo's rows, read with plain SQL, and the counting rule applied to them."""

    def __init__(self, campaign):
        self.kinds = set(campaign.addressed_kinds)
        self.issuer = campaign.issuer_id
        c = [campaign.pk]
        self.units = {
            u["id"]: u
            for u in rows("SELECT id, opened_on, closed_on, successor_id FROM units_unit")
        }
        self.eras = rows(
            "SELECT unit_id, valid_from, valid_until, path, kind, is_open FROM units_unitstate"
        )
        self.reports = rows(
            "SELECT id, unit_id, year, status, first_submitted_at FROM reports_annualreport "
            "WHERE campaign_id = %s",
            c,
        )
        self.values = rows(
            "SELECT v.report_id, i.code, v.int_value FROM reports_indicatorvalue v "
            "JOIN campaign_indicator i ON i.id = v.indicator_id "
            "WHERE i.campaign_id = %s AND i.kind = 'integer'",
            c,
        )
        self.typed = [
            r["code"]
            for r in rows(
                "SELECT code, source FROM campaign_indicator WHERE campaign_id = %s "
                "AND kind = 'integer' ORDER BY id",
                c,
            )
            if r["source"] != "plans"
        ]
        self.plans = rows(
            "SELECT id, unit_id, status, first_submitted_at, moved_on FROM campaign_plan "
            "WHERE campaign_id = %s",
            c,
        )
        self.moves = rows(
            'SELECT plan_id, from_unit_id, "on" AS day, previous_on FROM campaign_move '
            "WHERE campaign_id = %s AND plan_id IS NOT NULL",
            c,
        )
        # The plans' workflow steps (a reorganisation's steps change no status), oldest
        # first: what a plan's status was at a cut-off.
        self.steps = {}
        for step in rows(
            "SELECT s.object_id, s.from_status, s.to_status, s.at FROM campaign_step s "
            "JOIN django_content_type t ON t.id = s.content_type_id "
            "WHERE t.app_label = 'campaign' AND t.model = 'plan' "
            "AND s.action IN ('submit', 'return', 'accept', 'reopen') ORDER BY s.at, s.id"
        ):
            self.steps.setdefault(step["object_id"], []).append(step)

    def placed(self, cutoff):
        return {
            e["unit_id"]: e
            for e in self.eras
            if day(e["valid_from"]) <= cutoff
            and (e["valid_until"] is None or day(e["valid_until"]) > cutoff)
        }

    def is_open(self, unit, date):
        return (unit["opened_on"] is None or day(unit["opened_on"]) <= date) and (
            unit["closed_on"] is None or day(unit["closed_on"]) > date
        )

    def carrier(self, cutoff):
        unit = self.units[self.issuer]
        while not self.is_open(unit, cutoff) and unit["successor_id"]:
            unit = self.units[unit["successor_id"]]
        return unit["id"]

    def merged_into(self, pk, scope):
        while self.units[pk]["successor_id"]:
            pk = self.units[pk]["successor_id"]
            if pk == scope:
                return True
        return False

    def plan_held(self, pk, cutoff):
        for plan in self.plans:
            if plan["unit_id"] == pk and (
                plan["moved_on"] is None or day(plan["moved_on"]) <= cutoff
            ):
                return plan
        for move in self.moves:
            if (
                move["from_unit_id"] == pk
                and day(move["day"]) > cutoff
                and (move["previous_on"] is None or day(move["previous_on"]) <= cutoff)
            ):
                return next(p for p in self.plans if p["id"] == move["plan_id"])
        return None

    def status_then(self, plan, cutoff):
        """The plan's status at the end of the `cutoff` day: the one its last step by then
        left it in; the one its first step found, when every step came later; today's,
        with no step at all or for a day not over yet."""
        steps = self.steps.get(plan["id"], [])
        end = end_of(cutoff)
        if not steps or end > datetime.datetime.now(datetime.UTC):
            return plan["status"]
        before = [step for step in steps if moment(step["at"]) < end]
        return before[-1]["to_status"] if before else steps[0]["from_status"]

    def count(self, year, scope, include, cutoff, due):
        """The figures of `scope`'s area in `year` on the tree of its cut-off."""
        placed = self.placed(cutoff)
        if scope in placed:
            roots = [placed[scope]["path"]]
        else:  # the units merged into it stand for it
            roots = [e["path"] for pk, e in placed.items() if self.merged_into(pk, scope)]
        area = {pk: e for pk, e in placed.items() if any(e["path"].startswith(r) for r in roots)}
        carrying = placed.get(self.carrier(cutoff))
        expected = {
            pk
            for pk, e in area.items()
            if e["is_open"]
            and e["kind"] in self.kinds
            and carrying
            and e["path"].startswith(carrying["path"])
            and e["path"] != carrying["path"]
        }
        own = {r["unit_id"]: r for r in self.reports if r["year"] == year and r["unit_id"] in area}
        sent = {
            pk for pk in expected if pk in own and own[pk]["status"] in ("submitted", "accepted")
        }
        on_time = {pk for pk in sent if moment(own[pk]["first_submitted_at"]) < end_of(due)}
        summed = {r["id"] for r in own.values() if r["status"] in include}
        totals = {
            code: sum(
                v["int_value"] or 0
                for v in self.values
                if v["report_id"] in summed and v["code"] == code
            )
            if summed
            else None
            for code in self.typed
        }
        plans = 0
        for pk in expected:
            plan = self.plan_held(pk, cutoff) if area[pk]["kind"] == "grassroots" else None
            if plan and self.status_then(plan, cutoff) in include and plan["first_submitted_at"]:
                plans += moment(plan["first_submitted_at"]) < end_of(cutoff)
        return {
            "expected": len(expected),
            "on_time": len(on_time),
            "late": len(sent - on_time),
            "returned": sum(1 for pk in expected if own.get(pk, {}).get("status") == "returned"),
            "reports": len(summed),
            "included": sum(1 for pk in expected if pk in own and own[pk]["status"] in include),
            "totals": totals,
            "grassroots_plans": plans if expected else None,
        }


def cut_off_and_due(campaign, year):
    """The cut-off and due days of `campaign`'s `year`: its stored period's, or those of its
    rules for a year without one."""
    period = Period.objects.filter(campaign=campaign, year=year).first()
    period = period or Period(**Period.defaults(campaign, year))
    return period.ends_on, period.due_on
