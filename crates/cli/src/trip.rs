//! `silkroute trip`: a traveller's journeys on passenger services, with the entry rule of
//! every country entered and the days used of its allowance.

use crate::args::TripArgs;
use crate::context::load_router;
use crate::failure::{print_json, CmdResult, Failure};
use crate::route::invalid;
use crate::table::{num, render, Align};
use silkroute_route::{Alternative, EntryStatus, TripLegKind, TripResponse, Verdict};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(feed: &Option<PathBuf>, args: TripArgs) -> CmdResult {
    let router = load_router(feed, &[])?;
    let stops = args
        .places
        .iter()
        .map(|p| router.find(p).map_err(Failure::usage))
        .collect::<Result<Vec<_>, _>>()?;
    let req = router
        .trip_request(
            stops,
            &args.passport,
            args.date.as_deref(),
            args.stay.as_deref(),
            args.purpose.as_deref(),
            args.modes.into_iter().collect(),
        )
        .map_err(invalid)?;
    let answer = router
        .trip(&req)
        .map_err(|e| Failure::failed(anyhow::anyhow!("{e}")))?;
    if args.json {
        print_json(&answer)?;
    } else {
        print_trip(&answer);
    }
    Ok(ExitCode::SUCCESS)
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "allowed: every entry is allowed on this passport as planned",
        Verdict::VisaNeeded => "allowed with the visas listed below (get them before setting off)",
        Verdict::Unknown => {
            "unknown: the data has no entry rule for some country (see below); no guess is made"
        }
        Verdict::Refused => "refused: the plan breaks an entry rule (see the problems below)",
    }
}

fn status_text(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::Citizen => "citizen",
        EntryStatus::AirsideTransit => "airside",
        EntryStatus::Start => "start",
        EntryStatus::Allowed => "allowed",
        EntryStatus::VisaNeeded => "visa needed",
        EntryStatus::Refused => "REFUSED",
        EntryStatus::Unknown => "unknown",
    }
}

/// `2025-05-29T11:30+08:00[Asia/Shanghai]` as `Thu 29 May 11:30`.
fn short(t: &str) -> String {
    t.parse::<jiff::ZonedDateTime>()
        .map(|z| z.strftime("%a %d %b %H:%M").to_string())
        .unwrap_or_else(|_| t.to_string())
}

/// Fares as a traveller reads them: the sum, or what is known of it.
fn fare_text(usd: f64, complete: bool) -> String {
    match (complete, usd > 0.0) {
        (true, _) => format!("fares {} USD", num(usd, 0)),
        (false, true) => format!(
            "fares {} USD known, others not in the data (? above)",
            num(usd, 0)
        ),
        (false, false) => "fares not in the data".into(),
    }
}

fn print_trip(a: &TripResponse) {
    tell!(
        "trip on passenger services · passport {} · purpose {}",
        a.passport,
        a.purpose
    );
    tell!("verdict: {}\n", verdict_text(a.verdict));
    for (k, j) in a.journeys.iter().enumerate() {
        tell!(
            "journey {}: {} → {} · ready {} · arrives {} · {:.1} h{}",
            k + 1,
            j.from,
            j.to,
            short(&j.ready),
            short(&j.arrives),
            j.hours,
            if j.stay_days > 0 {
                format!(" · then {} days there", j.stay_days)
            } else {
                String::new()
            }
        );
        let rows: Vec<Vec<String>> = j
            .legs
            .iter()
            .map(|l| {
                vec![
                    match l.kind {
                        TripLegKind::Ride => "ride",
                        TripLegKind::Wait => "wait",
                        TripLegKind::Walk => "walk",
                    }
                    .to_string(),
                    if l.from == l.to {
                        l.from_name.clone()
                    } else {
                        format!("{} → {}", l.from_name, l.to_name)
                    },
                    l.mode.to_string(),
                    short(&l.departs),
                    short(&l.arrives),
                    num(l.hours, 1),
                    l.fare_usd.map_or_else(
                        || {
                            if l.kind == TripLegKind::Ride {
                                "?".into()
                            } else {
                                String::new()
                            }
                        },
                        |f| num(f, 0),
                    ),
                    num(l.co2e_kg, 1),
                    l.description.clone(),
                ]
            })
            .collect();
        say!(
            "{}",
            render(
                &["", "where", "mode", "departs", "arrives", "hours", "USD", "kg CO2e", "what"],
                &[
                    Align::Left,
                    Align::Left,
                    Align::Left,
                    Align::Left,
                    Align::Left,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Left,
                ],
                &rows,
            )
        );
        for o in &j.other_options {
            tell!(
                "  or by {}: {} · leaves {} · arrives {} · {:.1} h · {} · {:.1} kg CO2e",
                o.mode,
                o.services.join(", then "),
                short(&o.departs),
                short(&o.arrives),
                o.hours,
                fare_text(o.fare_usd, o.fares_complete),
                o.co2e_kg
            );
        }
        say!("");
    }
    tell!(
        "total: {} · {:.1} kg CO2e per passenger (well-to-wheel, ISO 14083 passenger-km)\n",
        fare_text(a.fare_usd, a.fares_complete),
        a.co2e_kg
    );
    tell!("countries:");
    let rows: Vec<Vec<String>> = a
        .stays
        .iter()
        .map(|s| {
            vec![
                s.country.clone(),
                format!("{} → {}", short(&s.entered), short(&s.left)),
                s.days.to_string(),
                s.purpose.to_string(),
                status_text(s.status).into(),
                s.period.map_or_else(String::new, |p| {
                    format!("{}/{} in {}", p.days_used, p.days_allowed, p.period_days)
                }),
                s.notes.join("; "),
            ]
        })
        .collect();
    say!(
        "{}",
        render(
            &[
                "",
                "in the country",
                "days",
                "purpose",
                "entry",
                "allowance",
                "rule"
            ],
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Left,
                Align::Left,
                Align::Left,
                Align::Left,
            ],
            &rows,
        )
    );
    for s in a.stays.iter().filter(|s| s.rule.is_some()) {
        let r = s.rule.as_ref().expect("filtered");
        tell!("  rule {}: {}", r.id, r.source);
    }
    if !a.problems.is_empty() {
        tell!("\nproblems:");
        for p in &a.problems {
            tell!("  {}: {}", p.country, p.message);
            if p.alternatives.is_empty() {
                tell!("    nothing in the data makes it work: change the plan");
            }
            for alt in &p.alternatives {
                let text = match alt {
                    Alternative::ShorterStay {
                        place,
                        max_stay_days,
                    } => format!("stay at most {max_stay_days} days at {place}"),
                    Alternative::OtherRoute {
                        avoids,
                        via,
                        arrives,
                    } => format!(
                        "go around {avoids}: {} (arrives {})",
                        via.join(" → "),
                        short(arrives)
                    ),
                    Alternative::Visa {
                        country,
                        rule,
                        regime,
                        lead_days,
                        fee_usd,
                    } => format!(
                        "get a {regime} for {country} (rule {rule}): {}, fee {}",
                        lead_days.map_or("lead time not in the data".into(), |d| format!(
                            "apply {d} days ahead"
                        )),
                        fee_usd.map_or("not in the data".into(), |f| format!("{f:.0} USD"))
                    ),
                };
                tell!("    instead: {text}");
            }
        }
    }
    tell!("(--json gives every field, with each rule's source and each fare's)");
}
