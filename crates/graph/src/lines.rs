//! Lines: the trips of patterns that stop at the same nodes, at the same costs, in one table
//! sorted by departure, so that boarding at a stop is one binary search instead of one look-up
//! per pattern (RAPTOR's routes; Delling, Pajor & Werneck 2012).
//!
//! A GTFS feed becomes one pattern per set of trips with the same stop times (the feed model's
//! service), so a subway line of a few stop sequences becomes hundreds of patterns, each with a
//! few trips. Their trips are gathered here into lines whose trips never overtake one another,
//! on a service day or from one day to the next: then the earliest trip leaving a stop is also
//! the earliest to arrive at every later stop, at the same money and emissions, and it is the
//! only one the router needs to board.

use crate::graph::NodeId;
use crate::timetable::{trip_start, Departures, Instant, Pattern, HORIZON_DAYS};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use silkroute_model::Mode;
use std::collections::HashMap;

/// A trip of a table leaves and arrives at every stop at most this long after the table's
/// first trip, so that on consecutive service days of 24 hours the trips keep their order. (On
/// the day of a clock change, trips within an hour of each other across midnight could swap:
/// the order is then assumed, not checked.)
const DAY_APART_S: i64 = 86_400;

/// Trips that share their stops, hops and costs and never overtake one another (see the
/// module), or a single pattern the router asks itself.
#[derive(Debug, Clone)]
pub struct Line {
    /// The patterns whose trips the line holds (indices into `Timetable::patterns`). All stop
    /// at the same nodes with the same pickup and drop-off rules.
    pub patterns: Vec<u32>,
    /// `patterns[0]`, kept beside its mode for the router's loop over the lines at a stop.
    pub first_pattern: u32,
    /// The patterns' mode.
    pub mode: Mode,
    /// The trips of a table line; `None`: one pattern, asked for its own departures (a
    /// frequency service, an unbounded calendar, or a pattern without a twin).
    table: Option<TripTable>,
}

/// The trips of a line on a service day, by departure.
#[derive(Debug, Clone)]
struct TripTable {
    /// Per trip, ascending: the index into `Line::patterns` of its pattern.
    trip_pattern: Vec<u32>,
    /// Per trip: seconds after local midnight at which it leaves the first stop.
    trip_start_s: Vec<i64>,
    /// `depart_s[i * trips + k]`: seconds after the start of its service day at which trip `k`
    /// leaves stop `i`; ascending in `k` for every stop (32 bits: half the cache lines of a
    /// binary search).
    depart_s: Vec<i32>,
    /// The days any of its patterns runs, ascending.
    days: Vec<LineDay>,
    /// `days[d].start`, contiguous for the search of the day.
    day_starts: Vec<Instant>,
    /// `first_day[k]`: the index of the first day in `days` that starts at or after
    /// `days[0].start + k` days (less an hour and a half for clock changes): finds the day of
    /// an instant without a binary search.
    first_day: Vec<u32>,
    /// Bit `q` of row `d` (`words` u64 per row): pattern `q` of the line runs on day `d`.
    runs: Vec<u64>,
    words: usize,
    /// The first stop's time zone.
    zone: TimeZone,
}

#[derive(Debug, Clone, Copy)]
struct LineDay {
    start: Instant,
    date: Date,
    regular: bool,
}

impl Line {
    /// The line of pattern `p` alone.
    fn single(patterns: &[Pattern], p: u32) -> Line {
        Line {
            patterns: vec![p],
            first_pattern: p,
            mode: patterns[p as usize].mode,
            table: None,
        }
    }

    /// The first departure from stop `i` at or after `ready` of any trip of the line, as the
    /// pattern it belongs to and the instant it leaves stop `i` (`q`: the quantile of a
    /// frequency service's wait, as in [`Pattern::next_departure`]).
    pub fn next_departure(
        &self,
        patterns: &[Pattern],
        i: usize,
        ready: Instant,
        q: f64,
    ) -> Option<(u32, Instant)> {
        match &self.table {
            None => {
                let p = self.patterns[0];
                patterns[p as usize]
                    .next_departure(i, ready, q)
                    .map(|t| (p, t))
            }
            Some(t) => t
                .next_departure(i, ready)
                .map(|(q, leaves)| (self.patterns[q as usize], leaves)),
        }
    }

    /// Whether the line is a table of trips of several patterns.
    pub fn is_table(&self) -> bool {
        self.table.is_some()
    }
}

impl TripTable {
    fn trips(&self) -> usize {
        self.trip_pattern.len()
    }

    fn runs_on(&self, day: usize, q: u32) -> bool {
        self.runs[day * self.words + q as usize / 64] & (1 << (q % 64)) != 0
    }

    /// (local pattern, instant it leaves stop `i`) of the first trip at or after `ready`.
    fn next_departure(&self, i: usize, ready: Instant) -> Option<(u32, Instant)> {
        let n = self.trips();
        let col = &self.depart_s[i * n..(i + 1) * n];
        let last = i64::from(*col.last()?);
        // A day with a clock change may run an hour later than start + seconds.
        let k = (ready - last - 3600 - self.day_starts[0]).div_euclid(86_400);
        let mut first =
            self.first_day[k.clamp(0, self.first_day.len() as i64 - 1) as usize] as usize;
        while first > 0 && self.day_starts[first - 1] + last + 3600 >= ready {
            first -= 1;
        }
        while first < self.days.len() && self.day_starts[first] + last + 3600 < ready {
            first += 1;
        }
        let mut best: Option<(u32, Instant)> = None;
        for (di, d) in self.days.iter().enumerate().skip(first) {
            // The earliest this day's trips can leave (a clock change may move them an hour).
            let earliest = d.start + i64::from(col[0]) - 3600;
            if best.is_some_and(|(_, b)| earliest >= b) || earliest - ready > HORIZON_DAYS * 86_400
            {
                break;
            }
            let found = if !d.regular {
                self.on_irregular_day(di, d, i, ready)
            } else {
                let k0 = first_at_or_after(col, ready - d.start);
                let row = &self.runs[di * self.words..(di + 1) * self.words];
                let runs = |q: u32| row[q as usize / 64] & (1 << (q % 64)) != 0;
                let k = match row {
                    // Up to 64 patterns: the day's running set in one word.
                    [word] => (k0..n).find(|&k| word >> self.trip_pattern[k] & 1 != 0),
                    _ => (k0..n).find(|&k| runs(self.trip_pattern[k])),
                };
                k.map(|k| (self.trip_pattern[k], d.start + i64::from(col[k])))
            };
            if let Some(f) = found {
                if best.is_none_or(|b| f.1 < b.1) {
                    best = Some(f);
                }
            }
        }
        best.filter(|&(_, leaves)| leaves - ready <= HORIZON_DAYS * 86_400)
    }

    /// The first trip leaving stop `i` at or after `ready` on day `di` (= `d`), a day with a
    /// clock change: each running trip's local start converted.
    fn on_irregular_day(
        &self,
        di: usize,
        d: &LineDay,
        i: usize,
        ready: Instant,
    ) -> Option<(u32, Instant)> {
        let n = self.trips();
        let col = &self.depart_s[i * n..(i + 1) * n];
        (0..n)
            .filter(|&k| self.runs_on(di, self.trip_pattern[k]))
            .filter_map(|k| {
                let s = self.trip_start_s[k];
                let time =
                    Time::new((s / 3600) as i8, (s / 60 % 60) as i8, (s % 60) as i8, 0).ok()?;
                let leaves = trip_start(d.date, time, &self.zone)? + i64::from(col[k]) - s;
                (leaves >= ready).then_some((self.trip_pattern[k], leaves))
            })
            .min_by_key(|&(_, t)| t)
    }
}

/// The first index of the ascending `col` whose value is at least `x`: a guess by linear
/// interpolation (trips of a line are spread over the day), then a galloping search from it,
/// so that a look-up touches a few cache lines instead of a binary search's dozen.
fn first_at_or_after(col: &[i32], x: i64) -> usize {
    let n = col.len();
    let (lo, hi) = match (col.first(), col.last()) {
        (Some(&lo), Some(&hi)) => (i64::from(lo), i64::from(hi)),
        _ => return 0,
    };
    if x <= lo {
        return 0;
    }
    if x > hi {
        return n;
    }
    // lo < x <= hi: the answer is in 1..n.
    let guess = (((x - lo) as i128 * (n as i128 - 1)) / (hi - lo) as i128) as usize;
    let below = |k: usize| i64::from(col[k]) < x;
    let (mut a, mut b);
    if below(guess) {
        // The answer is after `guess`: gallop up.
        (a, b) = (guess, guess + 1);
        let mut step = 1;
        while b < n && below(b) {
            a = b;
            step *= 2;
            b = (b + step).min(n);
        }
    } else {
        // At or before `guess`: gallop down.
        (a, b) = (guess, guess);
        let mut step = 1;
        while a > 0 && !below(a) {
            b = a;
            a = a.saturating_sub(step);
            step *= 2;
        }
    }
    // below(a) or a == 0 with !below; the answer is in a..=b.
    a + col[a..b].partition_point(|&s| i64::from(s) < x)
}

/// [`TripTable::first_day`] of `days`.
fn first_day(days: &[LineDay]) -> Vec<u32> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return vec![0];
    };
    let span = ((last.start - first.start) / 86_400 + 1) as usize;
    (0..=span)
        .map(|k| {
            let at = first.start + k as i64 * 86_400 - 5_400;
            days.partition_point(|d| d.start < at) as u32
        })
        .collect()
}

/// What patterns must share to be one line: everything but their times.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    mode: Mode,
    stops: Vec<(NodeId, bool, bool)>,
    hops: Vec<Vec<u32>>,
    /// Per hop: money, emissions and km (bits of the floats), and the tariff's rate.
    costs: Vec<(u64, u64, u64, Option<u64>)>,
    fares_from: Option<usize>,
}

fn key(p: &Pattern) -> Key {
    Key {
        mode: p.mode,
        stops: p
            .stops
            .iter()
            .map(|s| (s.node, s.pickup, s.dropoff))
            .collect(),
        hops: p.hops.clone(),
        costs: p
            .hop_totals
            .iter()
            .zip(&p.tariff_usd_per_feu_km)
            .map(|(h, t)| {
                (
                    h.usd_per_feu.to_bits(),
                    h.wtw_g_per_t.to_bits(),
                    h.km.to_bits(),
                    t.map(f64::to_bits),
                )
            })
            .collect(),
        fares_from: p.fares_from,
    }
}

/// Whether `p` runs on a bounded calendar (its running days all listed), so its trips can be
/// laid in a table.
fn tabled(p: &Pattern) -> bool {
    matches!(&p.departures, Departures::Timetable { days, .. }
        if days.covers_from.is_none() && !days.open_end && !days.days.is_empty())
}

/// The lines of `patterns`, in the order of their first pattern: patterns with the same key on
/// bounded calendars have their trips split greedily into tables whose trips never overtake
/// one another (at any stop, arrival and departure, on the same day and against the next
/// day's first trip); every other pattern is a line of its own.
pub(crate) fn lines(patterns: &[Pattern]) -> Vec<Line> {
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    for (p, pattern) in patterns.iter().enumerate() {
        if !tabled(pattern) {
            groups.push(vec![p as u32]);
            continue;
        }
        let g = *by_key.entry(key(pattern)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(p as u32);
    }
    let mut out = Vec::new();
    for group in groups {
        if group.len() == 1 {
            out.push(Line::single(patterns, group[0]));
            continue;
        }
        out.extend(split(patterns, &group));
    }
    out
}

/// The trips of `group` (patterns with one key) as tables of trips that never overtake.
fn split(patterns: &[Pattern], group: &[u32]) -> Vec<Line> {
    let mut trips: Vec<(i64, u32)> = group
        .iter()
        .flat_map(|&p| match &patterns[p as usize].departures {
            Departures::Timetable { day_seconds, .. } => {
                day_seconds.iter().map(|&s| (s, p)).collect::<Vec<_>>()
            }
            Departures::Frequency { .. } => Vec::new(),
        })
        .collect();
    trips.sort_unstable();
    // (stop, seconds) of a trip's arrival and departure at every stop.
    let times = |&(s, p): &(i64, u32)| {
        patterns[p as usize]
            .stops
            .iter()
            .map(move |st| (s + st.arrive_s, s + st.depart_s))
    };
    // A trip joins a table when it is no earlier than the table's last trip at every stop
    // and leaves every stop strictly later (one label per line and stop keeps the trip that
    // leaves first, so two trips leaving a stop together must be the same ride: identical
    // times), and leaves every stop before the table's first trip does on the next day.
    let fits = |line: &[(i64, u32)], t: &(i64, u32)| {
        let (first, last) = (&line[0], &line[line.len() - 1]);
        let same = times(last).eq(times(t));
        times(last)
            .zip(times(t))
            .zip(times(first))
            .all(|((l, x), f)| {
                l.0 <= x.0
                    && (l.1 < x.1 || same)
                    && x.0 <= f.0 + DAY_APART_S
                    && x.1 < f.1 + DAY_APART_S
            })
    };
    let mut tables: Vec<Vec<(i64, u32)>> = Vec::new();
    for t in trips {
        match tables.iter_mut().find(|line| fits(line, &t)) {
            Some(line) => line.push(t),
            None => tables.push(vec![t]),
        }
    }
    match tables
        .iter()
        .map(|trips| table_line(patterns, trips))
        .collect::<Option<Vec<Line>>>()
    {
        Some(lines) => lines,
        None => group.iter().map(|&p| Line::single(patterns, p)).collect(),
    }
}

/// A table line of `trips` (seconds of day at the first stop, pattern), in order; `None` when
/// a stop time does not fit in 32 bits (a ride of 68 years).
fn table_line(patterns: &[Pattern], trips: &[(i64, u32)]) -> Option<Line> {
    let mut line_patterns: Vec<u32> = trips.iter().map(|t| t.1).collect();
    line_patterns.sort_unstable();
    line_patterns.dedup();
    let local = |p: u32| line_patterns.binary_search(&p).expect("a line's pattern") as u32;
    let first = &patterns[line_patterns[0] as usize];
    let n = trips.len();
    let stops = first.stops.len();
    let mut depart_s = vec![0; stops * n];
    for (k, &(s, p)) in trips.iter().enumerate() {
        for (i, st) in patterns[p as usize].stops.iter().enumerate() {
            depart_s[i * n + k] = i32::try_from(s + st.depart_s).ok()?;
        }
    }
    let running = |p: u32| match &patterns[p as usize].departures {
        Departures::Timetable { days, .. } => days.days.as_slice(),
        Departures::Frequency { .. } => &[],
    };
    let mut days: Vec<LineDay> = line_patterns
        .iter()
        .flat_map(|&p| running(p))
        .map(|d| LineDay {
            start: d.start,
            date: d.date,
            regular: d.regular,
        })
        .collect();
    days.sort_unstable_by_key(|d| d.start);
    days.dedup_by_key(|d| d.start);
    let words = line_patterns.len().div_ceil(64);
    let mut runs = vec![0u64; days.len() * words];
    for (q, &p) in line_patterns.iter().enumerate() {
        for d in running(p) {
            let di = days.partition_point(|x| x.start < d.start);
            runs[di * words + q / 64] |= 1 << (q % 64);
        }
    }
    let zone = match &first.departures {
        Departures::Timetable { zone, .. } => zone.clone(),
        Departures::Frequency { .. } => TimeZone::UTC,
    };
    Some(Line {
        table: Some(TripTable {
            trip_pattern: trips.iter().map(|t| local(t.1)).collect(),
            trip_start_s: trips.iter().map(|t| t.0).collect(),
            depart_s,
            day_starts: days.iter().map(|d| d.start).collect(),
            first_day: first_day(&days),
            days,
            runs,
            words,
            zone,
        }),
        first_pattern: line_patterns[0],
        mode: first.mode,
        patterns: line_patterns,
    })
}

#[cfg(test)]
mod tests {
    use super::first_at_or_after;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_galloping_search_equals_a_binary_search(
            mut col in proptest::collection::vec(-100_000i32..200_000, 0..300),
            x in -120_000i64..220_000,
        ) {
            col.sort_unstable();
            let expected = col.partition_point(|&s| i64::from(s) < x);
            prop_assert_eq!(first_at_or_after(&col, x), expected);
        }
    }
}
