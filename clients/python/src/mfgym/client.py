"""One connection to an mfgym server: a DEALER socket, request ids, replies matched by id.

Each env object owns one Client, so each env is one connection. Protocol 2.1 (2.0 plus continuous
games; a 2.1 client talks to a 2.0 server as 2.0, negotiated in hello): the first request
says hello, which opens a session and returns its token; every later request carries the token
(the server refuses requests without it), and handles are only valid in the session that made them.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, Optional

import zmq

from .codec import decode_tree, pack, unpack
from .errors import MfgError, MfgTimeoutError, error_from_reply

PROTOCOL_VERSION = "2.1"
DEFAULT_ADDRESS = "tcp://127.0.0.1:5555"
DEFAULT_TIMEOUT = 30.0


class Client:
    """Sends requests and waits for their replies.

    ``timeout`` (seconds, None = wait forever) bounds each request; on expiry
    :class:`MfgTimeoutError` is raised and a late reply to that request is discarded when it
    arrives, because replies are matched by id. ``curve_server_key`` (Z85) is the public key of
    a server started with ``--curve-key-file``.
    """

    def __init__(self, address: str = DEFAULT_ADDRESS, timeout: Optional[float] = DEFAULT_TIMEOUT,
                 context: Optional[zmq.Context] = None, client_name: str = "mfgym-python",
                 curve_server_key: Optional[str] = None):
        self.address = address
        self.timeout = timeout
        self._ctx = context or zmq.Context.instance()
        self._sock = self._ctx.socket(zmq.DEALER)
        # linger 0: closing never blocks on undeliverable requests (server gone).
        self._sock.setsockopt(zmq.LINGER, 0)
        if curve_server_key is not None:
            # The server runs with --curve-key-file: encrypt with its public key and a fresh pair of ours.
            public, secret = zmq.curve_keypair()
            self._sock.curve_serverkey = curve_server_key.encode("ascii")
            self._sock.curve_publickey = public
            self._sock.curve_secretkey = secret
        self._sock.connect(address)
        self._rcvtimeo = -1
        self._ids = itertools.count()
        self._closed = False
        self.client_name = client_name
        self.server_info: Optional[Dict[str, Any]] = None
        #: The session token hello returned (sent in every later request).
        self.session: Optional[str] = None

    # -- raw messaging ------------------------------------------------------------------
    def send(self, op: str, **fields: Any) -> int:
        """Sends one request without waiting; returns its id (for pipelining).

        Any op but hello carries the session token, saying hello first if this client has not.
        """
        if self._closed:
            raise MfgError("MFG_ERR_CLIENT_CLOSED", "this client connection is closed")
        if op != "hello" and self.server_info is None:
            self.hello()
        rid = next(self._ids)
        msg = {"v": PROTOCOL_VERSION, "id": rid, "op": op}
        if op != "hello" and self.session is not None:
            msg["session"] = self.session
        msg.update(fields)
        self._sock.send(pack(msg), copy=False)
        return rid

    def send_raw(self, frame: bytes) -> None:
        """Sends an arbitrary frame (tests use it for malformed messages)."""
        self._sock.send(frame)

    def receive_raw(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The next reply map, whatever its id (undecoded arrays); the server's empty liveness probes are skipped."""
        t = self.timeout if timeout is None else timeout
        ms = -1 if t is None else max(0, int(round(t * 1000)))
        if ms != self._rcvtimeo:
            # A receive timeout on the socket rather than a poll() per message: one system call less
            # per round trip, which shows at thousands of round trips per second.
            self._sock.setsockopt(zmq.RCVTIMEO, ms)
            self._rcvtimeo = ms
        while True:
            try:
                frame = self._sock.recv(copy=True)
            except zmq.Again:
                raise MfgTimeoutError(f"no reply from {self.address} within {t} s", {"timeout_s": t}) from None
            if len(frame) > 0:
                return unpack(frame)

    def wait(self, rid: int, op: str = "?") -> Dict[str, Any]:
        """Waits for the reply with id ``rid``; returns its raw reply map (result not decoded)."""
        while True:
            try:
                reply = self.receive_raw()
            except MfgTimeoutError as e:
                e.details.update({"op": op, "id": rid})
                raise
            if isinstance(reply, dict) and reply.get("id") == rid:
                return reply
            # Replies to requests that already timed out: drop them.

    def call_raw(self, op: str, **fields: Any) -> Dict[str, Any]:
        """Request + raw reply map (ok or not), no decoding: what schema tests look at."""
        return self.wait(self.send(op, **fields), op)

    def call(self, op: str, **fields: Any) -> Dict[str, Any]:
        """Request + decoded result; an error reply raises the matching MfgError subclass."""
        reply = self.call_raw(op, **fields)
        if reply.get("ok") is True:
            result = decode_tree(reply.get("result", {}))
            if op == "hello":
                self.session = result.get("session")
                self.server_info = result
            return result
        raise error_from_reply(reply.get("error"))

    # -- ops --------------------------------------------------------------------------
    def hello(self) -> Dict[str, Any]:
        """Opens a session: returns {server, protocol, session, limits} and keeps the token."""
        return self.call("hello", client=self.client_name, protocol=PROTOCOL_VERSION)

    def ping(self) -> bool:
        return bool(self.call("ping").get("pong"))

    def list_envs(self) -> list:
        return self.call("list_envs")["envs"]

    def close(self) -> None:
        """Closes the socket; safe to call twice."""
        if not self._closed:
            self._closed = True
            self._sock.close(linger=0)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
