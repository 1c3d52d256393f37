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


# Characters that show nothing: a "reason" made only of them is no reason.
_INVISIBLE = "".join(chr(c) for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD))


def nfc(text: str) -> str:
    """Vietnamese typed on different keyboards arrives composed or decomposed; store NFC, with
    the invisible characters at either end dropped along with the spaces."""
    text = unicodedata.normalize("NFC", text or "")
    while (trimmed := text.strip().strip(_INVISIBLE)) != text:
        text = trimmed
    return text


# What a search box takes: a unit's name is a handful of words, and every word is one more
# condition of the query (a thousand of them overflow SQLite's expression tree and take
# PostgreSQL seconds), so a pasted paragraph is cut down to its start.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 8


def search_text(text: str) -> str:
    """What someone typed in a search box, cut to SEARCH_MAX_CHARS, spaces collapsed."""
    return " ".join((text or "")[:SEARCH_MAX_CHARS].split())


def search_words(text: str) -> list[str]:
    """The words to look for: folded, each once, at most SEARCH_MAX_WORDS of them."""
    return list(dict.fromkeys(fold(search_text(text)).split()))[:SEARCH_MAX_WORDS]
