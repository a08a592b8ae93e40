//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
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
  silkroute places --country KZ
  silkroute validate data/builtin
  silkroute export geojson -o network.geojson";

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// The best route between two places, leg by leg.
    Route(RouteArgs),
    /// Check a feed folder and report every problem (exit 0 when valid, 1 when not).
    Validate(ValidateArgs),
    /// List places.
    Places(PlacesArgs),
    /// Write the network for other tools.
    Export(ExportArgs),
    /// List the built-in scenarios.
    Scenarios,
}

/// What to minimise.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum By {
    /// Typical door-to-door hours.
    Time,
    /// USD.
    Cost,
    /// Well-to-wheel kg CO2e.
    Co2,
    /// USD + value of time × hours.
    Balanced,
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
    /// What to minimise.
    #[arg(long, value_enum, default_value_t = By::Time)]
    pub by: By,
    /// Value of time for --by balanced, USD per hour for the cargo.
    #[arg(long, value_name = "USD_PER_H", value_parser = positive_f64)]
    pub value_of_time: Option<f64>,
    /// Allowed modes, comma-separated: rail,road,sea,air (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_mode)]
    pub modes: Vec<silkroute_model::Mode>,
    /// Pass through this place (repeatable, in order).
    #[arg(long, value_name = "PLACE")]
    pub via: Vec<String>,
    /// Avoid a place (id or name) or a country (ISO code such as KZ); repeatable.
    #[arg(long, value_name = "PLACE|COUNTRY")]
    pub avoid: Vec<String>,
    /// Apply a scenario: a built-in name (cku-open) or a TOML file; repeatable, applied in order.
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Vec<String>,
    /// The cargo: 40ft, 20ft or a mass such as 25t.
    #[arg(long, default_value = "40ft", value_parser = parse_cargo)]
    pub cargo: silkroute_route::Cargo,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// List the source of every leg's numbers under the table.
    #[arg(long)]
    pub sources: bool,
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
}

fn parse_mode(s: &str) -> Result<silkroute_model::Mode, String> {
    s.parse()
}

fn parse_cargo(s: &str) -> Result<silkroute_route::Cargo, String> {
    s.parse()
}

fn positive_f64(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a non-negative number")),
    }
}
