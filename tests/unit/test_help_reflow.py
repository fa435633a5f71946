"""F1 help wraps its text to the terminal: the catalogue's source wrapping is joined, the breaks a
text means (after a sentence or a key's description, a blank line) stay."""

from veldclient.screens.help import reflowed


def test_a_source_wrap_is_joined_and_a_meant_break_stays():
    text = "De kandidaat-locaties, beste\neerst. Escape: terug.\np: nieuw; e: wijzig.\n\nNieuwe alinea"
    kept = "De kandidaat-locaties, beste eerst. Escape: terug.\np: nieuw; e: wijzig.\n\nNieuwe alinea"
    assert reflowed(text) == kept


def test_after_a_clause_or_a_list_the_line_break_stays():
    assert reflowed("eerst:\nw trekt in;\nd wijst af") == "eerst:\nw trekt in;\nd wijst af"
