"""Name and place corpora for the sample school: forenames and surnames of the communities of UK schools."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Community:
    """Names as families of one community in a UK school use them. Children's names are the ones given
    in the 2010s; adult names are those of their parents' and teachers' generations."""

    weight: float
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    # Slavic and Baltic surnames change form with sex (and, in Lithuanian, with marriage).
    feminine: dict[str, str] | None = None
    married_feminine: dict[str, str] | None = None


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


COMMUNITIES: dict[str, Community] = {
    "english": Community(
        34,
        _t(
            "Olivia|Amelia|Ava|Lily|Freya|Florence|Grace|Poppy|Evie|Ella|Isabella|Sophia|Rosie|Ivy|Willow|"
            "Matilda|Daisy|Harper|Jessica|Charlotte|Eleanor|Emily|Ruby|Phoebe|Zoë|Chloe|Imogen|Elsie|Esme|"
            "Maisie|Harriet|Alice|Penelope|Georgia|Abigail|Elizabeth|Victoria|Scarlett|Hallie|Beatrice"
        ),
        _t(
            "Oliver|George|Noah|Arthur|Leo|Oscar|Harry|Jack|Charlie|Freddie|Alfie|Theo|Henry|Thomas|William|"
            "Archie|Joshua|Jacob|Samuel|Teddy|Reuben|Finley|Louis|Albert|Max|Ethan|Alexander|Edward|Frederick|"
            "Benjamin|Alfred|Theodore|Joseph|Zachary|Harrison|Nathaniel|Jude|Stanley|Toby|Rory"
        ),
        _t(
            "Sarah|Emma|Claire|Rachel|Gemma|Laura|Lisa|Nicola|Joanne|Kelly|Hannah|Rebecca|Katherine|Victoria|"
            "Jennifer|Helen|Amanda|Louise|Stacey|Charlotte|Lucy|Natalie|Samantha|Zoe|Kerry|Deborah|Jessica|Catherine"
        ),
        _t(
            "Mark|Paul|David|Andrew|James|Richard|Daniel|Christopher|Matthew|Stephen|Lee|Darren|Craig|Jonathan|"
            "Michael|Simon|Neil|Robert|Anthony|Thomas|William|Adam|Ben|Jamie|Stuart|Nicholas|Peter|Philip"
        ),
        _t(
            "Smith|Taylor|Brown|Wilson|Johnson|Robinson|Wright|Thompson|Walker|White|Edwards|Green|Hall|Wood|"
            "Harris|Clarke|Jackson|Turner|Hill|Moore|Cooper|Ward|Barker|Fletcher|Holloway|Pennington|Shaw|Atkinson|"
            "Fox|Lawrence|Bennett|Marsh|Chapman|Holt|Whitfield|Ashworth|Greenwood|Sutcliffe|Hamilton-Price|"
            "Lloyd-Jones|Bowes-Lyon|Fairbrother|Pickering|Booth"
        ),
    ),
    "scottish": Community(
        4,
        _t("Isla|Ailsa|Eilidh|Catriona|Iona|Skye|Orla|Kirsty|Mhairi|Rhona"),
        _t("Callum|Fraser|Hamish|Lachlan|Ruaridh|Euan|Finlay|Alasdair|Angus|Struan"),
        _t("Kirsty|Morag|Fiona|Shona|Lorna|Ailsa|Heather|Catriona"),
        _t("Alasdair|Iain|Gordon|Graeme|Hamish|Douglas|Calum|Ewan"),
        _t(
            "MacDonald|Campbell|Stewart|Robertson|Murray|McLeod|Fraser|Ross|Sinclair|Gillespie|McKenzie|Mackay"
        ),
    ),
    "welsh": Community(
        4,
        _t("Cerys|Seren|Ffion|Carys|Megan|Nia|Eira|Alaw|Elin|Lowri|Mali"),
        _t("Rhys|Dylan|Gethin|Osian|Gruffydd|Iolo|Tomos|Dafydd|Emyr|Macsen|Steffan"),
        _t("Sian|Angharad|Bethan|Rhiannon|Eleri|Catrin|Gwen|Nerys"),
        _t("Gareth|Huw|Rhodri|Owain|Geraint|Aled|Dai|Emyr"),
        _t(
            "Jones|Evans|Davies|Llewellyn|Pritchard|Morgan|Griffiths|Prosser|Vaughan|Price|Hughes|ap Rhys|Powell"
        ),
    ),
    "irish": Community(
        4,
        _t("Siobhán|Aoife|Niamh|Caoimhe|Saoirse|Róisín|Orla|Clodagh|Éabha|Sadhbh|Ciara"),
        _t("Seán|Cian|Oisín|Darragh|Ciarán|Tadhg|Pádraig|Eoin|Conor|Rónán|Fionn"),
        _t("Siobhán|Máire|Bríd|Aisling|Gráinne|Deirdre|Sinéad|Nuala"),
        _t("Seán|Declan|Colm|Pádraig|Eamon|Fergal|Donal|Liam"),
        _t(
            "O'Brien|O'Connor|Murphy|Kelly|Byrne|Ryan|Doyle|McCarthy|Ó Briain|Fitzgerald|Quinn|Gallagher|Nic Aodha"
        ),
    ),
    "polish": Community(
        6,
        _t("Zofia|Zuzanna|Maja|Julia|Aleksandra|Lena|Wiktoria|Oliwia|Hanna|Natalia|Amelia|Łucja"),
        _t("Jakub|Antoni|Szymon|Filip|Łukasz|Mateusz|Kacper|Wojciech|Mikołaj|Jan|Stanisław|Bartłomiej"),
        _t("Agnieszka|Katarzyna|Małgorzata|Anna|Magdalena|Joanna|Ewa|Monika|Justyna"),
        _t("Tomasz|Piotr|Krzysztof|Marcin|Paweł|Michał|Grzegorz|Łukasz|Wojciech"),
        _t(
            "Nowak|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|Woźniak|Dąbrowski|"
            "Mazur|Krawczyk|Kowalski|Jabłoński"
        ),
        feminine={
            "Wiśniewski": "Wiśniewska",
            "Kamiński": "Kamińska",
            "Lewandowski": "Lewandowska",
            "Zieliński": "Zielińska",
            "Szymański": "Szymańska",
            "Dąbrowski": "Dąbrowska",
            "Kowalski": "Kowalska",
            "Jabłoński": "Jabłońska",
        },
    ),
    "romanian": Community(
        4,
        _t("Ioana|Maria|Andreea|Elena|Bianca|Daria|Alexia|Sofia|Ilinca|Ștefania"),
        _t("Andrei|Ștefan|Mihai|Luca|David|Matei|Darius|Alexandru|Ionuț|Răzvan"),
        _t("Mihaela|Alina|Florentina|Ramona|Cristina|Gabriela|Loredana|Oana"),
        _t("Ionuț|Florin|Marius|Cătălin|Gheorghe|Adrian|Bogdan|Vasile"),
        _t("Popescu|Ionescu|Popa|Dumitru|Stan|Stoica|Gheorghe|Constantin|Munteanu|Rusu|Matei|Lazăr"),
    ),
    "lithuanian": Community(
        2,
        _t("Emilija|Kamilė|Gabija|Austėja|Ugnė|Lėja|Urtė"),
        _t("Lukas|Jokūbas|Matas|Nojus|Domantas|Dovydas|Kajus"),
        _t("Rasa|Jurgita|Inga|Agnė|Vilma|Edita"),
        _t("Tomas|Mindaugas|Darius|Andrius|Saulius|Vytautas"),
        _t("Kazlauskas|Jankauskas|Petrauskas|Stankevičius|Vasiliauskas|Žukauskas|Butkus"),
        feminine={
            "Kazlauskas": "Kazlauskaitė",
            "Jankauskas": "Jankauskaitė",
            "Petrauskas": "Petrauskaitė",
            "Stankevičius": "Stankevičiūtė",
            "Vasiliauskas": "Vasiliauskaitė",
            "Žukauskas": "Žukauskaitė",
            "Butkus": "Butkutė",
        },
        married_feminine={
            "Kazlauskas": "Kazlauskienė",
            "Jankauskas": "Jankauskienė",
            "Petrauskas": "Petrauskienė",
            "Stankevičius": "Stankevičienė",
            "Vasiliauskas": "Vasiliauskienė",
            "Žukauskas": "Žukauskienė",
            "Butkus": "Butkienė",
        },
    ),
    "pakistani": Community(
        8,
        _t("Aisha|Maryam|Zainab|Hafsa|Inaya|Amira|Hania|Khadija|Mahnoor|Eman|Anaya|Haniya|Zara|Alishba"),
        _t("Muhammad|Mohammed|Ibrahim|Yusuf|Hamza|Ayaan|Zayn|Musa|Rayyan|Abdullah|Haris|Zakariya|Eesa|Arham"),
        _t("Shazia|Nazia|Samina|Rubina|Saima|Asma|Farah|Sadia|Ayesha|Bushra"),
        _t("Imran|Asif|Tariq|Kamran|Adnan|Zahid|Naveed|Shahid|Faisal|Usman"),
        _t("Khan|Hussain|Ahmed|Ali|Akhtar|Iqbal|Butt|Mahmood|Rashid|Shah|Raja|Malik|Chaudhry|Qureshi|Bashir"),
    ),
    "punjabi": Community(
        4,
        _t("Simran|Jasleen|Harleen|Amrit|Gurleen|Navneet|Prabhleen|Jasmine|Kiran|Anaya"),
        _t("Arjun|Gurpreet|Harjot|Jaskaran|Ranveer|Manveer|Fateh|Gurveer|Arman|Jaivir"),
        _t("Jaspreet|Harpreet|Sukhwinder|Manjit|Rajinder|Kulwinder|Amandeep|Parminder"),
        _t("Jaspal|Harjinder|Sukhdev|Baljit|Kuldip|Gurdeep|Amarjit|Rajvinder"),
        _t("Singh|Sandhu|Gill|Dhillon|Sidhu|Grewal|Bains|Johal|Atwal|Sahota|Kang"),
    ),
    "gujarati": Community(
        4,
        _t("Anaya|Diya|Isha|Riya|Kavya|Priya|Saanvi|Aarohi|Myra|Tanvi"),
        _t("Aarav|Vihaan|Krish|Dev|Rohan|Siddharth|Aryan|Kabir|Neel|Yash"),
        _t("Nisha|Hetal|Bhavna|Komal|Dipika|Jignasha|Rupal|Manisha"),
        _t("Nikhil|Hitesh|Jignesh|Ketan|Mitesh|Rakesh|Sanjay|Bhavesh"),
        _t("Patel|Shah|Mistry|Parmar|Joshi|Desai|Mehta|Solanki|Chauhan|Lad|Thakrar|Vaghela"),
    ),
    "tamil": Community(
        2,
        _t("Tharshika|Abirami|Keerthana|Harini|Nila|Thaara|Yalini|Kavin"),
        _t("Karthik|Pranav|Arun|Niroshan|Vishnu|Kavinesh|Aadhavan|Sanjay"),
        _t("Shanthi|Lakshmi|Vasuki|Kalaivani|Nirmala|Janani"),
        _t("Sivakumar|Ramesh|Suresh|Kumaran|Senthil|Thavakumar"),
        _t("Rajendran|Krishnan|Subramaniam|Nadarajah|Selvarajah|Thevarajah|Sivapalan|Kanagaratnam"),
    ),
    "bangladeshi": Community(
        5,
        _t("Nusrat|Tasnim|Sumaiya|Ruqayyah|Fatima|Raisa|Ayesha|Sadia|Maliha|Nafisa"),
        _t("Tahmid|Ayaan|Abdul|Rayhan|Ishaq|Mahir|Zakir|Nabil|Yahya|Safwan"),
        _t("Rehana|Shamima|Nazma|Salma|Rokeya|Hasina|Shirin|Jahanara"),
        _t("Abdul|Shahidul|Mizanur|Kamal|Rafiq|Anwar|Jamal|Habibur"),
        _t("Miah|Uddin|Rahman|Islam|Ahmed|Hossain|Chowdhury|Ali|Begum|Khatun|Haque|Sarkar"),
    ),
    "somali": Community(
        3,
        _t("Hodan|Ayan|Sagal|Hibaq|Nimco|Ifrah|Ubah|Ikran|Sumaya|Najma"),
        _t("Abdirahman|Abdullahi|Mohamed|Guled|Liban|Mustafe|Yonis|Hamse|Bilal|Khalid"),
        _t("Faadumo|Hawa|Amina|Sahra|Deeqa|Fadumo|Halimo|Idil"),
        _t("Abdikarim|Abdirizak|Hassan|Mahad|Osman|Ahmed|Jama|Abdiweli"),
        _t("Mohamed|Ali|Abdi|Hassan|Farah|Warsame|Omar|Jama|Yusuf|Osman|Egal|Hersi"),
    ),
    "nigerian": Community(
        5,
        _t("Chioma|Adaeze|Ifeoma|Temitope|Folake|Tolulope|Oluwaseun|Oluwadamilola|Ife|Chiamaka|Zainab|Amara"),
        _t(
            "Oluwatobiloba|Chukwuemeka|Tobenna|Ayomide|Femi|Ikenna|Oluwadamilare|David|Daniel|Kelechi|Tobi|"
            "Oluwaseun"
        ),
        _t("Ngozi|Funmilayo|Yetunde|Bukola|Chinwe|Adaeze|Ronke|Nkechi"),
        _t("Tunde|Chidi|Oluwaseun|Emeka|Olumide|Chinedu|Babatunde|Segun"),
        _t("Adeyemi|Okafor|Okonkwo|Adebayo|Eze|Nwosu|Ogunleye|Balogun|Oyelaran|Chukwu|Obi|Afolabi|Olawale"),
    ),
    "ghanaian": Community(
        2,
        _t("Ama|Abena|Akosua|Efua|Adwoa|Nana|Esi|Afia"),
        _t("Kwame|Kofi|Kwabena|Yaw|Kojo|Kwesi|Kwaku|Nana"),
        _t("Akua|Abena|Efua|Adjoa|Yaa|Afua"),
        _t("Kwame|Kofi|Yaw|Kwabena|Kwasi|Kojo"),
        _t("Mensah|Asante|Owusu|Boateng|Osei|Agyeman|Appiah|Darko|Ofori|Amoah"),
    ),
    "caribbean": Community(
        4,
        _t("Tiana|Shanice|Aaliyah|Kiara|Jada|Nia|Amari|Imani|Zuri|Tianna"),
        _t("Jaden|Tyrese|Malachi|Kai|Rashawn|Josiah|Elijah|Micah|Zion|Kemar"),
        _t("Marcia|Sonia|Paulette|Andrea|Donna|Claudette|Michelle|Sharon"),
        _t("Dwayne|Delroy|Winston|Clive|Leon|Marlon|Trevor|Errol"),
        _t("Campbell|Williams|Thompson|Grant|Reid|Francis|Forbes|Gayle|Bailey|Samuels|Lindo|Brown"),
    ),
    "chinese": Community(
        3,
        _t("Zihan|Yuxuan|Xinyi|Ruoxi|Jiayi|Mei|Yutong|Shiyu"),
        _t("Haoran|Yichen|Zimo|Junjie|Haoyu|Jiahao|Zhiyuan|Ruiqi"),
        _t("Li Na|Xiaoling|Hui|Jing|Yan|Min"),
        _t("Wei|Jun|Lei|Tao|Hao|Qiang"),
        _t("Wang|Li|Zhang|Chen|Liu|Yang|Huang|Zhao|Wu|Lin|Chan|Wong|Cheung"),
    ),
    "turkish": Community(
        2,
        _t("Zeynep|Elif|Defne|Ecrin|Azra|Eylül|Nehir|Ela"),
        _t("Yusuf|Eymen|Ömer|Mustafa|Emir|Kerem|Alparslan|Aras"),
        _t("Ayşe|Fatma|Emine|Hatice|Gül|Songül"),
        _t("Mehmet|Ahmet|Hüseyin|Murat|Serkan|Hakan"),
        _t("Yılmaz|Kaya|Demir|Şahin|Çelik|Yıldız|Aydın|Öztürk|Arslan|Doğan"),
    ),
    "kurdish": Community(
        2,
        _t("Rojin|Berivan|Dilan|Hevin|Zilan|Avesta|Rojda|Jiyan"),
        _t("Aram|Rezan|Baran|Dara|Kawa|Shvan|Soran|Azad"),
        _t("Nasrin|Shilan|Gulistan|Leyla|Sirwan|Bahar"),
        _t("Karwan|Hiwa|Rebwar|Sherko|Dilshad|Nawzad"),
        _t("Barzani|Zebari|Hawrami|Mohammadi|Karimi|Rostami|Baban|Mahmoudi"),
    ),
    "arabic": Community(
        3,
        _t("Layla|Noor|Mariam|Yasmin|Hala|Rania|Salma|Jana|Lina|Sara"),
        _t("Omar|Karim|Adam|Yousef|Ahmad|Zaid|Tariq|Hadi|Anas|Rayan"),
        _t("Rasha|Dima|Huda|Manal|Reem|Lubna|Samira|Nadia"),
        _t("Khaled|Samir|Walid|Fadi|Bassam|Majid|Nabil|Hassan"),
        _t("Al-Hashimi|Haddad|Mansour|Nasser|Khalil|Al-Saadi|Hamdan|Abdullah|Saleh|Ibrahim|El-Sayed"),
    ),
    "portuguese": Community(
        2,
        _t("Beatriz|Leonor|Matilde|Inês|Carolina|Mariana|Francisca|Margarida"),
        _t("João|Tomás|Rodrigo|Duarte|Gonçalo|Afonso|Martim|Santiago"),
        _t("Sónia|Cláudia|Patrícia|Ana|Sandra|Susana"),
        _t("Nuno|Rui|Pedro|Sérgio|Hugo|Vítor"),
        _t("Silva|Santos|Ferreira|Pereira|Oliveira|Costa|Rodrigues|Martins|Sousa|Gonçalves"),
    ),
}

# Names a child is registered with and the name they go by (the register's preferred_name).
PREFERRED_NAMES: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo", "Hamad"),
    "Aleksandra": ("Ola",),
    "Alexander": ("Alex",),
    "Alexandru": ("Alex",),
    "Oluwatobiloba": ("Tobi",),
    "Oluwaseun": ("Seun",),
    "Oluwadamilare": ("Dami",),
    "Oluwadamilola": ("Dami",),
    "Chukwuemeka": ("Emeka",),
    "Zuzanna": ("Zuzia",),
    "Wojciech": ("Wojtek",),
    "Bartłomiej": ("Bartek",),
    "Stanisław": ("Staś",),
    "Abdirahman": ("Abdi",),
    "Abdullahi": ("Abdi",),
    "Elizabeth": ("Libby", "Beth"),
    "Penelope": ("Penny",),
    "Zachary": ("Zac",),
    "Theodore": ("Teddy",),
    "Gruffydd": ("Gruff",),
    "Zihan": ("Chloe",),
    "Yuxuan": ("Emma",),
    "Haoran": ("Henry",),
    "Yichen": ("Ethan",),
    "Jiahao": ("Jason",),
    "Tharshika": ("Tash",),
    "Siddharth": ("Sid",),
    "Nathaniel": ("Nate",),
    "Chiamaka": ("Ama",),
    "Ștefania": ("Stefi",),
}

# Common diminutives a child or adult may go by without the register saying so.
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "Amelia": ("Millie", "Mia"),
    "Jessica": ("Jess", "Jessie"),
    "William": ("Will", "Billy", "Liam"),
    "Alfred": ("Alfie",),
    "Eleanor": ("Ellie", "Nell"),
    "Frederick": ("Freddie", "Fred"),
    "Thomas": ("Tom", "Tommy"),
    "Oliver": ("Ollie",),
    "Charlotte": ("Lottie", "Charlie"),
    "Olivia": ("Liv", "Livvy"),
    "Isabella": ("Bella", "Izzy"),
    "Henry": ("Harry",),
    "Samuel": ("Sam",),
    "Daniel": ("Dan", "Danny"),
    "Benjamin": ("Ben",),
    "Matilda": ("Tilly",),
    "Elizabeth": ("Beth", "Lizzie", "Libby"),
    "Katherine": ("Kate", "Katie"),
    "Catherine": ("Cath", "Kate"),
    "Rebecca": ("Becky", "Becca"),
    "James": ("Jamie", "Jim"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Theodore": ("Theo", "Teddy"),
    "Sophia": ("Sophie",),
    "Alexander": ("Alex", "Xander"),
    "Joseph": ("Joe", "Joey"),
    "Nathaniel": ("Nate", "Nat"),
    "Florence": ("Flo", "Florrie"),
    "Zachary": ("Zac", "Zach"),
    "Jacob": ("Jake",),
    "Joshua": ("Josh",),
    "Christopher": ("Chris",),
    "Michael": ("Mike", "Mikey"),
    "Matthew": ("Matt",),
    "Abigail": ("Abbie", "Abi"),
    "Victoria": ("Tori", "Vicky"),
    "Penelope": ("Penny",),
    "Harriet": ("Hattie",),
    "Georgia": ("Georgie",),
    "Robert": ("Rob", "Bobby"),
    "Richard": ("Rich",),
    "Anthony": ("Tony",),
    "Stephen": ("Steve",),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "David": ("Dave",),
    "Deborah": ("Debs", "Debbie"),
    "Jennifer": ("Jen", "Jenny"),
    "Amanda": ("Mandy",),
    "Samantha": ("Sam",),
    "Andrew": ("Andy",),
    "Peter": ("Pete",),
    "Philip": ("Phil",),
    "Natalie": ("Nat",),
    "Rachel": ("Rach",),
    "Beatrice": ("Bea",),
    "Emily": ("Em", "Emmy"),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Aleksandra": ("Ola",),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Magdalena": ("Magda",),
    "Wojciech": ("Wojtek",),
    "Mateusz": ("Mati",),
    "Jakub": ("Kuba",),
    "Oluwaseun": ("Seun",),
    "Oluwatobiloba": ("Tobi",),
    "Chukwuemeka": ("Emeka",),
    "Abdirahman": ("Abdi",),
    "Ibrahim": ("Ibby",),
    "Gruffydd": ("Gruff",),
    "Dafydd": ("Dai",),
}

TITLES_F = ("Mrs", "Ms", "Miss")
TITLES_M = ("Mr",)

# The borough the sample school is in: the name used for the council, the police and the locations
# people give in their profiles.
TOWNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Oldham", "oldham", ("Oldham", "Chadderton", "Royton", "Shaw", "Failsworth")),
    ("Kirklees", "kirklees", ("Huddersfield", "Dewsbury", "Batley", "Holmfirth", "Mirfield")),
    ("Leicester", "leicester", ("Leicester", "Oadby", "Wigston", "Braunstone", "Belgrave")),
    ("Bradford", "bradford", ("Bradford", "Keighley", "Shipley", "Bingley", "Ilkley")),
    ("Luton", "luton", ("Luton", "Dunstable", "Houghton Regis", "Stopsley")),
    ("Slough", "slough", ("Slough", "Langley", "Burnham", "Cippenham")),
    ("Peterborough", "peterborough", ("Peterborough", "Werrington", "Orton", "Hampton")),
    ("Rochdale", "rochdale", ("Rochdale", "Heywood", "Middleton", "Littleborough")),
    ("Coventry", "coventry", ("Coventry", "Tile Hill", "Earlsdon", "Foleshill")),
    ("Newport", "newport", ("Newport", "Caerleon", "Bettws", "Rogerstone")),
    ("Sheffield", "sheffield", ("Sheffield", "Hillsborough", "Darnall", "Crookes", "Heeley")),
    ("Blackburn with Darwen", "blackburn", ("Blackburn", "Darwen", "Audley", "Livesey")),
)
ELSEWHERE = (
    "London",
    "Manchester",
    "Leeds",
    "Birmingham",
    "Glasgow",
    "Cardiff",
    "Bristol",
    "Newcastle upon Tyne",
    "Liverpool",
    "Nottingham",
    "Brighton",
    "Edinburgh",
    "Belfast",
    "Norwich",
    "UK",
    "England",
    "Lancashire",
    "Yorkshire",
    "Spain",
    "Dubai",
)

SCHOOL_STEMS = (
    "Meadowbank",
    "Ashgrove",
    "Hollins Park",
    "Brookfield",
    "Thornhill",
    "Oakwood",
    "Moorside",
    "Fairfield",
    "Heathcote",
    "Springwell",
    "Kingsmead",
    "Holybrook",
    "Westfield",
    "Elmhurst",
    "Bramley Vale",
    "Stonecross",
    "Lark Hill",
    "Whitecliffe",
    "Cherry Tree",
    "Greenacres",
    "Hawthorn Lane",
    "St Aidan's",
    "St Winefride's",
    "Holy Trinity",
    "St Oswald's",
    "Birchwood",
    "Foxhill",
    "Millbrook",
)
# (full type, short type used in the display name, handle suffix)
SCHOOL_TYPES = (
    ("Community Primary School", "Primary", "CPS"),
    ("Primary School", "Primary", "Pri"),
    ("Church of England Primary School", "CE Primary", "CE"),
    ("Catholic Primary School", "Catholic Primary", "RC"),
    ("Primary Academy", "Primary Academy", "PA"),
    ("Junior and Infant School", "J&I", "JI"),
)
CLASS_NAMES = (
    "Oak",
    "Birch",
    "Maple",
    "Cedar",
    "Elm",
    "Beech",
    "Larch",
    "Chestnut",
    "Sycamore",
    "Hawthorn",
    "Alder",
    "Pine",
    "Yew",
    "Spruce",
    "Poplar",
    "Juniper",
    "Cypress",
    "Redwood",
    "Linden",
    "Walnut",
    "Olive",
    "Acacia",
    "Magnolia",
    "Sequoia",
    "Banyan",
    "Baobab",
    "Cherry",
    "Plum",
)
