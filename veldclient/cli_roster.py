"""`veld volunteer add|edit|list` and `veld carer add|edit|link|burden`: the coordinator's roster.

Registered on ``veldclient.cli.main`` as ``volunteer`` and ``carer``. Every command only calls a
service (``services.roster``, ``services.carers``, ``services.roster_view``), which checks the role,
validates the whole input before writing anything and writes the audit entry; so a refusal here is
the app's refusal, one line on stderr naming the field, exit 2. A repeatable option (``--task``,
``--slot``...) given on ``edit`` is the new set; left out, the set stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from veldclient.cli import (
    VeldGroup,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    with_session,
)
from veldclient.cli_matching import plain
from veldclient.domain import Task, formats
from veldclient.domain.enums import label_of
from veldclient.errors import VeldError
from veldclient.session import Session

F = TypeVar("F", bound=Callable[..., Any])


def _common(fn: F) -> F:
    fn = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)
    fn = profile_option(fn)
    fn = click.pass_context(fn)  # type: ignore[assignment]
    return handles_errors(fn)


def _given(options: dict[str, Any], sets: tuple[str, ...]) -> dict[str, Any]:
    """The options that were given, as form fields (``None`` and empty repeatables left out)."""
    return {k: list(v) if k in sets else v for k, v in options.items() if v is not None and v != ()}


def _nothing_to_change(flags: str) -> VeldError:
    return VeldError(f"Geef aan wat er verandert: {flags}.", f"Say what changes: {flags}.")


def _say(ident: str, as_json: bool, data: dict[str, Any]) -> None:
    if as_json:
        echo_json(data)
    else:
        click.echo(("Opgeslagen: " if lang() == "nl" else "Saved: ") + plain(ident))


OptionSpec = tuple[tuple[str, ...], dict[str, Any]]


def _options(specs: list[OptionSpec]) -> Callable[[F], F]:
    """Fields as options, in the order given. None is required by click: the domain says what is
    missing, in the person's language and naming the field, as the app's form does."""

    def add(fn: F) -> F:
        for decls, kwargs in reversed(specs):
            fn = click.option(*decls, default=None, **kwargs)(fn)
        return fn

    return add


# --- volunteers -----------------------------------------------------------------------------------

VOLUNTEER_SETS = ("tasks", "languages", "availability")


VOLUNTEER_OPTIONS: list[OptionSpec] = [
    (("--first-name",), {"help": "First name."}),
    (("--last-name",), {"help": "Last name."}),
    (("--pc4",), {"help": "Four-digit postcode area (7511)."}),
    (
        ("--birth-year", "birth_year"),
        {"type": str, "help": "Year of birth (at least 16 years ago)."},
    ),
    (("--max-km", "max_km"), {"type": str, "help": "Furthest they travel, 1-100 km."}),
    (("--phone",), {"help": "Phone (0612345678 or +31...)."}),
    (("--email",), {"help": "E-mail address."}),
    (
        ("--task", "tasks"),
        {"multiple": True, "help": "A task they do (repeatable): VERVOER, ..."},
    ),
    (
        ("--language", "languages"),
        {"multiple": True, "help": "A language they speak (repeatable): nl, tr"},
    ),
    (
        ("--slot", "availability"),
        {"multiple": True, "help": "When they can help (repeatable): 'ma ochtend'."},
    ),
    (("--vog-status", "vog_status"), {"help": "NONE, REQUESTED, VALID or EXPIRED."}),
    (("--vog-date", "vog_date"), {"help": "Date the VOG was issued (DD-MM-YYYY or YYYY-MM-DD)."}),
]


def _volunteer_raw(options: dict[str, Any]) -> dict[str, Any]:
    status, issued = options.pop("vog_status"), options.pop("vog_date")
    raw = _given(options, VOLUNTEER_SETS)
    vog = {k: v for k, v in (("status", status), ("issued_on", issued)) if v is not None}
    if vog:
        raw["vog"] = vog
    return raw


def _volunteer_json(v: Any) -> dict[str, Any]:
    return {
        "id": v.id,
        "first_name": v.first_name,
        "last_name": v.last_name,
        "pc4": v.pc4,
        "birth_year": v.birth_year,
        "max_km": v.max_km,
        "phone": v.phone,
        "email": v.email,
        "tasks": sorted(t.value for t in v.tasks),
        "languages": sorted(v.languages),
        "availability": [a.label("nl") for a in sorted(v.availability, key=lambda a: a.sort_key)],
        "vog": {"status": v.vog.status.value, "issued_on": v.vog.issued_on and v.vog.issued_on.isoformat()},
    }


@click.group("volunteer", cls=VeldGroup)
def volunteer() -> None:
    """Volunteers of this node: register, change and list them."""


@volunteer.command("add")
@_options(VOLUNTEER_OPTIONS)
@_common
def volunteer_add(ctx: click.Context, as_json: bool, profile_name: str | None, **options: Any) -> None:
    """Register a volunteer (the form the app shows with n on the roster)."""
    from veldclient.services import roster

    saved = with_session(ctx, profile_name, lambda s: roster.register_volunteer(s, _volunteer_raw(options)))
    _say(saved.id, as_json, _volunteer_json(saved))


@volunteer.command("edit")
@click.argument("volunteer_id")
@_options(VOLUNTEER_OPTIONS)
@_common
def volunteer_edit(
    ctx: click.Context, volunteer_id: str, as_json: bool, profile_name: str | None, **options: Any
) -> None:
    """Change a volunteer: only the options given change."""
    from veldclient.services import roster

    changes = _volunteer_raw(options)
    if not changes:
        raise _nothing_to_change("--pc4, --task, --slot, --vog-date")
    saved = with_session(ctx, profile_name, lambda s: roster.update_volunteer(s, volunteer_id, changes))
    _say(saved.id, as_json, _volunteer_json(saved))


@volunteer.command("list")
@click.option("--search", "text", default="", help="Words to look for in names, tasks, languages.")
@click.option("--warnings", is_flag=True, help="Only those whose VOG expired or expires soon.")
@_common
def volunteer_list(
    ctx: click.Context, text: str, warnings: bool, as_json: bool, profile_name: str | None
) -> None:
    """The node's volunteers by name (or by search rank), with their VOG state."""
    from veldclient.services import roster_view

    page = with_session(
        ctx, profile_name, lambda s: roster_view.volunteers_page(s, text, warnings, 0, 1_000_000)
    )
    if as_json:
        echo_json(
            {
                "volunteers": [
                    {
                        "id": i.id,
                        "name": i.name,
                        "pc4": i.pc4,
                        "tasks": list(i.tasks),
                        "languages": list(i.languages),
                        "max_km": i.max_km,
                        "vog": {"status": i.vog.status.value, "state": i.vog.state},
                    }
                    for i in page.items
                ]
            }
        )
        return
    if not page.items:
        click.echo("Geen vrijwilligers." if lang() == "nl" else "No volunteers.")
    for i in page.items:
        vog = i.vog.status.label(lang())
        tasks = ", ".join(label_of(Task, t, lang()) for t in i.tasks)
        click.echo(f"{i.id}  {plain(i.name):<30} {i.pc4:<4}  {i.max_km:>3} km  {vog:<22} {tasks}")


# --- mantelzorgers --------------------------------------------------------------------------------

CARER_SETS = ("respite_needs",)


CARER_OPTIONS: list[OptionSpec] = [
    (("--first-name",), {"help": "First name."}),
    (("--last-name",), {"help": "Last name."}),
    (("--pc4",), {"help": "Four-digit postcode area (7511)."}),
    (("--relationship",), {"help": "To the person cared for: PARTNER, KIND, ..."}),
    (("--hours", "hours_per_week"), {"type": str, "help": "Hours of care per week (0-168)."}),
    (("--phone",), {"help": "Phone (0612345678 or +31...)."}),
    (("--since",), {"help": "Caring since (DD-MM-YYYY or YYYY-MM-DD)."}),
    (
        ("--respite", "respite_needs"),
        {"multiple": True, "help": "A respite need (repeatable): LOGEER, ..."},
    ),
]


def _carer_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "pc4": c.pc4,
        "relationship": c.relationship,
        "hours_per_week": c.hours_per_week,
        "phone": c.phone,
        "since": c.since and c.since.isoformat(),
        "care_for_client_id": c.care_for_client_id,
        "respite_needs": sorted(n.value for n in c.respite_needs),
    }


@click.group("carer", cls=VeldGroup)
def carer() -> None:
    """Mantelzorgers (informal carers) of this node: register, change, link, record burden."""


@carer.command("add")
@_options(CARER_OPTIONS)
@click.option("--for", "care_for_client_id", default=None, help="Id of the client they care for.")
@_common
def carer_add(ctx: click.Context, as_json: bool, profile_name: str | None, **options: Any) -> None:
    """Register a mantelzorger (the form the app shows with n on the carers tab)."""
    from veldclient.services import carers

    saved = with_session(ctx, profile_name, lambda s: carers.register(s, _given(options, CARER_SETS)))
    _say(saved.id, as_json, _carer_json(saved))


@carer.command("edit")
@click.argument("carer_id")
@_options(CARER_OPTIONS)
@_common
def carer_edit(
    ctx: click.Context, carer_id: str, as_json: bool, profile_name: str | None, **options: Any
) -> None:
    """Change a mantelzorger: only the options given change."""
    from veldclient.services import carers

    changes = _given(options, CARER_SETS)
    if not changes:
        raise _nothing_to_change("--pc4, --hours, --relationship, --respite")
    saved = with_session(ctx, profile_name, lambda s: carers.update_mantelzorger(s, carer_id, changes))
    _say(saved.id, as_json, _carer_json(saved))


@carer.command("link")
@click.argument("carer_id")
@click.argument("client_id", required=False)
@click.option("--unlink", is_flag=True, help="Remove the link to the person cared for.")
@_common
def carer_link(
    ctx: click.Context,
    carer_id: str,
    client_id: str | None,
    unlink: bool,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Link a mantelzorger to the client of this node they care for."""
    from veldclient.services import carers

    if (client_id is None) != unlink:
        raise VeldError(
            "Geef een cliënt-id óf --unlink.",
            "Give a client id or --unlink.",
        )
    saved = with_session(ctx, profile_name, lambda s: carers.link_carer(s, carer_id, client_id))
    _say(saved.id, as_json, _carer_json(saved))


@carer.command("burden")
@click.argument("carer_id")
@click.option("--score", default=None, help="A new measurement's score (EDIZ 0-9); left out: show them.")
@click.option("--instrument", default="EDIZ", show_default=True, help="EDIZ, EDIZ_PLUS or CSI.")
@click.option(
    "--date", "measured_on", default=None, help="Measured on (DD-MM-YYYY or YYYY-MM-DD); default today."
)
@_common
def carer_burden(
    ctx: click.Context,
    carer_id: str,
    score: str | None,
    instrument: str,
    measured_on: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Record a burden measurement, or show them all, with the trend and the respite advice."""
    from veldclient.services import carers

    def work(s: Session) -> carers.BurdenRecord:
        if score is None:
            return carers.burden_record(s, carer_id)
        day = measured_on if measured_on is not None else s.today().isoformat()
        return carers.record_burden(
            s, carer_id, {"instrument": instrument, "score": score, "measured_on": day}
        )

    record = with_session(ctx, profile_name, work)
    language = lang()
    if as_json:
        echo_json(
            {
                "id": record.carer.id,
                "history": [
                    {
                        "measured_on": day.isoformat(),
                        "category": view.category.value,
                        "score": view.score,
                        "heavy": view.heavy,
                    }
                    for day, view in record.history
                ],
                "trend": record.trend and record.trend.value,
                "advice": None
                if record.advice is None
                else {
                    "nl": record.advice.nl,
                    "en": record.advice.en,
                    "remeasure_on": record.advice.remeasure_on.isoformat(),
                },
            }
        )
        return
    if not record.history:
        click.echo("Geen metingen." if language == "nl" else "No measurements.")
    for day, view in record.history:
        shown = view.category.label(language) + ("" if view.score is None else f" ({view.score})")
        click.echo(f"{formats.day(day, language)}  {shown}")
    if record.trend is not None:
        click.echo(("Trend: " if language == "en" else "Verloop: ") + record.trend.label(language))
    if record.advice is not None:
        again = formats.day(record.advice.remeasure_on, language)
        click.echo(record.advice.text(language))
        click.echo(("Opnieuw meten vóór " if language == "nl" else "Measure again by ") + again)
