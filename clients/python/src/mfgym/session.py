"""The server session an env owns: one connection, one handle, and the calls every env shares."""

from __future__ import annotations

from typing import Any, Dict, Optional

from .client import Client
from .codec import encode_tree
from .errors import MfgError, MfgTimeoutError


class ServerSession:
    """Mixed into MfgEnv and MfgVectorEnv: opening, population calls and closing of the session."""

    _client: Client
    _handle: Optional[str] = None

    def _open_session(self, address: str, timeout: Optional[float], *, env_id: str, env_kwargs: Optional[Dict[str, Any]],
                      num_agents: int, population: Optional[str], mean_field: str, autoreset: str,
                      make_options: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """Connects, says hello and makes the env; returns the make reply. A failure closes the socket."""
        self._handle = None
        self._client = Client(address, timeout)
        try:
            self._client.hello()
            fields: Dict[str, Any] = {"env_id": env_id, "kwargs": dict(env_kwargs or {}), "num_agents": num_agents,
                                      "mean_field": mean_field, "autoreset": autoreset}
            if population is not None:  # None: the server's default for the game
                fields["population"] = population
            if make_options:
                fields["options"] = encode_tree(make_options)
            made = self._client.call("make", **fields)
        except BaseException:
            self._client.close()
            raise
        self._handle = made["handle"]
        return made

    @property
    def handle(self) -> Optional[str]:
        return self._handle

    @property
    def client(self) -> Client:
        return self._client

    def update_population(self) -> Dict[str, Any]:
        """Refits the population from the visited states (``fictitious`` mode); returns the server's summary."""
        return self._client.call("population_update", handle=self._handle)

    def population_report(self) -> Dict[str, Any]:
        return self._client.call("population_report", handle=self._handle)

    def _close_session(self) -> None:
        """Closes the env on the server and the connection; safe to call any number of times."""
        client = getattr(self, "_client", None)
        if client is None or client.closed:
            return
        try:
            if self._handle is not None:
                client.call("close", handle=self._handle)
        except (MfgTimeoutError, MfgError):
            # A server that is gone or already dropped the session: the env is closed either way.
            pass
        finally:
            client.close()

    def __del__(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()  # socket only: no network from a finaliser
