//! How many targets may be in flight: the AIMD window that throttling shrinks.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// How many targets may be in flight: halved each time a call stays throttled through all
/// its attempts, grown by one as each target finishes (AIMD), between 1 and `--concurrency`.
/// Many throttled targets at once slow the whole run instead of hammering AWS.
pub(super) struct Window {
    limit: AtomicUsize,
    max: usize,
    changed: Notify,
}

impl Window {
    pub(super) fn new(max: usize) -> Window {
        Window {
            limit: AtomicUsize::new(max),
            max,
            changed: Notify::new(),
        }
    }

    fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Waits until `in_flight()` (including the target about to start) fits the window.
    pub(super) async fn admit(&self, in_flight: impl Fn() -> usize) {
        loop {
            let changed = self.changed.notified();
            if in_flight() <= self.limit() {
                return;
            }
            changed.await;
        }
    }

    pub(super) fn throttled(&self) {
        let _ = self
            .limit
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some((l / 2).max(1))
            });
    }

    pub(super) fn target_done(&self) {
        let max = self.max;
        let _ = self
            .limit
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some((l + 1).min(max))
            });
        self.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_window_halves_on_throttling_and_grows_back_by_one() {
        let window = Window::new(8);
        window.throttled();
        window.throttled();
        assert_eq!(window.limit(), 2);
        for _ in 0..3 {
            window.throttled();
        }
        assert_eq!(window.limit(), 1, "never below one");
        window.target_done();
        assert_eq!(window.limit(), 2);
        for _ in 0..20 {
            window.target_done();
        }
        assert_eq!(window.limit(), 8, "never above --concurrency");
    }

    #[tokio::test]
    async fn a_full_window_admits_once_a_target_finishes() {
        let window = Arc::new(Window::new(4));
        for _ in 0..2 {
            window.throttled();
        }
        let in_flight = Arc::new(AtomicUsize::new(2));
        let waiting = {
            let (window, in_flight) = (Arc::clone(&window), Arc::clone(&in_flight));
            tokio::spawn(async move { window.admit(|| in_flight.load(Ordering::Relaxed)).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "2 in flight exceed a window of 1");
        in_flight.store(1, Ordering::Relaxed);
        window.target_done();
        waiting.await.expect("admitted");
    }
}
