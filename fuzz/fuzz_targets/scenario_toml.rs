#![no_main]
//! See silkroute_fuzz::scenario_toml.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::scenario_toml(data));
