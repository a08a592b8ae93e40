//! `silkroute serve`: the HTTP API.

use crate::args::ServeArgs;
use crate::context::load_network;
use crate::failure::{CmdResult, Failure};
use anyhow::anyhow;
use silkroute_graph::is_graph_path;
use silkroute_graph::read_graph_file;
use silkroute_server::{serve, AppState, Limits};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(feed: &Option<PathBuf>, args: ServeArgs) -> CmdResult {
    let state = match feed.as_ref().filter(|f| is_graph_path(f)) {
        Some(file) => {
            let compiled = read_graph_file(file).map_err(Failure::failed)?;
            AppState::from_compiled(compiled)
        }
        None => AppState::new(load_network(feed)?),
    };
    let mut extra = Vec::new();
    for arg in &args.scenario {
        extra.push(silkroute_feed::resolve_scenario(arg).map_err(Failure::usage)?);
    }
    let state = state
        .and_then(|s| s.offering(extra))
        .map_err(|e| Failure::failed(anyhow!(e)))?;
    let defaults = Limits::default();
    let limits = Limits {
        running: args.running.map_or(defaults.running, |n| n as usize),
        queued: args.queued.map_or(defaults.queued, |n| n as usize),
    };
    let state = Arc::new(state.with_limits(limits));
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        // colour codes only for a person at a terminal, never in a log file or a pipe
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // Room for every connection the server accepts (the usual soft limit is 1,024 files).
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(silkroute_server::MAX_CONNECTIONS as u64 + 256) {
        Ok(n) if (n as usize) < silkroute_server::MAX_CONNECTIONS => tracing::warn!(
            "the open-file limit is {n}: fewer than {} connections at once",
            silkroute_server::MAX_CONNECTIONS
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot raise the open-file limit: {e}"),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::failed)?;
    runtime
        .block_on(serve(args.addr, state))
        .map_err(|e| Failure::failed(anyhow!("cannot serve on {}: {e}", args.addr)))?;
    Ok(ExitCode::SUCCESS)
}
