"""REST API for quizzes: the same services and selectors as the pages.

Input and output serializers are separate and list their fields. Right answers and
explanations leave the server only when the learner may see them: for an answered
question in tutor mode, or once the attempt is closed and the quiz's review shows them.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from edu_site.api import IdField, refusals
from edu_site.http import AuthenticatedApiRequest
from edu_site.refusals import Forbidden
from edu_site.roles import is_educator
from quizzes import selectors, services, statistics
from quizzes.models import Attempt, Confidence, Quiz, Response

BAD, FORBIDDEN, NOT_FOUND, CONFLICT, UNSUPPORTED = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
)
STEP_REFUSALS = (BAD, FORBIDDEN, NOT_FOUND, CONFLICT, UNSUPPORTED)
"""What a write can refuse: bad input, a session post without CSRF token, another
learner's attempt, a closed attempt or stale answer, and a body that is not JSON."""


class QuizListApi(APIView):
    class QuizListOutputSerializer(serializers.ModelSerializer):
        question_count = serializers.IntegerField()
        last_attempt_id = serializers.IntegerField(allow_null=True)
        last_score = serializers.FloatField(allow_null=True)
        last_max_score = serializers.FloatField(allow_null=True)
        open_attempt_id = serializers.IntegerField(allow_null=True)

        class Meta:
            model = Quiz
            fields = [
                "slug",
                "title",
                "description",
                "mode",
                "time_limit_minutes",
                "attempts_allowed",
                "certainty_based_marking",
                "question_count",
                "last_attempt_id",
                "last_score",
                "last_max_score",
                "open_attempt_id",
            ]

    @extend_schema(responses={200: QuizListOutputSerializer(many=True), **refusals()})
    def get(self, request: AuthenticatedApiRequest) -> ApiResponse:
        services.attempts_expire_overdue(user=request.user)
        quizzes = selectors.quizzes_for_learner(user=request.user)
        return ApiResponse(self.QuizListOutputSerializer(quizzes, many=True).data)


class QuizChoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()


class QuizRevealedChoiceOutputSerializer(QuizChoiceOutputSerializer):
    is_correct = serializers.BooleanField()
    explanation = serializers.CharField()


class QuizResponseOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    question = serializers.IntegerField(source="question_id")
    question_version = serializers.IntegerField(source="question.version")
    kind = serializers.CharField(source="question.kind")
    stem = serializers.CharField(source="question.stem")
    choices = serializers.SerializerMethodField()
    chosen = serializers.SerializerMethodField()
    confidence = serializers.CharField()
    flagged = serializers.BooleanField()
    version = serializers.IntegerField()
    answered = serializers.BooleanField(source="is_answered")
    feedback = serializers.SerializerMethodField()
    peers_percent_correct = serializers.SerializerMethodField(
        help_text="Share of other learners who answered it right; only in results."
    )

    def _reveals(self, response: Response) -> bool:
        attempt: Attempt = self.context["attempt"]
        if attempt.is_open:
            return attempt.quiz.mode == Quiz.Mode.TUTOR and response.is_answered
        return attempt.quiz.review_shows == Quiz.ReviewShows.EVERYTHING

    @extend_schema(responses=QuizRevealedChoiceOutputSerializer(many=True))
    def get_choices(self, response: Response) -> list[dict]:
        # The stubs type .data as one object even when many=True builds a list serializer.
        if self._reveals(response):
            revealed = QuizRevealedChoiceOutputSerializer(response.ordered_choices, many=True)
            return cast(list[dict], revealed.data)
        return cast(
            list[dict], QuizChoiceOutputSerializer(response.ordered_choices, many=True).data
        )

    def get_peers_percent_correct(self, response: Response) -> float | None:
        return self.context.get("peers", {}).get(response.question_id)

    def get_chosen(self, response: Response) -> list[int]:
        return sorted(response.chosen_ids)

    def get_feedback(self, response: Response) -> dict | None:
        if not self._reveals(response):
            return None
        return {
            "is_correct": response.is_correct,
            "fraction": response.fraction,
            "marks": response.marks,
            "explanation": response.question.explanation,
            "references": response.question.reference_list(),
        }


class QuizAttemptOutputSerializer(serializers.ModelSerializer):
    quiz: serializers.SlugRelatedField[Quiz] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    seconds_left = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "number",
            "state",
            "started_at",
            "deadline",
            "finished_at",
            "seconds_left",
            "score",
            "max_score",
            "responses",
        ]

    def get_seconds_left(self, attempt: Attempt) -> int | None:
        return attempt.seconds_left(self.context["now"]) if attempt.is_open else None

    @extend_schema(responses=QuizResponseOutputSerializer(many=True))
    def get_responses(self, attempt: Attempt) -> list[dict]:
        responses = selectors.attempt_responses(attempt=attempt)
        peers = (
            selectors.peers_percent_correct(
                question_ids=[r.question_id for r in responses],
                excluding_user=self.context["peers_of"],
            )
            if self.context.get("peers_of") is not None
            else {}
        )
        serialized = QuizResponseOutputSerializer(
            responses, many=True, context={"attempt": attempt, "peers": peers}
        )
        return cast(list[dict], serialized.data)


def _attempt_data(attempt: Attempt, *, with_peers: Any = None) -> dict:
    """The attempt as the API shows it; ``with_peers`` (the learner) adds how other
    learners did on each question, as the results page shows."""
    context = {"now": timezone.now(), "peers_of": with_peers}
    return QuizAttemptOutputSerializer(attempt, context=context).data


class AttemptStartApi(APIView):
    """Start the quiz, or resume the learner's open attempt on it."""

    @extend_schema(
        request=None,
        responses={
            201: QuizAttemptOutputSerializer,
            **refusals(FORBIDDEN, NOT_FOUND, CONFLICT, _409="No attempts left, or no questions."),
        },
    )
    def post(self, request: AuthenticatedApiRequest, slug: str) -> ApiResponse:
        quiz = get_object_or_404(Quiz, slug=slug, is_published=True, owner__isnull=True)
        attempt = services.attempt_start(user=request.user, quiz=quiz)
        return ApiResponse(_attempt_data(attempt), status=status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    @extend_schema(responses={200: QuizAttemptOutputSerializer, **refusals(NOT_FOUND)})
    def get(self, request: AuthenticatedApiRequest, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        services.attempt_expire_if_overdue(attempt=attempt)
        return ApiResponse(_attempt_data(attempt))


class ResponseSaveApi(APIView):
    class QuizAnswerInputSerializer(serializers.Serializer):
        question = IdField()
        choices = serializers.ListField(child=IdField(), allow_empty=False, max_length=50)
        confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
        version = IdField(minimum=0)

    class QuizAnswerOutputSerializer(serializers.Serializer):
        question = serializers.IntegerField(source="question_id")
        version = serializers.IntegerField()
        answered_at = serializers.DateTimeField()

    @extend_schema(
        request=QuizAnswerInputSerializer,
        responses={200: QuizAnswerOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        given = self.QuizAnswerInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        saved = services.response_save(
            attempt=attempt,
            question_id=given.validated_data["question"],
            choice_ids=given.validated_data["choices"],
            confidence=given.validated_data.get("confidence", ""),
            expected_version=given.validated_data["version"],
        )
        return ApiResponse(self.QuizAnswerOutputSerializer(saved).data)


class ResponseFlagApi(APIView):
    """Mark a question to come back to, or clear the mark, while the attempt is open."""

    class QuizFlagInputSerializer(serializers.Serializer):
        question = IdField()
        flagged = serializers.BooleanField()

    class QuizFlagOutputSerializer(serializers.Serializer):
        question = serializers.IntegerField(source="question_id")
        flagged = serializers.BooleanField()

    @extend_schema(
        request=QuizFlagInputSerializer,
        responses={200: QuizFlagOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        given = self.QuizFlagInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        flagged = services.response_flag(
            attempt=attempt,
            question_id=given.validated_data["question"],
            flagged=given.validated_data["flagged"],
        )
        return ApiResponse(self.QuizFlagOutputSerializer(flagged).data)


class AttemptFinishApi(APIView):
    """Hand the attempt in: it is scored and its questions are scheduled for review."""

    @extend_schema(
        request=None,
        responses={200: QuizAttemptOutputSerializer, **refusals(FORBIDDEN, NOT_FOUND, CONFLICT)},
    )
    def post(self, request: AuthenticatedApiRequest, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        services.attempt_finish(attempt=attempt)
        return ApiResponse(_attempt_data(attempt))


class AttemptResultsApi(APIView):
    """A closed attempt's results: the score, and per question what the quiz's review shows
    with the share of other learners who answered it right."""

    @extend_schema(
        responses={
            200: QuizAttemptOutputSerializer,
            **refusals(NOT_FOUND, CONFLICT, _409="The attempt is still open: finish it first."),
        },
    )
    def get(self, request: AuthenticatedApiRequest, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        services.attempt_expire_if_overdue(attempt=attempt)
        if attempt.is_open:
            raise services.QuizConflict("Finish the attempt to see your results.")
        return ApiResponse(_attempt_data(attempt, with_peers=request.user))


class TopicOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    # A declared field shadows Field.parent only in the stubs: DRF moves it off the class.
    parent = serializers.CharField(  # type: ignore[assignment]
        source="parent.name", allow_null=True, default=None
    )
    question_count = serializers.IntegerField()


class PracticeApi(APIView):
    """Custom practice: GET lists the topics to choose from; POST builds a tutor-mode quiz
    from topics, a size and a pool of questions, and starts it."""

    class PracticeInputSerializer(serializers.Serializer):
        topics = serializers.ListField(child=IdField(), required=False, max_length=200)
        count = serializers.IntegerField(min_value=1, max_value=services.PRACTICE_MAX_QUESTIONS)
        pool = serializers.ChoiceField(choices=services.Pool.CHOICES)

    @extend_schema(responses={200: TopicOutputSerializer(many=True), **refusals()})
    def get(self, request: AuthenticatedApiRequest) -> ApiResponse:
        topics = selectors.topics_for_practice()
        return ApiResponse(TopicOutputSerializer(topics, many=True).data)

    @extend_schema(
        request=PracticeInputSerializer,
        responses={201: QuizAttemptOutputSerializer, **refusals(BAD, FORBIDDEN, UNSUPPORTED)},
    )
    def post(self, request: AuthenticatedApiRequest) -> ApiResponse:
        given = self.PracticeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        quiz = services.practice_quiz_create(
            user=request.user,
            topic_ids=given.validated_data.get("topics", []),
            count=given.validated_data["count"],
            pool=given.validated_data["pool"],
        )
        attempt = services.attempt_start(user=request.user, quiz=quiz)
        return ApiResponse(_attempt_data(attempt), status=status.HTTP_201_CREATED)


class ReviewQueueApi(APIView):
    """Spaced review: GET lists the questions due now; POST starts a session of them."""

    class ReviewCardOutputSerializer(serializers.Serializer):
        question = serializers.IntegerField(source="question_id")
        stem = serializers.CharField(source="question.stem")
        due = serializers.DateTimeField()
        reviews = serializers.IntegerField()
        lapses = serializers.IntegerField()

    @extend_schema(responses={200: ReviewCardOutputSerializer(many=True), **refusals()})
    def get(self, request: AuthenticatedApiRequest) -> ApiResponse:
        cards = selectors.review_cards_due(user=request.user)
        return ApiResponse(self.ReviewCardOutputSerializer(cards, many=True).data)

    @extend_schema(
        request=None,
        responses={
            201: QuizAttemptOutputSerializer,
            **refusals(FORBIDDEN, CONFLICT, _409="Nothing is due for review now."),
        },
    )
    def post(self, request: AuthenticatedApiRequest) -> ApiResponse:
        quiz = services.review_quiz_create(user=request.user)
        attempt = services.attempt_start(user=request.user, quiz=quiz)
        return ApiResponse(_attempt_data(attempt), status=status.HTTP_201_CREATED)


class QuizItemStatisticsOutputSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    question_version = serializers.IntegerField(source="question.version")
    attempts = serializers.IntegerField()
    facility = serializers.FloatField(allow_null=True)
    standard_deviation = serializers.FloatField(allow_null=True)
    discrimination_index = serializers.FloatField(allow_null=True)
    discriminative_efficiency = serializers.FloatField(allow_null=True)
    low_discrimination = serializers.BooleanField()
    option_counts = serializers.SerializerMethodField()

    def get_option_counts(self, item: statistics.ItemStatistics) -> dict[str, int]:
        return {str(option.choice.pk): option.count for option in item.options}


class ItemAnalysisApi(APIView):
    class QuizStatisticsOutputSerializer(serializers.Serializer):
        attempts = serializers.IntegerField()
        min_attempts = serializers.IntegerField()
        mean_score = serializers.FloatField(allow_null=True)
        standard_deviation = serializers.FloatField(allow_null=True)
        cronbach_alpha = serializers.FloatField(allow_null=True)
        standard_error = serializers.FloatField(allow_null=True)
        items = QuizItemStatisticsOutputSerializer(many=True)

    @extend_schema(
        responses={200: QuizStatisticsOutputSerializer, **refusals(FORBIDDEN, NOT_FOUND)}
    )
    def get(self, request: AuthenticatedApiRequest, slug: str) -> ApiResponse:
        if not is_educator(request.user):
            raise Forbidden("Item analysis is for educators.")
        quiz = get_object_or_404(Quiz, slug=slug)
        report = statistics.quiz_item_analysis(quiz=quiz)
        return ApiResponse(self.QuizStatisticsOutputSerializer(report).data)
