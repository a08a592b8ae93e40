#![no_main]
//! See silkroute_fuzz::graph_file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::graph_file(data));
