"""Item-writing checks in the manner of the NBME guide: flaws that cue or confuse learners.

Plain functions of a question's text; they warn, never block. The admin shows them
beside each question and `bank_report` counts them over the bank (docs/quizzes.md).
The thresholds are our choices, not a source's, and are named below.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

KEY_LENGTH_RATIO = 1.5
"""A key at least this many times as long as the longest distractor stands out."""
ABSOLUTE_WORDS = ("always", "never", "only", "all", "none", "must", "every", "completely")
"""Words that make a distractor easy to rule out for test-wise learners."""
APPLICATION_DIFFICULTY = 2
"""From this difficulty (Medium) an item is meant to test application, so it needs a case."""
_COMMON_WORDS = (
    "about above after again also among and another any are because been before "
    "being best both but can could does each either from have having here into its "
    "more most much must only other over same should some such than that their them "
    "then there these they this those through under until very were what when where "
    "which while whom will with would your following likely true false"
)
STOPWORDS = frozenset(_COMMON_WORDS.split())
"""Words too common to count as a cue when the key repeats them from the stem."""

_WORD = re.compile(r"[a-z][a-z'-]+")
_AGE = re.compile(
    r"\b\d{1,3}-(year|month|week|day)-old\b|\b\d{1,3} years? old\b|\baged \d{1,3}\b"
    r"|\bin (his|her) (\d0s|teens|twenties|thirties|forties|fifties|sixties|seventies|eighties)\b",
    re.IGNORECASE,
)
_SEX = re.compile(r"\b(man|woman|boy|girl|male|female|he|she|his|her|him)\b", re.IGNORECASE)
_PRESENTATION = re.compile(
    r"\b("
    # what the patient feels or the examiner finds
    r"cough\w*|breathless\w*|short of breath|dyspn\w*|fevers?|febrile|sweats|weight loss"
    r"|tired\w*|fatigue|malaise|wheez\w*|ha?emoptysis|blood|pain|pleuritic|crackles|clubbing"
    r"|symptom\w*|oxygen|saturation|examined|unwell|ill|illness|disease"
    # what the tests show
    r"|ct|hrct|x-ray|radiograph\w*|scans?|biops\w*|bal|bronchoscop\w*|lavage|spirometry|dlco"
    r"|consolidation|opacit\w*|nodules?|nodes|lesions?|shadows?|counts?|crp|esr|eosinophil\w*"
    r"|serology|antibod\w*|anti-\w+|pattern"
    # what is known or being done about it
    r"|cop|op|organi[sz]ing pneumonia|pneumonia|arthritis|cancer|tumou?r|lymphoma|infection"
    r"|prednisone|prednisolone|steroids?|glucocorticoids?|methylprednisolone|azathioprine"
    r"|cyclophosphamide|mycophenolate|clarithromycin|macrolides?|antibiotics?|amiodarone"
    r"|bleomycin|radiotherapy|radiation|chemotherapy|treated|treatment|relaps\w*|diagnosed"
    r"|presents|admitted|ventilated|referred|smok\w*|cocaine|mg"
    r")\b",
    re.IGNORECASE,
)
_ABOVE = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedOption:
    text: str
    is_correct: bool


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


CHECKS = {
    "long-key": "Key much longer than the distractors",
    "absolute-words": "Absolute words in distractors",
    "all-none-above": '"All/none of the above"',
    "stem-not-question": "Stem is not a question",
    "stem-words-in-key": "Stem words repeated only in the key",
    "no-vignette": "Application item without a vignette",
}


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if len(word) >= 4}


def is_vignette(text: str) -> bool:
    """Whether ``text`` presents one patient as a clinical vignette does: an age ("58-year-old",
    "aged 58", "in her sixties"), a sex (man, woman, boy, girl, or he/she), and a
    presentation (a complaint, a finding, a test result, a diagnosis or a treatment). The
    word "patient" alone is none of these: "Which patient has COP?" presents nobody."""
    return all(part.search(text) for part in (_AGE, _SEX, _PRESENTATION))


def has_vignette(stem: str, options: Sequence[str] = ()) -> bool:
    """Whether an item is built on a clinical vignette: its stem presents a patient, or it
    asks which of several patients, each option presenting one. The definition the
    no-vignette check and the bank's tests share."""
    return is_vignette(stem) or (bool(options) and all(map(is_vignette, options)))


def key_is_longest(options: Sequence[CheckedOption]) -> bool:
    """Whether a key is at least as long as every distractor: the cue a test-wise learner
    follows when unsure. A tie counts, since the learner cannot tell the two apart either."""
    keys = [len(option.text) for option in options if option.is_correct]
    distractors = [len(option.text) for option in options if not option.is_correct]
    return bool(keys and distractors) and max(keys) >= max(distractors)


def question_warnings(
    *, kind: str, stem: str, difficulty: int, options: Sequence[CheckedOption]
) -> list[Warning]:
    """Every item-writing flaw found in one question, each with a sentence for its author."""
    warnings: list[Warning] = []
    keys = [option for option in options if option.is_correct]
    distractors = [option for option in options if not option.is_correct]
    if kind != "true_false" and keys and distractors:
        key_length = sum(len(o.text) for o in keys) / len(keys)
        longest = max(len(o.text) for o in distractors)
        if longest and key_length >= KEY_LENGTH_RATIO * longest:
            warnings.append(
                Warning(
                    "long-key",
                    f"The key is {key_length / longest:.1f} times as long as the longest "
                    "distractor; test-wise learners pick the longest option.",
                )
            )
        absolute = sorted(
            {
                word
                for option in distractors
                for word in _WORD.findall(option.text.lower())
                if word in ABSOLUTE_WORDS
            }
        )
        if absolute:
            warnings.append(
                Warning(
                    "absolute-words",
                    f"Distractors use absolute words ({', '.join(absolute)}), which learners "
                    "rule out without knowing the answer.",
                )
            )
    if any(_ABOVE.search(option.text) for option in options):
        warnings.append(
            Warning(
                "all-none-above",
                '"All/none of the above" tests recognising a partial answer, not knowledge; '
                "write a full option instead.",
            )
        )
    if kind != "true_false" and "?" not in stem:
        warnings.append(
            Warning(
                "stem-not-question",
                "The stem asks no question; a clear lead-in lets the learner answer before "
                "reading the options.",
            )
        )
    if kind == "single" and keys:
        stem_words = _words(stem) - STOPWORDS
        in_distractors = (
            set().union(*(_words(o.text) for o in distractors)) if distractors else set()
        )
        repeated = sorted((stem_words & _words(keys[0].text)) - in_distractors)
        if repeated:
            warnings.append(
                Warning(
                    "stem-words-in-key",
                    f"The key repeats stem words no distractor uses ({', '.join(repeated)}), "
                    "a clang cue.",
                )
            )
    if difficulty >= APPLICATION_DIFFICULTY and not has_vignette(
        stem, [option.text for option in options]
    ):
        warnings.append(
            Warning(
                "no-vignette",
                "A medium or hard item should apply knowledge to a patient; this stem has "
                "no clinical vignette (a patient's age, sex and presentation).",
            )
        )
    return warnings


@dataclass
class BankReport:
    """How many questions each check flags, over `questions` questions."""

    questions: int
    counts: Counter[str] = field(default_factory=Counter)
    flagged_questions: int = 0

    def lines(self) -> list[str]:
        out = [
            f"{self.questions} questions checked, {self.flagged_questions} with at least one "
            "warning"
        ]
        out.extend(f"{self.counts[code]:>4}  {label}" for code, label in CHECKS.items())
        return out


def bank_report(warnings_per_question: Iterable[list[Warning]]) -> BankReport:
    report = BankReport(questions=0)
    for warnings in warnings_per_question:
        report.questions += 1
        report.flagged_questions += bool(warnings)
        report.counts.update({warning.code for warning in warnings})
    return report
