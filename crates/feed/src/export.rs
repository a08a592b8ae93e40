//! Writing a network for other tools: GeoJSON for QGIS and web maps.

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use silkroute_model::Network;

fn props(pairs: Vec<(&str, JsonValue)>) -> Option<JsonObject> {
    Some(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn feature(geometry: GeometryValue, properties: Option<JsonObject>) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties,
        foreign_members: None,
    }
}

/// Places as points; links and border crossings as straight lines between their places,
/// coordinates `[lon, lat]`, every feature with its `source`.
pub fn network_geojson(net: &Network) -> FeatureCollection {
    use serde_json::json;
    let mut features = Vec::new();
    for p in &net.places {
        features.push(feature(
            GeometryValue::Point {
                coordinates: vec![p.lon, p.lat].into(),
            },
            props(vec![
                ("feature", json!("place")),
                ("id", json!(p.id)),
                ("name_en", json!(p.name_en)),
                ("name_zh", json!(p.name_zh)),
                ("name_ru", json!(p.name_ru)),
                ("country", json!(p.country)),
                ("kind", json!(p.kind.as_str())),
                ("source", json!(p.source)),
            ]),
        ));
    }
    let line = |a: silkroute_model::PlaceId, b: silkroute_model::PlaceId| {
        let (a, b) = (net.place(a), net.place(b));
        GeometryValue::LineString {
            coordinates: vec![vec![a.lon, a.lat].into(), vec![b.lon, b.lat].into()],
        }
    };
    for l in &net.links {
        let geometry = match &l.geometry {
            Some(points) => GeometryValue::LineString {
                coordinates: points.iter().map(|p| vec![p[0], p[1]].into()).collect(),
            },
            None => line(l.from, l.to),
        };
        features.push(feature(
            geometry,
            props(vec![
                ("feature", json!("link")),
                ("id", json!(l.id)),
                ("from", json!(net.place(l.from).id)),
                ("to", json!(net.place(l.to).id)),
                ("mode", json!(l.mode.as_str())),
                ("gauge_mm", json!(l.gauge.map(|g| g.0))),
                ("length_km", json!(l.length_km)),
                ("speed_kmh", json!(l.speed_kmh)),
                ("duration_h", json!(l.duration_h)),
                ("oneway", json!(l.oneway)),
                ("status", json!(l.status.as_str())),
                ("opening_year", json!(l.opening_year)),
                ("source", json!(l.source)),
            ]),
        ));
    }
    for b in &net.borders {
        features.push(feature(
            line(b.from_post, b.to_post),
            props(vec![
                ("feature", json!("border")),
                ("id", json!(b.id)),
                ("from", json!(net.place(b.from_post).id)),
                ("to", json!(net.place(b.to_post).id)),
                ("mode", json!(b.mode.as_str())),
                ("gauge_mm", json!(b.gauge.map(|g| g.0))),
                ("gauge_change", json!(b.gauge_change)),
                ("forward_p50_h", json!(b.forward.p50_h)),
                ("forward_p90_h", json!(b.forward.p90_h)),
                ("reverse_p50_h", json!(b.reverse.p50_h)),
                ("reverse_p90_h", json!(b.reverse.p90_h)),
                ("status", json!(b.status.as_str())),
                ("source", json!(b.source)),
            ]),
        ));
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}
