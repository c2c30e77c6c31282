"""The mfgym envs in Gymnasium's registry: ``gymnasium.make("mfgym/CrowdModelling2D-v0", size=8)``.

Importing ``mfgym`` with gymnasium importable registers every built-in game under the ``mfgym``
namespace: the finite ones, and the continuous ones (Box spaces, served from protocol 2.1 on). The
registrations' entry point is ``mfgym.env:make`` and their vector entry point
``mfgym.vector_env:make_vec``, so ``gymnasium.make_vec("mfgym/...", num_envs=N)`` builds one N-agent
server session (vectorization_mode "vector_entry_point", the default when a spec has one) and
``vectorization_mode="sync"`` a SyncVectorEnv of N one-agent sessions.

The server endpoint: the ``address=`` keyword of make / make_vec, else the ``MFGYM_ADDRESS``
environment variable, else ``tcp://127.0.0.1:5555``. Every other keyword is the env's own kwarg
(validated by the server), or one of make's named options (population, mean_field,
illegal_actions, make_options, ...). Without importing mfgym first, ``gymnasium.make("mfgym:mfgym/
CrowdModelling2D-v0")`` imports it (Gymnasium's "module:id" form).

Games a server loads at run time (``mfgym serve --load game.json``) are registered with
``register_envs(address=...)``, which asks that server for its list.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

NAMESPACE = "mfgym"

# The built-in finite games (test_gymnasium.py checks this list against a live server's list_envs).
BUILTIN_FINITE_ENV_IDS = (
    "BeachBar-v0", "BuildingEvacuation-v0", "ConservativeTreasureHunting-v0", "CrowdAvoidance-v0",
    "CrowdModelling1D-v0", "CrowdModelling2D-v0", "CrowdMotion-v0", "DynamicRouting-v0", "EquilibriumPrice-v0",
    "FourRooms-v0", "Garnet-v0", "LeftRight-v0", "LinearQuadratic-v0", "Maze-v0", "MeanFieldNFG-v0",
    "PeriodicAversion-v0", "PredatorPrey-v0", "RockPaperScissors-v0", "SusceptibleInfected-v0",
)

# The built-in continuous games (Box observations and actions; protocol 2.1).
BUILTIN_CONTINUOUS_ENV_IDS = ("CrowdAversionND-v0", "Flocking-v0", "LinearQuadraticContinuous-v0")


def register_envs(ids: Optional[Iterable[str]] = None, address: Optional[str] = None) -> List[str]:
    """Registers ``mfgym/<id>`` for each id (default: the built-in games, or, with ``address``, every
    game that server lists); ids already registered are left as they are. Returns the Gymnasium
    ids. A no-op returning [] when gymnasium is not importable."""
    try:
        import gymnasium
    except ImportError:
        return []
    if ids is None and address is not None:
        from .client import Client
        with Client(address) as c:
            ids = [e["id"] for e in c.list_envs() if e.get("kind", "finite") in ("finite", "continuous")]
    out = []
    for env_id in (BUILTIN_FINITE_ENV_IDS + BUILTIN_CONTINUOUS_ENV_IDS if ids is None else ids):
        bare = env_id.split("/")[-1] if env_id.startswith(NAMESPACE + "/") else env_id
        gym_id = f"{NAMESPACE}/{bare}"
        if gym_id not in gymnasium.registry:
            gymnasium.register(id=gym_id, entry_point="mfgym.env:make", vector_entry_point="mfgym.vector_env:make_vec",
                               kwargs={"env_id": env_id}, max_episode_steps=None)
        out.append(gym_id)
    return out
