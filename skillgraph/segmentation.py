"""Job-ad text into sentences with character offsets.

Job ads are lists more than prose: line breaks and bullet marks end a unit even without a full
stop, so lines and bullet items are split first and each item is then split into sentences.
Every sentence keeps ``text == source[start:end]``.

The split inside an item is spaCy's rule-based sentencizer (a blank English pipeline with
"sentencizer" did it until spaCy cost seconds of start-up): after a token that is a sentence-final
mark (".", "!", "?" ...), the next token that is not punctuation starts a sentence. Which
characters become such tokens is decided by spaCy's English tokenizer, and the small tokenizer
below reproduces just what matters for that: whitespace chunks, prefix and suffix peeling in
spaCy's order, the "word.Next" infix, URLs kept whole, and the tokenizer exceptions that change a
boundary ("e.g.", "Dr.", "a.m.", single letters ...). Nothing here is mutable, so one Segmenter
can be shared between threads.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Bullet glyphs that separate items even inside one line ("Skills: • Python • SQL").
_INLINE_BULLETS = "•·▪◦●■►▸✓✔➢➤"
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\v\f]")
_INLINE_SPLIT = re.compile(rf"\s[{_INLINE_BULLETS}]\s|\t|\s{{2,}}[-\u2013\u2014*]\s")
# A list marker at the start of an item: bullets, dashes, "1.", "2)", "a)", "(iv)".
_LEADING_MARKER = re.compile(
    rf"\s*(?:[{_INLINE_BULLETS}*\-\u2013\u2014+>]+|\(?(?:\d{{1,2}}|[a-zA-Z]|[ivxIVX]{{1,4}})[.)])\s+"
)
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


class Segmenter:
    """Splits texts into sentences; one instance is safe to reuse across texts and threads."""

    def __init__(self, max_sentence_chars: int = 2_000) -> None:
        self.max_sentence_chars = max_sentence_chars

    def split(self, text: str) -> list[Sentence]:
        return next(iter(self.split_many([text])))

    def split_many(self, texts: Iterable[str]) -> Iterator[list[Sentence]]:
        """Sentences of each text, in order."""
        for text in texts:
            sentences: list[Sentence] = []
            for start, end in _items(text):
                bounds = [start, *_sentence_starts(text, start, end), end]
                for left, right in itertools.pairwise(bounds):
                    sentences.extend(self._bounded(text, left, right))
            yield sentences

    def _bounded(self, text: str, start: int, end: int) -> Iterator[Sentence]:
        """Trim, drop units without words, and cut overlong units at whitespace."""
        while start < end:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                return
            cut = end
            if cut - start > self.max_sentence_chars:
                limit = start + self.max_sentence_chars
                space = text.rfind(" ", start + 1, limit)
                cut = space if space > start else limit
            if _HAS_WORD.search(text, start, cut):
                yield Sentence(text[start:cut], start, cut)
            start = cut


def _items(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line or bullet item, list markers removed."""
    position = 0
    for line_end in [m.start() for m in _LINE_BREAKS.finditer(text)] + [len(text)]:
        line_start = position
        position = line_end + (2 if text.startswith("\r\n", line_end) else 1)
        piece_start = line_start
        for match in _INLINE_SPLIT.finditer(text, line_start, line_end):
            yield from _strip_marker(text, piece_start, match.start())
            piece_start = match.end()
        yield from _strip_marker(text, piece_start, line_end)


def _strip_marker(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    marker = _LEADING_MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    if _HAS_WORD.search(text, start, end):
        yield start, end


# --- The sentencizer -----------------------------------------------------------------------------

# spaCy's Sentencizer.default_punct_chars: a token that is exactly one of these ends a sentence.
_FINAL_MARKS = frozenset(
    "!.?\u0589\u061f\u06d4\u0700\u0701\u0702\u07f9\u0964\u0965\u104a\u104b\u1362\u1367\u1368"
    "\u166e\u1735\u1736\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f"
    "\u1c3b\u1c3c\u1c7e\u1c7f\u203c\u203d\u2047\u2048\u2049\u2e2e\u2e3c\ua4ff\ua60e\ua60f\ua6f3"
    "\ua6f7\ua876\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52"
    "\ufe56\ufe57\uff01\uff0e\uff1f\uff61\u3002\U00010a56\U00010a57\U00011047\U00011048\U000110be"
    "\U000110bf\U000110c0\U000110c1\U00011141\U00011142\U00011143\U000111c5\U000111c6\U000111cd"
    "\U000111de\U000111df\U00011238\U00011239\U0001123b\U0001123c\U000112a9\U0001144b\U0001144c"
    "\U000115c2\U000115c3\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce\U000115cf"
    "\U000115d0\U000115d1\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641"
    "\U00011642\U0001173c\U0001173d\U0001173e\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41"
    "\U00011c42\U00016a6e\U00016a6f\U00016af5\U00016b37\U00016b38\U00016b44\U0001bc9f\U0001da88"
)
# Where a final mark may be: the marks of the Basic Multilingual Plane, or any character beyond it
# (a class with the few marks beyond it makes every search many times slower).
_MAY_HAVE_FINAL_MARK = re.compile(
    "["
    + re.escape("".join(sorted(c for c in _FINAL_MARKS if c <= "\uffff")))
    + "\U00010000-\U0010ffff]"
)
_CHUNK = re.compile(r"\S+")


def _sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets in text[start:end] where spaCy's sentencizer starts a sentence: the first token
    that is not punctuation after a final mark ("Done. (See x)" starts at "See", as spaCy does)."""
    first = _MAY_HAVE_FINAL_MARK.search(text, start, end)
    if first is None:
        return []
    position = first.start()  # no sentence can start before the chunk of the first mark
    while position > start and not text[position - 1].isspace():
        position -= 1
    starts: list[int] = []
    after_mark = False
    previous_end = position
    for chunk in _CHUNK.finditer(text, position, end):
        chunk_start = chunk.start()
        gap = text[previous_end:chunk_start]
        if after_mark and gap and gap != " ":
            # spaCy drops one " " after a token; other whitespace is a token of its own (not
            # punctuation), so the sentence starts on it.
            starts.append(previous_end + (gap[0] == " "))
            after_mark = False
        previous_end = chunk.end()
        if not after_mark and _FINAL_MARKS.isdisjoint(chunk.group()):
            continue
        offset = chunk_start
        for token in _tokens(chunk.group()):
            if token in _FINAL_MARKS:
                after_mark = True
            elif after_mark and not _is_punct(token):
                starts.append(offset)
                after_mark = False
            offset += len(token)
    return starts


def _is_punct(token: str) -> bool:
    """spaCy's Token.is_punct: every character is Unicode punctuation (P*)."""
    return all(unicodedata.category(char)[0] == "P" for char in token)


# --- The tokenizer -------------------------------------------------------------------------------

# spaCy's English tokenizer exceptions (spacy/lang/en/tokenizer_exceptions.py and the shared
# ones) that matter here: those whose absence changed a sentence boundary in a few contexts
# ("Go. {} next", "Go {}. Next", "Go-{}. Next" ...), found once by running spaCy 3.8 on all 1,347
# of them. Most keep a "." that is no final mark ("e.g.", "Dr.", single letters); emoticons such
# as ":D" are one (non-punctuation) token; contractions ending in a letter ("Thats" = "That" +
# "s") matter because "s." is an exception too. test_segmentation.py checks them against spaCy.

# Those that spaCy splits into several tokens, written with "~" between the tokens.
_SPLIT_EXCEPTIONS = {
    entry.replace("~", ""): tuple(entry.split("~"))
    for entry in r"""
    10~a.m. 10~p.m. 11~a.m. 11~p.m. 12~a.m. 12~p.m. 1~a.m. 1~am 1~p.m. 1~pm 2~a.m. 2~p.m. 3~a.m.
    3~am 3~p.m. 3~pm 4~a.m. 4~p.m. 5~a.m. 5~p.m. 6~a.m. 6~p.m. 7~a.m. 7~p.m. 8~a.m. 8~p.m.
    9~a.m. 9~p.m. He~d He~s How~d How~s It~d I~'m~a I~d I~m I~m~a I~’m~a She~s That~d That~s
    There~d There~s These~d They~d This~d This~s Those~d We~d What~d What~s When~d When~s
    Where~d Where~s Who~d Who~s Why~d Why~s You~d he~d he~s how~d how~s it~d i~'m~a i~d i~m
    i~m~a i~’m~a she~s that~d that~s there~d there~s these~d they~d this~d this~s those~d we~d
    what~d what~s when~d when~s where~d where~s who~d who~s why~d why~s you~d °~C~. °~F~. °~K~.
    °~c~. °~f~. °~k~.
    """.split()  # noqa: RUF001, SIM905
}
_EXCEPTIONS = frozenset(_SPLIT_EXCEPTIONS) | frozenset(
    r"""
    'Cause 'Cos 'Coz 'Cuz 'S 'bout 'cause 'cos 'coz 'cuz 'd 'em 'll 'nuff 're 's (-8 (._.) (=
    (>_<) (^_^) (o: (¬_¬) (ಠ_ಠ) (╯°□°）╯︵┻━┻ ._. :-0 :-3 :-> :-D :-O :-P :-X :-o :-p :-x :-| :0
    :1 :3 :> :D :O :P :X :o :o) :p :x :| ;-D ;D <.< =( =) =/ =3 =D =[ =] =| >.< >.> >:( >:o
    ><(((*> Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. Colo. Conn. Corp. Dec. Del. Dr.
    E.g. Feb. Fla. Ga. Gen. Gov. I.e. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. Jun. Kan. Kans. Ky.
    La. Ltd. Mar. Mass. Md. Messrs. Mich. Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. Neb. Nebr. Nev.
    Nov. Oct. Okla. Ore. Pa. Ph.D. Prof. Rep. Rev. Sen. Sep. Sept. St. Tenn. Va. Wash. Wis. [=
    ]= ^_^ a. a.m. b. c. co. d. e. e.g. em f. g. h. i. i.e. j. k. l. ll m. n. nuff o. o.O p.
    p.m. q. r. s. t. u. v. v.s. vs. w. w/o x. y. z. ä. ö. ü. ಠ_ಠ ಠ︵ಠ ‘S ‘s ’Cause ’Cos ’Coz ’Cuz
    ’S ’bout ’cause ’cos ’coz ’cuz ’d ’em ’ll ’nuff ’re ’s
    """.split()  # noqa: RUF001, SIM905
)
_LONGEST_EXCEPTION = 11  # tokens that an exception may be split into

# spaCy's LIST_PUNCT, LIST_QUOTES and LIST_CURRENCY (single characters).
_PUNCT = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"  # noqa: RUF001
_QUOTES = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"  # noqa: RUF001
_CURRENCY = "$£€¥฿₽﷼₴₠₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₵₶₷₸₹₺₻₼₾₿"
_PREFIX_CHARS = frozenset("§%=—–" + _PUNCT + _QUOTES + _CURRENCY)  # noqa: RUF001
_SUFFIX_CHARS = frozenset("—–" + _PUNCT + _QUOTES)  # noqa: RUF001
# What may stand before a "." that is split off a word's end (besides lower-case letters and
# digits): spaCy's character class, literal "|", "(", "?" and ":" included.
_BEFORE_SPLIT_DOT = frozenset("%²-+|(?:" + _PUNCT + _QUOTES)
# spaCy's English infixes, in its order ([^\W\d_] is a letter). re has no Unicode categories or
# case classes, so icons and "." match wider here and _is_infix narrows them.
_INFIX = re.compile(
    r"\.\.+|…"
    r"|(?P<icon>[^\x00-\x7f\w\s…–—])"  # noqa: RUF001
    r"|(?<=[0-9])[+\-*^](?=[0-9-])"
    r"|(?P<dot>\.)"
    r"|(?<=[^\W\d_]),(?=[^\W\d_])"
    r"|(?<=[^\W_])(?:-|–|—|--|---|——|~)(?=[^\W\d_])"  # noqa: RUF001
    r"|(?<=[^\W_])[:<>=/](?=[^\W\d_])"
)
# spaCy's URL_MATCH, less its branch for numeric IP addresses (rare in job ads): a URL or e-mail
# address is one token, so "www.LinkedIn.com" has no sentence inside.
_URL = re.compile(
    r"(?:[\w+\-.]{2,}://)?(?:(?=\S*@)\S+(?::\S*)?@)?"  # (?=...): no quadratic search without "@"
    r"(?:(?:[A-Za-z0-9\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff_-]{0,62})?[A-Za-z0-9\u00a1-\uffff]\.)+"
    r"(?P<tld>[^\W\d_]{2,63})(?::\d{2,5})?(?:[/?#]\S*)?"
)


def _tokens(chunk: str) -> list[str]:
    """spaCy's tokens of one whitespace-free chunk, as far as sentence boundaries go. As in
    spaCy's Tokenizer._split_affixes, a prefix and a suffix come off per round until nothing more
    does or what is left (or would be left) is an exception; the rest is split at infixes."""
    prefixes: list[str] = []
    suffixes: list[str] = []
    rest = chunk
    last_length = -1
    while rest and len(rest) != last_length and rest not in _EXCEPTIONS:
        last_length = len(rest)
        prefix = _prefix_length(rest)
        if prefix and rest[prefix:] in _EXCEPTIONS:
            prefixes.append(rest[:prefix])
            rest = rest[prefix:]
            break
        suffix = _suffix_length(rest[prefix:])
        if suffix and rest[:-suffix] in _EXCEPTIONS:
            suffixes.append(rest[-suffix:])
            rest = rest[:-suffix]
            break
        if prefix:
            prefixes.append(rest[:prefix])
        if suffix:
            suffixes.append(rest[-suffix:])
        rest = rest[prefix : len(rest) - suffix]
    tokens = prefixes + _infix_split(rest) + suffixes[::-1]
    return _merge_exceptions(tokens) if len(tokens) > 1 else tokens


def _merge_exceptions(tokens: list[str]) -> list[str]:
    """spaCy then applies the exceptions once more to runs of adjacent tokens, so "m/f/d." ends
    in the token "d." (no final mark) and "Go.Ph.D." in "Ph.D.". Like spaCy, the longest runs
    win, then the leftmost, and a run that touches a taken or refused one is refused."""
    runs = [
        (start, end)
        for start in range(len(tokens) - 1)
        for end in range(start + 2, min(len(tokens), start + _LONGEST_EXCEPTION) + 1)
        if (text := "".join(tokens[start:end])) in _EXCEPTIONS
        and tuple(tokens[start:end]) != _SPLIT_EXCEPTIONS.get(text)
    ]
    if not runs:
        return tokens
    runs.sort(key=lambda run: (run[0] - run[1], run[0]))
    seen: set[int] = set()
    taken = []
    for start, end in runs:
        if start not in seen and end - 1 not in seen:
            taken.append((start, end))
        seen.update(range(start, end))
    for start, end in sorted(taken, reverse=True):
        text = "".join(tokens[start:end])
        tokens[start:end] = _SPLIT_EXCEPTIONS.get(text, (text,))
    return tokens


def _prefix_length(text: str) -> int:
    """Length of spaCy's prefix match at the start of text (0 if none)."""
    char = text[0]
    if char == "." and text.startswith(".."):
        return len(text) - len(text.lstrip("."))
    if char == "+":  # "+" is a prefix except before a digit ("+49 ...")
        return 0 if _is_digit(text[1:2]) else 1
    if char in _PREFIX_CHARS or unicodedata.category(char) == "So":
        return 1
    for currency in ("US$", "C$", "A$"):
        if text.startswith(currency):
            return len(currency)
    return 0


def _suffix_length(text: str) -> int:
    """Length of spaCy's suffix match at the end of text (0 if none); the one that starts first
    wins, as with re.search on alternatives anchored at the end."""
    if not text:
        return 0
    if len(text) > 1 and text[-1] == "." and text[-2] == ".":
        return len(text) - len(text.rstrip("."))  # "..." is one token, not a final mark
    if text.endswith(("……", "'s", "'S", "’s", "’S")):  # noqa: RUF001
        return 2
    char = text[-1]
    before = text[-2] if len(text) > 1 else ""
    if char == ".":
        # "word." and "ABC." lose the "."; "U.S." and "A." keep it (spaCy's lookbehinds).
        if not before:
            return 0
        if _is_digit(before) or before in _BEFORE_SPLIT_DOT or _is_lower(before):
            return 1
        if len(text) > 2 and _is_upper(before) and _is_upper(text[-3]):
            return 1
        return 1 if text[-3:-2] == "°" and before in "FfCcKk" else 0
    if char in _SUFFIX_CHARS or unicodedata.category(char) == "So":
        return 1
    if char in "+mgt" or char in _CURRENCY:
        # "5+", "50$" and units after a digit; of the units only "m", "g" and "t" matter, as they
        # and a "." make an exception ("2.5m." is "2.5", "m.", no final mark).
        return 1 if _is_digit(before) else 0
    return 0


def _infix_split(text: str) -> list[str]:
    """Split at spaCy's infixes ("..." anywhere, "-", "/", ":" between letters, "." between a
    lower-case and an upper-case letter as in "experience.Apply"), unless the whole text is an
    exception or a URL. An infix at the very start is no split, as in spaCy."""
    if not text:
        return []
    if text in _EXCEPTIONS:
        return list(_SPLIT_EXCEPTIONS.get(text, (text,)))
    cuts = [m.span() for m in _INFIX.finditer(text) if m.start() > 0 and _is_infix(text, m)]
    if not cuts or _is_url(text):
        return [text]
    tokens: list[str] = []
    start = 0
    for cut_start, cut_end in cuts:
        if cut_start > start:
            tokens.append(text[start:cut_start])
        tokens.append(text[cut_start:cut_end])
        start = cut_end
    if start < len(text):
        tokens.append(text[start:])
    return tokens


def _is_url(text: str) -> bool:
    url = _URL.fullmatch(text)
    return url is not None and all(map(_is_lower, url["tld"]))  # spaCy: a lower-case TLD


def _is_infix(text: str, match: re.Match[str]) -> bool:
    """Checks that re cannot express: an icon is a Unicode "So" symbol, and a single "." is an
    infix only between a lower-case letter (or quote) and an upper-case letter (or quote)."""
    if match.lastgroup == "icon":
        return unicodedata.category(match.group()) == "So"
    if match.lastgroup != "dot":
        return True
    before, after = text[match.start() - 1], text[match.end() : match.end() + 1]
    return (_is_lower(before) or before in _QUOTES) and (
        after in _QUOTES or (after != "" and _is_upper(after))
    )


def _is_lower(char: str) -> bool:
    """spaCy's ALPHA_LOWER: lower-case letters and letters of scripts without case."""
    return char.isalpha() and not char.isupper()


def _is_upper(char: str) -> bool:
    """spaCy's ALPHA_UPPER: upper-case letters and letters of scripts without case."""
    return char.isalpha() and not char.islower()


def _is_digit(char: str) -> bool:
    """spaCy's [0-9]: ASCII digits only."""
    return "0" <= char <= "9" and len(char) == 1
