"""`veld forecast`: free beds expected per node and care type and for the region, 24, 48 and 72 hours
ahead (services/forecast.py), and `veld forecast --backtest`: how good that is on held-out weeks
against two naive forecasts (services/forecast_backtest.py). Registered on ``veldclient.cli.main``.

Errors follow cli.py: one line on stderr in the chosen language, exit 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from veldclient.cli import (
    SaysHelp,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
    say,
)

if TYPE_CHECKING:
    from veldclient.services.forecast import Forecast, Forecasts


@click.command("forecast", cls=SaysHelp)
@click.option("--node", "node_id", default=None, help="Only this node's forecasts.")
@click.option("--care-type", "care_type", default=None, help="Only this care type.")
@click.option("--region", is_flag=True, help="Only the region's forecasts (every node together).")
@click.option("--backtest", is_flag=True, help="Test the method on held-out weeks against naive forecasts.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def forecast_command(
    ctx: click.Context,
    node_id: str | None,
    care_type: str | None,
    region: bool,
    backtest: bool,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Free beds expected tomorrow and the two days after, per node and care type and for the region.

    A forecast from the daily capacity history in the node documents (counts only), with an 80 %
    interval; computed on this device."""
    with profile_session(ctx, profile_name) as session:
        if backtest:
            from veldclient.services import forecast_backtest

            _show_backtest(forecast_backtest.backtest(session), as_json)
            return
        from veldclient.services import forecast

        found = forecast.forecasts(session)
        chosen = forecast.select(found, node_id=node_id, care_type=care_type, region=region)
        now = session.now()
    if as_json:
        echo_json({**found.as_json(), "forecasts": [item.as_json() for item in chosen]})
        return
    _show(found, chosen, now)


def _show(found: Forecasts, chosen: list[Forecast], now: int) -> None:
    from veldclient.domain.enums import CareType, label_of
    from veldclient.services import forecast_words

    language = lang()
    click.echo(
        say(
            "Prognose vrije bedden (80 %-interval), berekend op dit apparaat uit de dagcijfers van de "
            "knooppunten:",
            "Free-bed forecast (80 % interval), computed on this device from the nodes' daily figures:",
        )
    )
    if not chosen:
        click.echo(say("  geen capaciteitsgeschiedenis bekend", "  no capacity history known"))
        return
    computed_at = found.computed_at
    current: object = object()
    for item in chosen:
        if item.node_id != current:
            current = item.node_id
            click.echo("")
            click.echo(item.node_id or say("Regio (alle knooppunten)", "Region (every node)"))
        name = label_of(CareType, item.care_type, language)
        click.echo(f"  {name}")
        click.echo(f"    {forecast_words.outlook_line(item, language)}")
        if item.outlook:
            click.echo(f"    {forecast_words.basis(item, computed_at, now, language)}")


def _show_backtest(result: object, as_json: bool) -> None:
    from veldclient.domain import formats
    from veldclient.services.forecast_backtest import Backtest
    from veldclient.services.forecast_model import HORIZONS

    assert isinstance(result, Backtest)
    if as_json:
        echo_json(result.as_json())
        return
    language = lang()
    points = formats.number(result.points, language, 0)
    click.echo(
        say(
            f"Backtest op de laatste {result.weeks} weken ({result.series} reeksen, {points} "
            "prognoses per methode): gemiddelde absolute fout in bedden, lager is beter.",
            f"Backtest on the last {result.weeks} weeks ({result.series} series, {points} "
            "forecasts per method): mean absolute error in beds, lower is better.",
        )
    )
    names = {
        "forecast": say("prognose (deze methode)", "forecast (this method)"),
        "yesterday": say("naïef: zoals gisteren", "naive: same as yesterday"),
        "last_week": say("naïef: zelfde dag vorige week", "naive: same weekday last week"),
    }
    heads = [say("alles", "all"), *(f"{24 * h} u" if language == "nl" else f"{24 * h} h" for h in HORIZONS)]
    click.echo(f"  {'':<32}" + "".join(f"{h:>9}" for h in heads))
    for method, per in result.mae.items():
        cells = [formats.number(per[h], language, 3) for h in (0, *HORIZONS)]
        click.echo(f"  {names[method]:<32}" + "".join(f"{c:>9}" for c in cells))
    if result.coverage is not None:
        share = formats.number(100 * result.coverage, language, 1)
        click.echo(
            say(
                f"Binnen het 80 %-interval: {share} % van de dagen.",
                f"Inside the 80 % interval: {share} % of days.",
            )
        )
    click.echo(
        say(
            "De methode verslaat beide naïeve prognoses."
            if result.beats_baselines()
            else "De methode verslaat de naïeve prognoses NIET.",
            "The method beats both naive forecasts."
            if result.beats_baselines()
            else "The method does NOT beat the naive forecasts.",
        )
    )
