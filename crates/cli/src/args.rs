//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use silkroute_route::{
    Objective, DEFAULT_EPSILON, DEFAULT_PARETO_CAP, MAX_ALTERNATIVES, MAX_PARETO_CAP,
};
use std::path::PathBuf;

/// Routes freight across the China–Central Asia corridors and explains every leg.
#[derive(Parser)]
#[command(name = "silkroute", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Use the feed in this folder instead of the built-in network (see docs/feed.md).
    #[arg(long, global = true, value_name = "DIR")]
    pub feed: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  silkroute route \"Xi'an\" Almaty --modes rail
  silkroute route Kashgar Andijan --modes rail --scenario cku-open
  silkroute route 西安 Baku --by cost --json
  silkroute route \"Xi'an\" Tashkent --pareto
  silkroute route Chongqing Almaty --deadline 10d
  silkroute matrix --from xian,chongqing --to almaty,tashkent --format json
  silkroute reach Urumqi --within 5d --modes rail
  silkroute places --country KZ
  silkroute validate data/builtin
  silkroute export geojson -o network.geojson
  silkroute serve                      # then open http://127.0.0.1:8080";

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// The best route between two places, leg by leg.
    Route(RouteArgs),
    /// A traveller's trip on passenger services, with the entry rules of every country.
    Trip(TripArgs),
    /// Check a feed folder and report every problem (exit 0 when valid, 1 when not).
    Validate(ValidateArgs),
    /// List places.
    Places(PlacesArgs),
    /// Write the network for other tools.
    Export(ExportArgs),
    /// Best time, cost and CO2e between many places (in parallel).
    Matrix(MatrixArgs),
    /// Places reachable from one place within a budget.
    Reach(ReachArgs),
    /// Baseline versus scenario: one pair side by side, or every pair of an OD file.
    Compare(CompareArgs),
    /// Assign trade flows to the network (equilibrium with capacities) and list bottlenecks.
    Assign(AssignArgs),
    /// Rank links and border crossings by what their closure costs the assigned trade.
    Critical(AssignArgs),
    /// List the built-in scenarios.
    Scenarios(ScenariosArgs),
    /// Serve the HTTP API (JSON) on an address, loopback by default.
    Serve(ServeArgs),
    /// Print the HTTP API's OpenAPI 3.1 document (the same as GET /openapi.json).
    Openapi,
    /// Compile a feed into a graph file with contraction hierarchies (fast queries on big networks).
    Build(BuildArgs),
    /// Import a network from another format into a feed folder.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate a seeded synthetic road network (a feed folder) for benchmarks.
    Gen(GenArgs),
}

/// Arguments of `build`.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  silkroute build helsinki/ -o helsinki.srg\n  silkroute route 60.1699,24.9384 60.2055,24.6559 --feed helsinki.srg"
)]
pub struct BuildArgs {
    /// The feed folder (default: the built-in network).
    pub feed: Option<PathBuf>,
    /// The graph file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Criteria to prepare hierarchies for, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_metric, default_value = "time,cost,co2")]
    pub metrics: Vec<silkroute_graph::Metric>,
    /// Leave out the customizable hierarchy (it answers the other objectives, `--avoid`,
    /// `--modes` and the p90 after a customization of seconds; without it they search by
    /// Dijkstra).
    #[arg(long)]
    pub no_customizable: bool,
    /// Criteria to customize the customizable hierarchy for and store the customization of
    /// (a 40ft container, no filter), comma-separated, or `none`: a place avoided or a scenario
    /// then costs a partial customization of milliseconds, even in a one-shot command. Each
    /// takes 8 bytes per arc of the hierarchy. The default serves the time objective, which
    /// looks for the least typical time and the least p90.
    #[arg(long, value_delimiter = ',', value_parser = parse_customized, default_value = "time,p90")]
    pub customize: Vec<Option<silkroute_route::Criterion>>,
    /// Apply a scenario before compiling (repeatable).
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
}

fn parse_customized(s: &str) -> Result<Option<silkroute_route::Criterion>, String> {
    if s == "none" {
        Ok(None)
    } else {
        s.parse()
            .map(Some)
            .map_err(|e: String| format!("{e}, or none"))
    }
}

fn parse_metric(s: &str) -> Result<silkroute_graph::Metric, String> {
    let criterion: silkroute_route::Criterion = s.parse()?;
    silkroute_graph::Metric::try_from(criterion).map_err(|e| e.to_string())
}

/// `import` formats.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// An OpenStreetMap extract (.osm.pbf): rail, roads and ferries to a feed folder.
    Osm(ImportOsmArgs),
    /// A GTFS feed (.zip or folder): stations, links and passenger services with calendars.
    Gtfs(ImportGtfsArgs),
}

/// Arguments of `import gtfs`.
#[derive(Args)]
#[command(
    after_help = "Example:\n  silkroute import gtfs nyc_subway_gtfs.zip --out nyc --country US\n  silkroute route \"Times Sq-42 St\" \"Coney Island-Stillwell Av\" --feed nyc --passengers --depart 2017-06-12T08:00"
)]
pub struct ImportGtfsArgs {
    /// The GTFS feed: a .zip file or a folder of .txt files.
    pub file: PathBuf,
    /// The feed folder to write (created; existing feed files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// ISO 3166-1 alpha-2 code given to every place (GTFS stops carry none).
    #[arg(long, default_value = "ZZ")]
    pub country: String,
}

/// Arguments of `import osm`.
#[derive(Args)]
#[command(
    after_help = "Example:\n  silkroute import osm Helsinki.osm.pbf --out helsinki --roads motorway,trunk,primary,secondary,tertiary --country FI"
)]
pub struct ImportOsmArgs {
    /// The .osm.pbf file.
    pub file: PathBuf,
    /// The feed folder to write (created; existing feed files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Import railways (railway=rail, with gauge and electrification).
    #[arg(long)]
    pub rail: bool,
    /// Import roads of these highway classes, comma-separated (motorway,trunk,primary,…).
    #[arg(long, value_delimiter = ',')]
    pub roads: Vec<String>,
    /// Import ferry routes (route=ferry) with their duration.
    #[arg(long)]
    pub ferries: bool,
    /// ISO 3166-1 alpha-2 code given to every place. Default: each place's own country, from
    /// the Natural Earth 1:110m country polygons, and a way that changes country at a border
    /// post (barrier=border_control) becomes a border crossing.
    #[arg(long)]
    pub country: Option<String>,
    /// IANA time zone of every place (default: each place's country's zone where it has one,
    /// else UTC).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Arguments of `gen`.
#[derive(Args)]
pub struct GenArgs {
    /// About this many junctions (a square grid).
    #[arg(long, default_value_t = 10_000)]
    pub nodes: usize,
    /// Seed of the random numbers: the same seed gives the same network.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of local road segments deleted at random.
    #[arg(long, default_value_t = 0.1, value_parser = fraction_open)]
    pub deletion: f64,
    /// A highway runs along every Nth row and column, with junctions every N cells.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(2..))]
    pub highway_every: u32,
    /// Write a synthetic timetable as a GTFS folder instead (for `import gtfs` and
    /// benchmarks): a grid of about `--nodes` stations with a line along every row and column.
    #[arg(long)]
    pub timetable: bool,
    /// With --timetable: mean minutes between trips of a line.
    #[arg(long, default_value_t = 10.0)]
    pub headway_min: f64,
    /// The feed folder to write (with --timetable: the GTFS folder).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn fraction_open(s: &str) -> Result<f64, String> {
    let x: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..0.9).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is not between 0 and 0.9"))
    }
}

/// Arguments of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on. Use 0.0.0.0:PORT only if the API should be reachable from other machines.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Computations at once (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub running: Option<u32>,
    /// Requests that may wait for a computation; beyond them the server answers 503 with
    /// Retry-After (default: 32 per core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub queued: Option<u32>,
    /// A scenario to offer beside the built-in ones that apply (a TOML file; repeatable):
    /// requests name it with `scenario=NAME`. On a graph file, a scenario that closes elements,
    /// changes their figures or opens closed or planned ones is a re-weighting of its
    /// customizable hierarchy.
    #[arg(long, value_name = "FILE")]
    pub scenario: Vec<String>,
}

/// The `--by` values: an [`Objective`] name.
fn by_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Objective::NAMES)
}

/// Arguments of `scenarios`.
#[derive(Args)]
pub struct ScenariosArgs {
    /// Print JSON (the answer of /v1/scenarios).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `trip`.
#[derive(Args)]
#[command(
    after_help = "Example:\n  silkroute trip \"Xi'an\" Almaty --passport CN --date 2025-05-29 --stay 14d\n  silkroute trip Almaty Tashkent Samarkand --passport DE --date 2026-06-01 --stay 5d,3d"
)]
pub struct TripArgs {
    /// The start, then one or more destinations in order (place ids or names).
    #[arg(required = true, num_args = 2..)]
    pub places: Vec<String>,
    /// The traveller's passport: ISO 3166-1 alpha-2 code of its country (CN, KZ, DE, …).
    #[arg(long)]
    pub passport: String,
    /// When the traveller sets off: a date (2026-06-01) or date-time, local at the start
    /// (default: now).
    #[arg(long)]
    pub date: Option<String>,
    /// Days at each destination: one for all (14d) or one per destination (5d,3d).
    #[arg(long, allow_hyphen_values = true)]
    pub stay: Option<String>,
    /// Why the traveller goes: tourism, business, transit, work, study, family or medical.
    #[arg(long)]
    pub purpose: Option<String>,
    /// Ride only these modes, comma-separated (rail, road, air, sea; default: any).
    #[arg(long, value_delimiter = ',', value_parser = parse_mode)]
    pub modes: Vec<silkroute_model::Mode>,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `route`.
#[derive(Args)]
#[command(
    after_help = "Places are found by id or by English, Chinese or Russian name, ignoring case, accents and apostrophes (xian, Xi'an, 西安, Сиань)."
)]
pub struct RouteArgs {
    /// Origin: place id or name.
    pub from: String,
    /// Destination: place id or name.
    pub to: String,
    /// What to minimise: time (typical hours), p90 (bad-case hours), cost (USD), co2 (kg CO2e)
    /// or balanced (USD + value of time × hours).
    #[arg(long, default_value = "time", value_parser = by_names(), conflicts_with = "pareto")]
    pub by: String,
    /// Value of time for --by balanced, USD per hour for the cargo.
    #[arg(long, value_name = "USD_PER_H", value_parser = positive_f64)]
    pub value_of_time: Option<f64>,
    /// Pass through this place (repeatable, in order).
    #[arg(long, value_name = "PLACE")]
    pub via: Vec<String>,
    /// Avoid a place (id or name) or a country (ISO code such as KZ); repeatable.
    #[arg(long, value_name = "PLACE|COUNTRY")]
    pub avoid: Vec<String>,
    /// Leave out the export clearance at the origin (the shipper has it done).
    #[arg(long)]
    pub no_export_clearance: bool,
    /// Leave out the import clearance at the destination (the consignee has it done, or the
    /// cargo stays under bond).
    #[arg(long)]
    pub no_import_clearance: bool,
    /// Drivers per truck: 1, or 2 (multi-manning: the truck stops only for the daily rest).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub crew: u8,
    /// A journey of people: ride only services that carry passengers (a GTFS import's
    /// trains and buses), with no trucks, charters or customs of goods.
    #[arg(long)]
    pub passengers: bool,
    /// Apply a scenario: a built-in name (cku-open) or a TOML file; repeatable, applied in order.
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
    /// Modes and cargo.
    #[command(flatten)]
    pub shipment: ShipmentArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// List the source of every leg's numbers under the table.
    #[arg(long)]
    pub sources: bool,
    /// Show the Pareto menu: every non-dominated itinerary over --criteria.
    #[arg(long, conflicts_with = "alternatives")]
    pub pareto: bool,
    /// Criteria of the Pareto menu, comma-separated: time,cost,co2[,p90].
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "time,cost,co2",
        requires = "pareto"
    )]
    pub criteria: Vec<silkroute_route::Criterion>,
    /// Options within this relative tolerance on every criterion count as one (Pareto menu).
    #[arg(long, default_value_t = DEFAULT_EPSILON, value_parser = fraction, requires = "pareto")]
    pub epsilon: f64,
    /// Most options in the Pareto menu (the best per criterion are always kept).
    #[arg(long, default_value_t = DEFAULT_PARETO_CAP as u16, value_parser = clap::value_parser!(u16).range(1..=MAX_PARETO_CAP as i64), requires = "pareto")]
    pub cap: u16,
    /// Give up to N genuinely different itineraries (other borders, or < 50 % shared distance).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_ALTERNATIVES as i64))]
    pub alternatives: Option<u16>,
    /// A deadline such as 12d or 300h: report the probability of arriving in time.
    #[arg(long, value_parser = parse_duration_h)]
    pub deadline: Option<f64>,
    /// When the cargo is ready at the origin: ISO 8601, in the origin's time zone unless an
    /// offset or [zone] is given (2026-12-07T09:00, 2026-12-07).
    #[arg(long, value_name = "DATE-TIME")]
    pub depart: Option<String>,
    /// Arrive by this instant (destination's time zone unless given): the latest departure.
    #[arg(long, value_name = "DATE-TIME", conflicts_with = "depart")]
    pub arrive_by: Option<String>,
    /// With --depart: every departure in this window that no later one beats (7d, 48h).
    #[arg(long, value_name = "DURATION", requires = "depart")]
    pub window: Option<String>,
    /// Undated: use the week of this date (default: the feed's reference week).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["depart", "arrive_by"])]
    pub reference_date: Option<String>,
}

/// Arguments of `matrix`.
#[derive(Args)]
pub struct MatrixArgs {
    /// Origins, comma-separated ids or names.
    #[arg(long, value_delimiter = ',', required_unless_present = "all_terminals")]
    pub from: Vec<String>,
    /// Destinations, comma-separated ids or names (default: the origins).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// Every place that is not a border post, both as origin and destination.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub all_terminals: bool,
    /// What to minimise (time, p90, cost, co2 or balanced).
    #[arg(long, default_value = "time", value_parser = by_names())]
    pub by: String,
    /// Apply a scenario (repeatable).
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
    /// Modes and cargo.
    #[command(flatten)]
    pub shipment: ShipmentArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
    /// The same as --format json (the answer of /v1/matrix).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Value of time for --by balanced, USD per hour for the cargo.
    #[arg(long, value_name = "USD_PER_H", value_parser = positive_f64)]
    pub value_of_time: Option<f64>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `reach`.
#[derive(Args)]
pub struct ReachArgs {
    /// Origin.
    pub from: String,
    /// Budget: a duration such as 10d or 72h with --by time/p90, USD with --by cost, kg with --by co2.
    #[arg(long)]
    pub within: String,
    /// What the budget measures (time, p90, cost, co2 or balanced).
    #[arg(long, default_value = "time", value_parser = by_names())]
    pub by: String,
    /// Apply a scenario (repeatable).
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
    /// Modes and cargo.
    #[command(flatten)]
    pub shipment: ShipmentArgs,
    /// Value of time for --by balanced, USD per hour for the cargo.
    #[arg(long, value_name = "USD_PER_H", value_parser = positive_f64)]
    pub value_of_time: Option<f64>,
    /// Print JSON (the answer of /v1/reach).
    #[arg(long)]
    pub json: bool,
    /// Write the reachable places as GeoJSON points to this file.
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
}

/// Arguments of `compare`.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  silkroute compare Kashgar Tashkent --scenario cku-open\n  silkroute compare --od data/demand/default.csv --scenario cku-open -o deltas.csv"
)]
pub struct CompareArgs {
    /// Origin (with TO; or use --od).
    #[arg(required_unless_present = "od", conflicts_with = "od")]
    pub from: Option<String>,
    /// Destination.
    #[arg(required_unless_present = "od")]
    pub to: Option<String>,
    /// A demand/OD file (origin,destination,...; see docs/demand.md): compare every pair.
    #[arg(long, value_name = "FILE")]
    pub od: Option<PathBuf>,
    /// The scenario(s) to compare with the baseline (repeatable, applied in order).
    #[arg(long, value_name = "NAME|FILE", required = true)]
    pub scenario: Vec<String>,
    /// What to minimise (time, p90, cost, co2 or balanced).
    #[arg(long, default_value = "time", value_parser = by_names())]
    pub by: String,
    /// Value of time for --by balanced, USD per hour for the cargo.
    #[arg(long, value_name = "USD_PER_H", value_parser = positive_f64)]
    pub value_of_time: Option<f64>,
    /// Modes and cargo.
    #[command(flatten)]
    pub shipment: ShipmentArgs,
    /// Print JSON (for one pair, the answer of /v1/compare).
    #[arg(long)]
    pub json: bool,
    /// With --od: write the per-pair deltas to this file (CSV, or JSON with --json).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `assign` and `critical`.
#[derive(Args)]
pub struct AssignArgs {
    /// The demand file (origin,destination,commodity,tonnes_per_year,...; docs/demand.md).
    /// Default: the built-in China–Central Asia demand.
    #[arg(long, value_name = "FILE")]
    pub demand: Option<PathBuf>,
    /// Apply a scenario first (repeatable).
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
    /// How shippers choose: logit (a nested logit over mode and route: a stochastic user
    /// equilibrium; docs/assignment.md) or least-cost (a user equilibrium, by --method).
    #[arg(long, default_value = silkroute_flows::Choice::DEFAULT_NAME, value_parser = clap::builder::PossibleValuesParser::new(silkroute_flows::Choice::NAMES))]
    pub choice: String,
    /// With --choice logit: the weight of log cost in the utility, in (0, 100] (default 3.4).
    #[arg(long, value_parser = positive_f64)]
    pub dispersion: Option<f64>,
    /// With --choice logit: the nest coefficient in (0, 1] (default 0.5).
    #[arg(long, value_parser = positive_f64)]
    pub nest: Option<f64>,
    /// Demand segments: commodity (each commodity at the value of time of its value density;
    /// rows without a value at --value-of-time) or none (every tonne at --value-of-time).
    #[arg(long, default_value = "commodity", value_parser = clap::builder::PossibleValuesParser::new(silkroute_flows::Demand::SEGMENTATIONS))]
    pub segments: String,
    /// Services' departures: follow-flow (a service whose load needs more departures than it
    /// publishes runs them, and waits follow; with gp or the logit) or published.
    #[arg(long, default_value = "follow-flow", value_parser = clap::builder::PossibleValuesParser::new(silkroute_flows::Frequencies::NAMES))]
    pub frequencies: String,
    /// Method of the least-cost equilibrium: gp (path-based gradient projection: to gaps of
    /// 1e-8 and below), bfw (bi-conjugate Frank–Wolfe), cfw (conjugate Frank–Wolfe), fw
    /// (Frank–Wolfe) or aon (all-or-nothing at free-flow costs).
    #[arg(long, default_value = silkroute_flows::Method::DEFAULT_NAME, value_parser = |s: &str| s.parse::<silkroute_flows::Method>())]
    pub method: silkroute_flows::Method,
    /// Stop at this relative gap.
    #[arg(long, default_value_t = 1e-4, value_parser = fraction)]
    pub gap: f64,
    /// Stop after this many iterations (at least 1).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_iterations: u32,
    /// Value of time, USD per tonne-hour, of goods whose value the demand does not give (all
    /// goods with --segments none).
    #[arg(long, default_value_t = 1.0, value_parser = positive_f64)]
    pub value_of_time: f64,
    /// Volume-delay function: `bpr` (gentle over capacity), or `conical` (Spiess 1990, a = 4:
    /// rises steeply over capacity, the strict-capacity option).
    #[arg(long, default_value = "bpr", value_parser = clap::builder::PossibleValuesParser::new(silkroute_flows::VolumeDelay::NAMES))]
    pub volume_delay: String,
    /// How many of the most loaded elements to print.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Write every loaded edge as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write every loaded edge as GeoJSON lines.
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Table output formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values, one row per pair.
    Csv,
    /// JSON array of cells.
    Json,
}

/// What is shipped and by which modes (shared by route, matrix, reach and compare).
#[derive(Args)]
pub struct ShipmentArgs {
    /// Allowed modes, comma-separated: rail,road,sea,air (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_mode)]
    pub modes: Vec<silkroute_model::Mode>,
    /// The cargo: 40ft, 20ft or a mass such as 25t.
    #[arg(long, default_value = "40ft", value_parser = parse_cargo)]
    pub cargo: silkroute_route::Cargo,
}

impl ShipmentArgs {
    /// The modes and cargo as the router takes them.
    pub fn to_shipment(&self) -> silkroute_route::Shipment {
        silkroute_route::Shipment {
            modes: self.modes.iter().copied().collect(),
            cargo: self.cargo,
        }
    }

    /// Sets the request's cargo and allowed modes.
    pub fn apply(&self, req: &mut silkroute_route::RouteRequest) {
        let s = self.to_shipment();
        req.cargo = s.cargo;
        req.modes = s.modes;
    }
}

/// Arguments of `validate`.
#[derive(Args)]
pub struct ValidateArgs {
    /// The feed folder.
    pub dir: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `places`.
#[derive(Args)]
pub struct PlacesArgs {
    /// Only places with this text in a name (any language; case, accents and apostrophes
    /// ignored).
    pub text: Option<String>,
    /// Only places in this country (ISO code, e.g. KZ).
    #[arg(long)]
    pub country: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// Write to this file (default: standard output). Written to a temporary file, then renamed.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Apply a scenario first (repeatable).
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
}

/// Export formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// GeoJSON FeatureCollection of places, links and border crossings (for QGIS).
    Geojson,
    /// The compiled routing graph as an edge list CSV (for networkx, igraph, pandas): node ids
    /// `place|layer`, plus `from:place` boarding edges (with the boarding wait) and `to:place`
    /// arrival edges, weights for one 40 ft container.
    GraphCsv,
}

fn parse_mode(s: &str) -> Result<silkroute_model::Mode, String> {
    s.parse()
}

fn parse_cargo(s: &str) -> Result<silkroute_route::Cargo, String> {
    s.parse()
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number in [0, 1)")),
    }
}

/// Parses `12d` or `36h` (a bare number is refused: days or hours?).
pub fn parse_duration_h(s: &str) -> Result<f64, String> {
    silkroute_route::parse_duration_h(s)
}

fn positive_f64(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a non-negative number")),
    }
}
