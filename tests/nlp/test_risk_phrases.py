"""Phrase matching: conjugations, negation, hyperbole, indirect disclosure, speakers."""

from __future__ import annotations

import pytest

from nlp import analyze
from nlp.data import chat_share
from nlp.normalize import morphemes, normalize_text
from nlp.risk.examples import SPLITS, read_examples
from nlp.risk.phrases import (
    PhraseFileError,
    PhraseHits,
    _compile,
    _Sentences,
    load_phrasebook,
    match,
)


@pytest.mark.parametrize(
    "text",
    ["아빠가 때렸어", "아빠가 때렸어요", "아빠가 나를 때린다", "아빠한테 맞았어", "아빠가때렷어"],
)
def test_physical_abuse_matches_across_conjugations(text: str) -> None:
    assert "abuse_physical" in analyze([text])[0].risk_labels


@pytest.mark.parametrize(
    "text", ["아빠가 안 때렸어", "아빠가 때린 적 없어", "엄마는 나를 때리지 않아", "죽고 싶지 않아"]
)
def test_negated_phrases_are_not_risk(text: str) -> None:
    assert analyze([text])[0].risk_labels == []


@pytest.mark.parametrize(
    "text",
    [
        "배고파 죽겠다",
        "숙제 때문에 죽을 것 같아 ㅋㅋ",
        "게임에서 보스한테 맞았어",
        "롤 하다가 계속 맞아서 짜증나",
        "웃겨 죽겠네 ㅋㅋㅋㅋ",
        "엄마한테 혼났어 폰 오래 해서",
        "주사 맞았어",
        "i'm so hungry i could die lol",
    ],
)
def test_hyperbole_games_and_ordinary_discipline_are_not_flagged(text: str) -> None:
    assert analyze([text])[0].risk_labels == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("아빠가 술 마시면 무서워", "abuse_physical"),
        ("엄마가 말하면 안 된다고 했어", "abuse_sexual"),
        ("죽고싶다", "self_harm"),
        ("손목을 그었어", "self_harm"),
        ("며칠째 밥을 못 먹었어 집에 먹을 게 없어", "neglect"),
        ("아빠가 엄마를 때렸어", "domestic_violence"),
        ("my dad hits me", "abuse_physical"),
    ],
)
def test_disclosures_are_flagged(text: str, category: str) -> None:
    assert category in analyze([text])[0].risk_labels


@pytest.mark.parametrize(
    ("text", "speaker", "category"),
    [
        # the pattern's 혼자 is read as an adverb, the message's as a noun
        ("엄마가 나 혼자 두고 외박했어", "child", "neglect"),
        # "데려가다 힘이" is not "데려가 + 다 (all) + 힘"
        ("애가 아픈데 병원 데려갈 힘이 없어요", "parent", "neglect"),
        ("주거버리고싶어", "child", "self_harm"),
        ("살기시러", "child", "self_harm"),
        # "엄마를 때리다" (domestic violence) starts with its object: not "엄마가 때렸어"
        ("엄마가 때렸어", "child", "abuse_physical"),
    ],
)
def test_phrases_match_across_kiwi_readings_and_chat_spelling(
    text: str, speaker: str, category: str
) -> None:
    assert category in analyze([text], speaker=speaker)[0].risk_labels


def test_sparring_is_not_abuse() -> None:
    assert analyze(["태권도에서 겨루기 하다가 발로 차였어"])[0].risk_labels == []


def test_parent_urge_to_harm_child_is_flagged_for_parents() -> None:
    result = analyze(["애를 때릴 것 같아요"], speaker="parent")[0]
    assert "harm_to_child_urge" in result.risk_labels


def test_phrase_file_compiles_every_category() -> None:
    book = load_phrasebook()
    assert all(cat.patterns or cat.english for cat in book.categories.values())


@pytest.mark.parametrize(
    ("phrase", "verb"),
    # alone Kiwi reads these as a noun (죽다), a particle (보다) or an interjection (자)
    [("죽다 법 검색", "죽/V"), ("동생 보다 학교 못 가다", "보/V"), ("자다 안 깨다", "자/V")],
)
def test_a_word_in_dictionary_form_is_read_as_its_verb(phrase: str, verb: str) -> None:
    units = set().union(*_compile(phrase, {}, 0.9)[0].elements)
    assert verb in units


def test_nouns_ending_in_da_stay_nouns_and_a_word_read_as_neither_is_refused() -> None:
    assert "베란다/N" in _compile("베란다 가두다", {}, 0.9)[0].elements[0]
    with pytest.raises(PhraseFileError, match="막다"):
        _compile("엄마 막다 다치다", {}, 0.9)


def test_examples_file_has_a_held_out_third_with_both_kinds() -> None:
    examples = read_examples()
    assert len(examples) >= 300
    test = [e for e in examples if e.split == "test"]
    assert {e.split for e in examples} == set(SPLITS)
    # the test split is a third of the file: 230 examples, topped up with 120 by a writer
    # who had not seen the phrase lists
    assert len(test) >= 230
    assert 1 / 3 <= len(test) / len(examples) <= 0.40
    assert any(e.labels for e in test) and any(not e.labels for e in test)


@pytest.mark.parametrize(
    ("text", "speaker", "category"),
    [
        ("배고픈데 엄마가 안 들어와", "child", "neglect"),
        ("너무 지쳐서 다 포기하고 싶어요", "parent", "parent_crisis"),
    ],
)
def test_weak_cues_count_together(text: str, speaker: str, category: str) -> None:
    assert category in analyze([text], speaker=speaker)[0].risk_labels


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("다이어트 한다고 굶었어요", "parent"),
        ("요즘 지치지만 희망을 가지고 버텨요", "parent"),
        ("배고파 엄마 언제 와", "child"),
        ("아이가 자꾸 때리는 친구가 있대서 학교에 상담했어요", "parent"),
    ],
)
def test_one_weak_cue_alone_is_not_risk(text: str, speaker: str) -> None:
    assert analyze([text], speaker=speaker)[0].risk_labels == []


def _hits(text: str, speaker: str = "child") -> PhraseHits:
    norm = normalize_text(text)
    return match(norm, morphemes([norm])[0], speaker)


def test_a_particle_in_a_phrase_belongs_to_its_own_word() -> None:
    # "@child를 던지다": the child thrown, not a child who throws a toy
    assert _hits("아이를 던지고 싶어요", "parent").scores["harm_to_child_urge"] >= 0.5
    assert (
        _hits("아이가 동생한테 장난감을 던져서 혼냈어요", "parent").scores["harm_to_child_urge"]
        == 0.0
    )


def test_saying_it_is_no_joke_keeps_the_evidence() -> None:
    serious = _hits("진심으로 사라지고 싶어 장난 아님").scores["self_harm"]
    joking = _hits("진심으로 사라지고 싶어 장난이야").scores["self_harm"]
    laughing_it_off = _hits("진심으로 사라지고 싶어 ㅋㅋ 장난이야").scores["self_harm"]
    # "just kidding" alone does not take back strong words; with laughter it does
    assert serious > joking >= 0.5 > laughing_it_off


def test_laughter_damps_a_phrase_in_its_own_sentence_only() -> None:
    # "others laughed" or a laugh about something else does not soften the sentence that tells
    laughed_at = _hits("가족 단톡에 다들 ㅋㅋ 달았어. 진짜 죽고 싶어")
    assert laughed_at.scores["self_harm"] >= 0.9
    # the learned model reads the whole message, so the laugh still damps it
    assert laughed_at.context["self_harm"] < 1.0
    assert _hits("진짜 죽고 싶어 ㅋㅋ").scores["self_harm"] < 0.9
    # a laugh standing alone colours the sentences on both sides
    assert _hits("ㅋㅋㅋ 진짜 죽고 싶어").scores["self_harm"] < 0.9
    assert _hits("진짜 죽고 싶어. ㅋㅋ").scores["self_harm"] < 0.9


def test_a_joke_someone_else_calls_a_joke_is_not_one() -> None:
    # the abuser's excuse ("장난이래") and "not funny" keep the evidence
    assert (
        _hits("엄마 남친이 내 엉덩이 만지고 장난이래 하나도 안 웃긴데").scores["abuse_sexual"]
        >= 0.9
    )
    assert _hits("i want to unalive myself jk... not jk").scores["self_harm"] >= 0.9


def test_letters_spaced_out_and_censored_spellings_are_read() -> None:
    assert _hits("새 아 빠 가 때 렸 어").scores["abuse_physical"] >= 0.5
    assert _hits("ㅈ ㅜ ㄱ ㄱ ㅗ ㅅ ㅣ ㅍ ㅓ").scores["self_harm"] >= 0.9
    assert _hits("오늘 ㅈㅅ 시도했는데 실패함").scores["self_harm"] >= 0.5
    assert _hits("자1살 방법 찾아봄").scores["self_harm"] >= 0.5


def test_want_to_needs_its_own_verb() -> None:
    # "죽겠어 ... 잠그고 싶어" is not "죽고 싶어"; "죽어 버리고 싶어" is
    annoyed = "동생이 자꾸 내 방 들어와서 귀찮아 죽겠어 문 잠그고 싶음"
    assert _hits(annoyed).scores["self_harm"] == 0.0
    assert _hits("그냥 죽어버리고 싶다").scores["self_harm"] >= 0.9


def test_an_idiom_after_the_word_makes_it_innocent() -> None:
    assert _hits("죽을 맛이다 야자 끝나고 학원까지").scores["self_harm"] == 0.0
    assert _hits("웃겨서 죽을 뻔 했어").scores["self_harm"] == 0.0


def test_a_denial_outweighs_soft_evidence() -> None:
    text = "아빠가 혼낼 때 목소리가 커서 무섭긴 한데 아빠가 때리진 않아요"
    assert _hits(text).scores["abuse_physical"] == 0.0


def test_context_factors_are_reported_for_the_learned_model() -> None:
    game = _hits("게임에서 보스한테 맞았어")
    assert game.context["abuse_physical"] < 0.5
    assert game.context["abuse_sexual"] == 1.0
    assert _hits("아빠가 안 때렸어").context["abuse_physical"] == 0.0
    assert _hits("애를 때리고 싶어").context["harm_to_child_urge"] < 1.0  # a child writing
    assert _hits("애를 때리고 싶어", "parent").context["harm_to_child_urge"] == 1.0


def test_chat_shares_split_the_questions_without_overlap() -> None:
    questions = [f"q{i}" for i in range(10)] + ["  "]
    shares = [chat_share(questions, k) for k in range(3)]
    assert sorted(q for share in shares for q in share) == sorted(questions[:10])
    assert not set(shares[0]) & set(shares[1])
    assert shares[0] == ["q0", "q3", "q6", "q9"]


@pytest.mark.parametrize(
    "text",
    [
        "수학 시험 40점 맞았어 엄마한테 혼나겠다",
        "예방주사 맞은 데가 부었어",
        "엄마 쓰레기 버리러 갔어",
        "양호실 쌤이 내 배 눌러보고 장염이래",
        "영어쌤한테 발음 지적 당함 근데 맞는 말이라 할 말 없음",
        "할머니가 먹고 죽은 귀신이 때깔도 좋다면서 밥 먹으래",
    ],
)
def test_innocent_senses_match_no_phrase(text: str) -> None:
    assert max(_hits(text).scores.values()) == 0.0


def test_the_same_words_in_their_other_sense_still_match() -> None:
    assert _hits("아빠한테 맞았어").scores["abuse_physical"] >= 0.5
    assert _hits("엄마가 나를 버리고 갔어").scores["abuse_emotional"] >= 0.5


def test_an_adverb_neighbour_gives_an_innocent_sense_too() -> None:
    # Kiwi reads the 빡 of "빡쳤어" (furious) as an adverb before 치다 (to hit)
    assert _hits("언니가 내 일기 몰래 읽어서 빡쳤어").scores["abuse_physical"] == 0.0
    assert _hits("언니가 나를 쳤어").scores["abuse_physical"] >= 0.5


def test_a_game_is_context_only_in_its_own_sentence() -> None:
    in_the_game = _hits("게임에서 보스한테 맞아 죽었어").scores["abuse_physical"]
    assert in_the_game < 0.5
    elsewhere = "오늘 친구랑 게임 했어. 집에 와서 아빠한테 허리띠로 맞았어."
    assert _hits(elsewhere).scores["abuse_physical"] >= 0.9


def test_a_prevention_class_is_talk_about_harm_not_harm() -> None:
    assert _hits("오늘 보건시간에 자해 예방 교육 받았어").scores["self_harm"] < 0.5
    assert _hits("학교에서 아동학대 예방교육 받았는데 무서웠어").scores["abuse_physical"] < 0.5
    assert _hits("예방교육 받았어. 근데 사실 나 어제 자해했어").scores["self_harm"] >= 0.9


def test_a_run_of_chat_crying_ends_the_games_sentence() -> None:
    chat = "오늘 축구했어 골 넣었다 ㅠㅠ 근데 어제 아빠가 또 허리띠로 때렸어"
    assert _hits(chat).scores["abuse_physical"] >= 0.9


def test_a_baseball_bat_is_a_weapon_not_a_sport() -> None:
    assert _hits("사실 아빠가 야구방망이로 때린 거야").scores["abuse_physical"] >= 0.9
    assert _hits("야구 하다가 공에 맞았어").scores["abuse_physical"] < 0.5


def test_a_driver_is_no_news_article() -> None:
    assert _hits("학원 차 기사 아저씨가 때렸어").scores["abuse_physical"] >= 0.9
    assert _hits("뉴스 기사에서 아빠가 애를 때렸대").scores["abuse_physical"] < 0.5


def test_a_sport_told_as_the_story_of_an_injury_is_no_context() -> None:
    cover = _hits("아빠한테 맞아서 입술 터졌어 쌤한텐 농구공 맞았다고 할 거야")
    assert cover.scores["abuse_physical"] >= 0.9
    assert cover.context["abuse_physical"] == 1.0  # the learned model is not damped either
    assert _hits("아빠가 게임했다고 때렸어").scores["abuse_physical"] >= 0.9
    # a present-tense quote is not a story about what happened
    assert _hits("축구하다 공 맞았는데 괜찮다고 했어").scores["abuse_physical"] < 0.5


def test_a_sport_word_before_a_person_names_someone_there() -> None:
    assert _hits("태권도 관장님이 때렸어").scores["abuse_physical"] >= 0.9
    assert _hits("유도장 사범이 뺨 때렸어").scores["abuse_physical"] >= 0.9
    # a person after a verb is no person at the sport: "베개싸움 하다가 형 코에 맞았어"
    assert _hits("베개싸움 하다가 형 코에 맞아서 코피 났어").scores["abuse_physical"] < 0.5


def test_an_adult_before_a_phrase_in_its_sentence_outweighs_a_sport() -> None:
    assert _hits("아빠가 시합 끝나고 허리띠로 때렸어").scores["abuse_physical"] >= 0.9
    # a film or a webtoon still is a story, adults or not
    assert _hits("드라마에서 아빠가 딸 때리는 장면 나왔어").scores["abuse_physical"] < 0.5
    # nor does a sibling count: "형이랑 축구하다 형한테 맞았어" is play
    assert _hits("형이랑 축구하다 형한테 맞았어").scores["abuse_physical"] < 0.5
    # and a ball a parent threw in play is a ball
    assert _hits("아빠랑 캐치볼 했는데 아빠가 던진 공에 맞았어").scores["abuse_physical"] < 0.5


def test_a_sport_damps_blows_only_and_not_a_weapon() -> None:
    assert _hits("시합 지면 회초리로 종아리 맞아").scores["abuse_physical"] >= 0.9
    assert _hits("대회 끝나면 그냥 죽고 싶어").scores["self_harm"] >= 0.9
    assert _hits("대회 끝나면 그냥 죽고 싶어").context["self_harm"] == 1.0
    assert _hits("축구하다 공에 맞았어").scores["abuse_physical"] < 0.5
    # a game's character is a story and still damps self-harm
    assert _hits("게임 캐릭터가 죽고 싶대").scores["self_harm"] < 0.5
    # nor does a sport damp a parent's own blow, or self-harm told in English
    slap = _hits("대회 끝나고 차 안에서 아이 뺨을 때렸어요", "parent")
    assert slap.scores["harm_to_child_urge"] >= 0.9
    assert _hits("after practice i wanted to kill myself").scores["self_harm"] >= 0.9


def test_a_game_does_not_damp_a_parents_blow_but_a_film_does() -> None:
    assert _hits("아빠가 게임 끄라고 하면서 머리 때렸어").scores["abuse_physical"] >= 0.9
    assert _hits("헤드셋 끼고 게임하는데 아빠가 엄마를 밀쳤어").scores["domestic_violence"] >= 0.9
    assert _hits("영화에서 아빠가 엄마를 때리는 장면 나왔어").scores["domestic_violence"] < 0.5
    assert _hits("게임에서 보스한테 맞아 죽었어").scores["abuse_physical"] < 0.5
    # "as if to hit" and a hand-slapping game are no blows
    assert _hits("엄마가 때릴 듯이 화냈어").scores["abuse_physical"] < 0.5
    assert _hits("아빠랑 손목 때리기 게임 했어").scores["abuse_physical"] < 0.5


def test_a_game_played_does_not_damp_self_harm_but_a_characters_death_is_a_story() -> None:
    assert _hits("요즘 손목 긋는 게 버릇됨 게임 지면 바로 화장실 감").scores["self_harm"] >= 0.9
    assert _hits("게임 캐릭터가 자살하는 엔딩 보고 울었어").scores["self_harm"] < 0.5
    urge = _hits("애가 게임 그만하라는 말을 무시해서 애를 때리고 싶어요", "parent")
    assert urge.scores["harm_to_child_urge"] >= 0.9


def test_short_negation_stands_right_before_its_verb() -> None:
    # "못 자서 ... 버티고 있어요" is not "못 버티다"
    coping = "잠을 못 자서 멍하지만 남편이랑 교대로 보면서 버티고 있어요"
    assert _hits(coping, "parent").scores["parent_crisis"] < 0.5
    assert _hits("이제 정말 못 버티겠어요", "parent").scores["parent_crisis"] >= 0.9


def test_a_sibling_who_hits_is_not_a_parents_harm() -> None:
    siblings = "둘째가 첫째 머리를 장난감으로 때려서 혹이 났어요"
    assert _hits(siblings, "parent").scores["harm_to_child_urge"] == 0.0
    assert _hits("화가 나서 첫째 머리를 때렸어요", "parent").scores["harm_to_child_urge"] >= 0.5


def test_emoji_that_carry_the_meaning_are_read_as_words() -> None:
    assert normalize_text("💊💊💊 모아둠") == "약 약 모아둠"
    assert _hits("💊💊💊💊💊 모아놨어").scores["self_harm"] >= 0.9


def test_scrubbing_is_not_pushing() -> None:
    # "때 밀다" (scrubbing at the bathhouse) is not "밀다" (to push)
    assert max(_hits("엄마랑 목욕탕 감 때 밀다가 등 빨개짐").scores.values()) == 0.0


def test_a_negator_after_another_verb_denies_that_verb() -> None:
    # "하지 말랬는데" forbids, "간지러운 거 아니야" denies the tickling: the touching stands
    assert _hits("사촌오빠가 내 옷 속에 손 넣었어 하지 말랬는데").scores["abuse_sexual"] >= 0.9
    assert _hits("할아버지가 팬티 만졌어 간지러운 거 아니야 싫었어").scores["abuse_sexual"] >= 0.9
    # the phrase's own verb, its auxiliary or its light verb still takes the negation
    assert _hits("아빠가 팬티 만지지 않았어").scores["abuse_sexual"] == 0.0
    assert _hits("죽고 싶지 않아").scores["self_harm"] == 0.0
    assert _hits("자해 하지 않았어").scores["self_harm"] == 0.0


def test_a_phrase_needs_its_own_words_not_a_looser_reading_of_them() -> None:
    # "제가 ... 없다" and "엄마 ... 두다" were readings of "제가 없어도" and "엄마 가두다"
    busy = _hits("제가 요즘 시간이 없어서 설문을 늦게 했어요", "parent")
    assert busy.scores["parent_crisis"] == 0.0
    gone = _hits("제가 없어지는 게 애들한테 나을 것 같아요", "parent")
    assert gone.scores["parent_crisis"] >= 0.9
    assert _hits("엄마가 나 혼자 두고 마트 갔어").scores["domestic_violence"] == 0.0
    assert _hits("아빠가 엄마를 방에 가뒀어").scores["domestic_violence"] >= 0.9


def test_chat_spellings_that_kiwi_misreads_are_mended_first() -> None:
    # "가다놔써" is a young child's 가둬놨어; Kiwi reads "피구하다가" as 피 + 구하다
    assert _hits("엄마가 옷장에 가다놔써 깜깜해").scores["abuse_physical"] >= 0.9
    assert _hits("체육 시간에 피구하다가 얼굴 맞아서 코피 났어").scores["abuse_physical"] < 0.5


def test_english_news_and_prevention_talk_are_stories_too() -> None:
    assert _hits("we had a suicide prevention talk at school today").scores["self_harm"] < 0.5
    assert _hits("saw a news story about a mom who hit her kid").scores["abuse_physical"] < 0.5
    assert _hits("my mom hit me again last night").scores["abuse_physical"] >= 0.9


def test_a_negator_in_the_next_sentence_denies_nothing() -> None:
    crisis = _hits("그냥 다 놓고 싶어요. 애만 아니면 벌써 사라졌을 거예요", "parent")
    assert crisis.scores["parent_crisis"] >= 0.9
    assert _hits("다 놓고 싶은 건 아니에요", "parent").scores["parent_crisis"] == 0.0


def test_sentence_ends_are_found_once_and_a_run_of_marks_ends_its_own_sentence() -> None:
    text = "게임 했어.아빠가 때렸어ㅋㅋ 진짜"
    sentences = _Sentences(text)
    where = {w: sentences.of(text.index(w)) for w in ("게임", ".", "아빠", "ㅋㅋ", "진짜")}
    assert where == {"게임": 0, ".": 0, "아빠": 1, "ㅋㅋ": 1, "진짜": 2}
    assert sentences.span(0, text.index("때렸") + 1) == {0, 1}
    assert sentences.span(text.index("아빠"), text.index("ㅋ")) == {1}
    assert sentences.limit(text.index("때렸")) == text.index("ㅋ")
    assert sentences.limit(text.index("진짜")) == len(text)


def test_a_story_its_writer_denies_is_no_story() -> None:
    story = "소설 쓰는 중인데 주인공이 안 아프게 죽는 방법 뭐가 있을까?"
    assert _hits(story).scores["self_harm"] < 0.5
    assert _hits(story + " 사실 소설 아님").scores["self_harm"] >= 0.9


def test_a_joke_someone_else_calls_a_joke_in_english_is_not_one() -> None:
    told = "step dad calls me fatass at every meal. mom says he's joking"
    assert _hits(told).scores["abuse_emotional"] >= 0.7
    assert _hits("he calls me fatass at every meal, just joking").scores["abuse_emotional"] < 0.5


def test_a_fight_between_siblings_told_as_one_is_not_abuse() -> None:
    fight = _hits("형이 나 때려서 나도 때렸다 ㅋㅋ 근데 엄마가 둘다 핸드폰 뺏음")
    assert fight.scores["abuse_physical"] < 0.5
    assert fight.context["abuse_physical"] < 0.5  # nor for the learned model
    assert (
        _hits("my sister punched me for eating her ramen, i deserved it").scores["abuse_physical"]
        < 0.5
    )
    # an older sibling's blows with no fight told, and an adult's blow, stay
    assert _hits("형이 나 목 졸랐어 장난이래 엄마는 모른 척해").scores["abuse_physical"] >= 0.9
    assert _hits("아빠가 동생 때려서 나도 때렸어").scores["abuse_physical"] >= 0.9


def test_the_word_for_abuse_is_talk_about_it_unless_someone_is_called_it() -> None:
    lesson = _hits("오늘 학교에서 아동학대 신고 번호 배웠는데 112랑 뭐가 다른지 모르겠음")
    assert lesson.scores["abuse_physical"] == 0.0
    told = _hits("아내가 제가 애한테 하는 게 학대라고 해요", "parent")
    assert told.scores["abuse_physical"] >= 0.9


def test_youtube_is_where_a_child_searches_not_a_story() -> None:
    assert _hits("유튜브에 고통없이 죽는 법 검색해봤어").scores["self_harm"] >= 0.9
    assert _hits("영화에서 주인공이 고통없이 죽는 법 찾는 장면 나옴").scores["self_harm"] < 0.5


def test_negating_verbs_other_than_anida_follow_their_verb_directly() -> None:
    # "마니" (많이) is read by Kiwi as 말다; it came two words after the blow
    assert _hits("아빠가 효자손으로 때렸어 발바닥 마니 아파").scores["abuse_physical"] >= 0.9
    assert _hits("아빠가 때린 거 아니야").scores["abuse_physical"] == 0.0
    assert _hits("엄마는 나를 때리지 않아").scores["abuse_physical"] == 0.0


def test_a_child_telling_the_bot_it_has_no_one_else_is_no_parents_words() -> None:
    # "너 ... 없다" was a reading of "너 없었으면" (a parent's words to a child)
    for text in ("너 말고 얘기할 사람이 없어", "너 오늘 시간 없어?"):
        assert _hits(text).scores["abuse_emotional"] == 0.0
    assert _hits("엄마가 너만 없었으면 행복했을 거래").scores["abuse_emotional"] >= 0.9


def test_a_caregiver_word_as_the_object_is_not_the_one_who_hits() -> None:
    sibling = _hits("애가 자꾸 형을 때려서 오늘은 스마트폰 압수했어요", "parent")
    assert sibling.scores["abuse_physical"] < 0.5
    assert _hits("형이 자꾸 나를 때려").scores["abuse_physical"] >= 0.9
    # with 한테 the caregiver is the one told or scolded by, neither the hitter nor the hit
    scolded = _hits("오늘 엄마한테 혼났어 동생 밀어서. 생각하는 의자에 5분 앉아있었어")
    assert max(scolded.scores["abuse_physical"], scolded.scores["domestic_violence"]) < 0.5
    assert _hits("엄마가 오늘 또 나를 밀었어").scores["abuse_physical"] >= 0.9


def test_a_child_who_hits_a_parent_is_no_domestic_violence() -> None:
    toddler = _hits("유치원생 아이가 손으로 엄마를 때리는데 어떻게 가르치죠", "parent")
    assert toddler.scores["domestic_violence"] < 0.5
    # 작은애 is one noun in a message, 작 + 은 + 애 when the group member is read alone
    younger = _hits("작은애가 요즘 엄마를 때려요 어떻게 해야 할까요", "parent")
    assert younger.scores["domestic_violence"] < 0.5
    assert _hits("아빠가 엄마를 때렸어").scores["domestic_violence"] >= 0.9


def test_the_negator_an_is_not_the_noun_an_inside() -> None:
    assert _hits("차 안인데 6시간째 엉덩이 아파 죽겠다").scores["self_harm"] < 0.5
    assert _hits("안 아프게 죽는 법 알아?").scores["self_harm"] >= 0.9


def test_a_drama_line_damps_an_emotional_abuse_phrase_but_not_the_learned_model() -> None:
    drama = _hits("드라마에서 '너 같은 건 태어나지 말았어야 해' 대사 나오는데 소름")
    assert drama.scores["abuse_emotional"] < 0.5
    assert _hits("엄마가 너 같은 건 태어나지 말았어야 했대").scores["abuse_emotional"] >= 0.9
    mocked = _hits("아빠가 내가 그린 웹툰을 가족 앞에서 비웃었어")
    assert mocked.context["abuse_emotional"] == 1.0
    assert mocked.context["abuse_physical"] < 1.0


def test_a_sibling_told_on_and_punished_by_a_parent_is_a_fight() -> None:
    told = "오빠가 나 꼬집어서 팔에 멍듦 엄마한테 일렀더니 오빠 용돈 깎임"
    assert _hits(told).scores["abuse_physical"] < 0.5
    assert _hits("오빠가 나 꼬집어서 팔에 멍듦").scores["abuse_physical"] >= 0.9


def test_becoming_a_star_is_a_wish_to_die_for_oneself_only() -> None:
    assert (
        _hits("나 별이 되고 싶어. 별이 되면 엄마아빠가 안 싸울 것 같아").scores["self_harm"] >= 0.7
    )
    assert _hits("우리 강아지가 하늘나라 갔어. 엄마가 별이 됐대").scores["self_harm"] < 0.5


def test_an_idiom_holds_across_adverbs_and_an_adverb_can_be_its_word() -> None:
    doctor = _hits("엄마랑 병원 가써 의사 선생님이 배 꾹꾹 누르고 청진기 대써")
    assert doctor.scores["abuse_physical"] < 0.5
    assert _hits("언니가 내 다이어리 몰래 읽어서 빡침").scores["abuse_physical"] < 0.5
    assert _hits("엄마가 나를 세게 쳤어").scores["abuse_physical"] >= 0.9


def test_another_subject_before_the_verb_is_the_one_who_hits() -> None:
    assert _hits("할머니 집 강아지가 나 물어써 병원 가써").scores["abuse_physical"] < 0.5
    assert _hits("선생님이 태권도장에서 나 발로 차써").scores["abuse_physical"] >= 0.9


def test_someone_elses_self_harm_is_not_the_writers() -> None:
    assert _hits("우리 반 애가 자해했다는 소문 돌아서 상담쌤이 얘기함").scores["self_harm"] < 0.5
    assert _hits("나 또 자해했어").scores["self_harm"] >= 0.9


def test_phrases_whose_particle_carried_the_meaning_are_written_whole() -> None:
    bedwetting = _hits("밤에 이불에 실수를 해요. 동생 태어나고 나서부터요", "parent")
    assert bedwetting.scores["abuse_emotional"] < 0.5
    assert _hits("엄마가 넌 실수로 태어난 애래").scores["abuse_emotional"] >= 0.9
    assert _hits("쌤이 성폭력 예방 영상 틀어줬는데 분위기 싸해짐").scores["abuse_sexual"] < 0.5


def test_a_denial_after_another_noun_denies_that_noun() -> None:
    assert _hits("걍 영원히 자고 싶다 (시험 때문 아님)").scores["self_harm"] >= 0.9
    assert (
        _hits("아빠 친구가 병원 놀이라며 옷 올리래 진짜 의사 아닌데").scores["abuse_sexual"] >= 0.7
    )
    assert _hits("죽고 싶은 거 아니야").scores["self_harm"] == 0.0


def test_not_even_joking_is_not_a_joke() -> None:
    assert _hits("honestly i want to disappear, not even joking").context["self_harm"] == 1.0
    assert _hits("honestly i want to disappear, just joking").context["self_harm"] < 1.0


def test_a_parent_telling_siblings_fight_is_no_urge_to_harm() -> None:
    fight = "큰애가 작은애를 꼬집어서 둘 다 혼냈어요. 형제 싸움 언제 끝나나요"
    assert _hits(fight, "parent").scores["harm_to_child_urge"] < 0.5
    assert _hits("화가 나서 큰애를 꼬집었어요", "parent").scores["harm_to_child_urge"] >= 0.9


def test_the_writer_as_the_subject_of_the_blow_is_not_hit() -> None:
    assert (
        _hits("엄마가 야단쳐서 울었는데 내가 동생 밀어서 그런거임").scores["abuse_physical"] < 0.5
    )
    assert _hits("엄마가 내가 늦게 왔다고 때렸어").scores["abuse_physical"] >= 0.9


def test_only_an_auxiliary_bo_stands_between_a_verb_and_sipda() -> None:
    # 보고 싶다 after a finished clause is missing someone, not "trying to"
    pet = _hits("우리 강아지가 무지개다리 건넜어요 엄마가 별이 됐대요 보고싶어요")
    assert pet.scores["self_harm"] < 0.5
    assert _hits("한번 죽어 보고 싶어").scores["self_harm"] >= 0.9


def test_a_guess_told_as_a_quote_in_a_drama_stays_the_drama() -> None:
    # 낫겠다고 is no past event told as a quote (those lift a story word: "맞았다고 할 거야")
    drama = _hits("드라마에서 여주가 차라리 죽는 게 낫겠다고 우는데 배우 연기 미쳤음 ㅠ")
    assert drama.scores["self_harm"] < 0.5
    assert _hits("요즘 차라리 죽는 게 낫겠다고 생각해").scores["self_harm"] >= 0.9


def test_a_two_word_phrase_lies_in_one_sentence() -> None:
    scraped = _hits(
        "자전거 타다 넘어져서 무릎 까짐 ㅠ 엄마가 소독하고 밴드 붙여줌. 피 많이 나서 깜놀"
    )
    assert scraped.scores["domestic_violence"] < 0.5
    assert _hits("어젯밤에 엄마 피 많이 났어").scores["domestic_violence"] >= 0.9


def test_a_childs_quoted_hate_is_not_the_parents_and_dying_of_cringe_is_no_wish() -> None:
    quoted = _hits("사춘기 딸이 오늘 '아빠 미워' 하고 문을 쾅 닫았어요", "parent")
    assert quoted.scores["harm_to_child_urge"] < 0.5
    assert _hits("솔직히 요즘 애가 너무 미워요", "parent").scores["harm_to_child_urge"] >= 0.7
    assert _hits("i'm literally going to die of cringe").scores["self_harm"] < 0.5
    assert _hits("i'm going to die tonight").scores["self_harm"] >= 0.9


def test_a_blow_negated_as_something_to_avoid_is_no_denial() -> None:
    # "안 때리려고" (so as not to hit) leaves the learned model free; "안 때렸어" silences it
    avoided = _hits("오늘 애를 안 때리려고 제 손을 물었어요. 언젠가 못 참을 것 같아요", "parent")
    assert avoided.context["harm_to_child_urge"] > 0.5
    denied = _hits("오늘은 애를 안 때렸어요. 잘 참았어요", "parent")
    assert denied.context["harm_to_child_urge"] == 0.0
    assert _hits("아빠한테 안 맞으려고 일찍 들어옴").context["abuse_physical"] > 0.5
    # a wish works the same way, except for a phrase that is itself a wish
    assert (
        _hits("아빠 퇴근 시간 다가오면 배가 아파 오늘은 안 맞고 싶어").context["abuse_physical"]
        > 0.5
    )
    assert _hits("나 이제 안 죽고 싶어").context["self_harm"] == 0.0


def test_a_blow_negated_after_the_verb_as_something_to_avoid_is_no_denial() -> None:
    # "때리지 않으려고" is "안 때리려고" with its negator after the verb
    avoided = _hits("애를 때리지 않으려고 방에 들어가서 문 닫고 울어요", "parent")
    assert avoided.context["harm_to_child_urge"] > 0.5
    assert _hits("자해하지 않았으면 좋겠는데 또 했어").context["self_harm"] > 0.5
    assert _hits("오늘은 애를 때리지 않았어요", "parent").context["harm_to_child_urge"] == 0.0


def test_a_friend_who_is_the_subject_of_self_harm_words_is_not_the_writer() -> None:
    assert (
        _hits("친구가 자기 팔 긋는다고 나한테만 말했는데 비밀 지켜야 돼?").scores["self_harm"] < 0.5
    )
    assert _hits("my friend said she's been cutting again").scores["self_harm"] < 0.5
    # with the writer between, the words are the writer's own
    assert _hits("친구가 나보고 괜찮냐고 물어봄 나 죽고 싶어").scores["self_harm"] >= 0.9
    assert _hits("my friend asked if i've been cutting again. i have").scores["self_harm"] >= 0.9


def test_a_writer_who_likens_themselves_to_a_character_is_not_telling_a_story() -> None:
    assert _hits("노래 가사처럼 나도 그냥 별이 되고 싶다").scores["self_harm"] >= 0.9
    assert _hits("만화 주인공처럼 나도 그냥 사라지고 싶어").scores["self_harm"] >= 0.9
    # the character's own wish, told, stays a story
    assert _hits("만화에서 주인공이 그냥 사라지고 싶다고 함").scores["self_harm"] < 0.5


def test_a_game_lost_as_the_condition_of_a_blow_does_not_damp_it() -> None:
    # "if he loses the game he chokes me": the game is the trigger, not where it happens
    assert _hits("형이 게임 지면 나를 목 졸라. 숨 안 쉬어져").scores["abuse_physical"] >= 0.9
    assert _hits("오빠가 게임 하다가 지면 나 때려").scores["abuse_physical"] >= 0.9
    # a blow inside the game stays a game
    assert _hits("게임에서 지면 보스한테 맞아 죽음").scores["abuse_physical"] < 0.5


def test_a_game_with_an_adult_in_its_sentence_leaves_the_learned_model_undamped() -> None:
    angry = _hits("아빠가 롤 하다 지면 나한테 화풀이함 어제는 옆구리 아픔")
    assert angry.context["abuse_physical"] == 1.0
    assert _hits("롤 하다가 졌음 화풀이함 어제는 옆구리 아픔").context["abuse_physical"] < 0.5
