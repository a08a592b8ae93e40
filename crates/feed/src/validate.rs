//! Checks across rows and files: references between elements, coverage of parameter tables,
//! and warnings for suspicious data (lengths far from the great-circle distance, places cut off
//! from the rest of the network, sea or air links without a service).

use crate::report::Report;
use geo::{Distance, Haversine, Point};
use silkroute_model::{Mode, Network, PlaceId, Status};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Line numbers of the loaded elements, parallel to the network's collections.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    pub places: Vec<u64>,
    pub links: Vec<u64>,
    pub borders: Vec<u64>,
    pub transfers: Vec<u64>,
    pub services: Vec<u64>,
}

/// Great-circle distance between two places in km.
fn great_circle_km(net: &Network, a: silkroute_model::PlaceId, b: silkroute_model::PlaceId) -> f64 {
    let (pa, pb) = (net.place(a), net.place(b));
    Haversine.distance(Point::new(pa.lon, pa.lat), Point::new(pb.lon, pb.lat)) / 1000.0
}

/// Every cross-row check of [`crate::load_dir`] on any network (an edited copy, a network built
/// in code): the same errors and warnings, without line numbers.
pub fn validate(net: &Network) -> Report {
    let mut report = Report::default();
    check(net, &Lines::default(), &mut report);
    report
}

pub(crate) fn check(net: &Network, lines: &Lines, report: &mut Report) {
    check_parameters(net, lines, report);
    check_gauge_changes(net, lines, report);
    check_gauge_neighbours(net, lines, report);
    check_lengths(net, lines, report);
    check_services(net, lines, report);
    check_transfers(net, lines, report);
    check_connectivity(net, lines, report);
    check_customs(net, lines, report);
    check_gaugeless_rail(net, lines, report);
    check_capacities(net, lines, report);
}

/// Warns, once per file, about open elements that carry cargo through a bottleneck but have
/// no capacity: border crossings, transfers (gauge-change and intermodal yards) and rail links
/// with a gauge. The assignment cannot congest them, and says so in its output
/// (`capacity_basis = missing`) rather than taking them as infinite.
fn check_capacities(net: &Network, lines: &Lines, report: &mut Report) {
    let open = Status::Open;
    let line = |ls: &[u64], i: usize| ls.get(i).copied();
    let borders = net
        .borders
        .iter()
        .enumerate()
        .filter(|(_, b)| b.status == open);
    let borders =
        borders.map(|(i, b)| (b.id.as_str(), line(&lines.borders, i), b.capacity.is_some()));
    warn_missing_capacities(report, "borders.csv", "border crossings", borders);
    let transfers = net
        .transfers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status == open);
    let transfers = transfers.map(|(i, t)| {
        (
            t.id.as_str(),
            line(&lines.transfers, i),
            t.capacity.is_some(),
        )
    });
    warn_missing_capacities(report, "transfers.csv", "transfers", transfers);
    let rail = net
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.status == open && l.mode == Mode::Rail && l.gauge.is_some());
    let rail = rail.map(|(i, l)| (l.id.as_str(), line(&lines.links, i), l.capacity.is_some()));
    warn_missing_capacities(report, "links.csv", "rail links", rail);
}

/// One warning for the `(id, line, has a capacity)` rows of `file` that have none: their
/// count, the first line and the first five ids.
fn warn_missing_capacities<'a>(
    report: &mut Report,
    file: &str,
    what: &str,
    rows: impl Iterator<Item = (&'a str, Option<u64>, bool)>,
) {
    let (mut of, mut missing) = (0, Vec::new());
    for (id, line, has_capacity) in rows {
        of += 1;
        if !has_capacity {
            missing.push((id, line));
        }
    }
    let Some(&(_, line)) = missing.first() else {
        return;
    };
    let shown: Vec<&str> = missing.iter().take(5).map(|(id, _)| *id).collect();
    report.warning(
        file,
        line,
        Some("capacity"),
        format!(
            "{} of {of} open {what} have no capacity (`{}`{}): the assignment does not congest them and reports them as missing",
            missing.len(),
            shown.join("`, `"),
            if missing.len() > shown.len() { ", …" } else { "" }
        ),
    );
}

/// Warns once about rail links without a gauge (a GTFS import's): passenger services run on
/// them, but no cargo service may, and no chartered train is formed on them.
fn check_gaugeless_rail(net: &Network, lines: &Lines, report: &mut Report) {
    let gaugeless: Vec<usize> = (0..net.links.len())
        .filter(|&i| net.links[i].mode == Mode::Rail && net.links[i].gauge.is_none())
        .collect();
    if let Some(&first) = gaugeless.first() {
        report.warning(
            "links.csv",
            lines.links.get(first).copied(),
            Some("gauge_mm"),
            format!(
                "{} rail link(s) have no gauge (`{}` first): passenger services may use them, cargo is not routed on them by chartered train",
                gaugeless.len(),
                net.links[first].id
            ),
        );
    }
    for (si, s) in net.services.iter().enumerate() {
        if !s.carries.cargo() || s.mode != Mode::Rail {
            continue;
        }
        if let Some(l) = s
            .stops
            .iter()
            .flat_map(|st| st.via.iter())
            .find(|&&l| net.links[l as usize].gauge.is_none())
        {
            report.error(
                "services.csv",
                lines.services.get(si).copied(),
                Some("carries"),
                format!(
                    "`{}` carries cargo on the rail link `{}`, which has no gauge",
                    s.id, net.links[*l as usize].id
                ),
            );
        }
    }
}

/// Warns where customs figures are missing: the exit and entry of a flight or sailing between
/// customs territories, and the export and import clearance of a country's places by the modes
/// they are reached on (when the network spans more than one territory). Missing figures count
/// as 0 h and 0 USD, and the itinerary says so.
fn check_customs(net: &Network, lines: &Lines, report: &mut Report) {
    use silkroute_model::Procedure;
    for (i, l) in net.links.iter().enumerate() {
        if l.status != Status::Open || !net.crosses_customs(l.mode, l.from, l.to) {
            continue;
        }
        for (place, procedure) in [
            (l.from, Procedure::Exit),
            (l.from, Procedure::Entry),
            (l.to, Procedure::Exit),
            (l.to, Procedure::Entry),
        ] {
            if net.clearance_index(place, l.mode, procedure).is_none() {
                report.warning(
                    "links.csv",
                    lines.links.get(i).copied(),
                    Some("to"),
                    format!(
                        "`{}` leaves a customs territory by {}, but clearances.csv has no {procedure} figures for `{}` ({}): counted as 0 h and 0 USD",
                        l.id,
                        l.mode,
                        net.place(place).id,
                        net.place(place).country
                    ),
                );
            }
        }
    }
    let territories: HashSet<&str> = net
        .places
        .iter()
        .map(|p| net.customs_territory(&p.country))
        .collect();
    if territories.len() < 2 || net.clearances.is_empty() {
        // A feed without clearances.csv: its itineraries say where figures are missing.
        return;
    }
    let mut missing: BTreeSet<(String, Procedure, Mode)> = BTreeSet::new();
    for l in net.links.iter().filter(|l| l.status == Status::Open) {
        for p in [l.from, l.to] {
            for procedure in [Procedure::Export, Procedure::Import] {
                if net.clearance_index(p, l.mode, procedure).is_none() {
                    missing.insert((net.place(p).country.clone(), procedure, l.mode));
                }
            }
        }
    }
    for (country, procedure, mode) in missing {
        report.warning(
            "clearances.csv",
            None,
            Some("procedure"),
            format!("no {procedure} clearance figures for {country} by {mode}: cargo leaving or entering its customs territory there is cleared in 0 h for 0 USD"),
        );
    }
}

fn used_modes(net: &Network) -> BTreeSet<Mode> {
    let mut used = BTreeSet::new();
    used.extend(net.links.iter().map(|l| l.mode));
    used.extend(net.borders.iter().map(|b| b.mode));
    used.extend(net.services.iter().map(|s| s.mode));
    used.extend(net.transfers.iter().flat_map(|t| [t.from.mode, t.to.mode]));
    used
}

fn check_parameters(net: &Network, lines: &Lines, report: &mut Report) {
    if net.modes.is_empty() && net.cost_factors.is_empty() && net.links.is_empty() {
        return; // the files themselves are broken and already reported
    }
    for mode in used_modes(net) {
        if net.mode_defaults(mode).is_none() {
            report.error(
                "modes.csv",
                None,
                Some("mode"),
                format!("no row for mode `{mode}`, which the network uses"),
            );
        }
        if net.cost_factor(mode, None).is_none() {
            report.error(
                "cost_factors.csv",
                None,
                Some("country"),
                format!("no default row (country `*`) for mode `{mode}`"),
            );
        }
    }
    for m in &net.modes {
        if !net
            .emission_factors
            .iter()
            .any(|f| f.mode == m.mode && f.energy == m.default_energy)
        {
            report.error(
                "modes.csv",
                None,
                Some("default_energy"),
                format!(
                    "mode `{}` defaults to energy `{}`, which emission_factors.csv lacks",
                    m.mode, m.default_energy
                ),
            );
        }
    }
    for (i, l) in net.links.iter().enumerate() {
        let line = lines.links.get(i).copied();
        let Some(defaults) = net.mode_defaults(l.mode) else {
            continue;
        };
        let energy = l.energy_key(&defaults.default_energy);
        if net.emission_factor(l.mode, energy).is_none() {
            report.error(
                "links.csv",
                line,
                Some("energy"),
                format!(
                    "no emission factor for {}/{energy} in emission_factors.csv",
                    l.mode
                ),
            );
        }
    }
}

fn check_gauge_changes(net: &Network, lines: &Lines, report: &mut Report) {
    for (i, b) in net.borders.iter().enumerate() {
        let line = lines.borders.get(i).copied();
        let has_gauge_transfer = net
            .transfers
            .iter()
            .any(|t| t.is_gauge_change() && (t.place == b.from_post || t.place == b.to_post));
        if b.gauge_change && !has_gauge_transfer {
            report.error(
                "borders.csv",
                line,
                Some("gauge_change"),
                format!(
                    "the gauge changes here but transfers.csv has no gauge change at `{}` or `{}`",
                    net.place(b.from_post).id,
                    net.place(b.to_post).id
                ),
            );
        }
        if !b.gauge_change && b.mode == Mode::Rail && has_gauge_transfer {
            report.warning(
                "borders.csv",
                line,
                Some("gauge_change"),
                "a gauge transfer exists at one of the posts but gauge_change is `no`",
            );
        }
    }
}

/// A rail link whose gauge no other rail link and no gauge transfer shares at a place where other
/// rail lines meet is almost always a typing error: trains cannot run on from it, and routes
/// silently go round (a 1000 mm link on the Xi'an–Lanzhou line adds 1,318 km to Xi'an → Almaty).
fn check_gauge_neighbours(net: &Network, lines: &Lines, report: &mut Report) {
    for (i, l) in net.links.iter().enumerate() {
        if l.mode != Mode::Rail {
            continue;
        }
        let line = lines.links.get(i).copied();
        for end in [l.from, l.to] {
            let others: Vec<_> = net
                .links
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.mode == Mode::Rail && (o.from == end || o.to == end))
                .map(|(_, o)| o)
                .collect();
            if others.is_empty() || others.iter().any(|o| o.gauge == l.gauge) {
                continue;
            }
            let transfer = net.transfers.iter().any(|t| {
                t.place == end
                    && t.is_gauge_change()
                    && (t.from.gauge == l.gauge || t.to.gauge == l.gauge)
            });
            if !transfer {
                let gauges: BTreeSet<u16> =
                    others.iter().filter_map(|o| o.gauge.map(|g| g.0)).collect();
                report.warning(
                    "links.csv",
                    line,
                    Some("gauge_mm"),
                    format!(
                        "link `{}` has gauge {} mm, which no other rail link ({} mm) and no gauge transfer uses at `{}`: trains cannot run on from it",
                        l.id,
                        l.gauge.map(|g| g.0.to_string()).unwrap_or_else(|| "no".into()),
                        gauges.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
                        net.place(end).id
                    ),
                );
            }
        }
    }
}

fn check_lengths(net: &Network, lines: &Lines, report: &mut Report) {
    for (i, l) in net.links.iter().enumerate() {
        let line = lines.links.get(i).copied();
        let gc = great_circle_km(net, l.from, l.to);
        if gc < 5.0 {
            continue;
        }
        let ratio = l.length_km / gc;
        let max = match l.mode {
            Mode::Rail | Mode::Road => 2.5,
            Mode::Sea => 3.0,
            Mode::Air => 1.5,
        };
        // No road or track is shorter than the straight line between its ends; 3 % allows
        // for a station or terminal away from the point that stands for its town.
        if !(0.97..=max).contains(&ratio) {
            report.warning(
                "links.csv",
                line,
                Some("length_km"),
                format!(
                    "length {:.0} km is {ratio:.2}× the great-circle distance {gc:.0} km between `{}` and `{}`",
                    l.length_km,
                    net.place(l.from).id,
                    net.place(l.to).id
                ),
            );
        }
    }
}

fn check_services(net: &Network, lines: &Lines, report: &mut Report) {
    for (i, l) in net.links.iter().enumerate() {
        let line = lines.links.get(i).copied();
        if !matches!(l.mode, Mode::Sea | Mode::Air) || l.status != Status::Open {
            continue;
        }
        let served = net.services.iter().any(|s| {
            s.mode == l.mode
                && s.status == Status::Open
                && s.stops.windows(2).any(|w| {
                    (w[0].place == l.from && w[1].place == l.to)
                        || (w[0].place == l.to && w[1].place == l.from)
                })
        });
        if !served {
            report.warning(
                "links.csv",
                line,
                Some("id"),
                format!(
                    "no open {} service runs over `{}`: {} moves only by service, so the link is not used",
                    l.mode, l.id, l.mode
                ),
            );
        }
    }
    for (i, s) in net.services.iter().enumerate() {
        let line = lines.services.get(i).copied();
        for w in s.stops.windows(2) {
            let (a, b) = (w[0].place, w[1].place);
            let problem = if w[1].via.is_empty() {
                (!track_exists(net, s.mode, a, b)).then(|| {
                    format!(
                        "no {} track (links and border crossings) joins consecutive stops `{}` and `{}`",
                        s.mode,
                        net.place(a).id,
                        net.place(b).id
                    )
                })
            } else {
                via_problem(net, s.mode, a, b, &w[1].via)
            };
            if let Some(p) = problem {
                report.error(
                    "services.csv",
                    line,
                    Some("stops"),
                    format!("`{}`: {p}", s.id),
                );
            }
        }
    }
}

/// Whether links and border crossings of `mode` (any gauge) join `a` to `b`.
fn track_exists(net: &Network, mode: Mode, a: PlaceId, b: PlaceId) -> bool {
    let mut next: HashMap<PlaceId, Vec<PlaceId>> = HashMap::new();
    for l in net.links.iter().filter(|l| l.mode == mode) {
        next.entry(l.from).or_default().push(l.to);
        if !l.oneway {
            next.entry(l.to).or_default().push(l.from);
        }
    }
    for x in net.borders.iter().filter(|x| x.mode == mode) {
        next.entry(x.from_post).or_default().push(x.to_post);
        next.entry(x.to_post).or_default().push(x.from_post);
    }
    let mut seen = HashSet::from([a]);
    let mut todo = vec![a];
    while let Some(p) = todo.pop() {
        if p == b {
            return true;
        }
        for &q in next.get(&p).into_iter().flatten() {
            if seen.insert(q) {
                todo.push(q);
            }
        }
    }
    false
}

/// What is wrong with the `via` links of a hop from `a` to `b`, if anything: each must be of
/// the service's mode and continue where the one before ended (border crossings between them
/// are taken where the links end at the two posts of one).
fn via_problem(net: &Network, mode: Mode, a: PlaceId, b: PlaceId, via: &[u32]) -> Option<String> {
    let mut at = a;
    for &li in via {
        let l = &net.links[li as usize];
        if l.mode != mode {
            return Some(format!("via link `{}` is {}, not {}", l.id, l.mode, mode));
        }
        if at != l.from && at != l.to {
            let crossed = net.borders.iter().find(|x| {
                x.mode == mode
                    && ((x.from_post == at && (x.to_post == l.from || x.to_post == l.to))
                        || (x.to_post == at && (x.from_post == l.from || x.from_post == l.to)))
            });
            match crossed {
                Some(x) => {
                    at = if x.from_post == at {
                        x.to_post
                    } else {
                        x.from_post
                    }
                }
                None => {
                    return Some(format!(
                        "via link `{}` does not continue from `{}`",
                        l.id,
                        net.place(at).id
                    ))
                }
            }
        }
        at = if at == l.from { l.to } else { l.from };
    }
    (at != b).then(|| {
        format!(
            "the via links end at `{}`, not at the stop `{}`",
            net.place(at).id,
            net.place(b).id
        )
    })
}

fn check_transfers(net: &Network, lines: &Lines, report: &mut Report) {
    for (i, t) in net.transfers.iter().enumerate() {
        let line = lines.transfers.get(i).copied();
        for (layer, col) in [(t.from, "from_mode"), (t.to, "to_mode")] {
            let reached = net
                .links
                .iter()
                .any(|l| l.layer() == layer && (l.from == t.place || l.to == t.place))
                || net.borders.iter().any(|b| {
                    b.layer() == layer && (b.from_post == t.place || b.to_post == t.place)
                })
                || net.transfers.iter().any(|o| {
                    o.id != t.id && o.place == t.place && (o.from == layer || o.to == layer)
                });
            if !reached {
                report.warning(
                    "transfers.csv",
                    line,
                    Some(col),
                    format!("no link or border on {layer} reaches `{}`; this side of the transfer is unused", net.place(t.place).id),
                );
            }
        }
    }
}

fn check_connectivity(net: &Network, lines: &Lines, report: &mut Report) {
    let n = net.places.len();
    if n == 0 {
        return;
    }
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra] = rb;
        }
    };
    for l in &net.links {
        union(l.from.index(), l.to.index());
    }
    for b in &net.borders {
        union(b.from_post.index(), b.to_post.index());
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut parent, i)).collect();
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &r in &roots {
        *sizes.entry(r).or_default() += 1;
    }
    let biggest = sizes
        .iter()
        .max_by_key(|(r, s)| (**s, std::cmp::Reverse(**r)))
        .map(|(r, _)| *r);
    for (i, &root) in roots.iter().enumerate() {
        let line = lines.places.get(i).copied();
        if sizes[&root] == 1 {
            report.warning(
                "places.csv",
                line,
                Some("id"),
                format!(
                    "place `{}` has no link or border crossing",
                    net.places[i].id
                ),
            );
        } else if Some(root) != biggest {
            report.warning(
                "places.csv",
                line,
                Some("id"),
                format!(
                    "place `{}` is not connected to the main network",
                    net.places[i].id
                ),
            );
        }
    }
}
