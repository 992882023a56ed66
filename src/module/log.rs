//! Logging what outsiders send, safely: their text quoted and cut, and refusals logged at
//! a bounded rate per source and for the whole process, so nobody can forge log lines
//! or flood a bot's log without a token, not even with a new source per request.

pub use crate::quote::quote;

use crate::keyed::Keyed;

/// How many refusals one source may have logged per window.
pub const REFUSALS_PER_WINDOW: u32 = 5;
/// The window, milliseconds.
pub const WINDOW_MS: u64 = 60_000;
/// Sources remembered at once; past that the oldest window is forgotten.
pub const MAX_SOURCES: usize = 1024;
/// How many refusals all sources together may have logged per window: a caller that
/// can look like many sources (behind a proxy that forwards its own addresses, or
/// from many addresses) still fills the log at this rate at most.
pub const ALL_SOURCES_PER_WINDOW: u32 = 20;

/// What to do with one refusal's log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Log it.
    Log,
    /// Log it, and say that this many refusals of the source were not logged before it.
    LogAfterSuppressed(u32),
    /// Do not log it.
    Suppress,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: u64,
    logged: u32,
    suppressed: u32,
}

/// A fixed-window limit on refusal log lines per source (the caller's address). Time is
/// an argument; memory is bounded by [`MAX_SOURCES`], and so is the work per refusal
/// (a lookup is a scan of at most that many sources).
#[derive(Debug, Default)]
pub struct RefusalLog {
    windows: Keyed<Window>,
    all: Option<Window>,
}

impl RefusalLog {
    /// Decides whether the refusal of a request from `source` at `now_ms` is logged.
    pub fn admit(&mut self, source: &str, now_ms: u64) -> Admission {
        if self.windows.get(source).is_none() && self.windows.len() >= MAX_SOURCES {
            self.forget_expired_or_oldest(now_ms);
        }
        let w = self.windows.get_or_insert_with(source, || Window {
            start_ms: now_ms,
            logged: 0,
            suppressed: 0,
        });
        let mut carried = 0;
        if now_ms.saturating_sub(w.start_ms) >= WINDOW_MS {
            carried = w.suppressed;
            *w = Window {
                start_ms: now_ms,
                logged: 0,
                suppressed: 0,
            };
        }
        let all = self.all.get_or_insert(Window {
            start_ms: now_ms,
            logged: 0,
            suppressed: 0,
        });
        if now_ms.saturating_sub(all.start_ms) >= WINDOW_MS {
            *all = Window {
                start_ms: now_ms,
                logged: 0,
                suppressed: 0,
            };
        }
        if w.logged < REFUSALS_PER_WINDOW && all.logged < ALL_SOURCES_PER_WINDOW {
            w.logged += 1;
            all.logged += 1;
            if carried > 0 {
                Admission::LogAfterSuppressed(carried)
            } else {
                Admission::Log
            }
        } else {
            w.suppressed += 1;
            Admission::Suppress
        }
    }

    fn forget_expired_or_oldest(&mut self, now_ms: u64) {
        self.windows
            .retain(|_, w| now_ms.saturating_sub(w.start_ms) < WINDOW_MS);
        if self.windows.len() >= MAX_SOURCES {
            if let Some(oldest) = self
                .windows
                .iter()
                .min_by_key(|(_, w)| w.start_ms)
                .map(|(k, _)| k.to_string())
            {
                self.windows.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_logs_a_few_refusals_per_window_then_a_summary() {
        let mut log = RefusalLog::default();
        let first: Vec<Admission> = (0..8).map(|i| log.admit("1.2.3.4", i)).collect();
        assert_eq!(first[..5], vec![Admission::Log; 5][..]);
        assert_eq!(first[5..], vec![Admission::Suppress; 3][..]);
        assert_eq!(log.admit("5.6.7.8", 10), Admission::Log, "another source");
        assert_eq!(
            log.admit("1.2.3.4", WINDOW_MS),
            Admission::LogAfterSuppressed(3)
        );
        assert_eq!(log.admit("1.2.3.4", WINDOW_MS + 1), Admission::Log);
    }

    #[test]
    fn many_sources_together_log_a_bounded_number_of_lines() {
        let mut log = RefusalLog::default();
        let logged = (0..200)
            .filter(|i| log.admit(&format!("198.51.100.{i}"), *i) != Admission::Suppress)
            .count();
        assert_eq!(logged, ALL_SOURCES_PER_WINDOW as usize);
        // A minute later the budget is back, and a source that was left out says so.
        assert_eq!(
            log.admit("198.51.100.199", WINDOW_MS + 200),
            Admission::LogAfterSuppressed(1)
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let mut log = RefusalLog::default();
        for i in 0..(MAX_SOURCES as u64 * 3) {
            log.admit(&format!("10.0.{}.{}", i / 256, i % 256), i);
        }
        assert!(log.windows.len() <= MAX_SOURCES);
    }
}
