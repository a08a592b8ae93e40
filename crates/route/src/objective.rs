//! What "best" means for a route.

use silkroute_graph::{Edge, Wait};
use silkroute_model::{Cargo, Costs, Criterion};
use std::fmt;

/// What a route minimises: one [`Criterion`], or money plus a value of time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// The least of one criterion.
    Least(Criterion),
    /// USD plus value of time × typical hours.
    Balanced {
        /// USD per hour of the whole cargo.
        value_of_time_usd_per_h: f64,
    },
}

impl Objective {
    /// Default value of time for `balanced`, USD per FEU-hour (an estimate; see docs/methodology.md).
    pub const DEFAULT_VALUE_OF_TIME: f64 = 20.0;

    /// The names accepted for `--by` and `by=`.
    pub const NAMES: [&'static str; 5] = ["time", "p90", "cost", "co2", "balanced"];

    /// The least typical time.
    pub const TIME: Objective = Objective::Least(Criterion::Time);

    /// The name used on the command line and in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Objective::Least(c) => c.as_str(),
            Objective::Balanced { .. } => "balanced",
        }
    }

    /// The criterion minimised, if the objective is a single one.
    pub fn criterion(&self) -> Option<Criterion> {
        match self {
            Objective::Least(c) => Some(*c),
            Objective::Balanced { .. } => None,
        }
    }

    /// What the objective minimises, in words.
    pub fn explain(&self) -> String {
        match self {
            Objective::Least(Criterion::Time) => "fastest: minimises typical (p50) door-to-door hours, waits included".into(),
            Objective::Least(Criterion::P90) => "safest: minimises bad-case (p90) door-to-door hours, waits included".into(),
            Objective::Least(Criterion::Cost) => "cheapest: minimises USD (per-km tariffs, border fees, handling charges)".into(),
            Objective::Least(Criterion::Co2) => "greenest: minimises well-to-wheel kg CO2e (ISO 14083 / GLEC), hub emissions included".into(),
            Objective::Balanced {
                value_of_time_usd_per_h,
            } => format!("balanced: minimises USD + {value_of_time_usd_per_h} USD/h × typical hours"),
        }
    }

    /// The objective's value of `costs`: the one cost function of searches and totals.
    pub fn weight(&self, costs: &Costs) -> f64 {
        match self {
            Objective::Least(c) => costs.get(*c),
            Objective::Balanced {
                value_of_time_usd_per_h,
            } => costs.usd + value_of_time_usd_per_h * costs.time_p50_h,
        }
    }

    /// Weight of an edge for this objective and cargo (waits after the edge included).
    pub fn edge_weight(&self, e: &Edge, cargo: &Cargo) -> f64 {
        self.weight(&e.costs(cargo))
    }

    /// Weight of the wait to board at the origin (money and emissions are zero).
    pub fn board_weight(&self, wait: &Wait) -> f64 {
        self.weight(&wait.costs())
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
            "balanced" => Objective::Balanced {
                value_of_time_usd_per_h: match value_of_time {
                    Some(v) if v.is_finite() && v >= 0.0 => v,
                    Some(v) => return Err(vot_error(format!("{v} is not a non-negative number"))),
                    None => Objective::DEFAULT_VALUE_OF_TIME,
                },
            },
            other => Objective::Least(other.parse::<Criterion>().map_err(|_| ObjectiveError {
                param: "by",
                message: format!(
                    "`{other}` is not an objective (expected {})",
                    Objective::NAMES.join(", ")
                ),
            })?),
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
    use silkroute_model::Criterion;

    #[test]
    fn objectives_by_name_and_their_errors() {
        assert_eq!(
            Objective::from_name("p90", None),
            Ok(Objective::Least(Criterion::P90))
        );
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
