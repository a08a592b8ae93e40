#![no_main]
//! See silkroute_fuzz::demand_csv.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::demand_csv(data));
