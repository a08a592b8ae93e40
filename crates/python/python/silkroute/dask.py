"""Sweeps over scenarios and origin–destination pairs on a Dask cluster.

Each task carries the network's path and the scenario's text, never an engine: a worker opens
the network once per process (``functools.lru_cache``) and answers its partition. The same code
runs on a laptop (``LocalCluster``) and on a cluster of machines (``dask scheduler`` and
``dask worker`` on other hosts, or dask-jobqueue / dask-kubernetes): every worker must be able
to read the network's path (the built-in network needs none). See docs/python.md.

    from dask.distributed import Client, LocalCluster
    import silkroute as sr
    from silkroute.dask import sweep, critical_sweep

    client = Client(LocalCluster(n_workers=2, processes=True))
    od = [("xian", "tashkent"), ("urumqi", "almaty")]
    df = critical_sweep(None, od, modes="rail").compute()   # each link and border closed in turn
"""

from __future__ import annotations

import functools
import random
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import pandas as pd

from . import Network, NoRoute

#: The columns of every sweep's rows.
COLUMNS = ["scenario", "from", "to", "time_sum_p50_h", "time_sum_p90_h", "cost_usd", "co2e_kg", "distance_km"]

OD = Sequence[Tuple[str, str]]


class Scenario:
    """A scenario as TOML text (docs/scenarios.md), shipped to workers as text. ``Scenario.closing``
    makes one that closes links and border crossings."""

    def __init__(self, name: str, toml: str):
        self.name = name
        self.toml = toml

    @classmethod
    def closing(cls, elements: Iterable[Tuple[str, str]], name: Optional[str] = None) -> "Scenario":
        """Closes the ``(kind, id)`` elements (kind ``link`` or ``border``), as
        ``Network.elements()`` lists them."""
        elements = list(elements)
        name = name or "closed: " + " + ".join(i for _, i in elements)
        lines = [f'name = "{name}"', f'description = "{name}"', 'source = "silkroute.dask sweep"']
        for kind, ident in elements:
            if kind not in ("link", "border"):
                raise ValueError(f"`{kind}` is not an element kind a sweep closes (link or border)")
            lines += ["", f"[[{kind}]]", f'ids = ["{ident}"]', 'status = "closed"']
        return cls(name, "\n".join(lines) + "\n")

    def __repr__(self) -> str:
        return f"<Scenario {self.name}>"


ScenarioLike = Union[None, str, Scenario]


def _arg(s: ScenarioLike) -> Tuple[str, ...]:
    if s is None:
        return ()
    if isinstance(s, Scenario):
        return (s.toml,)
    return (s,)


def _name(s: ScenarioLike) -> str:
    if s is None:
        return "baseline"
    return s.name if isinstance(s, Scenario) else str(s)


@functools.lru_cache(maxsize=16)
def _open(path: Optional[str], scenarios: Tuple[str, ...]) -> Network:
    # Once per worker process and scenario: the engine stays in the worker; a scenario's
    # network is derived from the base network opened once.
    if not scenarios:
        return Network(path)
    return _open(path, scenarios[:-1]).with_scenarios(scenarios[-1])


def answer_partition(path: Optional[str], base: Tuple[str, ...], scenario: ScenarioLike, od: OD,
                     by: str = "time", modes: Optional[str] = None) -> pd.DataFrame:
    """The rows of one (scenario, OD partition) task: one row per pair, NaN where no route."""
    net = _open(path, tuple(base) + _arg(scenario))
    by_origin: dict = {}
    for a, b in od:
        by_origin.setdefault(a, []).append(b)
    # The matrix answers with place ids; the pair as given is kept beside them.
    ids = {name: net.find(name) for pair in od for name in pair}
    rows = []
    for a, dests in by_origin.items():
        try:
            m = net.matrix([a], dests, by=by, modes=modes)
        except NoRoute:
            m = pd.DataFrame()
        cells = {(r["from"], r["to"]): r for r in m.to_dict("records")} if len(m) else {}
        for b in dests:
            c = cells.get((ids[a], ids[b]), {})
            rows.append({"scenario": _name(scenario), "from": a, "to": b,
                         **{k: c.get(k) for k in COLUMNS[3:]}})
    return pd.DataFrame(rows, columns=COLUMNS).astype({k: "float64" for k in COLUMNS[3:]})


def answer_partitions(path: Optional[str], base: Tuple[str, ...], scenarios: Sequence[ScenarioLike], od: OD,
                      by: str = "time", modes: Optional[str] = None) -> pd.DataFrame:
    """The rows of several scenarios on one OD partition (one Dask task)."""
    frames = [answer_partition(path, base, s, od, by, modes) for s in scenarios]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _chunks(items: Sequence, size: int) -> List[list]:
    """``items`` in runs of ``size`` (one empty run when there are none)."""
    items, size = list(items), max(1, int(size))
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _modes(modes: Union[None, str, Sequence[str]]) -> Optional[str]:
    return ",".join(modes) if isinstance(modes, (list, tuple)) else modes


def sweep(path: Optional[str], scenarios: Sequence[ScenarioLike], od: OD, *, by: str = "time",
          modes: Union[None, str, Sequence[str]] = None, base_scenarios: Sequence[str] = (),
          partition_size: int = 64, scenarios_per_task: int = 16):
    """A Dask DataFrame of the best time, cost and CO2e of every OD pair under every scenario
    (``None`` is the network as it is): one task per group of ``scenarios_per_task`` scenarios
    and partition of ``partition_size`` pairs (a task costs Dask some milliseconds: a scenario
    of the built-in network about 25, so tasks of one scenario would spend a third of the time
    on Dask). ``path`` is the feed folder or graph file (None: the built-in network)."""
    import dask.dataframe as dd
    from dask import delayed

    m = _modes(modes)
    parts = [
        delayed(answer_partitions)(path, tuple(base_scenarios), group, chunk, by, m)
        for group in _chunks(scenarios, scenarios_per_task)
        for chunk in _chunks(od, partition_size)
    ]
    meta = pd.DataFrame({c: pd.Series(dtype="object" if i < 3 else "float64") for i, c in enumerate(COLUMNS)})
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def serial(path: Optional[str], scenarios: Sequence[ScenarioLike], od: OD, *, by: str = "time",
           modes: Union[None, str, Sequence[str]] = None, base_scenarios: Sequence[str] = ()) -> pd.DataFrame:
    """The rows ``sweep`` computes, in one process without Dask (the reference)."""
    m = _modes(modes)
    frames = [answer_partition(path, tuple(base_scenarios), s, list(od), by, m) for s in scenarios]
    return pd.concat(frames, ignore_index=True)


def _elements(path: Optional[str], base: Sequence[str], elements: Optional[Iterable[Tuple[str, str]]]):
    if elements is not None:
        return list(elements)
    return _open(path, tuple(base)).elements()


def critical_scenarios(path: Optional[str], elements: Optional[Iterable[Tuple[str, str]]] = None, *,
                       pairs: bool = False, base_scenarios: Sequence[str] = ()) -> List[ScenarioLike]:
    """The baseline, then every element closed in turn (``pairs``: every two elements closed
    together)."""
    els = _elements(path, base_scenarios, elements)
    out: List[ScenarioLike] = [None]
    if pairs:
        out += [Scenario.closing([a, b]) for i, a in enumerate(els) for b in els[i + 1:]]
    else:
        out += [Scenario.closing([e]) for e in els]
    return out


def critical_sweep(path: Optional[str], od: OD, elements: Optional[Iterable[Tuple[str, str]]] = None, *,
                   pairs: bool = False, **kw):
    """``sweep`` over the baseline and every element (or pair of elements) closed."""
    return sweep(path, critical_scenarios(path, elements, pairs=pairs,
                                          base_scenarios=kw.get("base_scenarios", ())), od, **kw)


def monte_carlo_scenarios(path: Optional[str], k: int, draws: int, seed: int,
                          elements: Optional[Iterable[Tuple[str, str]]] = None,
                          base_scenarios: Sequence[str] = ()) -> List[ScenarioLike]:
    """``draws`` scenarios, each closing ``k`` elements drawn at random (seeded, reproducible)."""
    els = _elements(path, base_scenarios, elements)
    if k > len(els):
        raise ValueError(f"k = {k} is more than the {len(els)} elements to draw from")
    rng = random.Random(seed)
    return [Scenario.closing(rng.sample(els, k)) for _ in range(draws)]


def monte_carlo_sweep(path: Optional[str], od: OD, *, k: int, draws: int, seed: int = 1,
                      elements: Optional[Iterable[Tuple[str, str]]] = None, **kw):
    """``sweep`` over ``draws`` random disruptions of ``k`` closed elements each."""
    return sweep(path, monte_carlo_scenarios(path, k, draws, seed, elements,
                                             kw.get("base_scenarios", ())), od, **kw)


def matrix_sweep(path: Optional[str], origins: Sequence[str], destinations: Sequence[str],
                 scenarios: Sequence[ScenarioLike] = (None,), **kw):
    """``sweep`` over every origin × destination pair (a big matrix, partitioned)."""
    od = [(a, b) for a in origins for b in destinations if a != b]
    return sweep(path, scenarios, od, **kw)
