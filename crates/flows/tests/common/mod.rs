//! Networks drawn in the tests: the CSV text of each feed file, loaded and compiled.

use silkroute_feed::load_files;
use silkroute_graph::{compile, Graph};
use silkroute_model::Network;
use std::collections::HashMap;

/// The network of the feed files `files` (name, CSV text), compiled; panics with the loader's
/// report when a drawn file is wrong.
pub fn network<S: AsRef<str>>(files: &[(&str, S)]) -> (Network, Graph) {
    let files: HashMap<&str, Vec<u8>> = files
        .iter()
        .map(|(k, v)| (*k, v.as_ref().as_bytes().to_vec()))
        .collect();
    let (net, _) = load_files(&files).unwrap_or_else(|e| panic!("{e}"));
    let graph = compile(&net).unwrap_or_else(|e| panic!("{e}"));
    (net, graph)
}
