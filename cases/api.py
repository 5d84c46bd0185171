"""REST API for the case player: every step a page offers, through the same services.

Input and output serializers are separate and list their fields. Views carry no
try/except: a refused step raises a Refusal that edu_site.api.exception_handler answers
(400 bad input, 409 wrong stage or state, 404 not yours). Every step answers with the
attempt's state (``AttemptOutputSerializer``), so a client always sees where it stands.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.models import Attempt, DiagnosisSubmission, Stage
from cases.plans import MAX_ADDITIONAL_ORDERS, MAX_TAPER_STEPS, OrderInput, PlanInput, TaperInput
from cases.services import CLOCK_STEPS_HOURS
from cases.simulation import HORIZON_DAYS
from edu_site.api import refusals
from edu_site.http import AuthenticatedApiRequest

BAD, NOT_FOUND, CONFLICT, UNSUPPORTED = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
)
STEP_REFUSALS = (BAD, HTTPStatus.FORBIDDEN, NOT_FOUND, CONFLICT, UNSUPPORTED)
"""What a step can refuse: bad input, a session post without CSRF token, another
learner's attempt, the wrong stage or state, and a body that is not JSON."""
MAX_KEY_LENGTH = 60


def _key_field(**kwargs: Any) -> serializers.SlugField:
    return serializers.SlugField(max_length=MAX_KEY_LENGTH, **kwargs)


# --- output ----------------------------------------------------------------------------------


class CaseOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    difficulty = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    version = serializers.IntegerField()


class PatientOutputSerializer(serializers.Serializer):
    age = serializers.IntegerField()
    sex = serializers.CharField()
    height_cm = serializers.FloatField()
    weight_kg = serializers.FloatField()


class VitalsOutputSerializer(serializers.Serializer):
    temperature_c = serializers.FloatField()
    heart_rate = serializers.IntegerField()
    respiratory_rate = serializers.IntegerField()
    blood_pressure = serializers.CharField()


class ExamFindingOutputSerializer(serializers.Serializer):
    system = serializers.CharField()
    finding = serializers.CharField()
    # Naming a field `source` or `label` shadows Field attributes only in the stubs:
    # DRF's serializer metaclass moves declared fields off the class.
    source = serializers.CharField()  # type: ignore[assignment]


class PresentationOutputSerializer(serializers.Serializer):
    chief_complaint = serializers.CharField()
    presenting_history = serializers.CharField()
    vitals = VitalsOutputSerializer()
    exam = ExamFindingOutputSerializer(many=True)


class HistoryItemOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField()
    asked = serializers.BooleanField()
    answer = serializers.CharField(allow_null=True, help_text="Shown once asked.")


class CatalogEntryOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    cost = serializers.IntegerField()
    turnaround_hours = serializers.IntegerField()
    risk_pct = serializers.FloatField()
    ordered = serializers.BooleanField()


class ResultValueOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    shown = serializers.CharField()
    unit = serializers.CharField()
    flag = serializers.CharField(help_text="H above, L below the reference range, else empty.")
    reference = serializers.CharField()


class OrderOutputSerializer(serializers.Serializer):
    investigation_key = serializers.CharField()
    name = serializers.CharField()
    ordered_at_hours = serializers.IntegerField()
    ready_at_hours = serializers.IntegerField()
    ready = serializers.BooleanField()
    report = serializers.CharField(allow_null=True, help_text="Shown once the result is ready.")
    values = ResultValueOutputSerializer(many=True)


class OptionOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class RevealedOptionOutputSerializer(OptionOutputSerializer):
    correct = serializers.BooleanField()
    explanation = serializers.CharField()


class AnswerOutputSerializer(serializers.Serializer):
    selected = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    options = RevealedOptionOutputSerializer(many=True)


class QuestionOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    investigation_key = serializers.CharField()
    prompt = serializers.CharField()
    multiple = serializers.BooleanField()
    options = OptionOutputSerializer(many=True)
    answer = AnswerOutputSerializer(allow_null=True, help_text="With explanations once answered.")


class DiagnosisChoiceOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class DiagnosisOutputSerializer(serializers.Serializer):
    primary = serializers.CharField()
    confidence_pct = serializers.IntegerField()
    differential = serializers.DictField(child=serializers.CharField())


class TherapyOutputSerializer(serializers.Serializer):
    agent = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class DoseRowOutputSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="The order this level belongs to, from 1.")
    agent = serializers.CharField()
    from_day = serializers.IntegerField()
    to_day = serializers.IntegerField()
    dose = serializers.CharField(
        allow_null=True, help_text="The dose as written, in its unit: 0.75 mg/kg/day."
    )
    daily_mg = serializers.FloatField(allow_null=True)


class PlanSummaryOutputSerializer(serializers.Serializer):
    rows = DoseRowOutputSerializer(many=True)
    adjuncts = serializers.ListField(child=serializers.CharField())


class PlanOutputSerializer(PlanSummaryOutputSerializer):
    number = serializers.IntegerField(help_text="0 is the first plan, then each revision.")
    effective_day = serializers.IntegerField()


class AttemptOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField()
    case_version = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    clock_hours = serializers.IntegerField()
    cost_total = serializers.IntegerField()
    risk_total_pct = serializers.DecimalField(max_digits=6, decimal_places=2)
    revealed_until_day = serializers.IntegerField(allow_null=True)
    decision_open = serializers.BooleanField(
        help_text="A relapse or non-response awaits a revision or continue."
    )
    score = serializers.FloatField(allow_null=True)
    patient = PatientOutputSerializer()
    presentation = PresentationOutputSerializer()
    history = HistoryItemOutputSerializer(many=True)
    catalog = CatalogEntryOutputSerializer(many=True)
    orders = OrderOutputSerializer(many=True)
    questions = QuestionOutputSerializer(many=True)
    diagnoses = DiagnosisChoiceOutputSerializer(many=True)
    diagnosis = DiagnosisOutputSerializer(allow_null=True)
    therapies = TherapyOutputSerializer(many=True)
    plans = PlanOutputSerializer(many=True)


class EventOutputSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    text = serializers.CharField()
    citation = serializers.CharField()


class OutcomeOutputSerializer(serializers.Serializer):
    revealed_until_day = serializers.IntegerField(allow_null=True)
    decision_open = serializers.BooleanField()
    decision_event = EventOutputSerializer(allow_null=True)
    events = EventOutputSerializer(many=True)


class CheckOutputSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.FloatField()
    earned = serializers.FloatField()
    note = serializers.CharField(allow_blank=True)
    due = serializers.BooleanField()


class CompetencyOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.FloatField()
    score = serializers.FloatField(help_text="Share earned, 0 to 1.")
    points = serializers.FloatField()
    checks = CheckOutputSerializer(many=True)


class CourseSummaryOutputSerializer(serializers.Serializer):
    relapses = serializers.IntegerField()
    adverse_events = serializers.IntegerField()
    admissions = serializers.IntegerField()
    harms = serializers.IntegerField()
    cumulative_1y_mg = serializers.IntegerField()
    cumulative_total_mg = serializers.IntegerField()
    days_on_steroids = serializers.IntegerField()
    death_day = serializers.IntegerField(allow_null=True)
    alive_at_5y = serializers.BooleanField()
    recovered = serializers.BooleanField()


class CourseOutputSerializer(serializers.Serializer):
    summary = CourseSummaryOutputSerializer()
    events = EventOutputSerializer(many=True)


class CounterfactualOutputSerializer(CourseOutputSerializer):
    plan = PlanSummaryOutputSerializer(help_text="The recommended (model) plan.")


class TeachingOutputSerializer(serializers.Serializer):
    explanation = serializers.CharField()
    citation = serializers.CharField()


class ModelDiagnosisOutputSerializer(TeachingOutputSerializer):
    key = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()


class ModelRuleOutputSerializer(TeachingOutputSerializer):
    kind = serializers.CharField()


class ModelInvestigationOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    appropriateness = serializers.CharField()
    rationale = serializers.CharField()
    citation = serializers.CharField()


class DebriefOutputSerializer(serializers.Serializer):
    score = serializers.FloatField()
    competencies = CompetencyOutputSerializer(many=True)
    yours = CourseOutputSerializer()
    counterfactual = CounterfactualOutputSerializer(
        help_text="The same patient and seed under the recommended plan."
    )
    diagnoses = ModelDiagnosisOutputSerializer(many=True)
    rules = ModelRuleOutputSerializer(many=True)
    investigations = ModelInvestigationOutputSerializer(many=True)


# --- views -----------------------------------------------------------------------------------


def _state(attempt: Attempt, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return Response(AttemptOutputSerializer(selectors.attempt_state(attempt)).data, status=status)


def _mine(request: AuthenticatedApiRequest, pk: int) -> Attempt:
    return selectors.attempt_for_user(request.user, pk)


class CaseListApi(APIView):
    @extend_schema(responses={200: CaseOutputSerializer(many=True), **refusals()})
    def get(self, request: AuthenticatedApiRequest) -> Response:
        cases = selectors.published_cases_for(request.user)
        return Response(CaseOutputSerializer(cases, many=True).data)


class AttemptStartApi(APIView):
    @extend_schema(
        request=None,
        responses={
            201: AttemptOutputSerializer,
            **refusals(
                HTTPStatus.FORBIDDEN,
                NOT_FOUND,
                CONFLICT,
                _404="No published case by that slug.",
                _409="Too many cases in progress: finish one first.",
            ),
        },
    )
    def post(self, request: AuthenticatedApiRequest, slug: str) -> Response:
        case = selectors.published_case(slug, request.user)
        attempt = services.attempt_start(user=request.user, case=case)
        return _state(_mine(request, attempt.pk), HTTPStatus.CREATED)


class AttemptDetailApi(APIView):
    @extend_schema(responses={200: AttemptOutputSerializer, **refusals(NOT_FOUND)})
    def get(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        return _state(_mine(request, pk))


class _StepApi(APIView):
    """A step that takes no input: the subclass names the service."""

    step: Any = None

    @extend_schema(
        request=None, responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)}
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        type(self).step(attempt=attempt)
        return _state(attempt)


class WorkupBeginApi(_StepApi):
    """Leave the presentation for the work-up."""

    step = services.workup_begin


class WorkupFinishApi(_StepApi):
    """Close the work-up; every ordered result must be back (409 otherwise)."""

    step = services.workup_finish


class InterpretationFinishApi(_StepApi):
    """Move on to the diagnosis once every open question is answered (409 otherwise)."""

    step = services.interpretation_finish


class OutcomeContinueApi(_StepApi):
    """Keep the current plan through the open relapse or non-response."""

    step = services.outcome_continue


class AttemptFinishApi(_StepApi):
    """Close the outcome: the counterfactual runs and the attempt is scored."""

    step = services.attempt_finish


class HistoryAskApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "HistoryAskInput"

        item = _key_field(help_text="A history item's key from the attempt's history list.")

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.history_ask(attempt=attempt, item_key=given.validated_data["item"])
        return _state(attempt)


class TestOrderApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TestOrderInput"

        investigations = serializers.ListField(child=_key_field(), min_length=1, max_length=100)

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.test_order(
            attempt=attempt, investigation_keys=given.validated_data["investigations"]
        )
        return _state(attempt)


class ClockAdvanceApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ClockAdvanceInput"

        hours = serializers.ChoiceField(
            choices=CLOCK_STEPS_HOURS,
            allow_null=True,
            help_text="Hours to let pass, or null to wait for the next pending result.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.clock_advance(attempt=attempt, hours=given.validated_data["hours"])
        return _state(attempt)


class AnswerSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "InterpretationAnswerInput"

        question = _key_field()
        options = serializers.ListField(child=_key_field(), min_length=1, max_length=20)

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.answer_submit(
            attempt=attempt,
            question_key=given.validated_data["question"],
            option_keys=given.validated_data["options"],
        )
        return _state(attempt)


class DiagnosisSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DiagnosisInput"

        primary = _key_field()
        confidence_pct = serializers.IntegerField(min_value=0, max_value=100)
        differential = serializers.DictField(
            child=serializers.ChoiceField(choices=DiagnosisSubmission.Likelihood.choices),
            required=False,
            help_text="Other diagnoses by key, each rated unlikely, possible or likely.",
        )

        def validate_differential(self, value: dict[str, str]) -> dict[str, str]:
            if len(value) > 50 or any(len(key) > MAX_KEY_LENGTH for key in value):
                raise serializers.ValidationError("Rate the diagnoses the attempt lists.")
            return value

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.diagnosis_submit(
            attempt=attempt,
            primary_key=given.validated_data["primary"],
            confidence_pct=given.validated_data["confidence_pct"],
            differential=given.validated_data.get("differential", {}),
        )
        return _state(attempt)


class TaperStepSerializer(serializers.Serializer):
    """One taper step with its own unit; left out, the unit is the order's."""

    dose = serializers.FloatField(min_value=0, max_value=10_000)
    unit = serializers.CharField(allow_null=True, default=None, max_length=20)
    days = serializers.IntegerField(min_value=-HORIZON_DAYS, max_value=HORIZON_DAYS)


class PlanOrderSerializer(serializers.Serializer):
    """One order of the plan JSON; its start day counts from the plan's day 0."""

    agent = serializers.CharField(max_length=MAX_KEY_LENGTH)
    start_day = serializers.IntegerField(default=0, min_value=-HORIZON_DAYS, max_value=HORIZON_DAYS)
    dose = serializers.FloatField(allow_null=True, default=None, min_value=-1e6, max_value=1e6)
    unit = serializers.CharField(allow_null=True, default=None, max_length=20)
    duration_days = serializers.IntegerField(
        allow_null=True, default=None, min_value=-HORIZON_DAYS, max_value=HORIZON_DAYS
    )
    # DRF hands max_length to the list serializer that many=True builds; the stubs lack it.
    taper = TaperStepSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=MAX_TAPER_STEPS
    )

    @staticmethod
    def order_input(data: dict[str, Any]) -> OrderInput:
        return OrderInput(
            agent=data["agent"],
            dose=data["dose"],
            unit=data["unit"],
            duration_days=data["duration_days"],
            start_day=data["start_day"],
            taper=[TaperInput(s["dose"], s["days"], s["unit"]) for s in data.get("taper", [])],
        )


class AdjunctsSerializer(serializers.Serializer):
    """The four supportive measures; a name outside them is refused, not ignored."""

    pneumocystis_prophylaxis = serializers.BooleanField(default=False)
    bone_protection = serializers.BooleanField(default=False)
    glucose_monitoring = serializers.BooleanField(default=False)
    blood_pressure_monitoring = serializers.BooleanField(default=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    f"Unknown adjuncts {', '.join(unknown)}; allowed: {', '.join(self.fields)}."
                )
        return super().to_internal_value(data)


class PlanInputSerializer(serializers.Serializer):
    """The plan v2 JSON of docs/engine.md: a list of orders, none privileged, plus adjuncts.
    The engine's rules refuse a plan with a message naming the order, the field and the range."""

    orders = PlanOrderSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=MAX_ADDITIONAL_ORDERS + 1
    )
    adjuncts = AdjunctsSerializer(required=False)

    def plan_input(self) -> PlanInput:
        data = self.validated_data
        orders = [PlanOrderSerializer.order_input(order) for order in data["orders"]]
        return PlanInput.from_orders(orders, dict(data.get("adjuncts", {})))


class _PlanApi(APIView):
    """A plan step: the subclass names the service that takes the validated plan input."""

    plan_step: Any = None

    @extend_schema(
        request=PlanInputSerializer,
        responses={200: AttemptOutputSerializer, **refusals(*STEP_REFUSALS)},
    )
    def post(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        given = PlanInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        type(self).plan_step(attempt=attempt, plan_input=given.plan_input())
        return _state(attempt)


class PlanSubmitApi(_PlanApi):
    """The first plan: treatment starts the day the work-up ended; the outcome follows."""

    plan_step = services.plan_submit


class PlanReviseApi(_PlanApi):
    """A revision at the open relapse or non-response, from the day after it."""

    plan_step = services.plan_revise


class OutcomeApi(APIView):
    @extend_schema(
        responses={
            200: OutcomeOutputSerializer,
            **refusals(NOT_FOUND, CONFLICT, _409="No outcome yet: submit a plan first."),
        }
    )
    def get(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        selectors.require_stage_reached(attempt, Stage.OUTCOME)
        return Response(OutcomeOutputSerializer(selectors.outcome_state(attempt)).data)


class DebriefApi(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(DebriefOutputSerializer),
            **refusals(NOT_FOUND, CONFLICT, _409="No debrief yet: finish the attempt first."),
        }
    )
    def get(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        attempt = _mine(request, pk)
        selectors.require_stage_reached(attempt, Stage.DEBRIEF)
        return Response(DebriefOutputSerializer(selectors.debrief_state(attempt)).data)
