"""The words a profile's name fields carry besides names, by what they suggest about who wrote them.

A reader explains a display name or username with the candidate's name parts and these words: decoration
("its", "the real", "xx"), a hobby ("gaming"), a job or business ("plumbing"), another person ("mum", "fam"),
an age ("yr" before a number), a title ("Mrs") or teaching ("maths", "class"). Anything else left over is
unexplained and said so. Given names other than the candidate's come from the nickname sources (nicknames.py)
and the registers (RegisterIndex.roles). Each list is data, not a form: a new decoration is a new word here.
"""

from __future__ import annotations

import functools

from checks.identity.nicknames import nickname_table
from checks.identity.text import squeeze

TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "sir", "prof", "rev"})
# Words and letters people put around a name for effect: "its_jess", "the_real_jsmith", "xx_jess_xx", "jess.x".
DECORATION = frozenset(
    {
        "its",
        "itz",
        "im",
        "iam",
        "i",
        "am",
        "the",
        "real",
        "official",
        "offical",
        "og",
        "x",
        "xx",
        "xxx",
        "xo",
        "xoxo",
        "o",
        "hq",
        "uk",
        "tv",
        "yt",
        "hi",
        "hey",
        "hii",
        "just",
        "only",
        "me",
        "my",
        "lil",
        "lol",
        "ok",
        "the1",
        "not",
        "also",
        "too",
        "account",
        "acc",
        "main",
        "alt",
        "priv",
        "private",
        "backup",
        "new",
        "xd",
        "aka",
    }
)
# A hobby or a channel's subject: a child's or an adult's, it says nothing against either.
HOBBY = frozenset(
    {
        "gaming",
        "gamer",
        "games",
        "game",
        "plays",
        "play",
        "playz",
        "vlogs",
        "vlog",
        "vlogger",
        "football",
        "footy",
        "fc",
        "art",
        "arts",
        "music",
        "dance",
        "dancer",
        "dancing",
        "gymnast",
        "gymnastics",
        "minecraft",
        "roblox",
        "fortnite",
        "lego",
        "slime",
        "fan",
        "fans",
        "life",
        "love",
        "lover",
        "world",
        "zone",
        "tube",
        "channel",
        "edits",
        "edit",
        "pro",
        "king",
        "queen",
        "princess",
        "boy",
        "girl",
        "kid",
        "kidz",
        "bookworm",
        "reads",
        "books",
        "rugby",
        "cricket",
        "netball",
        "swim",
        "swimmer",
        "horse",
        "pony",
        "unicorn",
        "dino",
        "sk8",
        "sk",
        "skate",
        "pixel",
        "moon",
        "star",
        "stars",
        "sparkle",
        "sparkles",
        "cat",
        "dog",
        "fox",
        "wolf",
        "dragon",
        "ninja",
        "cool",
        "crazy",
        "yeet",
        "bestie",
        "ttv",
        "live",
        "streams",
    }
)
# A job or a business in the name: an adult's ("Smith Plumbing", "jess_smith_photography").
JOB = frozenset(
    {
        "plumbing",
        "plumber",
        "electrical",
        "electrician",
        "joinery",
        "joiner",
        "builders",
        "building",
        "roofing",
        "photography",
        "photo",
        "photos",
        "cakes",
        "bakes",
        "tutoring",
        "tutor",
        "cleaning",
        "driving",
        "taxis",
        "taxi",
        "ltd",
        "limited",
        "services",
        "consulting",
        "design",
        "designs",
        "studio",
        "salon",
        "hair",
        "beauty",
        "nails",
        "fitness",
        "pt",
        "coaching",
        "law",
        "solicitors",
        "accountancy",
        "estates",
        "cllr",
        "mp",
    }
)
# Another person: a parent's or grandparent's own account ("jess_smith_mum", "nanna_smith").
KIN = frozenset(
    {
        "mum",
        "mom",
        "mummy",
        "mam",
        "mama",
        "dad",
        "daddy",
        "papa",
        "nan",
        "nana",
        "nanna",
        "nanny",
        "gran",
        "granny",
        "grandad",
        "grandma",
        "grandpa",
        "wife",
        "hubby",
        "husband",
        "parents",
    }
)
# Several people: a family's or friends' shared account ("smith_fam", "jess_and_tom"); says nothing of age.
GROUP = frozenset(
    {"fam", "family", "famiy", "household", "clan", "crew", "and", "n", "twins", "kids", "squad"}
)
# Words that go with an age or year group ("Lily Y4", "sam_yr5", "ava age 9"): read by cues.py, not a name.
AGE_WORDS = frozenset({"y", "yr", "yrs", "year", "age", "aged", "class", "of", "reception", "recep"})
# Teaching in a channel name or username ("MrsWardTeaches", "mr_patel_maths"): fits a member of staff.
TEACHING = frozenset(
    {
        "teacher",
        "teaches",
        "teach",
        "teaching",
        "maths",
        "math",
        "science",
        "english",
        "phonics",
        "pe",
        "classroom",
        "lessons",
        "learning",
        "sen",
        "senco",
        "class",
        "head",
        "deputy",
        "ta",
        "school",
    }
)

# What a word may be, as bits: one word can be several things ("art" is a hobby and short for Arthur).
FORENAME = 1  # a forename form of someone in the registers (set by RegisterIndex)
SURNAME = 2  # a surname (or part of one) of someone in the registers (set by RegisterIndex)
GIVEN = 4  # a given name from the nickname sources or the registers
DECORATIVE = 8
HOBBY_WORD = 16
JOB_WORD = 32
KIN_WORD = 64
AGE_WORD = 128
TITLE = 256
TEACHING_WORD = 512
GROUP_WORD = 1024
NOT_A_NAME = DECORATIVE | HOBBY_WORD | JOB_WORD | KIN_WORD | GROUP_WORD | AGE_WORD | TITLE | TEACHING_WORD
KIND_OF_WORD = (
    (TITLE, "a title"),
    (TEACHING_WORD, "teaching"),
    (AGE_WORD, "an age or year word"),
    (KIN_WORD, "another person"),
    (GROUP_WORD, "several people"),
    (JOB_WORD, "a job or business"),
    (HOBBY_WORD, "a hobby"),
    (DECORATIVE, "decoration"),
)


@functools.cache
def word_roles() -> dict[str, int]:
    """Every word of these lists and every given name the nickname sources know, by its comparable key."""
    roles: dict[str, int] = {}
    for words, role in (
        (DECORATION, DECORATIVE),
        (HOBBY, HOBBY_WORD),
        (JOB, JOB_WORD),
        (KIN, KIN_WORD),
        (GROUP, GROUP_WORD),
        (AGE_WORDS, AGE_WORD),
        (TITLES, TITLE),
        (TEACHING, TEACHING_WORD),
        (frozenset(nickname_table()), GIVEN),
    ):
        for word in words:
            key = squeeze(word)
            roles[key] = roles.get(key, 0) | role
    return roles


def kind_of_word(roles: int) -> str:
    return next((said for role, said in KIND_OF_WORD if roles & role), "a word")
