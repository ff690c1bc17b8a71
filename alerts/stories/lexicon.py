"""Small multilingual word lists (en ru be uk pl de lt fr ro): function words, weekdays,
months, number words. General vocabulary only; nothing here names an event."""

from __future__ import annotations

from alerts.stories.phonetic import fold

_STOP = """
a an the and or but if of to in on at by for with from into onto about over after before
since until as is are was were be been being has have had do does did will would shall
should can could may might must not no nor so than that this these those there here it its
he she they them his her their our we you your i me my who whom which what when where why
how all any both each few more most other some such only own same too very just also then
once again said says say told tells according while during against between through under
up down out off new one two three four five six seven eight nine ten first last year years
day days week weeks month months today yesterday tomorrow evening morning night people
и в во на с со к ко по за из от до о об обо у не ни но а же ли бы что как так это этот эта
эти тот та те то его ее её их он она они оно мы вы я ты для при про без над под после перед
между через который которая которые которых также уже еще ещё был была были было будет
быть есть сообщил сообщила сообщили заявил заявила году года лет день дня среди около
і ў у з са да ад па на за пры пра без над пад пасля перад паміж праз які якая якія якіх
таксама ўжо яшчэ быў была былі было будзе быць ёсць што як гэта гэты гэтая гэтыя ён яна
яны мы вы яго яе іх паведаміў паведаміла годзе гадоў дзень
та й з із зі до від від при про без над під після перед між через який яка які яких також
вже ще був була були було буде бути є що як це цей ця ці він вона вони ми ви його її їх
w we z ze na do od po za o u przy przez dla bez nad pod po przed między który która które
których także też już jeszcze był była były było będzie być jest że jak to ten ta te on
ona oni my wy jego jej ich się nie i oraz lub ale roku lat dzień
der die das den dem des ein eine einen einem einer eines und oder aber wenn von zu im in
am an auf bei mit aus für über nach vor seit bis als ist sind war waren sein hat haben
hatte wird werden wurde wurden nicht kein keine auch noch schon sich er sie es wir ihr
ihre ihren ihrem sein seine seinen seinem dass wie so nur jahr jahre jahren tag tage
ir ar bet kad kaip tai tas ta tie jo jos jų jis ji jie mes jūs į iš su be per prie po
nuo iki apie už yra buvo bus būti taip pat dar jau metų metais dieną
le la les un une des du de d l et ou mais si à au aux en dans sur sous par pour avec sans
chez entre après avant depuis est sont était étaient être a ont avait sera qui que quoi
dont où ce cet cette ces il elle ils elles nous vous son sa ses leur leurs se ne pas plus
aussi déjà encore an ans année jour
"""

STOPWORDS: frozenset[str] = frozenset(fold(w) for w in _STOP.split())

# Folded prefixes; the longest matching prefix decides. Belarusian and Ukrainian
# forms sit beside Russian ones because they inflect the same stems. A trailing "$"
# asks for the whole word, for stems that also begin common words ("средства").
_WEEKDAYS = (
    ("mon", "monday luni$ montag lundi poniedzial ponedelnik panjadzel ponedil pirmadien"),
    ("tue", "tuesday marti$ dienstag mardi wtor vtornik autorak autorka vivtor antradien"),
    (
        "wed",
        "wednesday miercuri mittwoch mercredi sroda$ srode$ srody$ sreda$ sredu$ sredy$ serad"
        " sereda$ seredu$ seredy$ treciadien",
    ),
    ("thu", "thursday joi$ donnerstag jeudi czwart chetverg chetver$ chatsver ketvirtadien"),
    ("fri", "friday vineri freitag vendredi piatek piatku pjatnits pjatnyts penktadien"),
    ("sat", "saturday sambat samstag sonnabend samedi sobot subbot subot sestadien"),
    ("sun", "sunday duminic sonntag dimanche niedziel voskresen njadzel nedil sekmadien"),
)
_MONTHS = (
    ("01", "january jan$ ianuarie januar janvier styczn janvar studzen sichn sausio"),
    ("02", "february feb$ februar fevrier lutego luty fevral ljutag ljutog ljuty vasario"),
    ("03", "march martie marz mars marca mart$ marta$ sakavik berezn kovo$"),
    ("04", "april apr$ aprilie avril kwietn kwiecien aprel krasavik kvitn balandz"),
    ("05", "mai$ maj$ maja$ mae$ travn traven geguz"),
    ("06", "june jun$ iunie juni juin czerwc czerwiec ijun cherven chervn birzel"),
    ("07", "july jul$ iulie juli juillet lipca lipiec ijul lipen lipn liepos"),
    ("08", "august aug$ aout sierpn sierpien avgust zhniun serpn rugpjuc"),
    (
        "09",
        "september sep$ sept$ septembrie septembre wrzesn wrzesien sentjabr verasn veresn rugsej",
    ),
    ("10", "october oct$ octombrie oktober octobre pazdziern oktjabr kastrychnik zhovtn spalio"),
    ("11", "november nov$ noiembrie novembre listopad nojabr listapad lapkric"),
    ("12", "december dec$ decembrie dezember decembre grudn grudz dekabr snezhn gruodz"),
)
_MULTIPLIERS = (
    (1_000, "thousand tausend mille$ milliers tys$ tis$ tysiac tysiec tysjach tukstan"),
    (1_000_000, "million milion miljon milijon mln$"),
    (1_000_000_000, "billion milliard miljard miliard milijard mlrd$ mld$"),
)
_NUMBER_WORDS = (
    (2, "two zwei deux dwa dwie dwoch dwu dva dvukh dve dzve dvokh dvi"),
    (3, "three drei trois trzy trzech tri trekh trokh trys"),
    (4, "four vier quatre cztery czterech chetyre chetyrekh chatyry chotyry keturi"),
    (5, "five funf cinq piec pieciu pjat pjati penki"),
    (6, "six sechs szesc szesciu shest shesc shist sesi sase"),
    (7, "seven sieben sept siedem siedmiu sem sjem sim septyni sapte"),
    (8, "eight acht huit osiem osmiu vosem vosim astuoni opt"),
    (9, "nine neun neuf dziewiec devjat dzevjats devyni noua"),
    (10, "ten zehn dix dziesiec desjat dzesjats desimt zece"),
    (11, "eleven elf onze jedenascie odinnadtsat adzinatstsat odynadtsjat vienuolika unsprezece"),
    (
        12,
        "twelve zwolf douze dwanascie dwunast dvenadtsat dvanatstsat dvanadtsjat dvylika"
        " doisprezece",
    ),
    (
        15,
        "fifteen funfzehn quinze pietnascie pjatnadtsat pjatnatstsat pjatnadtsjat penkiolika"
        " cincisprezece",
    ),
    (20, "twenty zwanzig vingt dwadziescia dvadtsat dvatstsat dvadtsjat dvidesimt douazeci"),
    (30, "thirty dreissig trente trzydziesci tridtsat tryjstsat trydtsjat trisdesimt treizeci"),
    (
        50,
        "fifty funfzig cinquante piecdziesiat pjatdesjat pjatdzesjat pjatdesjat penkiasdesimt"
        " cincizeci",
    ),
    (100, "hundred hundert cent sto sotni sotnja simtas suta"),
    (200, "dvesti dvukhsot dvukhstakh dzvesce dvisti dvokhsot dwiescie dvieste"),
    (300, "trista trekhsot trysta trokhsot trzysta"),
    (500, "pjatsot pjatsot piecset penkis"),
)


Table = dict[str, tuple[tuple[str, bool, object], ...]]


def _table(rows: tuple[tuple[object, str], ...]) -> Table:
    """Entries (stem, whole-word only, key), longest first, filed by their first 3 letters."""
    entries = [
        (word.rstrip("$"), word.endswith("$"), key) for key, words in rows for word in words.split()
    ]
    table: dict[str, list[tuple[str, bool, object]]] = {}
    for entry in sorted(entries, key=lambda e: -len(e[0])):
        table.setdefault(entry[0][:3], []).append(entry)
    return {head: tuple(group) for head, group in table.items()}


WEEKDAYS = _table(_WEEKDAYS)
MONTHS = _table(_MONTHS)
MULTIPLIERS = _table(_MULTIPLIERS)
# Number words inflect ("двенадцати", "dwunastu"): stems, except where a short word
# would also begin ordinary ones ("sto" / "stolica"): those must match whole.
NUMBER_WORDS = _table(
    tuple((n, " ".join(w if len(w) > 5 else w + "$" for w in words.split()))
          for n, words in _NUMBER_WORDS)
)  # fmt: skip


def lookup(table: Table, folded: str) -> object:
    """The key of the longest entry that starts (or, if marked, equals) `folded`."""
    if len(folded) < 3:
        return None
    for stem, whole, key in table.get(folded[:3], ()):
        if folded == stem or (not whole and folded.startswith(stem)):
            return key
    return None
