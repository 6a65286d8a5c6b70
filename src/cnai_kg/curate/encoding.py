"""Reading text files whose encoding nobody told us.

Korean Excel saves a CSV as CP949 by default, Chinese Excel as GB18030 (GBK),
"Unicode text" as UTF-16 with a byte-order mark. :func:`decode` takes:

1. the encoding named (``--encoding``), strictly;
2. else a byte-order mark (UTF-8, UTF-16, UTF-32);
3. else UTF-8, when the bytes are UTF-8;
4. else CP949 (a superset of EUC-KR) when the bytes are CP949 and read as Korean
   (at least 90% of the CJK characters are Hangul: Chinese bytes read as CP949
   give a mix of Hangul and Hanja);
5. else GB18030 when charset-normalizer
   (https://github.com/jawah/charset_normalizer) finds it the best reading;
6. else nothing: the file is refused with the best guess named, never read as
   mojibake.
"""

from __future__ import annotations

import codecs

from ..errors import DataError, UsageError

__all__ = ["decode"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GUESSES = ["cp949", "gb18030", "big5", "shift_jis", "cp1252"]


def _hangul_share(text: str) -> float:
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    hanja = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    return hangul / (hangul + hanja) if hangul + hanja else 0.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """``data`` as text, and the encoding it was read with.

    Raises
    ------
    DataError
        when the named encoding does not fit, or none can be told (one line naming
        the file and what to pass to ``--encoding``).

    Examples
    --------
    >>> decode("이름,서울".encode("cp949"), "x.csv")
    ('이름,서울', 'cp949')
    >>> decode(b"\\xef\\xbb\\xbfid", "x.csv")
    ('id', 'utf-8')
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {encoding!r} (try utf-8, cp949, gb18030)") from None
        try:
            return data.decode(encoding), codecs.lookup(encoding).name
        except UnicodeDecodeError as e:
            raise DataError(
                name,
                f"not {encoding} text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                "name the right one with --encoding",
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                break
            return text.lstrip("\ufeff"), codec.replace("-sig", "")
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    korean = _strict(data, "cp949")
    if korean is not None and _hangul_share(korean) >= 0.9:
        return korean, "cp949"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_GUESSES).best()
    guess = best.encoding if best is not None else None
    if guess == "gb18030":
        text = _strict(data, "gb18030")
        if text is not None:
            return text, "gb18030"
    hint = f"it may be {guess}; " if guess else ""
    raise DataError(
        name,
        f"not UTF-8 text and its encoding cannot be told; {hint}name it with --encoding "
        "(Korean Excel writes cp949, Chinese Excel gb18030)",
    )
