#![no_main]
//! See silkroute_fuzz::feed_csv.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::feed_csv(data));
