#![no_main]
//! See silkroute_fuzz::http_json.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::http_json(data));
