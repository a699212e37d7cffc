"""Phrase lists (phrases.yaml) compiled to morpheme patterns, and matching with negation."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import yaml

from nlp.labels import RISKS
from nlp.normalize import Morpheme, get_kiwi, laughter_spans, morphemes

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
STRONG, SOFT, CUE = 0.95, 0.75, 0.7
LAUGHTER_FACTOR, JOKING_FACTOR, FICTION_FACTOR, OTHER_SPEAKER_FACTOR = 0.6, 0.55, 0.3, 0.4
# Particles are folded to one form each, so "날/나를", "아빠가/아빠께서" match alike.
_PARTICLES = {
    "JKO": "을",
    "JKS": "가",
    "JKB": None,
    "JX": "는",
    "JKG": "의",
    "JC": "와",
    "JKC": "가",
    "JKV": None,
    "JKQ": None,
}
_JKB = {
    "한테": "에게",
    "에게": "에게",
    "한테서": "에게",
    "에게서": "에게",
    "께": "에게",
    "로": "로",
    "으로": "로",
    "ㄹ로": "로",
}
_NEGATORS_BEFORE = {"안/M", "못/M"}
# An auxiliary that only ever follows its verb directly: "죽고 싶다".
_WISH = "싶/V"
_ADJACENT = frozenset({_WISH})
_AUX_BETWEEN = frozenset({"버리/V", "보/V"})  # "죽어 버리고 싶다", "해 보고 싶다"
# Every verb that goes with the phrase's own verb ("때리고 싶지 않아", "때려 버리지 않았어"),
# so a negator after it still denies the phrase.
_AUXILIARIES = _ADJACENT | _AUX_BETWEEN | {"있/V", "주/V", "두/V", "놓/V", "지/V", "되/V"}
_GROUP_REF = re.compile(r"@([a-z_]+)")
# a phrase that starts with its object ("@child를 때리다", "엄마를 때리다")
_OBJECT_FIRST = re.compile(r"(@[a-z_]+|[^\s@]+)[을를]\s")
# a phrase that starts with a group as its subject ("@caregiver가 때리다")
_SUBJECT_FIRST = re.compile(r"@[a-z_]+[이가]\s")
YIELDS_TO = {"abuse_physical": "domestic_violence"}
_NEGATORS_AFTER = {"않/V", "못하/V", "아니/V", "말/V"}


# Kinds of fiction words: stories and screens happen to others; games and sports are played
# by the child while real adults are around, so an adult or a weapon before a phrase in its
# sentence lifts them (fiction.not_sport in phrases.yaml); so are fights between siblings,
# which count only where the message tells a fight (fiction.fights.told).
FICTION_KINDS = ("stories", "games", "sports", "fights")
PLAYED_KINDS = tuple(kind for kind in FICTION_KINDS if kind != "stories")


class PhraseFileError(ValueError):
    """phrases.yaml is malformed; the message names the entry."""


def _unit(m: Morpheme) -> str | None:
    """The comparable unit of one morpheme ("form/class"), or None when it is ignored."""
    tag = m.tag.split("-")[0]
    if tag.startswith("E") or (tag.startswith("S") and tag not in ("SL", "SN", "SH")):
        return None
    if tag.startswith("J"):
        if tag == "JKB":
            return "J:" + _JKB.get(m.form, m.form)
        return "J:" + (_PARTICLES.get(tag) or m.form)
    if tag in ("XSV", "XSA") or tag.startswith("V"):
        cls = "V"
    elif tag.startswith("N") or tag == "XR":
        cls = "N"
    else:
        cls = tag[0]
    return f"{m.form.lower()}/{cls}"


def _is_pattern_particle(unit: str) -> bool:
    """Particles kept in patterns: only the agent one ("아빠한테 맞았어" vs "아빠가 맞았어")."""
    return unit == "J:에게"


@dataclass(frozen=True)
class Token:
    """A comparable morpheme with its place in the normalised text."""

    unit: str
    particle: bool
    start: int
    end: int
    auxiliary: bool = False  # Kiwi's VX: "죽어 보고 싶어", not "할머니 보고 싶어"


def to_tokens(morphs: list[Morpheme]) -> list[Token]:
    """Comparable tokens of one analysed text."""
    out = []
    for m in morphs:
        unit = _unit(m)
        if unit is not None:
            auxiliary = m.tag.startswith("VX")
            out.append(Token(unit, unit.startswith("J:"), m.start, m.end, auxiliary))
    return out


@dataclass(frozen=True)
class Pattern:
    """One phrase: a sequence of alternatives (sets of units)."""

    text: str
    elements: tuple[frozenset[str], ...]
    weight: float
    negatable: bool
    object_first: bool = False  # "@child를 ...": the first element must not be the subject
    subject_first: bool = False  # "@caregiver가 ...": the first element must not be the object
    # for an object-first phrase, the units (the @other_child group's) that say another child
    # is the one who acts when marked as the subject just before it
    rivals: frozenset[str] = frozenset()


@dataclass
class CategoryPhrases:
    """Compiled phrases of one risk category, indexed by their first unit."""

    patterns: list[Pattern] = field(default_factory=list)
    by_first: dict[str, list[Pattern]] = field(default_factory=dict)
    # Weak cues that count only together: cue group -> patterns, and rules (sets of groups).
    cues: dict[str, list[Pattern]] = field(default_factory=dict)
    cue_rules: list[frozenset[str]] = field(default_factory=list)
    english: list[tuple[re.Pattern[str], float]] = field(default_factory=list)
    parent_only: bool = False


@dataclass
class PhraseBook:
    """All categories, the gap limit and the fiction context."""

    categories: dict[str, CategoryPhrases]
    max_gap: int
    # Fiction words by kind (FICTION_KINDS): a Korean word's kind, each kind's English
    # patterns, the kinds that damp each category's phrases, and those of them that damp
    # its learned score too (not a story for abuse_emotional: "내가 그린 웹툰을 비웃었어").
    fiction_kind: dict[str, str]
    fiction_en: dict[str, list[re.Pattern[str]]]
    fiction_kinds_of: dict[str, tuple[str, ...]]
    fiction_learned_kinds_of: dict[str, tuple[str, ...]]
    joking: frozenset[str] = frozenset()
    # Someone else (a friend) marked as the subject before a phrase of these categories in its
    # sentence, with no word for the writer between, tells of them, not of the writer.
    others: frozenset[str] = frozenset()
    others_en: list[re.Pattern[str]] = field(default_factory=list)
    others_categories: frozenset[str] = frozenset()
    # A fiction word whose noun run ends in one of these likens the writer to it ("주인공처럼").
    fiction_likened_by: frozenset[str] = frozenset()
    # A fiction word that names a weapon with the noun after it ("야구 방망이") is no fiction.
    fiction_not_before: dict[str, frozenset[str]] = field(default_factory=dict)
    # Adults and weapons: after a sport word ("태권도 관장님이 때렸어") or in the sentence
    # before a phrase ("엄마가 대회 끝나고 회초리로 때렸어"), the game or the sport is not
    # what happened.
    fiction_not_sport: frozenset[str] = frozenset()
    # What tells a fight between siblings as one ("나도 때림", "둘 다 혼남"), as regular
    # expressions on the normalised text (a particle such as 도 is no phrase element): without
    # one of these in the message, a sibling is no fiction word.
    fight_told: list[re.Pattern[str]] = field(default_factory=list)
    # word -> the words right before it that give it an innocent sense ("40점 맞다")
    idioms: dict[str, frozenset[str]] = field(default_factory=dict)
    # The same for a word made innocent by the noun right after it ("죽을 맛이다", "죽을 뻔").
    idioms_before: dict[str, frozenset[str]] = field(default_factory=dict)


def _analyse(text: str) -> list[Morpheme]:
    tokens = get_kiwi().tokenize(text)
    return [Morpheme(t.form, t.tag, t.lemma, t.start, t.start + t.len) for t in tokens]


# Contexts in which Kiwi reads a lone dictionary form as the verb it is: alone, "죽다 법"
# gives the noun 죽다, "동생 보다" the particle 보다, "엄마 막다" the adverb 막.
_VERB_CONTEXTS = (("그가 ", ""), ("", "."), ("그리고 ", ""), ("나는 ", ""))
_VERB_TAGS = ("VV", "VA", "VX", "XSV", "XSA")
_COPULA_TAGS = ("VCP", "VCN")  # "끝이다", "가족 아니다" read right as they are


def _as_verb(word: str, offset: int) -> list[Morpheme] | None:
    """A dictionary form ("죽다") read as a verb, placed at offset, if some context does."""
    for before, after in _VERB_CONTEXTS:
        morphs = [m for m in _analyse(before + word + after) if m.start >= len(before)]
        morphs = [m for m in morphs if m.end <= len(before) + len(word)]
        if any(m.tag.startswith(_VERB_TAGS) for m in morphs):
            shift = offset - len(before)
            return [replace(m, start=m.start + shift, end=m.end + shift) for m in morphs]
    return None


def _read_phrase(text: str, surface: str, dictionary_forms: dict[int, int]) -> list[Morpheme]:
    """Kiwi's reading of a phrase, each word written in dictionary form read as a verb.

    A word that no context reads as a verb is a noun ("베란다", "바다", "밤마다") or an error
    in the phrase file.
    """
    morphs = _analyse(surface)
    for start, end in dictionary_forms.items():
        inside = [m for m in morphs if start <= m.start < end]
        if any(m.tag.startswith(_VERB_TAGS + _COPULA_TAGS) for m in inside):
            continue
        verb = _as_verb(surface[start:end], start)
        if verb is not None:
            morphs = sorted(
                [m for m in morphs if not start <= m.start < end] + verb, key=lambda m: m.start
            )
        elif not all(m.tag.startswith(("N", "XR", "J", "XSN")) for m in inside):
            raise PhraseFileError(
                f"{PHRASES_FILE}: in phrase {text!r} Kiwi reads {surface[start:end]!r} neither as"
                f" a verb nor as a noun ({' + '.join(m.form + '/' + m.tag for m in inside)})"
            )
    return morphs


def _compile(text: str, groups: dict[str, list[str]], weight: float) -> list[Pattern]:
    """Analyse the phrase with each @group replaced by its first member, then widen.

    Kiwi sometimes splits a dictionary form ("들어오다" -> 들 + 오) that it reads whole in a
    conjugated message ("들어와" -> 들어오), so such a phrase also gets a variant with the
    word's stem as one unit.
    """
    surface = ""
    slots: dict[int, tuple[int, frozenset[str]]] = {}  # start -> (end, units)
    dictionary_forms: dict[int, int] = {}  # start -> end of each word written in 다 form
    for chunk in text.split():
        if surface:
            surface += " "
        group = _GROUP_REF.match(chunk)
        if group:
            name, rest = group.group(1), chunk[group.end() :]
            if name not in groups:
                raise PhraseFileError(f"{PHRASES_FILE}: phrase {text!r} names unknown group {name}")
            placeholder = groups[name][0]
            slots[len(surface)] = (
                len(surface) + len(placeholder),
                _group_units(tuple(groups[name])),
            )
            surface += placeholder + rest
        else:
            if chunk.endswith("다") and len(chunk) > 1:
                dictionary_forms[len(surface)] = len(surface) + len(chunk)
            surface += chunk
    # Kiwi reads the 다 of a dictionary form before another word ("데려가다 힘이") as the
    # adverb 다 ("all"); that 다 is the ending, not a word the message must contain.
    endings = {end - 1 for end in dictionary_forms.values()}
    # start -> (end, stem) of the verbs among them ("들어오다": 들어오)
    verbs = {s: (e, surface[s : e - 1]) for s, e in dictionary_forms.items() if e - s > 2}
    elements: list[frozenset[str]] = []
    variant: list[frozenset[str]] = []
    merged: set[int] = set()
    for m in _read_phrase(text, surface, dictionary_forms):
        slot = next(((s, v) for s, v in slots.items() if s <= m.start < v[0]), None)
        if slot is not None:
            if slot[0] == m.start:
                elements.append(slot[1][1])
                variant.append(slot[1][1])
            continue
        unit = _unit(m)
        if unit is None or (unit.startswith("J:") and not _is_pattern_particle(unit)):
            continue
        if unit == "다/M" and m.start in endings:
            continue
        elements.append(_either_class(unit))
        verb = next(((s, v) for s, v in verbs.items() if s <= m.start < v[0]), None)
        if verb is not None and unit.endswith("/V"):
            if verb[0] not in merged:
                merged.add(verb[0])
                variant.append(frozenset([f"{verb[1][1]}/V"]))
            continue
        variant.append(_either_class(unit))
    if not elements:
        raise PhraseFileError(f"{PHRASES_FILE}: phrase {text!r} has no content morphemes")
    units = set().union(*elements)
    negatable = not (units & (_NEGATORS_BEFORE | _NEGATORS_AFTER | {"없/V"}))
    object_first = bool(_OBJECT_FIRST.match(text))
    rivals = _group_units(tuple(groups.get("other_child", []))) if object_first else frozenset()
    subject_first = bool(_SUBJECT_FIRST.match(text))
    return [
        Pattern(text, tuple(els), weight, negatable, object_first, subject_first, rivals)
        for els in ([elements, variant] if variant != elements else [elements])
    ]


def _either_class(unit: str) -> frozenset[str]:
    """A noun or adverb unit also as the other class: Kiwi reads 혼자 as either by context.

    Not the negators: "안 아프게" is not "차 안인데 ... 아파".
    """
    form, _, cls = unit.rpartition("/")
    if cls in ("N", "M") and unit not in _NEGATORS_BEFORE:
        return frozenset([unit, f"{form}/{'M' if cls == 'N' else 'N'}"])
    return frozenset([unit])


def _subject_particle(word: str) -> str:
    """이 after a final consonant, else 가 (so Kiwi reads the word as a noun)."""
    last = word[-1]
    has_final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    return "이" if has_final else "가"


@lru_cache(maxsize=64)
def _group_units(members: tuple[str, ...]) -> frozenset[str]:
    """The unit of each group member (its last content morpheme)."""
    out: set[str] = set()
    for member in members:
        # Prefer a reading of the whole member as one morpheme; read before a particle,
        # "아이" is a noun rather than an interjection.
        readings = []
        for suffix in (_subject_particle(member), ""):
            morphs = [m for m in _analyse(member + suffix) if m.start < len(member)]
            readings.append([u for u in (_unit(m) for m in morphs) if u and u[:2] != "J:"])
        single = [r for r in readings if len(r) == 1]
        units = single[0] if single else readings[0]
        out.add(units[-1] if units else member)
        if not single and " " not in member and not member.endswith("다"):
            # "작은애" alone is 작 + 은 + 애, in a message often one noun (a verb never is)
            out.add(f"{member}/N")
    return frozenset(out)


@lru_cache(maxsize=4)
def load_phrasebook(path: Path = PHRASES_FILE) -> PhraseBook:
    """Read and compile phrases.yaml (once per process)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = raw.get("groups", {})
    cats: dict[str, CategoryPhrases] = {}
    for name, spec in raw["categories"].items():
        if name not in RISKS:
            raise PhraseFileError(f"{path}: unknown risk category {name!r}")
        cat = CategoryPhrases(parent_only=bool(spec.get("parent_only", False)))
        for key, weight in (("ko", STRONG), ("ko_soft", SOFT)):
            for phrase in spec.get(key, []) or []:
                cat.patterns.extend(_compile(phrase, groups, weight))
        for key, weight in (("en", STRONG), ("en_soft", SOFT)):
            for p in spec.get(key, []) or []:
                try:
                    cat.english.append((re.compile(p), weight))
                except re.error as exc:
                    raise PhraseFileError(f"{path}: {name}.{key} regex {p!r}: {exc}") from exc
        for pat in cat.patterns:
            for unit in pat.elements[0]:
                cat.by_first.setdefault(unit, []).append(pat)
        cue_spec = spec.get("cues") or {}
        for group, phrases in (cue_spec.get("groups") or {}).items():
            cat.cues[group] = [pat for ph in phrases for pat in _compile(ph, groups, CUE)]
        for rule in cue_spec.get("rules") or []:
            unknown = set(rule) - set(cat.cues)
            if unknown:
                raise PhraseFileError(f"{path}: {name}.cues rule {rule} names {sorted(unknown)}")
            cat.cue_rules.append(frozenset(rule))
        cats[name] = cat
    fiction = raw.get("fiction", {})
    others = raw.get("others", {})
    kinds = {kind: fiction.get(kind) or {} for kind in FICTION_KINDS}
    fiction_kind: dict[str, str] = {}
    for kind, spec in kinds.items():
        for word in spec.get("ko", []):
            if fiction_kind.setdefault(word, kind) != kind:
                raise PhraseFileError(f"{path}: fiction word {word!r} is of two kinds")
    return PhraseBook(
        categories=cats,
        max_gap=int(raw.get("max_gap", 3)),
        fiction_kind=fiction_kind,
        fiction_en={k: [re.compile(p) for p in spec.get("en", [])] for k, spec in kinds.items()},
        fiction_kinds_of={
            name: tuple(
                k
                for k, spec in kinds.items()
                if name in spec.get("categories", []) + spec.get("phrase_categories", [])
            )
            for name in cats
        },
        fiction_learned_kinds_of={
            name: tuple(k for k, spec in kinds.items() if name in spec.get("categories", []))
            for name in cats
        },
        fiction_not_before={
            word: frozenset(nouns) for word, nouns in fiction.get("not_before", {}).items()
        },
        fiction_not_sport=frozenset(fiction.get("not_sport", [])),
        fiction_likened_by=frozenset(fiction.get("likened_by", [])),
        others=frozenset(others.get("ko", [])),
        others_en=[re.compile(rx) for rx in others.get("en", [])],
        others_categories=frozenset(others.get("categories", [])),
        fight_told=[re.compile(rx) for rx in kinds["fights"].get("told", [])],
        joking=frozenset(raw.get("joking", [])),
        idioms=_idiom_units(raw.get("idioms", {})),
        idioms_before=_idiom_units(raw.get("idioms_before", {})),
    )


def _idiom_units(spec: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """{"맞다": ["점"]} -> {"맞/V": {"점/N", "점/M"}}: a word (verb in its 다 form, or noun)
    and its neighbours, as noun or adverb like a phrase's words ("빡/M 치다": furious)."""
    return {
        f"{word[:-1]}/V" if word.endswith("다") else f"{word}/N": frozenset(
            f"{n}/{tag}" for n in nouns for tag in "NM"
        )
        for word, nouns in spec.items()
    }


def _innocent_senses(tokens: list[Token], book: PhraseBook) -> list[Token]:
    """Rename a word whose neighbour gives it an innocent sense ("40점 맞았어", "주사 맞았어",
    "쓰레기 버리러", "귀에서 피 나", "죽을 맛이다"), so that no phrase matches it."""
    out = list(tokens)
    for i, tok in enumerate(tokens):
        if tok.unit not in book.idioms and tok.unit not in book.idioms_before:
            continue
        before = book.idioms.get(tok.unit, frozenset())
        following = [t.unit for t in tokens[i + 1 : i + 4] if not t.particle][:1]
        if _idiom_before(tokens[max(0, i - 3) : i], before) or (
            following and following[0] in book.idioms_before.get(tok.unit, ())
        ):
            out[i] = Token(tok.unit + ":idiom", tok.particle, tok.start, tok.end, tok.auxiliary)
    return out


def _idiom_before(previous: list[Token], nouns: frozenset[str]) -> bool:
    """Whether the last word before, particles and adverbs aside, is one of nouns ("배를 꾹꾹
    누르고", "주사 세게 맞았어"); an adverb may itself be the word ("빡치다": 빡/M)."""
    for t in reversed(previous):
        if t.unit in nouns:
            return True
        if not (t.particle or t.unit.endswith("/M")):
            return False
    return False


# What may stand between a phrase and the 아니다 that denies it: "때린 거 아니야", "죽고 싶은 건
# 진짜 아님"; another noun is what 아니다 denies ("죽고 싶어 장난 아님", "죽고 싶다 (시험 때문
# 아님)").
_BEFORE_DENIAL = frozenset({"거/N", "것/N"})


def _negated(tokens: list[Token], idx: list[int], sentences: _Sentences) -> bool:
    first, last = idx[0], idx[-1]
    if any(i > 0 and tokens[i - 1].unit in _NEGATORS_BEFORE for i in idx):
        return True
    # a negator after the phrase counts in its own sentence only ("다 놓고 싶어요. 애만 아니면")
    limit = sentences.limit(tokens[last].end)
    after = [t.unit for t in tokens[last + 1 : last + 4] if not t.particle and t.start < limit]
    # "자해 하지 않아": a noun phrase's light verb 하다 stands between it and its negator
    light = after[:1] == ["하/V"] and tokens[last].unit.endswith("/N")
    for k, u in enumerate(after):
        # 않다, 못하다 and 말다 follow their verb (or its light verb) directly ("때리지 마"),
        # so "때렸어 발바닥 마니" (많이, which Kiwi reads as 말다) denies nothing
        if u in _NEGATORS_AFTER and (
            k == 0
            or (k == 1 and light)
            or (u == "아니/V" and all(a in _BEFORE_DENIAL or a.endswith("/M") for a in after[:k]))
        ):
            return True
        # "손 넣었어 하지 말랬는데", "만졌어 간지러운 거 아니야": a negator after another
        # verb denies that verb, not the phrase
        if u.endswith("/V") and u not in _AUXILIARIES and not (light and k == 0):
            break
    # "때린 적 없어"
    return "적/N" in after[:2] and "없/V" in after[:3] and first >= 0


# "안 때리려고", "안맞을라고", "안 맞고 싶어", "안 때렸으면 좋겠어": a verb negated for a purpose
# or a wish, the ending right after its stem
_AVOIDING = re.compile(r"으?려고|으?려구|을?라고|을?라구|을?려고|고 ?싶|으면 ?좋")
# "때리지 않으려고", "맞지 않았으면 좋겠어": the same ending after a negator that follows the verb
_AVOIDING_AFTER = re.compile(rf"(?:았|었)?(?:{_AVOIDING.pattern})")
_AVOIDING_NEGATORS_AFTER = frozenset({"않/V", "말/V"})


def _avoided(text: str, tokens: list[Token], idx: list[int]) -> bool:
    """Whether the phrase is negated as something to avoid ("애를 안 때리려고 제 손을 물었어요",
    "아이를 때리지 않으려고 방에 들어가요"): no match, but no denial that would silence the
    learned model either."""
    # but "안 죽고 싶어" denies a phrase that is itself a wish ("죽고 싶다")
    if any(tokens[i].unit == _WISH for i in idx):
        return False
    if any(
        i > 0 and tokens[i - 1].unit in _NEGATORS_BEFORE and _AVOIDING.match(text, tokens[i].end)
        for i in idx
    ):
        return True
    after = [t for t in tokens[idx[-1] + 1 :] if not t.particle][:2]
    # "자해하지 않으려고": a noun phrase's light verb stands between it and its negator
    if after[:1] and after[0].unit == "하/V" and tokens[idx[-1]].unit.endswith("/N"):
        after = after[1:]
    return bool(after) and (
        after[0].unit in _AVOIDING_NEGATORS_AFTER
        and bool(_AVOIDING_AFTER.match(text, after[0].end))
    )


def _next_word_in(
    tokens: list[Token], pos: int, units: frozenset[str], skipped: frozenset[str]
) -> bool:
    """Whether the first token after pos, particles and `skipped` auxiliary verbs aside, is in
    units."""
    k = pos + 1
    while k < len(tokens) and (
        tokens[k].particle or (tokens[k].auxiliary and tokens[k].unit in skipped)
    ):
        k += 1
    return k < len(tokens) and tokens[k].unit in units


_COPULA = "이/V"  # "학대라고 하다" says two words: 학대 (이)라고 하다


def _find(
    tokens: list[Token], pattern: Pattern, max_gap: int, sentences: _Sentences | None = None
) -> list[int] | None:
    """Indices of the first ordered match within the gap limit, else None.

    With the message's sentences, a match of two words must lie in one sentence ("엄마가
    소독하고 밴드 붙여줌. 피 많이 나서" is not "엄마 피"); longer phrases say enough to span two.
    """
    els = pattern.elements
    for start, tok in enumerate(tokens):
        if tok.unit not in els[0] or _first_in_other_role(tokens, pattern, start):
            continue
        idx, pos, ok = [start], start, True
        for el in els[1:]:
            gap, nxt = 0, None
            # "안"/"못" stand right before their verb ("못 자서 ... 버티고" is not "못 버티다"),
            # and 싶다 right after its own ("죽겠어, 문 잠그고 싶어" is not "죽고 싶어")
            after_negator = tokens[pos].unit in _NEGATORS_BEFORE and not all(
                u.startswith("J:") for u in el
            )
            if (after_negator and not _next_word_in(tokens, pos, el, frozenset())) or (
                el <= _ADJACENT and not _next_word_in(tokens, pos, el, _AUX_BETWEEN)
            ):
                ok = False
                break
            if all(u.startswith("J:") for u in el):
                # a particle belongs to the word before it: "아이를" is not "아이가 ... 장난감을"
                if pos + 1 < len(tokens) and tokens[pos + 1].unit in el:
                    nxt = pos + 1
                ok = nxt is not None
                if not ok:
                    break
                idx.append(nxt)
                pos = nxt
                continue
            for j in range(pos + 1, len(tokens)):
                if tokens[j].unit in el:
                    nxt = j
                    break
                if not tokens[j].particle:
                    gap += 1
                    if gap > max_gap:
                        break
            if nxt is None:
                ok = False
                break
            idx.append(nxt)
            pos = nxt
        if not ok or (pattern.subject_first and _other_subject(tokens, start, idx[-1])):
            continue
        if (
            sentences is not None
            and sum(not tokens[i].particle and tokens[i].unit != _COPULA for i in idx) == 2
            and len(sentences.span(tokens[start].start, tokens[idx[-1]].end)) > 1
        ):
            continue
        return idx
    return None


def _marked(tokens: list[Token], k: int, particle: str) -> bool:
    """Whether the word at k is followed by the particle ("J:가", "J:을")."""
    return k + 1 < len(tokens) and tokens[k + 1].unit == particle


def _first_in_other_role(tokens: list[Token], pattern: Pattern, start: int) -> bool:
    """Whether the phrase's first word, at start, plays the other role than the phrase gives
    it: "아이가 때리는 친구" is not "아이를 때렸어", "애가 자꾸 형을 때려서" not "형이 때렸어";
    with 한테 it is neither ("엄마한테 혼났어 동생 밀어서")."""
    if pattern.object_first:
        # "둘째가 첫째 머리를 때려서", "유치원생 아이가 손으로 엄마를 때리는데": another child
        # (큰애, 작은애, 아이) is the one who hits
        return (
            _marked(tokens, start, "J:가")
            or _marked(tokens, start, "J:에게")
            or any(
                (tokens[k].unit in pattern.elements[0] or tokens[k].unit in pattern.rivals)
                and _marked(tokens, k, "J:가")
                for k in range(max(0, start - 4), start - 1)
            )
        )
    return pattern.subject_first and (
        _marked(tokens, start, "J:을") or _marked(tokens, start, "J:에게")
    )


_FIRST_PERSON = frozenset({"나/N", "저/N"})


_SUBJECT_MARKS = frozenset({"J:가", "J:이", "J:는", "J:은"})
_FIRST_PERSON_EN = re.compile(r"\b(i|i'm|im|me|my)\b")


def _told_of_another(
    tokens: list[Token], first: int, sentences: _Sentences, book: PhraseBook
) -> bool:
    """Whether someone else (a friend) is the subject before the phrase at first, in its
    sentence, with no word for the writer between ("친구가 죽고 싶다고 해서"; not "친구가
    나보고 ... 나 죽고 싶어")."""
    sentence = sentences.of(tokens[first].start)
    for k in range(first - 1, -1, -1):
        if sentences.of(tokens[k].start) != sentence or tokens[k].unit in _FIRST_PERSON:
            return False
        if tokens[k].unit.split("/")[0] in book.others and any(
            _marked(tokens, k, mark) for mark in _SUBJECT_MARKS
        ):
            return True
    return False


def _told_of_another_en(text: str, start: int, sentences: _Sentences, book: PhraseBook) -> bool:
    """`_told_of_another` for an English phrase starting at start ("my friend said she's been
    cutting again")."""
    sentence = sentences.of(start)
    return any(
        m.end() <= start
        and sentences.of(m.start()) == sentence
        and not _FIRST_PERSON_EN.search(text, m.end(), start)
        for rx in book.others_en
        for m in rx.finditer(text)
    )


def _other_subject(tokens: list[Token], first: int, last: int) -> bool:
    """Whether a word between first and last, and not the word at first, is marked as the
    subject ("할머니 집 강아지가 나 물었어": the dog bit; not "아빠가 술 먹고 때렸어"), or the
    writer is, with no verb of their own before last ("아빠가 혼냈어 내가 동생 때려서"; not
    "아빠가 내가 말대꾸했다고 때렸어")."""
    if any(
        tokens[k].unit in _FIRST_PERSON
        and _marked(tokens, k, "J:가")
        and not any(t.unit.endswith("/V") for t in tokens[k + 2 : last])
        for k in range(first + 1, last - 1)
    ):
        return True
    word_end = first  # 선생 + 님
    while word_end + 1 < len(tokens) and tokens[word_end + 1].unit.endswith("/X"):
        word_end += 1
    if _marked(tokens, word_end, "J:가"):
        return False
    return any(_marked(tokens, k, "J:가") for k in range(word_end + 1, last - 1))


@dataclass(frozen=True)
class PhraseHits:
    """Per-category phrase score and the matched spans of the normalised text."""

    scores: dict[str, float]
    evidence: dict[str, list[str]]
    # Per category, the factor the message's context puts on any evidence (laughter, a
    # joking word, a game, a parent-only category written by a child; 0 when a phrase is
    # there but negated); 1.0 = none. The learned risk model's scores get the same factors.
    context: dict[str, float] = field(default_factory=dict)


# "장난 아님", "not joking": the joking word says the opposite.
NOT_JOKING = re.compile(
    r"(장난|농담|구라|뻥)\s*(이\s*)?(아니|아님|아냐|아닌)"
    r"|\bnot (even )?(joking|kidding|jk|a joke)\b|\bno joke\b"
    # the other person calls it a joke ("장난이래"), or the writer says it is not funny
    r"|(장난|농담)(이래|이라고|이라는데|이라면서|이란다)|안\s?웃|\bnot funny\b"
    r"|\b(says|said|thinks|claims) (he|she|they|it)('s| is| was|'re| are) (just )?"
    r"(joking|kidding)\b"
)


# In chat a run of ㅋ, ㅎ, ㅠ or ㅜ ends a clause as often as a full stop does.
_SENTENCE_END = re.compile(r"[.!?\n]+|[ㅋㅎㅠㅜ]{2,}")


class _Sentences:
    """Where the sentences of one message end, found once per message.

    A run of end marks belongs to the sentence it ends.
    """

    def __init__(self, text: str) -> None:
        runs = list(_SENTENCE_END.finditer(text))
        self._starts = [m.start() for m in runs]
        self._ends = [m.end() for m in runs]
        self._length = len(text)

    def of(self, pos: int) -> int:
        """The sentence the character at pos is in."""
        return bisect_right(self._ends, pos)

    def span(self, start: int, end: int) -> set[int]:
        """The sentences that the characters start..end touch."""
        return set(range(self.of(start), self.of(max(start, end - 1)) + 1))

    def laughing(self, text: str) -> set[int]:
        """The sentences that laugh: in them, or next to a laugh standing alone as a sentence
        of its own ("죽고 싶다. ㅋㅋ", "ㅋㅋ 엄마가 나 죽는다고 함")."""
        found: set[int] = set()
        for start, end in laughter_spans(text):
            k = self.of(start)
            found |= self.span(start, end)
            body_from = self._ends[k - 1] if k > 0 else 0
            if not text[body_from:start].strip():
                found |= {k - 1, k + 1} - {-1}
        return found

    def limit(self, pos: int) -> int:
        """Where the sentence that the character at pos is in stops (its end marks excluded)."""
        k = self.of(pos)
        return max(self._starts[k], pos) if k < len(self._starts) else self._length


def _told_past_from(morphs: list[Morpheme]) -> list[int]:
    """Where each past event told as a quote starts its ending ("맞았다고", "게임했다고"; not
    the 겠 of a guess or a wish: "차라리 죽는 게 낫겠다고")."""
    return [
        m.start
        for prev, m in pairwise(morphs)
        if m.form == "다고" and m.tag == "EC" and prev.tag == "EP" and prev.form[0] not in "겠겄"
    ]


def _conditions_from(morphs: list[Morpheme]) -> set[int]:
    """Where each verb that ends in a condition (지면, 하면) ends its stem."""
    return {
        prev.end
        for prev, m in pairwise(morphs)
        if m.tag == "EC" and m.form in ("면", "으면") and prev.tag.startswith("V")
    }


def _fiction_sentences(
    text: str,
    sentences: _Sentences,
    tokens: list[Token],
    told_past: list[int],
    conditions: set[int],
    book: PhraseBook,
) -> dict[str, set[int]]:
    """Sentences that speak of a story or a screen (a film, a webtoon, the news), of a game,
    of a sport ("게임에서 맞아 죽음"), of a fight between siblings, by kind.

    Not fiction: a word before a past event told as a quote in its sentence, a story about
    an injury or the reason for a blow ("쌤한텐 축구공 맞았다고 할 거야", "게임했다고 때림");
    a sport followed by an adult there, directly or after nouns ("유도장 사범이 목 졸랐어");
    any word of a kind its writer denies somewhere in the message ("소설 쓰는 중인데 주인공이
    ... 사실 소설 아님").
    """
    forms = [t.unit.split("/")[0] for t in tokens]
    nouns = [t.unit.endswith("/N") for t in tokens]

    def adult_after(i: int) -> bool:
        for j in range(i + 1, min(i + 3, len(tokens))):
            if forms[j] in book.fiction_not_sport:
                return True
            if not nouns[j]:
                return False
        return False

    def denied(i: int) -> bool:
        following = next((t.unit for t in tokens[i + 1 :] if not t.particle), None)
        return following == "아니/V"

    def told(token: Token) -> bool:
        here = sentences.span(token.start, token.end)
        return any(q > token.start and sentences.of(q) in here for q in told_past)

    def likened(i: int) -> bool:
        # "만화 주인공처럼 떠나고 싶어": the noun run that the word is in ends in 처럼 or 같이
        j = i + 1
        while j < len(tokens) and nouns[j]:
            j += 1
        return j < len(tokens) and forms[j].removeprefix("J:") in book.fiction_likened_by

    def trigger(i: int) -> bool:
        # "형이 게임 지면 나를 목 졸라": a game lost (or played) as the condition of what follows
        return any(tokens[j].end in conditions for j in range(i + 1, min(i + 4, len(tokens))))

    kinds = [book.fiction_kind.get(form) for form in forms]
    denied_kinds = {kind for i, kind in enumerate(kinds) if kind and denied(i)}
    # a sibling is a fiction word only where the message tells a fight (an English pattern
    # names both)
    fight_told = "fights" in kinds and any(rx.search(text) for rx in book.fight_told)
    found: dict[str, set[int]] = {kind: set() for kind in FICTION_KINDS}
    for i, (t, form, kind) in enumerate(zip(tokens, forms, kinds, strict=True)):
        if (
            kind is None
            or kind in denied_kinds
            or (kind == "fights" and not fight_told)
            or (i + 1 < len(forms) and forms[i + 1] in book.fiction_not_before.get(form, ()))
            or (kind == "sports" and adult_after(i))
            or told(t)
            or (kind in PLAYED_KINDS and trigger(i))
            or likened(i)
        ):
            continue
        found[kind] |= sentences.span(t.start, t.end)
    for kind, patterns in book.fiction_en.items():
        if kind in denied_kinds:
            continue
        for m in (m for rx in patterns for m in rx.finditer(text)):
            found[kind] |= sentences.span(*m.span())
    return found


def match(
    text: str, morphs: list[Morpheme], speaker: str, book: PhraseBook | None = None
) -> PhraseHits:
    """Score each risk category from phrase matches in one normalised message."""
    book = book or load_phrasebook()
    tokens = _innocent_senses(to_tokens(morphs), book)
    units = {t.unit for t in tokens}
    forms = {u.split("/")[0] for u in units}
    sentences = _Sentences(text)
    fiction = _fiction_sentences(
        text, sentences, tokens, _told_past_from(morphs), _conditions_from(morphs), book
    )
    stories = fiction["stories"]
    played = set().union(*(fiction[kind] for kind in PLAYED_KINDS))
    # sentence -> where its first adult or weapon stands (fiction.not_sport), when some
    # sentence speaks of a game, a sport or a fight only
    adult_from: dict[int, int] = {}
    adults = [t for t in tokens if t.unit.split("/")[0] in book.fiction_not_sport]
    for t in adults if played - stories else []:
        for k in sentences.span(t.start, t.end):
            adult_from.setdefault(k, t.start)
    laughing = sentences.laughing(text)
    joking = (
        bool(forms & book.joking) or any(w in text for w in book.joking if w.isascii())
    ) and not NOT_JOKING.search(text)
    scores = dict.fromkeys(RISKS, 0.0)
    evidence: dict[str, list[str]] = {}
    context: dict[str, float] = {}
    for name, cat in book.categories.items():
        factor = 1.0
        if joking:
            factor *= JOKING_FACTOR
        if cat.parent_only and speaker != "parent":
            factor *= OTHER_SPEAKER_FACTOR
        # fiction damps the learned model (which reads the whole message) anywhere in the
        # message, a phrase only when it is in the phrase's own sentence
        damping = book.fiction_kinds_of[name]
        stories_here = stories if "stories" in damping else set()
        fiction_here = set().union(*(fiction[kind] for kind in damping))
        # a game or a sport told with an adult or a weapon in its sentence ("아빠가 롤 하다 지면
        # 나한테 화풀이함") no longer damps the learned model either
        learned_fiction = any(
            fiction[kind] - (adult_from.keys() if kind in PLAYED_KINDS else set())
            for kind in book.fiction_learned_kinds_of[name]
        )
        # laughter damps the learned model anywhere in the message, a phrase only when it laughs
        # in the phrase's own sentence ("기분 좋음 ㅎㅎ 드디어 정했거든 언제 할지")
        context[name] = (
            factor
            * (LAUGHTER_FACTOR if laughing else 1.0)
            * (FICTION_FACTOR if learned_fiction else 1.0)
        )

        def damped(weight: float, start: int, end: int, here: set[int] = fiction_here) -> float:
            span = sentences.span(start, end)
            in_fiction = bool(here) and bool(span & here)
            return (
                weight
                * (FICTION_FACTOR if in_fiction else 1.0)
                * (LAUGHTER_FACTOR if span & laughing else 1.0)
            )

        best, strongest, found = 0.0, 0.0, []
        candidates = {id(p): p for u in units for p in cat.by_first.get(u, [])}
        denied = False
        for pat in candidates.values():
            idx = _find(tokens, pat, book.max_gap, sentences)
            if idx is None:
                continue
            if pat.negatable and _negated(tokens, idx, sentences):
                denied = denied or not _avoided(text, tokens, idx)
                continue
            start, end = tokens[idx[0]].start, tokens[idx[-1]].end
            strongest = max(strongest, pat.weight)
            # "엄마가 대회 성적 보고 옷걸이로 때렸어", "아빠가 게임 끄라고 머리 때렸어": in a
            # game or a match no parent hits and nobody holds a hanger; with one of them in its
            # sentence before its end, a phrase is damped only by a story or a screen
            not_sport = any(adult_from.get(k, end) < end for k in sentences.span(start, end))
            here = stories_here if not_sport else fiction_here
            weight = pat.weight
            if name in book.others_categories and _told_of_another(tokens, idx[0], sentences, book):
                weight *= FICTION_FACTOR
            best = max(best, damped(weight, start, end, here))
            found.append(text[start:end])
        for rx, weight in cat.english:
            hit = rx.search(text)
            if hit:
                strongest = max(strongest, weight)
                if name in book.others_categories and _told_of_another_en(
                    text, hit.start(), sentences, book
                ):
                    weight *= FICTION_FACTOR
                best = max(best, damped(weight, hit.start(), hit.end()))
                found.append(hit.group(0))
        if cat.cue_rules and best < CUE:
            present: dict[str, str] = {}
            for group, pats in cat.cues.items():
                for pat in pats:
                    idx = _find(tokens, pat, book.max_gap)
                    if idx is not None and not (pat.negatable and _negated(tokens, idx, sentences)):
                        present[group] = text[tokens[idx[0]].start : tokens[idx[-1]].end]
                        break
            for rule in cat.cue_rules:
                if rule <= present.keys():
                    # cues are read across sentences, so any laughter damps them
                    best = max(best, CUE * (LAUGHTER_FACTOR if laughing else 1.0))
                    found.extend(present[g] for g in sorted(rule))
                    break
        if denied and strongest < STRONG:
            # "아빠가 안 때렸어", and "혼낼 때 무섭긴 한데 때리진 않아요": a denial outweighs
            # soft evidence, and the learned model must not flag it either
            best = 0.0
        if best <= 0:
            if denied:
                context[name] = 0.0
            continue
        scores[name] = best * factor
        evidence[name] = sorted(set(found))
    # "아빠가 엄마를 때렸어" is domestic violence, not abuse of the child who writes it.
    for name, other in YIELDS_TO.items():
        if name in evidence and other in evidence and set(evidence[name]) <= set(evidence[other]):
            scores[name] = 0.0
            del evidence[name]
    # When the lists tell who was hit (the child, or a parent in front of the child), the
    # learned model, which cannot tell, does not add the other reading.
    for one, other in (*YIELDS_TO.items(), *((b, a) for a, b in YIELDS_TO.items())):
        if one in evidence and other not in evidence:
            context[other] = 0.0
    return PhraseHits(scores, evidence, context)


def match_all(
    texts: list[str],
    speakers: list[str],
    book: PhraseBook | None = None,
    analysed: list[list[Morpheme]] | None = None,
) -> list[PhraseHits]:
    """`match` for a batch of normalised texts (one Kiwi call for all of them, unless their
    morphemes are given)."""
    analysed = morphemes(texts) if analysed is None else analysed
    return [
        match(text, morphs, speaker, book)
        for text, morphs, speaker in zip(texts, analysed, speakers, strict=True)
    ]
