"""Shelter use cases: registration, the operator's page, the live board, holds, placements, the
secret address, notices and the invariants; callers write ``services.hold_bed(...)``.

No double booking: a bed moves between counts by one conditional write (``UPDATE … SET free =
free - 1 … WHERE free > 0 RETURNING``, see ``_common.move_bed``) inside ``write_transaction()``;
the CHECK constraints on ``bed_category`` and the partial UNIQUE indexes on holds and placements
are the backstop, on SQLite and PostgreSQL alike. Every count change writes a history row and an
audit event in the same transaction; board events, jobs and e-mails go out only after the commit.

Who sees what: the board (region, municipality, free beds, freshness) is for caseworkers,
coordinators and officers; a shelter's staff see their own shelters, the holds on them with the
person's minimal profile (audited), and the address; the placing caseworker sees the address of
a confirmed placement (audited). Objects out of reach are a NotFound.
"""

from shelters.services._common import is_constraint_error
from shelters.services.address import shelter_address
from shelters.services.answers import (
    accept_hold,
    decline_hold,
    expire_due_holds,
    expire_hold,
    hold_for_api,
    holds_of_organisation,
    incoming_holds,
    release_hold,
    release_unfunded_hold,
)
from shelters.services.board import (
    BoardCategory,
    BoardFilters,
    BoardShelter,
    availability,
    bed_to_hold,
    board,
    board_shelter,
    staff_languages,
)
from shelters.services.case_end import (
    CaseBooking,
    bookings_of_case,
    end_bookings_of_case,
    publish_freed,
)
from shelters.services.holds import HoldResult, guard_holds_with, hold_bed, own_case_id
from shelters.services.invariants import broken_invariants
from shelters.services.models import (
    BedHold,
    CaseHold,
    IncomingHold,
    OperatorCategory,
    OperatorShelter,
    OperatorView,
    Resident,
    ShelterNotice,
    Stay,
)
from shelters.services.notices import remind_stale_shelters, take_notices
from shelters.services.offers import (
    count_full_categories,
    declines_of,
    declines_since,
    freed_beds,
    hold_of_placement,
    hold_outcome,
    latest_availability_change,
    offers,
    placement_of_hold,
)
from shelters.services.operators import (
    CategoryNumbers,
    StaleEdit,
    adjust,
    confirm,
    operated_shelters,
    operator_category,
    operator_view,
    set_availability,
)
from shelters.services.placements import discharge, placements
from shelters.services.registration import NewCategory, NewShelter, add_category, create_shelter

__all__ = [
    "BedHold",
    "BoardCategory",
    "BoardFilters",
    "BoardShelter",
    "CaseBooking",
    "CaseHold",
    "CategoryNumbers",
    "HoldResult",
    "IncomingHold",
    "NewCategory",
    "NewShelter",
    "OperatorCategory",
    "OperatorShelter",
    "OperatorView",
    "Resident",
    "ShelterNotice",
    "StaleEdit",
    "Stay",
    "accept_hold",
    "add_category",
    "adjust",
    "availability",
    "bed_to_hold",
    "board",
    "board_shelter",
    "bookings_of_case",
    "broken_invariants",
    "confirm",
    "count_full_categories",
    "create_shelter",
    "decline_hold",
    "declines_of",
    "declines_since",
    "discharge",
    "end_bookings_of_case",
    "expire_due_holds",
    "expire_hold",
    "freed_beds",
    "guard_holds_with",
    "hold_bed",
    "hold_for_api",
    "hold_of_placement",
    "hold_outcome",
    "holds_of_organisation",
    "incoming_holds",
    "is_constraint_error",
    "latest_availability_change",
    "offers",
    "operated_shelters",
    "operator_category",
    "operator_view",
    "own_case_id",
    "placement_of_hold",
    "placements",
    "publish_freed",
    "release_hold",
    "release_unfunded_hold",
    "remind_stale_shelters",
    "set_availability",
    "shelter_address",
    "staff_languages",
    "take_notices",
]
