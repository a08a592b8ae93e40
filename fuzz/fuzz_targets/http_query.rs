#![no_main]
//! See silkroute_fuzz::http_query.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::http_query(data));
