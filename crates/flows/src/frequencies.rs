//! Frequencies that follow flow: a service that carries more than its published departures can
//! runs more of them, and cargo waits for the headway that follows.
//!
//! After an equilibrium on services, each cargo service's load is the tonnes per day on its
//! busiest edge; with its tonnes per departure (capacity_per_departure FEU × 20 t, or for a
//! train without one a whole train, 47 FEU: `WHOLE_TRAIN_FEU`) that gives the departures a week it needs. Where that
//! is more than it publishes, the service runs the needed number at times not known in advance —
//! a frequency with a uniform wait (an irregular sailing keeps its exponential wait) — and the
//! assignment is run again with the new timetable, until no service's departures change by more
//! than 5 % (at most [`MAX_ROUNDS`] assignments).

use serde::Serialize;
use silkroute_graph::Timetable;
use silkroute_model::{
    Mode, Network, Schedule, Service, Status, WaitModel, TONNES_PER_FEU, WHOLE_TRAIN_FEU,
};
use std::collections::BTreeMap;

/// Whether frequencies are the published ones or follow the assigned flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Frequencies {
    /// As published: the timetable is not changed by the flow.
    Published,
    /// More departures where the flow needs them (path-based methods only: they know which
    /// service every tonne rides).
    #[default]
    FollowFlow,
}

impl Frequencies {
    /// The names the CLI, HTTP and Python take.
    pub const NAMES: [&'static str; 2] = ["follow-flow", "published"];
}

impl std::str::FromStr for Frequencies {
    type Err = String;
    fn from_str(s: &str) -> Result<Frequencies, String> {
        match s.trim() {
            "follow-flow" => Ok(Frequencies::FollowFlow),
            "published" => Ok(Frequencies::Published),
            other => Err(format!(
                "`{other}` is not a frequency rule (follow-flow or published)"
            )),
        }
    }
}

/// Most assignments run with frequencies following flow.
pub const MAX_ROUNDS: usize = 6;

/// A cargo service's load and departures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceFrequency {
    /// Service id.
    pub service: String,
    /// Service name.
    pub name: String,
    /// Mode.
    pub mode: Mode,
    /// Tonnes per day on its busiest edge.
    pub tonnes_per_day: f64,
    /// Tonnes one departure carries, when known (capacity_per_departure × 20 t, or 47 FEU ×
    /// 20 t for a train without one).
    pub tonnes_per_departure: Option<f64>,
    /// Departures per week in the reference week, as published.
    pub published_departures_per_week: f64,
    /// Departures per week the load needs.
    pub needed_departures_per_week: Option<f64>,
    /// Departures per week in the assignment's last round: the published ones, or more where
    /// the load needed them.
    pub departures_per_week: f64,
}

/// The cargo services' loads in an equilibrium on `now` (the network with the frequencies the
/// equilibrium ran with; `base` the published one) from the tonnes ridden per (pattern, edge),
/// and, when `follow`, the network to run next if some service needs other departures than it
/// ran with.
pub(crate) fn follow_flow(
    base: &Network,
    now: &Network,
    tt: &Timetable,
    rides: &BTreeMap<(u32, u32), f64>,
    follow: bool,
) -> (Vec<ServiceFrequency>, Option<Network>) {
    // tonnes per (service, edge), then the busiest edge per service
    let mut per_edge: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for (&(p, e), &t) in rides {
        *per_edge
            .entry((tt.patterns[p as usize].service, e))
            .or_insert(0.0) += t;
    }
    let mut busiest: BTreeMap<u32, f64> = BTreeMap::new();
    for ((s, _), t) in per_edge {
        let b = busiest.entry(s).or_insert(0.0);
        *b = b.max(t);
    }
    let mut out = Vec::new();
    let mut next: Option<Network> = None;
    for (i, service) in base.services.iter().enumerate() {
        if !service.carries.cargo() || service.status != Status::Open {
            continue;
        }
        let published = service.departures_per_week(base.reference_date);
        let running = now.services[i].departures_per_week(now.reference_date);
        let tonnes = busiest.get(&(i as u32)).copied().unwrap_or(0.0);
        let per_departure = match (service.capacity_per_departure, service.mode) {
            (Some(feu), _) if feu > 0.0 => Some(feu * TONNES_PER_FEU),
            (_, Mode::Rail) => Some(WHOLE_TRAIN_FEU * TONNES_PER_FEU),
            _ => None,
        };
        let needed = per_departure.map(|t| tonnes * 7.0 / t);
        let want = match needed {
            Some(n) if published > 0.0 => published.max(n),
            _ => published,
        };
        if follow && (want - running).abs() > 0.05 * running.max(1e-9) {
            let n = next.get_or_insert_with(|| now.clone());
            n.services[i].schedule = schedule_at(service, published, want);
        }
        if tonnes > 0.0 || want > published {
            out.push(ServiceFrequency {
                service: service.id.clone(),
                name: service.name.clone(),
                mode: service.mode,
                tonnes_per_day: tonnes,
                tonnes_per_departure: per_departure,
                published_departures_per_week: published,
                needed_departures_per_week: needed,
                departures_per_week: running,
            });
        }
    }
    out.sort_by(|a, b| {
        let over = |f: &ServiceFrequency| {
            f.departures_per_week / f.published_departures_per_week.max(1e-9)
        };
        over(b)
            .total_cmp(&over(a))
            .then(b.tonnes_per_day.total_cmp(&a.tonnes_per_day))
    });
    (out, next)
}

/// The schedule of `service` (published with `published` departures a week) running `per_week`:
/// as published when that is no more, else a frequency at times not published, with a uniform
/// wait (an irregular sailing keeps its exponential one).
fn schedule_at(service: &Service, published: f64, per_week: f64) -> Schedule {
    if per_week > published {
        Schedule::Frequency {
            per_week,
            wait: match &service.schedule {
                Schedule::Frequency {
                    wait: WaitModel::Exponential,
                    ..
                } => WaitModel::Exponential,
                _ => WaitModel::Uniform,
            },
        }
    } else {
        service.schedule.clone()
    }
}

/// `net` with its services running the departures of `services` (an assignment's
/// [`ServiceFrequency`] rows): the network as the assignment ran it.
pub fn network_as_run(net: &Network, services: &[ServiceFrequency]) -> Network {
    let mut out = net.clone();
    for f in services {
        if let Some(s) = out.services.iter_mut().find(|s| s.id == f.service) {
            s.schedule = schedule_at(s, f.published_departures_per_week, f.departures_per_week);
        }
    }
    out
}
