"""The supervisors' overview page, drawn as server-side SVG charts."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dashboard.charts import Bar, Series, bar_chart, line_chart
from dashboard.deps import Config, Db, Supervisor
from dashboard.overview import overview
from dashboard.rendering import pages
from escalation import SEVERITIES

router = APIRouter()


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, db: Db, config: Config, officer: Supervisor) -> HTMLResponse:
    view = pages(request)
    t = view.texts(request, officer)
    figures = overview(db, officer, config.timezone)
    severities = list(reversed(SEVERITIES))  # urgent first
    open_chart = bar_chart(
        [
            Bar(t(f"severity.{s}"), figures.open_by_severity.get(s, 0), f"bar bar-{s}")
            for s in severities
        ]
        + [
            Bar(
                t("overview.overdue_of", severity=t(f"severity.{s}")),
                figures.overdue_by_severity.get(s, 0),
                "bar bar-overdue",
            )
            for s in severities
        ],
        title=t("overview.open_cases"),
    )
    met = figures.opened_in_window - figures.breached_in_window - figures.pending_in_window
    sla_chart = bar_chart(
        [
            Bar(t("overview.sla_met"), met, "bar bar-ok"),
            Bar(t("overview.sla_breached"), figures.breached_in_window, "bar bar-overdue"),
            Bar(t("overview.sla_pending"), figures.pending_in_window, "bar bar-pending"),
        ],
        title=t("overview.sla"),
        width=360,
    )
    rates_chart = line_chart(
        [w.week.split("-")[-1] for w in figures.weekly],
        [
            Series(
                t("overview.guardians"),
                [None if w.guardians is None else round(100 * w.guardians) for w in figures.weekly],
                "series-1",
            ),
            Series(
                t("overview.children"),
                [None if w.children is None else round(100 * w.children) for w in figures.weekly],
                "series-2",
            ),
        ],
        y_max=100,
        title=t("overview.response_rates"),
    )
    return view.render(
        request,
        "overview.html",
        officer,
        section="overview",
        figures=figures,
        open_chart=open_chart,
        sla_chart=sla_chart,
        rates_chart=rates_chart,
    )
