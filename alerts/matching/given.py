"""A built-in table of given names, grouped across languages and scripts, with gender.

Used to tell "Viktor Lukashenko" (another person) from "Alexander Lukashenko", and to
accept "Svetlana Tikhanovskaya" for a configured "Sviatlana Tsikhanouskaya". Only the
phonetic stem of each spelling is kept, so inflected first names (Виктора, Wiktara,
Viktoras, Marii) find their group too.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from alerts.matching.normalize import JOINER, tokens
from alerts.matching.phonetic import key

_MALE = """
alexander aleksandr aliaksandr alaksandr aleksander alexandre aleksandras oleksandr sasha sascha
  александр аляксандр олександр саша
alexei alexey aleksei aleksey aliaksei aleksiej oleksii алексей аляксей олексій
ales aleś alies алесь алесь
anatoly anatoli anatol anatolij анатолий анатоль анатолій
andrei andrey andrej andrzej andrew andrii andriy андрей андрэй андрій
anton антон
artyom artem artsiom artur артём артем арцём артур
boris barys borys борис барыс
vadim vadzim вадим вадзім
valery valeriy valer valeryi walery валерий валерый валерій
vasily vasil vasyl wasyl василий васіль василь
viktor viktar wiktar wiktor victor viktoras віктар виктор віктор
vitaly vital vitali witalij виталий віталь віталій
vladimir uladzimir vladimiras wladimir włodzimierz volodymyr volodia владимир уладзімір володимир
vladislav uladzislau vladyslav władysław владислав уладзіслаў
vyacheslav viachaslau viacheslav wiaczesław вячеслав вячаслаў
gennady henadz hienadz gennadij геннадий генадзь
georgy georgiy yury yuri yurii yuriy juri jurij jury jerzy george georg юрий юрый юрій георгий
grigory ryhor hryhoriy grzegorz gregory григорий рыгор григорій
denis dzianis denys денис дзяніс
dmitry dmitri dmitrij dmytro dzmitry dzmitryi dimitri dymitr dima дмитрий дзмітрый дмитро дима
evgeny yevgeny yauhen jauhen eugen eugeniusz evgenii євген евгений яўген
yegor egor jegor ягор егор
eduard edward eduardas эдуард эдуард едуард
ivan iwan jan john johann hans jean ivanas иван іван янка
igor ihar ihor igoris игорь ігар ігор
ilya illia ilia ilja eliasz илья ілья ілля
kirill kiryl kyrylo cyryl кирилл кірыл кирило
konstantin kanstantsin kostiantyn konstanty константин канстанцін костянтин
leonid leanid leanid леонид леанід леонід
maxim maksim maksym maxime максим максім
mikhail mikhail mikalai nikolai nikolay mykola mikołaj michael michal michał mikhailo
  михаил міхаіл николай мікалай микола міхал
nikita mikita никита мікіта
oleg aleh oleh олег алег олег
pavel paval pavlo pawel paweł paul павел павал павло павла павлу павлом
pyotr petr piotr pyatro petro peter pierre петр пётр пятро петро
roman raman раман роман
ruslan руслан
sergei sergey siarhei siarhiej serhii serhiy sergiusz serge сергей сяргей сергій
stanislav stanislau stanisław станислав станіслаў
stepan stsiapan stefan stephen степан сцяпан
taras тарас
yaroslav yaraslau jarosław ярослав яраслаў
zmitser zmicier змітер
franak франак
vincuk vintsuk вінцук
mark marek марк
lev leo leon lew liew лев леў льва льву львом льве лява
michel mikhas міхась
thomas tomasz томаш
robert роберт
david davyd давид
peter piotr
james william richard donald emmanuel olaf friedrich antony antonio joe joseph josef józef
gitanas hayim nahman tadeusz krzysztof wojciech jakub piotr
"""

_FEMALE = """
alexandra aliaksandra aleksandra oleksandra александра аляксандра олександра
alena elena yelena jelena helena olena alona hanna? елена алена алёна олена
alla алла
anastasia nastassia anastazja nastya настасся анастасия анастасія настя
anna hanna ganna anya анна ганна
antonina антонина антаніна
valentina valiantsina walentyna валентина валянціна
valeria valeryia валерия валерыя
vera vera wiera vira вера вера віра
veronika veranika вероника веранiка
viktoria viktoryia wiktoria victoria виктория вікторыя вікторія
galina halina галина галіна
daria darya daryia дарья дар'я дарʼя
ekaterina katsiaryna katarzyna kateryna katerina katya екатерина кацярына катерина катя
elizaveta elizabeth lizaveta елизавета лізавета
zhanna жанна
zoya zoja зоя
inna инна іна
irina iryna iryna ирина ірына ірина
kristina kryscina krystyna кристина крысціна
ksenia kseniya ksenija ксения ксенія
larisa larysa ларисa ларыса лариса
lyudmila liudmila ludmila людмила людміла
marina maryna марина марына
maria maryia mariya marija marie mary masha maša маша мария марыя марія
nadezhda nadzeya nadia nadiya nadzieja надежда надзея надія
natalia natallia natalya natalie наталья наталля наталія
nina нина ніна
olga volha olha olena? ольга вольга ольга
polina palina паліна полина
svetlana sviatlana swetlana swiatlana svitlana світлана святлана светлана
sofia sofiya zofia sophia софья софія
tatiana tatsiana tatyana tatjana tacciana tetiana tania tanya татьяна таццяна тетяна таня
ulyana uliana ульяна
yulia yuliya julia julija юлия юлія
lilia liliya лилия лілія
raisa раиса раіса
tamara тамара
oksana aksana аксана оксана
diana диана
emma sarah laura angela ursula kaja marta marzena agnieszka ewa eva jadwiga
"""


def _groups(block: str) -> list[list[str]]:
    groups: list[list[str]] = []
    for raw in block.strip().split("\n"):
        words = [w.strip("?") for w in raw.split()]
        if raw.startswith("  ") and groups:
            groups[-1].extend(words)
        else:
            groups.append(words)
    return groups


def given_stem(word_key: str) -> str:
    """Stem of a given name's key: trailing vowels go (Maria/Marii/Maryia -> "mar")."""
    return word_key.rstrip("a")


def given_stems(word_key: str) -> tuple[str, ...]:
    """Stems an inflected given name may have: also without a case ending's consonant
    (Lithuanian -as/-is/-os, a case -m, Georgian -s/-ma, Armenian -n/-ic)."""
    stem = word_key.rstrip("a")
    if len(stem) > 2 and stem[-1] in "smnc":
        return (stem, stem[:-1].rstrip("a"))
    return (stem,)


def spelling_key(word: str) -> str:
    return key(tokens(word)).strip()


class GivenNames:
    """Given-name stems mapped to their group id and gender ("m" or "f")."""

    __slots__ = ("_gender", "_groups", "_stems")

    def __init__(self, groups: Iterable[tuple[str, list[str]]]) -> None:
        self._stems: dict[str, set[int]] = {}
        self._groups: list[frozenset[str]] = []
        self._gender: list[str] = []
        for gender, words in groups:
            gid = len(self._groups)
            stems = frozenset(given_stem(spelling_key(w)) for w in words)
            stems = frozenset(s for s in stems if len(s) >= 2)
            self._groups.append(stems)
            self._gender.append(gender)
            for s in stems:
                self._stems.setdefault(s, set()).add(gid)

    def groups_of(self, stems: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for s in stems:
            found |= self._stems.get(s, set())
        return found

    def stems_of(self, gid: int) -> frozenset[str]:
        return self._groups[gid]

    def gender_of(self, gid: int) -> str:
        return self._gender[gid]


GIVEN = GivenNames([("m", g) for g in _groups(_MALE)] + [("f", g) for g in _groups(_FEMALE)])

# Exact spellings, for given names too short for a distinctive stem ("Anna", "Jan").
SPELLINGS = frozenset(
    tokens(w).strip() for block in (_MALE, _FEMALE) for g in _groups(block) for w in g
)


# Titles, ranks and forms of address that stand before a surname and are not given names,
# although a few are also someone's first name somewhere (Pan, Frau, King, Premier): "Pan
# Tusk", "Frau Kallas", "President Nausėda". Word-mask prefixes (lower case, marks
# stripped, Georgian and Armenian read as Cyrillic); a word counts when it starts with one.
_TITLES = """
president prezydent prezident prezidentas présid presiden президент прэзідэнт презыдэнт
prime premier premjer premiér прем'ер премьер прэм'ер
minister ministr ministre ministras ministerin министр міністр
chancellor kanzler kancl канцлер mayor maire mer burmistrz bürgerm burgomaster meras мэр мер
speaker marsza marszał спикер спікер sejm senator sénat сенатор deputy депутат
ambassador ambasad посол amba
mr mrs ms miss sir lady lord dame dr doctor prof herr frau monsieur madame mme mlle
pan pani panie panu panem pana ponas ponia pon госпо господ гаспад пан пані пане
general генерал colonel полковн major майор captain kapitan капитан капітан
judge судья суддя суддзя prosecutor прокурор
king queen prince princess könig korol король королева царь pope papa patriarch патриарх
saint st san sankt svaty svätý святой
father brother sister отец брат сестра
leader лидер лідар лідер chief head глава кіраўнік керівник
writer author poet novelist journalist activist opponent dissident писател пісьменн письменн
coach trener тренер треннер player игрок гравець
anti pro ex post pre neo non über анти про экс экс
батони калбатони президенти премьер-министри министри парон тикин нахагах
варчапет
"""
_ALL_TITLES = {tokens(w).strip().replace(JOINER, "") for w in _TITLES.split()} - {""}
# Long titles also stand for their inflected forms (prezydenta, министра); short ones, which
# begin many names (San|du, Pan|teleimon), only as themselves.
_TITLE_PREFIXES = tuple(sorted((t for t in _ALL_TITLES if len(t) >= 5), key=len, reverse=True))
_TITLE_WORDS = frozenset(t for t in _ALL_TITLES if len(t) < 5)


def is_title(word: str) -> bool:
    """A title or form of address (a word-mask word): never a given name."""
    return word in _TITLE_WORDS or word.startswith(_TITLE_PREFIXES)


# Endings a given name takes in running text, on its word-mask spelling: Slavic and
# Lithuanian cases (Domanto, Izabeli, Ивана, Arvydui), Georgian (-ма ergative, -с/-ис) and
# Armenian (-ը/-ն article, -ին, -ից) as ``scripts`` spells them. The nominative endings a
# name may have lost are those of ``_NOMINATIVE``.
_CASE_ENDINGS = (
    "iui", "ovi", "owi", "iem", "ові",
    "as", "is", "us", "os", "io", "ui", "om", "em", "ie",
    "ом", "ем", "ой", "ей", "ою", "ам", "ма", "ис", "ин", "иц", "ов",
    "a", "o", "u", "e", "i", "y", "а", "у", "е", "ы", "и", "і", "с", "н",
)  # fmt: skip
_NOMINATIVE = re.compile(r"(?:as|is|us|os|[aeiou])$")


def _stem(sk: str) -> str:
    """A name's skeleton without its nominative ending (Domantas → domant, Izabela →
    izabel, Ivan → ivan)."""
    return _NOMINATIVE.sub("", sk)


# A given name's skeleton: its spelling romanised letter by letter (the ISO 9 / BGN
# readings of Cyrillic; Georgian and Armenian arrive as Cyrillic, see ``scripts``), with the
# spellings transliteration schemes disagree on folded (y/j/й → i; sh/sch/sz/ш → S; kh/ch/х
# → H; zh/ж → Z; ts/c/ц → C; w → v; doubled letters single). Unlike the phonetic key it
# keeps the five vowels apart, so it tells names from ordinary words (Лист is not Lesta).
_ROMAN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e",
        "є": "ie", "ж": "Z", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ў": "u", "ф": "f", "х": "H", "ц": "C", "ч": "S", "ш": "S", "щ": "S",
        "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ђ": "ev", "џ": "dz",
        "ћ": "dZ", "ќ": "ks", "ѓ": "ps",
        "y": "i", "j": "i", "w": "v", "q": "k", "x": "ks",
    }
)  # fmt: skip
_FOLD = re.compile(r"shch|szcz|sch|tsch|sh|sz|ch|kh|zh|ts|tz|cz|ph|th|(.)\1")
_FOLDED = {"shch": "S", "szcz": "S", "sch": "S", "tsch": "S", "sh": "S", "sz": "S",
           "ch": "H", "kh": "H", "zh": "Z", "ts": "C", "tz": "C", "cz": "S", "ph": "f",
           "th": "t"}  # fmt: skip


def skeleton(word: str) -> str:
    """The spelling-independent form of a word-mask word, for given-name lookups."""
    w = word.translate(_ROMAN)
    w = _FOLD.sub(lambda m: _FOLDED.get(m.group(), m.group()[:1]), w)
    return w.replace("c", "C").replace("ii", "i")


# Countries and cities that are also someone's given name in the lexicon (Georgia, Sofia,
# Paris, Kaunas, Рима, Киева) stand before a surname as places far more often: "President
# of Georgia Zourabichvili", "мэр Киева Кличко", "президент России Путин". The countries of
# Europe, the Caucasus and Central Asia and their capitals and largest cities that the
# lexicon also lists as given names (found by looking each up in it), in the languages and
# scripts the matcher reads; a word that is one, or one and a case ending, is not taken
# for a given name. A place that is not in the lexicon needs no entry here. The second
# block: countries whose genitive reads as a declined given name's stem (Румынии as
# Raman's, Греции, Rosji, Britain), found by looking up every country's name, genitive and
# locative in Russian, Ukrainian, Polish, Czech, Lithuanian, German, French and English.
_PLACES = """
romania румыни румуні румунії rumuni rumunij rumäni roumani români
iran иран іран
syria сири сирі syri
china китай китая китаю кітай кітаю chin chiny chinij
argentina аргентин argentyn
britain британи британі британії брытані brytani britani
denmark дани дані danij danii
greece греци греці grecj řeck
cyprus кипр кіпр cypr kipr
slovenia словени словені słoweni sloveni
libya ливи ліві libi
tunisia тунис туніс tunezj
morocco марокко maroko
kenya кени кені keni
czechia czech czechy
italy itali італі
estonia estij estoni эстони естоні
israel израил ізраїл izrael israel
poland polen polens
russia росси расі rosj rosij russland russie rusij rusija
georgia грузи gruzj géorgie georgien sakartvel საქართველ
armenia армени armen armeni arménie hajastan
france франци franc frankreich francj
germany германи german niemc deutsch allemagne vokieti
america америк ameryk amerik
jordan иордан
moldova молдов moldav
kaunas каунас kowno
paris париж paryż
rome рим rzym roma
sofia софи sofij
victoria виктори
florence флоренц florencj
riga рига ryga rygos
odesa odessa одес
gori гори
kyiv kiev kiew kijow kijów kyjiv киев київ кіеў
tbilisi тбилис tbilis თბილის tiflis
baku баку
chisinau кишинев кишинэў kiszyni kišin
wilna вильн vilni viln
prague прага praga prah
vienna вен wien wiedni
berlin берлин berlin
warsaw варшав warszaw varšuv
minsk минск мінск mińsk minsk
moscow москв moskv moskw
"""
PLACES = frozenset(tokens(w).strip() for w in _PLACES.split()) - {""}


# The endings by length: a word's last one, two or three letters are looked up, not every
# ending tried in turn (a big watchlist asks this of every new capitalised word).
_ENDINGS = frozenset(_CASE_ENDINGS)
_ENDING_LENGTHS = tuple(sorted({len(e) for e in _CASE_ENDINGS}, reverse=True))


def _endings_of(word: str, min_stem: int) -> list[int]:
    """The lengths of the case endings ``word`` ends in, leaving at least ``min_stem``."""
    return [n for n in _ENDING_LENGTHS if len(word) - n >= min_stem and word[-n:] in _ENDINGS]


def is_place(word: str) -> bool:
    if word in PLACES:
        return True
    return any(word[:-n] in PLACES for n in _endings_of(word, 1))


class Lexicon:
    """Given names of many languages (``data/given_names.tsv.gz``, derived from
    names-dataset, Apache-2.0: see bench/make_given_names.py): is a word some given name,
    and of which gender. Kept as skeletons (``skeleton``) of their spellings and of their
    stems without the nominative ending."""

    __slots__ = ("gender", "skeletons", "stems")

    def __init__(self, gender: dict[str, str]) -> None:
        # Every skeleton with its gender ("m", "f", or "?" when names of both share it).
        self.gender = gender
        self.skeletons = frozenset(gender)
        self.stems = frozenset(st for st in map(_stem, gender) if len(st) >= 3)

    @classmethod
    def from_names(cls, rows: Iterable[tuple[str, str]]) -> Lexicon:
        """The lexicon of (name, gender) rows, as ``data/given_names.tsv.gz`` holds them."""
        gender: dict[str, str] = {}
        rows = [(n, g) for n, g in rows if n and " " not in n]
        # One pass over all names: the mask keeps lengths, so each name is a slice of it.
        mask = tokens(" ".join(n for n, _ in rows))
        at = 0
        for name, g in rows:
            t = mask[at : at + len(name)].strip().replace(JOINER, "")
            at += len(name) + 1
            if len(t) < 3 or " " in t or is_title(t):
                continue
            sk = skeleton(t)
            prev = gender.setdefault(sk, g)
            if prev != g:
                gender[sk] = "?"
        return cls(gender)

    def is_given(self, word: str) -> bool:
        if is_place(word):
            return False
        sk = skeleton(word)
        if sk in self.skeletons:
            return True
        for n in _endings_of(word, 3):
            st = skeleton(word[:-n])
            if st in self.stems or st in self.skeletons:
                return True
        return False

    def gender_of(self, word: str) -> str | None:
        g = self.gender.get(skeleton(word))
        return g if g in ("m", "f") else None


def _data(name: str) -> list[tuple[str, str]]:
    data = resources.files("alerts.matching").joinpath(f"data/{name}").read_bytes()
    return [line.partition("\t")[::2] for line in gzip.decompress(data).decode().splitlines()]


def names_rows() -> list[tuple[str, str]]:
    """The (name, gender) rows of ``data/given_names.tsv.gz``."""
    return _data("given_names.tsv.gz")


# ``Lexicon.from_names`` of the names data, written out (bench/make_given_names.py): it is
# loaded at every start, and deriving it costs 0.2 s where reading it costs a tenth of that.
# tests/test_alerts_matching_given.py proves it current.
SKELETONS = "given_skeletons.tsv.gz"


@cache
def lexicon() -> Lexicon:
    return Lexicon(dict(_data(SKELETONS)))


def skeletons_text(lex: Lexicon) -> str:
    """The contents of ``SKELETONS`` for a lexicon: "skeleton<TAB>gender" lines, sorted."""
    return "".join(f"{sk}\t{g}\n" for sk, g in sorted(lex.gender.items()))
