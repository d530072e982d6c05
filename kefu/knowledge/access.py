"""Who may read and edit the knowledge base.

Reading goes with viewing tickets (agents, supervisors, clerks …). Editing goes with quality
checking (supervisors, quality checkers, managers): they maintain scripts and policies.
A dedicated `Perm.MANAGE_KNOWLEDGE` in kefu.core.permissions can replace EDIT later.
"""

from kefu.core.permissions import Perm

VIEW = Perm.VIEW_TICKETS
EDIT = Perm.CHECK_QUALITY
