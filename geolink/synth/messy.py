"""How council systems mangle addresses: pure functions from a true address to messy text.

Every function takes the parts of a gazetteer address and a `random.Random`, and
returns text as a source system might hold it: abbreviations, typos, flats written
many ways, ranges, missing or wrong postcodes, noise words, any letter case.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

STREET_ABBREVIATIONS = {
    "ROAD": ("RD", "RD."), "STREET": ("ST", "ST."), "AVENUE": ("AVE", "AV"), "CLOSE": ("CL",),
    "CRESCENT": ("CRES", "CRESC"), "GARDENS": ("GDNS", "GDN"), "COURT": ("CT",),
    "DRIVE": ("DR",), "LANE": ("LN",), "PLACE": ("PL",), "TERRACE": ("TCE", "TERR"),
    "GROVE": ("GR", "GRV"), "SQUARE": ("SQ",), "HOUSE": ("HSE",), "PARK": ("PK",),
    "HEIGHTS": ("HTS",), "MANSIONS": ("MANS",), "LODGE": ("LDG",),
}
FLOOR_VARIANTS = {
    "GROUND FLOOR FLAT": ("GROUND FLOOR FLAT", "GFF", "GRD FLR FLAT", "GROUND FLOOR", "G/F FLAT"),
    "FIRST FLOOR FLAT": ("FIRST FLOOR FLAT", "1ST FLOOR FLAT", "FFF", "FIRST FLOOR", "1ST FLR FLAT"),
    "SECOND FLOOR FLAT": ("SECOND FLOOR FLAT", "2ND FLOOR FLAT", "SFF", "2ND FLR FLAT"),
    "THIRD FLOOR FLAT": ("THIRD FLOOR FLAT", "3RD FLOOR FLAT", "TOP FLOOR FLAT"),
    "GROUND FLOOR": ("GROUND FLOOR", "SHOP", "GROUND FLOOR SHOP"),
}
NOISE_BEFORE = ("(TENANT) ", "(OWNER) ", "ATTN OCCUPIER, ")
NOISE_AFTER = (" UK", " ENGLAND", " (NR SHOPS)", " - NO ACCESS", " WESSEXSHIRE")
# Sub-units that residents write but gazetteers do not hold, and house names they use.
SPURIOUS_UNITS = ("ROOM 3", "THE FLAT", "REAR FLAT", "ANNEXE", "FLAT 1", "BASEMENT FLAT", "ROOM 12")
UNRECORDED_NAMES = ("JUTLAND", "DEEPDENE", "TY GWYN", "THE BUNGALOW", "SUNNYBANK", "LYNDHURST",
                    "HAVEN", "BRYN HAFOD", "OAKLANDS", "RIVENDELL")
SPLITS = {"CORNMILL": "CORN MILL", "ROUNDHILL": "ROUND HILL", "ROUNDTABLE": "ROUND TABLE",
          "GREENBANK": "GREEN BANK", "WESTFIELD": "WEST FIELD", "HIGHFIELD": "HIGH FIELD",
          "SPRINGFIELD": "SPRING FIELD", "BLACKBERRY": "BLACK BERRY", "OLD MILL": "OLDMILL",
          "FOXHOLE": "FOX HOLE", "WHEATSHEAF": "WHEAT SHEAF", "WOODLAND": "WOOD LAND"}


@dataclass(frozen=True)
class AddressParts:
    """A gazetteer address broken into its BS7666 elements ('' / 0 when absent)."""

    sao_text: str
    sao_number: int
    sao_suffix: str
    pao_text: str
    pao_number: int
    pao_suffix: str
    pao_end: int
    street: str
    locality: str
    town: str
    postcode: str


def sub_unit(p: AddressParts, r: random.Random) -> tuple[str, str]:
    """The flat or unit as written, and where it goes: 'before' the number or 'after' the
    street ('dropped' when the address has a flat that the record leaves off)."""
    if not p.sao_text and not p.sao_number and not p.sao_suffix:
        return "", "before"
    if r.random() < 0.03:  # the flat is simply left off
        return "", "dropped"
    if p.sao_text in FLOOR_VARIANTS:
        return r.choice(FLOOR_VARIANTS[p.sao_text]), "before"
    ident = f"{p.sao_number or ''}{p.sao_suffix}"
    word = p.sao_text or "FLAT"
    roll = r.random()
    if p.sao_suffix and not p.sao_number and p.pao_number and roll < 0.3:
        return "", "suffix"  # FLAT A, 2 -> 2A
    if word == "FLAT" and p.pao_number and not p.pao_text and roll < 0.15:
        return ident, "slash"  # 2/14 MILL LANE
    if roll < 0.2:
        return f"{word} {ident}", "after"
    if word == "FLAT" and roll < 0.3:
        return r.choice(("FLT ", "FLAT NO ", "FLAT NO. ")) + ident, "before"
    if word == "APARTMENT" and roll < 0.5:
        return r.choice(("APT ", "FLAT ", "APPT ")) + ident, "before"
    if roll < 0.36:
        return ident, "before"  # '2, 14 MILL LANE'
    return f"{word} {ident}", "before"


def building_number(p: AddressParts, r: random.Random) -> str:
    """'14', '14A', '14 A', '12-14', '12 - 14' or just '12' for a range."""
    if not p.pao_number:
        return ""
    if p.pao_end:
        return r.choice((f"{p.pao_number}-{p.pao_end}", f"{p.pao_number} - {p.pao_end}",
                         f"{p.pao_number}", f"{p.pao_number}-{p.pao_end}"))
    if p.pao_suffix:
        return r.choice((f"{p.pao_number}{p.pao_suffix}", f"{p.pao_number} {p.pao_suffix}",
                         f"{p.pao_number}{p.pao_suffix}"))
    return str(p.pao_number)


def abbreviate(text: str, r: random.Random, rate: float = 0.45) -> str:
    """Abbreviate street-type and building words as clerks do."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if w in STREET_ABBREVIATIONS and (i > 0) and r.random() < rate:
            words[i] = r.choice(STREET_ABBREVIATIONS[w])
    out = " ".join(words)
    if out.startswith("ST ") and r.random() < 0.3:
        out = r.choice(("SAINT ", "ST. ")) + out[3:]
    return out


def typo(text: str, r: random.Random) -> str:
    """One keyboard slip: drop, double, swap or replace a letter inside a long word, or a
    space typed inside it ('OAKFI ELD')."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text
    i = r.choice(long_words)
    w = words[i]
    j = r.randrange(1, len(w) - 1)
    kind = r.randrange(5)
    if kind == 4:
        w = w[:j] + " " + w[j:]
    elif kind == 0:
        w = w[:j] + w[j + 1:]
    elif kind == 1:
        w = w[:j] + w[j] + w[j:]
    elif kind == 2:
        w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    else:
        w = w[:j] + r.choice("AEIOURSTNL") + w[j + 1:]
    words[i] = w
    return " ".join(words)


def split_or_join(text: str, r: random.Random) -> str:
    """'CORNMILL' <-> 'CORN MILL': words joined or split."""
    for joined, split in SPLITS.items():
        if joined in text:
            return text.replace(joined, split)
    return text


def postcode_kept(keyed: str, postcode: str) -> bool:
    """Whether a postcode as keyed (`messy_postcode`) still reads as the true one once
    spaces, case and the O/0 and I/1 slips are set aside."""
    def plain(text: str) -> str:
        return text.upper().replace(" ", "").replace("O", "0").replace("I", "1")
    return plain(keyed) == plain(postcode)


def messy_postcode(postcode: str, wrong: tuple[str, str], r: random.Random) -> str:
    """The postcode as keyed: right, missing, wrong (a neighbour's, or one from another
    sector such as a previous address's), unspaced, or with O/0 and I/1 slips."""
    roll = r.random()
    if roll < 0.10:
        return ""
    if roll < 0.14:
        return wrong[0]
    if roll < 0.16:
        return wrong[1]
    if roll < 0.22:
        return postcode.replace(" ", "")
    if roll < 0.25:
        out, inward = postcode.split(" ")
        inward = inward.replace("0", "O").replace("1", "I")
        out = out[:2] + out[2:].replace("0", "O").replace("1", "I")
        return f"{out} {inward}"
    if roll < 0.27:
        return postcode[:-1] + r.choice("ABDEFGHJLNPQRSTUWXYZ")  # last letter wrong
    if roll < 0.29:  # sector or district digit slipped: a postcode from elsewhere in town
        out, inward = postcode.split(" ")
        if r.random() < 0.5:
            return f"{out} {(int(inward[0]) + r.choice((1, 9))) % 10}{inward[1:]}"
        return f"{out[:-1]}{(int(out[-1]) + 1) % 10} {inward}"
    return postcode


def letter_case(text: str, r: random.Random) -> str:
    roll = r.random()
    if roll < 0.4:
        return text.upper()
    if roll < 0.8:
        return _title(text)
    if roll < 0.95:
        return text.lower()
    return "".join(c.lower() if r.random() < 0.5 else c for c in text)


def _title(text: str) -> str:
    return re.sub(r"[A-Za-z]+('[A-Za-z]+)?", lambda m: m.group(0).capitalize(), text.lower())


def messy_segments(p: AddressParts, r: random.Random, wrong_locality: str,
                   other_street: str = "") -> tuple[list[str], str]:
    """The address (postcode aside) as comma segments, with the usual slips applied, and
    what of the property they lost for good: 'flat' (left off), 'street' (a neighbouring
    street's name written instead), 'number' (no street and no house name: nothing but a
    number, lost unless the postcode is kept, see `postcode_kept`) or ''.

    Besides spelling and layout, records carry the errors that defeat naive matchers:
    a neighbouring street's name, no street at all, a sub-unit or a house name the
    gazetteer does not hold, misspelt places.
    """
    unit, where = sub_unit(p, r)
    lost = "flat" if where == "dropped" else ""
    number = building_number(p, r)
    building = abbreviate(p.pao_text, r, 0.3) if p.pao_text else ""
    if building and number and r.random() < 0.35:
        building, number = (building, "") if r.random() < 0.5 else ("", number)
    if not unit and r.random() < 0.02:
        unit, where = r.choice(SPURIOUS_UNITS), "before"
    if not building and r.random() < 0.03:
        building = r.choice(UNRECORDED_NAMES)
    street = abbreviate(p.street, r)
    roll = r.random()
    if roll < 0.005 and other_street:
        street = abbreviate(other_street, r)
        lost = lost or "street"
    elif roll < 0.02 and (number or building):
        street = ""
        lost = lost or ("" if building else "number")
    elif roll < 0.15 and building and not number:  # a named house is found by its name and place
        street = ""
    if r.random() < 0.08:
        street = typo(street, r)
    if r.random() < 0.3:
        street = split_or_join(street, r)
    if r.random() < 0.01 and " " in street:
        street = street.replace(" ", "", 1)  # words run together: WOODLANDPLACE
    elif r.random() < 0.015 and " " in street and number:
        street = street.rsplit(" ", 1)[0]  # the type left off: 1 CHURCH
    if where == "suffix" and number:
        number = f"{number}{p.sao_suffix}"
    elif where == "slash" and number:
        number = f"{unit}/{number}"
        unit = ""
    first = " ".join(x for x in (number, street) if x)
    if number and " " in street and r.random() < 0.015:  # fields run together: ARGOED 1 TERRACE
        head, tail = street.rsplit(" ", 1)
        first = f"{head} {number} {tail}"
    segments = []
    if unit and where == "before":
        segments.append(unit)
    if building:
        segments.append(building)
    if first:
        segments.append(first)
    if unit and where == "after":
        segments[-1] = f"{segments[-1]} {unit}"
    roll = r.random()
    locality = typo(p.locality, r) if p.locality and r.random() < 0.03 else p.locality
    if locality and roll < 0.6:
        segments.append(locality)
    elif roll > 0.97 and wrong_locality:
        segments.append(wrong_locality)
    if r.random() < 0.7:
        segments.append(typo(p.town, r) if r.random() < 0.03 else p.town)
    return segments, lost


def join_segments(segments: list[str], r: random.Random) -> str:
    """One line of text from segments, with the punctuation habits of different systems."""
    roll = r.random()
    sep = ", " if roll < 0.75 else (" " if roll < 0.9 else ",")
    text = sep.join(s for s in segments if s)
    if r.random() < 0.05:
        text = r.choice(NOISE_BEFORE) + text
    if r.random() < 0.05:
        text = text + r.choice(NOISE_AFTER)
    if r.random() < 0.04:
        text = text.replace(" ", "  ", 1)
    return text


def street_location(street: str, number: int, other: str, locality: str, town: str,
                    r: random.Random) -> str:
    """A street-level report location: 'outside 12 High St', 'Mill Ln j/w Church Rd'..."""
    s = abbreviate(street, r, 0.6)
    roll = r.random()
    if roll < 0.25 and number:
        text = r.choice(("OUTSIDE ", "O/S ", "O/S NO ", "OPPOSITE ")) + f"{number} {s}"
    elif roll < 0.45 and other:
        text = f"{s} " + r.choice(("J/W ", "JUNCTION WITH ", "JCT ", "/ ")) + abbreviate(other, r, 0.6)
    elif roll < 0.6:
        text = r.choice(("REAR OF SHOPS, ", "LAND AT ", "ALLEY BEHIND ", "VERGE, ")) + s
    elif roll < 0.75:
        text = f"{s} " + r.choice(("(NR BUS STOP)", "(BY POST BOX)", "- LAMP POST 7", "(NEAR PARK)"))
    else:
        text = s
    if locality and r.random() < 0.5:
        text += f", {locality}"
    if r.random() < 0.4:
        text += f", {town}"
    return letter_case(text, r)
