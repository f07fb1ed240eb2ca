"""Word tables for UK addresses, kept as data so the rules in the parser read apart from them.

Every table holds normalised (upper-case ASCII) words. Expansions map one source token to the
tokens that replace it; no expansion produces a token that is itself expanded differently, which
is what keeps `normalise_text` idempotent (a test checks it).
"""

from types import MappingProxyType

# --- street types ------------------------------------------------------------------------------

#: Full street-type words: a street name usually ends with one ("MILL LANE", "THE AVENUE").
STREET_TYPES = frozenset(
    """
    ROAD STREET LANE AVENUE CLOSE CRESCENT DRIVE GARDENS GROVE PLACE SQUARE TERRACE WAY WALK
    PARK HILL VIEW RISE ROW MEWS COURT GREEN PARADE VALE APPROACH BOULEVARD CIRCUS CHASE
    CAUSEWAY ESPLANADE EMBANKMENT ESTATE GATE GLADE HEIGHTS MEAD MEADOW MEADOWS ORCHARD PASSAGE
    PATH PROMENADE QUAY RIDGE WHARF YARD BROADWAY BANK BROW COPSE DENE DALE FOLD HOLLOW LINK
    MALL NOOK PADDOCK PARKWAY PRECINCT SPUR STEPS WYND BYPASS HIGHWAY FIELDS CROFT GARTH
    """.split()
)

#: Street types that never end a town's name: a name after the street ending in one is a
#: dependent street, not the town ("14 ALBION COURT, MILL LANE").
STRONG_STREET_TYPES = frozenset(
    "ROAD STREET LANE AVENUE CLOSE CRESCENT DRIVE WAY TERRACE GARDENS GROVE PLACE SQUARE MEWS WALK".split()
)

#: Abbreviations of street types (RD -> ROAD). "ST" is not here: see SAINT_NAMES and the ST rule.
STREET_ABBREVIATIONS = MappingProxyType(
    {
        "RD": "ROAD",
        "STR": "STREET",
        "AVE": "AVENUE",
        "AV": "AVENUE",
        "AVEN": "AVENUE",
        "CL": "CLOSE",
        "CLO": "CLOSE",
        "CRES": "CRESCENT",
        "CRESC": "CRESCENT",
        "CRS": "CRESCENT",
        "GDNS": "GARDENS",
        "GDN": "GARDENS",
        "CT": "COURT",
        "CRT": "COURT",
        "DR": "DRIVE",
        "DRV": "DRIVE",
        "LN": "LANE",
        "PL": "PLACE",
        "SQ": "SQUARE",
        "TCE": "TERRACE",
        "TER": "TERRACE",
        "TERR": "TERRACE",
        "GR": "GROVE",
        "GRV": "GROVE",
        "GRO": "GROVE",
        "PK": "PARK",
        "WY": "WAY",
        "WLK": "WALK",
        "PDE": "PARADE",
        "GRN": "GREEN",
        "HL": "HILL",
        "MWS": "MEWS",
        "VW": "VIEW",
        "APPR": "APPROACH",
        "BLVD": "BOULEVARD",
        "BVD": "BOULEVARD",
        "ESP": "ESPLANADE",
        "PROM": "PROMENADE",
        "YD": "YARD",
        "WHF": "WHARF",
        "PKWY": "PARKWAY",
    }
)

#: Pairs that extend a street name past its type word ("MILL LANE INDUSTRIAL ESTATE").
COMPOUND_SUFFIXES = frozenset(
    {
        ("INDUSTRIAL", "ESTATE"),
        ("TRADING", "ESTATE"),
        ("INDUSTRIAL", "PARK"),
        ("BUSINESS", "PARK"),
        ("RETAIL", "PARK"),
        ("ENTERPRISE", "PARK"),
        ("TRADING", "PARK"),
        ("BUSINESS", "CENTRE"),
        ("SHOPPING", "CENTRE"),
    }
)

#: Words that may follow a street type and still belong to the street ("PARK ROAD NORTH").
DIRECTIONS = frozenset({"NORTH", "SOUTH", "EAST", "WEST", "UPPER", "LOWER"})

# --- buildings ---------------------------------------------------------------------------------

#: Words that end a building name ("ROSE COTTAGE", "ALBION COURT", "THE OLD RECTORY").
BUILDING_WORDS = frozenset(
    """
    HOUSE COTTAGE COTTAGES FARM FARMHOUSE LODGE BARN BARNS HALL BUNGALOW VILLA MANSIONS
    APARTMENTS FLATS BUILDINGS BUILDING TOWER TOWERS CHAMBERS WORKS RECTORY VICARAGE MANSE
    CHAPEL SCHOOL SURGERY HOTEL INN ARMS STABLES GATEHOUSE CENTRE CLUB OFFICES STORES HOSPITAL
    LIBRARY STATION COLLEGE ACADEMY NURSERY PAVILION HOSTEL HOME COURT GRANGE POINT
    """.split()
)

#: Other abbreviations expanded everywhere.
OTHER_ABBREVIATIONS = MappingProxyType(
    {
        "HSE": "HOUSE",
        "BLDGS": "BUILDINGS",
        "BLDG": "BUILDING",
        "MT": "MOUNT",
        "NTH": "NORTH",
        "STH": "SOUTH",
        "UPR": "UPPER",
        "LWR": "LOWER",
        "GT": "GREAT",
        "LTL": "LITTLE",
        "EST": "ESTATE",
        "IND": "INDUSTRIAL",
        "CTR": "CENTRE",
        "CNTR": "CENTRE",
        "COTT": "COTTAGE",
        "CTGE": "COTTAGE",
        "COTTS": "COTTAGES",
        "FM": "FARM",
        "MNR": "MANOR",
        "TWR": "TOWER",
        "MKT": "MARKET",
        "APTS": "APARTMENTS",
        "STN": "STATION",
        "HOSP": "HOSPITAL",
        "MANS": "MANSIONS",
        "LDG": "LODGE",
        "HTS": "HEIGHTS",
    }
)

# --- sub-units (SAO) ---------------------------------------------------------------------------

#: Sub-unit words, with the singular form that `sao_text` carries.
UNIT_WORDS = MappingProxyType(
    {
        "FLAT": "FLAT",
        "FLATS": "FLAT",
        "APARTMENT": "APARTMENT",
        "UNIT": "UNIT",
        "UNITS": "UNIT",
        "ROOM": "ROOM",
        "STUDIO": "STUDIO",
        "MAISONETTE": "MAISONETTE",
        "SUITE": "SUITE",
        "BLOCK": "BLOCK",
    }
)

#: Sub-unit words that can follow a floor ("FIRST FLOOR FLAT", "BASEMENT MAISONETTE").
DWELLING_WORDS = frozenset({"FLAT", "FLATS", "APARTMENT", "MAISONETTE", "STUDIO", "ROOM"})

UNIT_ABBREVIATIONS = MappingProxyType(
    {
        "FLT": "FLAT",
        "APT": "APARTMENT",
        "APMT": "APARTMENT",
        "APPT": "APARTMENT",
        "RM": "ROOM",
        "MAIS": "MAISONETTE",
        "BLK": "BLOCK",
    }
)

#: Words naming a floor, used before FLOOR ("GROUND FLOOR") or before a dwelling word.
FLOOR_LEVELS = frozenset(
    """
    GROUND FIRST SECOND THIRD FOURTH FIFTH SIXTH SEVENTH EIGHTH NINTH TENTH TOP UPPER LOWER
    MIDDLE BASEMENT MEZZANINE
    """.split()
)

#: Position words that only make a sub-unit before a dwelling word ("REAR FLAT", "GARDEN FLAT").
FLAT_POSITIONS = frozenset({"REAR", "FRONT", "GARDEN", "SIDE"})

FLOOR_ABBREVIATIONS = MappingProxyType(
    {
        "GF": ("GROUND", "FLOOR"),
        "GFF": ("GROUND", "FLOOR", "FLAT"),
        "FFF": ("FIRST", "FLOOR", "FLAT"),
        "SFF": ("SECOND", "FLOOR", "FLAT"),
        "TFF": ("TOP", "FLOOR", "FLAT"),
        "LGF": ("LOWER", "GROUND", "FLOOR"),
        "BSMT": ("BASEMENT",),
        "FLR": ("FLOOR",),
        "GRND": ("GROUND",),
        "GRD": ("GROUND",),
        "G/F": ("GROUND", "FLOOR"),
        "F/F": ("FIRST", "FLOOR"),
        "S/F": ("SECOND", "FLOOR"),
        "T/F": ("TOP", "FLOOR"),
        "GND": ("GROUND",),
    }
)

#: Ordinals are written as words, the form gazetteers use ("FIRST FLOOR", "SECOND AVENUE").
ORDINALS = MappingProxyType(
    {
        "1ST": "FIRST",
        "2ND": "SECOND",
        "3RD": "THIRD",
        "4TH": "FOURTH",
        "5TH": "FIFTH",
        "6TH": "SIXTH",
        "7TH": "SEVENTH",
        "8TH": "EIGHTH",
        "9TH": "NINTH",
        "10TH": "TENTH",
        "11TH": "ELEVENTH",
        "12TH": "TWELFTH",
        "13TH": "THIRTEENTH",
        "14TH": "FOURTEENTH",
        "15TH": "FIFTEENTH",
        "16TH": "SIXTEENTH",
        "17TH": "SEVENTEENTH",
        "18TH": "EIGHTEENTH",
        "19TH": "NINETEENTH",
        "20TH": "TWENTIETH",
    }
)

# --- descriptors and noise ---------------------------------------------------------------------

#: Descriptor phrases (kept apart from the address elements), with their canonical form.
DESCRIPTORS = MappingProxyType(
    {
        ("LAND", "TO", "THE", "REAR", "OF"): "LAND TO THE REAR OF",
        ("LAND", "TO", "REAR", "OF"): "LAND TO THE REAR OF",
        ("LAND", "REAR", "OF"): "LAND TO THE REAR OF",
        ("LAND", "ADJACENT", "TO"): "LAND ADJACENT TO",
        ("LAND", "ADJACENT"): "LAND ADJACENT TO",
        ("LAND", "AT"): "LAND AT",
        ("LAND", "OFF"): "LAND OFF",
        ("LAND", "OPPOSITE"): "LAND OPPOSITE",
        ("REAR", "OF"): "REAR OF",
        ("ADJACENT", "TO"): "ADJACENT TO",
        ("ADJACENT",): "ADJACENT TO",
        ("SITE", "OF"): "SITE OF",
        ("OUTSIDE",): "OUTSIDE",
        ("OPPOSITE",): "OPPOSITE",
        ("NEAR",): "NEAR",
        ("JUNCTION", "WITH"): "JUNCTION WITH",
        ("JUNCTION", "OF"): "JUNCTION WITH",
        ("CORNER", "OF"): "CORNER OF",
    }
)

#: Descriptors after which a second street is named ("MILL LANE JUNCTION WITH CHURCH ROAD").
JUNCTION_DESCRIPTORS = frozenset({"JUNCTION WITH", "CORNER OF"})

#: "REAR 14 MILL LANE": REAR alone is a descriptor only in front of a house number.
REAR_ALONE = "REAR OF"

DESCRIPTOR_ABBREVIATIONS = MappingProxyType(
    {
        "O/S": ("OUTSIDE",),
        "O/SIDE": ("OUTSIDE",),
        "OPP": ("OPPOSITE",),
        "NR": ("NEAR",),
        "J/W": ("JUNCTION", "WITH"),
        "R/O": ("REAR", "OF"),
        "ADJ": ("ADJACENT",),
        "JCT": ("JUNCTION",),
        "JCN": ("JUNCTION",),
        "JUNC": ("JUNCTION",),
    }
)

#: "Care of": the token, and the person's name after it, are dropped.
CARE_OF = "C/O"

#: Tokens written with a slash that stay one token (others are split at the slash).
SLASH_WORDS = frozenset({CARE_OF, *(k for k in (*DESCRIPTOR_ABBREVIATIONS, *FLOOR_ABBREVIATIONS) if "/" in k)})

#: Countries and counties, dropped at the end of an address: no gazetteer address holds them.
TRAILING_NOISE = frozenset(
    tuple(phrase.split())
    for phrase in """
    UK|U K|GB|GREAT BRITAIN|UNITED KINGDOM|ENGLAND|WALES|CYMRU|SCOTLAND|NORTHERN IRELAND|
    BEDFORDSHIRE|BEDS|BERKSHIRE|BERKS|BUCKINGHAMSHIRE|BUCKS|CAMBRIDGESHIRE|CAMBS|CHESHIRE|
    CORNWALL|CUMBRIA|DERBYSHIRE|DEVON|DORSET|COUNTY DURHAM|CO DURHAM|ESSEX|GLOUCESTERSHIRE|GLOS|
    HAMPSHIRE|HANTS|HEREFORDSHIRE|HERTFORDSHIRE|HERTS|KENT|LANCASHIRE|LANCS|LEICESTERSHIRE|LEICS|
    LINCOLNSHIRE|LINCS|MERSEYSIDE|MIDDLESEX|NORFOLK|NORTHAMPTONSHIRE|NORTHANTS|NORTHUMBERLAND|
    NOTTINGHAMSHIRE|NOTTS|OXFORDSHIRE|OXON|RUTLAND|SHROPSHIRE|SALOP|SOMERSET|STAFFORDSHIRE|STAFFS|
    SUFFOLK|SURREY|EAST SUSSEX|WEST SUSSEX|SUSSEX|WARWICKSHIRE|WILTSHIRE|WILTS|WORCESTERSHIRE|
    WORCS|NORTH YORKSHIRE|SOUTH YORKSHIRE|WEST YORKSHIRE|EAST YORKSHIRE|YORKSHIRE|
    GREATER MANCHESTER|GREATER LONDON|WEST MIDLANDS|TYNE AND WEAR|ISLE OF WIGHT|
    GWENT|MID GLAMORGAN|SOUTH GLAMORGAN|WEST GLAMORGAN|GLAMORGAN|DYFED|POWYS|GWYNEDD|CLWYD|
    MONMOUTHSHIRE|PEMBROKESHIRE|CARMARTHENSHIRE|CEREDIGION|DENBIGHSHIRE|FLINTSHIRE
    """.replace("\n", "").split("|")
)

#: Words addressed to a person, not a place ("ATTN OCCUPIER", "THE OCCUPIERS"): dropped.
ADDRESSEE_WORDS = frozenset({"ATTN", "FAO", "OCCUPIER", "OCCUPIERS"})

#: Dropped in front of a house number: "NO 14", "NUMBER 14".
NUMBER_WORDS = frozenset({"NO", "NUMBER"})

# --- saints ------------------------------------------------------------------------------------

#: Names that follow ST when it means SAINT ("ST MARYS ROAD", "ST IVES").
SAINT_NAMES = frozenset(
    """
    MARY MARYS JOHN JOHNS PETER PETERS PAUL PAULS ANDREW ANDREWS GEORGE GEORGES JAMES JAMESS
    MICHAEL MICHAELS DAVID DAVIDS ALBAN ALBANS IVES HELEN HELENS HELIER LEONARD LEONARDS
    MARGARET MARGARETS ANNE ANNES ANN ANNS AUSTELL NEOT NEOTS EDMUND EDMUNDS LUKE LUKES MARK MARKS
    MATTHEW MATTHEWS THOMAS THOMASS STEPHEN STEPHENS BRIDE BRIDES BOTOLPH BOTOLPHS CUTHBERT
    CUTHBERTS AIDAN AIDANS NICHOLAS NICHOLASS GILES BARNABAS BARTHOLOMEW BARTHOLOMEWS DUNSTAN
    DUNSTANS OSWALD OSWALDS WINIFRED WINIFREDS TEILO FAGANS ASAPH DOGMAELS MELLONS CATHERINE
    CATHERINES KATHERINE KATHERINES CLEMENT CLEMENTS LAWRENCE LAWRENCES BENEDICT BENEDICTS
    AUGUSTINE AUGUSTINES CHAD CHADS WILFRID WILFRIDS HILDA HILDAS AGNES AGNESS PATRICK PATRICKS
    SWITHIN SWITHUNS SWITHINS CHRISTOPHER CHRISTOPHERS FRANCIS VINCENT VINCENTS MARTIN MARTINS
    SIMON SIMONS JUDE JUDES PIRAN PIRANS BEES BLAZEY COLUMB DAY JUST MAWES AUBYN HILARY
    CLEARS BRIAVELS ATHAN ARVANS BRELADES OLAVES PANCRAS KATHARINES ALDATES EBBES OSYTH
    """.split()
)

#: A token before ST that makes it SAINT even when the next word is not a known saint.
SAINT_BEFORE = frozenset(
    {"OF", "AND", "AT", "TO", "WITH", "ROAD", "STREET", "LANE", "AVENUE", "DRIVE", "CLOSE"}
    | {"CRESCENT", "WAY", "OUTSIDE", "NEAR", "OPPOSITE"}
    | (BUILDING_WORDS - STREET_TYPES)
    | set(UNIT_WORDS)
    | {"FLOOR"}
)

# --- Welsh -------------------------------------------------------------------------------------

#: Welsh words that start a street name ("HEOL Y NANT", "CLOS YR YSGOL"); never translated.
WELSH_STREET_PREFIXES = frozenset({"HEOL", "FFORDD", "STRYD", "LON", "RHODFA", "CLOS", "CILGANT", "TERAS"})

#: Welsh words that mark a name as a street name when it starts with one ("BRYN AWEL").
WELSH_STREET_WORDS = WELSH_STREET_PREFIXES | {"TAI", "PEN", "CWM", "BRYN", "Y", "YR", "MAES", "PARC", "LLYS", "GLAN"}

#: Welsh articles, part of the street name after a prefix ("HEOL Y NANT").
WELSH_ARTICLES = frozenset({"Y", "YR", "R"})

# --- one table for the normaliser --------------------------------------------------------------

#: Every token expansion, as tuples of replacement tokens.
EXPANSIONS = MappingProxyType(
    {
        **{k: (v,) for k, v in STREET_ABBREVIATIONS.items()},
        **{k: (v,) for k, v in OTHER_ABBREVIATIONS.items()},
        **{k: (v,) for k, v in UNIT_ABBREVIATIONS.items()},
        **{k: (v,) for k, v in ORDINALS.items()},
        **FLOOR_ABBREVIATIONS,
        **DESCRIPTOR_ABBREVIATIONS,
    }
)
