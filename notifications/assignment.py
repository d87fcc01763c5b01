"""Who takes an issue on entry to a level: round robin over the people at work, or the on-call person.

Pure: the caller passes the roster, the rotation position and the time (the activity's time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from notifications.roster import Roster

ROUND_ROBIN = "round_robin"
ON_CALL = "on_call"


@dataclass(frozen=True)
class Choice:
    assignee: str | None
    #: Where the rotation continues next time; None leaves it where it was.
    next_index: int | None
    how: str


def choose_owner(roster: Roster | None, team: str, fallback_members: Sequence[str], strategy: str,
                 rotation: int, now: datetime) -> Choice:
    """Pick the owner. A team missing from the roster uses the policy's members, all counted at work."""
    roster_team = roster.teams.get(team) if roster else None
    if roster is None or roster_team is None:
        return _round_robin(list(fallback_members), rotation, lambda name: True, None)
    on_call = roster_team.on_call if roster_team.on_call and not roster.is_away(roster_team.on_call, now) else None
    if strategy == ON_CALL and on_call:
        return Choice(on_call, None, "on call")
    return _round_robin(roster_team.members, rotation, lambda name: roster.is_working(name, now), on_call)


def _round_robin(members: list[str], rotation: int, at_work, on_call: str | None) -> Choice:  # noqa: ANN001
    skipped = []
    for step in range(len(members)):
        index = (rotation + step) % len(members)
        if at_work(members[index]):
            how = "round robin" + (f", skipped {', '.join(skipped)} (not at work)" if skipped else "")
            return Choice(members[index], index + 1, how)
        skipped.append(members[index])
    if on_call:
        return Choice(on_call, None, "on call: nobody in the rotation is at work")
    return Choice(None, None, "nobody is at work and the team has no on-call person" if members
                  else "the team has no members")
