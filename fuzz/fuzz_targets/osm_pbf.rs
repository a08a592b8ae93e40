#![no_main]
//! See silkroute_fuzz::osm_pbf.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::osm_pbf(data));
