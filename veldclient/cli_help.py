"""The Dutch of every help text of the `veld` commands and their options: one home.

The commands keep their help in English where Click expects it (the docstring or ``help=``), next to
the code it describes; this catalogue gives each of those texts its Dutch, as Click's own words get
theirs from locale/nl/LC_MESSAGES/click.po. ``cli.SaysHelp`` looks a text up here as ``--help`` is
formatted, so a command's help follows VELD_LANG like everything else it prints.
tests/cli/test_cli_one_language.py fails on a command or option whose help is missing here.
"""

from __future__ import annotations

import inspect

from veldclient import language


def said(text: str | None) -> str:
    """``text`` (a help text as written in the code) in the command line's language."""
    if not text:
        return ""
    english = inspect.cleandoc(text).partition("\f")[0]
    if language.choose() == "en":
        return english
    return DUTCH.get(english, english)


# English help text (as cleaned by inspect.cleandoc) -> its Dutch
DUTCH: dict[str, str] = {
    (
        "veldclient: offline-first field client for the Twente care-node mesh.\n"
        "\n"
        "Without a command, opens the app for the profile."
    ): (
        "veldclient: offline-first veldclient voor het netwerk van zorgknooppunten in Twente.\n"
        "\n"
        "Zonder opdracht opent het de app voor het profiel."
    ),
    "Profile name (default: 'default', or the only profile there is).": (
        "Naam van het profiel (standaard: 'default', of het enige profiel dat er is)."
    ),
    "The NEN 7513 audit log; without a command, the newest entries as 'veld audit log' shows them.": (
        "Het NEN 7513-auditlog; zonder opdracht de nieuwste regels, zoals 'veld audit log' ze toont."
    ),
    "Most entries.": "Hoeveel regels ten hoogste.",
    "Only entries about this client.": "Alleen regels over deze cliënt.",
    "Only entries by this user.": "Alleen regels van deze gebruiker.",
    "Only this action letter: C R U D E S X L.": "Alleen deze actieletter: C R U D E S X L.",
    "Only this event code (see 'veld audit events').": (
        "Alleen deze gebeurteniscode (zie 'veld audit events')."
    ),
    "From this day on (DD-MM-YYYY or YYYY-MM-DD).": "Vanaf deze dag (DD-MM-JJJJ of JJJJ-MM-DD).",
    "Up to and including this day (DD-MM-YYYY or YYYY-MM-DD).": (
        "Tot en met deze dag (DD-MM-JJJJ of JJJJ-MM-DD)."
    ),
    "Machine-readable output.": "Uitvoer voor programma's (JSON).",
    "Every event code the log can hold, with its readable name (for --event).": (
        "Elke gebeurteniscode die het log kan bevatten, met haar leesbare naam (voor --event)."
    ),
    "Newest audit entries, filtered as asked (reading the log is itself logged).": (
        "De nieuwste auditregels, gefilterd zoals gevraagd (het lezen van het log wordt zelf gelogd)."
    ),
    "Check the hash chain; names every edited or missing entry.": (
        "Controleer de hashketen; noemt elke gewijzigde of ontbrekende regel."
    ),
    "USB bundles: signed, encrypted transfer between sites by stick.": (
        "USB-bundels: ondertekende, versleutelde overdracht tussen locaties per stick."
    ),
    "Write one bundle for the given nodes or devices into DIR (e.g. a mounted stick).": (
        "Schrijf één bundel voor de gegeven knooppunten of apparaten in DIR (bijvoorbeeld een "
        "aangesloten stick)."
    ),
    "Node id or paired device (repeatable).": "Knooppunt-id of gekoppeld apparaat (mag vaker).",
    "Folder to write to.": "Map om in te schrijven.",
    "Whole documents, even where a delta would do.": "Hele documenten, ook waar een delta zou volstaan.",
    "Import a bundle file, or every bundle for this device in a folder (a mounted stick).": (
        "Lees een bundelbestand in, of elke bundel voor dit apparaat in een map (een aangesloten stick)."
    ),
    "Folder for the acknowledgement bundle that tells the sender what arrived.": (
        "Map voor de ontvangstbundel die de afzender laat weten wat er aankwam."
    ),
    (
        "Every node's beds per location and care type, with age and a stale mark.\n"
        "\n"
        "`veld capacity set` reports the own node's beds of one care type at one location."
    ): (
        "De bedden van elk knooppunt per locatie en zorgsoort, met hun leeftijd en een teken als ze "
        "verouderd zijn.\n"
        "\n"
        "`veld capacity set` meldt de bedden van het eigen knooppunt voor één zorgsoort op één "
        "locatie."
    ),
    "Only this node.": "Alleen dit knooppunt.",
    "Only this care type (e.g. ELV_HOOG).": "Alleen deze zorgsoort (bijvoorbeeld ELV_HOOG).",
    "Only locations with this capability (e.g. ZUURSTOF).": (
        "Alleen locaties met deze mogelijkheid (bijvoorbeeld ZUURSTOF)."
    ),
    (
        "Report the beds of CARE_TYPE at LOCATION (its name, the start of it, or its id) of the own\n"
        "node, as the app's capacity form does.\n"
        "\n"
        "Counts left out keep what the node reports now (0 when it never reported); the beds per status\n"
        "must add up to --total. Numbers are checked by the same rules as the form, and a refused report\n"
        "changes nothing."
    ): (
        "Meld de bedden van CARE_TYPE op LOCATION (haar naam, het begin ervan of haar id) van het "
        "eigen knooppunt, zoals het capaciteitsformulier van de app dat doet.\n"
        "\n"
        "Weggelaten aantallen houden wat het knooppunt nu meldt (0 als het nog nooit meldde); de "
        "bedden per status moeten samen --total zijn. De getallen worden gecontroleerd met dezelfde "
        "regels als in het formulier, en een geweigerde melding verandert niets."
    ),
    "Beds of this care type at the location.": "Bedden van deze zorgsoort op de locatie.",
    "Free beds.": "Vrije bedden.",
    "Occupied beds.": "Bezette bedden.",
    "Closed beds.": "Gesloten bedden.",
    "Beds being cleaned.": "Bedden die schoongemaakt worden.",
    "Beds in isolation.": "Bedden in isolatie.",
    "What the location can do for this care type (repeat; e.g. ZUURSTOF). Omit: kept as reported.": (
        "Wat de locatie voor deze zorgsoort kan (mag vaker; bijvoorbeeld ZUURSTOF). Weggelaten: "
        "blijft zoals gemeld."
    ),
    "Mantelzorgers (informal carers) of this node: register, change, link, record burden.": (
        "Mantelzorgers van dit knooppunt: registreren, wijzigen, koppelen, belasting vastleggen."
    ),
    "Register a mantelzorger (the form the app shows with n on the carers tab).": (
        "Registreer een mantelzorger (het formulier dat de app toont met n op het tabblad mantelzorgers)."
    ),
    "First name.": "Voornaam.",
    "Last name.": "Achternaam.",
    "Four-digit postcode area (7511).": "Postcodegebied van vier cijfers (7511).",
    "To the person cared for: PARTNER, KIND, ...": "Tot wie verzorgd wordt: PARTNER, KIND, ...",
    "Hours of care per week (0-168).": "Uren zorg per week (0-168).",
    "Phone (0612345678 or +31...).": "Telefoon (0612345678 of +31...).",
    "Caring since (DD-MM-YYYY or YYYY-MM-DD).": "Zorgt sinds (DD-MM-JJJJ of JJJJ-MM-DD).",
    "A respite need (repeatable): LOGEER, ...": "Een behoefte aan respijtzorg (mag vaker): LOGEER, ...",
    "Id of the client they care for.": "Id van de cliënt voor wie zij zorgen.",
    "Record a burden measurement, or show them all, with the trend and the respite advice.": (
        "Leg een belastingmeting vast, of toon ze allemaal, met het verloop en het advies over respijtzorg."
    ),
    "A new measurement's score (EDIZ 0-9); left out: show them.": (
        "De score van een nieuwe meting (EDIZ 0-9); weggelaten: toon de metingen."
    ),
    "EDIZ, EDIZ_PLUS or CSI.": "EDIZ, EDIZ_PLUS of CSI.",
    "Measured on (DD-MM-YYYY or YYYY-MM-DD); default today.": (
        "Gemeten op (DD-MM-JJJJ of JJJJ-MM-DD); standaard vandaag."
    ),
    "Change a mantelzorger: only the options given change.": (
        "Wijzig een mantelzorger: alleen de gegeven opties veranderen."
    ),
    "Link a mantelzorger to the client of this node they care for.": (
        "Koppel een mantelzorger aan de cliënt van dit knooppunt voor wie zij zorgen."
    ),
    "Remove the link to the person cared for.": "Verwijder de koppeling met wie verzorgd wordt.",
    "Crisis risk: own clients whose situation points to an acute admission soon, with the reasons.": (
        "Crisisrisico: eigen cliënten bij wie een acute opname dreigt, met de redenen."
    ),
    "Clients with placement requests: status, care type, urgency and the 2 h / 24 h timers.": (
        "Cliënten met plaatsingsverzoeken: status, zorgsoort, urgentie en de termijnen van 2 u en 24 u."
    ),
    "Only open requests breaching or about to breach a target.": (
        "Alleen open verzoeken die een termijn overschrijden of bijna overschrijden."
    ),
    "Clients of this node: register, change, archive, erase (AVG), record a visit.": (
        "Cliënten van dit knooppunt: registreren, wijzigen, archiveren, wissen (AVG), een bezoek vastleggen."
    ),
    (
        "Register a client (nurse only).\n"
        "\n"
        "A client who may already be registered (same BSN, or same name, birth date and postcode) is\n"
        "named first; on a terminal you are asked whether to save anyway, a script says --yes."
    ): (
        "Registreer een cliënt (alleen wijkverpleegkundige).\n"
        "\n"
        "Een cliënt die misschien al geregistreerd is (zelfde BSN, of zelfde naam, geboortedatum en\n"
        "postcode) wordt eerst genoemd; op een terminal wordt gevraagd of u toch opslaat, een script\n"
        "geeft --yes."
    ),
    "Save even when it may be a client already registered.": (
        "Toch opslaan, ook als het een cliënt kan zijn die al geregistreerd is."
    ),
    "Full name.": "Volledige naam.",
    "Birth date, DD-MM-YYYY or YYYY-MM-DD.": "Geboortedatum, DD-MM-JJJJ of JJJJ-MM-DD.",
    "Postcode, e.g. 7511 JM.": "Postcode, bijvoorbeeld 7511 JM.",
    "BSN (nine digits, elfproef).": "BSN (negen cijfers, elfproef).",
    "Street and number.": "Straat en huisnummer.",
    "The GP's AGB code.": "De AGB-code van de huisarts.",
    "Has a Wlz indication.": "Heeft een Wlz-indicatie.",
    "Archive a client: the case stays, out of the caseload and the search.": (
        "Archiveer een cliënt: het dossier blijft, buiten de caseload en het zoeken."
    ),
    "Change a client's details or address: only the options given change.": (
        "Wijzig de gegevens of het adres van een cliënt: alleen de gegeven opties veranderen."
    ),
    "Erase a client (AVG art. 17) on every node that holds their documents: prints what goes first.": (
        "Wis een cliënt (AVG art. 17) op elk knooppunt dat zijn documenten heeft: toont eerst wat verdwijnt."
    ),
    "Do not ask: erase at once.": "Niet vragen: wis meteen.",
    "Why (kept in the local audit log only).": "Waarom (alleen bewaard in het eigen auditlog).",
    "Record a visit, with a note if given.": "Leg een bezoek vast, met een notitie als die gegeven is.",
    "Date and time, DD-MM-YYYY HH:MM or YYYY-MM-DD HH:MM (Dutch time).": (
        "Datum en tijd, DD-MM-JJJJ UU:MM of JJJJ-MM-DD UU:MM (Nederlandse tijd)."
    ),
    "How long, 1 to 720.": "Hoe lang, 1 tot 720.",
    "Where the visit stands: planned, on the way, done, done and worse, missed or cancelled.": (
        "Hoe het bezoek ervoor staat: gepland, onderweg, gedaan, gedaan en verslechterd, gemist of"
        " geannuleerd."
    ),
    "A note on the visit (stays in the case, on this node).": (
        "Een notitie bij het bezoek (blijft in het dossier, op dit knooppunt)."
    ),
    "Records with concurrent events a person must decide on (both sides shown).": (
        "Gegevens met gelijktijdige gebeurtenissen waarover iemand moet beslissen (beide kanten getoond)."
    ),
    "Open the demo profile with Twente demo data, building it the first time; --reset builds it anew.": (
        "Open het demoprofiel met Twentse demogegevens; de eerste keer wordt het gebouwd, --reset "
        "bouwt het opnieuw."
    ),
    "Only prepare the demo profile and print where it is.": (
        "Maak alleen het demoprofiel klaar en zeg waar het staat."
    ),
    "Remove the demo profile (saying what it holds) and build it anew.": (
        "Verwijder het demoprofiel (met wat erin zit) en bouw het opnieuw."
    ),
    "Size of a new demo (small).": "Grootte van een nieuwe demo (small).",
    "Node of a new demo (enschede-centrum).": "Knooppunt van een nieuwe demo (enschede-centrum).",
    "Role of a new demo (nurse).": "Rol in een nieuwe demo (standaard: wijkverpleegkundige).",
    "Seed of a new demo's data (7).": "Startgetal voor de gegevens van een nieuwe demo (7).",
    "Every document id with its kind and heads.": "Elk document-id met zijn soort en heads.",
    "Machine-readable output (the default).": "Uitvoer voor programma's (JSON; dat is de standaard).",
    "Check the database, every document and the audit chain; optionally rebuild the tables.": (
        "Controleer de database, elk document en de auditketen; bouw desgewenst de tabellen opnieuw op."
    ),
    "Rebuild every projection table from the documents.": (
        "Bouw elke afgeleide tabel opnieuw op uit de documenten."
    ),
    "Exports for people outside the care team (only the fields DOMAIN.md allows).": (
        "Exports voor mensen buiten het zorgteam (alleen de velden die DOMAIN.md toestaat)."
    ),
    "Write the volunteer-facing CSV for a help request (task, window, PC4, first name, notes).": (
        "Schrijf de CSV voor vrijwilligers bij een hulpvraag (taak, periode, PC4, voornaam, notities)."
    ),
    "CSV file to write.": "CSV-bestand om te schrijven.",
    "The volunteer's language for the file (headers, dates, words); default: veld's own (Dutch).": (
        "De taal van de vrijwilliger voor het bestand (kopjes, datums, woorden); standaard die van "
        "veld (Nederlands)."
    ),
    "Machine-readable report.": "Verslag voor programma's (JSON).",
    "Help requests of this node: list, file, change and close them.": (
        "Hulpvragen van dit knooppunt: tonen, indienen, wijzigen en sluiten."
    ),
    "The volunteer said yes. (MATCH_ID from `veld helprequest matches`).": (
        "De vrijwilliger zei ja. (MATCH_ID uit `veld helprequest matches`.)"
    ),
    "File a new help request (the form the app shows with n).": (
        "Dien een nieuwe hulpvraag in (het formulier dat de app toont met n)."
    ),
    "What help: a task code or label (BOODSCHAPPEN, 'vervoer', ...).": (
        "Welke hulp: een taakcode of -naam (BOODSCHAPPEN, 'vervoer', ...)."
    ),
    "Non-medical summary (no BSN, birth date, e-mail).": (
        "Niet-medische samenvatting (geen BSN, geboortedatum, e-mail)."
    ),
    "Four-digit postcode area where the help is wanted.": (
        "Postcodegebied van vier cijfers waar de hulp nodig is."
    ),
    "First day help is wanted (DD-MM-YYYY or YYYY-MM-DD).": (
        "Eerste dag dat hulp nodig is (DD-MM-JJJJ of JJJJ-MM-DD)."
    ),
    "Last day help is wanted (DD-MM-YYYY or YYYY-MM-DD).": (
        "Laatste dag dat hulp nodig is (DD-MM-JJJJ of JJJJ-MM-DD)."
    ),
    "A part of the week, e.g. 'di ochtend' (repeatable).": (
        "Een deel van de week, bijvoorbeeld 'di ochtend' (mag vaker)."
    ),
    "Language the helper must speak (a code: nl, tr, ar, ...).": (
        "Taal die de helper moet spreken (een code: nl, tr, ar, ...)."
    ),
    "CLIENT or MANTELZORGER.": "CLIENT (cliënt) of MANTELZORGER.",
    "Id of the client or carer it is for.": "Id van de cliënt of mantelzorger voor wie het is.",
    "How often it recurs ('elke week'); empty: once.": (
        "Hoe vaak het terugkomt ('elke week'); leeg: eenmalig."
    ),
    "VOG required.": "VOG vereist.",
    "Close a help request for good; its open matches are withdrawn.": (
        "Sluit een hulpvraag definitief; haar open koppelingen worden ingetrokken."
    ),
    "The help was given (recurring help); default: cancelled.": (
        "De hulp is gegeven (terugkerende hulp); standaard: geannuleerd."
    ),
    "Close without asking (it cannot be undone).": "Sluit zonder te vragen (het kan niet ongedaan worden).",
    "The help was given. (MATCH_ID from `veld helprequest matches`).": (
        "De hulp is gegeven. (MATCH_ID uit `veld helprequest matches`.)"
    ),
    (
        "The requester agreed too: the help will happen (only one confirmed volunteer per request). "
        "(MATCH_ID from `veld helprequest matches`)."
    ): (
        "De aanvrager stemde ook in: de hulp gaat door (één bevestigde vrijwilliger per hulpvraag). "
        "(MATCH_ID uit `veld helprequest matches`.)"
    ),
    "Confirm without asking.": "Bevestig zonder te vragen.",
    (
        "The volunteer (or, after their yes, the requester) said no. (MATCH_ID from `veld helprequest "
        "matches`)."
    ): (
        "De vrijwilliger (of, na diens ja, de aanvrager) zei nee. (MATCH_ID uit `veld helprequest matches`.)"
    ),
    "Change a help request's summary and/or period.": (
        "Wijzig de samenvatting en/of de periode van een hulpvraag."
    ),
    "The new summary (non-medical: no BSN, birth date, e-mail).": (
        "De nieuwe samenvatting (niet-medisch: geen BSN, geboortedatum, e-mail)."
    ),
    "Every help request, open work first, expired after the open ones.": (
        "Elke hulpvraag, open werk eerst, verlopen na de open."
    ),
    "Only this status as of today ('unmatched': OPEN or MATCHING).": (
        "Alleen deze status zoals die vandaag is ('unmatched': OPEN of MATCHING)."
    ),
    "The request's status and its matches: volunteer, status, the steps that can follow.": (
        "De status van de hulpvraag en haar koppelingen: vrijwilliger, status, de stappen die kunnen volgen."
    ),
    "Propose a volunteer (an id from `veld match REQUEST_ID`) for the help request.": (
        "Stel een vrijwilliger voor (een id uit `veld match REQUEST_ID`) voor de hulpvraag."
    ),
    (
        "The coordinator or volunteer pulls out, up to the moment the help is given. (MATCH_ID from "
        "`veld helprequest matches`)."
    ): (
        "De coördinator of vrijwilliger trekt zich terug, tot het moment dat de hulp gegeven is. "
        "(MATCH_ID uit `veld helprequest matches`.)"
    ),
    "Show this device's id (compare it when pairing) or export its identity file.": (
        "Toon het id van dit apparaat (vergelijk het bij het koppelen) of exporteer zijn identiteitsbestand."
    ),
    "Write this device's identity file (certificate, no secret) for pairing.": (
        "Schrijf het identiteitsbestand van dit apparaat (certificaat, geen geheim) om te koppelen."
    ),
    "Create a profile: device key pair, certificate and an encrypted database.": (
        "Maak een profiel: sleutelpaar van het apparaat, certificaat en een versleutelde database."
    ),
    "Node id, e.g. enschede-centrum.": "Knooppunt-id, bijvoorbeeld enschede-centrum.",
    "Role on this device.": "Rol op dit apparaat.",
    "Your name or login (for the audit log).": "Uw naam of login (voor het auditlog).",
    "Do not store the key in the OS keyring.": (
        "Bewaar de sleutel niet in de sleutelbos van het besturingssysteem."
    ),
    "Set this laptop up for its node with the admin's INVITATION file (a new profile).": (
        "Richt deze laptop in voor zijn knooppunt met het UITNODIGINGSbestand (INVITATION) van de "
        "beheerder (een nieuw profiel)."
    ),
    "Where the data lives.": "Waar de gegevens staan.",
    (
        "Rank volunteers for a help request by score (0-100), best first, each with the reasons its\n"
        "score adds up from."
    ): (
        "Rangschik vrijwilligers voor een hulpvraag op score (0-100), beste eerst, elk met de "
        "redenen waaruit de score bestaat."
    ),
    "Most candidates.": "Hoeveel kandidaten ten hoogste.",
    "Also list every volunteer filtered out, with why.": (
        "Noem ook elke afgevallen vrijwilliger, met de reden."
    ),
    "Paired devices: add, list, remove, set an address, revoke a device of this node.": (
        "Gekoppelde apparaten: toevoegen, tonen, verwijderen, een adres instellen, een apparaat van "
        "dit knooppunt intrekken."
    ),
    "Pair with the device in IDENTITY_FILE (its node comes from its certificate).": (
        "Koppel met het apparaat in IDENTITY_FILE (zijn knooppunt staat in zijn certificaat)."
    ),
    "A name for this peer, e.g. 'almelo-server'.": (
        "Een naam voor dit apparaat, bijvoorbeeld 'almelo-server'."
    ),
    "host:port where the peer serves (veld serve).": (
        "host:poort waar het apparaat bereikbaar is (veld serve)."
    ),
    "Set where PEER serves (host:port).": "Stel in waar PEER bereikbaar is (host:poort).",
    "Find paired peers on the local network that serve with --announce.": (
        "Zoek gekoppelde apparaten op het lokale netwerk die met --announce bereikbaar zijn."
    ),
    "Seconds to listen.": "Hoeveel seconden luisteren.",
    "Store the addresses found for these peers (admin).": (
        "Bewaar de gevonden adressen van deze apparaten (beheerder)."
    ),
    "Only this network interface's address for LAN discovery (repeatable; default: all).": (
        "Alleen het adres van deze netwerkinterface voor het zoeken op het lokale netwerk (mag "
        "vaker; standaard: alle)."
    ),
    "Invitations this device issued: open, used (by which device), expired or cancelled (admin).": (
        "Uitnodigingen van dit apparaat: open, gebruikt (door welk apparaat), verlopen of "
        "ingetrokken (beheerder)."
    ),
    "Cancel this unused invitation (its id).": "Trek deze ongebruikte uitnodiging in (haar id).",
    "Write a one-time invitation for a new device of this node (admin): `veld join FILE` on it.": (
        "Schrijf een eenmalige uitnodiging voor een nieuw apparaat van dit knooppunt (beheerder): "
        "`veld join FILE` op dat apparaat."
    ),
    "Role of the new device.": "Rol op het nieuwe apparaat.",
    "How long it works: 30m, 24h, 7d (at most 30d).": "Hoe lang ze geldt: 30m, 24h, 7d (ten hoogste 30d).",
    "File to write.": "Bestand om te schrijven.",
    "host:port where this device serves (default: where veld serve or the app last served the network).": (
        "host:poort waar dit apparaat bereikbaar is (standaard: waar veld serve of de app het laatst "
        "het netwerk bediende)."
    ),
    "Name for the new device in the peer list (default: its own label).": (
        "Naam van het nieuwe apparaat in de lijst van gekoppelde apparaten (standaard: zijn eigen naam)."
    ),
    "Paired peers with last contact and documents waiting to be delivered.": (
        "Gekoppelde apparaten met het laatste contact en de documenten die nog afgeleverd moeten worden."
    ),
    "Unpair PEER (name or device id).": "Ontkoppel PEER (naam of apparaat-id).",
    "Revoke DEVICE of this node (peer name or device id): a signed change in the node document.": (
        "Trek DEVICE van dit knooppunt in (naam of apparaat-id): een ondertekende wijziging in het "
        "knooppuntdocument."
    ),
    (
        "One placement request: file, show, list candidates, send, withdraw, offer, accept, decline, "
        "admit,\n"
        "discharge."
    ): (
        "Eén plaatsingsverzoek: indienen, tonen, kandidaten, versturen, intrekken, aanbieden, "
        "aannemen, afwijzen, opnemen, ontslaan."
    ),
    "Accept an offer: the bed is reserved for this client until admission.": (
        "Neem een aanbod aan: het bed blijft gereserveerd voor deze cliënt tot de opname."
    ),
    "Do not ask to confirm (for scripts).": "Niet om bevestiging vragen (voor scripts).",
    "Record the admission on your node's accepted offer (a free bed becomes occupied).": (
        "Leg de opname vast op het aangenomen aanbod van uw knooppunt (een vrij bed wordt bezet)."
    ),
    "The accepted offer (if your node has several).": (
        "Het aangenomen aanbod (als uw knooppunt er meer heeft)."
    ),
    (
        "Where the own request could go: locations across the region by score (0-100), best first,\n"
        "each with the reasons its score adds up from (the request screen's candidate list)."
    ): (
        "Waar het eigen verzoek heen kan: locaties in de regio op score (0-100), beste eerst, elk "
        "met de redenen waaruit de score bestaat (de kandidatenlijst van het verzoekscherm)."
    ),
    "Decline a request sent to your node; with --offer, decline an offer made for your request.": (
        "Wijs een verzoek aan uw knooppunt af; met --offer wijst u een aanbod voor uw eigen verzoek af."
    ),
    "Decline this offer (your own request).": "Wijs dit aanbod af (uw eigen verzoek).",
    "A short note (at most 500 characters).": "Een korte notitie (ten hoogste 500 tekens).",
    "Record the discharge and where to (e.g. HOME, HOME_WV); the bed becomes free again.": (
        "Leg het ontslag vast en waarheen (bijvoorbeeld HOME, HOME_WV); het bed komt weer vrij."
    ),
    "File a placement request for one of the node's clients (not sent yet).": (
        "Dien een plaatsingsverzoek in voor een cliënt van het knooppunt (nog niet verstuurd)."
    ),
    "U1 (most urgent) to U4.": "U1 (het meest urgent) tot U4.",
    "Who refers the client.": "Wie de cliënt verwijst.",
    "e.g. HUISARTS, SPECIALIST.": "Bijvoorbeeld HUISARTS, SPECIALIST.",
    "The referrer's AGB code.": "De AGB-code van de verwijzer.",
    "DD-MM-YYYY or YYYY-MM-DD.": "DD-MM-JJJJ of JJJJ-MM-DD.",
    "Default: what the triage advises.": "Standaard: wat de triage adviseert.",
    "A required capability (repeatable).": "Een vereiste mogelijkheid (mag vaker).",
    "A triage answer that is yes (repeatable).": "Een triagevraag met antwoord ja (mag vaker).",
    (
        "Offer a free bed at LOCATION (its name, the start of it, or its id) of your node for a\n"
        "request sent to your node."
    ): (
        "Bied een vrij bed aan op LOCATION (haar naam, het begin ervan of haar id) van uw knooppunt "
        "voor een verzoek aan uw knooppunt."
    ),
    "Default: the request's care type.": "Standaard: de zorgsoort van het verzoek.",
    "Send the request to another node (it leaves this device at the next sync or bundle).": (
        "Verstuur het verzoek naar een ander knooppunt (het verlaat dit apparaat bij de volgende "
        "synchronisatie of bundel)."
    ),
    "The request with its status, where it was sent and its offers (the name only on its own node).": (
        "Het verzoek met zijn status, waarheen het gestuurd is en de aanbiedingen (de naam alleen op "
        "het eigen knooppunt)."
    ),
    "Withdraw (cancel) your node's request; with --offer, take back an offer your node made.": (
        "Trek het verzoek van uw knooppunt in; met --offer neemt u een aanbod van uw knooppunt terug."
    ),
    "Withdraw this offer of your node instead.": "Trek in plaats daarvan dit aanbod van uw knooppunt in.",
    "Requests other nodes sent here, newest first: no names (the case stays on its node).": (
        "Verzoeken die andere knooppunten hierheen stuurden, nieuwste eerst: zonder namen (het "
        "dossier blijft op zijn knooppunt)."
    ),
    "Requests other nodes sent to this node.": (
        "Verzoeken die andere knooppunten naar dit knooppunt stuurden."
    ),
    "Record a decision on a conflict as a new event; both sides stay in history.": (
        "Leg een beslissing over een conflict vast als nieuwe gebeurtenis; beide kanten blijven in "
        "de geschiedenis."
    ),
    "Event id of the side that stands (omit: neither).": (
        "Gebeurtenis-id van de kant die blijft staan (weggelaten: geen van beide)."
    ),
    "Possible duplicate: the client id of the record that stays; the other is merged into it.": (
        "Mogelijk dubbele cliënt: het cliënt-id van het dossier dat blijft; het andere wordt erin "
        "samengevoegd."
    ),
    "Possible duplicate: they are two people; keep both records.": (
        "Mogelijk dubbele cliënt: het zijn twee mensen; beide dossiers blijven."
    ),
    "Why (kept with a request's decision; a double booking's decision travels without it).": (
        "Waarom (bewaard bij de beslissing over een verzoek; de beslissing over een dubbele boeking "
        "reist zonder)."
    ),
    (
        "Clients of this node you may see, by name, postcode or address (the start of each word).\n"
        "\n"
        "The audit log records that you searched and how many clients were found, never what you typed."
    ): (
        "Cliënten van dit knooppunt die u mag zien, op naam, postcode of adres (het begin van elk "
        "woord).\n"
        "\n"
        "Het auditlog legt vast dat u zocht en hoeveel cliënten er gevonden zijn, nooit wat u typte."
    ),
    "Most clients.": "Hoeveel cliënten ten hoogste.",
    "Serve paired peers over mutual TLS until interrupted.": (
        "Bedien gekoppelde apparaten via wederzijdse TLS tot u stopt."
    ),
    "Address to listen on.": "Adres om op te luisteren.",
    "0 picks a free port.": "0 kiest een vrije poort.",
    "Announce on the local network (mDNS) where this device serves; only its device id is sent.": (
        "Maak op het lokale netwerk (mDNS) bekend waar dit apparaat bereikbaar is; alleen zijn "
        "apparaat-id wordt verstuurd."
    ),
    "Micro-capacity slots: list, publish, book, release.": (
        "Microcapaciteit: tijdsloten tonen, publiceren, boeken, vrijgeven."
    ),
    "Book a free slot (of any node) for a client of this node (nurse or coordinator).": (
        "Boek een vrij tijdslot (van elk knooppunt) voor een cliënt van dit knooppunt "
        "(wijkverpleegkundige of coördinator)."
    ),
    "The client of this node the slot is for.": "De cliënt van dit knooppunt voor wie het tijdslot is.",
    "Every slot known here, earliest first, with its state: free, booked or double booked.": (
        "Elk tijdslot dat hier bekend is, vroegste eerst, met zijn stand: vrij, geboekt of dubbel geboekt."
    ),
    "Only this node's slots (default: every node).": (
        "Alleen de tijdsloten van dit knooppunt (standaard: elk knooppunt)."
    ),
    "Only this node's own slots.": "Alleen de eigen tijdsloten van dit knooppunt.",
    "Publish consecutive slots of this node (nurse or admin).": (
        "Publiceer opeenvolgende tijdsloten van dit knooppunt (wijkverpleegkundige of beheerder)."
    ),
    "Service code, e.g. GP_CONSULT or WOUND_CARE.": "Dienstcode, bijvoorbeeld GP_CONSULT of WOUND_CARE.",
    "First slot's start, 'DD-MM-YYYY HH:MM' or 'YYYY-MM-DD HH:MM' (Dutch time).": (
        "Begin van het eerste tijdslot, 'DD-MM-JJJJ UU:MM' of 'JJJJ-MM-DD UU:MM' (Nederlandse tijd)."
    ),
    "Length of each slot.": "Lengte van elk tijdslot.",
    "How many consecutive slots (1–200).": "Hoeveel opeenvolgende tijdsloten (1–200).",
    "Release this node's booking of a slot, so it is free again.": (
        "Geef de boeking van dit knooppunt van een tijdslot vrij, zodat het weer vrij is."
    ),
    "Profile, node, role, device id, counts per record type, quarantined documents.": (
        "Profiel, knooppunt, rol, apparaat-id, aantallen per soort gegeven, documenten in quarantaine."
    ),
    "Sync now with PEER (name or device id).": "Synchroniseer nu met PEER (naam of apparaat-id).",
    "host:port, when the peer's address is not stored.": (
        "host:poort, als het adres van het apparaat niet bewaard is."
    ),
    "Volunteers of this node: register, change and list them.": (
        "Vrijwilligers van dit knooppunt: registreren, wijzigen en tonen."
    ),
    "Register a volunteer (the form the app shows with n on the roster).": (
        "Registreer een vrijwilliger (het formulier dat de app toont met n in het rooster)."
    ),
    "Year of birth (at least 16 years ago).": "Geboortejaar (ten minste 16 jaar geleden).",
    "Furthest they travel, 1-100 km.": "Hoe ver zij ten hoogste reizen, 1-100 km.",
    "E-mail address.": "E-mailadres.",
    "A task they do (repeatable): VERVOER, ...": "Een taak die zij doen (mag vaker): VERVOER, ...",
    "A language they speak (repeatable): nl, tr": "Een taal die zij spreken (mag vaker): nl, tr",
    "When they can help (repeatable): 'ma ochtend'.": (
        "Wanneer zij kunnen helpen (mag vaker): 'ma ochtend'."
    ),
    "NONE, REQUESTED, VALID or EXPIRED.": (
        "NONE (geen), REQUESTED (aangevraagd), VALID (geldig) of EXPIRED (verlopen)."
    ),
    "Date the VOG was issued (DD-MM-YYYY or YYYY-MM-DD).": (
        "Datum waarop de VOG is afgegeven (DD-MM-JJJJ of JJJJ-MM-DD)."
    ),
    "Change a volunteer: only the options given change.": (
        "Wijzig een vrijwilliger: alleen de gegeven opties veranderen."
    ),
    "The node's volunteers by name (or by search rank), with their VOG state.": (
        "De vrijwilligers van het knooppunt op naam (of op zoekrang), met hun VOG-stand."
    ),
    "Words to look for in names, tasks, languages.": "Woorden om naar te zoeken in namen, taken, talen.",
    "Only those whose VOG expired or expires soon.": (
        "Alleen wie een VOG heeft die verlopen is of binnenkort verloopt."
    ),
    "Free beds expected tomorrow and the two days after, per node and care type and for the region."
    "\n\nA forecast from the daily capacity history in the node documents (counts only), with an 80 %"
    "\ninterval; computed on this device.": (
        "Vrije bedden verwacht voor morgen en de twee dagen daarna, per knooppunt en zorgsoort en voor de "
        "regio.\n\nEen prognose uit de dagelijkse capaciteitsgeschiedenis in de knooppuntdocumenten "
        "(alleen aantallen), met een\n80 %-interval; berekend op dit apparaat."
    ),
    "Only this node's forecasts.": "Alleen de prognoses van dit knooppunt.",
    "Only this care type.": "Alleen deze zorgsoort.",
    "Only the region's forecasts (every node together).": (
        "Alleen de prognoses van de regio (alle knooppunten samen)."
    ),
    "Test the method on held-out weeks against naive forecasts.": (
        "Test de methode op achtergehouden weken tegen naïeve prognoses."
    ),
    "FHIR R4B: capacity and slots for other systems (read-only export).": (
        "FHIR R4B: capaciteit en tijdsloten voor andere systemen (alleen lezen, als export)."
    ),
    "Write the capacity (locations, beds per care type, slots) as one FHIR Bundle into DIR.\n\nThe "
    "file holds no personal data: sites, bed counts, slot times and the reporting device's id.": (
        "Schrijf de capaciteit (locaties, bedden per zorgsoort, tijdsloten) als één FHIR-bundel in "
        "DIR.\n\nHet bestand bevat geen persoonsgegevens: locaties, aantallen bedden, tijden van "
        "tijdsloten en het id van het apparaat dat meldde."
    ),
    "Existing folder to write into.": ("Bestaande map om in te schrijven."),
    "Only this node (default: every node known here).": (
        "Alleen dit knooppunt (standaard: elk knooppunt dat hier bekend is)."
    ),
    "Exchange bundles through a regional relay (NATS JetStream), even between sites that are "
    "never\nonline at the same time.": (
        "Wissel bundels uit via een regionale relay (NATS JetStream), ook tussen locaties die "
        "nooit\ntegelijk online zijn."
    ),
    "Use the relay at URL (tls://host:port); its certificate is pinned.": (
        "Gebruik de relay op URL (tls://host:poort); het certificaat ervan wordt vastgelegd."
    ),
    "The relay's certificate (hub-cert.pem, or leaf-cert.pem of a leaf), from veld relay config.": (
        "Het certificaat van de relay (hub-cert.pem, of leaf-cert.pem van een leaf), uit veld relay config."
    ),
    "Write the hub's configuration (and a leaf's) into DIR from the paired devices; revoked\n"
    "devices are left out. Write it again after pairing or revoking, and restart the server.": (
        "Schrijf de configuratie van de hub (en van een leaf) in DIR, uit de gekoppelde "
        "apparaten;\ningetrokken apparaten blijven erbuiten. Schrijf haar opnieuw na koppelen of "
        "intrekken, en herstart de server."
    ),
    "Folder to write the configuration into.": ("Map waarin de configuratie komt."),
    "A node that runs a leaf node (repeatable; default: this node).": (
        "Een knooppunt met een eigen leaf node (mag vaker; standaard: dit knooppunt)."
    ),
    "Only the hub.": ("Alleen de hub."),
    "The hub's address for devices.": ("Het adres van de hub voor apparaten."),
    "The hub's address for leaf nodes.": ("Het adres van de hub voor leaf nodes."),
    "The hub's name or IP as leaf nodes reach it.": (
        "De naam of het IP-adres van de hub zoals leaf nodes hem bereiken."
    ),
    "A leaf's address for its devices.": ("Het adres van een leaf voor zijn apparaten."),
    "Fetch and import every bundle waiting for this device; acknowledge them to their senders.\n"
    "Exit code 2 if a bundle was refused (it is quarantined, as one from a stick).": (
        "Haal elke bundel op die voor dit apparaat klaarligt en lees haar in; bevestig ze aan de "
        "afzenders.\nAfsluitcode 2 als een bundel is geweigerd (die gaat in quarantaine, net als "
        "een van een stick)."
    ),
    "Leave a bundle for every node with paired devices at the relay (only what changed).": (
        "Laat bij de relay een bundel achter voor elk knooppunt met gekoppelde apparaten (alleen "
        "wat veranderde)."
    ),
    "Stop using the relay (nothing is sent to or fetched from it any more).": (
        "Stop met de relay (er wordt niets meer heen gestuurd of opgehaald)."
    ),
    "Run nats-server on a relay configuration until Ctrl-C or SIGTERM (for a site without a\n"
    "service manager; packaging/veld-relay.service does the same under systemd).": (
        "Draai nats-server met een relayconfiguratie tot Ctrl-C of SIGTERM (voor een locatie "
        "zonder\nservicebeheer; packaging/veld-relay.service doet hetzelfde onder systemd)."
    ),
    "A folder written by veld relay config (the hub's, or a leaf-<node> folder in it).": (
        "Een map geschreven door veld relay config (die van de hub, of een map leaf-<knooppunt> erin)."
    ),
    "When the relay was last reached, and per paired device: delivered (its acknowledgement came\n"
    "back), left at the relay, or still to send. Asks nothing of the relay.": (
        "Wanneer de relay voor het laatst bereikt is, en per gekoppeld apparaat: afgeleverd (de "
        "bevestiging\nkwam terug), bij de relay achtergelaten, of nog te versturen. Vraagt niets "
        "aan de relay."
    ),
    (
        "Serve the app in a browser: every tab asks for the passphrase and opens its own session.\n"
        "\n"
        "Listens on this machine only (127.0.0.1) unless told otherwise. A browser session may read every\n"
        "screen and do the everyday steps; pairing, the relay, bundles, file exports, erasure and device\n"
        "settings are refused (docs/web.md). Background sync is not started per tab: run 'veld serve'\n"
        "once on the node. Ctrl+C stops the server and every tab's process."
    ): (
        "Toon de app in een browser: elke tab vraagt het wachtwoord en opent een eigen sessie.\n"
        "\n"
        "Luistert alleen op deze machine (127.0.0.1), tenzij anders opgegeven. Een browsersessie mag elk\n"
        "scherm inzien en de dagelijkse stappen doen; koppelen, de relay, bundels, exports naar bestanden,\n"
        "wissen en apparaatinstellingen worden geweigerd (docs/web.md). Er start geen achtergrondsync per\n"
        "tab: draai 'veld serve' eenmaal op het knooppunt. Ctrl+C stopt de server en het proces van elke tab."
    ),
    "Port to listen on.": "Poort om op te luisteren.",
    "Allow an address other machines can reach (such as 0.0.0.0); says what that exposes.": (
        "Sta een adres toe dat andere machines kunnen bereiken (zoals 0.0.0.0); zegt wat dan open ligt."
    ),
    "Found or retire this profile's node (admin).": (
        "Richt het knooppunt van dit profiel op of hef het op (beheerder)."
    ),
    "The new node's id, e.g. zwolle (this profile's node).": (
        "De code van het nieuwe knooppunt, bijvoorbeeld zwolle (het knooppunt van dit profiel)."
    ),
    "The node's name as people know it.": "De naam van het knooppunt zoals mensen het kennen.",
    "Its PC4 areas, e.g. '8011-8017, 8021'.": "De postcodegebieden (PC4), bijvoorbeeld '8011-8017, 8021'.",
    "A site as 'name; postcode; address' (repeat for more sites).": (
        "Een locatie als 'naam; postcode; adres' (herhaal voor meer locaties)."
    ),
    "What the node is for, in a few words.": "Waar het knooppunt voor is, in een paar woorden.",
    "A kind of bed its sites offer, e.g. GRZ (repeat; each starts as not yet reported).": (
        "Een soort bed die de locaties bieden, bijvoorbeeld GRZ (herhaal; elk begint als nog niet gemeld)."
    ),
    "Found this admin profile's new node: its name, PC4 areas and sites, signed by this device.\n"
    "\n"
    "Make the profile first with veld init --node ID --role admin. The other nodes learn of it at\n"
    "their next sync with a node that paired this device.": (
        "Richt het nieuwe knooppunt van dit beheerdersprofiel op: naam, postcodegebieden en locaties,\n"
        "ondertekend door dit apparaat.\n"
        "\n"
        "Maak eerst het profiel met veld init --node CODE --role admin. De andere knooppunten horen\n"
        "ervan bij hun volgende sync met een knooppunt dat dit apparaat gekoppeld heeft."
    ),
    "Retire this profile's node: no more referrals to it and its beds stop counting (signed).": (
        "Hef het knooppunt van dit profiel op: geen aanvragen meer erheen en de bedden tellen niet meer "
        "mee (ondertekend)."
    ),
    "Every node this device knows: the Twente demo nodes and those founded by their admins.": (
        "Elk knooppunt dat dit apparaat kent: de Twentse demoknooppunten en de knooppunten die hun "
        "beheerder oprichtte."
    ),
}
