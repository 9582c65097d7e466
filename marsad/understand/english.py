"""English people and organisations the entity list does not know, from capitalised runs.

A run is a sequence of capitalised words (with the particles names carry: Lula da Silva, von der
Leyen, bin Salman; and the joiners organisation names carry: Bank of England, Council on
American-Islamic Relations), not crossing punctuation. Titles and roles split runs and are never
part of a name ("U.S. President Donald Trump" -> Donald Trump; "European Commission president"
names no one). A run is then read:

- an organisation when it holds a head word (Ministry, University, Party, Bank, Inc, FC...), is a
  sports club (a place's name with United, City, FC, Rovers...; Real Madrid), or is an acronym;
- an organisation, too, when its context says so though it has no head word: "Scientology
  officials", "members of the Sea Org", "Nathan Law of Demosisto", "Demosisto's Nathan Law", "the
  Church"; a name so found is a body wherever else the text writes it (``_bodies_by_context``);
  in a sports story a country's name is its national team (``find_teams``);
- a person when it has two to five name words with no place, event or building word in it
  (Aung San Suu Kyi, Luiz Inácio Lula da Silva) and evidence (``_Evidence``): a title or role
  before it (Dr, Sen., drummer, Minister of Education: the portfolio stays with the title), a
  known given name first, speech around it, an apposition (", a second-year student", ", 42,",
  "its president, X,"), its surname speaking elsewhere ("Jafari said"), a list with "and" that
  holds a person ("Ansel Adams, Chuck Close and Helmut Newton"), or, in a sports story, what
  players do ("Dries Mertens scored"); never when it rises or falls like a share ("Morgan
  Stanley fell");
- nothing when it is a place, an event or work (World Cup, Hurricane Katrina), a building or
  street (Constitution Hall), a date word, a sentence-initial word that the text also writes
  in lower case ("Officials said"), a body's role ("Senate Majority Leader"), or a word of a
  text mostly in capitals ("POLICE SAY ... NEAR CITY HALL").

A later mention by surname alone (Suu Kyi, Lula, Trump) is joined to the full name found before
it: same id, the full name shown. Each name gets a stable id derived from its normalised form.
Rule-based on purpose: no model, a few microseconds a token (see bench/understand).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from marsad.models import EntityType
from marsad.text import is_stopword
from marsad.understand.scan import Scanned, Token


# Titles and roles: they introduce a person and are never part of the name. Lower-cased.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLE_WORDS = _words(
    """mr mrs ms miss dr prof sir dame lord lady rev reverend father sister brother sen senator
    rep representative gov governor lt col capt sgt gen maj cpl adm president vice premier
    minister secretary chancellor king queen prince princess pope cardinal bishop archbishop
    judge justice chief officer detective inspector mayor congressman congresswoman ambassador
    commissioner director chairman chairwoman chair chairperson ceo cfo coo founder coach
    professor doctor deputy speaker leader spokesman spokeswoman spokesperson sheriff attorney
    superintendent councilman councilwoman councillor councilor trooper sergeant lieutenant
    captain colonel general admiral commander emperor empress sultan emir sheikh ayatollah imam
    rabbi pastor principal manager head executive actor actress singer rapper drummer
    guitarist player striker midfielder defender goalkeeper quarterback pitcher forward author
    writer novelist poet artist painter photographer journalist reporter editor correspondent
    analyst economist scientist researcher astronaut engineer lawyer prosecutor counsel
    candidate nominee incumbent challenger envoy diplomat delegate spokesmen activist
    campaigner director-general secretary-general undersecretary assistant associate acting
    interim former late then current outgoing incoming elect honorary deputy first prime
    administrator
    foreign defence defense finance interior
    socialite psychologist psychiatrist musician musicians illustrator designer athlete athletes
    photographers artists actors singers bassist vocalist pianist violinist composer conductor
    comedian filmmaker producer entrepreneur businessman businesswoman billionaire tycoon
    investor banker physicist chemist biologist virologist epidemiologist historian
    philosopher sociologist surgeon physician cardiologist architect sculptor cartoonist
    blogger broadcaster presenter columnist commentator scholar lecturer politician lawmaker
    legislator councillors activists dissident philanthropist businessmen novelists poets
    sprinter cyclist swimmer boxer golfer skier veteran legend superstar dancer skater
    explorer astronomer strategist pollster lobbyist paramedic firefighter constable priest
    monk nun cleric mufti warlord militant hacker whistleblower refugee migrant mountaineer
    tem tempore selectman selectwoman selectmen alderman alderwoman officers
    resident republican democrat coroner investigator controller comptroller clerk coun cllr
    whip incumbents finalist finalists treasurer auditor assessor magistrate registrar
    chaplain provost"""
)
# What a minister or secretary is "of": its words belong to the title, not to the name after it.
_PORTFOLIOS = _words(
    """education health finance defence defense foreign affairs interior justice culture energy
    labour labor trade transport transportation agriculture environment state home economy
    industry tourism sport sports information communications housing science technology
    welfare social public works security homeland commerce treasury veterans development
    women youth immigration war employment planning parks recreation safety utilities"""
)
# Title words that only qualify a role: alone before one capitalised word they make no name.
_QUALIFIERS = _words(
    """former late then current outgoing incoming elect honorary deputy first prime acting
    interim chief vice assistant associate foreign defence defense finance interior head
    general"""
)
# Words of a run that make it an organisation, wherever they stand in it.
_ORG_HEADS = _words(
    """ministry department departments municipality university college school academy institute institution
    bank party council agency organization organisation union association commission committee
    foundation corporation corp company co inc ltd llc plc gmbh ag sa group holdings court
    front movement army navy force forces police guard service services office board authority
    bureau administration federation league club society church parliament congress senate
    assembly cabinet government times news post journal herald tribune gazette telegraph
    guardian network television radio broadcasting press airlines airways motors industries
    technologies systems labs laboratories steel petroleum pharmaceuticals electronics
    telecom telecommunications airline shipping mining chemicals insurance securities
    bancorp watch hospital library fund trust alliance coalition
    brigade brigades battalion regiment corps commission exchange council institute
    observatory agency nations magazine weekly daily star sun mail express chronicle observer
    monitor energy metals racing division chemical technology"""
)
# Sports clubs: a place's name then one of these (Manchester United, Leeds Rovers), or one of
# _CLUB_FIRST then a place's name (Real Madrid, Bayern Munich).
_CLUB_LAST = _words(
    "united city fc afc cf rovers athletic wanderers albion hotspur rangers celtic county "
    "town villa sc"
)
_CLUB_FIRST = _words(
    "real atletico atlético bayern borussia inter ac fc olympique sporting dynamo dinamo "
    "racing deportivo athletic"
)
# Last words of places, buildings and streets: such a run is not a person or an organisation.
_PLACE_LAST = _words(
    """street st avenue ave road rd boulevard blvd lane drive highway freeway hall center centre
    park square bridge airport station stadium arena building tower palace castle cathedral
    mosque temple island islands mountain mountains mount mt river lake sea ocean bay gulf
    valley desert forest beach coast peninsula strait canal county province state district
    region township city town village heights hills falls springs plaza mall port harbor
    harbour base camp prison jail museum gallery galleries theatre theater cinema plains
    parkway trail zoo wilderness restaurant cafe grill hotel motel cemetery reservoir"""
)
# Words of events, works, products, laws: a run holding one names no person.
_MISC_WORDS = _words(
    """hurricane storm typhoon cyclone tornado operation project flight battle siege war wars
    treaty act bill law accord agreement olympics olympic games cup championship championships
    tournament festival awards award prize medal day week month year summit conference expo
    exhibition show series season election elections referendum crisis revolution challenge
    program programme plan initiative index report survey census study prize marathon open
    grand prix league bowl derby tour world internet web windows explorer iphone android
    covid coronavirus ebola aids hiv sars mers christmas easter ramadan
    eid thanksgiving halloween campaign lottery terms conditions"""
)
# lower-case halves of compounds that end a name's modifier, not a name: "Louis-based"
_COMPOUND_TAILS = _words(
    """based led backed owned run born controlled dominated funded linked affiliated
    style era made bound area wide"""
)
# words before "League" or "Cup" that make it a competition, not the body that runs it
_COMPETITIONS = _words("champions premier europa nations super conference world davis ryder")
_MONTHS_DAYS = _words(
    """january february march april may june july august september october november december
    feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday"""
)
# Lower-case words a name may hold between its capitalised words.
_PLURAL_POSSESSIVES = _words("people women children men workers")
_NAME_PARTICLES = _words(
    "da de di do dos das du del della der den van von bin binti ibn bint al el la le ter ten y e zu"
)
_ORG_JOINERS = frozenset(("of", "for", "the", "de", "du", "des", "la"))
# Acronyms that are no organisation (or are places handled elsewhere).
_NOT_ORG_ACRONYMS = _words(
    """i ii iii iv tv ok am pm ceo cfo coo gdp dna rna hiv aids covid sars mers ai it pc usb
    faq pdf mp mps md phd ba ma bsc usd eur gbp us uk usa uae eu un ad bc id vip ufo gmt utc
    est pst jr sr st mt dc lgbt lgbtq ny la nsw qld cbd nb ps ie eg iq html potus nz ksa
    cto hq pr
    unless never always breaking urgent update updated live exclusive watch video photos
    warning alert opinion analysis
    notice credit slug photo date scan writer staff source caption note editor correction
    gpa dui dwi cctv gst vat hst atm suv mri dvd gps sms ngo ngos pac ipo rsvp"""
)
# words that open sentences and are no name (when the text has them only there)
_OPENERS = _words(
    """later earlier meanwhile however yesterday today tomorrow tonight also then now still
    last next this that these those after before during since while when where why how what
    here there many several some most both each every other another such instead overall
    police officials authorities witnesses residents although though besides like unlike
    despite because unless whereas whether among including except beyond amid elsewhere
    one two three four five six seven eight nine ten dozens hundreds thousands"""
)
_MAX_NAME_WORDS = 5
_SHOUTED_MIN = 4  # words in capitals: a text mostly so is shouted, its capitals name nothing
_MIN_ACRONYM = 3  # two-letter capitals (VR, QC, XP) are rarely a body: GUM ORG P 0.748 -> 0.766
_MAX_ACRONYM = 6


@dataclass(frozen=True)
class EnglishName:
    """A person or organisation: token span [first, last], type, normalised name (the id's
    source) and the name as shown (a surname mention shows the full name)."""

    first: int
    last: int
    type: EntityType
    normalized: str
    display: str


_INNER_MARKS = ("-", "'", "\u2019", "\u2010", "\u2011")
_HYPHENS = ("-", "\u2010", "\u2011")


def _joined(text: str, left_end: int, right_start: int) -> bool:
    """Two tokens of one name: spaces on one line, or a hyphen or apostrophe inside a word."""
    gap = text[left_end:right_start]
    return (not gap.strip() and "\n" not in gap) or gap in _INNER_MARKS


def find_english_names(
    scanned: Scanned,
    taken: set[int],
    place_tokens: set[int],
    title_case: bool,
    given_names: frozenset[str] = frozenset(),
    known_people: dict[str, tuple[str, str]] | None = None,
) -> list[EnglishName]:
    """People and organisations named in an English text, in reading order. ``taken``: tokens
    of listed entities; ``place_tokens``: tokens of place mentions kept; ``title_case``: capitals
    tell nothing (a Title Case headline), only acronyms and surnames are read then;
    ``known_people``: surname -> (normalised full name, display) from earlier zones."""
    tokens = scanned.tokens
    text = scanned.text
    n = len(tokens)
    if not n:
        return []
    norms = [t.norm for t in tokens]
    capital = [text[t.start].isupper() for t in tokens]
    # as written for capitalised tokens; the others are lower case or digits, as their norm
    words = [text[t.start : t.end] if c else t.norm for t, c in zip(tokens, capital, strict=True)]
    # words the text writes in lower case somewhere: a capital at a sentence start says nothing
    lower_seen = {norm for norm, c in zip(norms, capital, strict=True) if not c}
    shouted = sum(
        1 for w, c in zip(words, capital, strict=True) if c and len(w) > 1 and w.isupper()
    )
    if shouted >= _SHOUTED_MIN and 2 * shouted > sum(1 for w in norms if w.isalpha()):
        return []  # "POLICE SAY SUSPECT ARRESTED NEAR CITY HALL": capitals tell nothing
    sentence = [t.sentence for t in tokens]
    sentence_start = [True, *(sentence[k - 1] != sentence[k] for k in range(1, n))]
    blocked = taken
    if shouted:
        # datelines, bylines and labels in capitals ("ROCKY HILL -", "BY KENT MALLETT"): no
        # acronym of a body, no name read there
        blocked = taken | _shouted_words(text, tokens, words, sentence_start)
    found: list[EnglishName] = []
    surnames = known_people if known_people is not None else {}
    leftovers: list[list[int]] = []  # runs read as nothing: a body known by its context?
    evidence = None if title_case else _evidence(scanned, norms, capital)
    # a first line in Title Case is a headline: its capitals tell nothing either
    headline = 0 if title_case else _headline_tokens(text, tokens, words, norms, lower_seen)
    k = 0
    starts = iter([i for i, c in enumerate(capital) if c])  # runs start on a capital only
    while True:
        k = next((i for i in starts if i >= k), n)
        if k >= n:
            break
        if k in blocked:
            k += 1
            continue
        # the run: capitalised words, particles and joiners between them, no punctuation
        end = k + 1
        while end < n and end not in blocked:
            if not _joined(text, tokens[end - 1].end, tokens[end].start):
                # an initial with its dot: George W. Bush
                gap = text[tokens[end - 1].end : tokens[end].start]
                if not (len(words[end - 1]) == 1 and capital[end - 1] and gap.strip() == "."):
                    break
            if (
                # Republican People's Party, Korean People's Army: a plural's possessive inside
                norms[end] == "s"
                and norms[end - 1] in _PLURAL_POSSESSIVES
                and text[tokens[end - 1].end : tokens[end].start] in _POSSESSIVE
                and end + 1 < n
                and capital[end + 1]
                and _joined(text, tokens[end].end, tokens[end + 1].start)
            ):
                end += 2
                continue
            if capital[end] or (
                # Yau Wai-ching, Kwok Ka-ki: the lower-case half of a hyphenated given name
                text[tokens[end - 1].end : tokens[end].start] in ("-", "\u2010", "\u2011")
                and capital[end - 1]
                and norms[end - 1] not in _TITLE_WORDS  # Republican-dominated
                and norms[end] not in _COMPOUND_TAILS  # St. Louis-based Peabody Energy
                and not is_stopword(norms[end], "en")
            ):
                end += 1
                continue
            if (
                (norms[end] in _NAME_PARTICLES or norms[end] in _ORG_JOINERS)
                and end + 1 < n
                and capital[end + 1]
                and end + 1 not in blocked
                and norms[end + 1] not in _MONTHS_DAYS  # on April 12
            ):
                end += 1
                continue
            break
        run = _trim(list(range(k, end)), words, norms, sentence_start, lower_seen)
        k = end
        if not run:
            continue
        names = _read_run(
            run,
            words,
            norms,
            sentence_start,
            lower_seen,
            place_tokens,
            title_case or run[0] < headline,
            surnames,
            given_names,
            trimmed=True,
            evidence=evidence,
        )
        found += names
        if not title_case and run[0] >= headline:
            # its parts between joiners that hold no name: "Critics of Scientology", "Rathbun
            # the Scientology", "Mary Jones of Quellpoint"
            if len(run) == 1:  # most runs: one word
                joiners, parts = [], [] if names else [run]
            else:
                joiners = [j for j, i in enumerate(run) if norms[i] in _ORG_JOINERS]
                parts = _split(run, joiners) if joiners else [] if names else [run]
            for part in parts:
                if names and any(x.first <= part[-1] and part[0] <= x.last for x in names):
                    continue
                while part and not capital[part[-1]]:  # Scientology-related
                    part = part[:-1]
                if joiners:
                    part = _trim(part, words, norms, sentence_start, lower_seen)
                if part and len(part) <= _MAX_NAME_WORDS:
                    leftovers.append(part)
    if leftovers and any(name.type is EntityType.PERSON for name in found):
        found, leftovers = _people_in_lists(scanned, words, norms, found, leftovers, place_tokens)
    if leftovers:
        found = _bodies_by_context(
            scanned, words, norms, found, leftovers, place_tokens, surnames, given_names
        )
    if taken:
        # "Luiz Inacio Lula da Silva" with "Lula da Silva" listed: the given names glued before
        # a listed name are his, not a person of their own
        found = [
            name
            for name in found
            if not (
                name.type is EntityType.PERSON
                and name.last + 1 in taken
                and not text[tokens[name.last].end : tokens[name.last + 1].start].strip()
            )
        ]
    # displays as written (Okonjo-Iweala keeps its hyphen); a surname mention shows the full name
    shown: dict[str, str] = {}
    for name in found:  # the first mention is the full name; later ones may be its surname
        if name.type is EntityType.PERSON and not name.display:
            shown.setdefault(
                name.normalized, text[tokens[name.first].start : tokens[name.last].end]
            )
    for key, (normalized, display) in list(surnames.items()):
        if not display and normalized in shown:
            surnames[key] = (normalized, shown[normalized])
    return [
        replace(name, display=shown.get(name.normalized, ""))
        if name.type is EntityType.PERSON and not name.display
        else name
        for name in found
    ]


def _read_run(
    run: list[int],
    words: list[str],
    norms: list[str],
    sentence_start: list[bool],
    lower_seen: set[str],
    place_tokens: set[int],
    title_case: bool,
    surnames: dict[str, tuple[str, str]],
    given_names: frozenset[str],
    trimmed: bool = False,
    evidence: _Evidence | None = None,
) -> list[EnglishName]:
    if not trimmed:
        run = _trim(run, words, norms, sentence_start, lower_seen)
    if not run:
        return []
    run_norms = [norms[i] for i in run]
    org = _organisation(run, run_norms, words, place_tokens)
    if org is not None and not title_case:
        split = _titled_inside(run, run_norms, words)
        if split is not None:
            # "Superior Court Chief Judge Lawton Stephens", "Stadium Authority Director Mary
            # Conturo": the body ends at its last head word, the person follows the title
            org_end, person_start = split
            body = _read_run(
                run[:org_end],
                words,
                norms,
                sentence_start,
                lower_seen,
                place_tokens,
                title_case,
                surnames,
                given_names,
                evidence=evidence,
            )
            return body + _person(
                run[person_start:], words, norms, True, surnames, given_names, evidence
            )
        # a person's name glued to the body: "Claudia Mo of Civic Party", "Refugee Council
        # Enver Solomon": cut where a known given name starts a name word outside the heads
        cut = _person_inside(run, run_norms, given_names)
        if cut is not None:
            out = []
            for part in (run[:cut], run[cut:]):
                out += _read_run(
                    part,
                    words,
                    norms,
                    sentence_start,
                    lower_seen,
                    place_tokens,
                    title_case,
                    surnames,
                    given_names,
                    evidence=evidence,
                )
            return out
    if org is not None:
        return [org] if not title_case or _acronym(words[run[0]]) else []
    out = []
    joiners = [
        j for j, i in enumerate(run) if norms[i] in _ORG_JOINERS and norms[i] not in _NAME_PARTICLES
    ]
    if joiners:
        # no organisation as a whole: "Officials at NASA", "Claudia Mo of Civic Party"
        for part in _split(run, joiners):
            if part[0] >= 2 and norms[part[0] - 2] in _TITLE_WORDS:
                # Minister of Education Stefania Giannini: the portfolio belongs to the title
                while part and norms[part[0]] in _PORTFOLIOS:
                    part = part[1:]
                if not part:
                    continue
                # Director of Pupil Personnel Rhonda Welch: a portfolio of words we do not
                # know ends where a given name starts a name of two words or more
                given_at = next(
                    (j for j in range(1, len(part) - 1) if norms[part[j]] in given_names), None
                )
                if given_at is not None:
                    part = part[given_at:]
            out += _read_run(
                part,
                words,
                norms,
                sentence_start,
                lower_seen,
                place_tokens,
                title_case,
                surnames,
                given_names,
                evidence=evidence,
            )
        return out
    if title_case:
        return _surname_mentions(run, norms, surnames)
    # split at titles and places: "U.S. President Donald Trump", "Afghan Ambassador ... Mohib"
    piece: list[int] = []
    # a title in lower case just before the run: "Myanmar leader Aung San Suu Kyi"
    after_title = (
        run[0] > 0 and norms[run[0] - 1] in _TITLE_WORDS and not sentence_start[run[0]]
    )  # (not "... about four finalists. Voters would")
    if after_title and evidence is not None and run[0] in evidence.apart:
        after_title = False  # Anonymous blogger, "Anon declares ...": no title across a mark
    # one word alone is a name only after a title proper: "the first Global robotics..." is not
    strong_title = after_title and norms[run[0] - 1] not in _QUALIFIERS
    for i in [*run, -1]:
        acronym = i >= 0 and _acronym(words[i]) and i not in place_tokens
        if (
            i >= 0
            and (
                norms[i] not in _TITLE_WORDS or _title_is_surname(i, run, piece, norms, given_names)
            )
            and (
                i not in place_tokens
                or _place_in_name(i, run, piece, after_title, norms, words, place_tokens)
                or _place_ends_name(i, run, piece, norms, evidence)
            )
            and not acronym
            and (norms[i] not in _ORG_JOINERS or norms[i] in _NAME_PARTICLES)
        ):
            piece.append(i)
            continue
        if piece and not (i == piece[-1] + 1 and norms[i] in _TITLE_WORDS):
            # (a piece right before a title qualifies it: "Public Safety Director Steve
            # Noonkester", "the late Bradford Woods Mayor Ted Fithian")
            titled = after_title if len(piece) > 1 else strong_title
            out += _person(piece, words, norms, titled, surnames, given_names, evidence)
        piece = []
        if acronym and not any(
            norms[j] in _MISC_WORDS or norms[j] in _PLACE_LAST for j in run if j > i
        ):
            # NASA Administrator Charles Bolden; not the first word of the name of an event or
            # a place (FIFA World Cup, NTU Hospital Station): GUM train+dev 3 false bodies fewer
            out.append(EnglishName(i, i, EntityType.ORGANIZATION, norms[i], ""))
        # FIRST Global: an acronym that spells a title word is no title
        after_title = i >= 0 and norms[i] in _TITLE_WORDS and not acronym
        strong_title = after_title and norms[i] not in _QUALIFIERS
    return out


# Title words that are common surnames too: at the end of a name they are its surname
_SURNAME_TITLES = _words("king pope bishop judge boxer prince")
_SUFFIXES = _words("jr sr ii iii iv")


def _title_is_surname(
    i: int, run: list[int], piece: list[int], norms: list[str], given_names: frozenset[str]
) -> bool:
    """A title word that ends a name begun by a given name: "Evan P. King", "Sonia Correa
    Pope", "Martin Luther King Jr." (not "Senate President", not "Bradford Woods Mayor")."""
    return (
        norms[i] in _SURNAME_TITLES
        and bool(piece)
        and norms[piece[0]] in given_names
        and all(norms[j] in _SUFFIXES for j in run if j > i)
    )


def _place_in_name(
    i: int,
    run: list[int],
    piece: list[int],
    after_title: bool,
    norms: list[str],
    words: list[str],
    place_tokens: set[int],
) -> bool:
    """A place's word that starts a person's name right after a title: "Dr Amara Okafor",
    "Mayor London Breed" (the next word is a plain capitalised name word; "the current New
    Zealand flag" has a qualifier, not a title, and a place after it)."""
    return (
        not piece
        and after_title
        and i > 0
        and norms[i - 1] in _APPOSITION_ROLES
        and i + 1 <= run[-1]
        and i + 1 not in place_tokens
        and words[i + 1][:1].isupper()
        and norms[i + 1] not in _TITLE_WORDS
        and norms[i + 1] not in _ORG_HEADS
        and norms[i + 1] not in _PLACE_LAST
    )


def _place_ends_name(
    i: int, run: list[int], piece: list[int], norms: list[str], evidence: _Evidence | None
) -> bool:
    """A place's word that ends a two-word person's name told by an apposition: "Valeska Paris,
    an Australian woman" (not "Downtown Paris, a city": a city is no person)."""
    return (
        evidence is not None
        and i == run[-1]
        and len(piece) == 1
        and i in evidence.apposed_after
        and norms[piece[0]] not in _ORG_HEADS
    )


def _trim(
    run: list[int],
    words: list[str],
    norms: list[str],
    sentence_start: list[bool],
    lower_seen: set[str],
) -> list[int]:
    """The run without its leading words that are not names (The, In, a sentence-initial
    common word) and trailing joiners."""
    while run and (
        is_stopword(norms[run[0]], "en")
        # a particle or joiner, but not in capitals: LA Weekly
        or (
            (norms[run[0]] in _NAME_PARTICLES or norms[run[0]] in _ORG_JOINERS)
            and not words[run[0]].isupper()
        )
        or (
            sentence_start[run[0]]
            # a title opening a sentence stays: the run is split at it ("Director of Public
            # Works Eric Hood said")
            and (norms[run[0]] not in _TITLE_WORDS or len(run) == 1)
            and (
                norms[run[0]] in lower_seen
                or norms[run[0]] in _OPENERS
                or (norms[run[0]].endswith("ly") and len(run) > 1)
            )
        )
    ):
        run = run[1:]
    while run and (norms[run[-1]] in _ORG_JOINERS or norms[run[-1]] in _NAME_PARTICLES):
        run = run[:-1]
    return run


# A body named without a head word is told by what stands around it: "Scientology officials",
# "the Hamas website", "members of the Sea Org", "Nathan Law of Demosisto", "Youngspiration's
# Baggio Leung", "the Church" (a head word alone, mid-sentence, after "the"). A name so found
# is then a body wherever else the text writes it ("Wikinews has learned").
_BODY_AFTER = _words(
    """officials official spokesman spokeswoman spokesperson spokespeople executives employees
    staff staffers reporters journalists members lawyers attorneys website homepage
    headquarters shareholders leadership"""
)
_MEMBERS = _words(
    """members member critics officials employees staff leader leaders head founder founders
    spokesman spokeswoman spokesperson defector defectors executive executives ceo chairman
    chairwoman shares shareholders"""
)
# head words that alone, after "the", name one body (not "the Government": whose?)
_THE_HEADS = _words(
    """church court party army navy senate congress parliament council commission ministry
    agency bureau federation league union times guardian telegraph herald tribune gazette
    chronicle"""
)
# lower-case nouns that say what kind of body the name after them is
_KIND_NOUNS = _words(
    """magazine journal newspaper tabloid daily weekly broadcaster network channel group
    organisation organization company firm party band team club charity agency airline
    carrier bank union publisher label studio startup retailer manufacturer
    developer insurer movement faction militia"""
)
# Arsenal beat Leeds United 3-1: the sides of a result, in a sentence that holds its score
_RESULT_VERBS = _words("beat beats defeated defeat drew edged thrashed routed overcame")
_SCORE_MARKS = ("-", "\u2013", "\u2014")
_CUES_AFTER = _BODY_AFTER | _RESULT_VERBS | {"s"}
_CUES_BEFORE = frozenset(("the", "of", "for", "from")) | _KIND_NOUNS | _RESULT_VERBS
_JOINING = _words("joined join joins joining left leave leaves leaving quit quits")
# single words ending so are adjectives of peoples or parties (Chinese, Republican, Islamic,
# Israeli), which stand before "officials" without being a body
_ADJECTIVE_ENDINGS = (
    "an",
    "ese",
    "ish",
    "ic",
    "i",
    "ural",
    "ional",
    "ical",
    "eral",
    "obal",
    "ital",
)
_POSSESSIVE = ("'", "\u2019")
# endings of English towns' names (Annville, Myerstown, Chiefland, Harrisburg)
_TOWN_ENDINGS = (
    "ville",
    "town",
    "land",
    "burg",
    "burgh",
    "boro",
    "borough",
    "field",
    "ford",
    "ton",
    "wood",
    "dale",
    "port",
    "view",
    "mont",
    "ham",
    "shire",
    "chester",
    "bury",
)


def _bodies_by_context(
    scanned: Scanned,
    words: list[str],
    norms: list[str],
    found: list[EnglishName],
    leftovers: list[list[int]],
    place_tokens: set[int],
    surnames: dict[str, tuple[str, str]],
    given_names: frozenset[str],
) -> list[EnglishName]:
    """``found`` with the leftover runs that name a body by their context, and the leftover
    runs that repeat a body so named (see _BODY_AFTER)."""
    person_first = {f.first for f in found if f.type is EntityType.PERSON}
    person_last = {f.last for f in found if f.type is EntityType.PERSON}
    n = len(norms)
    bodies = set()
    for run in leftovers:
        # most runs stand between words that say nothing of a body: skip them cheaply
        if (run[-1] + 1 >= n or norms[run[-1] + 1] not in _CUES_AFTER) and (
            run[0] == 0 or norms[run[0] - 1] not in _CUES_BEFORE
        ):
            continue
        key = " ".join(norms[i] for i in run)
        if (
            len(run) == 1
            and key in _ORG_HEADS
            and (
                run[0] == 0
                or scanned.tokens[run[0] - 1].sentence != scanned.tokens[run[0]].sentence
            )
        ):
            continue  # "Board members are waiting": a head word capitalised as a sentence opens
        if _body_context(scanned, words, run, key, person_first, person_last) and _may_be_body(
            words, norms, run, key, place_tokens, surnames, given_names
        ):
            bodies.add(key)
    if not bodies:
        return found
    keys = [" ".join(norms[i] for i in run) for run in leftovers]
    added = [
        EnglishName(run[0], run[-1], EntityType.ORGANIZATION, key, "")
        for run, key in zip(leftovers, keys, strict=True)
        if key in bodies
        and _may_be_body(words, norms, run, key, place_tokens, surnames, given_names)
    ]
    return sorted([*found, *added], key=lambda name: name.first)


_LIST_AND = frozenset(("and", "or"))


def _people_in_lists(
    scanned: Scanned,
    words: list[str],
    norms: list[str],
    found: list[EnglishName],
    leftovers: list[list[int]],
    place_tokens: set[int],
) -> tuple[list[EnglishName], list[list[int]]]:
    """Runs of two to four plain name words listed with people ("such as Ansel Adams, Chuck
    Close, Walker Evans and Helmut Newton") are people: a list joined by commas and an "and"
    or "or" that holds a person found by other evidence. A list of commas alone is not one
    ("John Smith, Acme Widgets"). Returns ``found`` with them, and the leftovers not taken."""
    tokens, text = scanned.tokens, scanned.text
    n = len(tokens)

    def _hyphen_after(i: int) -> bool:
        return i + 1 < n and text[tokens[i].end : tokens[i + 1].start] in _HYPHENS

    def tails(run: list[int]) -> list[int]:  # Leung Che-cheung: the lower-case half is his
        end = run[-1]
        while end + 1 < n and text[tokens[end].end : tokens[end + 1].start] in _HYPHENS:
            end += 1
        return list(range(run[0], end + 1))

    candidates = [
        run
        for run in map(tails, [r for r in leftovers if len(r) > 1 or _hyphen_after(r[-1])])
        if 2 <= len(run) <= 4
        and not any(i in place_tokens for i in run)
        and words[run[0]][:1].isupper()
        and not any(words[i].isupper() for i in run)
        and _plain_names([norms[i] for i in run])
    ]
    if not candidates:
        return found, leftovers
    people = [(f.first, f.last) for f in found if f.type is EntityType.PERSON]
    bodies = [(f.first, f.last) for f in found if f.type is EntityType.ORGANIZATION]
    taken = _listed(scanned, norms, people, bodies, candidates)  # no body in a list of people
    if not taken:
        return found, leftovers
    added = []
    for run in candidates:
        if run[0] in taken:
            key = " ".join(norms[i] for i in run)
            added.append(EnglishName(run[0], run[-1], EntityType.PERSON, key, ""))
    rest = [run for run in leftovers if run[0] not in taken]
    return sorted([*found, *added], key=lambda name: name.first), rest


def _listed(
    scanned: Scanned,
    norms: list[str],
    known: list[tuple[int, int]],
    others: list[tuple[int, int]],
    candidates: list[list[int]],
) -> set[int]:
    """First tokens of the ``candidates`` that stand in one list with a ``known`` span: runs
    joined by commas and at least one "and" or "or", no span of ``others`` among them."""
    tokens, text = scanned.tokens, scanned.text
    members = sorted(
        [(r[0], r[-1], 1) for r in candidates]
        + [(a, b, 0) for a, b in known]
        + [(a, b, 2) for a, b in others]
    )

    def link(left: int, right: int) -> str:  # "," or "and" when one list goes on; else ""
        gap = text[tokens[left].end : tokens[right].start].strip()
        if right == left + 1:
            return "," if gap == "," else ""
        if right == left + 2 and norms[left + 1] in _LIST_AND:
            before = text[tokens[left].end : tokens[left + 1].start].strip()
            after = text[tokens[left + 1].end : tokens[right].start].strip()
            return "and" if before in ("", ",") and not after else ""
        return ""

    taken: set[int] = set()
    chain = [members[0]]
    for member in [*members[1:], None]:
        if member is not None and link(chain[-1][1], member[0]):
            chain.append(member)
            continue
        # the chain ends: a list with an "and" and a known span takes its candidates
        kinds = {c[2] for c in chain}
        if (
            len(chain) > 1
            and 0 in kinds
            and 2 not in kinds
            and "and" in [link(a[1], b[0]) for a, b in pairwise(chain)]
        ):
            taken.update(c[0] for c in chain if c[2] == 1)
        if member is not None:
            chain = [member]
    return taken


def _may_be_body(
    words: list[str],
    norms: list[str],
    run: list[int],
    key: str,
    place_tokens: set[int],
    surnames: dict[str, tuple[str, str]],
    given_names: frozenset[str],
) -> bool:
    """A run that may name a body: no place, person, title, date or event word in it."""
    run_norms = [norms[i] for i in run]
    return not (
        any(i in place_tokens for i in run)
        or key in surnames
        or run_norms[0] in given_names
        or run_norms[-1] in _PLACE_LAST
        or any(w in _TITLE_WORDS or w in _MONTHS_DAYS or w in _MISC_WORDS for w in run_norms)
        or not all(
            words[i][:1].isupper() or w in _ORG_JOINERS for i, w in zip(run, run_norms, strict=True)
        )
        or (len(run) == 1 and key.endswith(_ADJECTIVE_ENDINGS) and key not in _ORG_HEADS)
    )


def _body_context(
    scanned: Scanned,
    words: list[str],
    run: list[int],
    key: str,
    person_first: set[int],
    person_last: set[int],
) -> bool:
    """What stands around the run says it is a body (see _BODY_AFTER)."""
    tokens, text = scanned.tokens, scanned.text
    n = len(tokens)
    first, last = run[0], run[-1]
    before = first - 1
    the = before >= 0 and tokens[before].norm == "the"
    if the:
        before -= 1
    after = last + 1
    prev = tokens[before].norm if before >= 0 else ""
    nxt = tokens[after].norm if after < n else ""
    return (
        # Scientology officials
        (nxt in _BODY_AFTER and _joined(text, tokens[last].end, tokens[after].start))
        # Arsenal beat Leeds United 3-1
        or ((nxt in _RESULT_VERBS or prev in _RESULT_VERBS) and _scored(scanned, first))
        # members of the Sea Org; joined the Sea Org
        or (prev in ("of", "for", "from") and before >= 1 and tokens[before - 1].norm in _MEMBERS)
        or (the and prev in _JOINING)
        # Nathan Law of Demosisto (not "Stephen Davis, of Chiefland": a hometown)
        or (
            prev == "of"
            and before - 1 in person_last
            and _joined(text, tokens[before - 1].end, tokens[before].start)
            and not _name_goes_on(scanned, words, after)
            # Leo Drexler of Annville: a town's name (clubs named so are told by a score)
            and not (len(run) == 1 and key.endswith(_TOWN_ENDINGS))
        )
        # the secularist magazine MicroMega, localist group Youngspiration
        or (
            prev in _KIND_NOUNS
            and not words[before][:1].isupper()
            and _joined(text, tokens[before].end, tokens[before + 1].start)
            and not _name_goes_on(scanned, words, after)
        )
        # Youngspiration's Baggio Leung
        or (
            nxt == "s"
            and after + 1 in person_first
            and text[tokens[last].end : tokens[after].start] in _POSSESSIVE
        )
        # the Church, the Court: a head word alone names the body the text is about
        or (
            the
            and len(run) == 1
            and key in _THE_HEADS
            and tokens[first].sentence == tokens[first - 1].sentence
            and nxt not in ("on", "of", "for")
        )
    )


# National teams: in a sports story a country's name is often its team ("Sweden faced South
# Korea", "Belgium 3 - 0 Panama", "Tunisia's coach"). A story is about sport when it holds
# _SPORT_STORY_MIN of these words (a political story may say "won" or "match", rarely "goal"
# three times); a country named in one of its sentences holding a sports word is then a team,
# unless it is where something happens (in Russia, from Brazil).
_SPORT_STRONG = _words(
    """goal goals goalkeeper striker midfielder defender referee penalty stadium football
    soccer footballer wicket wickets innings halftime half-time substituted substitute
    equaliser equalizer fifa uefa rugby cricket hockey basketball"""
)
_SPORT_WORDS = _SPORT_STRONG | _words(
    """match matches game games cup tournament league final finals semi-final quarter-final
    coach captain squad team scored score scoring win wins won beat beats defeated defeat
    lost draw drew faced face points victory possession kick corner header minute debutants
    champions championship qualifier qualifiers group lead equalise equalize"""
)
_SPORT_STORY_MIN = 3
_PLAYER_VERBS = _words(
    """scored scores netted headed booked replaced substituted equalised equalized doubled
    converted missed saved assisted dribbled fouled"""
)
_PLAYER_NOUNS = _words("header assist attempt shot goal strike cross pass free-kick penalty")
_PLAYER_BEFORE = _words("replaced substituted")
# a run that rises or falls like a share, or whose shares are, is a company, not a person
_MARKET_VERBS = _words(
    """rose fell gained slipped dropped jumped surged climbed tumbled plunged soared dipped
    slumped rallied"""
)
_SHARES = _words("shares stock stocks")
_PLAYER_CUES = _PLAYER_VERBS | _PLAYER_BEFORE | _PLAYER_NOUNS
_WHERE = _words("in at from inside across throughout near within into")


def find_teams(scanned: Scanned, countries: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The country names (token spans) of ``countries`` that stand for a national team."""
    tokens = scanned.tokens
    if not countries or sum(t.norm in _SPORT_STRONG for t in tokens) < _SPORT_STORY_MIN:
        return []
    sporting = {t.sentence for t in tokens if t.norm in _SPORT_WORDS}
    teams = []
    for first, last in countries:
        score = (last + 1 < len(tokens) and tokens[last + 1].norm.isdigit()) or (
            first > 0 and tokens[first - 1].norm.isdigit()
        )
        where = first > 0 and tokens[first - 1].norm in _WHERE
        if score or (tokens[first].sentence in sporting and not where):
            teams.append((first, last))
    return teams


def _scored(scanned: Scanned, at: int) -> bool:
    """The sentence of token ``at`` holds a score: two numbers joined by a dash (3-1, 2 – 0)."""
    tokens, text = scanned.tokens, scanned.text
    sentence = tokens[at].sentence
    k = at
    while k > 0 and tokens[k - 1].sentence == sentence:
        k -= 1
    while k + 1 < len(tokens) and tokens[k + 1].sentence == sentence:
        if (
            tokens[k].norm.isdigit()
            and tokens[k + 1].norm.isdigit()
            and text[tokens[k].end : tokens[k + 1].start].strip() in _SCORE_MARKS
        ):
            return True
        k += 1
    return False


def _name_goes_on(scanned: Scanned, words: list[str], after: int) -> bool:
    """The name goes on past the run: Studio 54, The Globe and Mail, New People's Party."""
    tokens, text = scanned.tokens, scanned.text
    if after >= len(tokens):
        return False
    if text[tokens[after - 1].end : tokens[after].start] == ".":
        return True  # Secunia.com, Scientology.org
    if not _joined(text, tokens[after - 1].end, tokens[after].start):
        return False
    nxt = tokens[after].norm
    return nxt.isdigit() or (
        nxt in ("and", "s") and after + 1 < len(tokens) and words[after + 1][:1].isupper()
    )


def is_club(normalized: str) -> bool:
    """A sports club's name (Manchester United, Real Madrid): its place stands for the club."""
    words = normalized.split()
    return len(words) >= 2 and (words[-1] in _CLUB_LAST or words[0] in _CLUB_FIRST)


def _person_inside(run: list[int], run_norms: list[str], given: frozenset[str]) -> int | None:
    """Where a person's name starts inside an organisation's run (index in run), if it does:
    before "of" when the words before it start with a given name and hold no head, or after
    the last head word when a given name follows it."""
    heads = [j for j, w in enumerate(run_norms) if w in _ORG_HEADS]
    if not heads:
        return None
    if "of" in run_norms:
        j = run_norms.index("of")
        if (
            0 < j < heads[0]
            and (
                run_norms[0] in given
                or (j in _NAME_WORDS and _plain_names(run_norms[:j]))
                # Judge Thomas B. Hoover of New Kent County Circuit Court
                or (j > 1 and run_norms[0] in _TITLE_WORDS and _plain_names(run_norms[1:j]))
            )
        ):
            return j  # the person is run[:j]; run[j] is "of", dropped as a leading joiner
    last = heads[-1]
    if last + 2 < len(run) and run_norms[last + 1] in given:
        return last + 1
    # "Refugee Council Enver Solomon": two plain name words after the last head are a person
    if len(run) - last - 1 == 2 and _plain_names(run_norms[last + 1 :]):
        return last + 1
    return None


def _titled_inside(
    run: list[int], run_norms: list[str], words: list[str]
) -> tuple[int, int] | None:
    """(end of the body, start of the person) when a title stands after the body's last head
    word and a person's name after the title: "Carthage Police Chief Chris McKenzie", "Senate
    President Pro Tem Glenn McConnell", "Charleston Police Department Public Information
    Officer Charles Francis" (the words between the head and the title belong to the title)."""
    heads = [j for j, w in enumerate(run_norms) if w in _ORG_HEADS]
    if not heads:
        return None
    last = heads[-1]
    title = next((j for j in range(last + 1, len(run)) if run_norms[j] in _TITLE_WORDS), None)
    if title is None:
        return None
    start = title
    while start < len(run) and (
        run_norms[start] in _TITLE_WORDS or run_norms[start : start + 2] == ["pro", "tem"]
    ):
        start += 1
    name = run[start:]
    if not (
        1 <= len(name) <= _MAX_NAME_WORDS - 1
        and _plain_names(run_norms[start:])
        and all(
            words[i][:1].isupper() and not (len(words[i]) > 1 and words[i].isupper()) for i in name
        )
    ):
        return None
    return last + 1, start


_NAME_WORDS = (2, 3)  # words of a person's name before "of": "Jann Wenner of Rolling Stone"


def _plain_names(norms: list[str]) -> bool:
    """Words that may all be a person's name: no title, head, place, event or joiner word."""
    return all(
        w not in _TITLE_WORDS
        and w not in _ORG_HEADS
        and w not in _PLACE_LAST
        and w not in _MISC_WORDS
        and w not in _ORG_JOINERS
        and w not in _CLUB_LAST
        and w.isalpha()
        for w in norms
    )


def _split(run: list[int], at: list[int]) -> list[list[int]]:
    parts, start = [], 0
    for j in at:
        parts.append(run[start:j])
        start = j + 1
    parts.append(run[start:])
    return [p for p in parts if p]


_HEADLINE_MIN = 4  # words: "Richard Days Dead At 84"; "By Jane Doe" is a byline


def _headline_tokens(
    text: str, tokens: Sequence[Token], words: list[str], norms: list[str], lower_seen: set[str]
) -> int:
    """How many tokens a first line in Title Case holds (0 when there is none): a line with no
    final stop whose every word but short stop words is capitalised, one of them a stop word or
    a word the text writes in lower case ("Rocky Hill Tax Credits Available")."""
    end = text.find("\n")
    if end < 0:
        return 0
    count = 0
    while count < len(tokens) and tokens[count].start < end:
        count += 1
    line = text[:end].rstrip()
    alpha = [j for j in range(count) if norms[j].isalpha()]
    if len(alpha) < _HEADLINE_MIN or line.endswith((".", "?", "!", ":")) or norms[0] == "by":
        return 0
    capital = [j for j in alpha if words[j][:1].isupper()]
    if any(
        j not in capital and not (is_stopword(norms[j], "en") and len(norms[j]) <= 3) for j in alpha
    ):
        return 0
    told = any(is_stopword(norms[j], "en") or norms[j] in lower_seen for j in capital[1:])
    return count if told else 0


# Two-letter capitals that stand beside an acronym without shouting: "US FDA", "UN OCHA"
_BESIDE_ACRONYMS = _words("us uk un eu")
_DATELINE_MARKS = ("-", "--", "\u2013", "\u2014")


def _shouted_words(
    text: str, tokens: Sequence[Token], words: list[str], sentence_start: list[bool]
) -> set[int]:
    """Words in capitals that are no acronym: two or more side by side ("ROCKY HILL", "BY KENT
    MALLETT", "PHOTO DATE", "ISLE OF PALMS") or one opening a dateline ("HUDSON -- Officials",
    "ST. PARIS \u2014")."""

    def caps(i: int) -> bool:
        w = words[i]
        return len(w) > 1 and w.isupper() and w.isalpha()

    out: set[int] = set()
    n = len(tokens)
    for i in range(n):
        if not caps(i):
            continue
        gap_after = text[tokens[i].end : tokens[i + 1].start] if i + 1 < n else ""
        # "ISLE OF PALMS": a word in capitals two tokens on, over a joiner in capitals
        nxt = i + 1
        if nxt < n and words[nxt] in ("OF", "AND", "THE") and not gap_after.strip():
            nxt += 1
        pair = (
            nxt < n
            and caps(nxt)
            and text[tokens[nxt - 1].end : tokens[nxt].start].strip() in ("", ".")
            and "\n" not in text[tokens[i].end : tokens[nxt].start]
            and not {words[i].lower(), words[nxt].lower()} & _BESIDE_ACRONYMS
        )
        if pair:
            out.update(range(i, nxt + 1))
        elif gap_after.strip() in _DATELINE_MARKS and (
            sentence_start[i] or i in out or text[: tokens[i].start].endswith("\n")
        ):
            out.add(i)
    return out


_ROMAN = frozenset("IVXLCDM")


def _acronym(word: str) -> bool:
    return (
        _MIN_ACRONYM <= len(word) <= _MAX_ACRONYM
        and word.isupper()
        and word.isalpha()
        and word.lower() not in _NOT_ORG_ACRONYMS
        and not is_stopword(word.lower(), "en")  # NOT, in capitals for stress
        and not set(word) <= _ROMAN  # XVII
    )


def _organisation(
    run: list[int], run_norms: list[str], words: list[str], place_tokens: set[int]
) -> EnglishName | None:
    if len(run) == 2 and run_norms[0] in _CLUB_FIRST and run[1] in place_tokens:
        # Bayern Munich: both words are places, the pair is the club
        return EnglishName(run[0], run[-1], EntityType.ORGANIZATION, " ".join(run_norms), "")
    if all(i in place_tokens for i in run):
        return None
    if len(run) >= 2 and not _MONTHS_DAYS.isdisjoint(run_norms[:-1]):
        # Last March Parliament voted: the body starts after the date
        cut = max(j for j, w in enumerate(run_norms[:-1]) if w in _MONTHS_DAYS) + 1
        return _organisation(run[cut:], run_norms[cut:], words, place_tokens)
    if (
        len(run) >= 2
        and run_norms[-1] in _APPOSITION_ROLES  # a role, not a qualifier (Ministry of Defence)
        and run_norms[-1] not in _ORG_HEADS
        and run_norms[-1] not in _PORTFOLIOS
    ):
        # Senate Majority Leader: a role of the body, which ends at its last head word
        heads = [j for j, w in enumerate(run_norms) if w in _ORG_HEADS]
        if not heads:
            return None
        cut = heads[-1] + 1
        return _organisation(run[:cut], run_norms[:cut], words, place_tokens)
    is_org = False
    if len(run) >= 2:
        heads = [j for j, w in enumerate(run_norms) if w in _ORG_HEADS]
        # "United" is a head only as a club's last word (Manchester United, not United States)
        is_org = bool(heads) and not all(run_norms[j] in ("nations",) for j in heads)
        last, first = run_norms[-1], run_norms[0]
        if last in _CLUB_LAST and run[-2] in place_tokens:
            is_org = True  # Manchester United, Leeds Rovers
        if first in _CLUB_FIRST and run[1] in place_tokens:
            is_org = True  # Real Madrid, Bayern Munich
        if last in _PLACE_LAST and last not in _ORG_HEADS:
            return None
        # Australian Centre for Control of ..., Center for Strategic Studies: a body
        is_org = is_org or any(
            w in ("centre", "center") and run_norms[j + 1] in ("for", "of", "on")
            for j, w in enumerate(run_norms[:-1])
        )
    elif _acronym(words[run[0]]) and run[0] not in place_tokens:
        is_org = True  # NASA, FBI
    if not is_org or (
        len(run) >= 2 and run_norms[-1] in ("league", "cup") and run_norms[-2] in _COMPETITIONS
    ):
        return None  # the Champions League, the Premier League: a competition, not a body
    name = " ".join(run_norms)
    return EnglishName(run[0], run[-1], EntityType.ORGANIZATION, name, "")


def _person(
    piece: list[int],
    words: list[str],
    norms: list[str],
    after_title: bool,
    surnames: dict[str, tuple[str, str]],
    given_names: frozenset[str],
    evidence: _Evidence | None = None,
) -> list[EnglishName]:
    piece_norms = [norms[i] for i in piece]
    if any(
        w in _MONTHS_DAYS or w in _MISC_WORDS or w in _PLACE_LAST or w in _ORG_HEADS
        for w in piece_norms
    ):
        return []
    if any(not any(c.isalpha() for c in words[i]) for i in piece):
        return []
    name_words = [w for w in piece_norms if w not in _NAME_PARTICLES]
    if " ".join(piece_norms) in surnames:  # Suu Kyi after Aung San Suu Kyi
        return _surname_mentions(piece, norms, surnames)
    if len(piece) == 1:
        if (
            after_title
            and not words[piece[0]].isupper()
            and not is_stopword(piece_norms[0], "en")  # Doctor Who
        ):
            # Mr Smith, President Macron: a title makes one capitalised word a name
            normalized = piece_norms[0]
            full = surnames.get(normalized, (normalized, words[piece[0]]))
            return [EnglishName(piece[0], piece[0], EntityType.PERSON, full[0], full[1])]
        return _surname_mentions(piece, norms, surnames)
    if len(name_words) > _MAX_NAME_WORDS or any(
        words[i].isupper() and len(words[i]) > 1 for i in piece
    ):
        return []
    # a run of name words is a person only with evidence: a title before it, a known given name
    # first, or speech around it (on GUM news: precision 0.63 -> 0.88 for recall 0.73 -> 0.61)
    if evidence is not None and evidence.company(piece):
        return []
    if (
        not after_title
        and piece[0] > 0
        and norms[piece[0] - 1] == "the"
        and not _modifier(piece, norms, words, given_names)
    ):
        # "the Santa Ana Zoo", "the Roman Inquisition", "the Oliver Smith Will": a name after
        # "the" is a thing's or a place's (LGL dev: 17 of 17 so read), but for a person's
        # name qualifying a noun: "the Tom Cruise video" (GUM train: 5)
        return []
    if not (
        after_title
        or piece_norms[0] in given_names
        or _speaker(piece, norms)
        or (evidence is not None and evidence.holds(piece, piece_norms))
    ):
        return []
    normalized = " ".join(piece_norms)
    display = ""  # the text of the span, filled in by find_english_names
    # later mentions by surname: the last word, and a two-word surname (Suu Kyi, Lula da Silva)
    surnames.setdefault(piece_norms[-1], (normalized, display))
    surnames.setdefault(piece_norms[0], (normalized, display))  # Gloria, after Gloria Steinem
    if len(name_words) >= 3:
        surnames.setdefault(" ".join(piece_norms[-2:]), (normalized, display))
    return [EnglishName(piece[0], piece[-1], EntityType.PERSON, normalized, display)]


def _modifier(
    piece: list[int], norms: list[str], words: list[str], given_names: frozenset[str]
) -> bool:
    """A person's name that qualifies the noun after it: "the Tom Cruise video", "the Andy
    Warhol exhibit" (a given name first, a lower-case word that is no stop word after)."""
    after = piece[-1] + 1
    return (
        norms[piece[0]] in given_names
        and after < len(norms)
        and not words[after][:1].isupper()
        and norms[after].isalpha()
        and not is_stopword(norms[after], "en")
    )


DEFAULT_PERSON = True
_SPEECH_AFTER = _words("said says told added wrote explained asked stated announced noted argued")
_SPEECH_BEFORE = _words("by according with")
# Nouns of a person in an apposition: "Kiara Perkins, a second-year art student,", "Tomasz
# Wrobel, chief executive of", "its president, Christine Lagarde,". The title words that only
# qualify a role (former, chief, deputy, foreign) are left out: "Apple, Google chief Sundar".
_APPOSITION_ROLES = (_TITLE_WORDS - _QUALIFIERS) | _words(
    """man woman boy girl mother father son daughter wife husband widow brother sister uncle
    aunt grandmother grandfather resident residents native citizen national student pupil
    teacher official member owner worker employee victim survivor veteran friend colleague
    neighbour neighbor patient nurse doctor farmer driver officer soldier fan volunteer
    spokesman spokeswoman founder co-founder cofounder"""
)
_APPOSITION_SPAN = 6  # words between the comma and the role noun: "a second-year art student"
_APPOSITION_STOPS = _words("and or but who which that whose where when while because")
# words next to which _evidence looks for a name
_CUE_WORDS = _TITLE_WORDS | _SPEECH_AFTER | _MARKET_VERBS | _PLAYER_CUES | {"of"}


@dataclass(frozen=True)
class _Evidence:
    """What the text says of a run of name words away from the words next to it."""

    apposed_after: frozenset[int]  # token i: ", a second-year art student" follows it
    apposed_before: frozenset[int]  # token i: "its president, " stands before it
    speakers: frozenset[str]  # one capitalised word that speaks somewhere: "Jafari said"
    apart: frozenset[int]  # token i: a mark stands between it and the title word before it
    traded: frozenset[int]  # token i: a run ending (or starting) here is traded: a company

    def company(self, piece: list[int]) -> bool:
        return piece[-1] in self.traded or piece[0] in self.traded

    def holds(self, piece: list[int], piece_norms: list[str]) -> bool:
        return (
            piece[-1] in self.apposed_after
            or piece[0] in self.apposed_before
            or piece_norms[-1] in self.speakers
        )


def _evidence(scanned: Scanned, norms: list[str], capital: list[bool]) -> _Evidence:
    """Appositions, lone speakers, players and traded names of the text (see _Evidence). Only
    the tokens next to a comma or a cue word are looked at: one pass in C over the norms finds
    the cue words, one ``str.find`` loop the commas."""
    tokens, text = scanned.tokens, scanned.text
    n = len(tokens)
    after: set[int] = set()
    before: set[int] = set()
    speakers: set[str] = set()
    apart: set[int] = set()
    traded: set[int] = set()
    ends = [t.end for t in tokens]

    def gap(i: int) -> str:  # what stands between token i and token i + 1
        return text[ends[i] : tokens[i + 1].start].strip()

    def glued(i: int) -> bool:  # token i and token i + 1 stand one space (or none) apart
        return not text[ends[i] : tokens[i + 1].start].strip()

    comma = text.find(",")
    while comma >= 0:
        i = bisect_right(ends, comma) - 1  # the token before the comma
        if 0 <= i < n - 1 and tokens[i + 1].start > comma and gap(i) == ",":
            if capital[i]:
                after.update(_role_after(norms, capital, gap, i, n))
            if capital[i + 1] and _role_before(norms, capital, gap, i):
                before.add(i + 1)
        comma = text.find(",", comma + 1)
    cues = [i for i, w in enumerate(norms) if w in _CUE_WORDS]
    sport: bool | None = None  # counted once, when a player's cue is met
    for j in cues:
        w = norms[j]
        if w in _TITLE_WORDS and j + 1 < n:
            g = gap(j)
            if g and g != ".":  # Anonymous blogger, "Anon ...": Mr. Toccafondi is one
                apart.add(j + 1)
        if j > 0 and capital[j - 1] and glued(j - 1):
            if w in _SPEECH_AFTER and (j == 1 or not capital[j - 2] or not glued(j - 2)):
                speakers.add(norms[j - 1])  # Jafari said
            if w in _MARKET_VERBS:
                traded.add(j - 1)  # Morgan Stanley fell 2%
        if j + 1 < n and capital[j + 1] and glued(j):
            if w in _SPEECH_AFTER and (j + 2 >= n or not capital[j + 2] or not glued(j + 1)):
                speakers.add(norms[j + 1])  # said Mauer
            if w == "of" and j > 0 and norms[j - 1] in _SHARES:
                traded.add(j + 1)  # shares of Morgan Stanley
        if w in _PLAYER_CUES:
            if sport is None:
                # in a sports story a name is told by what players do: "Dries Mertens
                # scored", "replaced Axel Witsel", "Eden Hazard's assist"
                sport = sum(norm in _SPORT_STRONG for norm in norms) >= _SPORT_STORY_MIN
            if sport:
                _player(norms, capital, gap, glued, j, n, after, before)
    return _Evidence(
        frozenset(after),
        frozenset(before),
        frozenset(speakers),
        frozenset(apart),
        frozenset(traded),
    )


def _player(
    norms: list[str],
    capital: list[bool],
    gap: Callable[[int], str],
    glued: Callable[[int], bool],
    j: int,
    n: int,
    after: set[int],
    before: set[int],
) -> None:
    """A player's name next to the sports cue at token j (see _evidence)."""
    w = norms[j]
    if w in _PLAYER_VERBS and j > 0:
        if capital[j - 1] and glued(j - 1):
            after.add(j - 1)  # Dries Mertens scored
        elif norms[j - 1] in ("was", "were") and j > 1 and capital[j - 2] and glued(j - 2):
            after.add(j - 2)  # Hwang Hee-Chan was booked
    if w in _PLAYER_BEFORE and j + 1 < n and capital[j + 1] and glued(j):
        before.add(j + 1)  # replaced Axel Witsel
    if (
        w in _PLAYER_NOUNS
        and j > 1
        and norms[j - 1] == "s"
        and capital[j - 2]
        and gap(j - 2) in _POSSESSIVE
    ):
        after.add(j - 2)  # Eden Hazard's assist


def _role_after(
    norms: list[str], capital: list[bool], gap: Callable[[int], str], i: int, n: int
) -> list[int]:
    """[i] when a person's apposition follows token i and its comma: ", 42," or ", a second-year
    art student"; else []."""
    j = i + 1
    if norms[j].isdigit() and j + 1 < n and gap(j) in (",", ""):
        return [i] if gap(j) == "," else []  # Thomas Sam, 42,
    for j in range(i + 1, min(n, i + 1 + _APPOSITION_SPAN)):
        if norms[j] in _APPOSITION_STOPS:
            return []
        if norms[j] in _APPOSITION_ROLES and not capital[j]:
            # a role before a name is that name's title: "Lukaku, striker Dries Mertens"
            follows = j + 1 < n and capital[j + 1] and not gap(j)
            return [] if follows else [i]
        if j + 1 < n and gap(j) not in ("", "-"):
            return []
    return []


def _role_before(norms: list[str], capital: list[bool], gap: Callable[[int], str], i: int) -> bool:
    """A person's role stands before the comma after token i: "its president, ", "Co-founder
    of Google, "."""
    for j in range(i, max(-1, i - _APPOSITION_SPAN), -1):
        if j < i and gap(j) not in ("", "-"):
            return False
        if norms[j] in _APPOSITION_STOPS:
            return False
        if norms[j] in _APPOSITION_ROLES and not capital[j]:
            return True
    return False


def _speaker(piece: list[int], norms: list[str]) -> bool:
    """The run speaks or is quoted: "... Smith said", "according to Jane Smith"."""
    after = piece[-1] + 1
    before = piece[0] - 1
    return (after < len(norms) and norms[after] in _SPEECH_AFTER) or (
        before >= 0 and norms[before] in _SPEECH_BEFORE
    )


def _surname_mentions(
    piece: list[int], norms: list[str], surnames: dict[str, tuple[str, str]]
) -> list[EnglishName]:
    key = " ".join(norms[i] for i in piece)
    full = surnames.get(key)
    if full is None:
        return []
    return [EnglishName(piece[0], piece[-1], EntityType.PERSON, full[0], full[1])]
