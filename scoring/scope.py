"""Who may see and change what in the scoring cycle: the one place to read.

Every page, htmx partial, document, export, import and service asks these functions; none of
them decides scope on its own.

- `assessment_access(user, assessment)` answers, for one assessment: may the user open it, which
  of its fields they see, whether the council's work (appraised scores, reasons, the appraisers'
  names) is shown yet, and what they may change. `assessments_for_user` is the same rule as a
  queryset, for lists and documents.
- `results_visible(user, period)`: scores, indexes, ranks and the draft decision. Before the
  results are published only Sở Nội vụ and the council see them (provisional); a leader sees
  none of them on any page or file, a unit only its own assessment's working pages.
- `member_scope(period, user)`: what a council member appraises — their assignments, minus their
  own unit and the units they declared a conflict of interest with (Quy chế của Hội đồng thẩm
  định: a member does not appraise a unit they belong to or have an interest in).

Which block a unit is appraised in is the block of its assessment's framework, never the unit's
current block: moving a unit to another block must not change an earlier year's appraisers.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from units import roles

from .models import AppraisalAssignment, Assessment, ConflictDeclaration, Period, Phase

# --- Roles, as the scoring cycle reads them -------------------------------------------------------


def is_staff(user) -> bool:
    return roles.has_role(user, roles.STAFF)


def acts_as_staff(user) -> bool:
    """Staff, or a command run on the server with no `--user` (its operator holds the database
    already). Pages always pass the signed-in user."""
    return user is None or is_staff(user)


def is_council(user) -> bool:
    return roles.has_role(user, roles.COUNCIL)


def is_leader(user) -> bool:
    return roles.has_role(user, roles.LEADER)


def is_unit_editor(user) -> bool:
    return roles.has_role(user, roles.UNIT_EDITOR)


def is_unit_editor_only(user) -> bool:
    """A unit's CCHC contact with no province-wide role: sees their own unit and block only."""
    return is_unit_editor(user) and not roles.has_role(user, roles.STAFF, roles.COUNCIL, roles.LEADER)


def is_own_unit(user, unit_id) -> bool:
    """The user is the CCHC contact of this unit (the one who self-assesses and explains)."""
    return unit_id is not None and is_unit_editor(user) and user.unit_id == unit_id


def field_of(code: str) -> str:
    """The level-1 code of a criterion: "2.1.3" → "2"."""
    return code.split(".", 1)[0]


def _code_q(field_code: str, prefix: str) -> Q:
    return Q(**{prefix: field_code}) | Q(**{f"{prefix}__startswith": field_code + "."})


# --- Results --------------------------------------------------------------------------------------


def sees_unpublished_results(user) -> bool:
    """Sở Nội vụ and the council work on the results before they are published (provisional)."""
    return roles.has_role(user, roles.STAFF, roles.COUNCIL)


def results_visible(user, period: Period) -> bool:
    """Scores, indexes, ranks and the draft decision of a period, on any page or file."""
    from .selectors.results import results_published

    return sees_unpublished_results(user) or results_published(period)


def may_read_unit_results(user, unit_id) -> bool:
    """Whether `user` may read a unit's results at all (each year then as `results_visible`
    says): the results' readers (staff, council, leaders, units' contacts), a unit's contact
    only their own unit's — and, through it, its predecessors'."""
    if not user.has_perm("scoring.view_results"):
        return False
    return not is_unit_editor_only(user) or user.unit_id == unit_id


def own_ranking_block_id(user, period: Period) -> int | None:
    """The one block whose ranking a unit's contact (with no province-wide role) reads: the block
    their unit was assessed in that year (its framework's), never the unit's current block. None
    for everyone else, who read every block (once they may read results at all)."""
    if not is_unit_editor_only(user):
        return None
    framework_block = Assessment.objects.filter(period=period, unit_id=user.unit_id).values_list("framework__block_id", flat=True).first()
    return framework_block or 0  # 0: no block at all (the unit was not assessed that year)


def own_framework_block_id(user, period: Period) -> int | None:
    """The block whose framework a unit's contact reads in a period: the block their unit is
    assessed in that year (its roster entry's), never its current block — except for a year the
    unit is not on the roster of, where it is the block it would be added in (its current one).
    None for a user without a unit."""
    from .selectors.roster import roster_block_of

    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    return roster_block_of(period, unit.pk) or unit.block_id


def _published_period_ids() -> list[int]:
    from .selectors.results import published_periods

    return [p.pk for p in published_periods()]


# --- The council ----------------------------------------------------------------------------------


@dataclass
class MemberScope:
    """What a council member appraises in a period: their assignments, minus the units they may
    not judge (their own, and those they declared a conflict of interest with)."""

    assignments: list[AppraisalAssignment]
    excluded_unit_ids: set[int]

    def fields_in_block(self, block_id: int) -> set[str]:
        """The fields assigned to the member in this block (or in every block)."""
        return {a.field_code for a in self.assignments if a.block_id is None or a.block_id == block_id}

    def assigns(self, *, block_id: int, field_code: str) -> bool:
        return field_code in self.fields_in_block(block_id)

    def may_judge(self, unit_id: int) -> bool:
        """Not the member's own unit, nor one they stood aside from."""
        return unit_id not in self.excluded_unit_ids

    def covers(self, *, unit_id: int, block_id: int, field_code: str) -> bool:
        """Whether the member appraises this field of this unit, appraised in this block."""
        return unit_id not in self.excluded_unit_ids and self.assigns(block_id=block_id, field_code=field_code)

    def field_codes_for(self, assessment: Assessment) -> set[str]:
        if assessment.unit_id in self.excluded_unit_ids:
            return set()
        return self.fields_in_block(assessment.framework.block_id)

    def score_q(self, prefix: str = "") -> Q:
        """Rows of this scope, as a filter on Score (or on a relation to it, with `prefix`)."""
        q = Q(pk__in=[])
        for a in self.assignments:
            part = _code_q(a.field_code, f"{prefix}criterion__code")
            if a.block_id:
                part &= Q(**{f"{prefix}assessment__framework__block_id": a.block_id})
            q |= part
        return q & ~Q(**{f"{prefix}assessment__unit_id__in": self.excluded_unit_ids})

    def assessment_q(self) -> Q:
        q = Q(pk__in=[])
        for a in self.assignments:
            q |= Q(framework__block_id=a.block_id) if a.block_id else Q(pk__isnull=False)
        return q & ~Q(unit_id__in=self.excluded_unit_ids)


def member_scope(period: Period, user, *, fresh: bool = False) -> MemberScope:
    """Read once per request for pages: cached on the user object, which lives as long as the
    request. Writes pass `fresh=True` and read it inside their transaction."""
    if not is_council(user):
        return MemberScope([], set())
    cache = user.__dict__.setdefault("_scoring_scopes", {})
    if fresh or period.pk not in cache:
        assignments = list(AppraisalAssignment.objects.filter(period=period, member=user).select_related("block"))
        excluded = set(ConflictDeclaration.objects.filter(period=period, member=user).values_list("unit_id", flat=True))
        if user.unit_id:
            excluded.add(user.unit_id)
        cache[period.pk] = MemberScope(assignments, excluded)
    return cache[period.pk]


def member_scopes_for_period(period: Period) -> dict[int, MemberScope]:
    """Every member's scope in the period, by member id, in two queries (the progress page)."""
    assignments: dict[int, list[AppraisalAssignment]] = {}
    for a in AppraisalAssignment.objects.filter(period=period).select_related("member", "member__unit", "block"):
        assignments.setdefault(a.member_id, []).append(a)
    conflicts: dict[int, set[int]] = {}
    for member_id, unit_id in ConflictDeclaration.objects.filter(period=period).values_list("member_id", "unit_id"):
        conflicts.setdefault(member_id, set()).add(unit_id)
    scopes = {}
    for member_id, mine in assignments.items():
        member = mine[0].member
        excluded = conflicts.get(member_id, set()) | ({member.unit_id} if member.unit_id else set())
        scopes[member_id] = MemberScope(mine, excluded)
    return scopes


# --- One assessment -------------------------------------------------------------------------------

# What the council writes on a row: hidden from the unit until the explanation round.
COUNCIL_FIELDS = frozenset(
    {"appraised_score", "appraisal_reason", "needs_reappraisal", "return_note", "final_score", "council_note", "appraised_by", "finalized_by"}
)
COUNCIL_ACTIONS = frozenset({"score.appraisal", "score.final", "score.return"})


@dataclass
class AssessmentAccess:
    """What one user may do with one assessment. Built by `assessment_access`; every check of a
    page, a partial, a document or a service reads it."""

    user: object
    assessment: Assessment
    staff: bool = False
    own: bool = False  # the unit's own CCHC contact
    reader: bool = False  # sees the whole assessment without changing it (a leader, once published)
    council_fields: set[str] = field(default_factory=set)  # fields the user appraises on this unit
    judge: bool = False  # a council member who may judge this unit (not theirs, no conflict)

    @property
    def visible(self) -> bool:
        return self.staff or self.own or self.reader or bool(self.council_fields)

    @property
    def fields(self) -> set[str] | None:
        """The fields shown: None for all of them; a council member (who is not also staff or the
        unit's contact) only the fields they appraise."""
        if self.staff or self.own or self.reader:
            return None
        return self.council_fields

    def sees_field(self, code: str) -> bool:
        fields = self.fields
        return fields is None or field_of(code) in fields

    @property
    def shows_council_work(self) -> bool:
        """The unit reads the council's scores, reasons and names from the explanation round on,
        not while it works or while the council appraises."""
        if self.staff or self.reader or self.council_fields or not self.own:
            return True
        return self.assessment.period.phase_index >= Phase.values.index(Phase.EXPLANATION)

    @property
    def may_write(self) -> bool:
        """Any change at all (leaders only read: 403 on writes)."""
        return self.staff or self.own or bool(self.council_fields)

    def may_appraise(self, code: str) -> bool:
        """Appraise or finalise a row: staff anything, a member the fields assigned to them."""
        return self.staff or field_of(code) in self.council_fields

    @property
    def may_rate_head(self) -> bool:
        """Override the head-of-unit rating: staff, or any council member who may judge this unit
        (the council rates heads as a body, from the ranking every member reads)."""
        return self.staff or self.judge

    @property
    def sees_whole(self) -> bool:
        """Every field of the assessment: staff, the unit, a leader once published, or a member
        assigned every field of it."""
        if self.fields is None:
            return True
        return bool(self.council_fields) and self.council_fields >= _field_codes(self.assessment.framework_id)

    @property
    def may_print(self) -> bool:
        """The scorecard prints every field: for those who see the whole assessment (the unit
        signs it, staff and the members who appraise all of it print it for the council)."""
        return self.sees_whole

    def event_visible(self, event) -> bool:
        """A change of a row's history, as this user may read it."""
        if self.shows_council_work:
            return True
        return event.action not in COUNCIL_ACTIONS and not COUNCIL_FIELDS.intersection(event.changes or {})


def assessment_access(user, assessment: Assessment, *, fresh: bool = False) -> AssessmentAccess:
    """The user's access to one assessment (with its period and framework loaded). Writes pass
    `fresh=True` inside their transaction, so that a conflict declared meanwhile counts."""
    period = assessment.period
    member = member_scope(period, user, fresh=fresh) if is_council(user) else None
    return AssessmentAccess(
        user=user,
        assessment=assessment,
        staff=is_staff(user),
        own=is_own_unit(user, assessment.unit_id),
        reader=is_leader(user) and results_visible(user, period),
        council_fields=member.field_codes_for(assessment) if member else set(),
        judge=bool(member) and member.may_judge(assessment.unit_id),
    )


def _own_and_published_q(user) -> Q:
    """What a unit's contact (their unit) and a leader (published years) see whole."""
    scope = Q(pk__in=[])
    if is_unit_editor(user) and user.unit_id:
        scope |= Q(unit_id=user.unit_id)
    if is_leader(user):
        scope |= Q(period_id__in=_published_period_ids())
    return scope


def assessments_for_user(user, period: Period | None = None) -> QuerySet[Assessment]:
    """`assessment_access(...).visible` as a queryset: staff every assessment, a unit's contact
    their own unit's, a council member those with a field assigned to them, a leader those of
    published periods."""
    assessments = Assessment.objects.select_related("period", "unit", "framework__block")
    if period is not None:
        assessments = assessments.filter(period=period)
    if is_staff(user):
        return assessments
    scope = _own_and_published_q(user)
    if is_council(user):
        periods = [period] if period is not None else list(Period.objects.filter(assignments__member=user).distinct())
        for each in periods:
            scope |= Q(period=each) & member_scope(each, user).assessment_q()
    return assessments.filter(scope)


def _field_codes(framework_id: int) -> set[str]:
    from .models import Criterion

    return set(Criterion.objects.filter(framework_id=framework_id, parent__isnull=True).values_list("code", flat=True))


def scorecards_for_user(user) -> QuerySet[Assessment]:
    """`assessment_access(...).sees_whole` as a queryset: a council member sees the scorecards of
    the frameworks whose every field is assigned to them, outside their own unit and conflicts."""
    from .models import Criterion

    if is_staff(user):
        return Assessment.objects.all()
    scope = _own_and_published_q(user)
    if is_council(user):
        for period in Period.objects.filter(assignments__member=user).distinct():
            mine = member_scope(period, user)
            roots: dict[tuple[int, int], set[str]] = {}
            for framework_id, block_id, code in Criterion.objects.filter(framework__period=period, parent__isnull=True).values_list(
                "framework_id", "framework__block_id", "code"
            ):
                roots.setdefault((framework_id, block_id), set()).add(code)
            covered = [fid for (fid, block_id), codes in roots.items() if codes <= mine.fields_in_block(block_id)]
            scope |= Q(framework_id__in=covered) & ~Q(unit_id__in=mine.excluded_unit_ids)
    return Assessment.objects.filter(scope)


# --- Periods --------------------------------------------------------------------------------------


def decision_periods_for_user(user) -> QuerySet[Period]:
    """Periods whose decision (draft or issued) the user may see: it holds the whole ranking, so
    the results rule decides — staff and the council always, everyone else once published."""
    if sees_unpublished_results(user):
        return Period.objects.all()
    if roles.has_role(user, roles.LEADER, roles.UNIT_EDITOR):
        return Period.objects.filter(pk__in=_published_period_ids())
    return Period.objects.none()
