//! Services → ride patterns on the graph: for every open service, the graph nodes of its stops,
//! the edges it runs over between them (borders and gauge changes included, as timed events of
//! the ride), the times of its stops from the first departure, and when it departs.

use crate::graph::{EdgeKind, Graph, NodeId};
use crate::lines::Line;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use silkroute_model::{Calendar, Mode, Network, PlaceId, Schedule, Status, WaitModel};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

/// Seconds since the Unix epoch, UTC: the router's clock.
pub type Instant = i64;

/// How far ahead a departure is looked for: a journey may take up to 60 days, and a service
/// may run only a few times a year.
pub const HORIZON_DAYS: i64 = 400;

/// Why a service could not be laid on the graph.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum TimetableError {
    /// No track of the service's mode joins two consecutive stops.
    #[error("service `{service}`: no open {mode} track joins `{from}` and `{to}`")]
    NoTrack {
        /// Service id.
        service: String,
        /// Mode.
        mode: Mode,
        /// Stop place id.
        from: String,
        /// Next stop place id.
        to: String,
    },
    /// A tariff table in which a longer ride is cheaper than a shorter one from the same stop.
    #[error("service `{service}`: the fare from `{from}` to `{to}` ({usd_per_feu} USD/FEU) is below the fare to the stop before it ({shorter_usd_per_feu} USD/FEU); fares must not fall the further the cargo rides")]
    Fares {
        /// Service id.
        service: String,
        /// Boarding stop.
        from: String,
        /// Alighting stop.
        to: String,
        /// Its fare.
        usd_per_feu: f64,
        /// The fare to the stop before.
        shorter_usd_per_feu: f64,
    },
    /// A service for people runs through a border crossing closed to travellers.
    #[error("service `{service}`: the crossing `{border}` is not open to travellers (borders.csv passengers = {access})")]
    ClosedToTravellers {
        /// Service id.
        service: String,
        /// Border crossing id.
        border: String,
        /// `no` or `permit`.
        access: &'static str,
    },
    /// A place's time zone is unknown to the bundled database.
    #[error("place `{place}`: unknown time zone `{zone}`")]
    TimeZone {
        /// Place id.
        place: String,
        /// Zone name.
        zone: String,
    },
}

/// One stop of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternStop {
    /// The place.
    pub place: PlaceId,
    /// The graph node the service is on here (its layer: mode and gauge).
    pub node: NodeId,
    /// Seconds from the first departure to the arrival here.
    pub arrive_s: i64,
    /// Seconds from the first departure to the departure from here.
    pub depart_s: i64,
    /// Whether cargo may board here.
    pub pickup: bool,
    /// Whether cargo may alight here.
    pub dropoff: bool,
}

/// The totals of one hop of a pattern, per FEU (money) and per tonne (emissions).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HopTotals {
    /// Scheduled hours from leaving one stop to arriving at the next.
    pub time_p50_h: f64,
    /// Bad-case hours: the elements' p90, scaled like the schedule.
    pub time_p90_h: f64,
    /// Money per FEU: the tariff's distance share, or the edges' own money.
    pub usd_per_feu: f64,
    /// Well-to-wheel g CO2e per tonne.
    pub wtw_g_per_t: f64,
    /// Kilometres.
    pub km: f64,
}

impl Pattern {
    /// What the hop from stop `i` to `i + 1` costs `cargo`.
    pub fn hop_costs(&self, i: usize, cargo: &silkroute_model::Cargo) -> silkroute_model::Costs {
        let h = &self.hop_totals[i];
        silkroute_model::Costs::per_cargo(
            h.time_p50_h,
            h.time_p90_h,
            h.usd_per_feu,
            h.wtw_g_per_t,
            h.km,
            cargo,
        )
    }

    /// Money per FEU of edge `edge` (= `e`) when this service carries the cargo over it: the
    /// tariff's rate on the edge's hop times its km, else the edge's own money.
    pub fn edge_usd_per_feu(&self, edge: u32, e: &crate::graph::Edge) -> f64 {
        let hop = self.hops.iter().position(|h| h.contains(&edge));
        let rate = hop.and_then(|i| self.tariff_usd_per_feu_km[i]);
        match (rate, e.kind()) {
            (Some(per_km), EdgeKind::Run(_)) => per_km * e.distance_km,
            _ => e.cost_usd_per_feu,
        }
    }
}

/// When a pattern leaves its first stop.
#[derive(Debug, Clone)]
pub enum Departures {
    /// At the calendar's times, local time of the first stop.
    Timetable {
        /// The days and times.
        calendar: Calendar,
        /// The first stop's zone.
        zone: TimeZone,
        /// The calendar's times as seconds after the start of the service day, sorted.
        day_seconds: Vec<i64>,
        /// The starts of the service days it runs on, precomputed over a span of days.
        days: ServiceDays,
    },
    /// At unknown times, `per_week` times a week.
    Frequency {
        /// Mean time between departures, seconds.
        headway_s: i64,
        /// The wait model.
        wait: WaitModel,
    },
}

/// The days a calendar runs on, precomputed over the span of its dates, or for an unbounded
/// calendar about 400 days before to 800 days after the feed's reference date: departures are
/// found by binary search instead of converting local times day by day.
#[derive(Debug, Clone, Default)]
pub struct ServiceDays {
    /// The running days, ascending.
    pub days: Vec<ServiceDay>,
    /// Targets before this instant are not covered (an unbounded calendar's earlier days).
    pub covers_from: Option<Instant>,
    /// Running days may exist after the last listed one (an unbounded calendar).
    pub open_end: bool,
}

/// A day a calendar runs on.
#[derive(Debug, Clone, Copy)]
pub struct ServiceDay {
    /// Local midnight.
    pub start: Instant,
    /// The date.
    pub date: Date,
    /// Whether the day has 24 hours (no clock change), so a time of day is `start` plus its
    /// seconds.
    pub regular: bool,
}

/// Local midnight of `day` in `zone` (the first instant of the day).
fn day_start(day: Date, zone: &TimeZone) -> Option<Instant> {
    trip_start(day, jiff::civil::Time::midnight(), zone)
}

impl ServiceDays {
    /// The running days of `calendar` in `zone` (see the type).
    fn new(calendar: &Calendar, zone: &TimeZone, reference: Date) -> ServiceDays {
        let add = |d: Date, n: i64| d.checked_add(Span::new().days(n)).ok();
        let weekly = calendar.weekdays.contains(&true);
        let first_added = calendar.added.iter().min().copied();
        let (first, covers_from) = match (calendar.start.filter(|_| weekly), weekly) {
            (Some(s), _) => (Some(first_added.map_or(s, |a| a.min(s))), None),
            (None, true) => {
                let f = add(reference, -400);
                (f, f.and_then(|f| day_start(f, zone)))
            }
            (None, false) => (first_added, None),
        };
        let (last, open_end) = match calendar.last_date() {
            Some(l) => (Some(l), false),
            None => (add(reference, 800), true),
        };
        let mut days = Vec::new();
        if let (Some(first), Some(last)) = (first, last) {
            let span = i64::from((last - first).get_days());
            if span > 5000 {
                return ServiceDays {
                    days: Vec::new(),
                    covers_from: Some(Instant::MAX),
                    open_end: true,
                };
            }
            for k in 0..=span {
                let Some(date) = add(first, k) else { break };
                if !calendar.runs_on(date) {
                    continue;
                }
                let (Some(start), Some(next)) = (
                    day_start(date, zone),
                    add(date, 1).and_then(|d| day_start(d, zone)),
                ) else {
                    continue;
                };
                days.push(ServiceDay {
                    start,
                    date,
                    regular: next - start == 86_400,
                });
            }
        }
        ServiceDays {
            days,
            covers_from,
            open_end,
        }
    }
}

/// An open service laid on the graph.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Index into `Network::services`.
    pub service: u32,
    /// Mode.
    pub mode: Mode,
    /// Stops in running order.
    pub stops: Vec<PatternStop>,
    /// `hops[i]`: the graph edges from stop `i` to stop `i + 1`.
    pub hops: Vec<Vec<u32>>,
    /// `hop_totals[i]`: what the ride from stop `i` to stop `i + 1` costs one FEU of 1 t (time
    /// as scheduled, money, emissions, km); see [`Pattern::hop_costs`].
    pub hop_totals: Vec<HopTotals>,
    /// Per hop: the tariff per km of its track, when the service publishes one: the end-to-end
    /// tariff's rate (a part-way ride pays by distance share), or on a pattern of a tariff table
    /// the increase of the fare from the boarding stop over the hop, spread over its km.
    pub tariff_usd_per_feu_km: Vec<Option<f64>>,
    /// On a pattern of a tariff table: the one stop it boards at (a service with a table is
    /// laid once per boarding stop, so that a ride pays the table's fare to where it alights).
    pub fares_from: Option<usize>,
    /// Whether the stop times were computed from running times (the data gave none).
    pub times_estimated: bool,
    /// When it leaves.
    pub departures: Departures,
}

impl Pattern {
    /// The first departure from stop `i` at or after `ready`, as the instant it leaves stop
    /// `i`, with the quantile `q` of the wait for a frequency service (0.5: the median).
    /// `None` when the calendar has no departure within [`HORIZON_DAYS`].
    pub fn next_departure(&self, i: usize, ready: Instant, q: f64) -> Option<Instant> {
        let offset = self.stops[i].depart_s;
        match &self.departures {
            Departures::Frequency { headway_s, wait } => {
                Some(ready + wait.quantile_h(*headway_s as f64, q).round() as i64)
            }
            Departures::Timetable {
                calendar,
                zone,
                day_seconds,
                days,
            } => {
                let target = ready - offset;
                let max_s = *day_seconds.last()?;
                if days.covers_from.is_none_or(|f| target >= f) {
                    // An irregular day's times may be an hour later than start + seconds.
                    let k = days
                        .days
                        .partition_point(|d| d.start + max_s + 3600 < target);
                    for d in &days.days[k..] {
                        let leaves = if d.regular {
                            let i = day_seconds.partition_point(|&s| d.start + s < target);
                            day_seconds.get(i).map(|&s| d.start + s)
                        } else {
                            calendar
                                .times
                                .iter()
                                .filter_map(|t| trip_start(d.date, *t, zone))
                                .filter(|&s| s >= target)
                                .min()
                        };
                        if let Some(leaves) = leaves {
                            return (leaves - target <= HORIZON_DAYS * 86_400)
                                .then_some(leaves + offset);
                        }
                    }
                    if !days.open_end {
                        return None;
                    }
                }
                let start = zone.to_datetime(Timestamp::from_second(target).ok()?);
                let first = start.date().checked_sub(Span::new().days(1)).ok()?;
                let last = calendar.last_date();
                for d in 0..=HORIZON_DAYS {
                    let day = first.checked_add(Span::new().days(d)).ok()?;
                    if last.is_some_and(|l| day > l) {
                        return None;
                    }
                    if !calendar.runs_on(day) {
                        continue;
                    }
                    let best = calendar
                        .times
                        .iter()
                        .filter_map(|t| trip_start(day, *t, zone))
                        .filter(|&s| s >= target)
                        .min();
                    if let Some(s) = best {
                        return Some(s + offset);
                    }
                }
                None
            }
        }
    }

    /// The instants the pattern leaves its first stop within `[from, to)` (timetables only).
    pub fn trip_starts(&self, from: Instant, to: Instant) -> Vec<Instant> {
        let mut out = Vec::new();
        let mut t = from;
        while let Some(s) = self.next_departure(0, t, 0.5) {
            if s >= to || !matches!(self.departures, Departures::Timetable { .. }) {
                break;
            }
            out.push(s);
            t = s + 1;
        }
        out
    }
}

/// The instant a trip leaves on local `day` at local `time` (a time skipped by a clock change
/// is taken after the change).
pub(crate) fn trip_start(day: Date, time: jiff::civil::Time, zone: &TimeZone) -> Option<Instant> {
    let zoned = day.to_datetime(time).to_zoned_datetime(zone.clone()).ok()?;
    Some(zoned.timestamp().as_second())
}

/// Every open service as a pattern, and which patterns board at each node.
#[derive(Debug, Clone, Default)]
pub struct Timetable {
    /// The patterns.
    pub patterns: Vec<Pattern>,
    /// `boarding[node]`: the (pattern, stop index) pairs whose stop at that node takes cargo;
    /// empty when no pattern was laid ([`Timetable::boarding_at`]).
    pub boarding: Vec<Vec<(u32, u16)>>,
    /// The patterns' trips gathered into lines (see [`Line`]): every pattern with departures
    /// is in one line or more.
    pub lines: Vec<Line>,
    /// `line_boarding[node]`: the (line, stop index) pairs whose stop at that node takes cargo;
    /// empty when there is no line ([`Timetable::line_boarding_at`]).
    pub line_boarding: Vec<Vec<(u32, u16)>>,
    /// The router's ride states, one per stop of each pattern, then one per stop of each line:
    /// the first of each pattern's …
    pub pattern_ride: Vec<u32>,
    /// … and of each line's; `ride_slots` in all.
    pub line_ride: Vec<u32>,
    /// The number of ride states.
    pub ride_slots: u32,
    /// Place pairs (board, alight) that an open cargo service of the mode serves, for the rule
    /// that a chartered train runs only where no service covers the pair.
    pub covered: HashSet<(Mode, PlaceId, PlaceId)>,
    /// Open services that cannot run because no open track joins two of their stops (a
    /// scenario closed it), with the reason: they are left out.
    pub suspended: Vec<TimetableError>,
    /// Per border crossing (index into `Network::borders`): its opening hours with their zone,
    /// when it does not work around the clock.
    pub border_hours: Vec<Option<(silkroute_model::OpeningHours, TimeZone)>>,
    /// For people (`compile_for` with `passengers`): per place (index), the footpaths that
    /// leave it for another place (indices into `Network::footpaths`); empty for cargo.
    pub walks: Vec<Vec<u32>>,
    /// The customs territories of the network's places (see `Network::territory_of`), when
    /// some service is laid; empty otherwise.
    pub territories: Vec<String>,
    /// Per place (index): its customs territory, an index into `territories`; empty when no
    /// service is laid (a network without services, such as a big imported graph, is not
    /// scanned place by place).
    pub territory_of: Vec<u32>,
    /// Per pattern: the customs territory (index into `territories`) its whole track lies in,
    /// if it stays in one.
    pub pattern_territory: Vec<Option<u32>>,
    /// For people: per place (index), its minimum change time between services, the
    /// footpaths.csv row from the place to itself (index into `Network::footpaths`); empty
    /// for cargo.
    pub changes: Vec<Option<u32>>,
}

impl Timetable {
    /// The (pattern, stop index) pairs whose stop at `node` takes cargo.
    pub fn boarding_at(&self, node: NodeId) -> &[(u32, u16)] {
        self.boarding.get(node.index()).map_or(&[], Vec::as_slice)
    }

    /// The (line, stop index) pairs whose stop at `node` takes cargo.
    pub fn line_boarding_at(&self, node: NodeId) -> &[(u32, u16)] {
        self.line_boarding
            .get(node.index())
            .map_or(&[], Vec::as_slice)
    }

    /// The footpaths.csv row of the minimum change time for people at `place` (none where
    /// none is known, or for cargo).
    pub fn change_at(&self, place: PlaceId) -> Option<u32> {
        self.changes.get(place.index()).copied().flatten()
    }

    /// When cargo reaching border crossing `border` at `t` can start crossing: `t` itself, or
    /// the next opening of its posts.
    pub fn border_opens(&self, border: u32, t: Instant) -> Instant {
        match self.border_hours.get(border as usize) {
            Some(Some((hours, zone))) => hours.next_open(t, zone, HORIZON_DAYS).unwrap_or(t),
            _ => t,
        }
    }
}

impl Timetable {
    /// Lays every open cargo-carrying service of `net` on `graph`; a service whose track is
    /// closed is suspended (listed in `suspended`), a place with an unknown time zone is an
    /// error.
    pub fn compile(net: &Network, graph: &Graph) -> Result<Timetable, TimetableError> {
        Timetable::compile_for(net, graph, false)
    }

    /// [`Timetable::compile`] for cargo (`passengers` false) or for people: the open services
    /// that carry passengers.
    pub fn compile_for(
        net: &Network,
        graph: &Graph,
        passengers: bool,
    ) -> Result<Timetable, TimetableError> {
        let mut tt = Timetable {
            patterns: Vec::new(),
            // Sized below once a service is laid: a network without services (a big imported
            // graph) allocates nothing per node or place.
            boarding: Vec::new(),
            lines: Vec::new(),
            line_boarding: Vec::new(),
            pattern_ride: Vec::new(),
            line_ride: Vec::new(),
            ride_slots: 0,
            covered: HashSet::new(),
            suspended: Vec::new(),
            border_hours: Vec::with_capacity(net.borders.len()),
            walks: Vec::new(),
            changes: Vec::new(),
            territories: Vec::new(),
            territory_of: Vec::new(),
            pattern_territory: Vec::new(),
        };
        if passengers && !net.footpaths.is_empty() {
            tt.walks = vec![Vec::new(); net.places.len()];
            tt.changes = vec![None; net.places.len()];
            for (i, f) in net.footpaths.iter().enumerate() {
                if f.from == f.to {
                    tt.changes[f.from.index()] = Some(i as u32);
                } else {
                    tt.walks[f.from.index()].push(i as u32);
                }
            }
        }
        for b in &net.borders {
            let hours = match &b.opening_hours {
                Some(h) => {
                    let zone =
                        TimeZone::get(&h.timezone).map_err(|_| TimetableError::TimeZone {
                            place: b.id.clone(),
                            zone: h.timezone.clone(),
                        })?;
                    Some((h.clone(), zone))
                }
                None => None,
            };
            tt.border_hours.push(hours);
        }
        let mut hop_labels = None;
        for (si, s) in net.services.iter().enumerate() {
            let carries = if passengers {
                s.carries.passengers()
            } else {
                s.carries.cargo()
            };
            if s.status != Status::Open || !carries {
                continue;
            }
            // Allocated for the first service laid: a network without services (a big
            // imported graph) allocates nothing per node.
            let labels = hop_labels.get_or_insert_with(|| HopLabels::new(graph.nodes().len()));
            let pattern = match lay(net, graph, si as u32, labels) {
                Ok(p) => p,
                Err(e @ TimetableError::NoTrack { .. }) => {
                    tt.suspended.push(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            if passengers {
                if let Some(e) = closed_to_travellers(net, graph, &pattern, s) {
                    tt.suspended.push(e);
                    continue;
                }
            }
            let patterns = if s.fares.is_empty() {
                vec![pattern]
            } else {
                by_boarding_stop(net, graph, s, &pattern)?
            };
            if tt.boarding.is_empty() {
                tt.boarding = vec![Vec::new(); graph.nodes().len()];
            }
            for pattern in patterns {
                let p = tt.patterns.len() as u32;
                for (i, st) in pattern.stops.iter().enumerate() {
                    if st.pickup && i + 1 < pattern.stops.len() {
                        tt.boarding[st.node.index()].push((p, i as u16));
                        for later in &pattern.stops[i + 1..] {
                            if later.dropoff {
                                tt.covered.insert((s.mode, st.place, later.place));
                            }
                        }
                    }
                }
                tt.patterns.push(pattern);
            }
        }
        if !tt.patterns.is_empty() {
            for p in 0..net.places.len() {
                let t = net.territory_of(PlaceId(p as u32));
                let i = match tt.territories.iter().position(|x| x == t) {
                    Some(i) => i,
                    None => {
                        tt.territories.push(t.to_owned());
                        tt.territories.len() - 1
                    }
                };
                tt.territory_of.push(i as u32);
            }
        }
        tt.pattern_territory = tt
            .patterns
            .iter()
            .map(|p| {
                let first = tt.territory_of[p.stops[0].place.index()];
                p.hops
                    .iter()
                    .flatten()
                    .all(|&e| {
                        let head = graph.node(graph.edges()[e as usize].head).place;
                        tt.territory_of[head.index()] == first
                    })
                    .then_some(first)
            })
            .collect();
        tt.lines = crate::lines::lines(&tt.patterns);
        let mut slots = 0u32;
        for p in &tt.patterns {
            tt.pattern_ride.push(slots);
            slots += p.stops.len() as u32;
        }
        for line in &tt.lines {
            tt.line_ride.push(slots);
            slots += tt.patterns[line.first_pattern as usize].stops.len() as u32;
        }
        tt.ride_slots = slots;
        if !tt.lines.is_empty() {
            tt.line_boarding = vec![Vec::new(); graph.nodes().len()];
        }
        for (li, line) in tt.lines.iter().enumerate() {
            let stops = &tt.patterns[line.patterns[0] as usize].stops;
            for (i, st) in stops.iter().enumerate() {
                if st.pickup && i + 1 < stops.len() {
                    tt.line_boarding[st.node.index()].push((li as u32, i as u16));
                }
            }
        }
        Ok(tt)
    }
}

/// The first border crossing on `pattern` that travellers may not use (freight only, or only
/// with a special permit), as the reason the service is left out for people.
fn closed_to_travellers(
    net: &Network,
    graph: &Graph,
    pattern: &Pattern,
    s: &silkroute_model::Service,
) -> Option<TimetableError> {
    use silkroute_model::TravellerAccess;
    pattern.hops.iter().flatten().find_map(|&e| {
        let EdgeKind::Border { border, .. } = graph.edges()[e as usize].kind() else {
            return None;
        };
        let b = &net.borders[border as usize];
        let access = match b.travellers {
            Some(TravellerAccess::FreightOnly) => "no",
            Some(TravellerAccess::Permit) => "permit",
            _ => return None,
        };
        Some(TimetableError::ClosedToTravellers {
            service: s.id.clone(),
            border: b.id.clone(),
            access,
        })
    })
}

fn lay(
    net: &Network,
    graph: &Graph,
    si: u32,
    labels: &mut HopLabels,
) -> Result<Pattern, TimetableError> {
    let s = &net.services[si as usize];
    let first = net.place(s.stops[0].place);
    let zone = TimeZone::get(&first.timezone).map_err(|_| TimetableError::TimeZone {
        place: first.id.clone(),
        zone: first.timezone.clone(),
    })?;
    let mut at: Vec<NodeId> = graph
        .place_nodes(s.stops[0].place)
        .iter()
        .chain(graph.international_nodes(s.stops[0].place))
        .copied()
        .filter(|&v| graph.node(v).layer.mode == s.mode)
        .collect();
    let mut nodes = Vec::with_capacity(s.stops.len());
    let mut hops = Vec::with_capacity(s.stops.len() - 1);
    for w in s.stops.windows(2) {
        let via: HashSet<u32> = w[1].via.iter().copied().collect();
        let found = shortest_hop(graph, s.mode, &at, w[1].place, &via, labels);
        let Some((start, path, end)) = found else {
            return Err(TimetableError::NoTrack {
                service: s.id.clone(),
                mode: s.mode,
                from: net.place(w[0].place).id.clone(),
                to: net.place(w[1].place).id.clone(),
            });
        };
        if nodes.is_empty() {
            nodes.push(start);
        }
        nodes.push(end);
        hops.push(path);
        at = vec![end];
    }
    let times_estimated = s.stops[1..].iter().any(|st| st.arrive_h.is_none());
    let mut stops = Vec::with_capacity(s.stops.len());
    let mut clock_h = 0.0;
    for (i, st) in s.stops.iter().enumerate() {
        let arrive_h = if i == 0 {
            st.arrive_h.or(st.depart_h).unwrap_or(0.0)
        } else {
            let run: f64 = hops[i - 1]
                .iter()
                .map(|&e| graph.edges()[e as usize].time_p50_h)
                .sum();
            st.arrive_h.unwrap_or(clock_h + run)
        };
        let depart_h = st.depart_h.unwrap_or(arrive_h).max(arrive_h);
        clock_h = depart_h;
        stops.push(PatternStop {
            place: st.place,
            node: nodes[i],
            arrive_s: (arrive_h * 3600.0).round() as i64,
            depart_s: (depart_h * 3600.0).round() as i64,
            pickup: st.pickup,
            dropoff: st.dropoff,
        });
    }
    // Offsets count from the departure at the first stop.
    let base = stops[0].depart_s;
    for st in &mut stops {
        st.arrive_s -= base;
        st.depart_s -= base;
    }
    stops[0].arrive_s = 0;
    let departures = match &s.schedule {
        Schedule::Timetable(c) => {
            let mut day_seconds: Vec<i64> = c
                .times
                .iter()
                .map(|t| {
                    i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
                })
                .collect();
            day_seconds.sort_unstable();
            day_seconds.dedup();
            let days = ServiceDays::new(c, &zone, net.reference_date);
            Departures::Timetable {
                calendar: c.clone(),
                zone,
                day_seconds,
                days,
            }
        }
        Schedule::Frequency { per_week, wait } => Departures::Frequency {
            headway_s: (168.0 * 3600.0 / per_week).round() as i64,
            wait: *wait,
        },
    };
    let track_km: f64 = hops
        .iter()
        .flatten()
        .map(|&e| &graph.edges()[e as usize])
        .filter(|e| matches!(e.kind(), EdgeKind::Run(_)))
        .map(|e| e.distance_km)
        .sum();
    let rate = s
        .tariff_usd_per_feu
        .filter(|_| track_km > 0.0)
        .map(|t| t / track_km);
    let tariff_usd_per_feu_km = vec![rate; hops.len()];
    let mut pattern = Pattern {
        service: si,
        mode: s.mode,
        stops,
        hops,
        hop_totals: Vec::new(),
        tariff_usd_per_feu_km,
        fares_from: None,
        times_estimated,
        departures,
    };
    pattern.hop_totals = hop_totals(graph, &pattern);
    Ok(pattern)
}

/// What each hop of `pattern` costs (time as scheduled, money by its tariff, emissions, km).
fn hop_totals(graph: &Graph, pattern: &Pattern) -> Vec<HopTotals> {
    (0..pattern.hops.len())
        .map(|i| {
            let edges: Vec<_> = pattern.hops[i]
                .iter()
                .map(|&e| &graph.edges()[e as usize])
                .collect();
            let typical: f64 = edges.iter().map(|e| e.time_p50_h).sum();
            let bad: f64 = edges.iter().map(|e| e.time_p90_h).sum();
            let scheduled =
                (pattern.stops[i + 1].arrive_s - pattern.stops[i].depart_s) as f64 / 3600.0;
            let scale = if typical > 0.0 {
                scheduled / typical
            } else {
                1.0
            };
            HopTotals {
                time_p50_h: scheduled,
                time_p90_h: (bad * scale).max(scheduled),
                usd_per_feu: pattern.hops[i]
                    .iter()
                    .zip(&edges)
                    .map(|(&ei, e)| pattern.edge_usd_per_feu(ei, e))
                    .sum(),
                wtw_g_per_t: edges.iter().map(|e| e.wtw_g_per_t).sum(),
                km: edges.iter().map(|e| e.distance_km).sum(),
            }
        })
        .collect()
}

/// A service with a tariff table, laid once per stop where it takes cargo: each copy boards
/// only there, and its hops' rates make the money for the track from there to every later stop
/// the table's fare (pairs not in the table: the end-to-end tariff's distance share, or the
/// track's own money); border and handling fees on the way are charged as they are with an
/// end-to-end tariff. A hop without track (a border post to the next) passes its share to the
/// next hop. A fare that falls the further the cargo rides is refused.
fn by_boarding_stop(
    net: &Network,
    graph: &Graph,
    s: &silkroute_model::Service,
    pattern: &Pattern,
) -> Result<Vec<Pattern>, TimetableError> {
    let runs = |hop: &[u32]| -> Vec<(u32, f64)> {
        hop.iter()
            .copied()
            .filter(|&e| matches!(graph.edges()[e as usize].kind(), EdgeKind::Run(_)))
            .map(|e| (e, graph.edges()[e as usize].distance_km))
            .collect()
    };
    let mut out = Vec::new();
    for b in 0..pattern.stops.len() {
        if !pattern.stops[b].pickup {
            continue;
        }
        let mut p = pattern.clone();
        p.fares_from = Some(b);
        for (i, st) in p.stops.iter_mut().enumerate() {
            st.pickup = i == b;
        }
        let (mut without_table, mut charged) = (0.0, 0.0);
        for i in b..p.hops.len() {
            let track = runs(&p.hops[i]);
            without_table += track
                .iter()
                .map(|&(e, _)| pattern.edge_usd_per_feu(e, &graph.edges()[e as usize]))
                .sum::<f64>();
            let to = pattern.stops[i + 1].place;
            let fare = s
                .fares
                .iter()
                .find(|f| f.from == pattern.stops[b].place && f.to == to)
                .map_or(without_table, |f| f.usd_per_feu);
            if !pattern.stops[i + 1].dropoff {
                // Nobody alights here (a border post): no fare to check; the track's money
                // so far is carried to the next hop.
                let km: f64 = track.iter().map(|t| t.1).sum();
                if km > 0.0 {
                    p.tariff_usd_per_feu_km[i] = Some((without_table.max(charged) - charged) / km);
                    charged = without_table.max(charged);
                }
                continue;
            }
            if fare < charged - 1e-9 {
                return Err(TimetableError::Fares {
                    service: s.id.clone(),
                    from: net.place(pattern.stops[b].place).id.clone(),
                    to: net.place(to).id.clone(),
                    usd_per_feu: fare,
                    shorter_usd_per_feu: charged,
                });
            }
            let km: f64 = track.iter().map(|t| t.1).sum();
            if km > 0.0 {
                p.tariff_usd_per_feu_km[i] = Some((fare - charged) / km);
                charged = fare;
            }
        }
        p.hop_totals = hop_totals(graph, &p);
        out.push(p);
    }
    Ok(out)
}

/// The fastest track (typical times) of `mode` from any of `from` to a node of place `to`:
/// runs, border crossings and gauge changes on the mode's layers; only the links in `via` when
/// it is not empty. Returns the start node, the edges and the end node.
fn shortest_hop(
    graph: &Graph,
    mode: Mode,
    from: &[NodeId],
    to: PlaceId,
    via: &HashSet<u32>,
    labels: &mut HopLabels,
) -> Option<(NodeId, Vec<u32>, NodeId)> {
    labels.reset();
    let mut heap = BinaryHeap::new();
    for &v in from {
        labels.set(v, 0.0, NO_EDGE);
        heap.push(Reverse((Ordered(0.0), v)));
    }
    // Node records are looked up only where the search may leave the service's mode (a graph
    // file's are decoded through a cache: a lookup per edge was half the time of laying
    // services on a 250 k-node grid).
    let targets: Vec<NodeId> = graph.nodes_of_place(to).collect();
    while let Some(Reverse((Ordered(d), v))) = heap.pop() {
        if d > labels.dist(v) {
            continue;
        }
        if targets.contains(&v) && !from.contains(&v) {
            let mut path = Vec::new();
            let mut at = v;
            while let Some(e) = labels.edge(at) {
                path.push(e);
                at = graph.edges()[e as usize].tail;
            }
            path.reverse();
            return Some((at, path, v));
        }
        for ei in graph.out_edges(v) {
            let e = &graph.edges()[ei];
            match e.kind() {
                // Customs are passed before boarding and after alighting, never on board.
                EdgeKind::Clearance { .. } => continue,
                // Runs and border crossings keep their layer; a transfer may change mode.
                EdgeKind::Transfer(_) if graph.node(e.head).layer.mode != mode => continue,
                EdgeKind::Run(l) if !via.is_empty() && !via.contains(&l) => continue,
                _ => {}
            }
            let nd = d + e.time_p50_h;
            if nd < labels.dist(e.head) {
                labels.set(e.head, nd, ei as u32);
                heap.push(Reverse((Ordered(nd), e.head)));
            }
        }
    }
    None
}

const NO_EDGE: u32 = u32::MAX;

/// The labels of the searches that lay services hop by hop, kept for a whole timetable: per
/// node, its hours from the hop's start and the edge that reached it, reset only where the
/// last search went (a hash map per search was a third of the time of laying services on a
/// 250 k-node grid).
struct HopLabels {
    label: Vec<(f64, u32)>,
    touched: Vec<NodeId>,
}

impl HopLabels {
    fn new(nodes: usize) -> HopLabels {
        HopLabels {
            label: vec![(f64::INFINITY, NO_EDGE); nodes],
            touched: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for v in self.touched.drain(..) {
            self.label[v.index()] = (f64::INFINITY, NO_EDGE);
        }
    }

    fn dist(&self, v: NodeId) -> f64 {
        self.label[v.index()].0
    }

    /// The edge that reached `v`, if a search edge did (not a start).
    fn edge(&self, v: NodeId) -> Option<u32> {
        Some(self.label[v.index()].1).filter(|&e| e != NO_EDGE)
    }

    fn set(&mut self, v: NodeId, dist: f64, edge: u32) {
        let label = &mut self.label[v.index()];
        if label.0 == f64::INFINITY {
            self.touched.push(v);
        }
        *label = (dist, edge);
    }
}

/// A total order on non-NaN floats for the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ordered(f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
