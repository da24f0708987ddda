"""Every weight, score and age constant identity resolution uses, each with the reason for its value.

The rules' own thresholds (`exception_threshold` 0.85, `review_floor` 0.6) live in school.toml; these values are
placed around them so that a name alone lands above, below or between them as docs/identity.md describes.
"""

from __future__ import annotations

# A name written only in the bio, the name fields made up (bio_names.py): weaker than the same name as the display
# name, so a full name alone (0.80) is a possible match and one agreeing age, school or role cue makes it sure.
BIO_NAME_ONLY = 0.10

# --- what a name alone says (the base score of a reading) ------------------------------------------------
BASE = {
    # Forename + surname as the register spells it: strong, but people share names, so left short of certain.
    "forename": 0.90,
    # The preferred name is the name the child actually uses: as strong as the forename.
    "preferred": 0.90,
    # A diminutive from the curated UK list (Jess/Jessica): near a full name, still above the 0.85 threshold.
    "nickname_uk": 0.86,
    # A pair only the US-centred package knows (Amelia/Emily): below the threshold until another cue agrees.
    "nickname": 0.80,
    # One surname letter wrong ("Smiht"): a typo is likely but so is another family; a possible match.
    "fuzzy_surname": 0.78,
    # Two neighbouring letters swapped ("Hadman" for Hamdan, "Ashowrth"): the commonest typing slip, and real
    # surnames seldom differ from one another that way; as strong as a curated nickname.
    "transposed_surname": 0.86,
    # The forename with two neighbouring letters swapped, the surname exact ("Evleyn Lockwood"): as distinctive
    # a typo as the surname's, weighed the same.
    "transposed_forename": 0.86,
    # The forename one letter apart ("Evelin Lockwood", "Samara Hale" for Samira), when the word is no name the
    # lexicon holds: a typo or a name of its own the lists lack, like a surname one letter apart; a possible
    # match until a cue agrees.
    "fuzzy_forename": 0.78,
    # Surname cut short ("harry_robin"): only counted with an agreeing age cue, which lifts it to ~0.90.
    "surname_prefix": 0.70,
    # Forename + surname initial ("JessS2016"): with an age cue 0.80, a possible match until another cue agrees.
    "forename_initial": 0.60,
    # The forename cut short ("Ayo" for Ayomide, "Bart" for Bartosz) + the surname: how most diminutives are
    # made, but "Jo" also starts Joanna and Jordan: a possible match until an age or school cue agrees.
    "short_form": 0.80,
    # The forename cut short to a name of its own ("Sam" for Samira, "Tom" for Tomasz, "Dan" for Daniela) + the
    # surname: as likely that other name, so a partial reading: only with an age or school cue, which lifts it
    # to the threshold (0.65 + 0.20), with the only-one lift just above it.
    "short_form_also_a_name": 0.65,
    # "Mrs Ward": only with the school or teaching in the bio (+0.15/+0.10): 0.65-0.80, a possible match.
    "title_surname": 0.55,
    # "Mrs_Robinson" when one member of staff is called Robinson: how pupils and parents know that teacher,
    # and how many teachers name their account; with the only-one lift just at the threshold.
    "title_surname_unique": 0.80,
    # Initial + surname ("J. Smith", "TCoxY3"): a full surname and an initial say as much as a forename and an
    # initial, so the same weight; with an agreeing age cue, fitting one register entry, at the threshold.
    "initial_surname": 0.60,
    # A diminutive made from the forename's start and a diminutive ending ("Evie" of Evelyn, "Olly" of Oliver)
    # that no list holds and that is no name of its own, with the surname: how British children's names are
    # shortened, at the threshold; another cue or the username agreeing makes it sure.
    "diminutive": 0.85,
    # The same, written as a word the lists hold as a name or another name's nickname ("Frannie" of Francesca,
    # "Amy" of Amira): as likely that name of its own, so a possible match until a cue agrees.
    "diminutive_also_a_name": 0.80,
    # A nickname only the `nicknames` package pairs with their forename, written as a name of its own (one the
    # lists give nicknames of its own: "Lisa" for Alice, "Louise" for Louis) + the surname: as likely that name,
    # as "Sam" for Samira is, so a partial reading: only with an age or school cue (issue 24: public Lisas and
    # Louises were possible matches for pupils, review load a careful reader dismisses).
    "nickname_also_a_name": 0.65,
    # A forename alone: only with an agreeing age or school cue; one cue that leaves one register entry reaches
    # the threshold (0.60 + 0.20 + 0.05); the profile follows this school, so a cue is about this school.
    "forename_only": 0.60,
}
# Readings from weak name evidence: kept only when the profile gives an age cue (or, for "Mrs Ward", the school).
PARTIAL = frozenset(
    {
        "surname_prefix",
        "forename_initial",
        "initial_surname",
        "forename_only",
        "title_surname",
        "title_surname_unique",
        "short_form_also_a_name",
        "nickname_also_a_name",
    }
)

# --- how the way a name is written moves its reading ------------------------------------------------------
# "Smith Jessica": a natural order in registers and some cultures, so only a nudge (within TIE).
SURNAME_FIRST = 0.02
# ... unless the first word is as much a given name and the second as much a surname ("osmanabdi" read as Abdi
# Osman): the usual order names someone else, so a confident reading becomes a possible one.
ORDER_IN_DOUBT = 0.08
# "Adaeze Olawale-Obi" vs a parent "Adaeze Obi": just over TIE, so the exact reading wins outright.
LONGER_SURNAME = 0.06
# "emyrmaeaprhys": a given name run together between forename and surname is a second given name or the start of
# a longer surname ("gheorgheconstan" is Gheorghe Constan(tin), not Gheorghe Con Stan): alone, a possible match
# (0.90 - 0.06), confident when an age, school or other cue agrees.
GLUED_SECOND_NAME = 0.06
# "Zoe Price" for Zoë Hamilton-Price: others called Price are as likely; just over TIE, so they win outright.
SURNAME_PART = 0.06
# "Calum" for "Callum": the same name to a reader, not the same spelling; just over TIE below the exact one.
SPELLING_VARIANT = 0.06
# "jessicasmith2016": run together is how usernames are written, only a nudge below separated words.
RUN_TOGETHER = 0.02
# "Jess" as the display name, @smith_2016 as the username: both names, written apart; a little below a full
# name written together, still above the threshold.
SPLIT_NAME = 0.04
# A nickname from the UK list with a slip of the surname ("Mia Mzaur" for Amelia Mazur): two readings at once,
# so a possible match (0.86 - 0.06) until a cue agrees.
NICKNAME_AND_SLIP = 0.06
# A nickname in a partial name ("Jess S"): an inference on an inference, a nudge below the forename.
NICKNAME_PARTIAL = 0.02

# --- what the rest of the name fields suggests (explain.py) -------------------------------------------------
# A given name where the candidate's forename would be ("James Smith" shown, @jsmith read as Jack Smith): the
# profile names someone else. A partial reading is dropped; a full one elsewhere drops to a possible match.
CONTRADICTED_FORENAME = 0.15
# Another given name before the candidate's forename ("Evelyn Rose Lockwood" read as a Rose Lockwood): a
# person goes by their first name, so this is most likely Evelyn; as strong as a contradiction.
ANOTHER_NAME_FIRST = 0.15
# A word the candidate's name, the lexicon and the names lists leave unexplained ("dragonslayer"): most are
# a child's or an adult's own words, so each lowers the reading only a little (at most twice), enough for a
# reading that explains the whole name to win a tie.
UNEXPLAINED_WORD = 0.02
UNEXPLAINED_WORDS_MOST = 0.04

# --- cues from the rest of the profile --------------------------------------------------------------------
# An agreeing birth year, year group, "class of" or age: the strongest sign the account is this child.
AGE_CUE = 0.20
# Each further agreeing age cue: they mostly repeat the first, so each adds a little.
MORE_AGE_CUES = 0.05
# A child's birth year in the username that is not theirs ("arjunjbains2018" for an Arjun born 2016, when an
# Arjun Bains born 2018 is in the school too): another child's, as likely as a year picked for another reason,
# so a nudge the size of another forename shown, never a rule-out.
BIRTH_YEAR_NOT_THEIRS = 0.15
# The longest username a platform allows (X: 15 characters). A username that long, closed by a number after a word
# cut short ("ninja_offic2005"), was cut to make room for the number: digits making a taken handle unique, not a
# birth year (scoring.py). Platforms without a short limit (YouTube handles run to 30) are not read this way.
USERNAME_LIMIT = {"x": 15}
# A word cut short keeps at least this many of its letters ("offic" of "official", "ashwor" of "Ashworth"); fewer
# are as likely an initial or a word of their own.
CUT_WORD_MIN = 3
# Forename/initial + the first three letters of the surname in the username: the surname is probably there.
SURNAME_START_IN_USERNAME = 0.15
# The bio names the school: a namesake pupil elsewhere would not, so as strong as an age cue.
SCHOOL_CUE_PUPIL = 0.20
# The bio names the school, for staff: adults mention workplaces more freely, so a little weaker.
SCHOOL_CUE_STAFF = 0.15
# The bio says its owner has left ("former pupil", "alumni", "went to"): fits a former pupil and not a current
# one, but a phrase is easily misread, so a nudge either way rather than a rule.
FORMER_CUE = 0.05
# The bio says they teach: fits a member of staff, but many people teach somewhere.
TEACHING_CUE_STAFF = 0.10
# "Year 6 teacher" for the Year 6 class teacher: tells two Mrs Halls apart (more than TIE between them).
ROLE_CUE_STAFF = 0.10
# "Mum of 2" for a parent: says adult, not which adult, so barely more than the name.
ADULT_CUE_PARENT = 0.03
# Username and display name name the same person: the same name twice, a little more confidence.
USERNAME_AGREES = 0.03
# Weak details that fit exactly one register entry: rarer than a namesake, so a small lift.
ONLY_ONE = 0.05

# --- counter-evidence: what places a namesake elsewhere -------------------------------------------------------
# A job in the bio that is not the staff member's (a dentist, not a teacher) together with a location elsewhere
# rules the staff reading out (scoring.py); a job alone is said in the evidence, not weighed: staff list second
# jobs and partners' jobs.
# The location names a place the school's audience does not (Glasgow, when most followers say Leeds): staff may
# live a town away, so alone only enough to turn a confident reading into a possible one.
ELSEWHERE_STAFF = 0.10
# The register names this member of staff's own account and it is in the same platform's audience: another
# account there with only the name (nothing of the school, teaching or the role, and no word of its bio or
# location shared with the declared one) is as likely a namesake as a second account of theirs; like a location
# elsewhere, enough to turn a confident reading into a possible one. One that tells of the same life ("baking" in
# both) is a second account of theirs and is not lowered.
ACCOUNTED_FOR_STAFF = 0.10
# Fewer located audience members than this and the school's area is not known: no location counts against.
LOCALITY_MIN_MEMBERS = 5
# A place word must be in this share of located members' locations to count as the school's area.
LOCALITY_SHARE = 0.10

# --- the decision -----------------------------------------------------------------------------------------
# No reading from a name is certain: only a declared handle (DECLARED) reaches 1.0.
CEILING = 0.97
# Below this a reading is not worth a person's time (under the 0.6 review floor): the member stays unknown.
KEEP = 0.5
# Readings this close are as likely: the small nudges (0.02-0.03) alone do not tell two people apart.
TIE = 0.05
# Of readings as likely by their scores, one that reads this many more letters of the name fields as the
# person's name is the one meant ("Adaeze Olawale-Obi" over a parent "Adaeze Obi"): a word of three letters.
EXPLAINS_MORE = 3
# A pupil and an adult equally likely: held between floor and threshold, a possible finding for a person.
MIXED_AMBIGUITY_CAP = 0.7
# An account naming a pupil that says someone else holds it (a parent, a relative, an organisation; whose.py) is
# judged as theirs: the pupil named in it is at most a possible finding, above the review floor, for a person to
# judge whether the child uses it.
RUN_BY_OTHER_CAP = 0.7
# Below this a reading is only a possible one under the default `exception_threshold`: its evidence ends with
# what a person could check to settle it (evidence.settle). Readings above it say so only when several people
# fit ("which of them it is").
SETTLE_BELOW = 0.85
# A handle declared in a register: the school told us whose account it is.
DECLARED = 1.0
# A parent's declared handle, same name as staff: one person in both registers, linked by name (docs/identity.md).
DECLARED_PARENT_IS_STAFF = 0.9

# --- ages -------------------------------------------------------------------------------------------------
# No child under five opens an account; one opened earlier (or held by an under-five) is someone else's, unless it
# names this school beside the child's name: then it is held for them, at most a possible finding (RUN_BY_OTHER_CAP).
EARLIEST_ACCOUNT_AGE = 5
