"""Who may see and change what: sign-in e-mails matched to people, roles, and the scope every read and
write goes through.

- `roles`  the four roles (leader, manager, rep, sales ops), the words an import may use for them, and
           what each role may change (`may`); `NotAllowed`, the error a write outside a role raises
- `scope`  the frozen `Scope` of a signed-in person (the teams and reps they see in full, whose coaching
           notes they read, what they may change) and `OPEN`, the scope of open mode (no sign-in
           configured: everything, as before); `narrow`, which lets URL parameters only narrow a scope
- `people` `identify` (an e-mail → a person, case-insensitive, aliases too), `scope_of` (a person → their
           scope), the scoped reads the pages call (people, a rep's activity and deals, the figures kept
           to the scope) and the role and e-mail alias writes

The domain parts that write (settings, importing, coaching) call `require` before they change anything,
so a page cannot change what its viewer may not.

May import: store, and the top-level `formatting`.
"""

from breakthrough.access.roles import ACTIONS, ROLES, NotAllowed, may, role_of
from breakthrough.access.scope import OPEN, Scope, narrow, require

__all__ = ["ACTIONS", "OPEN", "ROLES", "NotAllowed", "Scope", "may", "narrow", "require", "role_of"]
