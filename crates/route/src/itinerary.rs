//! An itinerary: the legs of a route with their numbers and sources, and the totals.

use crate::distribution::{simulate, TimeComponent, TimeDistribution, TimeFamily};
use crate::search::{RouteRequest, Step};
use serde::Serialize;
use silkroute_graph::{Edge, EdgeKind, Graph, Node, NodeId, Wait, WaitBasis};
use silkroute_model::{
    BorderCrossing, Cargo, Link, Mode, Network, PlaceId, Procedure, Track, Transfer,
};

/// What happens on a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LegKind {
    /// Moving along a link.
    Run,
    /// Clearing a border crossing.
    Border,
    /// Changing mode or gauge.
    Transfer,
    /// Waiting for a departure.
    Wait,
    /// Customs: export at the origin, import at the destination, exit or entry at a port or
    /// airport.
    Customs,
    /// A traveller walking from one station to another (footpaths.csv).
    Walk,
}

/// One leg of an itinerary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leg {
    /// Place id where the leg starts.
    pub from: String,
    /// Place id where the leg ends (the same place for transfers and waits).
    pub to: String,
    /// Mode (for a transfer, the mode cargo leaves on).
    pub mode: Mode,
    /// What happens.
    pub kind: LegKind,
    /// True for a transfer that changes the rail gauge.
    pub gauge_change: bool,
    /// Gauge in mm for rail legs (for a gauge change, the gauge after it).
    pub gauge_mm: Option<u16>,
    /// Distance, km.
    pub distance_km: f64,
    /// Typical time, hours.
    pub time_h: f64,
    /// Bad-case time, hours.
    pub time_p90_h: f64,
    /// The distribution fitted to the leg's p50 and p90 (see docs/methodology.md).
    pub distribution: TimeFamily,
    /// For a run: the ride it belongs to (numbered from 0 in the itinerary). The runs of one
    /// ride share one running-time delay: draw one standard normal `z` per ride and take
    /// `exp(mu + sigma z)` for each of its legs. Every other leg is drawn on its own.
    pub ride: Option<u32>,
    /// Money for the cargo, USD.
    pub cost_usd: f64,
    /// Well-to-wheel emissions for the cargo, kg CO2e.
    pub co2e_kg: f64,
    /// Tank-to-wheel emissions for the cargo, kg CO2e.
    pub ttw_co2e_kg: f64,
    /// Id of the link, border crossing or transfer (empty for waits).
    pub element: String,
    /// What happens, in words.
    pub description: String,
    /// Source of the element's data (time, distance).
    pub source: String,
    /// Source of the money figure, when it comes from a parameter table or a service tariff.
    pub cost_source: Option<String>,
    /// Emission intensity used, g CO2e per tonne-km (well-to-wheel).
    pub intensity_wtw_g_per_tkm: Option<f64>,
    /// Emission intensity used, g CO2e per tonne-km (tank-to-wheel).
    pub intensity_ttw_g_per_tkm: Option<f64>,
    /// Source of the emission figure.
    pub emission_source: Option<String>,
    /// The service that carries the cargo on this leg (its id), or what does when none does
    /// (`truck`, `charter`); for a wait, the service waited for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The name of that service (`Xi'an–Almaty container train`), when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// When the leg starts, local time of its first place
    /// (`2026-12-07T09:00+08:00[Asia/Shanghai]`); on timetabled itineraries only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departs: Option<String>,
    /// When the leg ends, local time of its last place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrives: Option<String>,
    /// For a truck's run: the breaks and daily rests its crew takes on the way, as the
    /// drivers' hours of the country require (included in `time_h`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<DriverPause>,
}

/// A break or daily rest a truck's crew takes during a leg.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DriverPause {
    /// Break or daily rest.
    pub kind: silkroute_model::PauseKind,
    /// When it starts, local time of the leg's first place.
    pub starts: String,
    /// How long the truck stands, hours.
    pub hours: f64,
    /// Distance driven on the leg before it, km.
    pub after_km: f64,
}

impl Leg {
    /// A customs leg at `place`: `procedure` by `mode` with the figures of clearances.csv row
    /// `row` (none: the feed has no figures, the leg costs nothing and says so). With
    /// `within_territory`, the cargo goes from one part of its customs territory to another
    /// through a country outside it: its goods are not exported and imported but carried under
    /// customs transit, declared at the start and completed at the end (the Eurasian union's
    /// Customs Code, art. 142 §2.2), timed with the export and import figures for want of
    /// transit ones.
    pub(crate) fn customs(
        net: &Network,
        place: PlaceId,
        (mode, gauge_mm): (Mode, Option<u16>),
        procedure: Procedure,
        row: Option<u32>,
        cargo: &Cargo,
        within_territory: bool,
    ) -> Leg {
        let pl = net.place(place);
        let c = row.map(|r| &net.clearances[r as usize]);
        let (p50, p90) = c.map_or((0.0, 0.0), |c| (c.p50_h, c.p90_h));
        let at = match (procedure, mode) {
            (Procedure::Exit | Procedure::Entry, Mode::Air) => " airport",
            (Procedure::Exit | Procedure::Entry, Mode::Sea) => " port",
            _ => "",
        };
        let what = match procedure {
            Procedure::Export if within_territory => format!(
                "customs transit declared at {} ({}): goods for another part of their customs \
                 territory through a country outside it, transit declaration and seal (timed as \
                 an export clearance)",
                pl.name_en, pl.country
            ),
            Procedure::Import if within_territory => format!(
                "customs transit completed at {} ({}): seals checked, goods released without \
                 duties (timed as an import clearance)",
                pl.name_en, pl.country
            ),
            Procedure::Export => format!(
                "export clearance at {}{at} ({}): declaration, documents, seal",
                pl.name_en, pl.country
            ),
            Procedure::Import => format!(
                "import clearance at {}{at} ({}): declaration, duties assessed, release",
                pl.name_en, pl.country
            ),
            Procedure::Exit => format!(
                "leave {} at {}{at}: exit formalities, screening",
                pl.country, pl.name_en
            ),
            Procedure::Entry => format!(
                "enter {} at {}{at}: entry formalities (import or transit declaration)",
                pl.country, pl.name_en
            ),
        };
        let mut leg = Leg::wait(
            pl.id.clone(),
            mode,
            gauge_mm,
            (p50, p90),
            TimeFamily::fit(p50, p90, false),
            match c {
                Some(_) => what,
                None => format!(
                    "{what}; no figures in the feed (clearances.csv): counted as 0 h and 0 USD"
                ),
            },
            c.map(|c| c.source.to_string()).unwrap_or_default(),
        );
        leg.kind = LegKind::Customs;
        leg.element = c.map_or_else(|| "none".to_string(), |c| c.id.clone());
        leg.cost_usd = cargo.usd(c.map_or(0.0, |c| c.fee_usd));
        leg.cost_source = c.map(|c| format!("customs fees: {}", c.source));
        leg
    }

    /// A wait at place `place` (id) on `mode`: typical and bad-case hours, their
    /// distribution, what is waited for and where the figure comes from.
    pub(crate) fn wait(
        place: String,
        mode: Mode,
        gauge_mm: Option<u16>,
        (time_h, time_p90_h): (f64, f64),
        distribution: TimeFamily,
        description: String,
        source: String,
    ) -> Leg {
        Leg {
            from: place.clone(),
            to: place,
            mode,
            kind: LegKind::Wait,
            gauge_change: false,
            gauge_mm,
            distance_km: 0.0,
            time_h,
            time_p90_h,
            distribution,
            ride: None,
            cost_usd: 0.0,
            co2e_kg: 0.0,
            ttw_co2e_kg: 0.0,
            element: String::new(),
            description,
            source,
            cost_source: None,
            intensity_wtw_g_per_tkm: None,
            intensity_ttw_g_per_tkm: None,
            emission_source: None,
            service: None,
            service_name: None,
            departs: None,
            pauses: Vec::new(),
            arrives: None,
        }
    }

    /// A traveller's walk `f` (footpaths.csv) from `from` to `to`; its mode is the mode of the
    /// node it reaches.
    pub(crate) fn walk(net: &Network, f: &silkroute_model::Footpath, mode: Mode) -> Leg {
        let (a, b) = (net.place(f.from), net.place(f.to));
        let hours = f.minutes / 60.0;
        let mut leg = Leg::wait(
            a.id.clone(),
            mode,
            None,
            (hours, hours),
            TimeFamily::Fixed { hours },
            format!(
                "walk from {} to {} ({:.0} min)",
                a.name_en, b.name_en, f.minutes
            ),
            f.source.to_string(),
        );
        leg.to = b.id.clone();
        leg.kind = LegKind::Walk;
        leg
    }
}

/// Total time: quantiles of the total and the sums of the elements' own quantiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeRange {
    /// Median hours of the total (`method` says how it was computed).
    pub p50: f64,
    /// 90th percentile hours of the total.
    pub p90: f64,
    /// 95th percentile hours of the total (with a distribution only).
    pub p95: Option<f64>,
    /// `convolution` (rides, waits, clearances and handling independent; a grid fitted to the
    /// total, docs/methodology.md §9) or `sum` (p50 = Σ p50, p90 = Σ p90).
    pub method: &'static str,
    /// Σ of the legs' p50: what a search adds up (`--by time` chooses by `p50`, see
    /// docs/methodology.md §9).
    pub sum_p50: f64,
    /// Σ of the legs' p90: a conservative bad case (every element has its bad day at once).
    pub sum_p90: f64,
}

impl TimeRange {
    /// Hours every element's bad day at once adds to the typical sum (`sum_p90 − sum_p50`).
    pub fn bad_days_h(&self) -> f64 {
        self.sum_p90 - self.sum_p50
    }
}

/// Totals of an itinerary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// Hours, typical and bad case.
    pub time_h: TimeRange,
    /// USD for the cargo.
    pub cost_usd: f64,
    /// Well-to-wheel kg CO2e for the cargo.
    pub co2e_kg: f64,
    /// Tank-to-wheel kg CO2e for the cargo.
    pub ttw_co2e_kg: f64,
    /// Kilometres.
    pub distance_km: f64,
    /// Border crossing ids in the order crossed.
    pub borders: Vec<String>,
    /// Sea ports where the cargo boards or leaves a ship, in order.
    pub ports: Vec<String>,
    /// Number of gauge changes.
    pub gauge_changes: u32,
    /// Modes used, in order of first use.
    pub modes: Vec<Mode>,
    /// The deadline asked for, hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_h: Option<f64>,
    /// Probability of arriving within the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_probability: Option<f64>,
    /// When the cargo is ready at the origin, local time (timetabled itineraries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    /// When it arrives at the destination, local time, with every element at its typical time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrives: Option<String>,
}

/// A GeoJSON LineString through the places of the route, `[lon, lat]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineString {
    /// Always `LineString`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `[lon, lat]` pairs.
    pub coordinates: Vec<[f64; 2]>,
}

/// A route, leg by leg.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Itinerary {
    /// Totals.
    pub summary: Summary,
    /// Legs in order.
    pub legs: Vec<Leg>,
    /// The places passed, as a line.
    pub geometry: LineString,
    /// The objective value of the route (hours, USD, kg CO2e or the balance).
    pub objective_value: f64,
    /// ISO 14083 breakdown of the emissions.
    pub emissions: Emissions,
}

/// One line of the ISO 14083 breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmissionLine {
    /// Index of the leg in `legs`.
    pub leg: usize,
    /// `run`, `border` (transport between the posts) or `transfer` (hub operation).
    pub kind: LegKind,
    /// Id of the element.
    pub element: String,
    /// Mode.
    pub mode: Mode,
    /// Tonne-kilometres (cargo tonnes × km).
    pub tonne_km: f64,
    /// Well-to-wheel intensity, g CO2e per tonne-km (transport legs).
    pub intensity_wtw_g_per_tkm: Option<f64>,
    /// Tank-to-wheel intensity, g CO2e per tonne-km (transport legs).
    pub intensity_ttw_g_per_tkm: Option<f64>,
    /// Tank-to-wheel kg CO2e.
    pub ttw_kg: f64,
    /// Well-to-tank kg CO2e (WTW − TTW).
    pub wtt_kg: f64,
    /// Well-to-wheel kg CO2e.
    pub wtw_kg: f64,
    /// Hub emissions, kg CO2e (transfers).
    pub hub_kg: f64,
    /// Source of the intensity or hub factor.
    pub source: String,
}

/// Totals of the ISO 14083 breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmissionTotals {
    /// Tonne-kilometres.
    pub tonne_km: f64,
    /// Tank-to-wheel kg CO2e of transport.
    pub ttw_kg: f64,
    /// Well-to-tank kg CO2e of transport.
    pub wtt_kg: f64,
    /// Well-to-wheel kg CO2e of transport.
    pub transport_wtw_kg: f64,
    /// Hub operations kg CO2e.
    pub hub_kg: f64,
    /// Transport WTW + hubs: the chain's total, equal to `summary.co2e_kg`.
    pub total_kg: f64,
    /// Intensity of the whole chain, g CO2e per tonne-km.
    pub intensity_g_per_tkm: Option<f64>,
}

/// The emissions of an itinerary, broken down as ISO 14083 asks: per transport chain element
/// (tonne-km × intensity, TTW and WTW) and per hub operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Emissions {
    /// The standard followed.
    pub method: &'static str,
    /// Per element.
    pub lines: Vec<EmissionLine>,
    /// Totals.
    pub totals: EmissionTotals,
}

impl Emissions {
    pub(crate) fn of(legs: &[Leg], tonnes: f64) -> Emissions {
        let lines: Vec<EmissionLine> = legs
            .iter()
            .enumerate()
            .filter(|(_, l)| !matches!(l.kind, LegKind::Wait | LegKind::Customs))
            .map(|(i, l)| {
                let hub = l.kind == LegKind::Transfer;
                EmissionLine {
                    leg: i,
                    kind: l.kind,
                    element: l.element.clone(),
                    mode: l.mode,
                    tonne_km: l.distance_km * tonnes,
                    intensity_wtw_g_per_tkm: l.intensity_wtw_g_per_tkm,
                    intensity_ttw_g_per_tkm: l.intensity_ttw_g_per_tkm,
                    ttw_kg: if hub { 0.0 } else { l.ttw_co2e_kg },
                    wtt_kg: if hub { 0.0 } else { l.co2e_kg - l.ttw_co2e_kg },
                    wtw_kg: if hub { 0.0 } else { l.co2e_kg },
                    hub_kg: if hub { l.co2e_kg } else { 0.0 },
                    source: l.emission_source.clone().unwrap_or_default(),
                }
            })
            .collect();
        let sum = |f: fn(&EmissionLine) -> f64| lines.iter().map(f).sum::<f64>();
        let tonne_km = sum(|l| l.tonne_km);
        let transport_wtw_kg = sum(|l| l.wtw_kg);
        let hub_kg = sum(|l| l.hub_kg);
        let total_kg = transport_wtw_kg + hub_kg;
        Emissions {
            method: "ISO 14083:2023 / GLEC Framework: tonne-km × intensity per mode and energy (WTW = TTW + WTT), plus hub operations per tonne handled",
            totals: EmissionTotals {
                tonne_km,
                ttw_kg: sum(|l| l.ttw_kg),
                wtt_kg: sum(|l| l.wtt_kg),
                transport_wtw_kg,
                hub_kg,
                total_kg,
                intensity_g_per_tkm: (tonne_km > 0.0).then(|| total_kg * 1000.0 / tonne_km),
            },
            lines,
        }
    }
}

impl Itinerary {
    pub(crate) fn build(
        net: &Network,
        graph: &Graph,
        req: &RouteRequest,
        n: usize,
        steps: &[(u32, Step)],
    ) -> Itinerary {
        let cargo = &req.cargo;
        let mut legs = Vec::new();
        let mut coordinates: Vec<[f64; 2]> = Vec::new();
        let at = |p: PlaceId| {
            let pl = net.place(p);
            [pl.lon, pl.lat]
        };
        let mut objective_value = 0.0;
        for &(state, step) in steps {
            let node = NodeId((state as usize % n) as u32);
            match step {
                Step::Start => {
                    let nd = graph.node(node);
                    coordinates.push(at(nd.place));
                    objective_value += req.objective.board_weight(&nd.board_wait);
                    if nd.board_wait.p50_h > 0.0 || nd.board_wait.p90_h > 0.0 {
                        legs.push(wait_leg(
                            net,
                            nd.place,
                            nd.layer.mode,
                            nd.layer.gauge.map(|g| g.0),
                            &nd.board_wait,
                        ));
                    }
                }
                Step::Via { .. } => {}
                Step::Edge { edge, .. } => {
                    let e = &graph.edges()[edge as usize];
                    objective_value += req.objective.edge_weight(e, cargo);
                    extend_geometry(&mut coordinates, net, graph, e);
                    if let EdgeKind::Border { border, .. } = e.kind() {
                        if e.wait_p50_h > 0.0 || e.wait_p90_h > 0.0 {
                            let b = &net.borders[border as usize];
                            let tail = graph.node(e.tail);
                            let mut wait = Leg::wait(
                                net.place(tail.place).id.clone(),
                                tail.layer.mode,
                                tail.layer.gauge.map(|g| g.0),
                                (e.wait_p50_h, e.wait_p90_h),
                                TimeFamily::fit(e.wait_p50_h, e.wait_p90_h, false),
                                format!(
                                    "wait for the border post to open ({}): median and 90th percentile over the week",
                                    b.opening_hours.as_ref().map_or_else(String::new, |h| h.describe())
                                ),
                                b.source.to_string(),
                            );
                            wait.element = b.id.clone();
                            legs.push(wait);
                        }
                    }
                    legs.push(edge_leg(net, graph, e, cargo));
                    let head = graph.node(e.head);
                    if matches!(e.kind(), EdgeKind::Transfer(_))
                        && (e.wait_p50_h > 0.0 || e.wait_p90_h > 0.0)
                    {
                        legs.push(wait_leg(
                            net,
                            head.place,
                            head.layer.mode,
                            head.layer.gauge.map(|g| g.0),
                            &head.board_wait,
                        ));
                    }
                }
            }
        }
        // Cargo that leaves its customs territory is export-cleared where it starts and
        // import-cleared where it ends, as on services (the figures of clearances.csv).
        let ends = steps.first().zip(steps.last()).map(|(a, b)| {
            let node = |s: u32| graph.node(NodeId((s as usize % n) as u32));
            (node(a.0), node(b.0))
        });
        if let Some((first, last)) = ends.filter(|_| !req.passengers) {
            if net.territory_of(first.place) != net.territory_of(last.place) {
                let mut clear = |nd: &Node, procedure: Procedure| {
                    let (row, c) = net.customs(nd.place, nd.layer.mode, procedure);
                    objective_value += req.objective.weight(&c.costs(cargo));
                    let gauge = nd.layer.gauge.map(|g| g.0);
                    Leg::customs(
                        net,
                        nd.place,
                        (nd.layer.mode, gauge),
                        procedure,
                        row,
                        cargo,
                        false,
                    )
                };
                if req.export_clearance {
                    legs.insert(0, clear(first, Procedure::Export));
                }
                if req.import_clearance {
                    legs.push(clear(last, Procedure::Import));
                }
            }
        }
        let mut legs = merge_junction_runs(net, legs);
        number_rides(&mut legs);
        let summary = summarize(&legs);
        let emissions = Emissions::of(&legs, cargo.tonnes);
        coordinates.dedup();
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
}

/// Appends the drawn line of edge `e`: the link's geometry in the direction travelled, or the
/// head place.
pub(crate) fn extend_geometry(
    coordinates: &mut Vec<[f64; 2]>,
    net: &Network,
    graph: &Graph,
    e: &Edge,
) {
    let (tail, head) = (graph.node(e.tail), graph.node(e.head));
    let at = |p: PlaceId| {
        let pl = net.place(p);
        [pl.lon, pl.lat]
    };
    let link = match e.kind() {
        EdgeKind::Run(i) => Some(&net.links[i as usize]),
        _ => None,
    };
    match link.and_then(|l| Some(l).zip(l.geometry.as_deref())) {
        Some((l, line)) if tail.place == l.from => coordinates.extend_from_slice(line),
        Some((_, line)) => coordinates.extend(line.iter().rev()),
        None => coordinates.push(at(head.place)),
    }
}

/// The leg of one edge: what every kind shares (time, money, emissions and their sources), then
/// what its kind says ([`run_details`], [`border_details`], [`transfer_details`]).
pub(crate) fn edge_leg(net: &Network, graph: &Graph, e: &Edge, cargo: &Cargo) -> Leg {
    let (tail, head) = (graph.node(e.tail), graph.node(e.head));
    if let EdgeKind::Clearance { procedure, row } = e.kind() {
        let layer = (tail.layer.mode, tail.layer.gauge.map(|g| g.0));
        return Leg::customs(net, tail.place, layer, procedure, row, cargo, false);
    }
    let from = net.place(tail.place).id.clone();
    let to = net.place(head.place).id.clone();
    let emission = e
        .emission_factor()
        .map(|i| &net.emission_factors[i as usize]);
    let cost_source = match (e.cost_factor(), e.tariff_service()) {
        (Some(i), _) => {
            let f = &net.cost_factors[i as usize];
            Some(format!(
                "{} USD/FEU-km ({} {}): {}",
                f.usd_per_feu_km,
                f.mode,
                f.country.as_deref().unwrap_or("default"),
                f.source
            ))
        }
        (None, Some(s)) => {
            let s = &net.services[s as usize];
            Some(format!("tariff of {}: {}", s.name, s.source))
        }
        (None, None) => None,
    };
    let mut leg = Leg {
        from,
        to,
        mode: head.layer.mode,
        kind: LegKind::Run,
        gauge_change: false,
        gauge_mm: head.layer.gauge.map(|g| g.0),
        distance_km: e.distance_km,
        time_h: e.time_p50_h,
        time_p90_h: e.time_p90_h,
        distribution: TimeFamily::fit(e.time_p50_h, e.time_p90_h, false),
        ride: None,
        cost_usd: cargo.usd(e.cost_usd_per_feu),
        co2e_kg: cargo.co2e_kg(e.wtw_g_per_t),
        ttw_co2e_kg: cargo.co2e_kg(e.ttw_g_per_t),
        element: String::new(),
        description: String::new(),
        source: String::new(),
        cost_source,
        intensity_wtw_g_per_tkm: emission.map(|f| f.wtw_g_per_tkm),
        intensity_ttw_g_per_tkm: emission.map(|f| f.ttw_g_per_tkm),
        emission_source: emission.map(|f| f.source.to_string()),
        service: None,
        service_name: None,
        departs: None,
        pauses: Vec::new(),
        arrives: None,
    };
    match e.kind() {
        EdgeKind::Run(i) => run_details(&mut leg, &net.links[i as usize], e, head),
        EdgeKind::Border { border, .. } => {
            border_details(&mut leg, net, &net.borders[border as usize], tail, head)
        }
        EdgeKind::Transfer(i) => {
            transfer_details(&mut leg, net, &net.transfers[i as usize], tail, head)
        }
        EdgeKind::Clearance { .. } => {} // a customs leg of its own, returned above
    }
    leg
}

/// A run along link `l`: its speed, track and electrification.
fn run_details(leg: &mut Leg, l: &Link, e: &Edge, head: &Node) {
    leg.element = l.id.clone();
    leg.source = l.source.to_string();
    let mut d = format!(
        "{} {:.0} km in {:.1} h ({:.0} km/h)",
        head.layer.mode,
        l.length_km,
        e.time_p50_h,
        l.length_km / e.time_p50_h
    );
    if let Some(t) = l.track {
        d.push_str(match t {
            Track::Single => ", single track",
            Track::Double => ", double track",
        });
    }
    if l.electrified == Some(true) {
        d.push_str(", electrified");
    }
    leg.description = d;
}

/// `h` hours as a user reads them: `45 min`, `11 h`, `1.5 h`.
pub(crate) fn hours_text(h: f64) -> String {
    if h < 1.0 {
        format!("{:.0} min", h * 60.0)
    } else if h.fract().abs() < 1e-9 {
        format!("{h:.0} h")
    } else {
        format!("{h:.1} h")
    }
}

/// A border crossing `b`: clearance and fees.
fn border_details(leg: &mut Leg, net: &Network, b: &BorderCrossing, tail: &Node, head: &Node) {
    leg.kind = LegKind::Border;
    leg.element = b.id.clone();
    leg.source = b.source.to_string();
    leg.cost_source = Some(format!("border fees: {}", b.source));
    leg.description = format!(
        "cross the border {} ({}) → {} ({}): clearance and fees",
        net.place(tail.place).name_en,
        net.place(tail.place).country,
        net.place(head.place).name_en,
        net.place(head.place).country
    );
    if let Some(change) = b.vehicle_change {
        leg.description.push_str("; ");
        leg.description.push_str(change.describe());
    }
}

/// A transfer `t`: a gauge change, or a change of mode.
fn transfer_details(leg: &mut Leg, net: &Network, t: &Transfer, tail: &Node, head: &Node) {
    leg.kind = LegKind::Transfer;
    leg.element = t.id.clone();
    leg.source = t.source.to_string();
    leg.cost_source = Some(format!("handling charge: {}", t.source));
    leg.emission_source = Some(format!(
        "hub emissions {} kg CO2e/t: {}",
        t.hub_co2e_kg_per_t, t.source
    ));
    leg.gauge_change = tail.layer.mode == head.layer.mode;
    leg.description = if leg.gauge_change {
        format!(
            "gauge change {} → {} mm at {}",
            tail.layer.gauge.map_or(0, |g| g.0),
            head.layer.gauge.map_or(0, |g| g.0),
            net.place(head.place).name_en
        )
    } else {
        format!(
            "transfer {} → {} at {}",
            tail.layer,
            head.layer,
            net.place(head.place).name_en
        )
    };
}

impl Itinerary {
    /// Replaces the summed p50/p90 by quantiles of the total time's distribution (waits,
    /// clearances, handling and rides independent; see [`TimeDistribution::of`]), adds p95 and,
    /// with a deadline, the probability to make it.
    pub fn with_distribution(mut self, deadline_h: Option<f64>) -> Itinerary {
        let d = self.time_distribution();
        let t = &mut self.summary.time_h;
        t.p50 = d.quantile(0.5);
        t.p90 = d.quantile(0.9);
        t.p95 = Some(d.quantile(0.95));
        t.method = "convolution";
        self.summary.deadline_h = deadline_h;
        self.summary.on_time_probability = deadline_h.map(|h| d.probability_within(h));
        self
    }

    /// True when `other` passes the same elements in the same order (the same route, whatever
    /// objective found it).
    pub fn same_route(&self, other: &Itinerary) -> bool {
        self.legs
            .iter()
            .map(|l| &l.element)
            .eq(other.legs.iter().map(|l| &l.element))
    }

    /// The independent random variables of the total time, in the order of the legs: one per
    /// ride and one per other leg with a spread.
    pub fn time_components(&self) -> Vec<TimeComponent> {
        let mut out: Vec<TimeComponent> = Vec::new();
        let mut current_ride = None;
        for leg in &self.legs {
            match leg.ride {
                Some(r) if current_ride == Some(r) => {
                    if let Some(TimeComponent::Ride(links)) = out.last_mut() {
                        links.push(leg.distribution);
                    }
                }
                Some(r) => {
                    current_ride = Some(r);
                    out.push(TimeComponent::Ride(vec![leg.distribution]));
                }
                None => {
                    current_ride = None;
                    out.push(TimeComponent::Leg(leg.distribution));
                }
            }
        }
        out
    }

    /// The distribution of the total time.
    pub fn time_distribution(&self) -> TimeDistribution {
        let families: Vec<TimeFamily> = self
            .time_components()
            .iter()
            .map(TimeComponent::family)
            .collect();
        TimeDistribution::of(&families)
    }

    /// `samples` seeded draws of the whole itinerary's time, sorted (see [`simulate`]).
    pub fn simulate(&self, samples: usize, seed: u64) -> Vec<f64> {
        simulate(&self.time_components(), samples, seed)
    }
}

/// Each itinerary with its time distribution and the odds of `deadline_h`
/// ([`Itinerary::with_distribution`]).
pub fn with_distributions(routes: Vec<Itinerary>, deadline_h: Option<f64>) -> Vec<Itinerary> {
    routes
        .into_iter()
        .map(|it| it.with_distribution(deadline_h))
        .collect()
}

/// Numbers the rides: a ride is a maximal sequence of runs on one layer (mode and gauge) with
/// no border, transfer or wait between them, i.e. one vehicle on one operator's network.
fn number_rides(legs: &mut [Leg]) {
    let mut next = 0;
    let mut prev: Option<(Mode, Option<u16>)> = None;
    for leg in legs.iter_mut() {
        if leg.kind != LegKind::Run {
            prev = None;
            continue;
        }
        let layer = (leg.mode, leg.gauge_mm);
        if prev != Some(layer) {
            next += 1;
            prev = Some(layer);
        }
        leg.ride = Some(next - 1);
    }
}

fn wait_leg(net: &Network, place: PlaceId, mode: Mode, gauge_mm: Option<u16>, w: &Wait) -> Leg {
    let id = net.place(place).id.clone();
    let (description, source) = match &w.basis {
        WaitBasis::Services {
            services,
            departures_per_week,
        } => {
            let names: Vec<&str> = services.iter().map(|&i| net.services[i as usize].id.as_str()).collect();
            let sources: Vec<&str> = services.iter().map(|&i| net.services[i as usize].source.as_str()).collect();
            (
                format!(
                    "wait for the next {mode} departure: {departures_per_week:.2} per week ({}), half the headway typical, 90% of it bad case",
                    names.join(", ")
                ),
                sources.join(" ; "),
            )
        }
        WaitBasis::ModeDefault => (
            match mode {
                // modes.csv: the default wait of a truck is its booking lead time, of a train
                // the forming of a chartered one.
                Mode::Road => "book a truck on demand: no scheduled service known here, the road default lead time applies (modes.csv)".to_string(),
                Mode::Rail => "wait for a chartered train to be formed: no scheduled service known here, the rail default applies (modes.csv)".to_string(),
                _ => format!("wait for the next {mode} departure: no scheduled service known here, the {mode} default applies (modes.csv)"),
            },
            net.mode_defaults(mode).map(|d| d.source.to_string()).unwrap_or_default(),
        ),
    };
    Leg::wait(
        id,
        mode,
        gauge_mm,
        (w.p50_h, w.p90_h),
        TimeFamily::fit(
            w.p50_h,
            w.p90_h,
            matches!(w.basis, WaitBasis::Services { .. }),
        ),
        description,
        source,
    )
}

/// Joins consecutive runs of the same mode and emission factor that meet at a `junction` place
/// (imported or generated networks, where every street segment is a link) into one leg, so an
/// itinerary lists stretches of road or track rather than hundreds of segments. Places of the
/// corridor network are never junctions, so its legs are untouched.
fn merge_junction_runs(net: &Network, legs: Vec<Leg>) -> Vec<Leg> {
    let is_junction = |id: &str| {
        net.place_id(id)
            .is_some_and(|p| net.place(p).kind == silkroute_model::PlaceKind::Junction)
    };
    let mut out: Vec<Leg> = Vec::with_capacity(legs.len());
    let mut segments: Vec<Vec<(String, String)>> = Vec::new();
    for leg in legs {
        let joins = out.last().is_some_and(|prev: &Leg| {
            prev.kind == LegKind::Run
                && leg.kind == LegKind::Run
                && prev.mode == leg.mode
                && prev.gauge_mm == leg.gauge_mm
                && prev.intensity_wtw_g_per_tkm == leg.intensity_wtw_g_per_tkm
                && prev.emission_source == leg.emission_source
                && prev.cost_source == leg.cost_source
                && is_junction(&leg.from)
        });
        if joins {
            let prev = out.last_mut().expect("checked");
            prev.to = leg.to;
            prev.distance_km += leg.distance_km;
            prev.time_h += leg.time_h;
            prev.time_p90_h += leg.time_p90_h;
            prev.cost_usd += leg.cost_usd;
            prev.co2e_kg += leg.co2e_kg;
            prev.ttw_co2e_kg += leg.ttw_co2e_kg;
            segments
                .last_mut()
                .expect("one per leg")
                .push((leg.element, leg.source));
        } else {
            segments.push(vec![(leg.element.clone(), leg.source.clone())]);
            out.push(leg);
        }
    }
    for (leg, segs) in out.iter_mut().zip(segments) {
        if segs.len() < 2 {
            continue;
        }
        leg.distribution = TimeFamily::fit(leg.time_h, leg.time_p90_h, false);
        leg.element = format!(
            "{} … {} ({} segments)",
            segs[0].0,
            segs[segs.len() - 1].0,
            segs.len()
        );
        leg.description = format!(
            "{} {:.1} km in {:.2} h ({:.0} km/h) over {} segments",
            leg.mode,
            leg.distance_km,
            leg.time_h,
            leg.distance_km / leg.time_h.max(1e-9),
            segs.len()
        );
        let mut sources: Vec<&str> = Vec::new();
        for (_, src) in &segs {
            if !sources.contains(&src.as_str()) {
                sources.push(src);
            }
        }
        leg.source = if sources.len() <= 3 {
            sources.join(" ; ")
        } else {
            format!(
                "{} ; … and {} more segment sources",
                sources[..3].join(" ; "),
                sources.len() - 3
            )
        };
    }
    out
}

pub(crate) fn summarize(legs: &[Leg]) -> Summary {
    let mut modes = Vec::new();
    for l in legs.iter().filter(|l| l.kind == LegKind::Run) {
        if !modes.contains(&l.mode) {
            modes.push(l.mode);
        }
    }
    Summary {
        time_h: {
            let (sum_p50, sum_p90) = (
                legs.iter().map(|l| l.time_h).sum(),
                legs.iter().map(|l| l.time_p90_h).sum(),
            );
            TimeRange {
                p50: sum_p50,
                p90: sum_p90,
                p95: None,
                method: "sum",
                sum_p50,
                sum_p90,
            }
        },
        cost_usd: legs.iter().map(|l| l.cost_usd).sum(),
        co2e_kg: legs.iter().map(|l| l.co2e_kg).sum(),
        ttw_co2e_kg: legs.iter().map(|l| l.ttw_co2e_kg).sum(),
        distance_km: legs.iter().map(|l| l.distance_km).sum(),
        borders: legs
            .iter()
            .filter(|l| l.kind == LegKind::Border)
            .map(|l| l.element.clone())
            .collect(),
        ports: {
            let mut ports: Vec<String> = Vec::new();
            for l in legs
                .iter()
                .filter(|l| l.kind == LegKind::Run && l.mode == Mode::Sea)
            {
                for p in [&l.from, &l.to] {
                    if ports.last() != Some(p) {
                        ports.push(p.clone());
                    }
                }
            }
            ports
        },
        gauge_changes: legs.iter().filter(|l| l.gauge_change).count() as u32,
        modes,
        deadline_h: None,
        on_time_probability: None,
        ready: None,
        arrives: None,
    }
}
