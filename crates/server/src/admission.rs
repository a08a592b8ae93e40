//! Admission control: the computations the server runs at once, and the requests it lets
//! wait for them. Beyond that a request is answered at once with `503 overloaded` and
//! `Retry-After`, so an overloaded server stays responsive (`/health` never waits here) and its
//! memory bounded.

use crate::error::AppError;
use crate::REQUEST_TIMEOUT;
use axum::http::StatusCode;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// How many computations run at once and how many more requests may wait for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Computations at once (threads of the blocking pool in use).
    pub running: usize,
    /// Requests waiting for a computation slot, beyond which requests are refused with 503.
    pub queued: usize,
}

impl Default for Limits {
    /// One computation per core, and 32 waiting per core (at about a millisecond per route, a
    /// queued request waits some 30 ms before it runs).
    fn default() -> Limits {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            running: cores,
            queued: 32 * cores,
        }
    }
}

/// The permits of [`Limits`].
pub(crate) struct Admission {
    limits: Limits,
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl Admission {
    pub(crate) fn new(limits: Limits) -> Admission {
        let running = limits.running.max(1);
        Admission {
            limits,
            running: Arc::new(Semaphore::new(running)),
            admitted: Arc::new(Semaphore::new(running + limits.queued)),
        }
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs `f` on the blocking pool once a slot is free, within [`REQUEST_TIMEOUT`] from now;
    /// 503 `overloaded` at once when the queue is full, 503 `timeout` when the time runs out
    /// (a computation already started finishes and keeps its slot until then).
    pub(crate) async fn compute<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let admitted = self.admitted.clone().try_acquire_owned().map_err(|_| {
            AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                format!(
                    "the server is busy ({} computations running, {} waiting); retry in a second",
                    self.limits.running, self.limits.queued
                ),
            )
        })?;
        let running = self.running.clone();
        let work = async move {
            let slot = running
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            tokio::task::spawn_blocking(move || {
                let _held = (admitted, slot);
                f()
            })
            .await
        };
        match tokio::time::timeout(REQUEST_TIMEOUT, work).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Err(AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )),
            Err(_) => Err(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "the request took longer than {} s",
                    REQUEST_TIMEOUT.as_secs()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    /// Starts a computation (answering 1) that holds its slot until `release` is sent.
    async fn hold_the_slot(
        admission: &Arc<Admission>,
    ) -> (
        tokio::task::JoinHandle<Result<i32, AppError>>,
        std::sync::mpsc::Sender<()>,
    ) {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let a = admission.clone();
        let first = tokio::spawn(async move {
            a.compute(move || {
                started_tx.send(()).unwrap();
                wait.recv().unwrap();
                Ok(1)
            })
            .await
        });
        started.await.unwrap();
        (first, release)
    }

    /// One slot, no queue: while a computation holds the slot, the next request is refused at
    /// once with 503 `overloaded` and `Retry-After`; once it is done, the next one runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_server_refuses_at_once_and_recovers() {
        let admission = Arc::new(Admission::new(Limits {
            running: 1,
            queued: 0,
        }));
        let (first, release) = hold_the_slot(&admission).await;
        let refused = admission.compute(|| Ok(2)).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.code, "overloaded");
        let response = refused.into_response();
        assert_eq!(response.headers()["retry-after"], "1");
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(admission.compute(|| Ok(3)).await.unwrap(), 3);
    }

    /// One slot and one place in the queue: the queued request waits and then runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_queued_request_runs_when_the_slot_frees() {
        let admission = Arc::new(Admission::new(Limits {
            running: 1,
            queued: 1,
        }));
        let (first, release) = hold_the_slot(&admission).await;
        let a = admission.clone();
        let queued = tokio::spawn(async move { a.compute(|| Ok(2)).await });
        // the queue is now full: a third request is refused
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let refused = admission.compute(|| Ok(3)).await.unwrap_err();
        assert_eq!(refused.code, "overloaded");
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap().unwrap(), 2);
    }
}
