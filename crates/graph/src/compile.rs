//! Network → graph.

use crate::graph::{Edge, EdgeKind, Graph, Node, NodeId, NodeLists, Wait, WaitBasis};
use rustc_hash::FxHashMap;
use silkroute_model::{ElementEdits, Layer, Mode, Network, PlaceId, Procedure, Status, Table};

/// Why a network could not be compiled. The feed validator rules these out for loaded feeds;
/// they remain possible for networks built in code.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CompileError {
    /// modes.csv has no row for a mode the network uses.
    #[error("no defaults for mode `{0}` (modes.csv)")]
    MissingModeDefaults(Mode),
    /// cost_factors.csv has no row for a mode.
    #[error("no cost factor for mode `{0}` (cost_factors.csv needs a `*` row)")]
    MissingCostFactor(Mode),
    /// emission_factors.csv has no row for a mode and energy.
    #[error("no emission factor for {0}/{1} (emission_factors.csv)")]
    MissingEmissionFactor(Mode, String),
    /// A service could not be laid on the graph.
    #[error(transparent)]
    Timetable(#[from] crate::timetable::TimetableError),
}

/// Compiles the open elements of `net` into a routing graph.
pub fn compile(net: &Network) -> Result<Graph, CompileError> {
    afresh(net, false)
}

/// Compiles the open elements of `net` (with `every_element`, every element) into a new graph.
fn afresh(net: &Network, every_element: bool) -> Result<Graph, CompileError> {
    let mut builder = Builder {
        net,
        every_element,
        frame: None,
        renewed: Vec::new(),
        node_of: FxHashMap::default(),
        nodes: Vec::new(),
        // Two directions per element (clearance edges may grow it once): no repeated growing
        // copies of a gigabyte of edges on a big network.
        edges: Vec::with_capacity(2 * (net.links.len() + net.borders.len() + net.transfers.len())),
    };
    builder.elements()?;
    Ok(builder.finish())
}

/// Compiles the open elements of `net` in the frame of `frame`, the graph of a network that
/// `net` was derived from by scenarios (which keep places and elements at their indices and
/// append new ones): every node of `frame` keeps its number, whether or not an open element
/// of `net` still reaches it (a node nothing reaches is a dead end), and nodes `frame` lacks
/// come after its own. A hierarchy prepared on `frame` then still fits the nodes, and
/// [`EdgeFrame::of`](crate::EdgeFrame::of) says whether it fits the edges. `None` when a
/// node of `frame` names a place `net` has not, or `frame` repeats a node (not a graph of a
/// network `net` derives from).
pub fn compile_in_frame(net: &Network, frame: &Graph) -> Result<Option<Graph>, CompileError> {
    in_frame(net, &frame.nodes, frame.edges.len(), false)
}

/// The graph of every element of `net`, open or not (closed, planned), in the frame of `graph`
/// (the graph of `net`'s open elements; see [`compile_in_frame`]): what a customizable
/// hierarchy is prepared on, so that a scenario that opens an element re-weights the hierarchy
/// (the element's edges forbidden until then) instead of needing a new one. `None` as for
/// [`compile_in_frame`]. When `graph` already has a node for every element (see
/// [`compile_for_customizable`]), the result has `graph`'s nodes and no others, and compiling
/// it again from the same network and graph gives the same graph, edge for edge.
pub fn compile_every_element(net: &Network, graph: &Graph) -> Result<Option<Graph>, CompileError> {
    in_frame(net, &graph.nodes, graph.edges.len(), true)
}

/// The graph of `net`'s open elements with a node for every element, open or not, and, when
/// some element is not open, the shape of the graph of every element in its frame
/// ([`compile_every_element`]), to prepare a customizable hierarchy on. Without elements that
/// are not open, this is [`compile`]'s graph and `None`. The nodes only closed or planned
/// elements reach are dead ends until a scenario opens them; on their international side they
/// have their exit and entry edges, as every international node.
pub fn compile_for_customizable(
    net: &Network,
) -> Result<(Graph, Option<crate::Topology>), CompileError> {
    let all_open = net.links.iter().all(|l| l.status == Status::Open)
        && net.borders.iter().all(|b| b.status == Status::Open)
        && net.transfers.iter().all(|t| t.status == Status::Open);
    if all_open {
        return Ok((compile(net)?, None));
    }
    let same = "a graph of the same network frames itself";
    // Every element, for its nodes (its edges dropped at once); every element again in the
    // frame of those nodes, as a reader compiles it from the stored network and graph (the
    // first graph's edges may come in another order), kept as its shape alone; then the open
    // elements on the same nodes. One whole graph at a time beside the network.
    let (nodes, edges) = {
        let first = afresh(net, true)?;
        (first.nodes, first.edges.len())
    };
    let every = in_frame(net, &nodes, edges, true)?.expect(same);
    let shape = crate::Topology::of(&every);
    drop(every);
    let graph = in_frame(net, &nodes, edges, false)?.expect(same);
    debug_assert_eq!(crate::EdgeShape::node_count(&shape), graph.nodes.len());
    Ok((graph, Some(shape)))
}

/// The graph of `net`, a copy of a network whose graph is `graph` in which the elements
/// `edits` names were edited and nothing else ([`Network::edits_from`]; a scenario that closes,
/// opens or slows links, border crossings and transfers, or changes the status, frequency or
/// calendar of services): `graph` with those elements' edges laid again, every other edge
/// copied as it is. An edited service changes the wait to board at its stops (their nodes'
/// records), the changes of mode into those nodes (transfers laid again) and single-hop
/// tariffs between its stops (links laid again). The same graph as [`compile_in_frame`] gives
/// (each node's edges in `graph`'s order, those laid again among them by kind and element),
/// without weighing the other elements again: a scenario that closes five links of the
/// 2 M-node grid took 21 s to compile in the frame. `None` when an element laid again needs a
/// node `graph` has not (an element opened on a graph without its nodes): compile it in the
/// frame instead.
pub fn compile_edited(
    net: &Network,
    edits: &ElementEdits,
    graph: &Graph,
) -> Result<Option<Graph>, CompileError> {
    if edits.is_empty() {
        return Ok(Some(graph.clone()));
    }
    let mut builder = Builder {
        net,
        every_element: false,
        frame: Some(graph),
        renewed: Vec::new(),
        node_of: FxHashMap::default(),
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    let edits = builder.renew_service_stops(edits)?;
    // The edited elements' nodes, found through their places' node lists.
    let mut places: Vec<PlaceId> = Vec::new();
    for &i in &edits.links {
        let l = &net.links[i as usize];
        places.extend([l.from, l.to]);
    }
    for &i in &edits.borders {
        let b = &net.borders[i as usize];
        places.extend([b.from_post, b.to_post]);
    }
    places.extend(
        edits
            .transfers
            .iter()
            .map(|&i| net.transfers[i as usize].place),
    );
    places.sort_unstable();
    places.dedup();
    for &p in &places {
        for n in graph.nodes_of_place(p) {
            let node = graph.node(n);
            builder
                .node_of
                .insert((node.place, node.layer, node.international), n);
        }
    }
    let open = |s: Status| s == Status::Open;
    for &i in &edits.links {
        if open(net.links[i as usize].status) {
            builder.link(i)?;
        }
    }
    for &i in &edits.borders {
        if open(net.borders[i as usize].status) {
            builder.border(i)?;
        }
    }
    for &i in &edits.transfers {
        if open(net.transfers[i as usize].status) {
            builder.transfer(i)?;
        }
    }
    if !builder.nodes.is_empty() {
        return Ok(None);
    }
    let (mut laid, renewed) = (builder.edges, builder.renewed);
    // Stable by tail: each node's in the order laid (links, borders, transfers, by index).
    laid.sort_by_key(|e| e.tail);
    let edited = |code: [u32; 3]| {
        let list = match code[0] {
            0 => &edits.links,
            1 => &edits.borders,
            2 => &edits.transfers,
            _ => return false,
        };
        list.binary_search(&code[1]).is_ok()
    };
    // The nodes whose edges change: tails of the edited elements' old edges and of the new.
    let mut tails: Vec<u32> = laid.iter().map(|e| e.tail.0).collect();
    let mut removed = 0;
    for (e, old) in graph.edges.iter().enumerate() {
        if edited(old.kind_code) {
            let tail = graph.first_out.partition_point(|&f| f as usize <= e) - 1;
            tails.push(tail as u32);
            removed += 1;
        }
    }
    tails.sort_unstable();
    tails.dedup();
    let mut edges: Vec<Edge> = Vec::with_capacity(graph.edges.len() - removed + laid.len());
    let mut first_out: Vec<u32> = Vec::with_capacity(graph.first_out.len());
    let (old, old_first) = (&graph.edges[..], &graph.first_out[..]);
    // Edges in a node's list by kind and element, as compiling in the frame lays them
    // (clearance first, then links, borders, transfers).
    let order = |code: [u32; 3]| ((code[0] + 1) % 4, code[1]);
    let mut next_laid = laid.into_iter().peekable();
    let mut copied_to = 0usize; // nodes below this have their offsets written
    for &t in &tails {
        let t = t as usize;
        // Untouched nodes before `t`: their edges copied as one block, offsets shifted.
        let shift = edges.len() as i64 - old_first[copied_to] as i64;
        first_out.extend(
            old_first[copied_to..t]
                .iter()
                .map(|&f| (f as i64 + shift) as u32),
        );
        edges.extend_from_slice(&old[old_first[copied_to] as usize..old_first[t] as usize]);
        first_out.push(edges.len() as u32);
        for e in &old[old_first[t] as usize..old_first[t + 1] as usize] {
            if edited(e.kind_code) {
                continue;
            }
            if e.kind_code[0] != 3 {
                while let Some(n) = next_laid
                    .next_if(|n| n.tail.index() == t && order(n.kind_code) < order(e.kind_code))
                {
                    edges.push(n);
                }
            }
            edges.push(*e);
        }
        while let Some(n) = next_laid.next_if(|n| n.tail.index() == t) {
            edges.push(n);
        }
        copied_to = t + 1;
    }
    let nodes = graph.nodes.len();
    let shift = edges.len() as i64 - old_first[copied_to] as i64;
    first_out.extend(
        old_first[copied_to..=nodes]
            .iter()
            .map(|&f| (f as i64 + shift) as u32),
    );
    edges.extend_from_slice(&old[old_first[copied_to] as usize..]);
    debug_assert_eq!(first_out.len(), nodes + 1);
    debug_assert_eq!(*first_out.last().unwrap() as usize, edges.len());
    let mut nodes_table = graph.nodes.clone();
    for (n, node) in renewed {
        nodes_table[n.index()] = node;
    }
    Ok(Some(Graph {
        nodes: nodes_table,
        edges: edges.into(),
        first_out: first_out.into(),
        place_nodes: graph.place_nodes.clone(),
        international_nodes: graph.international_nodes.clone(),
    }))
}

/// The elements of `net` (with `every_element`, open or not) on `frame_nodes` first, in
/// their order; `edges` is the expected edge count (a capacity).
fn in_frame(
    net: &Network,
    frame_nodes: &Table<Node>,
    edges: usize,
    every_element: bool,
) -> Result<Option<Graph>, CompileError> {
    let mut builder = Builder {
        net,
        every_element,
        frame: None,
        renewed: Vec::new(),
        node_of: FxHashMap::with_capacity_and_hasher(frame_nodes.len(), Default::default()),
        nodes: Vec::with_capacity(frame_nodes.len()),
        edges: Vec::with_capacity(edges),
    };
    for (k, n) in frame_nodes.iter().enumerate() {
        if n.place.index() >= net.places.len()
            || builder.node_on(n.place, n.layer, n.international)?.index() != k
        {
            return Ok(None);
        }
    }
    builder.elements()?;
    Ok(Some(builder.finish()))
}

impl Builder<'_> {
    /// `edits` with what its edited services change on the frame: at each of their stops the
    /// nodes of the service's mode wait for other departures (their new records kept in
    /// `renewed`), the transfers there change mode into them and the links between two stops
    /// may have another single-hop tariff (both added to the elements laid again).
    fn renew_service_stops(&mut self, edits: &ElementEdits) -> Result<ElementEdits, CompileError> {
        let (net, graph) = (self.net, self.frame.expect("a frame to renew"));
        let (mut links, mut transfers) = (edits.links.clone(), edits.transfers.clone());
        let stops = &edits.service_stops;
        let is_stop = |p: PlaceId, m: Mode| stops.binary_search(&(p, m)).is_ok();
        let mut stop_places: Vec<PlaceId> = stops.iter().map(|&(p, _)| p).collect();
        stop_places.dedup();
        for n in stop_places.iter().flat_map(|&p| graph.nodes_of_place(p)) {
            let node = graph.node(n);
            if is_stop(node.place, node.layer.mode) {
                let board_wait = self.board_wait(node.place, node.layer.mode)?;
                if board_wait != node.board_wait {
                    let node = Node {
                        board_wait,
                        ..node.clone()
                    };
                    self.renewed.push((n, node));
                }
            }
            for e in graph.out_edges(n) {
                match graph.edges[e].kind() {
                    EdgeKind::Transfer(i) => transfers.push(i),
                    EdgeKind::Run(i) => {
                        let l = &net.links[i as usize];
                        if is_stop(l.from, l.mode) && is_stop(l.to, l.mode) {
                            links.push(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        self.renewed.sort_unstable_by_key(|(n, _)| *n);
        for list in [&mut links, &mut transfers] {
            list.sort_unstable();
            list.dedup();
        }
        Ok(ElementEdits {
            links,
            transfers,
            ..edits.clone()
        })
    }

    /// Lays every open link, border crossing and transfer (with `every_element`, every one).
    fn elements(&mut self) -> Result<(), CompileError> {
        let net = self.net;
        let every_element = self.every_element;
        let laid = |status: Status| every_element || status == Status::Open;
        for (i, l) in net.links.iter().enumerate() {
            if laid(l.status) {
                self.link(i as u32)?;
            }
        }
        for (i, b) in net.borders.iter().enumerate() {
            if laid(b.status) {
                self.border(i as u32)?;
            }
        }
        for (i, t) in net.transfers.iter().enumerate() {
            if laid(t.status) {
                self.transfer(i as u32)?;
            }
        }
        Ok(())
    }
}

struct Builder<'n> {
    net: &'n Network,
    /// Lay closed and planned elements too ([`compile_every_element`]).
    every_element: bool,
    /// A graph whose nodes come first, numbered as there, when only some elements are laid
    /// again ([`compile_edited`]); `nodes` then holds the nodes after them.
    frame: Option<&'n Graph>,
    /// Nodes of the frame whose records change (the wait to board where an edited service
    /// stops), by id.
    renewed: Vec<(NodeId, Node)>,
    node_of: FxHashMap<(PlaceId, Layer, bool), NodeId>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Builder<'_> {
    fn node(&mut self, place: PlaceId, layer: Layer) -> Result<NodeId, CompileError> {
        self.node_on(place, layer, false)
    }

    /// The node of `place` on `layer`, on its international side or not; an international node
    /// comes with its exit and entry edges to the inland node.
    fn node_on(
        &mut self,
        place: PlaceId,
        layer: Layer,
        international: bool,
    ) -> Result<NodeId, CompileError> {
        if let Some(&n) = self.node_of.get(&(place, layer, international)) {
            return Ok(n);
        }
        let board_wait = self.board_wait(place, layer.mode)?;
        let id = NodeId((self.frame_len() + self.nodes.len()) as u32);
        self.nodes.push(Node {
            place,
            layer,
            board_wait,
            international,
        });
        self.node_of.insert((place, layer, international), id);
        if international {
            let inland = self.node_on(place, layer, false)?;
            self.clearance(place, layer.mode, Procedure::Exit, inland, id);
            self.clearance(place, layer.mode, Procedure::Entry, id, inland);
        }
        Ok(id)
    }

    fn frame_len(&self) -> usize {
        self.frame.map_or(0, |f| f.nodes.len())
    }

    /// Node `n`, of the frame or laid here.
    fn node_record(&self, n: NodeId) -> &Node {
        match self.frame {
            Some(f) if n.index() < f.nodes.len() => {
                match self.renewed.binary_search_by_key(&n, |(m, _)| *m) {
                    Ok(k) => &self.renewed[k].1,
                    Err(_) => f.node(n),
                }
            }
            _ => &self.nodes[n.index() - self.frame_len()],
        }
    }

    /// A customs edge at `place` from `tail` to `head` with the figures of `procedure`.
    fn clearance(
        &mut self,
        place: PlaceId,
        mode: Mode,
        procedure: Procedure,
        tail: NodeId,
        head: NodeId,
    ) {
        let (row, c) = self.net.customs(place, mode, procedure);
        self.edges.push(Edge {
            distance_km: 0.0,
            time_p50_h: c.p50_h,
            time_p90_h: c.p90_h,
            wait_p50_h: 0.0,
            wait_p90_h: 0.0,
            cost_usd_per_feu: c.fee_usd,
            wtw_g_per_t: 0.0,
            ttw_g_per_t: 0.0,
            ..Edge::new(
                tail,
                head,
                EdgeKind::Clearance { procedure, row },
                None,
                None,
                None,
            )
        });
    }

    /// Half the headway of the open services of `mode` departing from `place`, or the default.
    fn board_wait(&self, place: PlaceId, mode: Mode) -> Result<Wait, CompileError> {
        let mut services = Vec::new();
        let mut per_week = 0.0;
        for (i, s) in self.net.services.iter().enumerate() {
            let departs_here = s.stops.iter().any(|st| st.place == place && st.pickup);
            if s.status == Status::Open && s.mode == mode && departs_here {
                services.push(i as u32);
                per_week += s.departures_per_week(self.net.reference_date);
            }
        }
        if per_week > 0.0 {
            let headway_h = 168.0 / per_week;
            Ok(Wait {
                p50_h: 0.5 * headway_h,
                p90_h: 0.9 * headway_h,
                basis: WaitBasis::Services {
                    services,
                    departures_per_week: per_week,
                },
            })
        } else {
            let d = self
                .net
                .mode_defaults(mode)
                .ok_or(CompileError::MissingModeDefaults(mode))?;
            Ok(Wait {
                p50_h: d.default_wait_p50_h,
                p90_h: d.default_wait_p90_h,
                basis: WaitBasis::ModeDefault,
            })
        }
    }

    fn emission(&self, mode: Mode, energy: &str) -> Result<(u32, f64, f64), CompileError> {
        self.net
            .emission_factors
            .iter()
            .position(|f| f.mode == mode && f.energy == energy)
            .map(|i| {
                let f = &self.net.emission_factors[i];
                (i as u32, f.wtw_g_per_tkm, f.ttw_g_per_tkm)
            })
            .ok_or_else(|| CompileError::MissingEmissionFactor(mode, energy.to_string()))
    }

    fn cost_factor(&self, mode: Mode, country: Option<&str>) -> Result<(u32, f64), CompileError> {
        let i = self
            .net
            .cost_factor_index(mode, country)
            .ok_or(CompileError::MissingCostFactor(mode))?;
        Ok((i as u32, self.net.cost_factors[i].usd_per_feu_km))
    }

    fn link(&mut self, i: u32) -> Result<(), CompileError> {
        let net = self.net;
        let l = &net.links[i as usize];
        let defaults = net
            .mode_defaults(l.mode)
            .ok_or(CompileError::MissingModeDefaults(l.mode))?;
        let time = l
            .duration_h
            .unwrap_or_else(|| l.length_km / l.speed_kmh.unwrap_or(defaults.default_speed_kmh));
        let (a, b) = (net.place(l.from), net.place(l.to));
        let country = (a.country == b.country).then_some(a.country.as_str());
        let tariff = single_hop_tariff(net, l.mode, l.from, l.to);
        let (cost_factor, tariff_service, cost) = match tariff {
            Some((s, usd)) => (None, Some(s), usd),
            None => {
                let (f, usd_km) = self.cost_factor(l.mode, country)?;
                (Some(f), None, usd_km * l.length_km)
            }
        };
        let (ef, wtw, ttw) = self.emission(l.mode, l.energy_key(&defaults.default_energy))?;
        let layer = l.layer();
        let international = net.crosses_customs(l.mode, l.from, l.to);
        let (na, nb) = (
            self.node_on(l.from, layer, international)?,
            self.node_on(l.to, layer, international)?,
        );
        let directions = if l.oneway {
            &[(na, nb)][..]
        } else {
            &[(na, nb), (nb, na)][..]
        };
        for &(tail, head) in directions {
            self.edges.push(Edge {
                distance_km: l.length_km,
                time_p50_h: time,
                time_p90_h: time * defaults.run_p90_factor,
                wait_p50_h: 0.0,
                wait_p90_h: 0.0,
                cost_usd_per_feu: cost,
                wtw_g_per_t: wtw * l.length_km,
                ttw_g_per_t: ttw * l.length_km,
                ..Edge::new(
                    tail,
                    head,
                    EdgeKind::Run(i),
                    cost_factor,
                    tariff_service,
                    Some(ef),
                )
            });
        }
        Ok(())
    }

    fn border(&mut self, i: u32) -> Result<(), CompileError> {
        let b = &self.net.borders[i as usize];
        let defaults = self
            .net
            .mode_defaults(b.mode)
            .ok_or(CompileError::MissingModeDefaults(b.mode))?;
        let (ef, wtw, ttw) = self.emission(b.mode, &defaults.default_energy)?;
        let layer = b.layer();
        let (na, nb) = (self.node(b.from_post, layer)?, self.node(b.to_post, layer)?);
        let (wait_p50_h, wait_p90_h) = b
            .opening_hours
            .as_ref()
            .map_or((0.0, 0.0), |h| closure_wait(h, self.net.reference_date));
        for (tail, head, c, forward) in [(na, nb, b.forward, true), (nb, na, b.reverse, false)] {
            self.edges.push(Edge {
                distance_km: b.length_km,
                time_p50_h: c.p50_h,
                time_p90_h: c.p90_h,
                wait_p50_h,
                wait_p90_h,
                cost_usd_per_feu: c.fee_usd,
                wtw_g_per_t: wtw * b.length_km,
                ttw_g_per_t: ttw * b.length_km,
                ..Edge::new(
                    tail,
                    head,
                    EdgeKind::Border { border: i, forward },
                    None,
                    None,
                    Some(ef),
                )
            });
        }
        Ok(())
    }

    fn transfer(&mut self, i: u32) -> Result<(), CompileError> {
        let t = &self.net.transfers[i as usize];
        let (na, nb) = (self.node(t.place, t.from)?, self.node(t.place, t.to)?);
        let mut pairs = vec![(na, nb)];
        if t.both_ways {
            pairs.push((nb, na));
        }
        for (tail, head) in pairs {
            // A change of mode waits for the next departure; a gauge change does not (the same
            // train continues after transloading or bogie exchange).
            let mode_change =
                self.node_record(tail).layer.mode != self.node_record(head).layer.mode;
            let (wait_p50_h, wait_p90_h) = if mode_change {
                let w = &self.node_record(head).board_wait;
                (w.p50_h, w.p90_h)
            } else {
                (0.0, 0.0)
            };
            self.edges.push(Edge {
                distance_km: 0.0,
                time_p50_h: t.handling_p50_h,
                time_p90_h: t.handling_p90_h,
                wait_p50_h,
                wait_p90_h,
                cost_usd_per_feu: t.cost_usd,
                wtw_g_per_t: t.hub_co2e_kg_per_t * 1000.0,
                ttw_g_per_t: 0.0,
                ..Edge::new(tail, head, EdgeKind::Transfer(i), None, None, None)
            });
        }
        Ok(())
    }

    fn finish(self) -> Graph {
        let Builder {
            net, nodes, edges, ..
        } = self;
        let mut first_out = vec![0u32; nodes.len() + 1];
        for e in &edges {
            first_out[e.tail.index() + 1] += 1;
        }
        for i in 0..nodes.len() {
            first_out[i + 1] += first_out[i];
        }
        // Grouped by tail in place (a stable counting sort: each node's edges in the order they
        // were laid): every edge's slot counted out, then the permutation followed cycle by
        // cycle, each swap putting one edge in its slot. A second array of edges would be
        // 0.7 GB at 2 M nodes.
        let mut next = first_out.clone();
        let mut slot: Vec<u32> = edges
            .iter()
            .map(|e| {
                let at = &mut next[e.tail.index()];
                *at += 1;
                *at - 1
            })
            .collect();
        drop(next);
        let mut edges = edges;
        for i in 0..edges.len() {
            while slot[i] as usize != i {
                let to = slot[i] as usize;
                edges.swap(i, to);
                slot.swap(i, to);
            }
        }
        drop(slot);
        let lists = |international: bool| {
            let entries = nodes
                .iter()
                .enumerate()
                .filter(move |(_, n)| n.international == international)
                .map(|(i, n)| (n.place.index(), NodeId(i as u32)));
            NodeLists::of(net.places.len(), entries)
        };
        let (place_nodes, international_nodes) = (lists(false), lists(true));
        Graph {
            nodes: nodes.into(),
            edges: edges.into(),
            first_out: first_out.into(),
            place_nodes,
            international_nodes,
        }
    }
}

/// The wait for a border post to open, median and 90th percentile, of cargo reaching it at a
/// uniformly random moment of the week of `reference` (sampled every 10 minutes): the
/// calendar's effect for searches that take no date. Hours.
fn closure_wait(hours: &silkroute_model::OpeningHours, reference: jiff::civil::Date) -> (f64, f64) {
    let Ok(zone) = jiff::tz::TimeZone::get(&hours.timezone) else {
        return (0.0, 0.0);
    };
    let Ok(start) = reference
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(zone.clone())
    else {
        return (0.0, 0.0);
    };
    let t0 = start.timestamp().as_second();
    let mut waits: Vec<f64> = (0..7 * 24 * 6)
        .map(|k| {
            let t = t0 + k * 600;
            let open = hours.next_open(t, &zone, 60).unwrap_or(t);
            (open - t) as f64 / 3600.0
        })
        .collect();
    waits.sort_by(f64::total_cmp);
    let q = |p: f64| waits[((waits.len() - 1) as f64 * p).round() as usize];
    (q(0.5), q(0.9))
}

/// The cheapest tariff of an open single-hop service of `mode` between `a` and `b`.
fn single_hop_tariff(net: &Network, mode: Mode, a: PlaceId, b: PlaceId) -> Option<(u32, f64)> {
    net.services
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.status == Status::Open
                && s.mode == mode
                && s.stops.len() == 2
                && ((s.stops[0].place == a && s.stops[1].place == b)
                    || (s.stops[0].place == b && s.stops[1].place == a))
        })
        .filter_map(|(i, s)| s.tariff_usd_per_feu.map(|t| (i as u32, t)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
}
