"""Who takes part in a dossier's thread. The dossier is already loaded through its ``visible_to(user)``."""

from secpa_portal.accounts.enums import Role

from .registry import Dossier


def can_take_part(user, dossier: Dossier, obj) -> bool:
    """Read and write the thread of ``obj``: a manager of its structure, an ARS agent of its region, and for
    conventions and dotations a CNAM agent. The caller found ``obj`` in ``visible_to(user)``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_manager:
        return any(m.structure_id == dossier.structure_id(obj) for m in user.memberships.all())
    if user.is_ars_agent:
        return user.region_id is not None and user.region_id == dossier.region_id(obj)
    if user.is_cnam_agent:
        return Role.CNAM_AGENT in dossier.agent_roles
    return False
