//! The Python extension `silkroute._silkroute` (pyo3): an engine opened on the built-in network,
//! a feed folder or a graph file, with scenarios, answering the queries of the HTTP API with the
//! same parameters and the same answers (the parameters come in and the answers go out as JSON
//! text; the Python package `silkroute` turns them into dicts and pandas frames). The GIL is
//! released while an engine opens or answers.
//!
//! Errors are raised as `EngineError(code, message, param)`, with the codes and messages of the
//! HTTP API (`invalid_parameter`, `unknown_place`, `no_route`, …); the Python package maps them
//! onto its `silkroute.Error` hierarchy.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use silkroute_feed::{apply_in_order, builtin, load_dir, resolve_scenario, ScenarioError};
use silkroute_graph::{is_graph_path, read_graph_file};
use silkroute_server::query::{self, MatrixParams, PlacesParams, RouteParams, TripParams};
use silkroute_server::{AppError, AppState};
use std::path::Path;
use std::sync::Arc;

pyo3::create_exception!(
    _silkroute,
    EngineError,
    PyException,
    "An error of the engine: args are (code, message, param)."
);

/// A failure as the Python side sees it: a code, a message, the parameter at fault.
struct Failure {
    code: String,
    message: String,
    param: Option<String>,
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        // The message of an unknown place already lists its suggestions.
        Failure {
            code: e.code.to_string(),
            message: e.message,
            param: e.param,
        }
    }
}

impl Failure {
    fn new(code: &str, message: impl Into<String>, param: Option<&str>) -> Failure {
        Failure {
            code: code.into(),
            message: message.into(),
            param: param.map(str::to_string),
        }
    }

    fn into_py(self) -> PyErr {
        EngineError::new_err((self.code, self.message, self.param))
    }
}

/// Parameters from the JSON text the Python side sends (unknown keys are refused, as by the
/// HTTP API).
fn params<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Failure> {
    serde_json::from_str(json).map_err(|e| Failure::new("invalid_parameter", e.to_string(), None))
}

fn answer<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::new("internal", e.to_string(), None))
}

/// Opens the network of `path` (a feed folder or a graph file; none: the built-in network)
/// with `scenarios` (built-in names, TOML files or TOML text) applied in order.
fn open(path: Option<&str>, scenarios: &[String]) -> Result<AppState, Failure> {
    let invalid = |e: String| Failure::new("invalid_network", e, Some("path"));
    let net = match path.map(Path::new) {
        None => builtin(),
        Some(file) if is_graph_path(file) => {
            let c = read_graph_file(file).map_err(|e| invalid(e.to_string()))?;
            if scenarios.is_empty() {
                return AppState::from_compiled(c).map_err(invalid);
            }
            // A re-weighting of the file's customizable hierarchy where the scenarios allow.
            let state = AppState::from_compiled_lazy(c).map_err(invalid)?;
            return derived(&state, scenarios);
        }
        Some(dir) => load_dir(dir).map_err(|e| invalid(e.to_string()))?.0,
    };
    let (net, names) = if scenarios.is_empty() {
        (net, Vec::new())
    } else {
        with_scenarios(&net, scenarios)?
    };
    AppState::lazy(net, names).map_err(|e| Failure::new("invalid_network", e, Some("path")))
}

/// `state`'s baseline with `scenarios` applied ([`AppState::derived`]).
fn derived(state: &AppState, scenarios: &[String]) -> Result<AppState, Failure> {
    let (net, names) = with_scenarios(state.baseline().network(), scenarios)?;
    state
        .derived(net, names)
        .map_err(|e| Failure::new("invalid_network", e, Some("scenarios")))
}

/// `net` with `scenarios` (built-in names, TOML files or TOML text) applied in order, and
/// their names.
fn with_scenarios(
    net: &silkroute_model::Network,
    scenarios: &[String],
) -> Result<(silkroute_model::Network, Vec<String>), Failure> {
    let failure = |e: ScenarioError| {
        let code = match e {
            ScenarioError::Unknown { .. } => "unknown_scenario",
            _ => "invalid_scenario",
        };
        Failure::new(code, e.to_string(), Some("scenarios"))
    };
    let resolved = scenarios
        .iter()
        .map(|arg| resolve_scenario(arg))
        .collect::<Result<Vec<_>, _>>()
        .map_err(failure)?;
    let edited = apply_in_order(net, &resolved).map_err(failure)?;
    Ok((edited, resolved.into_iter().map(|s| s.name).collect()))
}

/// Parameters of an assignment (`silkroute assign` / `critical`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignParams {
    /// Demand CSV text (docs/demand.md); none: the built-in demand (built-in network only).
    demand_csv: Option<String>,
    /// `aon`, `fw`, `cfw`, `bfw` or `gp` (default).
    method: Option<String>,
    /// Stop at this relative gap (default 1e-4).
    gap: Option<f64>,
    /// Stop after this many iterations (default 2000).
    max_iterations: Option<usize>,
    /// USD per tonne-hour (default 1).
    value_of_time: Option<f64>,
    /// `bpr` (default) or `conical` (the strict-capacity option).
    volume_delay: Option<String>,
    /// `logit` (default) or `least-cost`.
    choice: Option<String>,
    /// The logit's weight of log cost (default 3.4).
    dispersion: Option<f64>,
    /// The logit's nest coefficient (default 0.5).
    nest: Option<f64>,
    /// `commodity` (default) or `none`.
    segments: Option<String>,
    /// `follow-flow` (default) or `published`.
    frequencies: Option<String>,
    /// Rank the elements by what their closure costs (`silkroute critical`).
    critical: Option<bool>,
}

/// An assignment of `p` on `net`: the flows, or with `critical` the ranking of elements.
fn assign_answer(
    net: &silkroute_model::Network,
    builtin_network: bool,
    p: AssignParams,
) -> Result<String, Failure> {
    use silkroute_flows::{
        assign, critical, AssignResponse, AssignmentConfig, CriticalResponse, Demand, Method,
    };
    let bad = |param: &str, m: String| Failure::new("invalid_parameter", m, Some(param));
    let rows = match &p.demand_csv {
        Some(text) => {
            let mut report = silkroute_feed::Report::default();
            let rows = silkroute_feed::parse_demand("demand", text.as_bytes(), net, &mut report);
            if report.has_errors() {
                return Err(bad("demand", format!("the demand is not valid:\n{report}")));
            }
            rows
        }
        None if builtin_network => silkroute_feed::builtin_demand(net)
            .map_err(|r| Failure::new("internal", r.to_string(), Some("demand")))?,
        None => {
            return Err(bad(
                "demand",
                "give a demand (the built-in demand refers to the built-in network)".into(),
            ))
        }
    };
    let method: Method = p
        .method
        .as_deref()
        .unwrap_or(Method::DEFAULT_NAME)
        .parse()
        .map_err(|m| bad("method", m))?;
    let gap = p.gap.unwrap_or(1e-4);
    if !(gap > 0.0 && gap < 1.0) {
        return Err(bad("gap", format!("{gap} is not a fraction in (0, 1)")));
    }
    let max_iterations = p.max_iterations.unwrap_or(2000).max(1);
    let value_of_time = p.value_of_time.unwrap_or(1.0);
    if !(value_of_time > 0.0 && value_of_time.is_finite()) {
        return Err(bad(
            "value_of_time",
            format!("{value_of_time} is not a positive number"),
        ));
    }
    let graph = silkroute_graph::compile(net)
        .map_err(|e| Failure::new("invalid_network", e.to_string(), None))?;
    let mut config =
        AssignmentConfig::for_network(net, &graph, method, gap, max_iterations, value_of_time)
            .map_err(|e| Failure::new("invalid_network", e.to_string(), None))?;
    config.cost.volume_delay = p
        .volume_delay
        .as_deref()
        .unwrap_or("bpr")
        .parse()
        .map_err(|m| bad("volume_delay", m))?;
    config.choice = silkroute_flows::Choice::parse(
        p.choice
            .as_deref()
            .unwrap_or(silkroute_flows::Choice::DEFAULT_NAME),
        p.dispersion,
        p.nest,
    )
    .map_err(|m| bad("choice", m))?;
    config.frequencies = p
        .frequencies
        .as_deref()
        .unwrap_or("follow-flow")
        .parse()
        .map_err(|m| bad("frequencies", m))?;
    let demand = Demand::from_rows(&rows, p.segments.as_deref().unwrap_or("commodity"))
        .map_err(|m| bad("segments", m))?;
    let started = std::time::Instant::now();
    let result = assign(net, &graph, &demand, &config, |_, _| {});
    let seconds = started.elapsed().as_secs_f64();
    if p.critical.unwrap_or(false) {
        let elements = critical(net, &graph, &demand, &config, &result);
        return answer(&CriticalResponse {
            scenarios: Vec::new(),
            elements,
        });
    }
    let edges = result.edge_flows(net, &graph, &config.cost);
    answer(&AssignResponse::of(
        Vec::new(),
        &demand,
        &result,
        seconds,
        edges,
    ))
}

/// A network ready to query: what `silkroute serve` holds, without the server.
#[pyclass(module = "silkroute._silkroute", frozen)]
struct Engine {
    state: Arc<AppState>,
    /// Opened on the built-in network (whose demand is built in).
    builtin_network: bool,
}

impl Engine {
    /// Runs `f` without the GIL and turns its failure into a Python exception.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&AppState) -> Result<T, Failure> + Send,
    ) -> PyResult<T> {
        let state = self.state.clone();
        py.detach(move || f(&state)).map_err(Failure::into_py)
    }
}

#[pymethods]
impl Engine {
    /// Opens the built-in network (`path` None), a feed folder or a graph file, with the
    /// scenarios applied in order.
    #[new]
    #[pyo3(signature = (path=None, scenarios=Vec::new()))]
    fn new(py: Python<'_>, path: Option<String>, scenarios: Vec<String>) -> PyResult<Engine> {
        let builtin_network = path.is_none();
        let state = py
            .detach(|| open(path.as_deref(), &scenarios))
            .map_err(Failure::into_py)?;
        Ok(Engine {
            state: Arc::new(state),
            builtin_network,
        })
    }

    /// This engine's network with more scenarios applied (no file is read again).
    fn derive(&self, py: Python<'_>, scenarios: Vec<String>) -> PyResult<Engine> {
        let state = self.run(py, move |state| derived(state, &scenarios))?;
        Ok(Engine {
            state: Arc::new(state),
            builtin_network: self.builtin_network,
        })
    }

    /// An assignment of trade flows (`silkroute assign`), or with `critical` the ranking of
    /// elements by what their closure costs (`silkroute critical`); the answer as JSON.
    fn assign(&self, py: Python<'_>, params_json: &str) -> PyResult<String> {
        let p: AssignParams = params(params_json).map_err(Failure::into_py)?;
        let builtin_network = self.builtin_network;
        self.run(py, move |state| {
            assign_answer(state.baseline().network(), builtin_network, p)
        })
    }

    /// `/v1/route` with its parameters as a JSON object; the answer as JSON.
    fn route(&self, py: Python<'_>, params_json: &str) -> PyResult<String> {
        let p: RouteParams = params(params_json).map_err(Failure::into_py)?;
        self.run(py, move |state| {
            let r = query::router(state, p.scenario.as_ref())?;
            let q = query::route_query(&r, &p)?;
            let a = r.route(&q).map_err(AppError::from)?;
            answer(&a)
        })
    }

    /// `/v1/matrix` (no cell limit); the answer as JSON.
    fn matrix(&self, py: Python<'_>, params_json: &str) -> PyResult<String> {
        let p: MatrixParams = params(params_json).map_err(Failure::into_py)?;
        self.run(py, move |state| {
            let r = query::router(state, p.scenario.as_ref())?;
            let req = query::matrix_request(&r, &p, usize::MAX)?;
            answer(&r.matrix(&req))
        })
    }

    /// `/v1/trip`; the answer as JSON.
    fn trip(&self, py: Python<'_>, params_json: &str) -> PyResult<String> {
        let p: TripParams = params(params_json).map_err(Failure::into_py)?;
        self.run(py, move |state| {
            let r = state.baseline();
            let req = query::trip_request(&r, &p)?;
            let a = r.trip(&req).map_err(AppError::from)?;
            answer(&a)
        })
    }

    /// `/v1/places`; the answer as JSON.
    fn places(&self, py: Python<'_>, params_json: &str) -> PyResult<String> {
        let p: PlacesParams = params(params_json).map_err(Failure::into_py)?;
        self.run(py, move |state| {
            let a = state
                .baseline()
                .places(&query::places_request(&p))
                .map_err(AppError::from)?;
            answer(&a)
        })
    }

    /// The built-in scenarios that apply to this network (`/v1/scenarios`), as JSON.
    fn scenarios(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |state| {
            answer(&silkroute_server::scenarios_response(state.scenarios()))
        })
    }

    /// The network as a GeoJSON FeatureCollection (`/v1/network.geojson`), as JSON.
    fn network_geojson(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |state| {
            answer(&silkroute_feed::network_geojson(state.baseline().network()))
        })
    }

    /// The id of the place `name` (by id or any name, as the CLI finds it).
    fn find(&self, name: &str) -> PyResult<String> {
        let r = self.state.baseline();
        let p = query::place(&r, "place", Some(&name.to_string()))
            .map_err(|e| Failure::from(e).into_py())?;
        Ok(r.network().place(p).id.clone())
    }

    /// Ids of the network's links and border crossings that a scenario can close: `(kind,
    /// id)` with kind `link` or `border`.
    fn elements(&self) -> Vec<(String, String)> {
        let r = self.state.baseline();
        let net = r.network();
        net.links
            .iter()
            .map(|l| ("link".to_string(), l.id.clone()))
            .chain(
                net.borders
                    .iter()
                    .map(|b| ("border".to_string(), b.id.clone())),
            )
            .collect()
    }
}

/// The extension module.
#[pymodule]
fn _silkroute(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add("EngineError", m.py().get_type::<EngineError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
