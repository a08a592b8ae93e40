//! A scenario's network compiled in the frame of the graph it was derived from: the same
//! nodes at the same numbers, and the frame's edges found again where their elements are open.

use silkroute_feed::builtin;
use silkroute_graph::{
    compile, compile_every_element, compile_for_customizable, compile_in_frame, EdgeFrame,
    EdgeKind, EdgeShape, NodeId, Topology,
};
use silkroute_model::{Network, Status};

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
