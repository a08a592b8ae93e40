//! The country of a point, from country polygons: Natural Earth's admin-0 countries at
//! 1:110 million (public domain), as the world-atlas package's TopoJSON that the web page
//! embeds (web/vendor/countries-110m.json, ISO 3166-1 numeric ids).
//!
//! At that scale a border is drawn to within several kilometres, and small islands are
//! missing: a point in no polygon takes the country of the nearest polygon within
//! [`SNAP_DEGREES`], so that a port or a post just outside the drawn coastline or border keeps
//! its country. Where borders matter, `barrier=border_control` nodes decide where a way
//! crosses (see `osm.rs`); the polygons only say which country each side is in.

use crate::write::ImportError;
use geo::{BoundingRect, Contains, Distance, Euclidean, MultiPolygon, Point, Rect};
use rayon::prelude::*;

/// The world-atlas TopoJSON of Natural Earth's 1:110m admin-0 countries.
const WORLD_ATLAS: &str = include_str!("../../../web/vendor/countries-110m.json");

/// A point outside every polygon takes the nearest country within this distance, in degrees
/// (Euclidean on longitude and latitude: 55 km north–south, less east–west away from the
/// equator).
pub const SNAP_DEGREES: f64 = 0.5;

/// Country polygons with their ISO 3166-1 alpha-2 codes.
pub struct Countries {
    items: Vec<Country>,
}

struct Country {
    code: String,
    area: MultiPolygon<f64>,
    bbox: Rect<f64>,
}

impl Countries {
    /// The embedded Natural Earth 1:110m countries. Territories without an ISO code (Northern
    /// Cyprus, Somaliland) are left out; Kosovo is `XK`.
    pub fn world() -> Result<Countries, ImportError> {
        let bad = |why: String| ImportError::Invalid(format!("embedded country polygons: {why}"));
        let topo = match WORLD_ATLAS.parse::<topojson::TopoJson>() {
            Ok(topojson::TopoJson::Topology(t)) => t,
            Ok(_) => return Err(bad("not a topology".into())),
            Err(e) => return Err(bad(e.to_string())),
        };
        let features = topojson::to_geojson(&topo, "countries").map_err(|e| bad(e.to_string()))?;
        let mut items = Vec::new();
        for f in features.features {
            let name = f
                .properties
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            let numeric = f.id.as_ref().and_then(|id| match id {
                geojson_topo::feature::Id::String(s) => s.parse::<u32>().ok(),
                geojson_topo::feature::Id::Number(n) => n.as_u64().map(|n| n as u32),
            });
            let code = match (numeric, name) {
                (Some(n), _) => match isocountry::CountryCode::for_id(n) {
                    Ok(c) => c.alpha2().to_string(),
                    Err(_) => continue,
                },
                (None, "Kosovo") => "XK".to_string(),
                (None, _) => continue,
            };
            let Some(geometry) = f.geometry else { continue };
            let area = match geo::Geometry::<f64>::try_from(geometry.value) {
                Ok(geo::Geometry::MultiPolygon(m)) => m,
                Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
                Ok(_) => continue,
                Err(e) => return Err(bad(format!("{name}: {e}"))),
            };
            let Some(bbox) = area.bounding_rect() else {
                continue;
            };
            items.push(Country { code, area, bbox });
        }
        Ok(Countries { items })
    }

    /// The ISO alpha-2 code of the country `[lon, lat]` lies in, else of the nearest one
    /// within [`SNAP_DEGREES`]; `None` out at sea or in a territory without a code.
    pub fn of(&self, lon_lat: [f64; 2]) -> Option<&str> {
        let p = Point::new(lon_lat[0], lon_lat[1]);
        let inside = self
            .items
            .iter()
            .find(|c| c.bbox.contains(&p) && c.area.contains(&p));
        if let Some(c) = inside {
            return Some(&c.code);
        }
        // The nearest within the snap distance (a bounding box farther away cannot hold it).
        let near = |r: &Rect<f64>| {
            let dx = (r.min().x - p.x()).max(p.x() - r.max().x).max(0.0);
            let dy = (r.min().y - p.y()).max(p.y() - r.max().y).max(0.0);
            dx.hypot(dy) <= SNAP_DEGREES
        };
        self.items
            .iter()
            .filter(|c| near(&c.bbox))
            .map(|c| (Euclidean.distance(&c.area, &p), c))
            .filter(|(d, _)| *d <= SNAP_DEGREES)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c.code.as_str())
    }

    /// [`Countries::of`] for many points, in parallel.
    pub fn of_all(&self, points: &[[f64; 2]]) -> Vec<Option<&str>> {
        points.par_iter().map(|&p| self.of(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Countries;

    #[test]
    fn cities_of_the_corridor_lie_in_their_countries() {
        let world = Countries::world().unwrap();
        for (lon_lat, code) in [
            ([76.95, 43.25], "KZ"), // Almaty
            ([87.62, 43.83], "CN"), // Urumqi
            ([74.59, 42.87], "KG"), // Bishkek
            ([69.24, 41.31], "UZ"), // Tashkent
            ([49.87, 40.41], "AZ"), // Baku
            ([24.94, 60.17], "FI"), // Helsinki (on the coast)
            ([24.75, 59.44], "EE"), // Tallinn
        ] {
            assert_eq!(world.of(lon_lat), Some(code), "{lon_lat:?}");
        }
        // The middle of the Caspian Sea and of the Pacific: no country.
        assert_eq!(world.of([50.5, 42.0]), None);
        assert_eq!(world.of([-150.0, 0.0]), None);
    }
}
