"""silkroute: transport corridors between China and Central Asia, from Python.

The same engine, queries and answers as the ``silkroute`` command line and HTTP API::

    import silkroute as sr
    net = sr.Network.builtin()
    it = net.route("xian", "tashkent", modes="rail")
    it.summary["time_h"]["p50"], it.legs[["from", "to", "kind", "time_h", "cost_usd"]]
    net.matrix(["xian", "urumqi"], ["almaty", "tashkent"])       # long-form DataFrame
    net.trip(["xian", "almaty"], passport="CN", date="2025-06-01", stay="14d")

A ``Network`` pickles as what it was opened from (the path and the scenarios), so it can be
sent to Dask workers, which open it once each (see ``silkroute.dask``). Errors are
``silkroute.Error`` subclasses with the CLI's and the API's messages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import pandas as pd

from ._silkroute import Engine as _Engine
from ._silkroute import EngineError as _EngineError
from ._silkroute import __version__

__all__ = [
    "Network",
    "Itinerary",
    "Trip",
    "Error",
    "InvalidParameter",
    "UnknownPlace",
    "UnknownScenario",
    "NoRoute",
    "InvalidNetwork",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


class Error(Exception):
    """An error of silkroute: ``code`` (as the HTTP API's), ``message``, ``param`` at fault."""

    def __init__(self, message: str, code: str = "error", param: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param


class InvalidParameter(Error, ValueError):
    """A parameter's value is wrong, missing or contradicts another (HTTP 400)."""


class UnknownPlace(Error, LookupError):
    """No place matches the name (the message suggests the closest names)."""


class UnknownScenario(Error, ValueError):
    """The scenario is neither a built-in scenario nor a readable TOML file."""


class NoRoute(Error):
    """No route satisfies the request."""


class InvalidNetwork(Error):
    """The feed folder or graph file cannot be opened."""


_BY_CODE = {
    "invalid_parameter": InvalidParameter,
    "missing_parameter": InvalidParameter,
    "contradiction": InvalidParameter,
    "invalid_scenario": UnknownScenario,
    "unknown_scenario": UnknownScenario,
    "unknown_place": UnknownPlace,
    "no_route": NoRoute,
    "invalid_network": InvalidNetwork,
}


def _raise(e: _EngineError) -> "NoReturn":  # type: ignore[name-defined]
    code, message, param = e.args
    raise _BY_CODE.get(code, Error)(message, code=code, param=param) from None


def _call(method, params: Optional[Dict[str, Any]] = None) -> Any:
    try:
        text = method() if params is None else method(json.dumps(params))
    except _EngineError as e:
        _raise(e)
    return json.loads(text)


def _list(v: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    if v is None:
        return None
    if isinstance(v, str):
        return [v]
    return [str(x) for x in v]


def _params(**kw: Any) -> Dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def _scenario_label(s: str) -> str:
    """A scenario's name: itself, or the `name` of its TOML text."""
    if "\n" not in s:
        return s
    for line in s.splitlines():
        if line.strip().startswith("name"):
            return line.split("=", 1)[1].strip().strip('"')
    return "scenario"


class Itinerary:
    """One itinerary: ``summary`` (dict), ``legs`` (DataFrame, one row per leg), ``geometry``
    (GeoJSON dict) and ``raw`` (the answer's dict, as the CLI's ``--json`` prints it)."""

    def __init__(self, raw: Dict[str, Any]):
        self.raw = raw
        self.summary: Dict[str, Any] = raw["summary"]
        self.geometry: Dict[str, Any] = raw["geometry"]

    @property
    def legs(self) -> pd.DataFrame:
        """The legs: from, to, mode, kind, distance_km, time_h, time_p90_h, cost_usd, co2e_kg,
        service, departs, arrives, description, source …"""
        rows = []
        for leg in self.raw["legs"]:
            row = {k: v for k, v in leg.items() if k not in ("distribution", "pauses")}
            row["pauses"] = len(leg.get("pauses", []))
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def shape(self):
        """The route as a shapely LineString (needs shapely)."""
        from shapely.geometry import shape  # noqa: PLC0415

        return shape(self.geometry)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<Itinerary {s.get('from', '')} → {s.get('to', '')}: p50 {s['time_h']['p50']:.1f} h, "
            f"{s['cost_usd']:.0f} USD, {s['co2e_kg']:.0f} kg CO2e, {len(self.raw['legs'])} legs>"
        )


class Trip:
    """A traveller's trip: ``verdict``, ``legs`` (DataFrame), ``stays`` (DataFrame of countries
    with their rules), ``problems`` (list of dicts) and ``raw``."""

    def __init__(self, raw: Dict[str, Any]):
        self.raw = raw
        self.verdict: str = raw["verdict"]
        self.problems: List[Dict[str, Any]] = raw["problems"]

    @property
    def legs(self) -> pd.DataFrame:
        rows = []
        for k, j in enumerate(self.raw["journeys"]):
            for leg in j["legs"]:
                rows.append({"journey": k + 1, **{x: y for x, y in leg.items() if x != "borders"},
                             "borders": ",".join(leg.get("borders", []))})
        return pd.DataFrame(rows)

    @property
    def stays(self) -> pd.DataFrame:
        rows = []
        for s in self.raw["stays"]:
            rule = s.get("rule") or {}
            period = s.get("period") or {}
            rows.append({
                "country": s["country"], "entered": s["entered"], "left": s["left"], "days": s["days"],
                "purpose": s["purpose"], "status": s["status"], "rule": rule.get("id"),
                "regime": rule.get("regime"), "days_per_stay": s.get("days_per_stay"),
                "days_used_in_period": period.get("days_used"), "days_allowed_in_period": period.get("days_allowed"),
                "period_days": period.get("period_days"), "source": rule.get("source"),
                "notes": "; ".join(s["notes"]),
            })
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"<Trip {self.verdict}: {len(self.raw['journeys'])} journey(s), {len(self.problems)} problem(s)>"


class Network:
    """A network ready to query: the built-in one (``path`` None), a feed folder or a graph
    file, with scenarios (built-in names such as ``"cku-open"`` or TOML files) applied in
    order. Opening compiles the graph and the timetables once; queries release the GIL."""

    def __init__(self, path: Optional[PathLike] = None, scenarios: Sequence[PathLike] = ()):
        self._path = None if path is None else os.fspath(path)
        self._scenarios: Tuple[str, ...] = tuple(os.fspath(s) for s in scenarios)
        try:
            self._engine = _Engine(self._path, list(self._scenarios))
        except _EngineError as e:
            _raise(e)

    @classmethod
    def builtin(cls, scenarios: Sequence[PathLike] = ()) -> "Network":
        """The built-in China–Central Asia network."""
        return cls(None, scenarios)

    @classmethod
    def load(cls, path: PathLike, scenarios: Sequence[PathLike] = ()) -> "Network":
        """A feed folder or a graph file written by ``silkroute build``."""
        return cls(path, scenarios)

    def with_scenarios(self, *scenarios: PathLike) -> "Network":
        """This network with more scenarios applied (derived from this one: no file is read
        again)."""
        more = tuple(os.fspath(s) for s in scenarios)
        net = Network.__new__(Network)
        net._path = self._path
        net._scenarios = self._scenarios + more
        try:
            net._engine = self._engine.derive(list(more))
        except _EngineError as e:
            _raise(e)
        return net

    @property
    def path(self) -> Optional[str]:
        return self._path

    @property
    def scenarios(self) -> Tuple[str, ...]:
        return self._scenarios

    def __reduce__(self):
        # Pickles as what it was opened from: a worker opens its own engine.
        return (Network, (self._path, self._scenarios))

    def __repr__(self) -> str:
        where = self._path or "built-in"
        names = [_scenario_label(s) for s in self._scenarios]
        return f"<Network {where}{' + ' + ', '.join(names) if names else ''}>"

    # Queries ---------------------------------------------------------------------------

    def route_response(self, origin: str, destination: str, **params: Any) -> Dict[str, Any]:
        """The whole answer of ``/v1/route`` as a dict (every parameter of the HTTP API)."""
        for k in ("modes", "via", "avoid", "scenario", "criteria"):
            if k in params:
                params[k] = _list(params[k])
        return _call(self._engine.route, _params(**{"from": origin, "to": destination}, **params))

    def route(self, origin: str, destination: str, *, by: Optional[str] = None,
              modes: Union[None, str, Iterable[str]] = None, depart: Optional[str] = None,
              cargo: Optional[str] = None, **params: Any) -> Itinerary:
        """The best itinerary (``by`` time, p90, cost, co2 or balanced)."""
        a = self.route_response(origin, destination, by=by, modes=modes, depart=depart, cargo=cargo, **params)
        return Itinerary(a["routes"][0])

    def pareto(self, origin: str, destination: str, **params: Any) -> List[Itinerary]:
        """The menu of itineraries that no other beats on time, cost and CO2e."""
        a = self.route_response(origin, destination, pareto=True, **params)
        return [Itinerary(r) for r in a["routes"]]

    def alternatives(self, origin: str, destination: str, n: int = 3, **params: Any) -> List[Itinerary]:
        """Up to ``n`` genuinely different itineraries."""
        a = self.route_response(origin, destination, alternatives=n, **params)
        return [Itinerary(r) for r in a["routes"]]

    def matrix(self, origins: Iterable[str], destinations: Optional[Iterable[str]] = None, *,
               by: Optional[str] = None, modes: Union[None, str, Iterable[str]] = None,
               cargo: Optional[str] = None, scenario: Union[None, str, Iterable[str]] = None) -> pd.DataFrame:
        """Best time, cost and CO2e between every origin and destination, long form (one row per
        pair; a pair with no route has NaN)."""
        a = _call(self._engine.matrix, _params(**{"from": _list(origins), "to": _list(destinations)}, by=by,
                                               modes=_list(modes), cargo=cargo, scenario=_list(scenario)))
        rows = []
        for c in a["cells"]:
            row = {"from": c["from"], "to": c["to"]}
            for k, v in c.items():
                if k not in ("from", "to") and not isinstance(v, (dict, list)):
                    row[k] = v
            rows.append(row)
        return pd.DataFrame(rows)

    def trip(self, places: Iterable[str], *, passport: str, date: Optional[str] = None,
             stay: Optional[str] = None, purpose: Optional[str] = None,
             modes: Union[None, str, Iterable[str]] = None) -> Trip:
        """A traveller's trip with the entry rules of every country (``silkroute trip``)."""
        return Trip(_call(self._engine.trip, _params(places=",".join(_list(places) or []), passport=passport,
                                                     date=date, stay=stay, purpose=purpose,
                                                     modes=_list(modes))))

    def _assign(self, demand, scenario, **kw) -> Dict[str, Any]:
        net = self.with_scenarios(*_list(scenario)) if scenario else self
        if demand is None:
            text = None
        elif isinstance(demand, pd.DataFrame):
            text = demand.to_csv(index=False)
        else:
            text = Path(os.fspath(demand)).read_text(encoding="utf-8")
        return _call(net._engine.assign, _params(demand_csv=text, **kw))

    def assign(self, demand: Union[None, PathLike, pd.DataFrame] = None, *, scenario=None,
               method: Optional[str] = None, gap: Optional[float] = None,
               max_iterations: Optional[int] = None, value_of_time: Optional[float] = None,
               volume_delay: Optional[str] = None, choice: Optional[str] = None,
               dispersion: Optional[float] = None, nest: Optional[float] = None,
               segments: Optional[str] = None, frequencies: Optional[str] = None) -> pd.DataFrame:
        """Trade flows assigned to the network (``silkroute assign``): one row per loaded edge
        (element, direction, mode, tonnes_per_day, capacity_basis, capacity_t_per_day,
        facility_tonnes_per_day, volume_capacity, delay_h, cost_usd_per_t …).
        ``demand``: a CSV file or a DataFrame with the columns of docs/demand.md (None: the
        built-in demand, on the built-in network). ``method``: ``"gp"`` (default: gradient projection,
        to gaps of 1e-8), ``"bfw"``, ``"cfw"``, ``"fw"``, ``"aon"``.
        ``volume_delay``: ``"bpr"`` (default) or ``"conical"`` (steep over capacity).
        ``choice``: ``"logit"`` (default: nested logit over mode and route, with ``dispersion``
        and ``nest``) or ``"least-cost"`` (a user equilibrium by ``method``). ``segments``: ``"commodity"`` (default: each commodity
        at the value of time of its value density) or ``"none"``. ``frequencies``:
        ``"follow-flow"`` (default: services run the departures their load needs, with
        gradient projection or the logit) or ``"published"``. The run's totals are in
        ``.attrs``, with ``attrs["segments"]``: value of time, tonnes, units and mode shares per
        commodity segment, and ``attrs["services"]``: each cargo service's load and departures."""
        a = self._assign(demand, scenario, method=method, gap=gap, max_iterations=max_iterations,
                         value_of_time=value_of_time, volume_delay=volume_delay, choice=choice,
                         dispersion=dispersion, nest=nest, segments=segments,
                         frequencies=frequencies)
        df = pd.DataFrame(a["edges"])
        attrs = {k: v for k, v in a.items() if k not in ("edges", "od_routes")}
        df = self._with_geometry(df)
        df.attrs = attrs
        return df

    def _with_geometry(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` as a GeoDataFrame (EPSG:4326) with each link's and border crossing's line,
        when geopandas is installed (a transfer, which happens at a place, has none)."""
        try:
            import geopandas
            from shapely.geometry import shape
        except ImportError:
            return df
        shapes: Dict[str, Any] = {}
        for f in self.geojson()["features"]:
            p = f["properties"]
            if p.get("feature") in ("link", "border") and f.get("geometry"):
                shapes[p["id"]] = shape(f["geometry"])
        geometry = [shapes.get(e) for e in df.get("element", pd.Series(dtype=object))]
        return geopandas.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")

    def critical(self, demand: Union[None, PathLike, pd.DataFrame] = None, *, scenario=None,
                 method: Optional[str] = None, gap: Optional[float] = None,
                 value_of_time: Optional[float] = None, volume_delay: Optional[str] = None) -> pd.DataFrame:
        """Links and border crossings ranked by what their closure costs the assigned trade
        (``silkroute critical``)."""
        a = self._assign(demand, scenario, method=method, gap=gap, value_of_time=value_of_time,
                         volume_delay=volume_delay, critical=True)
        return pd.DataFrame(a["elements"])

    def places(self, q: Optional[str] = None, country: Optional[str] = None) -> pd.DataFrame:
        """The places, or those whose name contains ``q`` / in ``country``."""
        a = _call(self._engine.places, _params(q=q, country=country))
        return pd.DataFrame(a["places"])

    def scenarios_offered(self) -> List[Dict[str, str]]:
        """The built-in scenarios that apply to this network."""
        return _call(self._engine.scenarios)["scenarios"]

    def find(self, name: str) -> str:
        """The id of the place ``name`` (any name, as the CLI finds it)."""
        try:
            return self._engine.find(name)
        except _EngineError as e:
            _raise(e)

    def elements(self) -> List[Tuple[str, str]]:
        """``(kind, id)`` of every link and border crossing (what a scenario can close)."""
        return list(self._engine.elements())

    def geojson(self) -> Dict[str, Any]:
        """The network as a GeoJSON FeatureCollection."""
        return _call(self._engine.network_geojson)
