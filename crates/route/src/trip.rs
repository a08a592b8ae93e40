//! A traveller's trip: passenger services from one place to one or more destinations with
//! stays, and at every entry into a country the entry rule that applies to the passport, its
//! source and the days used of its allowance over the whole tour (entry_rules.csv).
//!
//! The trip is planned journey by journey: the earliest arrival on services that carry people
//! (walks and change times included) from the start, then from each destination after its
//! stay. The traveller's days are counted per country as calendar days, the days of entry and
//! exit included (as visa-free agreements count them); a country only passed through is
//! entered for transit, a country with a destination for the trip's purpose. The origin's
//! country is where the trip starts: its entry is not checked, but its days count.

use crate::journey::{earliest_arrival, Carrier, JourneyStep, WaitReason};
use crate::router::{InvalidParameter, Router};
use crate::search::{RouteError, RouteRequest};
use crate::timed::{local_time, timed_itinerary};
use crate::{Criterion, LegKind, Objective};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use silkroute_graph::{Instant, Timetable};
use silkroute_model::{EntryRule, Mode, Network, PlaceId, Purpose, Regime};
use std::collections::BTreeSet;

/// A trip as asked: places in order (the start, then each destination), the passport, when
/// the traveller sets off, how long they stay at each destination and why they go.
#[derive(Debug, Clone, PartialEq)]
pub struct TripRequest {
    /// The start, then the destinations in order (at least two places).
    pub stops: Vec<PlaceId>,
    /// ISO 3166-1 alpha-2 code of the passport.
    pub passport: String,
    /// When the traveller is ready at the start.
    pub start: Instant,
    /// Days at each destination (one per destination).
    pub stays_days: Vec<u32>,
    /// Why the traveller goes (countries only passed through are entered for transit).
    pub purpose: Purpose,
    /// The modes the traveller will ride (empty: any).
    pub modes: BTreeSet<Mode>,
}

/// Whether the trip may be made as planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every entry is allowed on the passport as planned.
    Allowed,
    /// Allowed once the visas listed are obtained (their lead times and fees are shown).
    VisaNeeded,
    /// The data has no rule for at least one entry: the answer does not guess.
    Unknown,
    /// At least one entry or stay breaks a rule (the problems say which, and what would work).
    Refused,
}

/// The status of one entry into a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// The traveller's own country.
    Citizen,
    /// A change of flights at an airport without entering the country.
    AirsideTransit,
    /// The country the trip starts in: not checked (the traveller is there already).
    Start,
    /// Allowed without a visa (or with a visa on arrival).
    Allowed,
    /// Allowed with a visa or e-visa obtained before travel.
    VisaNeeded,
    /// Not allowed as planned.
    Refused,
    /// No rule in the data.
    Unknown,
}

/// Days used of a rule's allowance in a rolling period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodUse {
    /// Days in the country within the period ending on the day of exit, this trip's stays
    /// counted.
    pub days_used: u32,
    /// Days allowed in the period.
    pub days_allowed: u32,
    /// The period, days.
    pub period_days: u32,
}

/// One stay in a country: entered (or the trip started there), left (or the trip ended).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryStay {
    /// ISO code of the country.
    pub country: String,
    /// Its English name (the code where the feed has no countries.csv row).
    pub country_name: String,
    /// The place where the traveller entered (or started).
    pub entered_at: String,
    /// When, local time.
    pub entered: String,
    /// The place where the traveller left (or ended the trip).
    pub left_at: String,
    /// When, local time.
    pub left: String,
    /// Calendar days in the country, the days of entry and exit counted.
    pub days: u32,
    /// The purpose of the stay (transit where only passed through).
    pub purpose: Purpose,
    /// Whether the entry is allowed.
    pub status: EntryStatus,
    /// The rule that applies, when the data has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<EntryRule>,
    /// The days of one stay the rule allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_per_stay: Option<u32>,
    /// The days used of the rule's rolling allowance (90 in 180).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodUse>,
    /// Why, in words (the rule, the condition of a rule not applied, what is unknown).
    pub notes: Vec<String>,
}

/// What to do instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Alternative {
    /// A shorter stay at a destination.
    ShorterStay {
        /// The destination (place id).
        place: String,
        /// The longest stay that keeps within the rule, days.
        max_stay_days: u32,
    },
    /// Another route that avoids the country.
    OtherRoute {
        /// The country avoided.
        avoids: String,
        /// The places of the other route, in order.
        via: Vec<String>,
        /// When it arrives, local time.
        arrives: String,
    },
    /// A visa for the country, from the data.
    Visa {
        /// The country.
        country: String,
        /// The rule that grants it.
        rule: String,
        /// e-visa or visa.
        regime: Regime,
        /// Days to get it, when known.
        lead_days: Option<u32>,
        /// Its fee, USD, when known.
        fee_usd: Option<f64>,
    },
}

/// A rule the trip breaks, and what would work.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripProblem {
    /// The country.
    pub country: String,
    /// The rule broken (its id), if a rule applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// What would work instead (may be empty: then nothing in the data does).
    pub alternatives: Vec<Alternative>,
}

/// What a traveller does on a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TripLegKind {
    /// On board one service (its links, stops and border crossings together).
    Ride,
    /// Waiting for a departure, or the change time between services.
    Wait,
    /// Walking from one station to another.
    Walk,
}

/// One leg of a traveller's journey: a ride on one service (its links and border crossings
/// together), a wait or a walk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripLeg {
    /// A ride, a wait or a walk.
    pub kind: TripLegKind,
    /// Place id where the leg starts.
    pub from: String,
    /// Place id where it ends.
    pub to: String,
    /// English names of the two places.
    pub from_name: String,
    /// English name of the end.
    pub to_name: String,
    /// Mode.
    pub mode: Mode,
    /// The service ridden (or waited for), its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Starts, local time of `from`.
    pub departs: String,
    /// Ends, local time of `to`.
    pub arrives: String,
    /// Hours.
    pub hours: f64,
    /// Distance, km.
    pub distance_km: f64,
    /// Border crossings on the way (ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub borders: Vec<String>,
    /// The passenger's fare, USD, one way (none: not in the data).
    pub fare_usd: Option<f64>,
    /// Where the fare comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fare_source: Option<String>,
    /// Well-to-wheel emissions per passenger, kg CO2e (ISO 14083, passenger-km).
    pub co2e_kg: f64,
    /// Where the emission factor comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co2e_source: Option<String>,
    /// What happens, in words.
    pub description: String,
}

/// One journey of the trip: from one stop to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripJourney {
    /// Place id of the start.
    pub from: String,
    /// Place id of the end.
    pub to: String,
    /// When the traveller is ready, local time.
    pub ready: String,
    /// When they arrive, local time.
    pub arrives: String,
    /// Hours from ready to arrival.
    pub hours: f64,
    /// Fares known on the way, USD.
    pub fare_usd: f64,
    /// Whether every ride's fare is known (else `fare_usd` is a lower bound).
    pub fares_complete: bool,
    /// Emissions per passenger, kg CO2e.
    pub co2e_kg: f64,
    /// The legs.
    pub legs: Vec<TripLeg>,
    /// The stay at the destination, days.
    pub stay_days: u32,
    /// The earliest arrival by each other mode the traveller may ride, when it differs (a
    /// train beside the flight): for comparison, not used for the rest of the trip.
    pub other_options: Vec<TripOption>,
}

/// Another way to make one journey of the trip, by one mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripOption {
    /// The mode.
    pub mode: Mode,
    /// The services ridden, by name, in order.
    pub services: Vec<String>,
    /// When the first ride leaves, local time.
    pub departs: String,
    /// When the traveller arrives, local time.
    pub arrives: String,
    /// Hours from ready to arrival.
    pub hours: f64,
    /// Fares known, USD.
    pub fare_usd: f64,
    /// Whether every fare is known.
    pub fares_complete: bool,
    /// Emissions per passenger, kg CO2e.
    pub co2e_kg: f64,
}

/// The answer to a trip: its journeys, the countries stayed in with the rules that apply,
/// what is wrong and what to do instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripResponse {
    /// The passport.
    pub passport: String,
    /// The purpose.
    pub purpose: Purpose,
    /// Whether the trip may be made as planned.
    pub verdict: Verdict,
    /// The journeys, in order.
    pub journeys: Vec<TripJourney>,
    /// Every country stayed in, in order, with its rule.
    pub stays: Vec<CountryStay>,
    /// The rules broken, with what would work.
    pub problems: Vec<TripProblem>,
    /// Fares known over the trip, USD.
    pub fare_usd: f64,
    /// Whether every fare is known.
    pub fares_complete: bool,
    /// Emissions per passenger over the trip, kg CO2e.
    pub co2e_kg: f64,
}

/// A country stay while the trip is being assembled.
struct Presence {
    country: String,
    entered_at: PlaceId,
    from: Instant,
    left_at: PlaceId,
    to: Instant,
    /// The destination (index into the stops) stayed at in the country, if any.
    stay: Option<usize>,
    /// The journey during which it was entered (`None`: the trip starts there).
    journey: Option<usize>,
    /// How the traveller came in and left (none: the trip starts or ends there).
    entry_mode: Option<Mode>,
    exit_mode: Option<Mode>,
}

impl Presence {
    /// A change of flights at one airport with no stay: the traveller does not enter.
    fn airside(&self) -> bool {
        self.stay.is_none()
            && self.journey.is_some()
            && self.entered_at == self.left_at
            && self.entry_mode == Some(Mode::Air)
            && self.exit_mode == Some(Mode::Air)
    }
}

/// A change of country on a journey: left at `exit` from `left_at`, entered at `entry` at
/// `entered_at`, by `mode`.
struct Crossing {
    exit: Instant,
    entry: Instant,
    left_at: PlaceId,
    entered_at: PlaceId,
    mode: Mode,
}

/// The local calendar date of `t` at `place`.
fn local_date(net: &Network, place: PlaceId, t: Instant) -> Date {
    let zone = TimeZone::get(&net.place(place).timezone).unwrap_or(TimeZone::UTC);
    Timestamp::from_second(t)
        .map(|ts| ts.to_zoned_datetime(zone).date())
        .unwrap_or(Date::constant(1970, 1, 1))
}

/// Days from `a` to `b`, both counted.
fn days_between(a: Date, b: Date) -> u32 {
    let d = (b - a).get_days().max(0) as u32;
    d + 1
}

/// How permissive a regime is (lower is easier for the traveller).
fn ease(r: Regime) -> u8 {
    match r {
        Regime::VisaFree => 0,
        Regime::VisaOnArrival => 1,
        Regime::EVisa => 2,
        Regime::VisaRequired => 3,
        Regime::NoAdmission => 4,
    }
}

impl Router {
    /// A trip's request from its parameters as typed (CLI and HTTP alike): the passport code
    /// (one the data knows), the start date or date-time (local at the start; today when
    /// none), the stay (`14d`, one for every destination, or one per destination separated
    /// by commas; none: 0 days), the purpose (`tourism` when none), the modes to ride (any
    /// when empty).
    pub fn trip_request(
        &self,
        stops: Vec<PlaceId>,
        passport: &str,
        date: Option<&str>,
        stay: Option<&str>,
        purpose: Option<&str>,
        modes: BTreeSet<Mode>,
    ) -> Result<TripRequest, InvalidParameter> {
        let net = self.network();
        if stops.len() < 2 {
            return Err(InvalidParameter::new(
                "places",
                "a trip needs a start and at least one destination",
            ));
        }
        let passport = passport.trim().to_ascii_uppercase();
        let known: BTreeSet<&str> = net
            .entry_rules
            .iter()
            .map(|r| r.passport.as_str())
            .chain(net.countries.iter().map(|c| c.code.as_str()))
            .collect();
        let code_like = passport.len() == 2 && passport.chars().all(|c| c.is_ascii_uppercase());
        let unknown = if known.is_empty() {
            !code_like
        } else {
            !known.contains(passport.as_str())
        };
        if unknown {
            return Err(InvalidParameter::new(
                "passport",
                format!(
                    "`{passport}` is not a passport the data knows (ISO 3166-1 alpha-2, one of {})",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let start = match date {
            Some(d) => self.instant("date", d, stops[0])?,
            None => Timestamp::now().as_second(),
        };
        let n = stops.len() - 1;
        let stays_days = match stay {
            None => vec![0; n],
            Some(s) => {
                let parsed = s
                    .split(',')
                    .map(parse_stay_days)
                    .collect::<Result<Vec<u32>, String>>()
                    .map_err(|m| InvalidParameter::new("stay", m))?;
                match parsed.len() {
                    1 => vec![parsed[0]; n],
                    k if k == n => parsed,
                    k => {
                        return Err(InvalidParameter::new(
                            "stay",
                            format!("{k} stays for {n} destinations: give one for all or one per destination"),
                        ))
                    }
                }
            }
        };
        let purpose = match purpose {
            None => Purpose::Tourism,
            Some(p) => p
                .trim()
                .parse::<Purpose>()
                .map_err(|m| InvalidParameter::new("purpose", m))?,
        };
        Ok(TripRequest {
            stops,
            passport,
            start,
            stays_days,
            purpose,
            modes,
        })
    }

    /// The trip `req`: journeys on passenger services, the countries stayed in with the entry
    /// rules that apply, and the problems with what would work instead. An error when a
    /// journey has no passenger service at all.
    pub fn trip(&self, req: &TripRequest) -> Result<TripResponse, RouteError> {
        let net = self.network();
        let tt = self.passenger_timetable();
        let mut ready = req.start;
        let mut journeys = Vec::new();
        let origin = req.stops[0];
        let mut presences = vec![Presence {
            country: net.place(origin).country.clone(),
            entered_at: origin,
            from: ready,
            left_at: origin,
            to: ready,
            stay: None,
            journey: None,
            entry_mode: None,
            exit_mode: None,
        }];
        for i in 0..req.stops.len() - 1 {
            let (from, to) = (req.stops[i], req.stops[i + 1]);
            let mut rr = self.passenger_request(from, to, None);
            rr.modes = req.modes.clone();
            let j = earliest_arrival(net, self.graph(), tt, &rr, ready).ok_or_else(|| {
                RouteError::NoRoute {
                    from: net.place(from).name_en.clone(),
                    to: net.place(to).name_en.clone(),
                    constraint: " on services that carry passengers".into(),
                    hint: String::new(),
                }
            })?;
            let (mut journey, crossings) = self.trip_journey(tt, &rr, &j, req.stays_days[i]);
            journey.other_options = self.other_options(req, &rr, &journey, ready);
            for c in crossings {
                let last = presences.last_mut().expect("the start");
                last.to = c.exit;
                last.left_at = c.left_at;
                last.exit_mode = Some(c.mode);
                presences.push(Presence {
                    country: net.place(c.entered_at).country.clone(),
                    entered_at: c.entered_at,
                    from: c.entry,
                    left_at: c.entered_at,
                    to: c.entry,
                    stay: None,
                    journey: Some(i),
                    entry_mode: Some(c.mode),
                    exit_mode: None,
                });
            }
            let stay_s = i64::from(req.stays_days[i]) * 86_400;
            let last = presences.last_mut().expect("the start");
            last.stay = Some(i + 1);
            last.left_at = to;
            last.to = j.arrival + stay_s;
            ready = j.arrival + stay_s;
            journeys.push(journey);
        }
        let mut stays = Vec::new();
        let mut problems = Vec::new();
        for k in 0..presences.len() {
            let (stay, mut found) = self.check_stay(req, &presences, k);
            problems.append(&mut found);
            stays.push(stay);
        }
        let verdict = stays
            .iter()
            .map(|s| match s.status {
                EntryStatus::Citizen
                | EntryStatus::Start
                | EntryStatus::Allowed
                | EntryStatus::AirsideTransit => Verdict::Allowed,
                EntryStatus::VisaNeeded => Verdict::VisaNeeded,
                EntryStatus::Unknown => Verdict::Unknown,
                EntryStatus::Refused => Verdict::Refused,
            })
            .max()
            .unwrap_or(Verdict::Allowed);
        let verdict = if problems.is_empty() {
            verdict
        } else {
            Verdict::Refused
        };
        Ok(TripResponse {
            passport: req.passport.clone(),
            purpose: req.purpose,
            verdict,
            fare_usd: journeys
                .iter()
                .fold(0.0, |a, j: &TripJourney| a + j.fare_usd),
            fares_complete: journeys.iter().all(|j| j.fares_complete),
            co2e_kg: journeys.iter().fold(0.0, |a, j| a + j.co2e_kg),
            journeys,
            stays,
            problems,
        })
    }

    /// The earliest arrivals of `rr` by each single mode other than the journey's own.
    fn other_options(
        &self,
        req: &TripRequest,
        rr: &RouteRequest,
        journey: &TripJourney,
        ready: Instant,
    ) -> Vec<TripOption> {
        let net = self.network();
        let tt = self.passenger_timetable();
        let used: BTreeSet<Mode> = journey
            .legs
            .iter()
            .filter(|l| l.kind == TripLegKind::Ride)
            .map(|l| l.mode)
            .collect();
        let modes: BTreeSet<Mode> = tt.patterns.iter().map(|p| p.mode).collect();
        let mut out = Vec::new();
        for m in modes {
            if (used.len() == 1 && used.contains(&m))
                || !(req.modes.is_empty() || req.modes.contains(&m))
            {
                continue;
            }
            let mut one = rr.clone();
            one.modes = [m].into_iter().collect();
            let Some(j) = earliest_arrival(net, self.graph(), tt, &one, ready) else {
                continue;
            };
            let (o, _) = self.trip_journey(tt, &one, &j, 0);
            let rides: Vec<&TripLeg> = o
                .legs
                .iter()
                .filter(|l| l.kind == TripLegKind::Ride)
                .collect();
            let mut services: Vec<String> = Vec::new();
            for l in &rides {
                let name = l.service_name.clone().unwrap_or_default();
                if services.last() != Some(&name) {
                    services.push(name);
                }
            }
            out.push(TripOption {
                mode: m,
                services,
                departs: rides
                    .first()
                    .map_or_else(|| o.ready.clone(), |l| l.departs.clone()),
                arrives: o.arrives.clone(),
                hours: o.hours,
                fare_usd: o.fare_usd,
                fares_complete: o.fares_complete,
                co2e_kg: o.co2e_kg,
            });
        }
        out
    }

    /// A passenger request by time from `from` to `to`, avoiding `country`.
    fn passenger_request(&self, from: PlaceId, to: PlaceId, avoid: Option<&str>) -> RouteRequest {
        let mut rr = RouteRequest::new(from, to, Objective::Least(Criterion::Time));
        rr.passengers = true;
        if let Some(c) = avoid {
            rr.avoid_countries.insert(c.to_string());
        }
        rr
    }

    /// The journey `j` as a traveller reads it, and the crossings into another country on the
    /// way.
    fn trip_journey(
        &self,
        tt: &Timetable,
        rr: &RouteRequest,
        j: &crate::Journey,
        stay_days: u32,
    ) -> (TripJourney, Vec<Crossing>) {
        let net = self.network();
        let it = timed_itinerary(net, self.graph(), tt, rr, j);
        let mut legs: Vec<TripLeg> = Vec::new();
        let mut crossings = Vec::new();
        // The ride under way: its leg, where it was boarded, the pattern ridden.
        let mut ride: Option<(TripLeg, PlaceId, Option<u32>)> = None;
        let pid = |id: &str| net.place_id(id).expect("a place of the itinerary");
        let flush = |ride: &mut Option<(TripLeg, PlaceId, Option<u32>)>,
                     legs: &mut Vec<TripLeg>| {
            if let Some((mut leg, boarded, pattern)) = ride.take() {
                let alighted = pid(&leg.to);
                self.price_ride(&mut leg, pattern, boarded, alighted);
                legs.push(leg);
            }
        };
        for (step, leg) in j.steps.iter().zip(&it.legs) {
            let (t0, t1) = match *step {
                JourneyStep::Edge { depart, arrive, .. }
                | JourneyStep::Walk { depart, arrive, .. } => (depart, arrive),
                JourneyStep::Wait { from, to, .. } | JourneyStep::Customs { from, to, .. } => {
                    (from, to)
                }
            };
            let pattern = match *step {
                JourneyStep::Edge {
                    carrier: Carrier::Service(p),
                    ..
                } => Some(p),
                _ => None,
            };
            let dwell = matches!(
                step,
                JourneyStep::Wait {
                    reason: WaitReason::Dwell(_),
                    ..
                }
            );
            let (a, b) = (pid(&leg.from), pid(&leg.to));
            if net.place(a).country != net.place(b).country {
                crossings.push(Crossing {
                    exit: t0,
                    entry: t1,
                    left_at: a,
                    entered_at: b,
                    mode: leg.mode,
                });
            }
            let hours = (t1 - t0) as f64 / 3600.0;
            match leg.kind {
                LegKind::Run | LegKind::Border | LegKind::Transfer
                    if pattern.is_some()
                        && ride.as_ref().is_some_and(|(_, _, p)| *p == pattern) =>
                {
                    let (r, _, _) = ride.as_mut().expect("a ride");
                    r.to = leg.to.clone();
                    r.to_name = net.place(b).name_en.clone();
                    r.arrives = local_time(net, b, t1);
                    r.hours += hours;
                    r.distance_km += leg.distance_km;
                    if leg.kind == LegKind::Border {
                        r.borders.push(leg.element.clone());
                    }
                }
                LegKind::Run | LegKind::Border | LegKind::Transfer => {
                    flush(&mut ride, &mut legs);
                    let mut r = self.trip_leg(TripLegKind::Ride, leg, a, b, (t0, t1));
                    if leg.kind == LegKind::Border {
                        r.borders.push(leg.element.clone());
                    }
                    ride = Some((r, a, pattern));
                }
                LegKind::Wait if dwell => {
                    if let Some((r, _, _)) = ride.as_mut() {
                        r.hours += hours;
                    }
                }
                LegKind::Wait => {
                    flush(&mut ride, &mut legs);
                    legs.push(self.trip_leg(TripLegKind::Wait, leg, a, b, (t0, t1)));
                }
                LegKind::Walk => {
                    flush(&mut ride, &mut legs);
                    legs.push(self.trip_leg(TripLegKind::Walk, leg, a, b, (t0, t1)));
                }
                LegKind::Customs => {}
            }
        }
        flush(&mut ride, &mut legs);
        let fares: Vec<Option<f64>> = legs
            .iter()
            .filter(|l| l.kind == TripLegKind::Ride)
            .map(|l| l.fare_usd)
            .collect();
        let journey = TripJourney {
            from: net.place(rr.from).id.clone(),
            to: net.place(rr.to).id.clone(),
            ready: local_time(net, rr.from, j.ready),
            arrives: local_time(net, rr.to, j.arrival),
            hours: (j.arrival - j.ready) as f64 / 3600.0,
            fare_usd: fares.iter().flatten().fold(0.0, |a, f| a + f),
            fares_complete: fares.iter().all(Option::is_some),
            co2e_kg: legs.iter().fold(0.0, |a, l| a + l.co2e_kg),
            legs,
            stay_days,
            other_options: Vec::new(),
        };
        (journey, crossings)
    }

    /// A traveller's leg from an itinerary leg.
    fn trip_leg(
        &self,
        kind: TripLegKind,
        leg: &crate::Leg,
        a: PlaceId,
        b: PlaceId,
        (t0, t1): (Instant, Instant),
    ) -> TripLeg {
        let net = self.network();
        TripLeg {
            kind,
            from: leg.from.clone(),
            to: leg.to.clone(),
            from_name: net.place(a).name_en.clone(),
            to_name: net.place(b).name_en.clone(),
            mode: leg.mode,
            service: leg.service.clone(),
            service_name: leg.service_name.clone(),
            departs: local_time(net, a, t0),
            arrives: local_time(net, b, t1),
            hours: (t1 - t0) as f64 / 3600.0,
            distance_km: if kind == TripLegKind::Wait {
                0.0
            } else {
                leg.distance_km
            },
            borders: Vec::new(),
            fare_usd: None,
            fare_source: None,
            co2e_kg: 0.0,
            co2e_source: None,
            description: leg.description.clone(),
        }
    }

    /// The fare and emissions of a ride on `pattern` boarded at `from` and left at `to`.
    fn price_ride(&self, leg: &mut TripLeg, pattern: Option<u32>, from: PlaceId, to: PlaceId) {
        let net = self.network();
        if let Some(f) = net.passenger_factors.iter().find(|f| f.mode == leg.mode) {
            leg.co2e_kg = leg.distance_km * f.wtw_g_per_pkm / 1000.0;
            leg.co2e_source = Some(format!(
                "{} g CO2e per passenger-km, well-to-wheel: {}",
                f.wtw_g_per_pkm, f.source
            ));
        }
        if let Some(p) = pattern.map(|p| &self.passenger_timetable().patterns[p as usize]) {
            // The service's whole length, for a part-way ride's share of its fare.
            let total_km: f64 = p
                .hops
                .iter()
                .flatten()
                .map(|&e| self.graph().edges()[e as usize].distance_km)
                .sum();
            let share = if total_km > 0.0 {
                (leg.distance_km / total_km).min(1.0)
            } else {
                1.0
            };
            if let Some((usd, source)) =
                net.services[p.service as usize].passenger_fare(from, to, share)
            {
                leg.fare_usd = Some(usd);
                leg.fare_source = Some(source);
            }
        }
        let name = leg.service_name.clone().unwrap_or_default();
        leg.description = format!(
            "{name}, {:.0} km{}",
            leg.distance_km,
            if leg.borders.is_empty() {
                String::new()
            } else {
                format!(", across {}", leg.borders.join(", "))
            }
        );
    }

    /// The stay `k` checked against the passport's rules, with the problems found.
    fn check_stay(
        &self,
        req: &TripRequest,
        presences: &[Presence],
        k: usize,
    ) -> (CountryStay, Vec<TripProblem>) {
        let net = self.network();
        let p = &presences[k];
        let entry_day = local_date(net, p.entered_at, p.from);
        let exit_day = local_date(net, p.left_at, p.to);
        let days = days_between(entry_day, exit_day);
        let purpose = if p.stay.is_some() || p.journey.is_none() {
            req.purpose
        } else {
            Purpose::Transit
        };
        let mut stay = CountryStay {
            country: p.country.clone(),
            country_name: net
                .countries
                .iter()
                .find(|c| c.code == p.country)
                .map_or_else(|| p.country.clone(), |c| c.name_en.clone()),
            entered_at: net.place(p.entered_at).id.clone(),
            entered: local_time(net, p.entered_at, p.from),
            left_at: net.place(p.left_at).id.clone(),
            left: local_time(net, p.left_at, p.to),
            days,
            purpose,
            status: EntryStatus::Allowed,
            rule: None,
            days_per_stay: None,
            period: None,
            notes: Vec::new(),
        };
        let mut problems = Vec::new();
        if p.country == req.passport {
            stay.status = EntryStatus::Citizen;
            return (stay, problems);
        }
        // A change of flights at one airport, with no stay: the traveller does not enter.
        if p.airside() {
            stay.status = EntryStatus::AirsideTransit;
            stay.notes.push(format!(
                "a change of flights at {} without entering {}: no entry rule applies (an airport transit visa that some countries ask of some passports is not in the data)",
                net.place(p.entered_at).name_en,
                p.country
            ));
            return (stay, problems);
        }
        let pair: Vec<&EntryRule> = net
            .entry_rules
            .iter()
            .filter(|r| r.passport == req.passport && r.destination == p.country)
            .collect();
        let on_day: Vec<&EntryRule> = pair
            .iter()
            .copied()
            .filter(|r| r.applies_on(entry_day))
            .collect();
        for r in on_day.iter().filter(|r| r.condition.is_some()) {
            stay.notes.push(format!(
                "not applied, it has a condition ({}): {} for {}{} (rule {})",
                r.condition.as_deref().unwrap_or_default(),
                r.regime,
                r.purposes
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join("/"),
                r.days_per_stay
                    .map_or(String::new(), |d| format!(", up to {d} days")),
                r.id
            ));
        }
        let plain: Vec<&EntryRule> = on_day
            .iter()
            .copied()
            .filter(|r| r.condition.is_none())
            .collect();
        let starts_here = p.journey.is_none();
        if starts_here {
            stay.status = EntryStatus::Start;
            stay.notes
                .push("the trip starts here: the entry is not checked, the days count".into());
        }
        if plain.is_empty() {
            if !starts_here {
                stay.status = EntryStatus::Unknown;
                stay.notes.push(if pair.is_empty() {
                    format!(
                        "no entry rule in the data for {} passports in {}",
                        req.passport, p.country
                    )
                } else {
                    format!(
                        "no entry rule in the data for {} passports in {} on {entry_day}",
                        req.passport, p.country
                    )
                });
            }
            return (stay, problems);
        }
        let mut allowing: Vec<&EntryRule> = plain
            .iter()
            .copied()
            .filter(|r| r.regime != Regime::NoAdmission && r.allows(purpose))
            .collect();
        allowing.sort_by_key(|r| (ease(r.regime), std::cmp::Reverse(r.days_per_stay)));
        let Some(&rule) = allowing.first() else {
            let r = plain[0];
            let message = if r.regime == Regime::NoAdmission {
                format!(
                    "{} passports are not admitted to {} on {entry_day} (rule {})",
                    req.passport, p.country, r.id
                )
            } else {
                format!(
                    "no rule lets {} passports enter {} for {purpose} on {entry_day} (rule {} allows {})",
                    req.passport,
                    p.country,
                    r.id,
                    r.purposes
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            stay.rule = Some(r.clone());
            if !starts_here {
                stay.status = EntryStatus::Refused;
                let alternatives = self.route_around(req, presences, k);
                problems.push(TripProblem {
                    country: p.country.clone(),
                    rule: Some(r.id.clone()),
                    message,
                    alternatives,
                });
            }
            return (stay, problems);
        };
        stay.rule = Some(rule.clone());
        stay.days_per_stay = rule.days_per_stay;
        if !starts_here {
            stay.status = if rule.regime.needs_visa_before_travel() {
                EntryStatus::VisaNeeded
            } else {
                EntryStatus::Allowed
            };
            let what = match rule.regime {
                Regime::VisaFree => "visa-free".to_string(),
                Regime::VisaOnArrival => "visa on arrival".to_string(),
                r => format!(
                    "{} needed: apply {} ahead, fee {}",
                    if r == Regime::EVisa {
                        "an e-visa"
                    } else {
                        "a visa"
                    },
                    rule.visa_lead_days
                        .map_or("(lead time not in the data)".into(), |d| format!(
                            "{d} days"
                        )),
                    rule.visa_fee_usd
                        .map_or("not in the data".into(), |f| format!("{f:.0} USD"))
                ),
            };
            stay.notes.push(format!(
                "{what} for {purpose}{} (rule {})",
                rule.days_per_stay
                    .map_or(String::new(), |d| format!(", up to {d} days a stay")),
                rule.id
            ));
        }
        if let Some(limit) = rule.days_per_stay {
            if days > limit {
                let excess = days - limit;
                let mut alternatives: Vec<Alternative> =
                    shorter_stay(net, req, p, excess).into_iter().collect();
                alternatives.extend(self.longer_visas(&allowing, rule, days));
                stay.status = EntryStatus::Refused;
                problems.push(TripProblem {
                    country: p.country.clone(),
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "{days} days in {} ({entry_day} to {exit_day}) but rule {} allows {limit} days a stay",
                        p.country, rule.id
                    ),
                    alternatives,
                });
            }
        }
        if let Some(period) = rule.days_per_period {
            let window_start = exit_day
                .checked_sub(jiff::Span::new().days(i64::from(period.period_days) - 1))
                .unwrap_or(exit_day);
            let used: u32 = presences[..=k]
                .iter()
                .filter(|q| q.country == p.country && !q.airside())
                .map(|q| {
                    let a = local_date(net, q.entered_at, q.from).max(window_start);
                    let b = local_date(net, q.left_at, q.to).min(exit_day);
                    if b < a {
                        0
                    } else {
                        days_between(a, b)
                    }
                })
                .sum();
            stay.period = Some(PeriodUse {
                days_used: used,
                days_allowed: period.days,
                period_days: period.period_days,
            });
            if used > period.days && !starts_here {
                let excess = used - period.days;
                let alternatives = shorter_stay(net, req, p, excess).into_iter().collect();
                stay.status = EntryStatus::Refused;
                problems.push(TripProblem {
                    country: p.country.clone(),
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "{used} days in {} within the {} days to {exit_day}, but rule {} allows {} in {}",
                        p.country, period.period_days, rule.id, period.days, period.period_days
                    ),
                    alternatives,
                });
            }
        }
        (stay, problems)
    }

    /// Other rules of the same day that allow a stay of `days` (a visa where visa-free entry
    /// is shorter).
    fn longer_visas(
        &self,
        allowing: &[&EntryRule],
        used: &EntryRule,
        days: u32,
    ) -> Vec<Alternative> {
        allowing
            .iter()
            .filter(|r| r.id != used.id && r.days_per_stay.is_none_or(|d| d >= days))
            .map(|r| Alternative::Visa {
                country: r.destination.clone(),
                rule: r.id.clone(),
                regime: r.regime,
                lead_days: r.visa_lead_days,
                fee_usd: r.visa_fee_usd,
            })
            .collect()
    }

    /// For a country the traveller may not enter on journey `presences[k].journey`: the same
    /// journey avoiding that country, if one exists (and the country is not a destination).
    fn route_around(
        &self,
        req: &TripRequest,
        presences: &[Presence],
        k: usize,
    ) -> Vec<Alternative> {
        let net = self.network();
        let p = &presences[k];
        let Some(i) = p.journey else {
            return Vec::new();
        };
        let (from, to) = (req.stops[i], req.stops[i + 1]);
        if net.place(to).country == p.country || net.place(from).country == p.country {
            return Vec::new();
        }
        let mut rr = self.passenger_request(from, to, Some(&p.country));
        rr.modes = req.modes.clone();
        // The journey starts when the one found did: the start, or after the previous stay.
        let ready = presences
            .iter()
            .rev()
            .find(|q| q.stay == Some(i))
            .map_or(req.start, |q| q.to);
        let Some(j) = earliest_arrival(net, self.graph(), self.passenger_timetable(), &rr, ready)
        else {
            return Vec::new();
        };
        let it = timed_itinerary(net, self.graph(), self.passenger_timetable(), &rr, &j);
        let mut via: Vec<String> = vec![net.place(from).id.clone()];
        for l in &it.legs {
            if via.last() != Some(&l.to) {
                via.push(l.to.clone());
            }
        }
        vec![Alternative::OtherRoute {
            avoids: p.country.clone(),
            via,
            arrives: local_time(net, to, j.arrival),
        }]
    }
}

/// The stay at the destination of `p` made `excess` days shorter, if the plan has that many.
fn shorter_stay(
    net: &Network,
    req: &TripRequest,
    p: &Presence,
    excess: u32,
) -> Option<Alternative> {
    let dest = p.stay?;
    let planned = req.stays_days[dest - 1];
    (planned >= excess).then(|| Alternative::ShorterStay {
        place: net.place(req.stops[dest]).id.clone(),
        max_stay_days: planned - excess,
    })
}

/// `14d` (or `14`) as whole days, 0 or more.
fn parse_stay_days(s: &str) -> Result<u32, String> {
    let t = s.trim().to_ascii_lowercase();
    let n = t.strip_suffix('d').unwrap_or(&t).trim();
    match n.parse::<i64>() {
        Ok(d) if (0..=3650).contains(&d) => Ok(d as u32),
        Ok(d) if d < 0 => Err(format!("`{s}` is negative: a stay is 0 days or more")),
        Ok(_) => Err(format!("`{s}` is longer than ten years")),
        Err(_) => Err(format!("`{s}` is not a stay in whole days like 14d")),
    }
}
