"""Korean (and English) message classifier: language, emotions, risk. See DESIGN.md."""

from nlp.analysis import Analysis
from nlp.analyzer import Analyzer, analyze, load_analyzer
from nlp.labels import EMOTIONS, RISKS, URGENT_RISKS
from nlp.lang import detect_language

__all__ = [
    "EMOTIONS",
    "RISKS",
    "URGENT_RISKS",
    "Analysis",
    "Analyzer",
    "analyze",
    "detect_language",
    "load_analyzer",
]
