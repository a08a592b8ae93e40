//! `silkroute validate DIR`.

use crate::args::ValidateArgs;
use crate::failure::{print_json, CmdResult, Failure};
use silkroute_feed::{load_dir, FeedError, Report};
use std::process::ExitCode;

pub fn run(args: ValidateArgs) -> CmdResult {
    let (report, valid, summary) = match load_dir(&args.dir) {
        Ok((net, mut report)) => {
            // What only laying the services on the graph finds: a service without track, a
            // tariff table whose fares fall with distance.
            let valid = match silkroute_graph::compile(&net) {
                Err(e) => {
                    report.error("(the compiled network)", None, None, e.to_string());
                    false
                }
                Ok(g) => match silkroute_graph::Timetable::compile(&net, &g) {
                    Ok(tt) => {
                        for s in &tt.suspended {
                            report.warning("services.csv", None, None, s.to_string());
                        }
                        true
                    }
                    Err(e) => {
                        let file = match e {
                            silkroute_graph::TimetableError::Fares { .. } => "service_fares.csv",
                            _ => "services.csv",
                        };
                        report.error(file, None, None, e.to_string());
                        false
                    }
                },
            };
            let summary = format!(
                "{} places, {} links, {} border crossings, {} transfers, {} services",
                net.places.len(),
                net.links.len(),
                net.borders.len(),
                net.transfers.len(),
                net.services.len()
            );
            (report, valid, Some(summary))
        }
        Err(FeedError::Invalid(report)) => (report, false, None),
        Err(e) => return Err(Failure::failed(e)),
    };
    if args.json {
        let out = serde_json::json!({
            "feed": args.dir.display().to_string(),
            "valid": valid,
            "errors": report.error_count(),
            "warnings": report.warning_count(),
            "problems": report.problems,
        });
        print_json(&out)?;
    } else {
        print_report(&args.dir.display().to_string(), &report, valid, summary);
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(dir: &str, report: &Report, valid: bool, summary: Option<String>) {
    for p in &report.problems {
        let sev = match p.severity {
            silkroute_feed::Severity::Error => "error",
            silkroute_feed::Severity::Warning => "warning",
        };
        let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
        let field = p
            .field
            .as_ref()
            .map(|f| format!(" field `{f}`:"))
            .unwrap_or_default();
        tell!("{sev}: {dir}/{}{line}:{field} {}", p.file, p.message);
    }
    let verdict = if valid { "valid" } else { "NOT valid" };
    tell!(
        "{dir}: {verdict}: {} error(s), {} warning(s){}",
        report.error_count(),
        report.warning_count(),
        summary.map(|s| format!("; {s}")).unwrap_or_default()
    );
}
