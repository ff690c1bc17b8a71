"""The matcher's general rules, on people who appear in no labelled set.

Each table row is one rule of ``alerts.matching`` (a declension paradigm, a transliteration
system, a script, a compound, a given name or a title) applied to a name a user might type.
"""

from __future__ import annotations

import pytest

from alerts.matching import Matcher, WatchName, spelling
from alerts.matching.given import is_title, lexicon
from alerts.matching.inflect import PATTERNS, pattern
from alerts.matching.normalize import tokens

PEOPLE = [
    "Alexei Navalny", "Yulia Navalnaya", "Volodymyr Zelensky", "Olena Zelenska",
    "Vitali Klitschko", "Irakli Kobakhidze", "Mikheil Saakashvili", "Nika Melia",
    "Gabrielius Landsbergis", "Dalia Grybauskaitė", "Valdas Adamkus", "Andrzej Duda",
    "Rafał Trzaskowski", "Pavel Latushko", "Raman Pratasevich", "Sergei Lavrov",
    "Vladimir Kara-Murza", "Yulia Tymoshenko", "Kyriakos Mitsotakis", "Maia Sandu",
    "Serzh Sargsyan", "Beata Szydło", "Viktorija Čmilytė-Nielsen", "Krišjānis Kariņš",
    "Lev Shlosberg", "Ilya Yashin", "Zurab Japaridze", "Anna Politkovskaya",
    "Yevgenia Chirikova", "Nadiya Savchenko", "Mykola Dozhenko", "Pavlo Zhezhelov",
    "Marek Dudek", "Karel Čapek", "Taras Kravets", "Tomasz Wróbel", "Angela Merkel",
    "Václav Havel", "Nino Burjanadze", "Bidzina Ivanishvili", "Dmitry Donskoy",
    "Ilham Aliyev", "Klaus Iohannis", "Benjamin Netanyahu", "Emmanuel Macron",
    "Mikhail Mishustin", "Nursultan Nazarbayev", "Kassym-Jomart Tokayev", "Ilham Aliyev",
    "Igor Matovic", "Edgars Rinkevics", "Ursula von der Leyen", "Charles de Gaulle",
    "Sadiq Khan", "Evika Siliņa", "Alar Karis", "Li Andersson", "Peter Pellegrini",
    "Zuzana Čaputová", "Alexander Stubb", "Mark Rutte", "Donald Trump", "Robert Fico",
    "Charles Michel", "Gordon Brown", "Cristiano Ronaldo", "Theresa May", "Kamala Harris",
    "Giorgi Gakharia", "Denys Shmyhal", "Kyriakos Velopoulos", "Boutros Boutros-Ghali",
    "Ramzan Kadyrov", "Lech Wałęsa", "Maria Alyokhina", "Edward Snowden", "Marine Le Pen",
    "Michael Gove", "Moon Jae-in", "David Beckham",
]  # fmt: skip


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(WatchName(key=n, name=n) for n in PEOPLE)


def _found(m: Matcher, text: str) -> set[str]:
    return {x.key for x in m.match("", text)}


# (watched name, text that names them, the rule).
MENTIONS = [
    # Adjectival surnames without -sk- (Розенталь §122): man's -y/-yi, woman's -aya.
    ("Alexei Navalny", "Сторонники Навального вышли на улицы.", "Russian genitive"),
    ("Alexei Navalny", "Prawnicy Nawalnego złożyli skargę.", "Polish genitive"),
    ("Alexei Navalny", "Advokáti Navalného podali stížnost.", "Czech genitive"),
    ("Yulia Navalnaya", "Заявление Юлии Навальной опубликовано.", "Russian genitive"),
    ("Anna Politkovskaya", "Книги Политковской переизданы.", "adjectival -skaya"),
    ("Volodymyr Zelensky", "Präsident Selenskyj sprach in Berlin.", "German З → S"),
    ("Volodymyr Zelensky", "Звернення Зеленського до парламенту.", "Ukrainian genitive"),
    ("Olena Zelenska", "Фонд Олени Зеленської відкрив школу.", "Ukrainian feminine"),
    # Lithuanian adapts a man's adjectival surname without -sk- to -as, a -oj one to -us.
    ("Alexei Navalny", "Navalno mirtis sukrėtė pasaulį.", "Lithuanian genitive (-as)"),
    ("Alexei Navalny", "Navalnui skirta paroda.", "Lithuanian dative (-as)"),
    ("Dmitry Donskoy", "Dmitrijaus Donskojaus paminklas.", "Lithuanian genitive (-us)"),
    ("Angela Merkel", "Merkelės kalba Bundestage.", "Lithuanian -ė for a foreign woman"),
    # A fleeting vowel drops before a case ending (e ruchome, pohyblivé e, випадні е).
    ("Marek Dudek", "Prokuratura przesłuchała Dudka.", "Polish genitive, -ek"),
    ("Marek Dudek", "Zarzuty postawiono Dudkowi.", "Polish dative, -ek"),
    ("Marek Dudek", "Wywiad z Markiem Dudkiem.", "Polish instrumental, -ek"),
    ("Tomasz Wróbel", "Wniosek Wróbla odrzucono.", "Polish genitive, -el"),
    ("Karel Čapek", "Cenu nakonec udělili Čapkovi.", "Czech dative, -ek"),
    ("Taras Kravets", "Кравця затримали у Львові.", "Ukrainian genitive, -ець"),
    ("Taras Kravets", "Тарасу Кравцю вручили підозру.", "Ukrainian dative, -ець"),
    ("Taras Kravets", "Дело Кравца передали в суд.", "Russian genitive, -ец"),
    # Ukrainian and Belarusian spell a Georgian -i with і; English j is дж after a consonant.
    ("Bidzina Ivanishvili", "Іванішвілі зробив заяву.", "Georgian -i, Ukrainian і"),
    ("Nino Burjanadze", "Ніно Бурджанадзе виступила в Тбілісі.", "j = дж mid-word"),
    ("Nino Burjanadze", "Нино Бурджанадзе заявила о создании партии.", "j = дж, Russian"),
    # Latin h is х and c is к when Russian writes a foreign name; kh is h in the Balkans.
    ("Ilham Aliyev", "Президент Ильхам Алиев подписал указ.", "h = х in the own first name"),
    ("Klaus Iohannis", "Президент Йоханнис заявил.", "h = х"),
    ("Kamala Harris", "Камала Харрис заявила в Вашингтоне.", "h = х, Cyrillic"),
    ("Benjamin Netanyahu", "Нетаньяху встретился с делегацией.", "h = х"),
    ("Emmanuel Macron", "Макрона критикуют в парламенте.", "c = к, Russian genitive"),
    ("Emmanuel Macron", "Makron powiedział dziennikarzom.", "c = k, Polish"),
    ("Mikhail Mishustin", "Premijer Mihail Mišustin je rekao.", "kh = h"),
    # A country before a surname is not a given name, even where its genitive reads as one.
    ("Klaus Iohannis", "Президент Румынии Йоханнис заявил.", "Румынии is no Raman"),
    ("Kyriakos Mitsotakis", "Премьер Греции Мицотакис прибыл в Брюссель.", "Греции"),
    ("Sergei Lavrov", "Szef MSZ Rosji Ławrow przyleciał do Ankary.", "Rosji"),
    ("Maia Sandu", "Președinta Moldovei Sandu a vorbit.", "Moldovei"),
    ("Irakli Kobakhidze", "Prime Minister of Georgia Kobakhidze spoke.", "Georgia"),
    # Cyrillic letters outside cp1251 (Kazakh, Azerbaijani) and the Azerbaijani schwa.
    ("Nursultan Nazarbayev", "Нұрсұлтан Назарбаев мәлімдеме жасады.", "Kazakh ұ"),
    ("Kassym-Jomart Tokayev", "Президент Тоқаев сөз сөйледі.", "Kazakh қ"),
    ("Ilham Aliyev", "Prezident İlham Əliyev bəyanat verib.", "Azerbaijani ə"),
    # A name configured without its carons is named by the word written with them.
    ("Igor Matovic", "Expremiér Matovič rokoval v Bruseli.", "č read as c"),
    ("Igor Matovic", "Rozhovor s Matovičom trval hodinu.", "č read as c, instrumental"),
    ("Edgars Rinkevics", "Valsts prezidents Rinkēvičs paziņoja.", "č read as c"),
    # Latvian -a dative; Estonian and Finnish cases of a long consonant-final name; Czech
    # and Slovak -i names and -ová cases.
    ("Evika Siliņa", "Premjerministrei Siliņai uzdeva jautājumu.", "Latvian dative -ai"),
    ("Alar Karis", "President Karise sõnul on olukord tõsine.", "Estonian genitive"),
    ("Alar Karis", "Karisele esitati küsimus.", "Estonian allative"),
    ("Li Andersson", "Anderssonin mukaan hallitus epäonnistui.", "Finnish genitive"),
    ("Peter Pellegrini", "Opozícia Pellegriniho kritizovala.", "Slovak -i genitive"),
    ("Peter Pellegrini", "Pellegrinimu poďakoval premiér.", "Slovak -i dative"),
    ("Zuzana Čaputová", "Stretnutie s Čaputovou trvalo hodinu.", "Slovak -ovou"),
    # Cyrillic -ия/-ія after и/і; a soft л before the ending; Greek -os and initial μπ γκ.
    ("Giorgi Gakharia", "Гахария заявил о создании партии.", "Russian -ия"),
    ("Giorgi Gakharia", "Партія Гахарії отримала мандати.", "Ukrainian -ії"),
    ("Denys Shmyhal", "Уряд Шмигаля подав у відставку.", "Ukrainian genitive after ль"),
    ("Kyriakos Velopoulos", "Η δήλωση του Βελόπουλου προκάλεσε αντιδράσεις.", "Greek genitive"),
    ("Kyriakos Velopoulos", "the party of Kyriakos Velopoulou's rivals", "romanised genitive"),
    ("Boutros Boutros-Ghali", "Ο Μπούτρος Γκάλι μίλησε στον ΟΗΕ.", "Greek initial μπ γκ"),
    # A lower-case particle and the word after it are one surname.
    ("Ursula von der Leyen", "Фон дер Ляйен заявила в Брюсселе.", "particle, Cyrillic"),
    ("Ursula von der Leyen", "Předsedkyně von der Leyenová řekla.", "particle, Czech -ová"),
    ("Charles de Gaulle", "De Gaulle resigned in 1969.", "particle at a sentence start"),
    ("Marine Le Pen", "Ле Пен заявила о выдвижении.", "a capitalised particle"),
    # A Latin word with other vowels than the surname's needs the first name (``vowels``).
    ("Donald Trump", "Donaldas Trampas pareiškė, kad", "other vowels, after the first name"),
    ("Donald Trump", "Трамп заявил журналистам.", "Cyrillic: the key alone decides"),
    ("Emmanuel Macron", "Makronas susitiko su kancleriu.", "the same vowels"),
    ("Alexander Stubb", "President Stubb said on Monday.", "the configured vowels"),
    ("Cristiano Ronaldo", "Ronaldo scored twice.", "a given name spelled as configured"),
    ("Charles Michel", "Michel said the summit would go on.", "the configured spelling"),
    ("Theresa May", "Prime Minister May said on Tuesday.", "short: the same word"),
    ("Theresa May", "Тереза Мэй заявила.", "short: another script after the first name"),
    # -ov/-in, -enko, -uk, -ich.
    ("Sergei Lavrov", "Встреча с Лавровым прошла в Анкаре.", "Russian instrumental"),
    ("Sergei Lavrov", "Sergej Lawrow traf seinen Amtskollegen.", "German transliteration"),
    ("Ilya Yashin", "Письмо Яшину передали адвокаты.", "-in dative"),
    ("Yevgenia Chirikova", "Евгения Чирикова вернулась в Москву.", "-ova"),
    ("Yulia Tymoshenko", "Julia Tymošenková navštívila Prahu.", "Czech -ová"),
    ("Nadiya Savchenko", "Надія Савченко залишила фракцію.", "woman's -enko"),
    ("Vitali Klitschko", "Мэр Киева Кличко объявил тревогу.", "German Klitschko = Кличко"),
    ("Vitali Klitschko", "Spotkanie z Kliczką w Kijowie.", "Polish instrumental"),
    ("Pavel Latushko", "Каманда Латушкі падрыхтавала заяву.", "Belarusian genitive"),
    ("Raman Pratasevich", "Суд над Протасевичем начался.", "-ich instrumental"),
    # Polish softening (Nagórko): -d → -dzie.
    ("Andrzej Duda", "Rozmawiano o prezydencie Dudzie.", "Polish locative"),
    ("Rafał Trzaskowski", "Тшасковский выиграл выборы мэра.", "Polish rz = ж"),
    # Lithuanian and Latvian replacement paradigms.
    ("Gabrielius Landsbergis", "Gabrieliaus Landsbergio vizitas Rygoje.", "Lithuanian genitive"),
    ("Gabrielius Landsbergis", "Встреча с Ландсбергисом в Вильнюсе.", "Russian instrumental"),
    ("Valdas Adamkus", "Prezidento Adamkaus knyga išleista.", "Lithuanian -us genitive"),
    ("Dalia Grybauskaitė", "Grybauskaitės kalba Briuselyje.", "Lithuanian -aitė genitive"),
    ("Dalia Grybauskaitė", "Даля Грибаускайте выступила в Сейме.", "Russian rendering"),
    ("Krišjānis Kariņš", "Kariņa vizīte Viļņā.", "Latvian genitive"),
    # Compound surnames (one unit, hyphenated, spaced or joined).
    ("Vladimir Kara-Murza", "Приговор Кара-Мурзе отменён.", "hyphenated, dative"),
    ("Vladimir Kara-Murza", "Vladimir Kara Murza spoke in London.", "spaced"),
    ("Viktorija Čmilytė-Nielsen", "Čmilytės-Nielsen kalba Seime.", "Lithuanian compound"),
    # Scripts: Georgian, Armenian, Greek (the Russian practical transcriptions).
    ("Irakli Kobakhidze", "კობახიძემ განცხადება გააკეთა.", "Georgian ergative, ძ = dz"),
    ("Mikheil Saakashvili", "სააკაშვილის ადვოკატი საუბრობს.", "Georgian genitive"),
    ("Nika Melia", "ნიკა მელიამ მიტინგი გამართა.", "Georgian -ia ergative"),
    ("Zurab Japaridze", "ჯაფარიძე პარლამენტში გამოვიდა.", "Georgian ჯ = dzh"),
    ("Serzh Sargsyan", "Սերժ Սարգսյանը հանդիպել է ուսանողների հետ:", "Armenian definite"),
    ("Anna Politkovskaya", "ანა პოლიტკოვსკაიამ სტატია დაწერა.", "Georgian -aya, ergative"),
    ("Anna Politkovskaya", "Աննա Պոլիտկովսկայան գրել է հոդված:", "Armenian -aya, definite"),
    ("Mikheil Saakashvili", "შეხვედრას სააკაშვილიც დაესწრო.", "Georgian particle -ც"),
    ("Kyriakos Mitsotakis", "Ο Κυριάκος Μητσοτάκης μίλησε στη Βουλή.", "Greek τσ = ts"),
    ("Kyriakos Mitsotakis", "Η κυβέρνηση Μητσοτάκη ανακοίνωσε μέτρα.", "Greek genitive"),
    # Initials, titles, apostrophes.
    ("Sergei Lavrov", "S. Lavrov met the delegation.", "own initial"),
    ("Lev Shlosberg", "Депутат Льва Шлосберга вызвали в суд.", "title before the name"),
    ("Maia Sandu", "Președinta Maia Sandu a vorbit la Chișinău.", "Romanian title"),
    # The configured spelling itself, in every case (class 1 of the issue).
    ("Beata Szydło", "Beata Szydło przemawiała w Sejmie.", "Polish woman's -o"),
    ("Mykola Dozhenko", "Le député Mykola Dojenko a été arrêté.", "French Ж → j"),
    ("Pavlo Zhezhelov", "Жежелова задержали в Москве.", "Russian genitive"),
]

# (watched name, text that does not name them, why).
NOT_MENTIONS = [
    ("David Beckham", "Victoria Beckham opened a shop.", "a given name first, not the city"),
    (
        "Andrzej Duda",
        "Duda grała do rana. Stara duda wisi na ścianie.",
        "written in lower case too",
    ),
    ("Michael Gove", "Heavy rain fell. The heavy clouds stayed.", "written in lower case too"),
    ("Maria Alyokhina", "Alekhine's Defence is a chess opening.", "-ová cases only after -ov"),
    ("Edward Snowden", "Snowdonia National Park reopened.", "no Finnish -ia"),
    ("Ramzan Kadyrov", "Кадыров-младший получил новый орден.", "a relative: -младший"),
    ("Lech Wałęsa", "Wałęsa junior startuje w wyborach.", "a relative: junior"),
    ("Lech Wałęsa", "Wałęsa młodszy powiedział, że Wałęsa nie przyjdzie.", "a relative, then"),
    ("Emmanuel Macron", "Micron Technology Shares Jump", "i for a (``vowels``)"),
    ("Alexander Stubb", "Stab Wounds Reported In City Centre", "a for u"),
    ("Mark Rutte", "Ratte und Maus im Keller.", "a for u"),
    ("Robert Fico", "Face Value Of Bonds Falls", "a for i"),
    ("Charles Michel", "Michael Jordan scored twice.", "a given name spelled otherwise"),
    ("Gordon Brown", "Brian Eno released an album.", "a given name spelled otherwise"),
    ("Theresa May", "My view is that the vote was fair.", "short: other vowels"),
    ("Theresa May", "Мы не согласны.", "short: another script alone"),
    ("Kamala Harris", "Shares fell sharply on Monday.", "h = х is for Cyrillic text only"),
    ("Sadiq Khan", "The Channel crossing was calm.", "no Finnic endings on a short stem"),
    ("Ursula von der Leyen", "Leyen is a small town.", "the word after a particle alone"),
    ("Charles de Gaulle", "Gaulle stood alone.", "the word after a particle alone"),
    ("Moon Jae-in", "Shares of Amazon In India rose.", "a first part too short to key"),
    ("Marine Le Pen", "Pen and paper were handed out.", "the word after a particle alone"),
    ("Angela Merkel", "Meghan Markle visited Nairobi.", "no fleeting-vowel locative -e"),
    ("Václav Havel", "Die Oper in Halle spielt Verdi.", "a vowelless stem too short"),
    ("Alexei Navalny", "Юлия Навальная выступила в Мюнхене.", "the other gender's form"),
    ("Alexei Navalny", "Oleg Navalny left prison in 2018.", "another person's first name"),
    ("Sergei Lavrov", "Хоккеист Дмитрий Лавров забил гол.", "another first name"),
    ("Sergei Lavrov", "V. Lavrov, a chemist, won the prize.", "another initial"),
    ("Vladimir Kara-Murza", "Ханы Мурзы правили Крымом.", "a part of the compound alone"),
    ("Andrzej Duda", "Na scenie zagrała stara duda.", "a lower-case word (bagpipe)"),
    ("Dalia Grybauskaitė", "Antanas Grybauskas laimėjo.", "the family's man's form"),
    ("Dalia Grybauskaitė", "Grybauskienė atidarė parodą.", "the married form"),
    ("Irakli Kobakhidze", "Levan Kobakhidze opened a restaurant.", "another first name"),
    ("Yulia Tymoshenko", "Олександр Тимошенко виграв турнір.", "another first name"),
    ("Olena Zelenska", "Volodymyr Zelensky spoke in Kyiv.", "the other gender's form"),
    ("Ilya Yashin", "Школу Лев Яшин назвали в честь вратаря.", "another first name"),
    ("Serzh Sargsyan", "Տիգրան Սարգսյանը հանդիպել է ուսանողների հետ:", "another first name"),
    ("Kyriakos Mitsotakis", "Ο Κωνσταντίνος Μητσοτάκης ήταν πρωθυπουργός.", "another first name"),
    # Both ж read as French j, which the key reads as й: what is left, "Elov", is too
    # little of the name to tell it from other words.
    ("Pavlo Zhezhelov", "Der Verlag Elow meldete Insolvenz.", "two sounds dropped"),
    # The French spelling (Dojenko) is read only where the j is written.
    ("Mykola Dozhenko", "Trainer Denko gewann das Rennen.", "no j, no French ж"),
]


@pytest.mark.parametrize(("name", "text", "rule"), MENTIONS)
def test_mentions(matcher: Matcher, name: str, text: str, rule: str) -> None:
    assert name in _found(matcher, text), matcher.explain(text)


def test_explain_says_why_a_word_with_other_vowels_is_not_the_name(matcher: Matcher) -> None:
    lines = matcher.explain("Micron Technology Shares Jump")
    assert any("Micron" in line and "vowels no spelling" in line for line in lines), lines


@pytest.mark.parametrize(("name", "text", "why"), NOT_MENTIONS)
def test_not_mentions(matcher: Matcher, name: str, text: str, why: str) -> None:
    assert name not in _found(matcher, text), matcher.explain(text)


# (surname, gender, pattern): the pattern ``explain`` reports.
PATTERN_CASES = [
    ("Navalny", "m", "adj"),
    ("Navalnaya", "f", "adj"),
    ("Politkovskaya", "f", "adj_sk"),
    ("Lavrov", "m", "ov"),
    ("Landsbergis", "m", "lt_m"),
    ("Grybauskaitė", "f", "lt_f"),
    ("Kariņš", "m", "lv"),
    ("Saakashvili", "m", "georgian"),
    ("Sargsyan", "m", "armenian"),
    ("Tymoshenko", "f", "o_f"),
    ("Klitschko", "m", "noun_a"),
    ("Trzaskowski", "m", "adj_sk"),
    ("Dudek", "m", "cons"),
    ("Donskoy", "m", "adj"),
]


@pytest.mark.parametrize(("surname", "gender", "expected"), PATTERN_CASES)
def test_patterns(surname: str, gender: str, expected: str) -> None:
    found = pattern(tokens(surname).strip(), gender).name
    assert found == expected
    assert found in PATTERNS


@pytest.mark.parametrize(
    ("word", "given"),
    [
        ("domantas", True), ("domanto", True), ("izabeli", True), ("катерина", True),
        ("ілья", True), ("ლევანმა", True), ("levon", True), ("дар'я", True),
        ("laiškas", False), ("часть", False), ("лист", False), ("заява", False),
        ("sikorski", False), ("lukashenko", False),
    ],
)  # fmt: skip
def test_given_name_lexicon(word: str, given: bool) -> None:
    assert lexicon().is_given(tokens(word).strip().replace("\x00", "")) is given


@pytest.mark.parametrize(
    ("word", "title"),
    [("president", True), ("prezydenta", True), ("пані", True), ("frau", True),
     ("sandu", False), ("pavel", False), ("panteleimon", False)],
)  # fmt: skip
def test_titles_are_not_given_names(word: str, title: bool) -> None:
    assert is_title(tokens(word).strip()) is title


@pytest.mark.parametrize("rule", range(len(spelling._RULES)))
def test_each_spelling_rule_starts_with_its_listed_letters(rule: int) -> None:
    """The letters listed for a rule are every letter a match of it can start with, so
    that skipping words without them changes no spelling."""
    rx, _, listed = spelling._RULES[rule]
    letters = "abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюяіўї"
    following = ["", "i", "e", "h", "z", "ь", "і", "я"]
    starts = {
        m.group()[0]
        for a in letters
        for b in letters
        for c in following
        if (m := rx.search(a + b + c)) and m.start() in (0, 1)
    } | {m.group()[0] for a in letters for c in following if (m := rx.search(a + c))}
    assert starts <= listed, rx.pattern


# Countries' names and case forms that the given-name stems would read as a name (Румынии
# as a form of Raman, Rosji of Ros…): before a surname they say where a person is from.
@pytest.mark.parametrize(
    "word",
    [
        "России", "Румынии", "Греции", "Британии", "Словении", "Кипра", "Ирана", "Сирии",
        "Китая", "Кении", "Дании", "Румунії", "Британії", "Rosji", "Rumunii", "Armenii",
        "Czech", "Chin", "Itálie", "Rumunijos", "Estijos", "Rusijos", "Romania", "Russia",
        "Georgia", "Israel", "China", "Polens", "Roumanie", "Russie",
    ],
)  # fmt: skip
def test_countries_are_not_given_names(word: str) -> None:
    from alerts.matching.context import Neighbours

    assert not Neighbours(frozenset()).info(tokens(word).strip()).given
