"""Lifecycles as data: each model lists its moves, the statuses each may start from, and who may make it.

Services enforce a move with `require_move`; templates ask `obj.can_<move>(current_user)`. Nothing else spells
out which status allows what, so the page shows an action exactly when the service would accept it.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from app.errors import Conflict, NotAllowed

# (user, object) -> whether this person may make the move at all, whatever the object's state.
Who = Callable[[Any, Any], bool]
# (object) -> whether the object's state, beyond its status, allows the move now (a date, its contract...).
When = Callable[[Any], bool]


def always(_obj) -> bool:
    """No condition beyond the status."""
    return True


@dataclass(frozen=True)
class Move:
    """One move in a lifecycle: where it may start, who may make it, and how it reads in a refusal."""

    starts: frozenset
    who: Who
    verb: str
    when: When = field(default=always)


class HasLifecycle:
    """A model whose MOVES table decides what may happen next; `can_<move>(user)` methods are made from it."""

    MOVES: ClassVar[dict[str, Move]] = {}
    NOUN: ClassVar[str] = "record"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.__dict__.get("MOVES", {}):
            setattr(cls, f"can_{name}", _asker(name))

    def lifecycle_state(self):
        """The status the moves start from (a model may take it from elsewhere, as a commitment from its contract)."""
        return self.status

    def allows(self, move: str) -> bool:
        """Whether the object's state allows this move now, whoever asks."""
        step = self.MOVES[move]
        return self.lifecycle_state() in step.starts and step.when(self)

    def may(self, move: str, user) -> bool:
        """Whether this user is one who may make this move (on this object), whatever its state."""
        return bool(user is not None and self.MOVES[move].who(user, self))

    def can(self, move: str, user) -> bool:
        """Whether this user may make this move now: the state allows it and they are one who may."""
        return self.allows(move) and self.may(move, user)

    def refusal(self, move: str) -> str:
        """Why the state does not allow the move, in words for the person who tried."""
        return f"You cannot {self.MOVES[move].verb} a {self.NOUN} that is {self.lifecycle_state().label.lower()}."


def _asker(move: str):
    """A `can_<move>(user)` method for one move."""
    def can_move(self, user) -> bool:
        return self.can(move, user)
    can_move.__name__ = f"can_{move}"
    can_move.__doc__ = f"Whether this user may {move.replace('_', ' ')} now."
    return can_move


def require_move(obj: HasLifecycle, move: str, user, message: str | None = None) -> None:
    """Refuse a move this user may not make (NotAllowed) or the state does not allow now (Conflict)."""
    if not obj.may(move, user):
        raise NotAllowed("You are not allowed to do that.")
    if not obj.allows(move):
        raise Conflict(message or obj.refusal(move))
