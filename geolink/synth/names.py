"""Word lists for synthetic towns: street, place, building and person names.

Kept as plain data so that the generator stays deterministic (tuples, never sets).
"""

STREET_STEMS: tuple[str, ...] = (
    "ACACIA", "ALBERT", "ALEXANDRA", "ASH", "BEECH", "BIRCH", "BLACKBERRY", "BRAMBLE",
    "BRIDGE", "BROOK", "CASTLE", "CEDAR", "CHAPEL", "CHARLES", "CHERRY", "CHESTNUT",
    "CHURCH", "CLARENCE", "COLLEGE", "CORONATION", "CORNMILL", "CROWN", "DALE", "ELM",
    "FERN", "FIELD", "FOREST", "FORE", "GEORGE", "GLEBE", "GREEN", "GREENBANK", "GROVE",
    "HAWTHORN", "HAZEL", "HEATHER", "HIGHFIELD", "HILL", "HOLLY", "JUBILEE", "KING",
    "KINGS", "LARK", "LAUREL", "LIME", "LOWER", "MANOR", "MAPLE", "MARKET", "MEADOW",
    "MILL", "MOUNT", "NEW", "NORTH", "OAK", "ORCHARD", "PARK", "PINE", "POPLAR", "PRIORY",
    "QUEEN", "QUEENS", "RECTORY", "ROUNDHILL", "ROUNDTABLE", "ROSE", "ST MARYS", "ST JOHNS",
    "ST DAVIDS", "ST PETERS", "ST ANNES", "SCHOOL", "SILVER", "SOUTH", "SPRINGFIELD",
    "STATION", "SYCAMORE", "TOR", "UNION", "UPPER", "VICARAGE", "VICTORIA", "WATER", "WELL",
    "WEST", "WESTFIELD", "WILLOW", "WINDSOR", "YORK", "COWICK", "OKEHAMPTON", "HEAVITREE",
    "CROSS", "LONG", "BROAD", "RIDGEWAY", "SUMMER", "WINTER", "SUNNY", "FAIR", "BLENHEIM",
    "MARLBOROUGH", "WELLINGTON", "NELSON", "TRAFALGAR", "WATERLOO", "BATH", "OTTER",
    "CLYST", "BARLEY", "BURNT", "CHALK", "DOWN", "FOXHOLE", "GORSE", "HARBOUR", "IVY",
    "JASMINE", "KESTREL", "LAVENDER", "MAGDALEN", "NORMAN", "OLD MILL", "PENNY", "QUARRY",
    "RAILWAY", "SANDY", "THORN", "TOWER", "VALLEY", "WHEATSHEAF", "WOODLAND", "ABBEY",
    "BELMONT", "CAVENDISH", "DEVONSHIRE", "EDGEWARE", "GRANGE", "HAMILTON", "LANSDOWNE",
    "MONTPELLIER", "PRINCE", "REGENT", "SALISBURY", "TEMPLE", "WARWICK", "BEACON", "CLIFF",
    "MARINE", "PIER", "SPRING", "CANAL", "FOUNTAIN", "BELL", "SWAN", "FALCON", "HERON",
)

# Street types with weights (sum need not be 1; normalised by the generator).
STREET_TYPES: tuple[tuple[str, float], ...] = (
    ("ROAD", 25), ("STREET", 12), ("LANE", 10), ("AVENUE", 7), ("CLOSE", 10), ("DRIVE", 6),
    ("GARDENS", 4), ("CRESCENT", 4), ("WAY", 5), ("PLACE", 3), ("TERRACE", 4), ("GROVE", 3),
    ("COURT", 2), ("HILL", 2), ("PARK", 1), ("SQUARE", 1), ("VIEW", 1),
)

# Names used whole (no street type): Welsh street names and a few oddities.
WHOLE_STREET_NAMES: tuple[str, ...] = (
    "HEOL Y NANT", "HEOL FACH", "FFORDD LAS", "STRYD FAWR", "HEOL YR EGLWYS", "LON ISAF",
    "BRYN TEG", "TAI CWM", "THE STRAND", "THE CRESCENT", "THE GREEN", "THE PARADE",
    "THE BROADWAY", "THE MEWS", "HIGH STREET", "FORE STREET",
)

# Names that recur in many localities of one borough, as in real gazetteers.
COMMON_STREET_NAMES: tuple[str, ...] = (
    "HIGH STREET", "CHURCH ROAD", "STATION ROAD", "MILL LANE", "CHURCH STREET",
    "SCHOOL LANE", "THE GREEN", "MAIN ROAD",
)

PLACE_PREFIXES: tuple[str, ...] = (
    "ASH", "BAR", "BRAD", "BROOK", "CALD", "CHUD", "CLAY", "COT", "CRANS", "DART", "DUN",
    "EX", "FEN", "HAL", "HEAV", "IDE", "KINGS", "LANG", "MAR", "MONK", "NEW", "PIN", "RAD",
    "SHIL", "SILVER", "STOKE", "TOPS", "WEY", "WHIP", "WOOD",
)
PLACE_SUFFIXES: tuple[str, ...] = (
    "TON", "FORD", "HAM", "LEIGH", "WICK", "BURY", "COMBE", "STEAD", "WELL", "FIELD", "BY",
    "HOE", "MORE", "WORTH", "COTT",
)
WELSH_PLACE_PREFIXES: tuple[str, ...] = ("ABER", "CWM", "LLAN", "PEN", "TRE", "PONT")
WELSH_PLACE_SUFFIXES: tuple[str, ...] = ("DARE", "BACH", "FAWR", "COED", "NANT", "GARW")

TOWN_NAMES: tuple[str, ...] = (
    "EXBRIDGE", "MILLHAVEN", "OAKMINSTER", "BRANSCOMBE", "KINGSWEIR", "ASHBOURNE MARSH",
    "WESTCOMBE", "CALDERBY", "FENWICK", "STOKELEY",
)

WARD_SUFFIXES: tuple[str, ...] = (
    "NORTH", "SOUTH", "EAST", "WEST", "CENTRAL", "PARK", "VALE", "HILL", "VILLAGE", "RURAL",
)

HOUSE_NAMES: tuple[str, ...] = (
    "ROSE COTTAGE", "THE OLD RECTORY", "ORCHARD HOUSE", "THE LAURELS", "FERN LODGE",
    "HILLCREST", "WOODLANDS", "THE WILLOWS", "HOLLY COTTAGE", "IVY COTTAGE",
    "THE COACH HOUSE", "MEADOW VIEW", "LITTLE ORCHARD", "THE BARN", "BROOKSIDE",
    "SUNNYSIDE", "GREYSTONES", "THE OLD SCHOOL HOUSE", "MILL HOUSE", "FAIRVIEW",
    "APPLE TREE COTTAGE", "THE STABLES", "WEST LODGE", "TY NEWYDD", "BRYN GLAS", "HAWTHORNS",
)

BLOCK_SUFFIXES: tuple[str, ...] = ("COURT", "HOUSE", "LODGE", "MANSIONS", "HEIGHTS", "POINT")
ESTATE_SUFFIXES: tuple[str, ...] = ("BUSINESS PARK", "INDUSTRIAL ESTATE", "TRADING ESTATE")

# Non-residential named buildings: (name pattern, classification code).
OTHER_BUILDINGS: tuple[tuple[str, str], ...] = (
    ("{stem} METHODIST CHAPEL", "ZW99"), ("ST {saint} CHURCH", "ZW99"),
    ("{stem} PRIMARY SCHOOL", "CE01"), ("{stem} COMMUNITY CENTRE", "CC04"),
    ("THE {inn}", "CR06"), ("{stem} HEALTH CENTRE", "CM03"), ("{stem} VILLAGE HALL", "CC04"),
)
SAINTS: tuple[str, ...] = ("MARYS", "JOHNS", "PETERS", "ANDREWS", "DAVIDS", "MICHAELS")
INNS: tuple[str, ...] = ("RED LION", "WHITE HART", "KINGS ARMS", "SHIP INN", "ROYAL OAK", "PLOUGH")

FIRST_NAMES: tuple[str, ...] = (
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Muhammad", "Thomas",
    "Oscar", "William", "James", "Leo", "Alfie", "Henry", "Joshua", "Freddie", "Archie",
    "Ethan", "Isaac", "Alexander", "Joseph", "Edward", "Samuel", "Max", "Daniel", "Arthur",
    "Lucas", "Mohammed", "Logan", "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia",
    "Grace", "Mia", "Poppy", "Ella", "Lily", "Evie", "Isabella", "Sophie", "Ivy", "Freya",
    "Harper", "Willow", "Charlotte", "Jessica", "Rosie", "Daisy", "Alice", "Florence",
    "Margaret", "Patricia", "Susan", "Linda", "Barbara", "Dorothy", "Joan", "Brian", "David",
    "John", "Peter", "Michael", "Robert", "Kenneth", "Sian", "Rhys", "Dylan", "Cerys",
    "Gareth", "Bethan", "Aled", "Nia", "Priya", "Aisha", "Fatima", "Zainab", "Wiktoria",
)
SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Nowak", "Kowalski", "O'Brien", "McDonald", "Ahmed", "Rees", "Pritchard", "Llewellyn",
)

COUNTY = "WESSEXSHIRE"
