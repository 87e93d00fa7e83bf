"""The reviewer pool of a call and the conflict and affinity matrices the assignment solver needs: the ORM
translated into the inputs of `prizeapp.core.conflicts` and `prizeapp.core.affinity`, and every change people
make to them. Callers use the package (`review_pool.x`); its modules are its seams."""
from .bids import (
    Biddable,
    biddable,
    bids_of,
    confirm_declarations,
    place_bid,
    place_bids,
    save_declarations,
    update_profile,
)
from .conflicts import (
    declare_conflict,
    revoke_waiver,
    waive_conflict,
    withdraw_conflict,
)
from .exclusions import (
    Exclusion,
    decide_exclusion_request,
    exclude_reviewer,
    exclusion_requests,
    exclusions_of,
    pending_exclusion_requests,
    remove_exclusion,
    resolve_pending_exclusions,
)
from .inputs import (
    CallInputs,
    affinity_matrix,
    call_inputs,
    conflict_matrix,
    conflict_policy,
    conflict_reasons,
    conflicts_of_reviewer,
    pool_members,
    submissions_to_review,
)
from .overview import (
    ConflictLine,
    ConflictPair,
    ConflictsOverview,
    Page,
    conflicts_overview,
)
from .pool import (
    Invited,
    assignment_counts,
    cancel_invitation,
    invitation_from_token,
    invitation_link,
    invitation_token,
    invite_reviewer,
    invite_reviewers,
    invited_addresses,
    is_reviewer,
    member_for,
    pending_invitations,
    remove_from_pool,
    resend_invitation,
    respond_to_invitation,
    reviewers,
    reviewing_calls,
    reviews_anything,
    set_max_load,
)
from .windows import (
    REVIEWERS_OPEN,
    ExclusionWindow,
    PoolError,
    exclusion_window,
    invitations_open,
    require_reviewers_open,
    reviewers_open,
)

__all__ = [
    "REVIEWERS_OPEN", "Biddable", "CallInputs", "ConflictLine", "ConflictPair", "ConflictsOverview", "Exclusion",
    "ExclusionWindow", "Invited", "Page", "PoolError", "affinity_matrix", "assignment_counts", "biddable",
    "bids_of", "call_inputs", "cancel_invitation", "confirm_declarations", "conflict_matrix", "conflict_policy",
    "conflict_reasons", "conflicts_of_reviewer", "conflicts_overview", "decide_exclusion_request",
    "declare_conflict", "exclude_reviewer", "exclusion_requests", "exclusion_window", "exclusions_of",
    "invitation_from_token", "invitation_link", "invitation_token", "invitations_open", "invite_reviewer",
    "invite_reviewers", "invited_addresses", "is_reviewer", "member_for", "pending_exclusion_requests",
    "pending_invitations", "place_bid", "place_bids", "pool_members", "remove_exclusion", "remove_from_pool",
    "require_reviewers_open", "resend_invitation", "resolve_pending_exclusions", "respond_to_invitation",
    "reviewers", "reviewers_open", "reviewing_calls", "reviews_anything", "revoke_waiver", "save_declarations",
    "set_max_load", "submissions_to_review", "update_profile", "waive_conflict", "withdraw_conflict",
]
