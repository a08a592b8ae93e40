//! Broken feeds: every problem is reported with its file, line and field, never a panic.

use proptest::prelude::*;
use silkroute_feed::{load_dir, load_files, FeedError, Report, Severity, FEED_FILES};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini")
}

/// The valid mini feed, file name → bytes.
fn mini() -> HashMap<&'static str, Vec<u8>> {
    FEED_FILES
        .iter()
        .filter_map(|(name, _)| {
            std::fs::read(fixture_dir().join(name))
                .ok()
                .map(|b| (*name, b))
        })
        .collect()
}

/// Loads `files` and returns the report of an invalid feed (panics if it was valid).
fn errors_of(files: &HashMap<&'static str, Vec<u8>>) -> Report {
    match load_files(files) {
        Err(FeedError::Invalid(r)) => r,
        Ok(_) => panic!("feed should be invalid"),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Replaces `from` by `to` in one file of the mini feed.
fn edit(file: &'static str, from: &str, to: &str) -> HashMap<&'static str, Vec<u8>> {
    let mut files = mini();
    let text = String::from_utf8(files[file].clone()).unwrap();
    assert!(text.contains(from), "fixture {file} lacks {from:?}");
    files.insert(file, text.replacen(from, to, 1).into_bytes());
    files
}

/// Asserts an error with this file, line, field and a message containing `needle`.
fn assert_error(r: &Report, file: &str, line: Option<u64>, field: Option<&str>, needle: &str) {
    let found = r.problems.iter().any(|p| {
        p.severity == Severity::Error
            && p.file == file
            && p.line == line
            && p.field.as_deref() == field
            && p.message.contains(needle)
    });
    assert!(
        found,
        "expected {file}:{line:?} {field:?} ~ {needle:?}, got:\n{r}"
    );
}

/// The only warnings a sound feed may have: elements without a capacity, one line per file.
fn only_missing_capacities(report: &silkroute_feed::Report) -> Vec<&str> {
    report
        .problems
        .iter()
        .map(|p| {
            assert!(
                p.severity == Severity::Warning && p.field.as_deref() == Some("capacity"),
                "{report}"
            );
            p.file.as_str()
        })
        .collect()
}

#[test]
fn the_mini_feed_is_valid_and_warns_only_of_missing_capacities() {
    let (net, report) = load_dir(&fixture_dir()).expect("valid");
    assert_eq!(net.places.len(), 6);
    // khorgos-altynkol and khorgos-road have no capacity; alashankou-dostyk has one
    assert_eq!(
        only_missing_capacities(&report),
        vec!["borders.csv", "transfers.csv", "links.csv"],
        "{report}"
    );
    let borders = &report.problems[0];
    assert!(
        borders.message.starts_with(
            "2 of 3 open border crossings have no capacity (`khorgos-altynkol`, `khorgos-road`)"
        ),
        "{report}"
    );
    assert_eq!(borders.line, Some(3), "the first one's line");
}

#[test]
fn unknown_place_id_in_a_link_names_file_line_and_field() {
    let r = errors_of(&edit(
        "links.csv",
        "xian-alashankou,xian,",
        "xian-alashankou,xain,",
    ));
    assert_error(
        &r,
        "links.csv",
        Some(2),
        Some("from"),
        "unknown place id `xain`",
    );
}

#[test]
fn duplicate_ids_are_errors() {
    let r = errors_of(&edit(
        "links.csv",
        "xian-khorgos,xian",
        "xian-alashankou,xian",
    ));
    assert_error(
        &r,
        "links.csv",
        Some(3),
        Some("id"),
        "duplicate id `xian-alashankou`",
    );
}

#[test]
fn non_numeric_and_out_of_range_values_are_errors() {
    let r = errors_of(&edit("links.csv", ",2900,60,", ",twenty,60,"));
    assert_error(
        &r,
        "links.csv",
        Some(2),
        Some("length_km"),
        "`twenty` is not a number",
    );
    let r = errors_of(&edit("places.csv", "34.2667,108.9", "134.2667,108.9"));
    assert_error(
        &r,
        "places.csv",
        Some(2),
        Some("lat"),
        "134.2667 is out of range",
    );
    let r = errors_of(&edit("borders.csv", "12,10,30,12,36", "12,10,3,12,36"));
    assert_error(
        &r,
        "borders.csv",
        Some(2),
        Some("forward_p90_h"),
        "below p50",
    );
}

#[test]
fn a_gauge_on_a_road_link_is_an_error() {
    let r = errors_of(&edit(
        "links.csv",
        "xian-khorgos-road,xian,khorgos,road,,",
        "xian-khorgos-road,xian,khorgos,road,1435,",
    ));
    assert_error(
        &r,
        "links.csv",
        Some(6),
        Some("gauge_mm"),
        "cannot have a gauge",
    );
}

#[test]
fn a_rail_link_without_gauge_is_for_passengers_only_and_warned() {
    let files = edit(
        "links.csv",
        "xian,alashankou,rail,1435,",
        "xian,alashankou,rail,,",
    );
    let (net, r) = load_files(&files).expect("a gaugeless rail link loads");
    assert!(net.links.iter().any(|l| l.gauge.is_none()));
    let warned = r.problems.iter().any(|p| {
        p.severity == Severity::Warning
            && p.file == "links.csv"
            && p.line == Some(2)
            && p.field.as_deref() == Some("gauge_mm")
            && p.message.contains("no gauge")
    });
    assert!(warned, "{r}");
    // A border or transfer still needs one.
    let r = errors_of(&edit(
        "borders.csv",
        "alashankou-dostyk,alashankou,dostyk,rail,1435,",
        "alashankou-dostyk,alashankou,dostyk,rail,,",
    ));
    assert_error(
        &r,
        "borders.csv",
        Some(2),
        Some("gauge_mm"),
        "needs a gauge",
    );
}

#[test]
fn a_border_whose_posts_are_in_one_country_is_an_error() {
    let r = errors_of(&edit(
        "borders.csv",
        "alashankou-dostyk,alashankou,dostyk,",
        "alashankou-dostyk,alashankou,khorgos,",
    ));
    assert_error(
        &r,
        "borders.csv",
        Some(2),
        Some("to_post"),
        "both posts are in CN",
    );
}

#[test]
fn a_land_link_across_a_border_is_an_error() {
    let r = errors_of(&edit(
        "links.csv",
        "dostyk-almaty,dostyk,almaty",
        "dostyk-almaty,alashankou,almaty",
    ));
    assert_error(
        &r,
        "links.csv",
        Some(4),
        Some("to"),
        "cannot cross from CN to KZ",
    );
}

#[test]
fn a_gauge_change_without_a_gauge_transfer_is_an_error() {
    let mut files = mini();
    let text = String::from_utf8(files["transfers.csv"].clone()).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("dostyk-gauge"))
        .collect();
    files.insert("transfers.csv", (kept.join("\n") + "\n").into_bytes());
    let r = errors_of(&files);
    assert_error(
        &r,
        "borders.csv",
        Some(2),
        Some("gauge_change"),
        "no gauge change at `alashankou` or `dostyk`",
    );
}

#[test]
fn a_truncated_row_is_an_error() {
    let r = errors_of(&edit(
        "links.csv",
        "2900,60,,double,yes,,,,open,,test fixture",
        "2900,60",
    ));
    assert_error(&r, "links.csv", Some(2), None, "truncated");
}

#[test]
fn bad_utf8_is_an_error_naming_the_field() {
    let mut files = mini();
    let mut bytes = files["places.csv"].clone();
    let pos = bytes.windows(6).position(|w| w == b"Almaty").unwrap();
    bytes[pos + 1] = 0xFF;
    files.insert("places.csv", bytes);
    let r = errors_of(&files);
    assert_error(
        &r,
        "places.csv",
        Some(7),
        Some("name_en"),
        "not valid UTF-8",
    );
}

#[test]
fn empty_and_missing_files_are_errors() {
    let mut files = mini();
    files.insert("links.csv", Vec::new());
    files.remove("modes.csv");
    let r = errors_of(&files);
    assert_error(&r, "links.csv", None, None, "file is empty");
    assert_error(&r, "modes.csv", None, None, "required file is missing");
}

#[test]
fn a_missing_required_column_is_an_error() {
    let r = errors_of(&edit("places.csv", "kind,source", "kind_of_place,source"));
    assert_error(
        &r,
        "places.csv",
        Some(1),
        Some("kind"),
        "required column is missing",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut files = edit("links.csv", ",2900,60,", ",-5,60,");
    let places = String::from_utf8(files["places.csv"].clone()).unwrap();
    files.insert(
        "places.csv",
        places
            .replacen(",city,test fixture", ",village,test fixture", 1)
            .into_bytes(),
    );
    let r = errors_of(&files);
    assert_error(&r, "links.csv", Some(2), Some("length_km"), "out of range");
    assert_error(
        &r,
        "places.csv",
        Some(2),
        Some("kind"),
        "unknown place kind `village`",
    );
}

#[test]
fn suspicious_lengths_and_isolated_places_are_warnings() {
    let mut files = edit("links.csv", ",330,45,", ",3300,45,");
    let places = String::from_utf8(files["places.csv"].clone()).unwrap();
    files.insert(
        "places.csv",
        (places + "lonely,Lonely,,,,KZ,50,70,city,test fixture\n").into_bytes(),
    );
    let (_net, report) = load_files(&files).expect("warnings do not make a feed invalid");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.severity == Severity::Warning
                && p.file == "links.csv"
                && p.line == Some(5)
                && p.message.contains("great-circle")),
        "{report}"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.severity == Severity::Warning
                && p.file == "places.csv"
                && p.message.contains("`lonely` has no link")),
        "{report}"
    );
}

/// The mini feed with a borders.csv whose road crossing has these opening-hour cells.
fn with_hours(days: &str, hours: &str, zone: &str, closed: &str) -> HashMap<&'static str, Vec<u8>> {
    let mut files = mini();
    let text = String::from_utf8(files["borders.csv"].clone()).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let extra = match i {
            0 => "open_days,open_hours,open_timezone,closed_dates".to_string(),
            3 => format!("{days},{hours},{zone},{closed}"),
            _ => ",,,".to_string(),
        };
        out.push_str(&format!("{line},{extra}\n"));
    }
    files.insert("borders.csv", out.into_bytes());
    files
}

#[test]
fn opening_hours_of_a_border_load_and_broken_ones_name_the_field() {
    let ok = with_hours(
        "mon-fri",
        "08:00-20:00",
        "Asia/Bishkek",
        "2026-10-01..2026-10-07",
    );
    let (net, _) = load_files(&ok).unwrap();
    let hours = net.borders[2].opening_hours.as_ref().unwrap();
    assert_eq!(hours.weekdays, [true, true, true, true, true, false, false]);
    assert_eq!(hours.closed.len(), 1);
    let cases = [
        (
            with_hours("mon-fry", "08:00-20:00", "Asia/Bishkek", ""),
            "open_days",
            "not a weekday",
        ),
        (
            with_hours("fri-mon", "08:00-20:00", "Asia/Bishkek", ""),
            "open_days",
            "range of days",
        ),
        (
            with_hours("mon-fri", "20:00-08:00", "Asia/Bishkek", ""),
            "open_hours",
            "opening before closing",
        ),
        (
            with_hours("mon-fri", "08:00-20:00", "Asia/Frunze", ""),
            "open_timezone",
            "IANA",
        ),
        (
            with_hours("mon-fri", "08:00-20:00", "Asia/Bishkek", "2026-13-01"),
            "closed_dates",
            "YYYY-MM-DD",
        ),
        (
            with_hours("mon-fri", "", "Asia/Bishkek", ""),
            "open_hours",
            "need all of",
        ),
    ];
    for (files, field, needle) in cases {
        assert_error(
            &errors_of(&files),
            "borders.csv",
            Some(4),
            Some(field),
            needle,
        );
    }
}

#[test]
fn broken_customs_rows_name_file_line_and_field() {
    let mut files = mini();
    files.insert(
        "countries.csv",
        b"code,name_en,customs_territory,source\nkz,Kazakhstan,EAEU,test\n".to_vec(),
    );
    files.insert(
        "clearances.csv",
        b"id,country,place,mode,procedure,p50_h,p90_h,fee_usd,source\n\
cn-export,CN,,*,export,4,2,0,test\n\
kz-x,KZ,,rail,clearing,1,2,0,test\n\
kz-almaty,KZ,xian,*,import,1,2,0,test\n\
kz-boat,KZ,,boat,import,1,2,0,test\n"
            .to_vec(),
    );
    let r = errors_of(&files);
    assert_error(&r, "countries.csv", Some(2), Some("code"), "ISO 3166-1");
    assert_error(
        &r,
        "clearances.csv",
        Some(2),
        Some("p90_h"),
        "below the typical",
    );
    assert_error(
        &r,
        "clearances.csv",
        Some(3),
        Some("procedure"),
        "unknown procedure",
    );
    assert_error(
        &r,
        "clearances.csv",
        Some(4),
        Some("place"),
        "is in CN, not in KZ",
    );
    assert_error(&r, "clearances.csv", Some(5), Some("mode"), "boat");
}

#[test]
fn a_folder_that_does_not_exist_is_a_clear_error() {
    let e = load_dir(Path::new("/no/such/feed")).unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot read feed folder /no/such/feed"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Whatever bytes a file holds, loading reports problems and never panics.
    #[test]
    fn no_input_panics(file in 0usize..FEED_FILES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..300), keep_header in any::<bool>()) {
        let mut files = mini();
        let name = FEED_FILES[file].0;
        let mut content = Vec::new();
        if keep_header {
            let original = files.get(name).cloned().unwrap_or_default();
            let header_end = original.iter().position(|&b| b == b'\n').map_or(original.len(), |i| i + 1);
            content.extend_from_slice(&original[..header_end]);
        }
        content.extend_from_slice(&bytes);
        files.insert(name, content);
        let _ = load_files(&files);
    }

    /// Mangling one field of a valid row never panics either.
    #[test]
    fn mangled_fields_never_panic(file in 0usize..FEED_FILES.len(), row in 1usize..4, col in 0usize..18, junk in "[-0-9a-z;.,\"é 中]{0,12}") {
        let mut files = mini();
        let name = FEED_FILES[file].0;
        let Some(text) = files.get(name).map(|b| String::from_utf8(b.clone()).unwrap()) else { return Ok(()) };
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if row < lines.len() {
            let mut fields: Vec<String> = lines[row].split(',').map(str::to_string).collect();
            let c = col % fields.len();
            fields[c] = junk;
            lines[row] = fields.join(",");
        }
        files.insert(name, (lines.join("\n") + "\n").into_bytes());
        let _ = load_files(&files);
    }
}

#[test]
fn the_built_in_network_is_valid_and_warns_only_of_missing_capacities() {
    let files: HashMap<&str, Vec<u8>> = silkroute_feed::BUILTIN_FILES
        .iter()
        .map(|(n, t)| (*n, t.as_bytes().to_vec()))
        .collect();
    let (net, mut report) = load_files(&files).unwrap_or_else(|e| panic!("{e}"));
    assert!(net.places.len() >= 49);
    // The planned CKU section Makmal–Jalal-Abad (129 km, the railway's Kyrgyz length less
    // Torugart–Makmal) is shorter than the straight line to Makmal's point, an estimate good to
    // ±50 km (places.csv): two estimates that disagree, and the warning says so.
    let before = report.problems.len();
    report.problems.retain(|p| {
        !(p.field.as_deref() == Some("length_km")
            && p.message.contains("`makmal` and `jalal-abad`"))
    });
    assert_eq!(report.problems.len(), before - 1, "{report}");
    // most elements have no sourced capacity yet (docs/assignment.md): said, not hidden
    assert_eq!(
        only_missing_capacities(&report),
        vec!["borders.csv", "transfers.csv", "links.csv"],
        "{report}"
    );
    for s in silkroute_feed::builtin_scenario_names() {
        silkroute_feed::builtin_scenario(s)
            .unwrap()
            .unwrap()
            .applied_to(&net)
            .unwrap();
    }
}

#[test]
fn line_numbers_are_right_in_files_with_crlf_line_ends() {
    let mut files = mini();
    let text = String::from_utf8(files["links.csv"].clone()).unwrap();
    let crlf = text
        .replace('\n', "\r\n")
        .replacen("xian-khorgos,xian,", "xian-khorgos,xain,", 1);
    files.insert("links.csv", crlf.into_bytes());
    let r = errors_of(&files);
    assert_error(
        &r,
        "links.csv",
        Some(3),
        Some("from"),
        "unknown place id `xain`",
    );
}

#[test]
fn a_byte_order_mark_before_a_quoted_header_is_read_as_excel_and_r_write_it() {
    let mut files = mini();
    let text = String::from_utf8(files["places.csv"].clone()).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let quoted: Vec<String> = header.split(',').map(|c| format!("\"{c}\"")).collect();
    let bom = format!("\u{feff}{}\n{rows}", quoted.join(","));
    files.insert("places.csv", bom.into_bytes());
    let (net, _) = silkroute_feed::load_files(&files).unwrap_or_else(|e| panic!("{e}"));
    assert!(net.place_id("xian").is_some());
    // A header row of spaces is called what it is.
    let mut files = mini();
    files.insert("modes.csv", b"   \nrail,1\n".to_vec());
    let r = errors_of(&files);
    assert_error(&r, "modes.csv", Some(1), None, "the header row is blank");
}

#[test]
fn line_numbers_stay_right_deep_into_a_long_file_read_in_chunks() {
    // Rows are streamed through the CSV reader's buffer, so the lines of a long file are counted
    // across many buffer refills. A byte-order mark, CRLF line ends and a quoted source that
    // spans two lines must not shift them.
    let mut files = mini();
    let text = String::from_utf8(files["links.csv"].clone()).unwrap();
    let mut rows = text.lines();
    let header = rows.next().unwrap();
    let first = rows.next().unwrap().to_string();
    let mut out = format!("\u{feff}{header}\r\n{first}\r\n");
    let mut line = 2;
    for i in 0..3000 {
        let row = first.replacen("xian-alashankou,", &format!("copy-{i},"), 1);
        let row = if i == 1000 {
            line += 1; // this row's source holds a line break
            row.replace("test fixture", "\"test fixture,\r\nsecond line\"")
        } else if i == 2500 {
            row.replacen(",xian,", ",xain,", 1)
        } else {
            row
        };
        out.push_str(&row);
        out.push_str("\r\n");
        line += 1;
        if i == 2500 {
            break;
        }
    }
    out.push_str(rows.collect::<Vec<_>>().join("\r\n").as_str());
    files.insert("links.csv", out.into_bytes());
    let r = errors_of(&files);
    assert_error(
        &r,
        "links.csv",
        Some(line),
        Some("from"),
        "unknown place id `xain`",
    );
    assert_eq!(
        r.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count(),
        1,
        "the one error only (the header read with its byte-order mark):\n{r}"
    );
}

#[test]
fn a_gauge_that_no_neighbouring_link_shares_is_a_warning() {
    let mut net = silkroute_feed::builtin();
    assert!(
        !silkroute_feed::validate(&net)
            .problems
            .iter()
            .any(|p| p.field.as_deref() == Some("gauge_mm")),
        "the built-in network has no such link"
    );
    let l = net
        .links
        .iter_mut()
        .find(|l| l.id == "xian-lanzhou-rail")
        .unwrap();
    l.gauge = Some(silkroute_model::Gauge(1000));
    let report = silkroute_feed::validate(&net);
    let warnings: Vec<_> = report
        .problems
        .iter()
        .filter(|p| {
            p.field.as_deref() == Some("gauge_mm") && p.message.contains("xian-lanzhou-rail")
        })
        .collect();
    assert_eq!(warnings.len(), 2, "{report}");
    assert!(warnings
        .iter()
        .all(|p| p.severity == silkroute_feed::Severity::Warning));
    assert!(
        warnings.iter().any(|p| p.message.contains("at `xian`")),
        "{report}"
    );
}

#[test]
fn a_scenario_that_breaks_the_network_is_refused_with_every_problem_and_changes_nothing() {
    let net = silkroute_feed::builtin();
    let s = silkroute_feed::Scenario::parse(
        r#"
name = "broken"
description = "three mistakes"
source = "test"
[[link]]
ids = ["atlantis-rail"]
status = "closed"
[[border]]
ids = ["khorgos-altynkol"]
clearance_factor = 1e308
[[new_link]]
id = "kashgar-osh-rail"
from = "kashgar"
to = "osh"
mode = "rail"
gauge_mm = 1435
length_km = 400
source = "test"
"#,
        "broken.toml",
    )
    .unwrap();
    let before = net.clone();
    let e = s.applied_to(&net).unwrap_err().to_string();
    for part in [
        "atlantis-rail",
        "clearance_factor",
        "cannot cross a border",
        "nothing was changed",
    ] {
        assert!(e.contains(part), "{part} missing from: {e}");
    }
    assert_eq!(net.links.len(), before.links.len());
}

/// The mini feed with these services.csv rows (after a header with every schedule column).
fn with_services(rows: &str) -> HashMap<&'static str, Vec<u8>> {
    let mut files = mini();
    files.insert(
        "services.csv",
        format!("id,name,mode,stops,frequency_per_week,wait_model,days,times,start_date,end_date,add_dates,status,source\n{rows}").into_bytes(),
    );
    files
}

#[test]
fn broken_service_schedules_name_the_line_and_field() {
    let r = errors_of(&with_services(
        "a,A,rail,xian;almaty,,,funday,10:00,,,,open,test\n\
         b,B,rail,xian;almaty,,,mon,,,,,open,test\n\
         c,C,rail,xian;almaty,2,,mon,10:00,,,,open,test\n\
         d,D,rail,xian;almaty,,,mon,25:00,,,,open,test\n\
         e,E,rail,xian;almaty,,,mon,10:00,2026-02-30,,,open,test\n\
         f,F,rail,xian;almaty,,,mon,10:00,2026-06-01,2026-05-01,,open,test\n\
         g,G,rail,xian;almaty,1,sometimes,,,,,,open,test\n\
         h,H,rail,xian;almaty,,,,,,,,open,test\n\
         i,I,sea,xian;almaty,1,,,,,,,open,test\n",
    ));
    assert_error(
        &r,
        "services.csv",
        Some(2),
        Some("days"),
        "`funday` is not a weekday",
    );
    assert_error(
        &r,
        "services.csv",
        Some(3),
        Some("times"),
        "needs its departure times",
    );
    assert_error(
        &r,
        "services.csv",
        Some(4),
        Some("frequency_per_week"),
        "not both",
    );
    assert_error(
        &r,
        "services.csv",
        Some(5),
        Some("times"),
        "`25:00` is not a time of day",
    );
    assert_error(
        &r,
        "services.csv",
        Some(6),
        Some("start_date"),
        "`2026-02-30` is not a date",
    );
    assert_error(
        &r,
        "services.csv",
        Some(7),
        Some("end_date"),
        "before the start date",
    );
    assert_error(
        &r,
        "services.csv",
        Some(8),
        Some("wait_model"),
        "unknown wait model `sometimes`",
    );
    assert_error(
        &r,
        "services.csv",
        Some(9),
        Some("frequency_per_week"),
        "needs a frequency or a timetable",
    );
    assert_error(&r, "services.csv", Some(10), Some("stops"), "no sea track");
}

#[test]
fn broken_stop_patterns_and_time_zones_name_the_line_and_field() {
    let mut files = with_services("p,P,rail,,,,daily,10:00,,,,open,test\n");
    files.insert(
        "service_stops.csv",
        b"service,seq,place,arrive_h,depart_h,pickup,dropoff,via\n\
          p,1,xian,,0,,,\n\
          p,2,almaty,30,20,,,\n\
          q,1,xian,,0,,,\n\
          p,3,atlantis,,,,,\n\
          p,4,almaty,40,,maybe,,\n"
            .to_vec(),
    );
    let r = errors_of(&files);
    assert_error(
        &r,
        "service_stops.csv",
        Some(3),
        Some("depart_h"),
        "departs before it arrives",
    );
    assert_error(
        &r,
        "service_stops.csv",
        Some(4),
        Some("service"),
        "unknown service id `q`",
    );
    assert_error(
        &r,
        "service_stops.csv",
        Some(5),
        Some("place"),
        "unknown place id `atlantis`",
    );
    assert_error(
        &r,
        "service_stops.csv",
        Some(6),
        Some("pickup"),
        "`maybe` is not yes or no",
    );
    let r = errors_of(&edit("places.csv", ",CN,", ",ZZ,"));
    assert_error(
        &r,
        "places.csv",
        Some(2),
        Some("timezone"),
        "country ZZ has no default zone",
    );
}

/// The mini feed with an entry_rules.csv of these rows (after the header).
fn with_entry_rules(rows: &str) -> HashMap<&'static str, Vec<u8>> {
    let mut files = mini();
    let header = "passport,destination,valid_from,valid_to,regime,days_per_stay,days_per_period,period_days,purposes,visa_lead_days,visa_fee_usd,condition,source\n";
    files.insert("entry_rules.csv", format!("{header}{rows}").into_bytes());
    files
}

#[test]
fn broken_entry_rules_name_file_line_and_field() {
    let good = "CN,KZ,2023-11-10,,visa_free,30,90,180,tourism;transit,,,,test\n";
    assert!(load_files(&with_entry_rules(good)).is_ok());
    let r = errors_of(&with_entry_rules(
        "CN,KZ,2023-11-10,,visa_free,30,90,180,tourism;sightseeing,,,,test\n\
         CN,UZ,2025-06-01,,visa_frei,30,,,tourism,,,,test\n\
         CN,TJ,2025-06-01,2025-01-01,e_visa,45,,,tourism,2,50,,test\n\
         CN,GE,,,visa_free,30,90,,tourism,,,,test\n\
         Cn,AZ,,,visa_free,30,,,tourism,,,,test\n\
         CN,CN,,,visa_free,30,,,tourism,,,,test\n",
    ));
    assert_error(
        &r,
        "entry_rules.csv",
        Some(2),
        Some("purposes"),
        "`sightseeing` is not a purpose",
    );
    assert_error(
        &r,
        "entry_rules.csv",
        Some(3),
        Some("regime"),
        "`visa_frei` is not a regime",
    );
    assert_error(
        &r,
        "entry_rules.csv",
        Some(4),
        Some("valid_to"),
        "is before valid_from",
    );
    assert_error(
        &r,
        "entry_rules.csv",
        Some(5),
        Some("period_days"),
        "needs the period",
    );
    assert_error(
        &r,
        "entry_rules.csv",
        Some(6),
        Some("passport"),
        "not an ISO 3166-1 alpha-2",
    );
    assert_error(
        &r,
        "entry_rules.csv",
        Some(7),
        Some("destination"),
        "own country",
    );
}

#[test]
fn two_unconditional_entry_rules_of_one_pair_may_not_overlap() {
    let r = errors_of(&with_entry_rules(
        "CN,UZ,2021-03-01,2025-06-30,visa_free,10,,,tourism,,,,test\n\
         CN,UZ,2025-06-01,,visa_free,30,90,180,tourism,,,,test\n",
    ));
    assert_error(
        &r,
        "entry_rules.csv",
        Some(3),
        Some("valid_from"),
        "overlaps the rule of line 2",
    );
    // A rule with a condition may overlap (it is shown, not applied).
    let ok = with_entry_rules(
        "CN,RU,2023-08-01,,e_visa,16,,,tourism,4,52,,test\n\
         CN,RU,2023-08-01,,visa_free,15,,,tourism,,,organised tour groups,test\n",
    );
    assert!(load_files(&ok).is_ok());
}
