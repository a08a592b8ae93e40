//! A synthetic timetable shared by the RAPTOR agreement test and the RAPTOR benchmark: ports on
//! a grid joined by sea lanes, and lines (random walks over the grid) each sailing daily at a
//! few times. Sea moves only by service (no trucks, no charters), and the minimum connection is
//! zero, so silkroute's earliest arrival and RAPTOR's answer the same question on the same trips.
//! The same trips are laid out for vulture (crates.io), the Rust RAPTOR, from silkroute's
//! compiled patterns through vulture's adapter trait ([`PatternTrips`], laid out as vulture's own
//! GTFS adapter is: departures per route and position, found by binary search): every trip from
//! three days before the epoch to `days` days after it, times in seconds on vulture's clock
//! ([`raptor_time`]).

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use silkroute_graph::{compile, Graph, Instant, Timetable};
use silkroute_model::Network;
use std::collections::HashMap;
use vulture::{RouteIdx, SecondOfDay, StopIdx, TripIdx};

/// Monday 2026-06-01 00:00 UTC, the feed's reference week.
pub const EPOCH: Instant = 1_780_272_000;

/// vulture's times count from three days before [`EPOCH`], so that trips which started before
/// it and are still sailing are there too.
const RAPTOR_ZERO: Instant = EPOCH - 3 * 24 * 3600;

/// The network, its graph and timetable, and the same trips for vulture.
pub struct SeaGrid {
    pub net: Network,
    pub graph: Graph,
    pub tt: Timetable,
    pub raptor: PatternTrips,
    /// Ports in place order (place index → the vulture stop key).
    pub ports: usize,
}

/// A `side` × `side` grid of ports, `lines` lines of `stops` stops sailing `per_day` times a
/// day, trips laid out for `days` days; all drawn from `seed`.
pub fn sea_grid(
    side: usize,
    lines: usize,
    stops: usize,
    per_day: usize,
    days: i64,
    seed: u64,
) -> SeaGrid {
    let mut rng = StdRng::seed_from_u64(seed);
    let id = |r: usize, c: usize| format!("p{r}x{c}");
    let mut places = String::from("id,name_en,country,lat,lon,kind,timezone,source\n");
    let mut links = String::from("id,from,to,mode,length_km,speed_kmh,status,source\n");
    for r in 0..side {
        for c in 0..side {
            places += &format!(
                "{},{},KZ,{},{},port,Etc/UTC,test\n",
                id(r, c),
                id(r, c),
                40.0 + r as f64 * 0.5,
                60.0 + c as f64 * 0.5
            );
            // Lanes of 20–80 km at 20 km/h: 1–4 h.
            if c + 1 < side {
                let km = rng.random_range(20..=80);
                links += &format!(
                    "{a}-{b},{a},{b},sea,{km},20,open,test\n",
                    a = id(r, c),
                    b = id(r, c + 1)
                );
            }
            if r + 1 < side {
                let km = rng.random_range(20..=80);
                links += &format!(
                    "{a}-{b},{a},{b},sea,{km},20,open,test\n",
                    a = id(r, c),
                    b = id(r + 1, c)
                );
            }
        }
    }
    let mut services = String::from("id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,remove_dates,tariff_usd_per_feu,status,source\n");
    for l in 0..lines {
        // A self-avoiding random walk.
        let (mut r, mut c) = (rng.random_range(0..side), rng.random_range(0..side));
        let mut walk = vec![(r, c)];
        for _ in 1..stops {
            let options: Vec<(usize, usize)> = [(0i64, 1i64), (1, 0), (0, -1), (-1, 0)]
                .iter()
                .map(|(dr, dc)| (r as i64 + dr, c as i64 + dc))
                .filter(|&(a, b)| a >= 0 && b >= 0 && (a as usize) < side && (b as usize) < side)
                .map(|(a, b)| (a as usize, b as usize))
                .filter(|p| !walk.contains(p))
                .collect();
            if options.is_empty() {
                break;
            }
            (r, c) = options[rng.random_range(0..options.len())];
            walk.push((r, c));
        }
        if walk.len() < 2 {
            continue;
        }
        let stops: Vec<String> = walk.iter().map(|&(r, c)| id(r, c)).collect();
        let mut minutes: Vec<u32> = (0..per_day).map(|_| rng.random_range(0..24 * 60)).collect();
        minutes.sort_unstable();
        minutes.dedup();
        let times: Vec<String> = minutes
            .iter()
            .map(|m| format!("{:02}:{:02}", m / 60, m % 60))
            .collect();
        services += &format!(
            "line{l},Line {l},sea,{},,,daily,{},,,,,,open,test\n",
            stops.join(";"),
            times.join(";")
        );
    }
    let files: HashMap<&str, Vec<u8>> = [
        ("places.csv", places),
        ("links.csv", links),
        ("modes.csv", "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,min_connection_h,default_energy,source\nsea,20,1.0,24,48,0,hfo,test\n".to_string()),
        ("cost_factors.csv", "mode,country,usd_per_feu_km,source\nsea,*,0.5,test\n".to_string()),
        ("emission_factors.csv", "mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nsea,hfo,10,12,test\n".to_string()),
        ("services.csv", services),
        ("feed_info.csv", "reference_date,source\n2026-06-01,test\n".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.into_bytes()))
    .collect();
    let (net, _) = match silkroute_feed::load_files(&files) {
        Ok(x) => x,
        Err(e) => panic!("the generated sea grid is invalid: {e}"),
    };
    let graph = compile(&net).expect("compiles");
    let tt = Timetable::compile(&net, &graph).expect("the timetable compiles");
    let raptor = PatternTrips::new(&net, &tt, days);
    SeaGrid {
        ports: net.places.len(),
        net,
        graph,
        tt,
        raptor,
    }
}

/// vulture's earliest arrival from port `from` to port `to` ready at `ready` (an instant),
/// with the label arrays of `cache`.
pub fn raptor_arrival_with(
    g: &SeaGrid,
    cache: &mut vulture::RaptorCache,
    from: u32,
    to: u32,
    ready: Instant,
) -> Option<Instant> {
    use vulture::Timetable as _;
    g.raptor
        .query()
        .from(StopIdx::new(from))
        .to(StopIdx::new(to))
        .max_transfers(64)
        .depart_at(raptor_time(ready))
        .run_with_cache(cache)
        .iter()
        .map(|j| j.arrival().0 as Instant + RAPTOR_ZERO)
        .min()
}

/// [`raptor_arrival_with`] with a cache of its own.
pub fn raptor_arrival(g: &SeaGrid, from: u32, to: u32, ready: Instant) -> Option<Instant> {
    let mut cache = vulture::RaptorCache::for_timetable(&g.raptor);
    raptor_arrival_with(g, &mut cache, from, to, ready)
}

/// An instant on vulture's clock.
pub fn raptor_time(t: Instant) -> SecondOfDay {
    SecondOfDay((t - RAPTOR_ZERO) as u32)
}

/// silkroute's patterns and their trips as a vulture [`vulture::Timetable`]: a stop per place, a
/// route per pattern, a trip per departure.
pub struct PatternTrips {
    n_stops: usize,
    /// Per route: its stops.
    routes: Vec<Vec<StopIdx>>,
    /// Per stop: the routes serving it, with the stop's first position.
    serving: Vec<Vec<(RouteIdx, u32)>>,
    /// Per route and position: may cargo board / alight there.
    pickup: Vec<Vec<bool>>,
    dropoff: Vec<Vec<bool>>,
    /// Per route: its trips in departure order.
    trips_of: Vec<Vec<TripIdx>>,
    /// Per route and position: the departures of its trips, in the same order.
    departures: Vec<Vec<Vec<SecondOfDay>>>,
    /// Per trip: its route and (arrival, departure) per position.
    trips: Vec<(u32, Vec<(SecondOfDay, SecondOfDay)>)>,
    no_footpaths: Vec<StopIdx>,
}

impl PatternTrips {
    fn new(net: &Network, tt: &Timetable, days: i64) -> PatternTrips {
        let n_stops = net.places.len();
        let mut out = PatternTrips {
            n_stops,
            routes: Vec::new(),
            serving: vec![Vec::new(); n_stops],
            pickup: Vec::new(),
            dropoff: Vec::new(),
            trips_of: Vec::new(),
            departures: Vec::new(),
            trips: Vec::new(),
            no_footpaths: Vec::new(),
        };
        for (r, p) in tt.patterns.iter().enumerate() {
            let stops: Vec<StopIdx> = p.stops.iter().map(|s| StopIdx::new(s.place.0)).collect();
            for (pos, st) in stops.iter().enumerate() {
                let list = &mut out.serving[st.get() as usize];
                if !list.iter().any(|(route, _)| route.get() == r as u32) {
                    list.push((RouteIdx::new(r as u32), pos as u32));
                }
            }
            out.routes.push(stops);
            out.pickup.push(p.stops.iter().map(|s| s.pickup).collect());
            out.dropoff
                .push(p.stops.iter().map(|s| s.dropoff).collect());
            let starts = p.trip_starts(RAPTOR_ZERO, EPOCH + days * 24 * 3600);
            let mut ids = Vec::new();
            let mut deps = vec![Vec::new(); p.stops.len()];
            for t0 in starts {
                let times: Vec<(SecondOfDay, SecondOfDay)> = p
                    .stops
                    .iter()
                    .map(|s| (raptor_time(t0 + s.arrive_s), raptor_time(t0 + s.depart_s)))
                    .collect();
                for (pos, &(_, d)) in times.iter().enumerate() {
                    deps[pos].push(d);
                }
                ids.push(TripIdx::new(out.trips.len() as u32));
                out.trips.push((r as u32, times));
            }
            out.trips_of.push(ids);
            out.departures.push(deps);
        }
        out
    }
}

impl vulture::Timetable for PatternTrips {
    fn n_stops(&self) -> usize {
        self.n_stops
    }
    fn n_routes(&self) -> usize {
        self.routes.len()
    }
    fn get_routes_serving_stop(&self, stop: StopIdx) -> &[(RouteIdx, u32)] {
        &self.serving[stop.get() as usize]
    }
    fn get_stops_after(&self, route: RouteIdx, pos: u32) -> &[StopIdx] {
        &self.routes[route.get() as usize][pos as usize..]
    }
    fn stop_at(&self, route: RouteIdx, pos: u32) -> StopIdx {
        self.routes[route.get() as usize][pos as usize]
    }
    fn get_earliest_trip(&self, route: RouteIdx, at: SecondOfDay, pos: u32) -> Option<TripIdx> {
        let r = route.get() as usize;
        if !self.pickup[r][pos as usize] {
            return None;
        }
        let k = self.departures[r][pos as usize].partition_point(|&d| d < at);
        self.trips_of[r].get(k).copied()
    }
    fn get_arrival_time(&self, trip: TripIdx, pos: u32) -> SecondOfDay {
        self.trips[trip.get() as usize].1[pos as usize].0
    }
    fn get_departure_time(&self, trip: TripIdx, pos: u32) -> SecondOfDay {
        self.trips[trip.get() as usize].1[pos as usize].1
    }
    fn pickup_allowed(&self, trip: TripIdx, pos: u32) -> bool {
        self.pickup[self.trips[trip.get() as usize].0 as usize][pos as usize]
    }
    fn drop_off_allowed(&self, trip: TripIdx, pos: u32) -> bool {
        self.dropoff[self.trips[trip.get() as usize].0 as usize][pos as usize]
    }
    fn get_footpaths_from(&self, _stop: StopIdx) -> &[StopIdx] {
        &self.no_footpaths
    }
}
