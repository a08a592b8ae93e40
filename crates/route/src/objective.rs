//! What "best" means for a route.

use crate::cargo::Cargo;
use silkroute_graph::{Edge, Wait};
use std::fmt;

/// The criterion a route minimises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Typical (p50) door-to-door hours, waits included.
    Time,
    /// Bad-case hours: the sum of each element's p90 (waits included).
    TimeP90,
    /// USD for the cargo.
    Cost,
    /// Well-to-wheel kg CO2e for the cargo.
    Co2,
    /// USD plus value of time × typical hours.
    Balanced {
        /// USD per hour of the whole cargo.
        value_of_time_usd_per_h: f64,
    },
}

impl Objective {
    /// Default value of time for `balanced`, USD per FEU-hour (an estimate; see docs/methodology.md).
    pub const DEFAULT_VALUE_OF_TIME: f64 = 20.0;

    /// The name used on the command line and in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Objective::Time => "time",
            Objective::TimeP90 => "p90",
            Objective::Cost => "cost",
            Objective::Co2 => "co2",
            Objective::Balanced { .. } => "balanced",
        }
    }

    /// What the objective minimises, in words.
    pub fn explain(&self) -> String {
        match self {
            Objective::Time => "fastest: minimises typical (p50) door-to-door hours, waits included".into(),
            Objective::TimeP90 => "safest: minimises bad-case (p90) door-to-door hours, waits included".into(),
            Objective::Cost => "cheapest: minimises USD (per-km tariffs, border fees, handling charges)".into(),
            Objective::Co2 => "greenest: minimises well-to-wheel kg CO2e (ISO 14083 / GLEC), hub emissions included".into(),
            Objective::Balanced {
                value_of_time_usd_per_h,
            } => format!("balanced: minimises USD + {value_of_time_usd_per_h} USD/h × typical hours"),
        }
    }

    /// Weight of an edge for this objective and cargo (waits after the edge included).
    pub fn edge_weight(&self, e: &Edge, cargo: &Cargo) -> f64 {
        let hours = e.time_p50_h + e.wait_p50_h;
        match self {
            Objective::Time => hours,
            Objective::TimeP90 => e.time_p90_h + e.wait_p90_h,
            Objective::Cost => e.cost_usd_per_feu * cargo.feu,
            Objective::Co2 => e.wtw_g_per_t * cargo.tonnes / 1000.0,
            Objective::Balanced {
                value_of_time_usd_per_h,
            } => e.cost_usd_per_feu * cargo.feu + value_of_time_usd_per_h * hours,
        }
    }

    /// Weight of the wait to board at the origin (money and emissions are zero).
    pub fn board_weight(&self, wait: &Wait) -> f64 {
        match self {
            Objective::TimeP90 => wait.p90_h,
            _ => self.wait_weight(wait.p50_h),
        }
    }

    /// Weight of waiting `hours` (the typical wait; for [`Objective::TimeP90`] pass the p90).
    pub fn wait_weight(&self, hours: f64) -> f64 {
        match self {
            Objective::Time | Objective::TimeP90 => hours,
            Objective::Cost | Objective::Co2 => 0.0,
            Objective::Balanced {
                value_of_time_usd_per_h,
            } => value_of_time_usd_per_h * hours,
        }
    }
}

/// Why an objective could not be made from user input; `param` names the parameter at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ObjectiveError {
    /// `by` or `value_of_time`.
    pub param: &'static str,
    /// What is wrong.
    pub message: String,
}

impl Objective {
    /// The objective called `name` (`time`, `p90`, `cost`, `co2`, `balanced`), with the value of
    /// time for `balanced` (default [`Objective::DEFAULT_VALUE_OF_TIME`]); a value of time with
    /// any other objective is an error, not silently ignored.
    pub fn from_name(name: &str, value_of_time: Option<f64>) -> Result<Objective, ObjectiveError> {
        let vot_error = |message: String| ObjectiveError {
            param: "value_of_time",
            message,
        };
        let objective = match name.trim() {
            "time" => Objective::Time,
            "p90" => Objective::TimeP90,
            "cost" => Objective::Cost,
            "co2" => Objective::Co2,
            "balanced" => Objective::Balanced {
                value_of_time_usd_per_h: match value_of_time {
                    Some(v) if v.is_finite() && v >= 0.0 => v,
                    Some(v) => return Err(vot_error(format!("{v} is not a non-negative number"))),
                    None => Objective::DEFAULT_VALUE_OF_TIME,
                },
            },
            other => {
                return Err(ObjectiveError {
                    param: "by",
                    message: format!(
                        "`{other}` is not an objective (expected time, p90, cost, co2 or balanced)"
                    ),
                })
            }
        };
        if value_of_time.is_some() && !matches!(objective, Objective::Balanced { .. }) {
            return Err(vot_error(
                "a value of time only applies to the balanced objective".into(),
            ));
        }
        Ok(objective)
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Objective;

    #[test]
    fn objectives_by_name_and_their_errors() {
        assert_eq!(Objective::from_name("p90", None), Ok(Objective::TimeP90));
        assert_eq!(
            Objective::from_name("balanced", Some(5.0)),
            Ok(Objective::Balanced {
                value_of_time_usd_per_h: 5.0
            })
        );
        assert_eq!(
            Objective::from_name("fastest", None).unwrap_err().param,
            "by"
        );
        assert_eq!(
            Objective::from_name("time", Some(5.0)).unwrap_err().param,
            "value_of_time"
        );
        assert_eq!(
            Objective::from_name("balanced", Some(-1.0))
                .unwrap_err()
                .param,
            "value_of_time"
        );
    }
}
