import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free form of Vietnamese text for searching.

    NFD splits "ạ" into "a" + combining dot; dropping the combining marks leaves plain letters.
    "đ" is a letter of its own in Unicode (it has no decomposition), so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.lower().split())


def nfc(text: str) -> str:
    """Vietnamese typed on different keyboards arrives composed or decomposed; store NFC."""
    return unicodedata.normalize("NFC", text or "").strip()
