//! `silkroute serve` stopped with SIGTERM while it computes: the requests in flight are
//! answered in full, then the process exits 0 and takes no new connections.

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["serve", "--addr", &addr.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(120), "no server");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, addr }
}

/// Sends a GET and returns the whole answer (status line, headers, body).
fn request(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

#[test]
fn sigterm_answers_the_requests_in_flight_then_exits() {
    let mut server = start();
    let addr = server.addr;
    // Menus of alternatives on the services: each takes a good fraction of a second.
    let path = "/v1/route?from=xian&to=baku&alternatives=5&by=p90";
    let clients: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(move || request(addr, path)))
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for c in clients {
        let answer = c
            .join()
            .unwrap()
            .expect("an answer, not a dropped connection");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}",
            &answer[..200.min(answer.len())]
        );
        let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
        assert!(body.contains("\"routes\""), "a whole answer");
    }
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "exit status {exit}");
    assert!(TcpStream::connect(addr).is_err(), "still accepting");
}
