"""Questionnaires: instruments as YAML, scoring, and the engine that walks a respondent through."""

from questionnaires.engine import (
    ResponseClosed,
    StaleAnswer,
    find_response,
    finish,
    go_back,
    iso_week,
    next_item,
    rated_answers,
    record_answer,
    start_or_resume,
)
from questionnaires.instrument import (
    Band,
    Instrument,
    InstrumentError,
    Item,
    load_instrument,
    load_instrument_file,
    parse_instrument,
)
from questionnaires.scoring import InvalidAnswer, ScoreResult, item_score, score

__all__ = [
    "Band",
    "Instrument",
    "InstrumentError",
    "InvalidAnswer",
    "Item",
    "ResponseClosed",
    "ScoreResult",
    "StaleAnswer",
    "find_response",
    "finish",
    "go_back",
    "iso_week",
    "item_score",
    "load_instrument",
    "load_instrument_file",
    "next_item",
    "parse_instrument",
    "rated_answers",
    "record_answer",
    "score",
    "start_or_resume",
]
