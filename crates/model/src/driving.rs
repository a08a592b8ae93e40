//! Drivers' hours: the driving-time and rest rules a truck on the road obeys, per country and
//! crew, and the clock of a driver's shift that applies them.
//!
//! A rule set ([`DrivingRules`], `driving_rules.csv`) says how long a crew may drive before a
//! break, before its daily rest, and within what spread of duty the daily rest must start; a
//! [`Shift`] counts those clocks for one truck and inserts the breaks and rests into its
//! driving ([`Shift::drive`]). Time standing at a border post counts as the rules say
//! ([`Shift::stand`]): waiting is not rest, but a wait as long as a break is one.

use crate::source::Source;
use serde::{Deserialize, Serialize};

/// What a crew may drive, per country (or `*` for every country without its own row) and
/// crew size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrivingRules {
    /// ISO country code, or `None` for the default row (`*`).
    pub country: Option<String>,
    /// Drivers on board: 1, or 2 (multi-manning).
    pub crew: u8,
    /// Driving after which a break is due, hours (`None`: no break stops, e.g. a second driver
    /// takes over while the first rests on board).
    pub continuous_driving_h: Option<f64>,
    /// The break, hours.
    pub break_h: f64,
    /// Driving of the truck between two daily rests, hours.
    pub daily_driving_h: f64,
    /// The daily rest, hours (the truck stands still).
    pub daily_rest_h: f64,
    /// The longest spread of duty from the end of one daily rest to the start of the next,
    /// hours (24 − 11 h under AETR for one driver, 30 − 9 h for two).
    pub duty_spread_h: f64,
    /// Where the rules come from.
    pub source: Source,
}

/// A pause the rules impose while driving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// A break after continuous driving.
    Break,
    /// The daily rest.
    DailyRest,
}

/// A pause inserted into a drive: after `after_driving_s` seconds of this drive's driving,
/// the truck stands `duration_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// Driving of this drive before the pause, seconds.
    pub after_driving_s: i64,
    /// How long the truck stands, seconds.
    pub duration_s: i64,
    /// Break or daily rest.
    pub kind: PauseKind,
}

/// The clocks of a truck crew's shift, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Shift {
    /// Driving since the last break or rest.
    pub since_break_s: i64,
    /// Driving since the last daily rest.
    pub since_rest_s: i64,
    /// Duty (driving, breaks, waiting) since the last daily rest.
    pub on_duty_s: i64,
}

fn secs(h: f64) -> i64 {
    (h * 3600.0).round() as i64
}

impl PauseKind {
    /// How a user reads it.
    pub fn describe(self) -> &'static str {
        match self {
            PauseKind::Break => "break",
            PauseKind::DailyRest => "daily rest",
        }
    }
}

impl Shift {
    /// A fresh crew, rested.
    pub const FRESH: Shift = Shift {
        since_break_s: 0,
        since_rest_s: 0,
        on_duty_s: 0,
    };

    /// Drives `driving_s` seconds under `rules`: the shift after it, the time it takes with
    /// its pauses, seconds, and each pause reported to `on_pause` in order. A pause is taken
    /// only when driving remains (a limit reached at the end of a drive is dealt with by the
    /// next one, or not at all if the truck stops there).
    pub fn drive(
        self,
        rules: &DrivingRules,
        driving_s: i64,
        mut on_pause: impl FnMut(Pause),
    ) -> (Shift, i64) {
        let mut s = self;
        let (cont, daily, spread) = (
            rules.continuous_driving_h.map(secs),
            secs(rules.daily_driving_h).max(1),
            secs(rules.duty_spread_h).max(1),
        );
        let (brk, rest) = (secs(rules.break_h), secs(rules.daily_rest_h));
        let mut left = driving_s.max(0);
        let mut elapsed = 0;
        while left > 0 {
            let to_rest = (daily - s.since_rest_s).min(spread - s.on_duty_s);
            let to_break = cont.map_or(i64::MAX, |c| c - s.since_break_s);
            if to_rest <= 0 {
                on_pause(Pause {
                    after_driving_s: driving_s - left,
                    duration_s: rest,
                    kind: PauseKind::DailyRest,
                });
                elapsed += rest;
                s = Shift::FRESH;
                continue;
            }
            if to_break <= 0 {
                on_pause(Pause {
                    after_driving_s: driving_s - left,
                    duration_s: brk,
                    kind: PauseKind::Break,
                });
                elapsed += brk;
                s.since_break_s = 0;
                s.on_duty_s += brk;
                continue;
            }
            let step = left.min(to_rest).min(to_break);
            left -= step;
            elapsed += step;
            s.since_break_s += step;
            s.since_rest_s += step;
            s.on_duty_s += step;
        }
        (s, elapsed)
    }

    /// Stands `standing_s` seconds at a border post. Waiting in a queue or for formalities is
    /// not rest (AETR: a period of availability or other work) but counts as a break once it is
    /// as long as one; a wait for a closed post, whose length is known in advance and during
    /// which the vehicle stands, counts as the daily rest once it is as long as one.
    pub fn stand(self, rules: &DrivingRules, standing_s: i64, post_closed: bool) -> Shift {
        let mut s = self;
        if post_closed && standing_s >= secs(rules.daily_rest_h) {
            return Shift::FRESH;
        }
        s.on_duty_s += standing_s.max(0);
        if standing_s >= secs(rules.break_h) {
            s.since_break_s = 0;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aetr(crew: u8) -> DrivingRules {
        if crew == 1 {
            DrivingRules {
                country: None,
                crew: 1,
                continuous_driving_h: Some(4.5),
                break_h: 0.75,
                daily_driving_h: 9.0,
                daily_rest_h: 11.0,
                duty_spread_h: 13.0,
                source: "AETR".into(),
            }
        } else {
            DrivingRules {
                country: None,
                crew: 2,
                continuous_driving_h: None,
                break_h: 0.75,
                daily_driving_h: 18.0,
                daily_rest_h: 9.0,
                duty_spread_h: 21.0,
                source: "AETR multi-manning".into(),
            }
        }
    }

    #[test]
    fn a_single_driver_drives_nine_hours_a_day_with_a_break_in_between() {
        let mut pauses = Vec::new();
        let (_, took) = Shift::FRESH.drive(&aetr(1), 20 * 3600, |p| pauses.push(p));
        let kinds: Vec<PauseKind> = pauses.iter().map(|p| p.kind).collect();
        use PauseKind::*;
        // 4.5 h, break, 4.5 h, rest, 4.5 h, break, 4.5 h, rest, 2 h.
        assert_eq!(kinds, [Break, DailyRest, Break, DailyRest]);
        assert_eq!(pauses[1].after_driving_s, 9 * 3600);
        assert_eq!(took, 20 * 3600 + 2 * 2700 + 2 * 11 * 3600);
    }

    #[test]
    fn two_drivers_keep_the_truck_moving_eighteen_hours_in_thirty() {
        let mut pauses = Vec::new();
        let (s, took) = Shift::FRESH.drive(&aetr(2), 30 * 3600, |p| pauses.push(p));
        assert_eq!(pauses.len(), 1);
        assert_eq!(pauses[0].kind, PauseKind::DailyRest);
        assert_eq!(pauses[0].after_driving_s, 18 * 3600);
        assert_eq!(took, 30 * 3600 + 9 * 3600);
        assert_eq!(s.since_rest_s, 12 * 3600);
    }

    #[test]
    fn a_long_border_queue_is_a_break_but_not_a_rest() {
        let r = aetr(1);
        let (s, _) = Shift::FRESH.drive(&r, 4 * 3600, |_| {});
        let s = s.stand(&r, 12 * 3600, false);
        assert_eq!(s.since_break_s, 0);
        assert_eq!(s.on_duty_s, 16 * 3600);
        // The spread is spent: the next drive starts with the daily rest.
        let mut pauses = Vec::new();
        s.drive(&r, 3600, |p| pauses.push(p));
        assert_eq!(pauses[0].kind, PauseKind::DailyRest);
        assert_eq!(pauses[0].after_driving_s, 0);
        // A weekend at a closed post is the rest.
        assert_eq!(s.stand(&r, 48 * 3600, true), Shift::FRESH);
    }

    #[test]
    fn a_drive_that_ends_at_a_limit_takes_no_pause() {
        let mut n = 0;
        let (s, took) = Shift::FRESH.drive(&aetr(1), 9 * 3600, |_| n += 1);
        assert_eq!(n, 1, "the break at 4.5 h only");
        assert_eq!(took, 9 * 3600 + 2700);
        assert_eq!(s.since_rest_s, 9 * 3600);
    }
}
