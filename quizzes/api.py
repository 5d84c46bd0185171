"""REST API for quizzes: the same services and selectors as the pages.

Input and output serializers are separate and list their fields. Right answers and
explanations leave the server only when the learner may see them: for an answered
question in tutor mode, or once the attempt is closed and the quiz's review shows them.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from edu_site.roles import is_educator
from quizzes import selectors, services, statistics
from quizzes.models import Attempt, Confidence, Quiz


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

    @extend_schema(responses=QuizListOutputSerializer(many=True))
    def get(self, request: Request) -> ApiResponse:
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

    def _reveals(self, response) -> bool:
        attempt: Attempt = self.context["attempt"]
        if attempt.is_open:
            return attempt.quiz.mode == Quiz.Mode.TUTOR and response.is_answered
        return attempt.quiz.review_shows == Quiz.ReviewShows.EVERYTHING

    @extend_schema(responses=QuizRevealedChoiceOutputSerializer(many=True))
    def get_choices(self, response) -> list[dict]:
        if self._reveals(response):
            return QuizRevealedChoiceOutputSerializer(response.ordered_choices, many=True).data
        return QuizChoiceOutputSerializer(response.ordered_choices, many=True).data

    def get_chosen(self, response) -> list[int]:
        return sorted(response.chosen_ids)

    def get_feedback(self, response) -> dict | None:
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
    quiz = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
        return QuizResponseOutputSerializer(responses, many=True, context={"attempt": attempt}).data


def _attempt_data(attempt: Attempt) -> dict:
    return QuizAttemptOutputSerializer(attempt, context={"now": timezone.now()}).data


def _refusal(error: services.QuizError) -> ApiResponse:
    conflict = isinstance(error, services.StaleAnswer | services.AttemptClosed)
    code = status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST
    return ApiResponse({"detail": str(error)}, status=code)


class AttemptStartApi(APIView):
    @extend_schema(request=None, responses={201: QuizAttemptOutputSerializer})
    def post(self, request: Request, slug: str) -> ApiResponse:
        quiz = get_object_or_404(Quiz, slug=slug, is_published=True, owner__isnull=True)
        try:
            attempt = services.attempt_start(user=request.user, quiz=quiz)
        except services.QuizError as error:
            return _refusal(error)
        return ApiResponse(_attempt_data(attempt), status=status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    @extend_schema(responses=QuizAttemptOutputSerializer)
    def get(self, request: Request, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        services.attempt_expire_if_overdue(attempt=attempt)
        return ApiResponse(_attempt_data(attempt))


class ResponseSaveApi(APIView):
    class QuizAnswerInputSerializer(serializers.Serializer):
        question = serializers.IntegerField()
        choices = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
        version = serializers.IntegerField(min_value=0)

    class QuizAnswerOutputSerializer(serializers.Serializer):
        question = serializers.IntegerField(source="question_id")
        version = serializers.IntegerField()
        answered_at = serializers.DateTimeField()

    @extend_schema(request=QuizAnswerInputSerializer, responses=QuizAnswerOutputSerializer)
    def post(self, request: Request, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        given = self.QuizAnswerInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            saved = services.response_save(
                attempt=attempt,
                question_id=given.validated_data["question"],
                choice_ids=given.validated_data["choices"],
                confidence=given.validated_data.get("confidence", ""),
                expected_version=given.validated_data["version"],
            )
        except services.QuizError as error:
            return _refusal(error)
        return ApiResponse(self.QuizAnswerOutputSerializer(saved).data)


class AttemptFinishApi(APIView):
    @extend_schema(request=None, responses=QuizAttemptOutputSerializer)
    def post(self, request: Request, attempt_id: int) -> ApiResponse:
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        try:
            services.attempt_finish(attempt=attempt)
        except services.QuizError as error:
            return _refusal(error)
        return ApiResponse(_attempt_data(attempt))


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

    @extend_schema(responses=QuizStatisticsOutputSerializer)
    def get(self, request: Request, slug: str) -> ApiResponse:
        if not is_educator(request.user):
            raise PermissionDenied("Item analysis is for educators.")
        quiz = get_object_or_404(Quiz, slug=slug)
        report = statistics.quiz_item_analysis(quiz=quiz)
        return ApiResponse(self.QuizStatisticsOutputSerializer(report).data)
