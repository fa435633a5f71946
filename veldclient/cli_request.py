"""`veld request new|show|candidates|send|withdraw|offer|accept|decline|admit|discharge`: one
placement request's steps from the command line, the same use cases as the request screen.

Every command only calls a service (services/placements.py files, services/placement_flow.py moves),
which validates, checks the role and node, and writes the event and its audit entry in one
transaction: a refused step writes nothing and exits 2 with one line in ``VELD_LANG``. Sending (the
request leaves the device) and accepting (it reserves another node's bed) ask to confirm on a
terminal; a script passes ``--yes``, and without a terminal and without ``--yes`` they are refused.
A request id may be shortened to a unique prefix (``veld cases`` prints the first 8 characters).
"""

from __future__ import annotations

from typing import Any

import click

from veldclient.cli import (
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
from veldclient.domain import CareType, OfferState, PlacementStatus
from veldclient.domain.triage import Triage
from veldclient.errors import NotFound, VeldError
from veldclient.session import Session

NOTHING_DONE = ("Niets gedaan.", "Nothing done.")

TRIAGE_FLAGS = tuple(Triage.__dataclass_fields__)
ID_MIN = 4  # a shorter prefix would match too much to be meant


def _full_id(session: Session, typed: str) -> str:
    """The request id a (unique) prefix stands for; an unknown or ambiguous one is refused."""
    text = typed.strip()
    if len(text) >= ID_MIN and "%" not in text and "_" not in text:
        found = session.db.execute(
            "SELECT id FROM placements WHERE id LIKE ? ORDER BY id LIMIT 2", [text + "%"]
        ).fetchall()
        if len(found) == 1:
            return str(found[0][0])
        if len(found) > 1:
            raise VeldError(
                f"'{text}' past bij meer dan één aanvraag; typ meer tekens.",
                f"'{text}' matches more than one request; type more characters.",
            )
    raise NotFound(("Plaatsingsaanvraag", "placement request"), plain(text))


def _step_json(session: Session, request_id: str, event: dict[str, Any]) -> dict[str, Any]:
    status = session.db.execute("SELECT status FROM placements WHERE id = ?", [request_id]).fetchone()
    return {"request_id": request_id, "status": status[0] if status else None, "event": event}


def _report(
    session: Session, request_id: str, event: dict[str, Any], as_json: bool, nl: str, en: str
) -> None:
    out = _step_json(session, request_id, event)
    if as_json:
        echo_json(out)
        return
    label = PlacementStatus(out["status"]).label(lang()) if out["status"] else "?"
    click.echo(f"{nl if lang() == 'nl' else en} ({request_id[:8]}: {label})")


json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
yes_option = click.option("--yes", is_flag=True, help="Do not ask to confirm (for scripts).")
reason_option = click.option("--reason", default=None, help="A short note (at most 500 characters).")


@click.group("request", cls=VeldGroup)
def request() -> None:
    """One placement request: file, show, list candidates, send, withdraw, offer, accept, decline, admit,
    discharge."""


@request.command("new")
@click.argument("client_id")
@click.option("--urgency", required=True, help="U1 (most urgent) to U4.")
@click.option("--referrer-name", required=True, help="Who refers the client.")
@click.option("--referrer-role", required=True, help="e.g. HUISARTS, SPECIALIST.")
@click.option("--referrer-agb", default=None, help="The referrer's AGB code.")
@click.option("--desired-start", required=True, help="DD-MM-YYYY or YYYY-MM-DD.")
@click.option("--care-type", default=None, help="Default: what the triage advises.")
@click.option("--capability", "capabilities", multiple=True, help="A required capability (repeatable).")
@click.option(
    "--triage",
    "triage",
    multiple=True,
    type=click.Choice(TRIAGE_FLAGS, case_sensitive=False),
    help="A triage answer that is yes (repeatable).",
)
@json_option
@profile_option
@click.pass_context
@handles_errors
def new(
    ctx: click.Context,
    client_id: str,
    urgency: str,
    referrer_name: str,
    referrer_role: str,
    referrer_agb: str | None,
    desired_start: str,
    care_type: str | None,
    capabilities: tuple[str, ...],
    triage: tuple[str, ...],
    as_json: bool,
    profile_name: str | None,
) -> None:
    """File a placement request for one of the node's clients (not sent yet)."""
    from veldclient.services import placements

    raw = {
        "referrer": {"name": referrer_name, "role": referrer_role, "agb": referrer_agb},
        "urgency": urgency,
        "triage": {flag: True for flag in triage},
        "required_capabilities": list(capabilities),
        "desired_start": desired_start,
        "care_type": care_type,
    }
    with profile_session(ctx, profile_name) as session:
        filed = placements.file_placement_request(session, client_id, raw)
    if as_json:
        echo_json(filed.to_dict())
        return
    care = CareType(filed.care_type).label(lang())
    click.echo(f"{'Aanvraag vastgelegd' if lang() == 'nl' else 'Request filed'}: {filed.id} ({care})")


@request.command("show")
@click.argument("request_id")
@json_option
@profile_option
@click.pass_context
@handles_errors
def show(ctx: click.Context, request_id: str, as_json: bool, profile_name: str | None) -> None:
    """The request with its status, where it was sent and its offers (the name only on its own node)."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        view = flow.get_request(session, _full_id(session, request_id))
    if as_json:
        echo_json(view)
        return
    language = lang()
    name = plain(view.get("client_name") or "—")
    status = PlacementStatus(view["status"]).label(language)
    click.echo(f"{view['id']}  {name}  {status}  {CareType(view['care_type']).label(language)}")
    if view.get("sent_to"):
        click.echo(f"  {'verstuurd naar' if language == 'nl' else 'sent to'}: {', '.join(view['sent_to'])}")
    for o in view["offers"]:
        where = plain(f"{o['node_name']}, {o['location_name']}")
        care = CareType(o["care_type"] or view["care_type"]).label(language)  # none named: the request's
        state = OfferState(o["state"]).label(language)
        click.echo(f"  {o['offer_id'][:8]}  {where}  {care}  {state}")


@request.command("candidates")
@click.argument("request_id")
@json_option
@profile_option
@click.pass_context
@handles_errors
def candidates(ctx: click.Context, request_id: str, as_json: bool, profile_name: str | None) -> None:
    """Where the own request could go: locations across the region by score (0-100), best first,
    each with the reasons its score adds up from (the request screen's candidate list)."""
    from veldclient.services import placement_flow as flow

    def ranked(session: Session) -> tuple[str, list[Any]]:
        rid = _full_id(session, request_id)
        return rid, flow.candidates(session, rid)

    rid, found = with_session(ctx, profile_name, ranked)
    if as_json:
        echo_json({"request_id": rid, "candidates": [c.to_dict() for c in found]})
        return
    language = lang()
    if not found:
        click.echo(("Geen kandidaat-locaties.", "No candidate locations.")[language != "nl"])
    for n, c in enumerate(found, start=1):
        place = plain(f"{c.location_name or c.location_id} ({c.node_id})")
        click.echo(f"{n:>3}. {c.score:>3}  {place}")
        for reason in c.reasons:
            click.echo(f"      {plain(reason.line(language))}")


@request.command("send")
@click.argument("request_id")
@click.argument("node_id")
@yes_option
@json_option
@profile_option
@click.pass_context
@handles_errors
def send(
    ctx: click.Context, request_id: str, node_id: str, yes: bool, as_json: bool, profile_name: str | None
) -> None:
    """Send the request to another node (it leaves this device at the next sync or bundle)."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        target = plain(node_id)
        ask_first(
            yes,
            (f"Aanvraag {rid[:8]} naar {target} versturen?", f"Send request {rid[:8]} to {target}?"),
            NOTHING_DONE,
        )
        event = flow.send(session, rid, node_id)
        _report(session, rid, event, as_json, f"Verstuurd naar {target}", f"Sent to {target}")


@request.command("withdraw")
@click.argument("request_id")
@click.option("--offer", "offer_id", default=None, help="Withdraw this offer of your node instead.")
@reason_option
@json_option
@profile_option
@click.pass_context
@handles_errors
def withdraw(
    ctx: click.Context,
    request_id: str,
    offer_id: str | None,
    reason: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Withdraw (cancel) your node's request; with --offer, take back an offer your node made."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        if offer_id is None:
            event = flow.cancel(session, rid, reason=reason)
            _report(session, rid, event, as_json, "Aanvraag ingetrokken", "Request withdrawn")
        else:
            event = flow.withdraw(session, rid, offer_id, reason=reason)
            _report(session, rid, event, as_json, "Aanbod ingetrokken", "Offer withdrawn")


@request.command("offer")
@click.argument("request_id")
@click.argument("location")
@click.option("--care-type", default=None, help="Default: the request's care type.")
@json_option
@profile_option
@click.pass_context
@handles_errors
def offer(
    ctx: click.Context,
    request_id: str,
    location: str,
    care_type: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Offer a free bed at LOCATION (its name, the start of it, or its id) of your node for a
    request sent to your node."""
    from veldclient.services import capacity
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        care = (
            care_type
            or session.db.execute("SELECT care_type FROM placements WHERE id = ?", [rid]).fetchone()[0]
        )
        event = flow.offer(session, rid, capacity.own_location(session, location), care)
        _report(session, rid, event, as_json, f"Aanbod gedaan: {event['id']}", f"Offer made: {event['id']}")


@request.command("accept")
@click.argument("request_id")
@click.argument("offer_id")
@yes_option
@json_option
@profile_option
@click.pass_context
@handles_errors
def accept(
    ctx: click.Context, request_id: str, offer_id: str, yes: bool, as_json: bool, profile_name: str | None
) -> None:
    """Accept an offer: the bed is reserved for this client until admission."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        ask_first(
            yes,
            (
                f"Aanbod {plain(offer_id)[:8]} accepteren? Het bed wordt gereserveerd.",
                f"Accept offer {plain(offer_id)[:8]}? The bed is reserved.",
            ),
            NOTHING_DONE,
        )
        event = flow.accept(session, rid, offer_id)
        _report(session, rid, event, as_json, "Aanbod geaccepteerd", "Offer accepted")


@request.command("decline")
@click.argument("request_id")
@click.option("--offer", "offer_id", default=None, help="Decline this offer (your own request).")
@reason_option
@json_option
@profile_option
@click.pass_context
@handles_errors
def decline(
    ctx: click.Context,
    request_id: str,
    offer_id: str | None,
    reason: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Decline a request sent to your node; with --offer, decline an offer made for your request."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        event = flow.decline(session, rid, offer_id, reason=reason)
        _report(session, rid, event, as_json, "Afgewezen", "Declined")


@request.command("admit")
@click.argument("request_id")
@click.option("--offer", "offer_id", default=None, help="The accepted offer (if your node has several).")
@json_option
@profile_option
@click.pass_context
@handles_errors
def admit(
    ctx: click.Context, request_id: str, offer_id: str | None, as_json: bool, profile_name: str | None
) -> None:
    """Record the admission on your node's accepted offer (a free bed becomes occupied)."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        event = flow.admit(session, rid, offer_event_id=offer_id)
        _report(session, rid, event, as_json, "Opname vastgelegd", "Admission recorded")


@request.command("discharge")
@click.argument("request_id")
@click.argument("destination")
@json_option
@profile_option
@click.pass_context
@handles_errors
def discharge(
    ctx: click.Context, request_id: str, destination: str, as_json: bool, profile_name: str | None
) -> None:
    """Record the discharge and where to (e.g. HOME, HOME_WV); the bed becomes free again."""
    from veldclient.services import placement_flow as flow

    with profile_session(ctx, profile_name) as session:
        rid = _full_id(session, request_id)
        event = flow.discharge(session, rid, destination)
        _report(session, rid, event, as_json, "Ontslag vastgelegd", "Discharge recorded")
