//! `lat,lon` queries find the nearest place on the sphere: the R*-tree answer equals a
//! brute-force great-circle scan for random query points anywhere on Earth.

use proptest::prelude::*;
use silkroute_feed::builtin;
use silkroute_route::PlaceFinder;

fn great_circle(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * h.sqrt().asin()
}

proptest! {
    #[test]
    fn the_nearest_place_is_the_nearest_by_great_circle(lat in -89.0f64..89.0, lon in -180.0f64..180.0) {
        let net = builtin();
        let finder = PlaceFinder::new(&net);
        let found = finder.nearest(lat, lon).unwrap();
        let d = |i: usize| great_circle((lat, lon), (net.places[i].lat, net.places[i].lon));
        let best = (0..net.places.len()).map(d).fold(f64::INFINITY, f64::min);
        prop_assert!((d(found.index()) - best).abs() < 1e-9, "found {} at {} rad, best {}", net.places[found.index()].id, d(found.index()), best);
    }
}

#[test]
fn a_query_across_the_date_line_finds_the_place_on_the_other_side() {
    let mut net = builtin();
    net.places[0].lat = 65.0;
    net.places[0].lon = 179.9;
    let finder = PlaceFinder::new(&net);
    assert_eq!(finder.nearest(65.0, -179.9).unwrap().index(), 0);
}
