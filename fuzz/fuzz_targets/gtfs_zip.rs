#![no_main]
//! See silkroute_fuzz::gtfs_zip.
libfuzzer_sys::fuzz_target!(|data: &[u8]| silkroute_fuzz::gtfs_zip(data));
