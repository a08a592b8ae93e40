//! The cargo being routed.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Tonnes of cargo in one FEU, the reference load of the per-km tariffs (CPMM quotes costs per
/// 20 t of cargo).
pub const TONNES_PER_FEU: f64 = 20.0;

/// Forty-foot containers that make a whole train: cargo of at least this many FEU may go by a
/// chartered train anywhere, also where a service covers the pair. The timetabled
/// Urumqi–Almaty and Chengdu–Tashkent trains ran 47 boxes and 47 wagons
/// (http://brandaundean.com/xinjiang/2024-03-07/detail-ihcyhwth7266650.shtml ;
/// https://seanews.ru/2025/04/16/ru-gruzovye-poezda-iz-chjendu-v-srednjuju-aziju).
pub const WHOLE_TRAIN_FEU: f64 = 47.0;

/// What is shipped. Money scales with `feu` (tariffs and fees are per 40 ft container),
/// emissions with `tonnes` (ISO 14083 counts cargo tonne-km).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cargo {
    /// Number of 40 ft container equivalents the tariffs apply to.
    pub feu: f64,
    /// Cargo mass, tonnes.
    pub tonnes: f64,
}

impl Cargo {
    /// One 40 ft container carrying 20 t.
    pub const FORTY_FOOT: Cargo = Cargo {
        feu: 1.0,
        tonnes: TONNES_PER_FEU,
    };
    /// One 20 ft container carrying 10 t, priced as half a FEU.
    pub const TWENTY_FOOT: Cargo = Cargo {
        feu: 0.5,
        tonnes: TONNES_PER_FEU / 2.0,
    };

    /// USD for this cargo of something priced `usd_per_feu` per FEU.
    pub fn usd(&self, usd_per_feu: f64) -> f64 {
        usd_per_feu * self.feu
    }

    /// Kg CO2e for this cargo of something emitting `g_per_t` grams per tonne.
    pub fn co2e_kg(&self, g_per_t: f64) -> f64 {
        g_per_t * self.tonnes / 1000.0
    }

    /// A bulk consignment of `t` tonnes, priced as `t / 20` FEU.
    pub fn tonnes(t: f64) -> Cargo {
        Cargo {
            feu: t / TONNES_PER_FEU,
            tonnes: t,
        }
    }
}

impl Default for Cargo {
    fn default() -> Self {
        Cargo::FORTY_FOOT
    }
}

impl fmt::Display for Cargo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Cargo::FORTY_FOOT {
            write!(f, "one 40 ft container (20 t)")
        } else if *self == Cargo::TWENTY_FOOT {
            write!(f, "one 20 ft container (10 t)")
        } else if self.feu >= 1.0
            && self.feu.fract() == 0.0
            && self.tonnes == self.feu * TONNES_PER_FEU
        {
            write!(f, "{} × 40 ft containers ({} t)", self.feu, self.tonnes)
        } else {
            write!(f, "{} t", self.tonnes)
        }
    }
}

impl FromStr for Cargo {
    type Err = String;
    /// `40ft`, `20ft`, a number of containers such as `50x40ft` (or `50x20ft`), or a mass
    /// such as `25t`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        if let Some((n, unit)) = s.split_once('x') {
            let one: Cargo = unit.parse()?;
            let n = n
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| {
                    format!("`{s}`: the number of containers must be 1 to 10000, like 50x40ft")
                })?;
            if !matches!(unit.trim(), "40ft" | "feu" | "20ft" | "teu") {
                return Err(format!("`{s}`: count containers, like 50x40ft or 10x20ft"));
            }
            return Ok(Cargo {
                feu: one.feu * f64::from(n),
                tonnes: one.tonnes * f64::from(n),
            });
        }
        match s.as_str() {
            "40ft" | "feu" => Ok(Cargo::FORTY_FOOT),
            "20ft" | "teu" => Ok(Cargo::TWENTY_FOOT),
            _ => {
                let t = s
                    .strip_suffix('t')
                    .and_then(|n| n.trim().parse::<f64>().ok())
                    .filter(|t| t.is_finite() && *t > 0.0 && *t <= 100_000.0)
                    .ok_or_else(|| format!("`{s}` is not a cargo: use 40ft, 20ft, a count such as 50x40ft, or a mass such as 25t (0 < t ≤ 100000)"))?;
                Ok(Cargo::tonnes(t))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_is_a_container_a_count_of_containers_or_a_mass() {
        assert_eq!("40ft".parse::<Cargo>(), Ok(Cargo::FORTY_FOOT));
        let train: Cargo = "50x40ft".parse().unwrap();
        assert_eq!((train.feu, train.tonnes), (50.0, 1000.0));
        assert_eq!(train.to_string(), "50 × 40 ft containers (1000 t)");
        let boxes: Cargo = "10x20ft".parse().unwrap();
        assert_eq!((boxes.feu, boxes.tonnes), (5.0, 100.0));
        assert!("0x40ft".parse::<Cargo>().is_err());
        assert!("5x25t".parse::<Cargo>().is_err());
        assert_eq!("25t".parse::<Cargo>().map(|c| c.tonnes), Ok(25.0));
    }
}
