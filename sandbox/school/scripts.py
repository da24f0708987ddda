"""Names as their families write them in their own script, and digits standing for letters.

The registers hold the Latin spelling a UK school records (from a passport or the family's form); a child whose
family writes Arabic, Urdu, Devanagari, Gurmukhi, Bengali, Chinese, Cyrillic or Greek may write their name in that
script. The spellings here are written by hand, name by name, as the families write them (these are the test data:
a reader is measured on them, so no transliteration library makes them). A name missing from a script's table is
never written in that script.

`reading_key` is how a reader of the script compares two spellings (spaces and Arabic letter variants aside), so
the generator plants a name only when its spelling belongs to one register person: Urdu writes "Mohammed" and
"Muhammad" alike (محمد), and a reader cannot tell them apart.
"""

from __future__ import annotations

import unicodedata


def _table(text: str) -> dict[str, str]:
    """`Latin=native|Latin=native` as a dictionary."""
    return dict(pair.split("=") for pair in text.split("|"))


# script -> Latin spelling (as registers hold it) -> the script's spelling
NATIVE: dict[str, dict[str, str]] = {
    "arabic": _table(
        "Layla=ليلى|Noor=نور|Mariam=مريم|Yasmin=ياسمين|Hala=هالة|Rania=رانيا|Salma=سلمى|Jana=جنى|Lina=لينا|"
        "Sara=سارة|Omar=عمر|Karim=كريم|Adam=آدم|Yousef=يوسف|Ahmad=أحمد|Zaid=زيد|Tariq=طارق|Hadi=هادي|Anas=أنس|"
        "Rayan=ريان|Rasha=رشا|Dima=ديما|Huda=هدى|Manal=منال|Reem=ريم|Lubna=لبنى|Samira=سميرة|Nadia=نادية|"
        "Khaled=خالد|Samir=سمير|Walid=وليد|Fadi=فادي|Bassam=بسام|Majid=ماجد|Nabil=نبيل|Hassan=حسن|"
        "Al-Hashimi=الهاشمي|Haddad=حداد|Mansour=منصور|Nasser=ناصر|Khalil=خليل|Al-Saadi=السعدي|Hamdan=حمدان|"
        "Abdullah=عبدالله|Saleh=صالح|Ibrahim=إبراهيم|El-Sayed=السيد"
    ),
    "urdu": _table(
        "Aisha=عائشہ|Maryam=مریم|Zainab=زینب|Hafsa=حفصہ|Inaya=عنایہ|Amira=امیرہ|Hania=ہانیہ|Khadija=خدیجہ|"
        "Mahnoor=ماہنور|Eman=ایمان|Anaya=انایہ|Haniya=ہانیہ|Zara=زارا|Alishba=علیشبہ|Muhammad=محمد|"
        "Mohammed=محمد|Ibrahim=ابراہیم|Yusuf=یوسف|Hamza=حمزہ|Ayaan=ایان|Zayn=زین|Musa=موسیٰ|Rayyan=ریان|"
        "Abdullah=عبداللہ|Haris=حارث|Zakariya=زکریا|Eesa=عیسیٰ|Arham=ارحم|Shazia=شازیہ|Nazia=نازیہ|"
        "Samina=ثمینہ|Rubina=روبینہ|Saima=صائمہ|Asma=اسماء|Farah=فرح|Sadia=سعدیہ|Ayesha=عائشہ|Bushra=بشریٰ|"
        "Imran=عمران|Asif=آصف|Tariq=طارق|Kamran=کامران|Adnan=عدنان|Zahid=زاہد|Naveed=نوید|Shahid=شاہد|"
        "Faisal=فیصل|Usman=عثمان|Khan=خان|Hussain=حسین|Ahmed=احمد|Ali=علی|Akhtar=اختر|Iqbal=اقبال|Butt=بٹ|"
        "Mahmood=محمود|Rashid=رشید|Shah=شاہ|Raja=راجہ|Malik=ملک|Chaudhry=چوہدری|Qureshi=قریشی|Bashir=بشیر"
    ),
    "devanagari": _table(
        "Anaya=अनाया|Diya=दिया|Isha=ईशा|Riya=रिया|Kavya=काव्या|Priya=प्रिया|Saanvi=सान्वी|Aarohi=आरोही|"
        "Myra=मायरा|Tanvi=तन्वी|Aarav=आरव|Vihaan=विहान|Krish=क्रिश|Dev=देव|Rohan=रोहन|Siddharth=सिद्धार्थ|"
        "Aryan=आर्यन|Kabir=कबीर|Neel=नील|Yash=यश|Nisha=निशा|Hetal=हेतल|Bhavna=भावना|Komal=कोमल|"
        "Dipika=दीपिका|Jignasha=जिग्नाशा|Rupal=रूपल|Manisha=मनीषा|Nikhil=निखिल|Hitesh=हितेश|Jignesh=जिग्नेश|"
        "Ketan=केतन|Mitesh=मितेश|Rakesh=राकेश|Sanjay=संजय|Bhavesh=भावेश|Patel=पटेल|Shah=शाह|Mistry=मिस्त्री|"
        "Parmar=परमार|Joshi=जोशी|Desai=देसाई|Mehta=मेहता|Solanki=सोलंकी|Chauhan=चौहान|Lad=लाड|Thakrar=ठकरार|"
        "Vaghela=वाघेला"
    ),
    "gurmukhi": _table(
        "Simran=ਸਿਮਰਨ|Jasleen=ਜਸਲੀਨ|Harleen=ਹਰਲੀਨ|Amrit=ਅੰਮ੍ਰਿਤ|Gurleen=ਗੁਰਲੀਨ|Navneet=ਨਵਨੀਤ|"
        "Prabhleen=ਪ੍ਰਭਲੀਨ|Kiran=ਕਿਰਨ|Anaya=ਅਨਾਇਆ|Arjun=ਅਰਜੁਨ|Gurpreet=ਗੁਰਪ੍ਰੀਤ|Harjot=ਹਰਜੋਤ|"
        "Jaskaran=ਜਸਕਰਨ|Ranveer=ਰਣਵੀਰ|Manveer=ਮਨਵੀਰ|Fateh=ਫ਼ਤਿਹ|Gurveer=ਗੁਰਵੀਰ|Arman=ਅਰਮਾਨ|Jaivir=ਜੈਵੀਰ|"
        "Singh=ਸਿੰਘ|Kaur=ਕੌਰ|Sandhu=ਸੰਧੂ|Gill=ਗਿੱਲ|Dhillon=ਢਿੱਲੋਂ|Sidhu=ਸਿੱਧੂ|Grewal=ਗਰੇਵਾਲ|Bains=ਬੈਂਸ|"
        "Johal=ਜੌਹਲ|Atwal=ਅਟਵਾਲ|Sahota=ਸਹੋਤਾ|Kang=ਕੰਗ"
    ),
    "bengali": _table(
        "Nusrat=নুসরাত|Tasnim=তাসনিম|Sumaiya=সুমাইয়া|Ruqayyah=রুকাইয়া|Fatima=ফাতিমা|Raisa=রাইসা|"
        "Ayesha=আয়েশা|Sadia=সাদিয়া|Maliha=মালিহা|Nafisa=নাফিসা|Tahmid=তাহমিদ|Ayaan=আয়ান|Abdul=আব্দুল|"
        "Rayhan=রায়হান|Ishaq=ইসহাক|Mahir=মাহির|Zakir=জাকির|Nabil=নাবিল|Yahya=ইয়াহিয়া|Safwan=সাফওয়ান|"
        "Miah=মিয়া|Uddin=উদ্দিন|Rahman=রহমান|Islam=ইসলাম|Ahmed=আহমেদ|Hossain=হোসেন|Chowdhury=চৌধুরী|"
        "Ali=আলী|Begum=বেগম|Khatun=খাতুন|Haque=হক|Sarkar=সরকার"
    ),
    # Chinese writes the surname first, with no space (王子涵 is Wang Zihan).
    "han": _table(
        "Zihan=子涵|Yuxuan=雨萱|Xinyi=欣怡|Ruoxi=若汐|Jiayi=佳怡|Mei=美|Yutong=雨桐|Shiyu=诗雨|Haoran=浩然|"
        "Yichen=奕辰|Zimo=子墨|Junjie=俊杰|Haoyu=浩宇|Jiahao=佳豪|Zhiyuan=致远|Ruiqi=睿琪|Wang=王|Li=李|Zhang=张|"
        "Chen=陈|Liu=刘|Yang=杨|Huang=黄|Zhao=赵|Wu=吴|Lin=林|Chan=陳|Wong=黃|Cheung=張"
    ),
    # Families who write Cyrillic or Greek join the blind family's registers (blind_forms.py), spelt in Latin as
    # their passports spell them.
    "cyrillic": _table(
        "Oleksandr=Олександр|Sofiia=Софія|Mykyta=Микита|Anastasiia=Анастасія|Maksym=Максим|Yeva=Єва|"
        "Bohdan=Богдан|Daryna=Дарина|Kovalenko=Коваленко|Shevchenko=Шевченко|Bondarenko=Бондаренко|"
        "Tkachenko=Ткаченко|Kravchenko=Кравченко|Melnyk=Мельник|Boiko=Бойко|Oliinyk=Олійник|Georgi=Георги|"
        "Kaloyan=Калоян|Nikolay=Николай|Viktoria=Виктория|Yoana=Йоана|Mariya=Мария|Ivanov=Иванов|"
        "Ivanova=Иванова|Petrov=Петров|Petrova=Петрова|Dimitrov=Димитров|Dimitrova=Димитрова|"
        "Georgiev=Георгиев|Georgieva=Георгиева|Olena=Олена|Iryna=Ірина|Tetiana=Тетяна|Desislava=Десислава|"
        "Svetla=Светла"
    ),
    "greek": _table(
        "Eleni=Ελένη|Katerina=Κατερίνα|Sofia=Σοφία|Georgios=Γεώργιος|Dimitrios=Δημήτριος|Nikolaos=Νικόλαος|"
        "Konstantinos=Κωνσταντίνος|Ioannis=Ιωάννης|Christos=Χρήστος|Despina=Δέσποινα|Papadopoulos=Παπαδόπουλος|"
        "Papadopoulou=Παπαδοπούλου|Georgiou=Γεωργίου|Nikolaidis=Νικολαΐδης|Nikolaidou=Νικολαΐδου|"
        "Christodoulou=Χριστοδούλου|Konstantinou=Κωνσταντίνου|Pappas=Παππάς|Pappa=Παππά|Vasiliki=Βασιλική"
    ),
}
SURNAME_FIRST = frozenset({"han"})
# The script a community's families write, where it is not Latin.
SCRIPT_OF_COMMUNITY = {
    "arabic": "arabic",
    "pakistani": "urdu",
    "gujarati": "devanagari",
    "punjabi": "gurmukhi",
    "bangladeshi": "bengali",
    "chinese": "han",
    "ukrainian": "cyrillic",
    "bulgarian": "cyrillic",
    "greek": "greek",
}

# How a reader of Arabic script sets aside what does not change a name: hamza seats, the taa marbuta, the
# Urdu and Persian letter forms, and the marks above the letters.
_ARABIC_VARIANTS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ہ": "ه", "ۃ": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ٹ": "ت"}
)


def written(script: str, forename: str, surname: str) -> str | None:
    """The full name as the script writes it, or None when the table lacks either part."""
    table = NATIVE[script]
    if forename not in table or surname not in table:
        return None
    if script in SURNAME_FIRST:
        return table[surname] + table[forename]
    return f"{table[forename]} {table[surname]}"


def reading_key(text: str) -> str:
    """What two spellings of one name share for a reader of the script (case, spaces and marks aside)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ARABIC_VARIANTS))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace()).casefold()


# Digits standing for letters, throughout a word (3 for e, 0 for o, 1 for i or l, 4 for a, 5 for s, 7 for t).
_LEET = str.maketrans({"e": "3", "o": "0", "i": "1", "l": "1", "a": "4", "s": "5", "t": "7"})


def in_digits(text: str) -> str:
    """Every letter that has a digit written as that digit, whatever its case ("Oliver Smith" -> "011v3r 5m17h")."""
    return "".join(c.lower().translate(_LEET) if c.lower() in "eoilast" else c for c in text)
