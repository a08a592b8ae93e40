//! The default text output fits the width it is given: `COLUMNS`, or 100 columns when standard
//! output is not a terminal. Widths are display widths (a Chinese character takes two columns).

use assert_cmd::Command;
use unicode_width::UnicodeWidthStr;

fn display_width(line: &str) -> usize {
    UnicodeWidthStr::width(line)
}

fn lines_over(args: &[&str], columns: Option<&str>, limit: usize) -> Vec<String> {
    let mut cmd = Command::cargo_bin("silkroute").unwrap();
    cmd.args(args);
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "silkroute {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 3, "{text}");
    text.lines()
        .filter(|l| display_width(l) > limit)
        .map(|l| format!("{} columns: {l}", display_width(l)))
        .collect()
}

#[test]
fn route_places_pareto_and_assign_fit_100_columns() {
    let commands: [&[&str]; 7] = [
        &["route", "Xi'an", "Tashkent"],
        &["route", "Xi'an", "Tashkent", "--modes", "rail", "--sources"],
        &[
            "route",
            "Chongqing",
            "Almaty",
            "--modes",
            "rail",
            "--deadline",
            "10d",
        ],
        &["route", "Xi'an", "Tashkent", "--pareto"],
        &["route", "Xi'an", "Baku", "--alternatives", "3"],
        &["places"],
        &["assign", "--quiet"],
    ];
    for args in commands {
        for columns in [Some("100"), None] {
            let long = lines_over(args, columns, 100);
            assert!(
                long.is_empty(),
                "silkroute {} (COLUMNS={columns:?}) has lines over 100 columns:\n{}",
                args.join(" "),
                long.join("\n")
            );
        }
    }
}
