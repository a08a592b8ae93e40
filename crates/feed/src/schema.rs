//! The feed's files and their columns: the one schema the loader reads, the importers write and
//! docs/feed.md documents.

/// A file of a feed folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFile {
    /// `places.csv`: places.
    Places,
    /// `links.csv`: rail, road, sea and air links.
    Links,
    /// `borders.csv`: border crossings.
    Borders,
    /// `transfers.csv`: changes of mode or gauge.
    Transfers,
    /// `services.csv`: scheduled services.
    Services,
    /// `service_stops.csv`: stop patterns with times and boarding rules.
    ServiceStops,
    /// `service_fares.csv`: tariff tables, the price of rides between two stops of a service.
    ServiceFares,
    /// `footpaths.csv`: walks between stations and change times for passengers.
    Footpaths,
    /// `entry_rules.csv`: who may enter which country, for how long and why.
    EntryRules,
    /// `passenger_fares.csv`: one-way fares of passengers between two stops of a service.
    PassengerFares,
    /// `passenger_factors.csv`: emissions per passenger-km by mode.
    PassengerFactors,
    /// `countries.csv`: countries and their customs territories.
    Countries,
    /// `clearances.csv`: customs clearance by country (or place), mode and procedure.
    Clearances,
    /// `driving_rules.csv`: drivers' hours per country and crew.
    DrivingRules,
    /// `modes.csv`: defaults per mode.
    Modes,
    /// `feed_info.csv`: the feed's reference week.
    FeedInfo,
    /// `cost_factors.csv`: tariffs per mode and country.
    CostFactors,
    /// `emission_factors.csv`: emission intensities per mode and energy.
    EmissionFactors,
}

impl FeedFile {
    /// Every file, in the order they are read.
    pub const ALL: [FeedFile; 18] = [
        FeedFile::Places,
        FeedFile::Links,
        FeedFile::Borders,
        FeedFile::Transfers,
        FeedFile::Services,
        FeedFile::ServiceStops,
        FeedFile::ServiceFares,
        FeedFile::Footpaths,
        FeedFile::EntryRules,
        FeedFile::PassengerFares,
        FeedFile::PassengerFactors,
        FeedFile::Countries,
        FeedFile::Clearances,
        FeedFile::DrivingRules,
        FeedFile::Modes,
        FeedFile::CostFactors,
        FeedFile::EmissionFactors,
        FeedFile::FeedInfo,
    ];

    /// The file name (`links.csv`).
    pub const fn name(self) -> &'static str {
        match self {
            FeedFile::Places => "places.csv",
            FeedFile::Links => "links.csv",
            FeedFile::Borders => "borders.csv",
            FeedFile::Transfers => "transfers.csv",
            FeedFile::Services => "services.csv",
            FeedFile::ServiceStops => "service_stops.csv",
            FeedFile::ServiceFares => "service_fares.csv",
            FeedFile::Footpaths => "footpaths.csv",
            FeedFile::EntryRules => "entry_rules.csv",
            FeedFile::PassengerFares => "passenger_fares.csv",
            FeedFile::PassengerFactors => "passenger_factors.csv",
            FeedFile::Countries => "countries.csv",
            FeedFile::Clearances => "clearances.csv",
            FeedFile::DrivingRules => "driving_rules.csv",
            FeedFile::Modes => "modes.csv",
            FeedFile::FeedInfo => "feed_info.csv",
            FeedFile::CostFactors => "cost_factors.csv",
            FeedFile::EmissionFactors => "emission_factors.csv",
        }
    }

    /// Whether a feed must have this file.
    pub const fn is_required(self) -> bool {
        match self {
            FeedFile::Places => true,
            FeedFile::Links => true,
            FeedFile::Borders => false,
            FeedFile::Transfers => false,
            FeedFile::Services => false,
            FeedFile::ServiceStops => false,
            FeedFile::ServiceFares => false,
            FeedFile::Footpaths => false,
            FeedFile::EntryRules => false,
            FeedFile::PassengerFares => false,
            FeedFile::PassengerFactors => false,
            FeedFile::Countries => false,
            FeedFile::Clearances => false,
            FeedFile::DrivingRules => false,
            FeedFile::Modes => true,
            FeedFile::FeedInfo => false,
            FeedFile::CostFactors => true,
            FeedFile::EmissionFactors => true,
        }
    }

    /// The file called `name`, if it is one of the feed's.
    pub fn named(name: &str) -> Option<FeedFile> {
        FeedFile::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The columns every row must have.
    pub fn required_columns(self) -> &'static [&'static str] {
        self.schema().0
    }

    /// Every column the loader reads (others are warned about and ignored).
    pub fn columns(self) -> &'static [&'static str] {
        self.schema().1
    }

    /// Checks that a header an importer writes has every required column and only known ones.
    pub fn check_header(self, header: &[&str]) -> Result<(), String> {
        if let Some(c) = header.iter().find(|c| !self.columns().contains(c)) {
            return Err(format!(
                "{}: `{c}` is not a column of the feed",
                self.name()
            ));
        }
        if let Some(c) = self.required_columns().iter().find(|c| !header.contains(c)) {
            return Err(format!(
                "{}: the required column `{c}` is missing",
                self.name()
            ));
        }
        Ok(())
    }

    fn schema(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            FeedFile::Places => (
                &["id", "name_en", "country", "lat", "lon", "kind", "source"],
                &[
                    "id", "name_en", "name_zh", "name_ru", "aliases", "country", "lat", "lon",
                    "kind", "timezone", "source",
                ],
            ),
            FeedFile::Links => (
                &["id", "from", "to", "mode", "length_km", "status", "source"],
                &[
                    "id",
                    "from",
                    "to",
                    "mode",
                    "gauge_mm",
                    "length_km",
                    "speed_kmh",
                    "duration_h",
                    "track",
                    "electrified",
                    "energy",
                    "capacity",
                    "capacity_unit",
                    "status",
                    "opening_year",
                    "oneway",
                    "geometry",
                    "source",
                ],
            ),
            FeedFile::Borders => (
                &[
                    "id",
                    "from_post",
                    "to_post",
                    "mode",
                    "gauge_change",
                    "forward_p50_h",
                    "forward_p90_h",
                    "reverse_p50_h",
                    "reverse_p90_h",
                    "status",
                    "source",
                ],
                &[
                    "id",
                    "from_post",
                    "to_post",
                    "mode",
                    "gauge_mm",
                    "gauge_change",
                    "length_km",
                    "forward_p50_h",
                    "forward_p90_h",
                    "reverse_p50_h",
                    "reverse_p90_h",
                    "open_days",
                    "open_hours",
                    "open_timezone",
                    "closed_dates",
                    "vehicle_change",
                    "passengers",
                    "forward_fee_usd",
                    "reverse_fee_usd",
                    "capacity",
                    "capacity_unit",
                    "status",
                    "opening_year",
                    "source",
                ],
            ),
            FeedFile::Transfers => (
                &[
                    "id",
                    "place",
                    "from_mode",
                    "to_mode",
                    "both_ways",
                    "handling_p50_h",
                    "handling_p90_h",
                    "cost_usd",
                    "hub_co2e_kg_per_t",
                    "status",
                    "source",
                ],
                &[
                    "id",
                    "place",
                    "from_mode",
                    "from_gauge_mm",
                    "to_mode",
                    "to_gauge_mm",
                    "both_ways",
                    "handling_p50_h",
                    "handling_p90_h",
                    "cost_usd",
                    "hub_co2e_kg_per_t",
                    "capacity",
                    "capacity_unit",
                    "status",
                    "opening_year",
                    "source",
                ],
            ),
            FeedFile::Services => (
                &["id", "name", "mode", "status", "source"],
                &[
                    "id",
                    "name",
                    "operator",
                    "mode",
                    "carries",
                    "capacity_per_departure",
                    "stops",
                    "frequency_per_week",
                    "wait_model",
                    "days",
                    "times",
                    "start_date",
                    "end_date",
                    "add_dates",
                    "remove_dates",
                    "tariff_usd_per_feu",
                    "status",
                    "opening_year",
                    "source",
                ],
            ),
            FeedFile::ServiceStops => (
                &["service", "seq", "place"],
                &[
                    "service", "seq", "place", "arrive_h", "depart_h", "pickup", "dropoff", "via",
                ],
            ),
            FeedFile::ServiceFares => (
                &["service", "from", "to", "usd_per_feu", "source"],
                &["service", "from", "to", "usd_per_feu", "source"],
            ),
            FeedFile::Footpaths => (
                &["from", "to", "minutes", "source"],
                &["from", "to", "minutes", "source"],
            ),
            FeedFile::Countries => (
                &["code", "name_en", "customs_territory", "source"],
                &["code", "name_en", "customs_territory", "source"],
            ),
            FeedFile::Clearances => (
                &[
                    "id",
                    "country",
                    "mode",
                    "procedure",
                    "p50_h",
                    "p90_h",
                    "fee_usd",
                    "source",
                ],
                &[
                    "id",
                    "country",
                    "place",
                    "mode",
                    "procedure",
                    "p50_h",
                    "p90_h",
                    "fee_usd",
                    "source",
                ],
            ),
            FeedFile::DrivingRules => (DRIVING_RULES, DRIVING_RULES),
            FeedFile::EntryRules => (ENTRY_RULES, ENTRY_RULES),
            FeedFile::PassengerFares => (
                &["service", "from", "to", "usd", "source"],
                &["service", "from", "to", "usd", "source"],
            ),
            FeedFile::PassengerFactors => (
                &["mode", "wtw_g_per_pkm", "source"],
                &["mode", "wtw_g_per_pkm", "source"],
            ),
            FeedFile::Modes => (MODES, MODES_ALL),
            FeedFile::FeedInfo => (&["reference_date", "source"], &["reference_date", "source"]),
            FeedFile::CostFactors => (COST_FACTORS, COST_FACTORS),
            FeedFile::EmissionFactors => (EMISSION_FACTORS, EMISSION_FACTORS),
        }
    }
}

/// `driving_rules.csv`: every column is required (`continuous_driving_h` may be empty).
const DRIVING_RULES: &[&str] = &[
    "country",
    "crew",
    "continuous_driving_h",
    "break_h",
    "daily_driving_h",
    "daily_rest_h",
    "duty_spread_h",
    "source",
];

/// `entry_rules.csv`: every column is required (most may be empty).
const ENTRY_RULES: &[&str] = &[
    "passport",
    "destination",
    "valid_from",
    "valid_to",
    "regime",
    "days_per_stay",
    "days_per_period",
    "period_days",
    "purposes",
    "visa_lead_days",
    "visa_fee_usd",
    "condition",
    "source",
];

/// `modes.csv`: the required columns.
const MODES: &[&str] = &[
    "mode",
    "default_speed_kmh",
    "run_p90_factor",
    "default_wait_p50_h",
    "default_wait_p90_h",
    "default_energy",
    "source",
];

/// `modes.csv`: the required columns and the optional minimum connection time.
const MODES_ALL: &[&str] = &[
    "mode",
    "default_speed_kmh",
    "run_p90_factor",
    "default_wait_p50_h",
    "default_wait_p90_h",
    "min_connection_h",
    "default_energy",
    "source",
];

/// `cost_factors.csv`: every column is required.
const COST_FACTORS: &[&str] = &["mode", "country", "usd_per_feu_km", "source"];

/// `emission_factors.csv`: every column is required.
const EMISSION_FACTORS: &[&str] = &["mode", "energy", "ttw_g_per_tkm", "wtw_g_per_tkm", "source"];
