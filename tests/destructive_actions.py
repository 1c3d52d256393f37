"""The actions that destroy something or cannot be undone, by URL name, with what they do.

Every form, button or htmx element that posts to one of them carries a `data-confirm` saying
what will be lost, and `static/js/confirm.js` asks before it goes. `tests/test_confirmations.py`
reads every template (and renders the pages) against this list; a new URL whose name sounds
destructive must be added here or to NOT_DESTRUCTIVE, with the reason."""

DESTRUCTIVE = {
    # Frameworks
    "scoring:framework_delete": "deletes a framework with its criteria (and the scores and evidence under them)",
    "scoring:criterion_delete": "deletes a criterion with its sub-items and their scores; the siblings after it are renumbered",
    "scoring:roster_remove": "leaves a unit out of the year's assessment: it gets no assessment that year",
    # The scoring cycle
    "scoring:period_transition": "moves the period to another phase: locks the framework, closes a stage, publishes the results, or reopens",
    "scoring:assessment_submit": "hands in a self-assessment; the unit can no longer edit it",
    "scoring:assessment_reopen": "sets a submitted or closed self-assessment back to open; it must be handed in again",
    "scoring:evidence_delete": "deletes an evidence file from storage",
    "scoring:assignment_delete": "takes an appraisal assignment away from a council member",
    "scoring:conflict_declare": "a council member stands aside from a unit for good",
    "scoring:approval_record": "the council's approval freezes the scores and the ranking",
    "scoring:head_rating_override": "a change of a head's rating voids the council's approval, when there is one",
    # Units
    "units:members_transfer": "moves a closed unit's users to a successor unit or locks their logins",
    # The home page
    "remind_now": "e-mails every unit contact or council member who still has work before the phase's deadline; a sent e-mail cannot be taken back",
    # Inspections
    "inspections:member_remove": "removes a person from the delegation and from their teams",
    "inspections:team_delete": "deletes a team and its list of members",
    "inspections:visit_done": "marks a visit as inspected; there is no way back to planned",
    "inspections:visit_conclude": "records the conclusion notice; the findings are final from then on",
    "inspections:finding_delete": "deletes a finding of a visit",
    "inspections:finding_accept": "closes a shortcoming; the unit can no longer report on it",
    "inspections:handover_confirm": "hands a split unit's shortcoming to one successor for good; the other successors' proposals are dropped",
    # Year-round monitoring
    "monitoring:task_accept": "counts a task of the plan as completed; the unit can no longer report on it",
    "monitoring:report_remind": "e-mails the contact of every unit that has not sent a periodic report still ahead; a sent e-mail cannot be taken back",
    "monitoring:initiative_recognise": "records the recognition decision; the unit can no longer edit the initiative",
    "monitoring:subunit_remove": "takes a division off the unit's standing list; it no longer counts in the self-inspection coverage",
}

# Destructive actions whose form posts to its own page (no action attribute): a reading of the
# template cannot tell where it posts, the rendered page can.
POSTS_TO_ITS_OWN_PAGE = {"monitoring:initiative_recognise", "inspections:visit_conclude"}

# URL names that sound destructive but are not, and why.
NOT_DESTRUCTIVE = {
    "scoring:approval_decision": "records the decision's number, date and signer; it can be corrected until the period is approved",
    "password_change_done": "the page that says the password was changed",
    "monitoring:report_submit": "sends a unit's report file; a later file is a new version, the earlier ones stay",
}

# Words in a URL name that mean it probably destroys or freezes something.
SUSPECT_WORDS = ("delete", "remove", "reopen", "approv", "transition", "publish", "submit", "accept", "conclude", "done", "declare", "void", "clear", "reset")
