"""The Python package on the built-in network: the same answers and errors as the CLI."""

import json
import os
import pickle
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import silkroute as sr

ROOT = Path(__file__).resolve().parents[3]
CLI = ROOT / "target" / "debug" / "silkroute"


@pytest.fixture(scope="module")
def net():
    return sr.Network.builtin()


def cli(*args):
    if not CLI.exists():
        pytest.skip("the CLI is not built (cargo build -p silkroute)")
    return subprocess.run([str(CLI), *args], capture_output=True, text=True)


def test_a_route_has_a_legs_frame_and_the_cli_numbers(net):
    it = net.route("xian", "tashkent", modes="rail")
    legs = it.legs
    assert isinstance(legs, pd.DataFrame)
    assert {"from", "to", "kind", "mode", "time_h", "cost_usd", "co2e_kg"} <= set(legs.columns)
    assert legs["kind"].tolist()[0] == "customs"
    assert it.geometry["type"] == "LineString"
    out = cli("route", "xian", "tashkent", "--modes", "rail", "--json")
    if out.returncode == 0:
        answer = json.loads(out.stdout)
        assert answer["routes"][0]["summary"] == it.summary


def test_a_matrix_is_a_long_frame_with_one_row_per_pair(net):
    m = net.matrix(["xian", "urumqi"], ["almaty", "tashkent"], modes="rail")
    assert len(m) == 4
    assert set(zip(m["from"], m["to"])) == {
        ("xian", "almaty"), ("xian", "tashkent"), ("urumqi", "almaty"), ("urumqi", "tashkent")}
    assert (m["time_sum_p50_h"] > 0).all()


def test_a_travellers_trip_names_the_rule(net):
    t = net.trip(["Xi'an", "Almaty"], passport="CN", date="2025-06-01", stay="14d")
    assert t.verdict == "allowed"
    kz = t.stays.set_index("country").loc["KZ"]
    assert kz["rule"] == "CN-KZ-2023-11-10"
    assert kz["regime"] == "visa_free"


def test_a_network_pickles_as_what_it_was_opened_from(net):
    cku = net.with_scenarios("cku-open")
    back = pickle.loads(pickle.dumps(cku))
    assert back.scenarios == ("cku-open",)
    a = cku.route("kashgar", "andijan", modes="rail").summary
    b = back.route("kashgar", "andijan", modes="rail").summary
    assert a == b


def test_errors_are_python_exceptions_with_the_cli_message(net):
    with pytest.raises(sr.UnknownPlace) as e:
        net.route("Xain", "Tashkent")
    assert "Xi'an (xian)" in str(e.value)
    out = cli("route", "Xain", "Tashkent")
    if out.returncode != 127:
        assert out.returncode == 2
        assert str(e.value) in out.stderr
    with pytest.raises(ValueError):
        net.route("xian", "tashkent", by="fast")
    with pytest.raises(sr.InvalidParameter) as e:
        net.trip(["xian", "almaty"], passport="XX")
    assert e.value.param == "passport"
    with pytest.raises(sr.InvalidParameter):
        net.route("xian", "tashkent", nonsense=1)
    with pytest.raises(sr.UnknownScenario):
        sr.Network.builtin(["no-such-scenario"])
    with pytest.raises(sr.InvalidNetwork):
        sr.Network.load(os.devnull)


def test_no_route_is_its_own_exception(net):
    with pytest.raises(sr.NoRoute):
        net.route("xian", "tashkent", modes="sea")


def test_an_assignment_is_a_frame_of_flows_like_the_cli(net):
    flows = net.assign(gap=1e-3)
    assert {"element", "direction", "mode", "tonnes_per_day", "delay_h"} <= set(flows.columns)
    assert flows.attrs["demand_t_per_day"] > 0
    out = cli("assign", "--gap", "1e-3", "--json", "--quiet")
    if out.returncode == 0:
        cli_flows = json.loads(out.stdout)
        assert cli_flows["demand_t_per_day"] == pytest.approx(flows.attrs["demand_t_per_day"])
        assert len(cli_flows["edges"]) == len(flows)


def test_a_demand_frame_is_assigned_and_a_bad_one_refused(net):
    demand = pd.DataFrame([{"origin": "xian", "destination": "tashkent", "commodity": "machinery",
                            "tonnes_per_year": 100000, "source": "test"}])
    flows = net.assign(demand, gap=1e-3)
    assert flows["tonnes_per_day"].max() > 0
    with pytest.raises(sr.InvalidParameter) as e:
        net.assign(demand.assign(origin="nowhere"))
    assert e.value.param == "demand"
    with pytest.raises(sr.InvalidParameter):
        net.assign(method="magic")


def test_shared_and_missing_capacities_are_columns_and_the_conical_function_is_stricter(net):
    bpr = net.assign(gap=1e-3)
    assert set(bpr["capacity_basis"]) <= {"both_directions", "per_direction", "missing"}
    yard = bpr[bpr["element"] == "dostyk-gauge"]
    # a yard is one capacity for both directions: both rows carry the yard's whole volume
    assert len(yard) == 2 and (yard["capacity_basis"] == "both_directions").all()
    assert yard["facility_tonnes_per_day"].iloc[0] == pytest.approx(yard["tonnes_per_day"].sum())
    assert (bpr.loc[bpr["capacity_basis"] == "missing", "capacity_t_per_day"].isna()).all()
    conical = net.assign(gap=1e-3, volume_delay="conical")
    # tonnes over capacity, summed over the facilities that have one (the yard with no
    # alternative, used by bulk whose time is worth little, stays over it either way)
    def over(df):
        known = df[df["capacity_basis"] != "missing"]
        per_facility = known.groupby("element").agg(
            volume=("facility_tonnes_per_day", "max"), capacity=("capacity_t_per_day", "max"))
        return (per_facility["volume"] - per_facility["capacity"]).clip(lower=0).sum()
    assert over(conical) < over(bpr)
    with pytest.raises(sr.InvalidParameter) as e:
        net.assign(volume_delay="davidson")
    assert e.value.param == "volume_delay"


def test_flows_come_as_a_geodataframe_when_geopandas_is_installed(net):
    geopandas = pytest.importorskip("geopandas")
    flows = net.assign(gap=1e-3)
    assert isinstance(flows, geopandas.GeoDataFrame)
    assert flows.crs.to_epsg() == 4326
    runs = flows[flows["kind"] == "link"]
    assert len(runs) > 50
    assert runs.geometry.notna().all() and (runs.geometry.geom_type == "LineString").all()


def test_segments_have_values_of_time_and_the_logit_puts_more_on_the_road(net):
    least = net.assign(gap=1e-3, choice="least-cost")
    segments = {s["name"]: s for s in least.attrs["segments"]}
    vehicles = segments["vehicles incl. new-energy vehicles"]
    assert vehicles["unit"] == "vehicles"
    assert vehicles["value_of_time_usd_per_t_h"] == pytest.approx(8000 * 0.008 / 24)
    assert segments["fertilizer"]["value_of_time_usd_per_t_h"] < 0.01
    logit = net.assign(gap=1e-3)  # the default choice
    road = lambda df: df.loc[df["mode"] == "road", "tonnes_per_day"].sum()
    assert road(logit) > road(least)
    with pytest.raises(sr.InvalidParameter) as e:
        net.assign(choice="logit", nest=1.5)
    assert e.value.param == "choice"
    merged = net.assign(gap=1e-3, segments="none")
    assert [s["name"] for s in merged.attrs["segments"]] == ["all"]
