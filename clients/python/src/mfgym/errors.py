"""Exceptions raised by the client.

Every error reply from the server becomes an instance of :class:`MfgError` (or a subclass chosen
by the code's area), carrying the server's stable ``code`` (``MFG_ERR_<AREA>_<WHAT>``, the table in
``src/core/errors.ts`` / ``protocol/errors.json``), its ``message`` and its ``details``. Callers
can catch by area (``mfgym.SessionError``) or compare ``err.code``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class MfgError(Exception):
    """An error with a stable code, a human message and machine-readable details."""

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})


class ProtocolError(MfgError):
    """The server could not accept the message itself (MFG_ERR_PROTOCOL_*)."""


class SessionError(MfgError):
    """A handle is unknown, closed, belongs to another connection, or a limit is hit (MFG_ERR_SESSION_*)."""


class EnvError(MfgError):
    """The environment refused an action or a call (MFG_ERR_ENV_*)."""


class RegistryError(MfgError):
    """Unknown environment id or kwargs that do not match its schema (MFG_ERR_REGISTRY_*)."""


class MfgTimeoutError(MfgError, TimeoutError):
    """No reply arrived within the client's timeout.

    Raised by the client itself; its code ``MFG_ERR_CLIENT_TIMEOUT`` never travels on the wire.
    """

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None):
        MfgError.__init__(self, "MFG_ERR_CLIENT_TIMEOUT", message, details)


_BY_AREA = {
    "PROTOCOL": ProtocolError,
    "SESSION": SessionError,
    "ENV": EnvError,
    "REGISTRY": RegistryError,
}


def error_from_reply(error: Any) -> MfgError:
    """Builds the exception for the ``error`` member of a failed reply."""
    if not isinstance(error, dict):
        return ProtocolError("MFG_ERR_PROTOCOL_MALFORMED", f"error reply without an error map: {error!r}")
    code = str(error.get("code", "MFG_ERR_INTERNAL"))
    parts = code.split("_")
    area = parts[2] if len(parts) > 3 and parts[:2] == ["MFG", "ERR"] else ""
    cls = _BY_AREA.get(area, MfgError)
    details = error.get("details")
    return cls(code, str(error.get("message", "")), details if isinstance(details, dict) else {})
