//! A scenario's network compiled in the frame of the graph it was derived from: the same
//! nodes at the same numbers, and the frame's edges found again where their elements are open.

use silkroute_feed::builtin;
use silkroute_graph::{compile, compile_in_frame, EdgeFrame, EdgeKind};
use silkroute_model::Status;

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
    let graph = compile(&net).unwrap();
    let link = net
        .links
        .iter()
        .position(|l| l.id == "almaty-shymkent-road")
        .expect("in the built-in network");
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
