"""`veld helprequest list` and `veld helprequest edit`: the node's help requests from the command line.

Registered on ``veldclient.cli.main`` as ``helprequest``. Both only call services (which check the
role and write the audit entry). ``list`` shows each request's status as of today (``VELD_NOW``
freezes it): a request whose period is over reads "Verlopen"/"Expired", never "Open". ``edit``
changes the summary and/or the period; what the summary holds that no volunteer may see (a BSN, a
date of birth, an e-mail address, health terms) is saved but named in a warning on stderr (exit 0).
Errors follow cli.py: one line on stderr, exit 2.
"""

from __future__ import annotations

from typing import Any

import click

from veldclient.cli import echo_json, handles_errors, lang, open_profile, profile_option, resolve_profile
from veldclient.cli_matching import plain
from veldclient.domain import HelpRequestStatus, Task
from veldclient.errors import VeldError

STATUS_CHOICES = ("all", "unmatched", *(s.value for s in HelpRequestStatus))


@click.group("helprequest")
def helprequest() -> None:
    """Help requests of this node: list them, change a summary or period."""


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
    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        page = roster_view.help_requests_page(session, statuses, 0, 1_000_000)
        today = session.today().isoformat()
    finally:
        session.close()
    if as_json:
        echo_json({"today": today, "status": code, "help_requests": [_item(i) for i in page.items]})
        return
    language = lang()
    if not page.items:
        click.echo("Geen hulpvragen." if language == "nl" else "No help requests.")
    for item in page.items:
        click.echo(
            f"{item.id}  {_label(HelpRequestStatus, item.status, language):<28} "
            f"{_label(Task, item.task, language):<30} {item.pc4:<4}  "
            f"{_day(item.window_start)} – {_day(item.window_end)}  {plain(' '.join(item.summary.split()))}"
        )


def _label(enum: Any, code: str, language: str) -> str:
    try:
        return str(enum(code).label(language))
    except ValueError:
        return code


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
@click.option("--start", default=None, help="First day help is wanted (YYYY-MM-DD).")
@click.option("--end", default=None, help="Last day help is wanted (YYYY-MM-DD).")
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
    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        saved = roster.update_help_request(session, request_id, changes)
    finally:
        session.close()
    warning = saved.warning
    if as_json:
        echo_json(
            {
                "id": saved.request.id,
                "summary": saved.request.summary,
                "window": {
                    "start": saved.request.window.start.isoformat(),
                    "end": saved.request.window.end.isoformat(),
                },
                "screened": saved.screening.as_json(),
                "warning": None if warning is None else {"nl": warning[0], "en": warning[1]},
            }
        )
    else:
        i = 0 if lang() == "nl" else 1
        click.echo(("Opgeslagen: ", "Saved: ")[i] + plain(saved.request.id))
    if warning is not None:
        click.echo(plain(warning[0 if lang() == "nl" else 1]), err=True)
