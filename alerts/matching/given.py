"""A built-in table of given names, grouped across languages and scripts, with gender.

Used to tell "Viktor Lukashenko" (another person) from "Alexander Lukashenko", and to
accept "Svetlana Tikhanovskaya" for a configured "Sviatlana Tsikhanouskaya". Only the
phonetic stem of each spelling is kept, so inflected first names (Виктора, Wiktara,
Viktoras, Marii) find their group too.
"""

from __future__ import annotations

from collections.abc import Iterable

from alerts.matching.normalize import tokens
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
pavel paval pavlo pawel paweł paul павел павал павло
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
    """Stems an inflected given name may have: also without Lithuanian -as or a case -m."""
    stem = word_key.rstrip("a")
    if len(stem) > 2 and stem[-1] in "sm":
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
