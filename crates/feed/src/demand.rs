//! Trade demand files: how much moves between two places per year.
//!
//! `origin,destination,commodity,tonnes_per_year,teu_per_year,value_usd,source` — place ids,
//! a free-text commodity, at least one of tonnes or TEU per year, an optional value of the
//! goods, and the source of the figure. See docs/demand.md.

use crate::csv_table::Table;
use crate::report::Report;
use silkroute_model::{Network, PlaceId};
use std::path::Path;

/// Tonnes of cargo per TEU used to convert TEU flows to tonnes when only TEU is given
/// (an estimate: 10 t per TEU, half the 20 t FEU reference load of the tariffs).
pub const TONNES_PER_TEU: f64 = 10.0;

/// One origin–destination flow.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemandRow {
    /// 1-based line in the file.
    pub line: u64,
    /// Origin place.
    pub origin: PlaceId,
    /// Destination place.
    pub destination: PlaceId,
    /// What is shipped.
    pub commodity: String,
    /// Tonnes per year (from TEU × [`TONNES_PER_TEU`] when only TEU is given).
    pub tonnes_per_year: f64,
    /// TEU per year, when given.
    pub teu_per_year: Option<f64>,
    /// Value of the goods per year, USD.
    pub value_usd: Option<f64>,
    /// How the goods travel: containers, bulk in wagons, or vehicles (default containers).
    pub unit: CargoUnit,
    /// Where the figure comes from.
    pub source: String,
}

/// How a commodity travels, which sets how its tonnes are counted in units and what its time
/// costs (docs/assignment.md, "Commodity segments").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CargoUnit {
    /// In containers (TEU): manufactured and consumer goods.
    #[default]
    Container,
    /// In bulk, by the wagon or truckload: ores, metals, fertilizer, grain.
    Bulk,
    /// Vehicles carried as themselves: cars on car-carrier wagons and trucks.
    Vehicles,
}

impl CargoUnit {
    /// The names a demand file's `unit` column takes.
    pub const NAMES: [(&'static str, CargoUnit); 3] = [
        ("container", CargoUnit::Container),
        ("bulk", CargoUnit::Bulk),
        ("vehicles", CargoUnit::Vehicles),
    ];

    /// The unit's name as a demand file writes it.
    pub fn name(self) -> &'static str {
        CargoUnit::NAMES
            .iter()
            .find(|(_, u)| *u == self)
            .map_or("container", |(n, _)| n)
    }
}

const REQUIRED: &[&str] = &["origin", "destination", "commodity", "source"];
const KNOWN: &[&str] = &[
    "origin",
    "destination",
    "commodity",
    "tonnes_per_year",
    "teu_per_year",
    "value_usd",
    "unit",
    "source",
];

/// Reads a demand file against `net`. Returns the rows, or a report naming every problem.
pub fn load_demand(path: &Path, net: &Network) -> Result<Vec<DemandRow>, Report> {
    let mut report = Report::default();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.error(
                &path.display().to_string(),
                None,
                None,
                format!("cannot read: {e}"),
            );
            return Err(report);
        }
    };
    let name = path.display().to_string();
    let rows = parse_demand(&name, &bytes, net, &mut report);
    if report.has_errors() {
        Err(report)
    } else {
        Ok(rows)
    }
}

/// The built-in China–Central Asia demand (data/demand/default.csv, docs/demand.md).
pub const BUILTIN_DEMAND: &str = include_str!("../../../data/demand/default.csv");

/// The built-in demand's rows on `net` (the built-in network, possibly with scenarios); the
/// report when they do not fit it.
pub fn builtin_demand(net: &Network) -> Result<Vec<DemandRow>, Report> {
    let mut report = Report::default();
    let rows = parse_demand(
        "data/demand/default.csv (built in)",
        BUILTIN_DEMAND.as_bytes(),
        net,
        &mut report,
    );
    if report.has_errors() {
        Err(report)
    } else {
        Ok(rows)
    }
}

/// Parses demand CSV bytes; problems go to `report` under the name `file` (the path the user
/// gave, so that an error names the file at fault).
pub fn parse_demand(
    file: &str,
    bytes: &[u8],
    net: &Network,
    report: &mut Report,
) -> Vec<DemandRow> {
    let Some(mut table) = Table::open(file, bytes, REQUIRED, KNOWN, report) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(row) = table.next_row(report) {
        let place = |col: &str, report: &mut Report| {
            let id = row.required(col, report)?;
            let p = net.place_id(&id);
            if p.is_none() {
                report.error(
                    file,
                    Some(row.line),
                    Some(col),
                    format!("unknown place id `{id}`"),
                );
            }
            p
        };
        let o = place("origin", report);
        let d = place("destination", report);
        let commodity = row.required("commodity", report);
        let t = row.number_opt("tonnes_per_year", 0.0, 1e10, report);
        let teu = row.number_opt("teu_per_year", 0.0, 1e9, report);
        let value = row.number_opt("value_usd", 0.0, 1e13, report);
        let source = row.required("source", report);
        let unit = match row.optional("unit") {
            None => CargoUnit::Container,
            Some(u) => match CargoUnit::NAMES.iter().find(|(n, _)| *n == u.trim()) {
                Some((_, unit)) => *unit,
                None => {
                    report.error(
                        file,
                        Some(row.line),
                        Some("unit"),
                        format!("`{u}` is not a cargo unit (container, bulk or vehicles)"),
                    );
                    continue;
                }
            },
        };
        let (Ok(t), Ok(teu), Ok(value)) = (t, teu, value) else {
            continue;
        };
        let tonnes = match (t, teu) {
            (Some(t), _) => t,
            (None, Some(teu)) => teu * TONNES_PER_TEU,
            (None, None) => {
                report.error(
                    file,
                    Some(row.line),
                    Some("tonnes_per_year"),
                    "give tonnes_per_year or teu_per_year",
                );
                continue;
            }
        };
        if let (Some(o), Some(d)) = (o, d) {
            if o == d {
                report.error(
                    file,
                    Some(row.line),
                    Some("destination"),
                    "origin and destination are the same place",
                );
                continue;
            }
        }
        if let (Some(origin), Some(destination), Some(commodity), Some(source)) =
            (o, d, commodity, source)
        {
            out.push(DemandRow {
                line: row.line,
                origin,
                destination,
                commodity,
                tonnes_per_year: tonnes,
                teu_per_year: teu,
                value_usd: value,
                unit,
                source,
            });
        }
    }
    out
}
