"""`veld helprequest list|add|edit|close`: the node's help requests from the command line.

Registered on ``veldclient.cli.main`` as ``helprequest``. Both only call services (which check the
role and write the audit entry). ``list`` shows each request's status as of today (``VELD_NOW``
freezes it): a request whose period is over reads "Verlopen"/"Expired", never "Open". ``edit``
changes the summary and/or the period; what the summary holds that no volunteer may see (a BSN, a
date of birth, an e-mail address, health terms) is saved but named in a warning on stderr (exit 0).
``add`` files one (screened the same way), ``close`` ends one for good after ``--yes`` (or a
question on a terminal). Errors follow cli.py: one line on stderr, exit 2.
"""

from __future__ import annotations

from typing import Any

import click

from veldclient.cli import (
    SaysHelp,
    VeldGroup,
    ask_first,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
    with_session,
)
from veldclient.cli_matching import plain
from veldclient.domain import HelpRequestStatus, Task, formats
from veldclient.domain.enums import label_of
from veldclient.errors import VeldError

STATUS_CHOICES = ("all", "unmatched", *(s.value for s in HelpRequestStatus))


@click.group("helprequest", cls=VeldGroup)
def helprequest() -> None:
    """Help requests of this node: list, file, change and close them."""


@helprequest.command("list")
@click.option(
    "--status",
    type=click.Choice(STATUS_CHOICES, case_sensitive=False),
    default="all",
    show_default=True,
    help="Only this status as of today ('unmatched': OPEN or MATCHING).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def list_command(ctx: click.Context, status: str, as_json: bool, profile_name: str | None) -> None:
    """Every help request, open work first, expired after the open ones."""
    from veldclient.services import roster_view

    code = status.upper() if status.lower() not in ("all", "unmatched") else status.lower()
    statuses = None if code == "all" else ("OPEN", "MATCHING") if code == "unmatched" else (code,)
    with profile_session(ctx, profile_name) as session:
        page = roster_view.help_requests_page(session, statuses, 0, 1_000_000)
        today = session.today().isoformat()
    if as_json:
        echo_json({"today": today, "status": code, "help_requests": [_item(i) for i in page.items]})
        return
    language = lang()
    if not page.items:
        click.echo("Geen hulpvragen." if language == "nl" else "No help requests.")
    for item in page.items:
        click.echo(
            f"{item.id}  {label_of(HelpRequestStatus, item.status, language):<28} "
            f"{label_of(Task, item.task, language):<30} {item.pc4:<4}  "
            f"{formats.day_text(item.window_start, language)} – "
            f"{formats.day_text(item.window_end, language)}  {plain(' '.join(item.summary.split()))}"
        )


def _day(value: Any) -> str:
    return value.isoformat() if value is not None else "–"


def _item(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "task": item.task,
        "summary": item.summary,
        "pc4": item.pc4,
        "window_start": _day(item.window_start),
        "window_end": _day(item.window_end),
        "status": item.status,
        "stored_status": item.stored_status,
        "expired": item.expired,
        "active_matches": item.active_matches,
        "volunteer": item.volunteer,
    }


@helprequest.command("edit")
@click.argument("request_id")
@click.option("--summary", default=None, help="The new summary (non-medical: no BSN, birth date, e-mail).")
@click.option("--start", default=None, help="First day help is wanted (DD-MM-YYYY or YYYY-MM-DD).")
@click.option("--end", default=None, help="Last day help is wanted (DD-MM-YYYY or YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def edit_command(
    ctx: click.Context,
    request_id: str,
    summary: str | None,
    start: str | None,
    end: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Change a help request's summary and/or period."""
    from veldclient.services import roster

    changes: dict[str, Any] = {}
    if summary is not None:
        changes["summary"] = summary
    window = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    if window:
        changes["window"] = window
    if not changes:
        raise VeldError(
            "Geef aan wat er verandert: --summary, --start en/of --end.",
            "Say what changes: --summary, --start and/or --end.",
        )
    with profile_session(ctx, profile_name) as session:
        saved = roster.update_help_request(session, request_id, changes)
    _say_saved(saved, as_json)


def _saved_json(saved: Any) -> dict[str, Any]:
    warning = saved.warning
    return {
        "id": saved.request.id,
        "task": saved.request.task.value,
        "summary": saved.request.summary,
        "pc4": saved.request.pc4,
        "status": saved.request.status.value,
        "window": {
            "start": saved.request.window.start.isoformat(),
            "end": saved.request.window.end.isoformat(),
            "availability": [
                a.label("nl") for a in sorted(saved.request.window.availability, key=lambda a: a.sort_key)
            ],
        },
        "screened": saved.screening.as_json(),
        "warning": None if warning is None else {"nl": warning[0], "en": warning[1]},
    }


def _say_saved(saved: Any, as_json: bool) -> None:
    """What the app's form shows after saving: the id, and the screening warning (on stderr)."""
    if as_json:
        echo_json(_saved_json(saved))
    else:
        i = 0 if lang() == "nl" else 1
        click.echo(("Opgeslagen: ", "Saved: ")[i] + plain(saved.request.id))
    if saved.warning is not None:
        click.echo(plain(saved.warning[0 if lang() == "nl" else 1]), err=True)


@helprequest.command("add")
@click.option("--task", default=None, help="What help: a task code or label (BOODSCHAPPEN, 'vervoer', ...).")
@click.option("--summary", default=None, help="Non-medical summary (no BSN, birth date, e-mail).")
@click.option("--pc4", default=None, help="Four-digit postcode area where the help is wanted.")
@click.option("--start", default=None, help="First day help is wanted (DD-MM-YYYY or YYYY-MM-DD).")
@click.option("--end", default=None, help="Last day help is wanted (DD-MM-YYYY or YYYY-MM-DD).")
@click.option("--slot", "slots", multiple=True, help="A part of the week, e.g. 'di ochtend' (repeatable).")
@click.option("--language", default=None, help="Language the helper must speak (a code: nl, tr, ar, ...).")
@click.option(
    "--for", "on_behalf_of", default="MANTELZORGER", show_default=True, help="CLIENT or MANTELZORGER."
)
@click.option("--subject", "subject_id", default=None, help="Id of the client or carer it is for.")
@click.option("--recurrence", default=None, help="How often it recurs ('elke week'); empty: once.")
@click.option("--vog/--no-vog", "requires_vog", default=True, show_default=True, help="VOG required.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def add_command(
    ctx: click.Context, as_json: bool, profile_name: str | None, slots: tuple[str, ...], **fields: Any
) -> None:
    """File a new help request (the form the app shows with n)."""
    from veldclient.services import roster

    start, end = fields.pop("start"), fields.pop("end")
    raw = {**fields, "window": {"start": start, "end": end, "availability": list(slots)}}
    with profile_session(ctx, profile_name) as session:
        saved = roster.file_help_request(session, raw)
    _say_saved(saved, as_json)


@helprequest.command("close")
@click.argument("request_id")
@click.option("--done", is_flag=True, help="The help was given (recurring help); default: cancelled.")
@click.option("--yes", is_flag=True, help="Close without asking (it cannot be undone).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def close_command(
    ctx: click.Context, request_id: str, done: bool, yes: bool, as_json: bool, profile_name: str | None
) -> None:
    """Close a help request for good; its open matches are withdrawn."""
    from veldclient.services import roster

    ask_first(
        yes,
        (
            "Een hulpvraag afsluiten kan niet ongedaan worden. Doorgaan?",
            "Closing a help request cannot be undone. Go on?",
        ),
        ("Niets afgesloten.", "Nothing was closed."),
    )
    with profile_session(ctx, profile_name) as session:
        closed = roster.close_help_request(session, request_id, "DONE" if done else "CANCELLED")
    if as_json:
        echo_json({"id": closed.id, "status": closed.status.value})
        return
    click.echo(f"{plain(closed.id)}: {closed.status.label(lang())}")


# -- matching a volunteer to a request: the steps the app's match screen (F6, m) takes ----------------

STEP_NAMES = ("accept", "confirm", "complete", "decline", "withdraw")


@helprequest.command("matches")
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def matches_command(ctx: click.Context, request_id: str, as_json: bool, profile_name: str | None) -> None:
    """The request's status and its matches: volunteer, status, the steps that can follow."""
    from veldclient.services import roster_view

    view = with_session(ctx, profile_name, lambda s: roster_view.help_request_view(s, request_id))
    if as_json:
        echo_json(
            {
                "id": view.request.id,
                "status": view.status.value,
                "matches": [
                    {
                        "match_id": m.match_id,
                        "volunteer_id": m.volunteer_id,
                        "name": m.name,
                        "status": m.status.value,
                        "next": sorted(s.value for s in m.next_steps()),
                    }
                    for m in view.matches
                ],
            }
        )
        return
    language = lang()
    click.echo(f"{plain(view.request.id)}: {view.status.label(language)}")
    if not view.matches:
        click.echo("Nog geen vrijwilliger voorgesteld." if language == "nl" else "No volunteer proposed yet.")
    for m in view.matches:
        click.echo(f"  {m.match_id}  {m.status.label(language):<14} {plain(m.name)} [{m.volunteer_id}]")


@helprequest.command("propose")
@click.argument("request_id")
@click.argument("volunteer_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def propose_command(
    ctx: click.Context, request_id: str, volunteer_id: str, as_json: bool, profile_name: str | None
) -> None:
    """Propose a volunteer (an id from `veld match REQUEST_ID`) for the help request."""
    from veldclient.services import matching

    match_id = with_session(ctx, profile_name, lambda s: matching.propose(s, request_id, volunteer_id))
    if as_json:
        echo_json({"help_request_id": request_id, "match_id": match_id, "status": "PROPOSED"})
        return
    click.echo(("Voorgesteld: " if lang() == "nl" else "Proposed: ") + match_id)


def _step_command(name: str) -> click.Command:
    """One step on a match; ``confirm`` asks first, as the app does: the volunteer then gets the street."""
    from veldclient.services import matching

    @click.argument("request_id")
    @click.argument("match_id")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @profile_option
    @click.pass_context
    @handles_errors
    def command(
        ctx: click.Context,
        request_id: str,
        match_id: str,
        as_json: bool,
        profile_name: str | None,
        yes: bool = False,
    ) -> None:
        if name == "confirm":
            ask_first(
                yes,
                (
                    "Bevestigen koppelt de hulpvraag; de vrijwilliger ziet bij export de straat. Doorgaan?",
                    "Confirming matches the request; the volunteer's export then shows the street. Go on?",
                ),
                ("Niets bevestigd.", "Nothing was confirmed."),
            )
        status = with_session(ctx, profile_name, lambda s: matching.STEPS[name](s, request_id, match_id))
        if as_json:
            echo_json({"help_request_id": request_id, "match_id": match_id, "status": status.value})
            return
        click.echo(f"{match_id}: {status.label(lang())}")

    command.__doc__ = (matching.STEPS[name].__doc__ or "").strip()
    if name == "confirm":
        command = click.option("--yes", is_flag=True, help="Confirm without asking.")(command)
    return click.command(
        name, cls=SaysHelp, help=f"{command.__doc__} (MATCH_ID from `veld helprequest matches`)."
    )(command)


for _name in STEP_NAMES:
    helprequest.add_command(_step_command(_name))
