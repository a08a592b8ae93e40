//! A [`Journey`] of the timetable router as an [`Itinerary`]: legs with their services, local
//! departure and arrival times, waits with their reasons, and the rides numbered by vehicle.

use crate::distribution::TimeFamily;
use crate::itinerary::DriverPause;
use crate::itinerary::{
    edge_leg, extend_geometry, summarize, Emissions, Itinerary, Leg, LegKind, LineString,
};
use crate::journey::{Carrier, Driving, Journey, JourneyStep, WaitReason, FREQUENCY_WAIT_QUANTILE};
use crate::search::RouteRequest;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use silkroute_graph::{Departures, Graph, Instant, NodeId, Timetable};
use silkroute_model::PauseKind;
use silkroute_model::{Network, PlaceId};

/// `t` as local time at `place`: `2026-12-07T09:00+08:00[Asia/Shanghai]`.
pub fn local_time(net: &Network, place: PlaceId, t: Instant) -> String {
    let zone_name = &net.place(place).timezone;
    let (Ok(ts), Ok(zone)) = (Timestamp::from_second(t), TimeZone::get(zone_name)) else {
        return format!("@{t}");
    };
    let zdt = ts.to_zoned_datetime(zone);
    format!("{}[{zone_name}]", zdt.strftime("%Y-%m-%dT%H:%M%:z"))
}

/// `t` at `place` as `Wed 09 Dec 12:00`.
fn short_local(net: &Network, place: PlaceId, t: Instant) -> String {
    let zone = TimeZone::get(&net.place(place).timezone).unwrap_or(TimeZone::UTC);
    match Timestamp::from_second(t) {
        Ok(ts) => ts
            .to_zoned_datetime(zone)
            .strftime("%a %d %b %H:%M")
            .to_string(),
        Err(_) => format!("@{t}"),
    }
}

/// The itinerary of `journey`: one leg per edge and per wait, with local times.
pub fn timed_itinerary(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    req: &RouteRequest,
    journey: &Journey,
) -> Itinerary {
    let cargo = &req.cargo;
    let mut legs: Vec<Leg> = Vec::new();
    let mut coordinates = Vec::new();
    let origin = net.place(req.from);
    coordinates.push([origin.lon, origin.lat]);
    let mut ride: Option<u32> = None;
    let mut last_carrier: Option<Carrier> = None;
    // Export and import clearances between two places of one customs territory are a customs
    // transit through another country.
    let destination = journey.steps.last().map(|step| match *step {
        JourneyStep::Edge { edge, .. } => graph.edges()[edge as usize].head,
        JourneyStep::Customs { node, .. } | JourneyStep::Wait { node, .. } => node,
        JourneyStep::Walk { to_node, .. } => to_node,
    });
    let within_territory = destination
        .is_some_and(|v| net.territory_of(req.from) == net.territory_of(graph.node(v).place));
    for step in &journey.steps {
        match *step {
            JourneyStep::Edge {
                edge,
                depart,
                arrive,
                carrier,
                driving,
            } => {
                let e = &graph.edges()[edge as usize];
                extend_geometry(&mut coordinates, net, graph, e);
                let mut leg = edge_leg(net, graph, e, cargo);
                let hours = (arrive - depart) as f64 / 3600.0;
                if let Some(d) = driving {
                    add_pauses(net, graph, &mut leg, e, d, depart, req.crew);
                } else if (hours - leg.time_h).abs() > 1e-6 && leg.time_h > 0.0 {
                    // A timetabled hop stretched to its stop times: the spread scales with it.
                    let f = hours / leg.time_h;
                    leg.time_h = hours;
                    leg.time_p90_h *= f;
                    leg.distribution = TimeFamily::fit(leg.time_h, leg.time_p90_h, false);
                }
                leg.departs = Some(local_time(net, graph.node(e.tail).place, depart));
                leg.arrives = Some(local_time(net, graph.node(e.head).place, arrive));
                match carrier {
                    Carrier::Service(p) => {
                        let s = &net.services[tt.patterns[p as usize].service as usize];
                        leg.service = Some(s.id.clone());
                        leg.service_name = Some(s.name.clone());
                        if leg.kind == LegKind::Run {
                            leg.description = format!("{} on {}", leg.description, s.name);
                            if tt.patterns[p as usize].times_estimated {
                                leg.description.push_str(
                                    " (stop times not published: estimated from the track's running times)",
                                );
                            }
                            let pattern = &tt.patterns[p as usize];
                            let hop = pattern.hops.iter().position(|h| h.contains(&edge));
                            let per_km = hop.and_then(|i| pattern.tariff_usd_per_feu_km[i]);
                            match (pattern.fares_from, s.tariff_usd_per_feu, per_km) {
                                (Some(b), _, Some(per_km)) => {
                                    leg.cost_usd = cargo.usd(pattern.edge_usd_per_feu(edge, e));
                                    let from = &net.place(pattern.stops[b].place).id;
                                    let mut sources: Vec<&str> = s
                                        .fares
                                        .iter()
                                        .filter(|f| f.from == pattern.stops[b].place)
                                        .map(|f| f.source.as_str())
                                        .collect();
                                    sources.dedup();
                                    leg.cost_source = Some(format!(
                                        "tariff table of {} from {from} (service_fares.csv; stops it does not price by the end-to-end tariff's distance share), {per_km:.3} USD/FEU-km on this stretch: {}",
                                        s.name,
                                        if sources.is_empty() { s.source.to_string() } else { sources.join(" ; ") }
                                    ));
                                }
                                (None, Some(tariff), Some(per_km)) => {
                                    leg.cost_usd = cargo.usd(pattern.edge_usd_per_feu(edge, e));
                                    leg.cost_source = Some(format!(
                                        "tariff of {} ({tariff} USD/FEU end to end) by distance share, {per_km:.3} USD/FEU-km: {}",
                                        s.name, s.source
                                    ));
                                }
                                _ => {}
                            }
                        } else {
                            leg.description = format!("{} (on board {})", leg.description, s.name);
                        }
                    }
                    Carrier::Charter => {
                        leg.service = Some("charter".into());
                        if leg.kind == LegKind::Run {
                            leg.description = format!("{} on a chartered train", leg.description);
                        }
                    }
                    Carrier::Truck => {
                        leg.service = Some("truck".into());
                    }
                    Carrier::Handling => {}
                }
                let changes_truck = match e.kind() {
                    silkroute_graph::EdgeKind::Border { border, .. } => {
                        net.borders[border as usize].vehicle_change.is_some()
                    }
                    _ => false,
                };
                if leg.kind == LegKind::Run {
                    let same = last_carrier == Some(carrier) && ride.is_some();
                    if !same {
                        ride = Some(ride.map_or(0, |r| r + 1));
                    }
                    leg.ride = ride;
                    last_carrier = Some(carrier);
                } else if !matches!(
                    carrier,
                    Carrier::Service(_) | Carrier::Charter | Carrier::Truck
                ) || changes_truck
                {
                    last_carrier = None;
                }
                legs.push(leg);
            }
            JourneyStep::Customs {
                node,
                procedure,
                row,
                from,
                to,
            } => {
                last_carrier = None;
                let nd = graph.node(node);
                let layer = (nd.layer.mode, nd.layer.gauge.map(|g| g.0));
                let mut leg = Leg::customs(
                    net,
                    nd.place,
                    layer,
                    procedure,
                    row,
                    cargo,
                    within_territory,
                );
                leg.departs = Some(local_time(net, nd.place, from));
                leg.arrives = Some(local_time(net, nd.place, to));
                legs.push(leg);
            }
            JourneyStep::Walk {
                footpath,
                to_node,
                depart,
                arrive,
                ..
            } => {
                last_carrier = None;
                let f = &net.footpaths[footpath as usize];
                let mut leg = Leg::walk(net, f, graph.node(to_node).layer.mode);
                leg.departs = Some(local_time(net, f.from, depart));
                leg.arrives = Some(local_time(net, f.to, arrive));
                let to = net.place(f.to);
                coordinates.push([to.lon, to.lat]);
                legs.push(leg);
            }
            JourneyStep::Wait {
                node,
                from,
                to,
                reason,
            } => {
                if !matches!(reason, WaitReason::Dwell(_)) {
                    last_carrier = None;
                }
                legs.push(wait_leg(net, graph, tt, node, (from, to), reason, cargo));
            }
        }
    }
    let mut summary = summarize(&legs);
    summary.ready = Some(local_time(net, req.from, journey.ready));
    summary.arrives = Some(local_time(net, req.to, journey.arrival));
    let emissions = Emissions::of(&legs, cargo.tonnes);
    coordinates.dedup();
    let objective_value = req
        .objective
        .weight(&journey.totals(net, graph, tt, &req.cargo));
    Itinerary {
        summary,
        legs,
        geometry: LineString {
            kind: "LineString",
            coordinates,
        },
        objective_value,
        emissions,
    }
}

/// The breaks and rests of a truck's crew on `leg` (edge `e`, setting off at `depart` with
/// the shift of `d`): listed, included in its times, and said in its description.
fn add_pauses(
    net: &Network,
    graph: &Graph,
    leg: &mut Leg,
    e: &silkroute_graph::Edge,
    d: Driving,
    depart: Instant,
    crew: u8,
) {
    let driving_s = (e.time_p50_h * 3600.0).round() as i64;
    let (pauses, took) = d.pauses(net, driving_s);
    if pauses.is_empty() {
        return;
    }
    let place = graph.node(e.tail).place;
    let paused_h = (took - driving_s) as f64 / 3600.0;
    leg.time_h += paused_h;
    leg.time_p90_h += paused_h;
    leg.distribution = TimeFamily::fit(leg.time_h, leg.time_p90_h, false);
    let mut clock = depart;
    let mut driven = 0;
    for p in &pauses {
        clock += p.after_driving_s - driven;
        driven = p.after_driving_s;
        leg.pauses.push(DriverPause {
            kind: p.kind,
            starts: local_time(net, place, clock),
            hours: p.duration_s as f64 / 3600.0,
            after_km: leg.distance_km * p.after_driving_s as f64 / driving_s.max(1) as f64,
        });
        clock += p.duration_s;
    }
    let count = |k: PauseKind| pauses.iter().filter(|p| p.kind == k).count();
    let rules = &net.driving_rules[d.rules as usize];
    let code = &net.place(place).country;
    let whose = net
        .countries
        .iter()
        .find(|k| &k.code == code)
        .map_or(code.clone(), |k| k.name_en.clone());
    leg.source
        .push_str(&format!(" ; drivers' hours ({code}): {}", rules.source));
    let mut said = Vec::new();
    for (k, h) in [
        (PauseKind::DailyRest, rules.daily_rest_h),
        (PauseKind::Break, rules.break_h),
    ] {
        let n = count(k);
        if n > 0 {
            said.push(format!(
                "{n} {}{} of {}",
                k.describe(),
                if n > 1 { "s" } else { "" },
                crate::itinerary::hours_text(h)
            ));
        }
    }
    leg.description.push_str(&format!(
        "; {:.1} h at the wheel and {} under the drivers' hours in {whose} ({crew} driver{})",
        driving_s as f64 / 3600.0,
        said.join(" and "),
        if crew > 1 { "s" } else { "" }
    ));
}

fn wait_leg(
    net: &Network,
    graph: &Graph,
    tt: &Timetable,
    node: NodeId,
    (from, to): (Instant, Instant),
    reason: WaitReason,
    cargo: &silkroute_model::Cargo,
) -> Leg {
    let nd = graph.node(node);
    let place = net.place(nd.place);
    let hours = (to - from) as f64 / 3600.0;
    let mode = nd.layer.mode;
    let service_of = |p: u32| &net.services[tt.patterns[p as usize].service as usize];
    let defaults = net.mode_defaults(mode);
    let mut p90 = hours;
    let mut distribution = TimeFamily::Fixed { hours };
    let (service, description, source) = match reason {
        WaitReason::Connection(m) => (
            None,
            format!(
                "minimum connection time for {m}: handling and terminal cut-off before boarding"
            ),
            defaults.map(|d| d.source.to_string()).unwrap_or_default(),
        ),
        WaitReason::Timetable(p) => {
            let s = service_of(p);
            (
                Some(s.id.clone()),
                format!(
                    "wait for the next departure of {} ({} local)",
                    s.name,
                    short_local(net, nd.place, to)
                ),
                s.source.to_string(),
            )
        }
        WaitReason::Frequency(p) => {
            let s = service_of(p);
            if let Departures::Frequency { headway_s, wait } = tt.patterns[p as usize].departures {
                let headway_h = headway_s as f64 / 3600.0;
                p90 = wait.quantile_h(headway_h, 0.9);
                distribution = match wait {
                    silkroute_model::WaitModel::Uniform => TimeFamily::Uniform { max_h: headway_h },
                    silkroute_model::WaitModel::Exponential => {
                        TimeFamily::Exponential { mean_h: headway_h }
                    }
                };
            }
            (
                Some(s.id.clone()),
                format!(
                    "wait for {}: departure times unknown, {:.2} a week; the {} wait ({} model, quantile {FREQUENCY_WAIT_QUANTILE})",
                    s.name,
                    s.departures_per_week(net.reference_date),
                    "median",
                    match tt.patterns[p as usize].departures {
                        Departures::Frequency { wait, .. } => wait.as_str(),
                        Departures::Timetable { .. } => "timetable",
                    }
                ),
                s.source.to_string(),
            )
        }
        WaitReason::TruckBooking => {
            if let Some(d) = defaults {
                p90 = d.default_wait_p90_h;
                distribution = TimeFamily::fit(hours, p90, false);
            }
            (
                Some("truck".into()),
                "book a truck (lead time; trucks run on demand)".to_string(),
                defaults.map(|d| d.source.to_string()).unwrap_or_default(),
            )
        }
        WaitReason::CharterFormation => {
            if let Some(d) = defaults {
                p90 = d.default_wait_p90_h;
                distribution = TimeFamily::fit(hours, p90, false);
            }
            (
                Some("charter".into()),
                if cargo.feu >= silkroute_model::WHOLE_TRAIN_FEU {
                    format!(
                        "form a chartered train: the cargo fills a train (at least {} FEU)",
                        silkroute_model::WHOLE_TRAIN_FEU
                    )
                } else {
                    "form a chartered train: no service covers this pair".to_string()
                },
                defaults.map(|d| d.source.to_string()).unwrap_or_default(),
            )
        }
        WaitReason::BorderClosed(b) => {
            let b = &net.borders[b as usize];
            (
                None,
                format!(
                    "wait for the border post to open ({})",
                    b.opening_hours
                        .as_ref()
                        .map_or_else(String::new, |h| h.describe())
                ),
                b.source.to_string(),
            )
        }
        WaitReason::Change(fi) => {
            let f = &net.footpaths[fi as usize];
            (
                None,
                format!("minimum change time at {}", place.name_en),
                f.source.to_string(),
            )
        }
        WaitReason::Dwell(p) => {
            let s = service_of(p);
            (
                Some(s.id.clone()),
                format!("scheduled stop of {} (on board)", s.name),
                s.source.to_string(),
            )
        }
    };
    let mut leg = Leg::wait(
        place.id.clone(),
        mode,
        nd.layer.gauge.map(|g| g.0),
        (hours, p90.max(hours)),
        distribution,
        description,
        source,
    );
    leg.service_name = service
        .as_ref()
        .and_then(|id| net.services.iter().find(|s| &s.id == id))
        .map(|s| s.name.clone());
    leg.service = service;
    leg.departs = Some(local_time(net, nd.place, from));
    leg.arrives = Some(local_time(net, nd.place, to));
    leg
}
