"""One client's own steps on the case screen: edit, record a visit, archive, erase.

Why a base of its own: the steps act on "the client in front of you" (:meth:`current_client`), so
the role checks, the confirmations and what follows a step live here once, apart from the case
screen's placement requests. A key always acts: for a role that may not take the step it says
why, instead of doing nothing. Archiving and erasing ask first; the erase question lists what goes
on which node (services/erasure.py ``preview``), because erasing reaches every node that holds a
copy.
"""

from __future__ import annotations

from typing import Any, ClassVar

from veldclient.domain import Client
from veldclient.errors import VeldError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.client_forms import EditClientForm, VisitForm
from veldclient.screens.confirm import Confirm
from veldclient.screens.i18n import language, t
from veldclient.services import clients, erasure
from veldclient.services.erasure import ErasedItem

CLIENT_KEYS: tuple[KeySpec, ...] = (
    ("e", "edit_client", "caseload.clientkey.edit"),
    ("v", "record_visit", "caseload.clientkey.visit"),
    ("a", "archive_client", "caseload.clientkey.archive"),
    ("delete", "erase_client", "caseload.clientkey.erase"),
)


class ClientActions(VeldScreen):
    """A screen with a current client: :meth:`current_client` names them, :meth:`client_changed`
    shows the result of a step (``gone``: archived or erased)."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = CLIENT_KEYS
    # True while an erasure runs: the screen must not reload a client that is about to be gone
    # (closing the question resumes the screen, whose reload would queue behind the erasure).
    erasing = False

    def current_client(self) -> tuple[str, str] | None:
        """(id, name) of the client the keys act on; None when there is none (or it is hidden)."""
        raise NotImplementedError

    def client_changed(self, gone: bool) -> None:
        raise NotImplementedError

    def _target(self, roles: tuple[str, ...], why_id: str) -> tuple[str, str] | None:
        """The client to act on, or None after saying why the step cannot be taken here."""
        role = self.veld.session.actor.role
        if role not in roles:
            self.notify(t(why_id, role=role), severity="warning", markup=False)
            return None
        chosen = self.current_client()
        if chosen is None:
            self.notify(t("caseload.client.not_loaded"), severity="warning", markup=False)
        return chosen

    def action_edit_client(self) -> None:
        chosen = self._target(clients.CARE, "caseload.client.nurse_only")
        if chosen is not None:
            self.call(clients.get_client, chosen[0], done=self._edit)

    def _edit(self, client: Client) -> None:
        self.app.push_screen(EditClientForm(client), self._saved("caseload.client.saved"))

    def action_record_visit(self) -> None:
        chosen = self._target(clients.CARE, "caseload.client.nurse_only")
        if chosen is not None:
            form = VisitForm(*chosen, now_ms=self.veld.session.now())
            self.app.push_screen(form, self._saved("caseload.client.visit_saved"))

    def _saved(self, message_id: str) -> Any:
        def saved(result: Any) -> None:
            if result is not None:
                self.notify(t(message_id), markup=False)
                self.client_changed(gone=False)

        return saved

    def action_archive_client(self) -> None:
        chosen = self._target(clients.CARE, "caseload.client.nurse_only")
        if chosen is None:
            return
        client_id, name = chosen
        question = Confirm(
            t("caseload.client.archive_question", name=name),
            t("caseload.client.archive_keys"),
            yes_id="caseload.clientkey.archive",
            no_id="key.cancel",
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(t("caseload.client.cancelled"), markup=False)
                return
            done = self._gone("caseload.client.archived", name=name)
            self.call(clients.archive_client, client_id, done=done)

        self.app.push_screen(question, answered)

    def action_erase_client(self) -> None:
        chosen = self._target(erasure.ERASERS, "caseload.client.erase_role")
        if chosen is not None:
            client_id, name = chosen
            self.call(erasure.preview, client_id, done=lambda items: self._ask_erase(client_id, name, items))

    def _ask_erase(self, client_id: str, name: str, items: list[ErasedItem]) -> None:
        lang = language()
        lines = tuple(
            t("caseload.client.erase_line", what=item.text(lang), nodes=", ".join(item.nodes))
            for item in items
        )
        question = Confirm(
            t("caseload.client.erase_question", name=name),
            t("caseload.client.erase_keys"),
            yes_id="caseload.client.erase_yes",
            no_id="key.cancel",
            lines=lines,
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(t("caseload.client.cancelled"), markup=False)
                return
            self.erasing = True
            self.call(erasure.erase_client, client_id, done=self._erased(name), failed=self._not_erased)

        self.app.push_screen(question, answered)

    def _erased(self, name: str) -> Any:
        def erased(ids: list[str]) -> None:
            self.notify(t("caseload.client.erased", name=name, n=len(ids)), markup=False)
            self.client_changed(gone=True)

        return erased

    def _not_erased(self, error: VeldError) -> None:
        self.erasing = False
        self.notify(error.message(language()), severity="error", markup=False)
        self.client_changed(gone=False)

    def _gone(self, message_id: str, **values: object) -> Any:
        def gone(_result: Any) -> None:
            self.notify(t(message_id, **values), markup=False)
            self.client_changed(gone=True)

        return gone
