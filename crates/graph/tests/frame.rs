//! A scenario's network compiled in the frame of the graph it was derived from: the same
//! nodes at the same numbers, and the frame's edges found again where their elements are open.

use silkroute_feed::builtin;
use silkroute_graph::{
    compile, compile_edited, compile_every_element, compile_for_customizable, compile_in_frame,
    EdgeFrame, EdgeKind, EdgeShape, NodeId, Topology,
};
use silkroute_model::{Network, Schedule, Status, WaitModel};

#[test]
fn a_network_in_its_own_frame_is_its_graph() {
    let net = builtin();
    let graph = compile(&net).unwrap();
    let again = compile_in_frame(&net, &graph)
        .unwrap()
        .expect("the frame's places exist");
    assert_eq!(again.nodes(), graph.nodes());
    assert_eq!(again.edges().len(), graph.edges().len());
    // The same edges (a node's may come in another order).
    let frame = EdgeFrame::of(&again, &graph).expect("the same edges");
    for (f, old) in graph.edges().iter().enumerate() {
        let e = frame.edge(f).expect("every edge is there");
        assert!(again.edges()[e] == *old);
    }
}

#[test]
fn a_closed_link_leaves_its_nodes_and_loses_its_edges() {
    let net = builtin();
    let link = net
        .links
        .iter()
        .position(|l| l.id == "almaty-shymkent-road")
        .expect("in the built-in network");
    close_and_slow(&net, link);
}

/// Closes link `link` of `net` and slows the next, compiles the result in the frame of `net`'s
/// graph, and checks that the nodes stay, the closed link's two edges are gone, the slowed
/// link's two are slower and every other edge is found again unchanged.
fn close_and_slow(net: &Network, link: usize) {
    let graph = compile(net).unwrap();
    let mut edited = net.clone();
    edited.links[link].status = Status::Closed;
    edited.links[link + 1].speed_kmh = Some(7.0);
    let in_frame = compile_in_frame(&edited, &graph)
        .unwrap()
        .expect("same places");
    assert_eq!(in_frame.nodes().len(), graph.nodes().len());
    for (n, node) in graph.nodes().iter().enumerate() {
        assert_eq!(in_frame.nodes()[n].place, node.place);
        assert_eq!(in_frame.nodes()[n].layer, node.layer);
    }
    let frame = EdgeFrame::of(&in_frame, &graph).expect("nothing opened");
    let mut gone = 0;
    let mut slower = 0;
    for (f, old) in graph.edges().iter().enumerate() {
        match frame.edge(f) {
            None => {
                assert_eq!(old.kind(), EdgeKind::Run(link as u32));
                gone += 1;
            }
            Some(e) => {
                let new = &in_frame.edges()[e];
                assert_eq!(
                    (new.tail, new.head, new.kind()),
                    (old.tail, old.head, old.kind())
                );
                if new.kind() == EdgeKind::Run(link as u32 + 1) {
                    assert!(new.time_p50_h > old.time_p50_h);
                    slower += 1;
                } else {
                    assert!(new == old);
                }
            }
        }
    }
    assert_eq!((gone, slower), (2, 2), "both directions of each link");
    // Compiled afresh, the same network has the same edges (the frame only keeps nodes).
    assert_eq!(
        compile(&edited).unwrap().edges().len(),
        in_frame.edges().len()
    );
}

/// What `silkroute build` prepares the customizable hierarchy on: the open elements' graph with
/// a node for every element, and every element's graph in its frame, where the planned CKU
/// railway's edges are and the open elements' are found again.
#[test]
fn every_element_is_laid_for_the_customizable_hierarchy() {
    let net = builtin();
    let plain = compile(&net).unwrap();
    let (graph, shape) = compile_for_customizable(&net).unwrap();
    let shape = shape.expect("the CKU railway is planned");
    // Every element's graph, compiled again from the same network and graph (as a reader
    // does), has the shape build prepared on.
    let every = compile_every_element(&net, &graph).unwrap().unwrap();
    assert_eq!(Topology::of(&every), shape);
    assert_eq!(graph.nodes().len(), every.nodes().len());
    assert_eq!(shape.node_count(), every.nodes().len());
    assert!(
        graph.nodes().len() > plain.nodes().len(),
        "Makmal's 1520 mm node"
    );
    // The shape keeps what each edge joins, in order.
    let pairs: Vec<(u32, u32)> = every.edges().iter().map(|e| (e.tail.0, e.head.0)).collect();
    assert_eq!(shape.edge_pairs(), pairs);
    // The open elements' edges, whatever else: every one of the plain graph's is there.
    let kinds = |g: &silkroute_graph::Graph| {
        let mut k: Vec<_> = g.edges().iter().map(|e| e.kind()).collect();
        k.sort_by_key(|k| format!("{k:?}"));
        k
    };
    let planned = net
        .links
        .iter()
        .position(|l| l.id == "cku-torugart-makmal")
        .expect("in the built-in network") as u32;
    assert_eq!(net.links[planned as usize].status, Status::Planned);
    assert!(!kinds(&graph).contains(&EdgeKind::Run(planned)));
    assert_eq!(
        kinds(&every)
            .iter()
            .filter(|&&k| k == EdgeKind::Run(planned))
            .count(),
        2,
        "both directions of the planned railway"
    );
    // Framed on the whole graph or on its shape alone: the same frame.
    let frame = EdgeFrame::of(&graph, &shape).expect("the open edges are among every element's");
    assert_eq!(Some(&frame), EdgeFrame::of(&graph, &every).as_ref());
    let found = (0..frame.len())
        .filter(|&f| frame.edge(f).is_some())
        .count();
    assert_eq!(found, graph.edges().len());
    // A network whose elements are all open needs nothing more.
    let mut all_open = net.clone();
    all_open.links.to_mut().retain(|l| l.status == Status::Open);
    all_open.borders.retain(|b| b.status == Status::Open);
    all_open.transfers.retain(|t| t.status == Status::Open);
    let (g, none) = compile_for_customizable(&all_open).unwrap();
    assert!(none.is_none());
    assert_eq!(g.edges(), compile(&all_open).unwrap().edges());
}

/// A node with many edges (here 40 parallel roads added beside Almaty–Shymkent) is framed
/// edge for edge as any other: found by search, not by scanning.
#[test]
fn a_node_with_many_parallel_edges_is_framed_edge_for_edge() {
    let mut net = builtin();
    let k = net
        .links
        .iter()
        .position(|l| l.id == "almaty-shymkent-road")
        .expect("in the built-in network");
    for i in 0..40 {
        let mut parallel = net.links[k].clone();
        parallel.id = format!("almaty-shymkent-road-{i}");
        net.links.push(parallel);
    }
    let graph = compile(&net).unwrap();
    assert!((0..graph.nodes().len()).any(|v| graph.out_edges(NodeId(v as u32)).len() > 32));
    close_and_slow(&net, net.links.len() - 7);
}

/// A scenario's edit of one element: which table, which element (a fraction of the table),
/// and what is done to it.
fn edits() -> impl proptest::strategy::Strategy<Value = Vec<(u8, f64, u8)>> {
    proptest::collection::vec((0u8..4, 0.0..1.0f64, 0u8..5), 0..12)
}

/// `net` with `edits` applied as scenarios apply them: statuses, speeds, durations, factors and
/// services' departures.
fn edited(net: &Network, edits: &[(u8, f64, u8)]) -> Network {
    let mut out = net.clone();
    let status = |a: u8| [Status::Open, Status::Closed, Status::Planned][a as usize % 3];
    for &(table, at, action) in edits {
        match table {
            0 => {
                let i = (at * out.links.len() as f64) as usize;
                let l = &mut out.links[i];
                match action {
                    0..=2 => l.status = status(action),
                    3 => l.speed_kmh = Some(11.0),
                    _ => l.duration_h = Some(3.5),
                }
            }
            1 => {
                let i = (at * out.borders.len() as f64) as usize;
                let b = &mut out.borders[i];
                match action {
                    0..=2 => b.status = status(action),
                    _ => b.forward.p50_h *= 2.0,
                }
            }
            2 => {
                let i = (at * out.transfers.len() as f64) as usize;
                let t = &mut out.transfers[i];
                match action {
                    0..=2 => t.status = status(action),
                    _ => t.handling_p90_h *= 3.0,
                }
            }
            _ => {
                let i = (at * out.services.len() as f64) as usize;
                let s = &mut out.services[i];
                match (action, &mut s.schedule) {
                    (0..=2, _) => s.status = status(action),
                    (3, Schedule::Frequency { per_week, .. }) => *per_week *= 2.0,
                    (_, Schedule::Frequency { per_week, .. }) => *per_week *= 0.25,
                    (_, schedule) => {
                        *schedule = Schedule::Frequency {
                            per_week: 1.5,
                            wait: WaitModel::Uniform,
                        }
                    }
                }
            }
        }
    }
    out
}

/// Each node's edges, sorted by kind and head (two graphs with the same edges in another order
/// within a node compare equal).
fn edges_by_node(g: &silkroute_graph::Graph) -> Vec<Vec<String>> {
    (0..g.nodes().len() as u32)
        .map(|n| {
            let mut list: Vec<String> = g
                .out_edges(NodeId(n))
                .map(|e| format!("{:?}", g.edges()[e]))
                .collect();
            list.sort();
            list
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Only the edited elements laid again (what `Router::derive` does for a scenario that
    /// closes, opens or slows elements): the graph compiling the edited network in the frame
    /// gives, edge for edge on the graph `build` stores, and with the same edges of each node on
    /// a graph compiled afresh.
    #[test]
    fn laying_the_edited_elements_again_is_compiling_in_the_frame(edits in edits()) {
        let net = builtin();
        let after = edited(&net, &edits);
        let changes = after.edits_from(&net).expect("only elements edited");
        let (stored, _) = compile_for_customizable(&net).unwrap();
        let patched = compile_edited(&after, &changes, &stored).unwrap().expect("every node is there");
        let framed = compile_in_frame(&after, &stored).unwrap().unwrap();
        proptest::prop_assert_eq!(patched.nodes(), framed.nodes());
        proptest::prop_assert!(patched.edges() == framed.edges());
        let lists = |g: &silkroute_graph::Graph| {
            (0..g.nodes().len() as u32).map(|n| g.out_edges(NodeId(n))).collect::<Vec<_>>()
        };
        proptest::prop_assert_eq!(lists(&patched), lists(&framed));
        // On the open elements' graph alone, an element opened may need a node it lacks.
        let plain = compile(&net).unwrap();
        if let Some(patched) = compile_edited(&after, &changes, &plain).unwrap() {
            let framed = compile_in_frame(&after, &plain).unwrap().unwrap();
            proptest::prop_assert_eq!(patched.nodes(), framed.nodes());
            proptest::prop_assert_eq!(edges_by_node(&patched), edges_by_node(&framed));
        }
    }
}

#[test]
fn an_element_opened_without_its_nodes_is_compiled_in_the_frame() {
    let net = builtin();
    let planned = net
        .links
        .iter()
        .position(|l| l.id == "cku-torugart-makmal")
        .expect("in the built-in network");
    let mut after = net.clone();
    after.links[planned].status = Status::Open;
    let changes = after.edits_from(&net).unwrap();
    assert_eq!(changes.links, [planned as u32]);
    // Makmal's 1520 mm node is only in the graph `build` stores.
    let plain = compile(&net).unwrap();
    assert!(compile_edited(&after, &changes, &plain).unwrap().is_none());
    let (stored, _) = compile_for_customizable(&net).unwrap();
    let patched = compile_edited(&after, &changes, &stored).unwrap().unwrap();
    let opened = patched
        .edges()
        .iter()
        .filter(|e| e.kind() == EdgeKind::Run(planned as u32))
        .count();
    assert_eq!(opened, 2, "both directions of the opened railway");
    // A place edited, or a service removed, is more than elements edited.
    let mut renamed = net.clone();
    renamed.places.to_mut()[0].name_en.push('!');
    assert!(renamed.edits_from(&net).is_none());
    let mut fewer = net.clone();
    fewer.services.pop();
    assert!(fewer.edits_from(&net).is_none());
}

/// The Turkmenbashi–Alat ferry suspended: the wait to board a ship at its two ports falls back
/// to the other sailings' headway or the mode's default, and the sea link between the ports
/// loses the ferry's tariff. Only those are laid again, and the graph is the one compiled in
/// the frame.
#[test]
fn a_service_suspended_changes_the_waits_at_its_stops_and_its_tariff() {
    let net = builtin();
    let ferry = net
        .services
        .iter()
        .position(|s| s.id == "turkmenbashi-alat-ferry")
        .expect("in the built-in network");
    assert!(
        net.services[ferry].tariff_usd_per_feu.is_some() && net.services[ferry].stops.len() == 2
    );
    let mut after = net.clone();
    after.services[ferry].status = Status::Closed;
    let changes = after.edits_from(&net).expect("a service edited");
    assert_eq!(changes.services, [ferry as u32]);
    let service = &net.services[ferry];
    assert_eq!(
        changes.service_stops.len(),
        2,
        "{}: its two stops",
        service.id
    );
    let (stored, _) = compile_for_customizable(&net).unwrap();
    let patched = compile_edited(&after, &changes, &stored).unwrap().unwrap();
    let framed = compile_in_frame(&after, &stored).unwrap().unwrap();
    assert_eq!(patched.nodes(), framed.nodes());
    assert!(patched.edges() == framed.edges());
    let waits_changed = (0..stored.nodes().len() as u32)
        .filter(|&n| stored.node(NodeId(n)).board_wait != patched.node(NodeId(n)).board_wait)
        .count();
    assert!(waits_changed > 0, "{}: a wait to board changed", service.id);
    let tariffed = |g: &silkroute_graph::Graph| {
        g.edges()
            .iter()
            .filter(|e| e.tariff_service() == Some(ferry as u32))
            .count()
    };
    assert!(
        tariffed(&stored) > 0,
        "{}: its tariff on a link",
        service.id
    );
    assert_eq!(tariffed(&patched), 0, "{}: its tariff gone", service.id);
}
