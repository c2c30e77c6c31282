"""mfgym: Mean Field Game environments served over ZeroMQ, with Gymnasium semantics.

    import mfgym
    env = mfgym.make("LeftRight-v0", address="tcp://127.0.0.1:5555")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

Start a server first: ``npx mfgym serve --bind tcp://127.0.0.1:5555``. With gymnasium importable,
the envs are Gymnasium's own classes and registered: ``gymnasium.make("mfgym/LeftRight-v0")``
(registration.py; the server address is ``address=`` or $MFGYM_ADDRESS).
"""

from .client import DEFAULT_ADDRESS, PROTOCOL_VERSION, Client
from .env import MfgEnv, make
from .errors import EnvError, MfgError, MfgTimeoutError, ProtocolError, RegistryError, SessionError
from .spaces import HAS_GYMNASIUM
from .registration import register_envs
from .vector_env import MfgVectorEnv, make_vec
from .parallel_env import MfgParallelEnv, make_parallel

register_envs()  # Gymnasium's registry, when gymnasium is importable (else nothing)

__version__ = "0.1.0"

__all__ = [
    "Client", "DEFAULT_ADDRESS", "PROTOCOL_VERSION", "MfgEnv", "MfgVectorEnv", "make", "make_vec",
    "MfgParallelEnv", "make_parallel",
    "MfgError", "MfgTimeoutError", "ProtocolError", "SessionError", "EnvError", "RegistryError",
    "HAS_GYMNASIUM", "register_envs", "__version__",
]
