//! Finding places by id or name, forgiving about case, accents and apostrophes.

use rstar::primitives::GeomWithData;
use rstar::RTree;
use silkroute_model::{Network, Place, PlaceId};
use std::collections::HashMap;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Normalises a name for matching: compatibility decomposition, accents dropped, lowercase, and
/// everything but letters and digits removed (`Xi'an` → `xian`, `Alma-Ata` → `almaata`,
/// `Алматы` → `алматы`, `西安` → `西安`).
pub fn normalize_name(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A place name that matched nothing, with the closest names.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("unknown place `{query}`{}", suggest(.suggestions))]
pub struct UnknownPlace {
    /// What the user typed.
    pub query: String,
    /// Up to three `(id, English name)` pairs, closest first.
    pub suggestions: Vec<(String, String)>,
}

fn suggest(s: &[(String, String)]) -> String {
    if s.is_empty() {
        return String::new();
    }
    let names: Vec<String> = s
        .iter()
        .map(|(id, name)| format!("{name} ({id})"))
        .collect();
    format!("; did you mean {}?", names.join(", "))
}

/// `lat,lon` in decimal degrees, if `s` is that.
/// Every name a place is found by: id, English, Chinese and Russian names, aliases.
pub(crate) fn names_of(p: &Place) -> impl Iterator<Item = &String> {
    [
        Some(&p.id),
        Some(&p.name_en),
        p.name_zh.as_ref(),
        p.name_ru.as_ref(),
    ]
    .into_iter()
    .flatten()
    .chain(p.aliases.iter())
}

/// The point on the unit sphere at `lat`, `lon` (degrees): the nearest place by straight-line
/// distance between these points is the nearest on the sphere, across the date line too.
fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// An R*-tree (rstar) of the places' positions, for nearest-place queries in O(log n).
fn positions(net: &Network) -> RTree<GeomWithData<[f64; 3], u32>> {
    RTree::bulk_load(
        net.places
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(unit_vector(p.lat, p.lon), i as u32))
            .collect(),
    )
}

pub(crate) fn parse_lat_lon(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lon: f64 = b.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// An index of every name of every place.
#[derive(Debug, Clone)]
pub struct PlaceFinder {
    by_key: HashMap<String, PlaceId>,
    keys: Vec<(String, PlaceId)>,
    names: Vec<(String, String)>,
    /// `[lat, lon]` of every place, for "lat,lon" queries.
    positions: RTree<GeomWithData<[f64; 3], u32>>,
}

impl PlaceFinder {
    /// Indexes the ids, English, Chinese and Russian names and aliases of `net`'s places.
    /// When two places share a name, the id wins, then the first place in the feed.
    pub fn new(net: &Network) -> PlaceFinder {
        let mut by_key = HashMap::new();
        let mut keys = Vec::new();
        for (i, p) in net.places.iter().enumerate() {
            by_key.insert(normalize_name(&p.id), PlaceId(i as u32));
        }
        for (i, p) in net.places.iter().enumerate() {
            let id = PlaceId(i as u32);
            for name in names_of(p) {
                let key = normalize_name(name);
                if key.is_empty() {
                    continue;
                }
                by_key.entry(key.clone()).or_insert(id);
                keys.push((key, id));
            }
        }
        let names = net
            .places
            .iter()
            .map(|p| (p.id.clone(), p.name_en.clone()))
            .collect();
        let positions = positions(net);
        PlaceFinder {
            by_key,
            keys,
            names,
            positions,
        }
    }

    /// The place called `query`, or the closest names.
    /// A query of the form `lat,lon` (decimal degrees, such as `60.1699,24.9384`) finds the
    /// nearest place, for networks whose places are junctions without names.
    pub fn find(&self, query: &str) -> Result<PlaceId, UnknownPlace> {
        if let Some((lat, lon)) = parse_lat_lon(query) {
            if let Some(p) = self.nearest(lat, lon) {
                return Ok(p);
            }
        }
        let key = normalize_name(query);
        if let Some(&p) = self.by_key.get(&key) {
            return Ok(p);
        }
        let mut scored: Vec<(f64, PlaceId)> = self
            .keys
            .iter()
            .map(|(k, p)| {
                let mut s = strsim::jaro_winkler(&key, k);
                if !key.is_empty() && (k.starts_with(&key) || key.starts_with(k.as_str())) {
                    s += 0.2;
                }
                (s, *p)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut suggestions = Vec::new();
        for (score, p) in scored {
            if score < 0.6 || suggestions.len() == 3 {
                break;
            }
            let pair = self.names[p.index()].clone();
            if !suggestions.contains(&pair) {
                suggestions.push(pair);
            }
        }
        Err(UnknownPlace {
            query: query.to_string(),
            suggestions,
        })
    }
}

impl PlaceFinder {
    /// A finder for these queries only: when every query is `lat,lon`, the name index (which
    /// takes seconds to build on a network of millions of junctions) is not built.
    pub fn for_queries(net: &Network, queries: &[&str]) -> PlaceFinder {
        if queries.iter().all(|q| parse_lat_lon(q).is_some()) {
            PlaceFinder {
                by_key: HashMap::new(),
                keys: Vec::new(),
                names: Vec::new(),
                positions: positions(net),
            }
        } else {
            PlaceFinder::new(net)
        }
    }

    /// The place nearest to `lat`, `lon` on the sphere (an R*-tree query, O(log n)).
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<PlaceId> {
        self.positions
            .nearest_neighbor(unit_vector(lat, lon))
            .map(|p| PlaceId(p.data))
    }
}
