"""The sentences matching shows: why an offer is excluded, what a shelter has not stated, what
each point is for. Message ids are English; they are translated where they are shown."""

from __future__ import annotations

from typing import Final

from fristad.i18n import N_

# Hard rules: code -> the sentence shown for an excluded offer (the group heading uses RULE_GROUPS).
RULES: Final = {
    "no_consent": N_("The person has not consented to sharing with a shelter."),
    "minor_needs_minors_place": N_(
        "The person is a minor; this category does not take unaccompanied minors."
    ),
    "adult_in_minors_place": N_(
        "This category is for unaccompanied minors; the person is an adult."
    ),
    "target_group": N_("This category takes %(groups)s; the person is %(gender)s."),
    "women_only": N_(
        "The person needs a place for women only; this category also takes %(groups)s."
    ),
    "men_only": N_("The person needs a place for men only; this category also takes %(groups)s."),
    "children_not_allowed": N_(
        "The person has %(count)d accompanying children; this category takes no children."
    ),
    "too_many_children": N_(
        "The person has %(count)d accompanying children; this category takes at most %(max)d."
    ),
    "not_accessible": N_("The person needs wheelchair access; this shelter is not accessible."),
    "security_level": N_(
        "The person's protection needs at least %(needed)s; this shelter's security is %(level)s."
    ),
    "region_to_avoid": N_("The shelter is in %(region)s, a region the person must avoid."),
    "language": N_("The staff do not speak %(languages)s and no interpreter has been arranged."),
    "declined_recently": N_(
        "The shelter declined this person on %(date)s (%(reason)s); "
        "it is left out for %(days)d days."
    ),
    "no_free_bed": N_("No bed is free in this category."),
    "stale": N_("The free beds were last confirmed on %(date)s: call first."),
}
RULE_GROUPS: Final = {
    "no_consent": N_("No consent to share with a shelter"),
    "minor_needs_minors_place": N_("Take no unaccompanied minors"),
    "adult_in_minors_place": N_("Are for unaccompanied minors"),
    "target_group": N_("Are for another target group"),
    "women_only": N_("Are not for women only"),
    "men_only": N_("Are not for men only"),
    "children_not_allowed": N_("Take no children"),
    "too_many_children": N_("Take fewer children"),
    "not_accessible": N_("Are not wheelchair accessible"),
    "security_level": N_("Have too low security"),
    "region_to_avoid": N_("Are in a region to avoid"),
    "language": N_("Have no staff language and no interpreter"),
    "declined_recently": N_("Declined this person recently"),
    "no_free_bed": N_("Have no free bed"),
    "stale": N_("Not confirmed recently: call first"),
}
# Soft facts the shelter has not stated: code -> sentence.
UNKNOWNS: Final = {
    "target_group": N_("The category's target groups are not stated."),
    "gender": N_("The person's gender is not known: check the target group."),
    "age": N_("The person's age is not known: make sure a child is not placed among adults."),
    "max_children": N_("How many children the category takes is not stated."),
    "staff_languages": N_("The staff's languages are not stated."),
    "experience": N_("The shelter's experience is not stated."),
    "price": N_("The price per night is not stated."),
}
SCORE_TEXTS: Final = {
    "home_municipality": N_("In the person's municipality"),
    "home_region": N_("In the person's region"),
    "next_region": N_("In a neighbouring region"),
    "staff_language": N_("Staff speak %(languages)s"),
    "experience": N_("Experience with %(types)s"),
    "fits_budget": N_("%(nights)d nights fit the budget left"),
    "over_budget": N_("%(nights)d nights cost more than the budget left"),
    "unknown": N_("Not stated"),
    "call_first": N_("Call first: not confirmed recently"),
}
# How a refusal names the person's gender ("the person is a man").
GENDER_PHRASES: Final = {
    "woman": N_("a woman"),
    "man": N_("a man"),
    "non_binary": N_("non-binary"),
    "unknown": N_("of unknown gender"),
}
