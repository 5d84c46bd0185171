"""REST API for the case player: the same services as the pages, explicit serializers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.errors import AttemptError
from cases.plans import MAX_ADDITIONAL_ORDERS, MAX_TAPER_STEPS, OrderInput, PlanError, PlanInput
from cases.services import CLOCK_STEPS_HOURS


class CaseOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    difficulty = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    version = serializers.IntegerField()


class OrderOutputSerializer(serializers.Serializer):
    investigation_key = serializers.CharField()
    ordered_at_hours = serializers.IntegerField()
    ready_at_hours = serializers.IntegerField()
    cost = serializers.IntegerField()


class AttemptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.slug")
    case_version = serializers.IntegerField(source="case_version.number")
    stage = serializers.CharField()
    clock_hours = serializers.IntegerField()
    cost_total = serializers.IntegerField()
    risk_total_pct = serializers.DecimalField(max_digits=6, decimal_places=2)
    revealed_until_day = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    orders = OrderOutputSerializer(many=True, source="test_orders.all")


def _refused(error: AttemptError) -> Response:
    """The learner's sentence; a refused plan also names its order (1 is the main one)."""
    body: dict[str, object] = {"detail": str(error)}
    if isinstance(error, PlanError) and error.order is not None:
        body.update(order=error.order, field=error.field)
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _attempt_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    attempt = selectors.attempt_for_user(request.user, pk)
    return Response(AttemptOutputSerializer(attempt).data, status=code)


class CaseListApi(APIView):
    @extend_schema(responses=CaseOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        cases = selectors.published_cases_for(request.user)
        return Response(CaseOutputSerializer(cases, many=True).data)


class AttemptStartApi(APIView):
    @extend_schema(request=None, responses=AttemptOutputSerializer)
    def post(self, request: Request, slug: str) -> Response:
        case = selectors.published_case(slug, request.user)
        try:
            attempt = services.attempt_start(user=request.user, case=case)
        except AttemptError as error:
            return _refused(error)
        return _attempt_response(request, attempt.pk, status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _attempt_response(request, pk)


class TestOrderApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TestOrderInput"

        investigations = serializers.ListField(child=serializers.SlugField(), min_length=1)

    @extend_schema(request=InputSerializer, responses=AttemptOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = selectors.attempt_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.test_order(
                attempt=attempt, investigation_keys=data.validated_data["investigations"]
            )
        except AttemptError as error:
            return _refused(error)
        return _attempt_response(request, pk)


class ClockAdvanceApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ClockAdvanceInput"

        hours = serializers.ChoiceField(choices=CLOCK_STEPS_HOURS, allow_null=True)

    @extend_schema(request=InputSerializer, responses=AttemptOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = selectors.attempt_for_user(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.clock_advance(attempt=attempt, hours=data.validated_data["hours"])
        except AttemptError as error:
            return _refused(error)
        return _attempt_response(request, pk)


class TaperStepSerializer(serializers.Serializer):
    dose = serializers.FloatField()
    days = serializers.IntegerField()


class AdditionalOrderSerializer(serializers.Serializer):
    """An order after the main one; its start day counts from the plan's day 0."""

    agent = serializers.CharField()
    start_day = serializers.IntegerField(default=0)
    dose = serializers.FloatField(allow_null=True, default=None)
    unit = serializers.CharField(allow_null=True, default=None)
    duration_days = serializers.IntegerField(allow_null=True, default=None)


class PlanInputSerializer(serializers.Serializer):
    agent = serializers.CharField()
    dose = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    duration_days = serializers.IntegerField(allow_null=True)
    taper = TaperStepSerializer(many=True, required=False, max_length=MAX_TAPER_STEPS)
    adjuncts = serializers.DictField(child=serializers.BooleanField(), required=False)
    additional_orders = AdditionalOrderSerializer(
        many=True, required=False, max_length=MAX_ADDITIONAL_ORDERS
    )

    def plan_input(self) -> PlanInput:
        data = self.validated_data
        return PlanInput(
            agent=data["agent"],
            dose=data["dose"],
            unit=data["unit"],
            duration_days=data["duration_days"],
            taper=[(step["dose"], step["days"]) for step in data.get("taper", [])],
            adjuncts=data.get("adjuncts", {}),
            additional_orders=[OrderInput(**order) for order in data.get("additional_orders", [])],
        )


class PlanSubmitApi(APIView):
    """Submit the first plan, or a revision when the outcome stopped at a relapse."""

    @extend_schema(request=PlanInputSerializer, responses=AttemptOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = selectors.attempt_for_user(request.user, pk)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submit = services.plan_revise if attempt.plans.exists() else services.plan_submit
        try:
            submit(attempt=attempt, plan_input=data.plan_input())
        except AttemptError as error:
            return _refused(error)
        return _attempt_response(request, pk)
