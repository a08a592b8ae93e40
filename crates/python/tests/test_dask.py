"""Sweeps on a Dask LocalCluster of two worker processes equal the serial answers row by row."""

import pandas as pd
import pytest

import silkroute as sr

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from silkroute.dask import (  # noqa: E402
    Scenario,
    critical_scenarios,
    monte_carlo_scenarios,
    serial,
    sweep,
)

OD = [("xian", "tashkent"), ("urumqi", "almaty"), ("kashgar", "andijan"), ("chongqing", "almaty")]
ELEMENTS = [("border", "khorgos-altynkol"), ("border", "alashankou-dostyk"),
            ("link", "jinghe-yining-rail"), ("border", "irkeshtam-road")]


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def sort(df: pd.DataFrame) -> pd.DataFrame:
    # Dask may hold the text columns as Arrow strings: compare values, as Python strings.
    df = df.astype({"scenario": object, "from": object, "to": object})
    return df.sort_values(["scenario", "from", "to"]).reset_index(drop=True)


def test_a_critical_sweep_on_two_worker_processes_equals_the_serial_answer(client):
    net = sr.Network.builtin()
    known = {e for e in net.elements()}
    assert set(ELEMENTS) <= known
    scenarios = critical_scenarios(None, ELEMENTS)
    assert len(scenarios) == 1 + len(ELEMENTS)
    distributed_rows = sort(sweep(None, scenarios, OD, modes="rail", partition_size=2).compute())
    serial_rows = sort(serial(None, scenarios, OD, modes="rail"))
    pd.testing.assert_frame_equal(distributed_rows, serial_rows)
    # Closing Khorgos–Altynkol lengthens or keeps Urumqi → Almaty by rail, never shortens it.
    base = serial_rows[(serial_rows.scenario == "baseline") & (serial_rows["from"] == "urumqi")]
    closed = serial_rows[(serial_rows.scenario == "closed: khorgos-altynkol") & (serial_rows["from"] == "urumqi")]
    assert closed["time_sum_p50_h"].iloc[0] >= base["time_sum_p50_h"].iloc[0]
    # The workers answered: each task ran in a worker process, not here.
    assert len(client.scheduler_info()["workers"]) == 2


def test_monte_carlo_draws_are_seeded():
    a = [s.name for s in monte_carlo_scenarios(None, 2, 5, seed=7, elements=ELEMENTS)]
    b = [s.name for s in monte_carlo_scenarios(None, 2, 5, seed=7, elements=ELEMENTS)]
    assert a == b and len(a) == 5


def test_a_scenario_that_closes_an_unknown_element_is_refused():
    with pytest.raises(sr.UnknownScenario):
        serial(None, [Scenario.closing([("link", "no-such-link")])], OD[:1])
