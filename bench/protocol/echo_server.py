"""The floor for a round trip: a bare pyzmq + msgpack ROUTER that answers every request at once.

It does what any msgpack server must do and nothing more: decode the request, build a reply map
in the protocol's envelope (carrying the request's own fields back as the result, so the reply is
as big as the request), encode it and send it. bench.py times the same Python client code against
this and against `mfgym serve`; the ratio is the protocol's overhead figure.

    python3 echo_server.py tcp://127.0.0.1:5560
"""

from __future__ import annotations

import sys

import msgpack
import zmq


def serve(address: str) -> None:
    ctx = zmq.Context()
    sock = ctx.socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.bind(address)
    # SIGTERM keeps Python's default action (exit at once): nothing here needs a clean shutdown.
    try:
        while True:
            identity, frame = sock.recv_multipart()
            try:
                req = msgpack.unpackb(frame, raw=False)
                if not isinstance(req, dict):
                    raise ValueError("not a map")
            except Exception as e:  # stay up, as a server must
                bad = {"v": "1.0", "id": None, "ok": False,
                       "error": {"code": "MFG_ERR_PROTOCOL_MALFORMED", "message": str(e), "details": {}}}
                sock.send_multipart([identity, msgpack.packb(bad, use_bin_type=True)])
                continue
            result = {k: v for k, v in req.items() if k not in ("v", "id", "op")}
            if req.get("op") == "ping":
                result = {"pong": True}
            reply = {"v": req.get("v"), "id": req.get("id"), "ok": True, "result": result}
            sock.send_multipart([identity, msgpack.packb(reply, use_bin_type=True)])
    finally:
        sock.close(0)
        ctx.term()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:5560")
