//! The whole network: collections of elements keyed by their ids.

use crate::customs::{Country, CustomsClearance, Procedure};
use crate::driving::DrivingRules;
use crate::elements::{BorderCrossing, Link, Place, Transfer};
use crate::parameters::{CostFactor, EmissionFactor, ModeDefaults};
use crate::service::Service;
use crate::table::Table;
use crate::vocabulary::Mode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The reference week of a feed that names none (no `feed_info.csv`): the week of Monday
/// 1 June 2026.
pub const DEFAULT_REFERENCE_DATE: Date = jiff::civil::date(2026, 6, 1);
use std::fmt;

/// Index of a place in [`Network::places`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlaceId(pub u32);

impl PlaceId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for PlaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "place #{}", self.0)
    }
}

/// A validated network: every reference resolved, every number in range.
///
/// Built by the feed loader (`silkroute-feed`); edited by scenarios; compiled into a routing
/// graph by `silkroute-graph`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Network {
    /// Places, indexed by [`PlaceId`] (a graph file's stay in its mapping until asked for).
    pub places: Table<Place>,
    /// Links (likewise).
    pub links: Table<Link>,
    /// Border crossings.
    pub borders: Vec<BorderCrossing>,
    /// Mode and gauge transfers.
    pub transfers: Vec<Transfer>,
    /// Regular services.
    pub services: Vec<Service>,
    /// Per-mode defaults.
    pub modes: Vec<ModeDefaults>,
    /// Per-km tariffs.
    pub cost_factors: Vec<CostFactor>,
    /// Emission intensities.
    pub emission_factors: Vec<EmissionFactor>,
    /// The Monday of the week the feed's timetables represent: undated queries take the cargo
    /// as ready at a random moment of this week.
    pub reference_date: Date,
    /// Countries and their customs territories (countries.csv); a country not listed is a
    /// territory of its own.
    #[serde(default)]
    pub countries: Vec<Country>,
    /// What customs clearance costs (clearances.csv).
    #[serde(default)]
    pub clearances: Vec<CustomsClearance>,
    /// Drivers' hours per country and crew (driving_rules.csv); none: trucks drive around the
    /// clock.
    #[serde(default)]
    pub driving_rules: Vec<DrivingRules>,
    /// Walks between stations for passengers (footpaths.csv).
    #[serde(default)]
    pub footpaths: Vec<crate::Footpath>,
    /// Who may enter which country, for how long and why (entry_rules.csv).
    #[serde(default)]
    pub entry_rules: Vec<crate::EntryRule>,
    /// Emissions per passenger-km by mode (passenger_factors.csv).
    #[serde(default)]
    pub passenger_factors: Vec<crate::PassengerFactor>,
    #[serde(skip)]
    place_index: PlaceIndex,
}

/// Places by id: their indices, hashed by the id they point to, so that indexing two million
/// places copies no id (a map of `String`s took 0.6 s and 130 MB when a big graph file opened).
/// Of two places with one id, the later wins. A table stored with an id index (a graph file's)
/// is looked up there, and only the places added after it are hashed.
#[derive(Clone, Default)]
struct PlaceIndex {
    table: hashbrown::HashTable<u32>,
    hasher: std::hash::RandomState,
}

impl PlaceIndex {
    fn of(places: &Table<Place>) -> PlaceIndex {
        let mut index = PlaceIndex {
            table: hashbrown::HashTable::new(),
            hasher: std::hash::RandomState::new(),
        };
        let first = if places.has_stored_id_index() {
            places.stored_count()
        } else {
            0
        };
        index.table.reserve(places.len() - first, |_| 0);
        for i in first..places.len() {
            index.insert(places, PlaceId(i as u32));
        }
        index
    }

    fn insert(&mut self, places: &Table<Place>, p: PlaceId) {
        use std::hash::BuildHasher;
        let id = places[p.index()].id.as_str();
        let hasher = &self.hasher;
        match self.table.entry(
            hasher.hash_one(id),
            |&j| places[j as usize].id == id,
            |&j| hasher.hash_one(places[j as usize].id.as_str()),
        ) {
            hashbrown::hash_table::Entry::Occupied(mut e) => *e.get_mut() = p.0,
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(p.0);
            }
        }
    }

    fn get(&self, places: &Table<Place>, id: &str) -> Option<PlaceId> {
        use std::hash::BuildHasher;
        self.table
            .find(self.hasher.hash_one(id), |&j| {
                places.get(j as usize).is_some_and(|p| p.id == id)
            })
            .map(|&j| PlaceId(j))
            .or_else(|| places.find_stored_id(id).map(|i| PlaceId(i as u32)))
    }
}

impl fmt::Debug for PlaceIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaceIndex({} ids)", self.table.len())
    }
}

/// The elements in which a network differs from the one it was derived from, as
/// [`Network::edits_from`] finds them (complete, each list sorted): indices into its links,
/// border crossings, transfers and services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementEdits {
    /// Links edited, in order.
    pub links: Vec<u32>,
    /// Border crossings edited, in order.
    pub borders: Vec<u32>,
    /// Transfers edited, in order.
    pub transfers: Vec<u32>,
    /// Services edited (a scenario edits status, frequency and calendar; any field counts),
    /// in order.
    pub services: Vec<u32>,
    /// Every stop of an edited service, as it was and as it is, with the service's mode, in
    /// order: the places where waits to board, and single-hop tariffs between them, may change.
    pub service_stops: Vec<(PlaceId, Mode)>,
}

impl ElementEdits {
    /// Whether nothing was edited.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
            && self.borders.is_empty()
            && self.transfers.is_empty()
            && self.services.is_empty()
    }
}

impl Network {
    /// How this network differs from `base` when only some of its links, border crossings,
    /// transfers and services differ (a scenario's status, speed, duration, factor, frequency
    /// and calendar edits): their indices. `None` when anything else differs: elements added or
    /// removed, places, or any parameter table. Links and places stored in the same graph file
    /// are compared through the records edited, not record by record.
    pub fn edits_from(&self, base: &Network) -> Option<ElementEdits> {
        // Every field named, so that a field added later must be thought about here.
        let Network {
            places,
            links,
            borders,
            transfers,
            services,
            modes,
            cost_factors,
            emission_factors,
            reference_date,
            countries,
            clearances,
            driving_rules,
            footpaths,
            entry_rules,
            passenger_factors,
            place_index: _,
        } = self;
        let same = modes == &base.modes
            && cost_factors == &base.cost_factors
            && emission_factors == &base.emission_factors
            && reference_date == &base.reference_date
            && countries == &base.countries
            && clearances == &base.clearances
            && driving_rules == &base.driving_rules
            && footpaths == &base.footpaths
            && entry_rules == &base.entry_rules
            && passenger_factors == &base.passenger_factors;
        if !same || !places.differing(&base.places)?.is_empty() {
            return None;
        }
        fn differing<T: PartialEq>(a: &[T], b: &[T]) -> Option<Vec<u32>> {
            (a.len() == b.len()).then(|| {
                (0..a.len() as u32)
                    .filter(|&i| a[i as usize] != b[i as usize])
                    .collect()
            })
        }
        let edited_services = differing(services, &base.services)?;
        let mut service_stops: Vec<(PlaceId, Mode)> = edited_services
            .iter()
            .flat_map(|&i| [&services[i as usize], &base.services[i as usize]])
            .flat_map(|s| s.stops.iter().map(|st| (st.place, s.mode)))
            .collect();
        service_stops.sort_unstable();
        service_stops.dedup();
        Some(ElementEdits {
            links: links
                .differing(&base.links)?
                .into_iter()
                .map(|i| i as u32)
                .collect(),
            borders: differing(borders, &base.borders)?,
            transfers: differing(transfers, &base.transfers)?,
            services: edited_services,
            service_stops,
        })
    }

    /// Assembles a network and indexes its places by id. Callers are expected to have
    /// validated the data (the feed loader does).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        places: impl Into<Table<Place>>,
        links: impl Into<Table<Link>>,
        borders: Vec<BorderCrossing>,
        transfers: Vec<Transfer>,
        services: Vec<Service>,
        modes: Vec<ModeDefaults>,
        cost_factors: Vec<CostFactor>,
        emission_factors: Vec<EmissionFactor>,
    ) -> Network {
        let places = places.into();
        let links = links.into();
        let place_index = PlaceIndex::of(&places);
        Network {
            places,
            links,
            borders,
            transfers,
            services,
            modes,
            cost_factors,
            emission_factors,
            reference_date: DEFAULT_REFERENCE_DATE,
            countries: Vec::new(),
            clearances: Vec::new(),
            driving_rules: Vec::new(),
            footpaths: Vec::new(),
            entry_rules: Vec::new(),
            passenger_factors: Vec::new(),
            place_index,
        }
    }

    /// This network with its index of places by id rebuilt (after deserializing, which skips
    /// it).
    pub fn indexed(mut self) -> Network {
        self.place_index = PlaceIndex::of(&self.places);
        self
    }

    /// This network without its places and links (a graph file stores those apart, as records
    /// read one at a time): every other table cloned, the places and links empty.
    pub fn without_places_and_links(&self) -> Network {
        Network {
            places: Table::new(),
            links: Table::new(),
            borders: self.borders.clone(),
            transfers: self.transfers.clone(),
            services: self.services.clone(),
            modes: self.modes.clone(),
            cost_factors: self.cost_factors.clone(),
            emission_factors: self.emission_factors.clone(),
            reference_date: self.reference_date,
            countries: self.countries.clone(),
            clearances: self.clearances.clone(),
            driving_rules: self.driving_rules.clone(),
            footpaths: self.footpaths.clone(),
            entry_rules: self.entry_rules.clone(),
            passenger_factors: self.passenger_factors.clone(),
            place_index: PlaceIndex::default(),
        }
    }

    /// The drivers' hours of a crew of `crew` in `country`: its own row, else the `*` row;
    /// `None` where the feed has neither (trucks then drive around the clock).
    /// (An index into [`Network::driving_rules`].)
    pub fn driving_rules_of(&self, country: &str, crew: u8) -> Option<usize> {
        let of = |c: Option<&str>| {
            self.driving_rules
                .iter()
                .position(|r| r.crew == crew && r.country.as_deref() == c)
        };
        of(Some(country)).or_else(|| of(None))
    }

    /// The place with this index.
    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id.index()]
    }

    /// Looks a place up by its exact id.
    pub fn place_id(&self, id: &str) -> Option<PlaceId> {
        self.place_index.get(&self.places, id)
    }

    /// Adds a place (used by scenarios) and returns its index.
    pub fn add_place(&mut self, place: Place) -> PlaceId {
        let id = PlaceId(self.places.push(place) as u32);
        self.place_index.insert(&self.places, id);
        id
    }

    /// Defaults of a mode. Validation guarantees one row per mode used.
    pub fn mode_defaults(&self, mode: Mode) -> Option<&ModeDefaults> {
        self.modes.iter().find(|m| m.mode == mode)
    }

    /// The per-km tariff of a mode in a country, falling back to the mode's `*` row.
    pub fn cost_factor(&self, mode: Mode, country: Option<&str>) -> Option<&CostFactor> {
        self.cost_factor_index(mode, country)
            .map(|i| &self.cost_factors[i])
    }

    /// Index in [`Network::cost_factors`] of the tariff [`Network::cost_factor`] returns.
    pub fn cost_factor_index(&self, mode: Mode, country: Option<&str>) -> Option<usize> {
        country
            .and_then(|c| {
                self.cost_factors
                    .iter()
                    .position(|f| f.mode == mode && f.country.as_deref() == Some(c))
            })
            .or_else(|| {
                self.cost_factors
                    .iter()
                    .position(|f| f.mode == mode && f.country.is_none())
            })
    }

    /// The customs territory of a country: its union's name, or its own code.
    pub fn customs_territory<'a>(&'a self, country: &'a str) -> &'a str {
        self.countries
            .iter()
            .find(|c| c.code == country)
            .map_or(country, |c| c.customs_territory.as_str())
    }

    /// The customs territory of a place.
    pub fn territory_of(&self, place: PlaceId) -> &str {
        self.customs_territory(&self.place(place).country)
    }

    /// Whether a link of `mode` from `a` to `b` leaves a customs territory without a border
    /// crossing: a flight or a sailing between two territories, which calls at the
    /// international sides of its ports and airports (exit and entry formalities).
    pub fn crosses_customs(&self, mode: Mode, a: PlaceId, b: PlaceId) -> bool {
        matches!(mode, Mode::Air | Mode::Sea) && self.territory_of(a) != self.territory_of(b)
    }

    /// The clearances.csv row (index) that applies to `procedure` at `place` by `mode`: the
    /// place's own row before its country's, a mode's before every mode's.
    pub fn clearance_index(
        &self,
        place: PlaceId,
        mode: Mode,
        procedure: Procedure,
    ) -> Option<usize> {
        let country = &self.place(place).country;
        self.clearances
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.fit(place, country, mode, procedure).map(|f| (f, i)))
            .max_by_key(|&(f, i)| (f, std::cmp::Reverse(i)))
            .map(|(_, i)| i)
    }

    /// The clearances.csv row of `procedure` at `place` by `mode` ([`Network::clearance_index`])
    /// with its figures; none: zero hours and fees (the feed has no figures).
    pub fn customs(
        &self,
        place: PlaceId,
        mode: Mode,
        procedure: Procedure,
    ) -> (Option<u32>, crate::Clearance) {
        let row = self.clearance_index(place, mode, procedure);
        let figures = row.map_or_else(crate::Clearance::default, |r| self.clearances[r].figures());
        (row.map(|r| r as u32), figures)
    }

    /// The emission intensity of a mode and energy.
    pub fn emission_factor(&self, mode: Mode, energy: &str) -> Option<&EmissionFactor> {
        self.emission_factors
            .iter()
            .find(|f| f.mode == mode && f.energy == energy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PlaceKind;

    fn place(id: &str, name: &str) -> Place {
        Place {
            id: id.into(),
            name_en: name.into(),
            name_zh: None,
            name_ru: None,
            aliases: Vec::new(),
            country: "KZ".into(),
            lat: 43.0,
            lon: 77.0,
            kind: PlaceKind::City,
            timezone: "Asia/Almaty".into(),
            source: "drawn in the test".into(),
        }
    }

    #[test]
    fn places_are_found_by_id_after_indexing_adding_and_decoding() {
        let places: Vec<_> = (0..1000).map(|i| place(&format!("p{i}"), "x")).collect();
        let mut net = Network::new(
            places,
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        );
        assert_eq!(net.place_id("p0"), Some(PlaceId(0)));
        assert_eq!(net.place_id("p999"), Some(PlaceId(999)));
        assert_eq!(net.place_id("p1000"), None);
        assert_eq!(net.place_id(""), None);
        // A place added later is found; one with an existing id takes the id over.
        assert_eq!(net.add_place(place("almaty", "Almaty")), PlaceId(1000));
        assert_eq!(net.place_id("almaty"), Some(PlaceId(1000)));
        assert_eq!(net.add_place(place("p7", "again")), PlaceId(1001));
        assert_eq!(net.place_id("p7"), Some(PlaceId(1001)));
        // A network read back (the index is not serialized) is indexed again.
        let back: Network = serde_json::from_str(&serde_json::to_string(&net).unwrap()).unwrap();
        assert_eq!(back.place_id("almaty"), None);
        let back = back.indexed();
        assert_eq!(back.place_id("almaty"), Some(PlaceId(1000)));
        assert_eq!(back.place_id("p7"), Some(PlaceId(1001)));
    }
}
