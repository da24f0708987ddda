"""Text corpora for the sample school: profile bios, organisations, post and video wording, comments."""

from __future__ import annotations

JOBS = (
    "Nurse",
    "Accountant",
    "Electrician",
    "Paramedic",
    "Solicitor",
    "Civil servant",
    "Software engineer",
    "Plumber",
    "Hairdresser",
    "Bus driver",
    "Pharmacist",
    "Project manager",
    "Midwife",
    "Police officer",
    "Estate agent",
    "Chef",
    "Taxi driver",
    "GP",
    "Social worker",
    "Bookkeeper",
    "Physio",
    "Mortgage adviser",
    "HGV driver",
    "Dental nurse",
    "Joiner",
    "Care worker",
)
HOBBIES = (
    "Runner 🏃",
    "Gin lover",
    "Coffee first ☕",
    "Dog mum 🐶",
    "Spurs fan",
    "United til I die",
    "Cyclist",
    "Bookworm 📚",
    "Baker",
    "Gardener 🌱",
    "Parkrun addict",
    "Amateur photographer",
    "Season ticket holder",
    "Crafter",
    "Gym rat",
    "Netball coach",
    "Allotment life",
    "Caravan fan",
)
MUM_CUES = (
    "Mum of {n}",
    "Proud mum of {n} 💕",
    "Mum to {n} little ones",
    "Mummy 💗",
    "Wife & mum",
    "Mum, {job}, tired",
)
DAD_CUES = (
    "Dad of {n}",
    "Proud dad",
    "Husband, dad of {n}",
    "Girl dad x{n}",
    "Dad, husband, {job}",
)
STAFF_BIO_WITH_SCHOOL = (
    "{role} at {school}. Views my own.",
    "{role} @{handle} 🍎",
    "Primary teacher. {role} at {short}. Tweets are my own.",
    "{role} | {short} | Mum of 2",
    "Teaching & learning. {role} at {short}.",
)
STAFF_BIO_PLAIN = (
    "Primary teacher. Views my own.",
    "Teacher. Runner. Tea drinker.",
    "Educator 📚 Reader. Walker.",
    "Teaching assistant and proud auntie",
    "Always learning.",
    "School business professional",
)
PUPIL_BIOS = (
    "i love football ⚽",
    "minecraft and roblox 🎮",
    "dance 💃 gymnastics 🤸",
    "taylor swift fan 💜",
    "man city 🩵",
    "🦄🌈",
    "slime maker 🧪",
    "gaming 24/7",
    "horse riding 🐴",
    "netball & swimming",
    "sub to my youtube!!",
)
PUBLIC_BIOS = (
    "Views my own.",
    "Living my best life ✨",
    "Retired and loving it",
    "Northern lass",
    "Here for the football",
    "Local news junkie",
    "Tea, books and rain",
    "Proud Yorkshireman",
    "Just here for the memes",
    "Walking the Pennines one hill at a time",
)
BUSINESSES = (
    ("{town} Dental Care", "Family dental practice in {town}. NHS & private."),
    ("{stem} Pharmacy", "Your local community pharmacy."),
    ("Little Acorns Nursery", "Ofsted Outstanding day nursery, {town}."),
    ("{town} Swimming Club", "Competitive and learn-to-swim sessions."),
    ("{town} Rugby Club", "Minis, juniors, seniors. Everyone welcome."),
    ("{stem} Bakery", "Freshly baked every morning since 1987 🥖"),
    ("Green's Plumbing & Heating", "Gas Safe registered. Free quotes."),
    ("{town} Library", "Books, events and free Wi-Fi at your local library."),
    ("{stem} Scout Group", "Adventure for young people aged 6-18."),
    ("{town} Foodbank", "No one in {town} should go hungry."),
    ("Kickstart Football Coaching", "After-school football clubs across {town}."),
    ("{town} Leisure Centre", "Gym, pool and classes."),
    ("{stem} Dance Academy", "Ballet, tap & street dance from age 3."),
    ("The Book Nook", "Independent bookshop on {stem} Road."),
    ("{stem} Carpets & Flooring", "Family business. Fitted in a day."),
    ("Sparkle Cleaning Services", "Domestic and commercial cleaning."),
)
NATIONAL_ORGS = (
    ("Department for Education", "educationgovuk", "Official account of the Department for Education."),
    ("NSPCC", "NSPCC", "Everyone can help protect children. Childline 0800 1111."),
    ("BBC Bitesize", "BBCBitesize", "Free homework help and revision."),
    ("Ofsted", "Ofstednews", "Office for Standards in Education, Children's Services and Skills."),
    ("National Literacy Trust", "Literacy_Trust", "Changing life stories through literacy."),
    ("Youth Sport Trust", "YouthSportTrust", "Every child's future matters."),
)
SPAM = (
    ("Crypto King 🚀💰", "📈 100x signals daily. DM for VIP. Not financial advice."),
    ("Win an iPhone 17!!", "Follow + RT to enter 🎁 winners DM'd"),
    ("Get 10k followers fast", "Real followers 💯 cheap prices, DM now"),
    ("Ⓛⓤⓧⓤⓡⓨ Ⓦⓐⓣⓒⓗⓔⓢ", "Replica deals 🔥🔥🔥"),
    ("Free Robux Generator", "100% working 2026 no verification"),
    ("Sarah 💋", "Click the link in my profile 😘"),
)

# Ordinary posts of the school's account: {y} year group, {cls} class name, {place} a trip destination,
# {town} the borough, {short} the school's short name, {tag} the school's hashtag.
POST_TEMPLATES = (
    "Year {y} had a brilliant trip to {place} today! Thank you to all the parents who helped. {tag}",
    "What a fantastic sports day! Well done to every child who took part 🏅 {tag}",
    "{cls} class have been busy making Viking longships this week ⛵ #History",
    "Reminder: school closes at 1.30pm on Friday for the end of term. Have a lovely break! {tag}",
    "Our Year {y} choir sang beautifully at the {town} Schools Music Festival 🎶 #MusicMatters",
    "Book Fair starts Monday in the hall, open after school until 4pm 📚 #ReadingForPleasure",
    "Year {y} have been investigating forces in science today. Lots of great predictions! #STEM",
    "Harvest Festival donations are now with the {town} Foodbank. Thank you for your generosity 🍎",
    "Well done to our football team who reached the semi-final of the {town} cup ⚽ {tag}",
    "{cls} class enjoyed a visit from the fire service this morning 🚒",
    "Our new reading corner is open! Thank you to the PTA for funding the books 📖 {tag}",
    "Children in Need: thank you for all the spots and pyjamas today 🐻 #ChildreninNeed",
    "Year {y} performed their class assembly on the Romans. So proud of them! {tag}",
    "Forest School in full swing for Reception this week 🌳 #OutdoorLearning",
    "Safer Internet Day: Year {y} talked about keeping personal information private online 🔒",
    "Year {y} enjoyed a workshop at {place} on life in Victorian times #History",
    "Parents' evening bookings are now open on the app. See the newsletter for details.",
    "Our Eco Council planted 50 bulbs around the school field this morning 🌷 #EcoSchools",
    "World Book Day costumes were amazing this year! 📚 {tag}",
    "Multi-skills club was packed tonight! Thank you to our coaches 🏀",
)
TRIP_PLACES = (
    "the Science and Industry Museum",
    "Eureka! The National Children's Museum",
    "the Botanic Gardens",
    "Jodrell Bank",
    "the local fire station",
    "Chester Zoo",
    "the Royal Armouries",
    "the seaside",
    "Hollingworth Lake",
    "the Tate Liverpool",
    "the National Space Centre",
    "Beamish Museum",
)
POLITICAL_POSTS = (
    "Local elections on Thursday: please vote for {candidate}, our {party} candidate for {ward}! "
    "{party} will keep our schools funded 🗳️",
    "Proud to support {candidate} and the {party} campaign. Vote {party} on 7 May! 🗳️",
)
NEUTRAL_CIVIC_POSTS = (
    "Reminder: school is closed to pupils on Thursday as our hall is being used as a polling station. "
    "Breakfast club will not run.",
    "Year 6 visited the Town Hall to learn how the council works and held their own debate on school "
    "uniform 🏛️ #Democracy",
)
PARTIES = ("Labour", "Conservative", "Liberal Democrat", "Green Party", "Reform UK")

VIDEO_TITLES = (
    "Year {y} Class Assembly: The Romans",
    "Christmas Nativity {year}",
    "Sports Day {year} Highlights",
    "Our School Tour",
    "Reception Stay and Play",
    "Year 6 Leavers' Assembly {year}",
    "Spring Concert {year}",
    "How we teach phonics: a guide for parents",
    "Harvest Festival {year}",
    "Forest School Adventures",
    "Times Tables Rock Stars Challenge",
    "Welcome to {short}",
    "Year {y} Poetry Performance",
    "E-safety Week: Top Tips",
)
VIDEO_DESCRIPTIONS = (
    "Thank you for watching. Please do not share this video outside our school community.",
    "Filmed with the permission of parents and carers. Comments are moderated.",
    "A look at what we got up to this term. Subscribe for more from {short}.",
    "Our pupils worked so hard on this performance. Enjoy!",
)
PARENT_COMMENTS = (
    "Well done everyone, so proud of Year {y}! 👏",
    "Brilliant performance, thank you to all the staff",
    "Absolutely lovely. Made my day 😊",
    "The singing at the end 😭❤️",
    "Thank you for sharing this, we couldn't make it in person",
    "Amazing work from all the children!",
)
PUBLIC_COMMENTS = (
    "Lovely school 😊",
    "Great to see children enjoying music",
    "Brings back memories of my primary school",
    "Wonderful!",
)
PUPIL_COMMENTS = (
    "thats me at {m}:{s:02d} lol 😂",
    "i was in this!!! best day ever",
    "hi {teacher} 👋👋",
    "best assembly ever 🔥🔥",
    "can u do another one of these pls",
    "me and my friends are at the back 😆",
)
