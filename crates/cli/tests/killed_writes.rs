//! A write killed half-way leaves the previous file whole. `export geojson -o` and `build -o`
//! on a generated network are killed (SIGKILL, as a crash or an out-of-memory kill
//! would) while their temporary file beside the output is being written; the file the user
//! had is then still there, byte for byte. A write that finishes before the kill replaces it
//! whole.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_silkroute"))
}

/// A generated road network of about 50,000 junctions (a 58 MB GeoJSON, a 20 MB graph file).
fn generated_feed(dir: &Path) -> PathBuf {
    let feed = dir.join("feed");
    let status = Command::new(bin())
        .args(["gen", "--nodes", "50000", "--seed", "3", "--out"])
        .arg(&feed)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    feed
}

/// Files in `dir` other than `known`, with their sizes: the writer's temporary files.
fn temporary_files(dir: &Path, known: &[&str]) -> Vec<(String, u64)> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let size = e.metadata().ok()?.len();
            (!known.contains(&name.as_str())).then_some((name, size))
        })
        .collect()
}

/// Runs `args` (writing `out`, which holds `previous`) and kills it as soon as a temporary
/// file beside `out` has bytes in it. Returns true if the kill came mid-write; either way
/// checks that `out` is `previous` (killed) or a complete new file (`complete(bytes)`).
fn kill_mid_write(
    args: &[&std::ffi::OsStr],
    out: &Path,
    previous: &[u8],
    complete: impl Fn(&[u8]) -> bool,
) -> bool {
    let dir = out.parent().unwrap();
    let out_name = out.file_name().unwrap().to_string_lossy().to_string();
    std::fs::write(out, previous).unwrap();
    let mut known: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    known.push(out_name.clone());
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut child = Command::new(bin())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut killed_mid_write = false;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the write failed on its own: {status}");
            break;
        }
        if temporary_files(dir, &known)
            .iter()
            .any(|(_, size)| *size > 0)
        {
            child.kill().unwrap();
            child.wait().unwrap();
            killed_mid_write = true;
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the command neither wrote nor finished"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
    let now = std::fs::read(out).unwrap();
    if killed_mid_write {
        assert_eq!(
            now, previous,
            "{out_name} was changed by a write that was killed"
        );
        // What is left is a hidden temporary file, never a file of the output's name.
        for (name, _) in temporary_files(dir, &known) {
            assert!(name.starts_with('.'), "a visible leftover {name}");
            std::fs::remove_file(dir.join(name)).unwrap();
        }
    } else {
        assert!(complete(&now), "{out_name} is not a complete new file");
    }
    killed_mid_write
}

/// Tries up to five times to kill the command mid-write (on a fast disk the write may finish
/// first); at least one kill must land mid-write.
fn killed_writes_leave_the_previous_file(
    args: &[&std::ffi::OsStr],
    out: &Path,
    complete: impl Fn(&[u8]) -> bool,
) {
    let previous = b"the user's previous file\n";
    let landed = (0..5).any(|_| kill_mid_write(args, out, previous, &complete));
    assert!(landed, "no kill landed during the write in five tries");
}

#[test]
fn a_killed_geojson_export_leaves_the_previous_file() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = generated_feed(tmp.path());
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("network.geojson");
    let args: Vec<&std::ffi::OsStr> = vec![
        "export".as_ref(),
        "geojson".as_ref(),
        "--feed".as_ref(),
        feed.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    killed_writes_leave_the_previous_file(&args, &out, |bytes| {
        serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
    });
}

#[test]
fn a_killed_graph_build_leaves_the_previous_file() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = generated_feed(tmp.path());
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("network.srg");
    let args: Vec<&std::ffi::OsStr> = vec![
        "build".as_ref(),
        feed.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--metrics".as_ref(),
        "time".as_ref(),
    ];
    killed_writes_leave_the_previous_file(&args, &out, |bytes| {
        silkroute_graph::is_graph_file(bytes)
    });
}
