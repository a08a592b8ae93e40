//! Corridor scenarios on the built-in network, as shippers and analysts ask them.

use silkroute_feed::{builtin, builtin_scenario};
use silkroute_graph::compile;
use silkroute_model::{Mode, Network};
use silkroute_route::Criterion;
use silkroute_route::{
    alternatives, pareto, route, AlternativesRequest, Itinerary, LegKind, Objective, ParetoRequest,
    PlaceFinder, RouteRequest,
};

fn ask(
    net: &Network,
    from: &str,
    to: &str,
    objective: Objective,
    modes: &[Mode],
) -> Result<Itinerary, silkroute_route::RouteError> {
    let graph = compile(net).unwrap();
    let f = PlaceFinder::new(net);
    let mut req = RouteRequest::new(f.find(from).unwrap(), f.find(to).unwrap(), objective);
    req.modes = modes.iter().copied().collect();
    route(net, &graph, &req)
}

fn with_cku() -> Network {
    builtin_scenario("cku-open")
        .unwrap()
        .unwrap()
        .applied_to(&builtin())
        .unwrap()
}

#[test]
fn xian_to_almaty_by_rail_crosses_one_chinese_kazakh_border_with_one_gauge_change() {
    let net = builtin();
    for objective in [
        Objective::Least(Criterion::Time),
        Objective::Least(Criterion::Cost),
    ] {
        let it = ask(&net, "Xi'an", "Almaty", objective, &[Mode::Rail]).unwrap();
        assert_eq!(it.summary.borders.len(), 1, "{:?}", it.summary.borders);
        assert!(["alashankou-dostyk", "khorgos-altynkol"].contains(&it.summary.borders[0].as_str()));
        assert_eq!(it.summary.gauge_changes, 1);
        assert_eq!(it.summary.modes, [Mode::Rail]);
        // the gauge changes right after the border, from 1435 to 1520 mm
        let b = it
            .legs
            .iter()
            .position(|l| l.kind == LegKind::Border)
            .unwrap();
        assert!(it.legs[b + 1].gauge_change && it.legs[b + 1].gauge_mm == Some(1520));
    }
}

#[test]
fn xian_to_tashkent_by_rail_crosses_into_kazakhstan_then_uzbekistan() {
    let it = ask(
        &builtin(),
        "西安",
        "Ташкент",
        Objective::Least(Criterion::Time),
        &[Mode::Rail],
    )
    .unwrap();
    assert_eq!(it.summary.gauge_changes, 1);
    assert_eq!(it.summary.borders.len(), 2, "{:?}", it.summary.borders);
    assert_eq!(it.summary.borders[1], "saryagash-keles");
}

#[test]
fn kashgar_to_andijan_goes_the_long_way_today_and_via_makmal_with_the_cku_railway() {
    let today = ask(
        &builtin(),
        "Kashgar",
        "Andijan",
        Objective::Least(Criterion::Time),
        &[Mode::Rail],
    )
    .unwrap();
    assert!(
        today
            .summary
            .borders
            .iter()
            .any(|b| b == "khorgos-altynkol" || b == "alashankou-dostyk"),
        "{:?}",
        today.summary.borders
    );
    let cku = ask(
        &with_cku(),
        "Kashgar",
        "Andijan",
        Objective::Least(Criterion::Time),
        &[Mode::Rail],
    )
    .unwrap();
    assert_eq!(cku.summary.borders[0], "cku-torugart");
    assert_eq!(cku.summary.gauge_changes, 1);
    let gauge = cku.legs.iter().find(|l| l.gauge_change).unwrap();
    assert_eq!(gauge.to, "makmal");
    assert!(
        cku.summary.distance_km < 0.25 * today.summary.distance_km,
        "{} vs {}",
        cku.summary.distance_km,
        today.summary.distance_km
    );
    assert!(cku.summary.time_h.sum_p50 < today.summary.time_h.sum_p50);
}

#[test]
fn the_cku_railway_is_planned_for_2030_in_the_feed() {
    let net = builtin();
    let cku: Vec<_> = net
        .links
        .iter()
        .filter(|l| l.id.starts_with("cku-"))
        .collect();
    assert_eq!(cku.len(), 3);
    assert!(cku
        .iter()
        .all(|l| l.status == silkroute_model::Status::Planned && l.opening_year == Some(2030)));
}

#[test]
fn xian_to_baku_offers_the_caspian_crossing_via_aktau_or_kuryk() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let f = PlaceFinder::new(&net);
    let mut req = RouteRequest::new(
        f.find("xian").unwrap(),
        f.find("baku").unwrap(),
        Objective::Least(Criterion::Time),
    );
    req.modes = [Mode::Rail, Mode::Sea].into_iter().collect();
    let options = alternatives(&net, &graph, &AlternativesRequest::new(req.clone(), 3)).unwrap();
    assert!(
        options.iter().any(|o| o
            .summary
            .ports
            .first()
            .is_some_and(|p| p == "aktau" || p == "kuryk")),
        "{:?}",
        options
            .iter()
            .map(|o| o.summary.ports.clone())
            .collect::<Vec<_>>()
    );
    // and a Pareto menu over all modes is non-empty and sorted by time
    let menu = pareto(
        &net,
        &graph,
        &ParetoRequest::new(RouteRequest::new(
            req.from,
            req.to,
            Objective::Least(Criterion::Time),
        )),
    )
    .unwrap();
    assert!(menu.len() >= 2);
    assert!(menu
        .windows(2)
        .all(|w| w[0].summary.time_h.p50 <= w[1].summary.time_h.p50));
}

#[test]
fn every_required_place_is_in_the_built_in_network() {
    let net = builtin();
    let required = [
        "xian",
        "lanzhou",
        "urumqi",
        "kashgar",
        "khorgos",
        "alashankou",
        "yining",
        "chongqing",
        "chengdu",
        "zhengzhou",
        "yiwu",
        "lianyungang",
        "beijing",
        "dostyk",
        "altynkol",
        "almaty",
        "astana",
        "karaganda",
        "shymkent",
        "aktobe",
        "beyneu",
        "aktau",
        "kuryk",
        "bishkek",
        "osh",
        "jalal-abad",
        "makmal",
        "torugart",
        "irkeshtam",
        "naryn",
        "tashkent",
        "andijan",
        "samarkand",
        "bukhara",
        "navoi",
        "termez",
        "dushanbe",
        "khujand",
        "ashgabat",
        "turkmenbashi",
        "turkmenabat",
        "serhetabat",
        "baku",
        "alat",
        "tbilisi",
        "poti",
        "kars",
        "istanbul",
        "moscow",
    ];
    for id in required {
        assert!(net.place_id(id).is_some(), "{id} missing");
    }
    for p in &net.places {
        assert!(!p.source.is_empty());
    }
}

#[test]
fn every_place_can_be_reached_from_xian() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let f = PlaceFinder::new(&net);
    let req = RouteRequest::new(
        f.find("xian").unwrap(),
        f.find("xian").unwrap(),
        Objective::Least(Criterion::Time),
    );
    let reach = silkroute_route::reach(&net, &graph, &req, f64::INFINITY);
    let unreached: Vec<&str> = net
        .places
        .iter()
        .filter(|p| {
            p.id != "xian" && !p.id.starts_with("cku") && !reach.iter().any(|r| r.id == p.id)
        })
        .map(|p| p.id.as_str())
        .filter(|id| !["makmal"].contains(id))
        .collect();
    assert!(
        unreached.is_empty(),
        "not reachable from Xi'an today: {unreached:?}"
    );
}
