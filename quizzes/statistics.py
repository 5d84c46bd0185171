"""Item analysis of a quiz, in the manner of Moodle's quiz statistics report.

The database does the work: one statement returns, per question, the sums below and
the sum of sorted products (for discriminative efficiency); one GROUP BY per choice
counts the options chosen. Python only combines a few sums per question, so its share
of the cost does not grow with the number of attempts.

Notation, for one question i over the n closed attempts that contain it:
x = the attempt's mark on i (its fraction, 0..1, without CBM); T = the attempt's total
(`Attempt.raw_score`); Y = T - x, the rest of the test. Formulas: docs/quizzes.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Sum

from quizzes.models import Attempt, Choice, Question, Quiz, Response, ResponseChoice

CLOSED_STATES = (Attempt.State.FINISHED, Attempt.State.EXPIRED)
LOW_DISCRIMINATION = 20.0  # discrimination index below 20 (of 100) flags an item for review


@dataclass(frozen=True)
class Sums:
    """The raw sums the database returns for one question."""

    n: int
    sx: float
    sxx: float
    sxt: float
    st: float
    stt: float
    sorted_sxy: float

    @property
    def sy(self) -> float:
        return self.st - self.sx

    @property
    def syy(self) -> float:
        return self.stt - 2 * self.sxt + self.sxx

    @property
    def sxy(self) -> float:
        return self.sxt - self.sxx


@dataclass
class OptionCount:
    choice: Choice
    count: int
    percent: float


@dataclass
class ItemStatistics:
    """One question's figures over `attempts` closed attempts.

    The figures are always shown with their n; the item is flagged only from
    `min_attempts`, below which a discrimination index swings too much to judge by.
    """

    question: Question
    attempts: int
    facility: float | None
    standard_deviation: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    min_attempts: int
    options: list[OptionCount] = field(default_factory=list)

    @property
    def enough_attempts(self) -> bool:
        return self.attempts >= self.min_attempts

    @property
    def low_discrimination(self) -> bool:
        index = self.discrimination_index
        return self.enough_attempts and (index is None or index < LOW_DISCRIMINATION)


@dataclass
class QuizStatistics:
    """The whole quiz; alpha and its standard error are None below `min_attempts`."""

    attempts: int
    questions_per_attempt: float
    mean_score: float | None
    standard_deviation: float | None
    cronbach_alpha: float | None
    standard_error: float | None
    items: list[ItemStatistics]
    min_attempts: int

    @property
    def enough_attempts(self) -> bool:
        return self.attempts >= self.min_attempts

    @property
    def flagged_items(self) -> list[ItemStatistics]:
        return [item for item in self.items if item.low_discrimination]


def sample_covariance(sum_ab: float, sum_a: float, sum_b: float, n: int) -> float | None:
    if n < 2:
        return None
    return (sum_ab - sum_a * sum_b / n) / (n - 1)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator or denominator <= 0:
        return None
    return numerator / denominator


def item_figures(sums: Sums) -> dict[str, float | None]:
    """Facility, SD, discrimination index and efficiency (all out of 100) from the sums."""
    n = sums.n
    var_x = sample_covariance(sums.sxx, sums.sx, sums.sx, n)
    var_y = sample_covariance(sums.syy, sums.sy, sums.sy, n)
    cov_xy = sample_covariance(sums.sxy, sums.sx, sums.sy, n)
    cov_max = sample_covariance(sums.sorted_sxy, sums.sx, sums.sy, n)
    spread = var_x * var_y if var_x is not None and var_y is not None else None
    correlation = _ratio(cov_xy, math.sqrt(spread) if spread and spread > 0 else None)
    efficiency = _ratio(cov_xy, cov_max)
    return {
        "facility": 100 * sums.sx / n if n else None,
        "standard_deviation": math.sqrt(var_x) if var_x is not None and var_x >= 0 else None,
        "discrimination_index": 100 * correlation if correlation is not None else None,
        "discriminative_efficiency": 100 * efficiency if efficiency is not None else None,
    }


def quiz_item_analysis(*, quiz: Quiz, min_attempts: int | None = None) -> QuizStatistics:
    """Every figure of the report; flags, alpha and SE only from `min_attempts` attempts.

    `min_attempts` defaults to settings.QUIZ_STATISTICS_MIN_ATTEMPTS (20).
    """
    if min_attempts is None:
        min_attempts = settings.QUIZ_STATISTICS_MIN_ATTEMPTS
    sums = _item_sums(quiz)
    questions = Question.objects.filter(pk__in=sums).prefetch_related("choices")
    options = _option_counts(quiz)
    items = []
    for question in questions:
        item = sums[question.pk]
        items.append(
            ItemStatistics(
                question=question,
                attempts=item.n,
                min_attempts=min_attempts,
                options=[
                    OptionCount(
                        choice=choice,
                        count=options.get(choice.pk, 0),
                        percent=round(100 * options.get(choice.pk, 0) / item.n, 1),
                    )
                    for choice in question.choices.all()
                ],
                **item_figures(item),
            )
        )
    return _quiz_figures(quiz, sums, items, min_attempts)


def _quiz_figures(
    quiz: Quiz, sums: dict[int, Sums], items: list[ItemStatistics], min_attempts: int
) -> QuizStatistics:
    """Cronbach's alpha = k/(k-1) * (1 - sum of item variances / variance of totals)."""
    totals = Attempt.objects.filter(quiz=quiz, state__in=CLOSED_STATES).aggregate(
        n=Count("pk"), st=Sum("raw_score"), stt=Sum(F("raw_score") * F("raw_score"))
    )
    n = totals["n"]
    var_total = sample_covariance(totals["stt"] or 0, totals["st"] or 0, totals["st"] or 0, n)
    k = sum(item.n for item in sums.values()) / n if n else 0
    item_variances = [
        sample_covariance(item.sxx, item.sx, item.sx, item.n) for item in sums.values()
    ]
    known_variances = [variance for variance in item_variances if variance is not None]
    alpha = None
    if (
        n >= min_attempts
        and var_total
        and var_total > 0
        and k > 1
        and len(known_variances) == len(item_variances)
    ):
        alpha = k / (k - 1) * (1 - sum(known_variances) / var_total)
    sd_total = math.sqrt(var_total) if var_total is not None else None
    return QuizStatistics(
        attempts=n,
        questions_per_attempt=k,
        mean_score=(totals["st"] or 0) / n if n else None,
        standard_deviation=sd_total,
        cronbach_alpha=alpha,
        standard_error=sd_total * math.sqrt(1 - alpha)
        if sd_total is not None and alpha is not None and alpha <= 1
        else None,
        items=items,
        min_attempts=min_attempts,
    )


def _option_counts(quiz: Quiz) -> dict[int, int]:
    rows = (
        ResponseChoice.objects.filter(
            response__attempt__quiz=quiz, response__attempt__state__in=CLOSED_STATES
        )
        .values("choice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["choice_id"]: row["n"] for row in rows}


def _item_sums(quiz: Quiz) -> dict[int, Sums]:
    """Per question, the sums above plus the sum of sorted products, in one statement.

    The ORM first groups responses by (question, x, T): a joint histogram with a row per
    distinct mark pair, not per response. The SQL around it then reads every sum off that
    histogram, and pairs the k-th smallest x with the k-th smallest Y by overlapping the
    rank ranges of the x and Y histograms (each value's ranks run from hi - n + 1 to hi).
    Pairing sorted marks gives the largest covariance the two sets of marks could have,
    the denominator of discriminative efficiency.
    """
    joint = (
        Response.objects.filter(attempt__quiz=quiz, attempt__state__in=CLOSED_STATES)
        .values(qid=F("question_id"), x=F("fraction"), t=F("attempt__raw_score"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    joint_sql, params = joint.query.sql_with_params()
    sql = f"""
        WITH joint AS ({joint_sql}),
        xs AS (
            SELECT qid, x, SUM(n) AS n, SUM(SUM(n)) OVER (PARTITION BY qid ORDER BY x) AS hi
            FROM joint GROUP BY qid, x
        ),
        ys AS (
            SELECT qid, t - x AS y, SUM(n) AS n,
                   SUM(SUM(n)) OVER (PARTITION BY qid ORDER BY t - x) AS hi
            FROM joint GROUP BY qid, t - x
        ),
        sorted_pairs AS (
            SELECT xs.qid, SUM(xs.x * ys.y * (
                (CASE WHEN xs.hi < ys.hi THEN xs.hi ELSE ys.hi END)
                - (CASE WHEN xs.hi - xs.n > ys.hi - ys.n THEN xs.hi - xs.n ELSE ys.hi - ys.n END)
            )) AS sorted_sxy
            FROM xs JOIN ys
              ON xs.qid = ys.qid AND xs.hi - xs.n < ys.hi AND ys.hi - ys.n < xs.hi
            GROUP BY xs.qid
        )
        SELECT joint.qid, SUM(n), SUM(n * x), SUM(n * x * x), SUM(n * x * t), SUM(n * t),
               SUM(n * t * t), MAX(sorted_pairs.sorted_sxy)
        FROM joint JOIN sorted_pairs ON sorted_pairs.qid = joint.qid
        GROUP BY joint.qid
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            qid: Sums(int(n), *(float(value) for value in rest))
            for qid, n, *rest in cursor.fetchall()
        }
