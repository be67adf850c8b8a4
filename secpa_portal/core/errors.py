"""Domain errors carry a French message that views show as they are."""


class DomainError(Exception):
    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class ActionRefused(DomainError):
    """The user may not do this (the view shows the message; out-of-scope objects are 404 before this)."""


class ConflictError(DomainError):
    """Someone else saved the object in between: nothing was overwritten."""
