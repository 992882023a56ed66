//! UiPath's rate limit on filtered reads (`shared/uipath-api.md`, "Rate limits"):
//! `GET /odata/Jobs` and `GET /odata/QueueItems` with a `$filter` are limited to 100 a
//! minute per tenant outside automations. All of a server's pollers together stay under
//! `pollBudget` such reads a minute per tenant (module config, default 60): a round
//! that would go over it leaves the rest for the next round, and a 429 stops every
//! poller of that tenant until its `Retry-After` has passed.

use std::cell::RefCell;

use crate::keyed::Keyed;

/// The window the budget counts in, milliseconds.
pub const BUDGET_WINDOW_MS: u64 = 60_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: u64,
    used: u32,
    blocked_until_ms: u64,
}

/// The reads spent per tenant (its Orchestrator URL) in the current minute.
#[derive(Debug, Default)]
pub struct PollBudget {
    tenants: RefCell<Keyed<Window>>,
}

impl PollBudget {
    /// Takes one read for `tenant` at `now_ms`; false when the minute's `per_minute` are
    /// spent or a 429 said to wait.
    pub fn take(&self, tenant: &str, per_minute: u32, now_ms: u64) -> bool {
        let mut tenants = self.tenants.borrow_mut();
        if tenants.get(tenant).is_none() && tenants.len() >= 256 {
            tenants.retain(|_, w| {
                now_ms < w.start_ms + BUDGET_WINDOW_MS || now_ms < w.blocked_until_ms
            });
        }
        let w = tenants.get_or_insert_with(tenant, || Window {
            start_ms: now_ms,
            used: 0,
            blocked_until_ms: 0,
        });
        if now_ms < w.blocked_until_ms {
            return false;
        }
        if now_ms >= w.start_ms + BUDGET_WINDOW_MS {
            w.start_ms = now_ms;
            w.used = 0;
        }
        if w.used >= per_minute {
            return false;
        }
        w.used += 1;
        true
    }

    /// A 429 for `tenant`: nothing is read until `until_ms`.
    pub fn block(&self, tenant: &str, until_ms: u64) {
        let mut tenants = self.tenants.borrow_mut();
        let w = tenants.get_or_insert_with(tenant, || Window {
            start_ms: until_ms,
            used: 0,
            blocked_until_ms: 0,
        });
        w.blocked_until_ms = w.blocked_until_ms.max(until_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_s_budget_per_tenant_and_a_429_waits_its_retry_after() {
        let b = PollBudget::default();
        let taken = (0..100).filter(|i| b.take("t1", 60, 1_000 + i)).count();
        assert_eq!(taken, 60);
        assert!(b.take("t2", 60, 1_100), "another tenant has its own");
        assert!(b.take("t1", 60, 61_000), "the next minute");
        b.block("t1", 200_000);
        assert!(!b.take("t1", 60, 199_999));
        assert!(b.take("t1", 60, 200_000));
    }
}
