//! UiPath's rate limit on filtered reads (`shared/uipath-api.md`, "Rate limits"):
//! `GET /odata/Jobs` and `GET /odata/QueueItems` with a `$filter` are limited to 100 a
//! minute per tenant outside automations. All of a server's pollers together stay under
//! `pollBudget` such reads a minute per tenant (module config, default 60): a round
//! that would go over it leaves the rest for the next round, and a 429 stops every
//! poller of that tenant until its `Retry-After` has passed.
//!
//! The module's look for open Action Center tasks is a filtered read too (of `Tasks`,
//! which UiPath's table does not name): its rounds' reads, one per `taskPollInterval`,
//! are set aside from `pollBudget` ([`ReadAllowance::set_aside`]), and a robot's nudge
//! takes its look-up from the tenant's budget like any poll read.
//!
//! In a cluster one server polls per interval (the module's round lock) and each server
//! counts only its own reads, so a minute's count alone would let servers that take turns
//! spend the budget once each. A round therefore spends at most its share of the minute
//! (`pollBudget` × `pollInterval` / 1 min, rounded down, at least one read): whichever
//! server polls, a minute holds no more than `pollBudget` reads, unless the interval is
//! shorter than a read's share of the minute (then one read a round).

use std::cell::RefCell;

use crate::keyed::Keyed;

/// The window the budget counts in, milliseconds.
pub const BUDGET_WINDOW_MS: u64 = 60_000;

/// What a poller may spend: `pollBudget`, and the share of it one round may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadAllowance {
    /// Filtered reads a minute per tenant.
    pub per_minute: u32,
    /// Filtered reads per round (one `pollInterval`) per tenant.
    pub per_round: u32,
    /// A round's length, milliseconds: the poll interval.
    pub round_ms: u64,
}

impl ReadAllowance {
    /// `per_minute` spread over rounds of `interval_ms` (`None`: polling is off, and a
    /// reader may spend the whole minute).
    pub fn new(per_minute: u32, interval_ms: Option<u64>) -> ReadAllowance {
        let round_ms = interval_ms
            .unwrap_or(BUDGET_WINDOW_MS)
            .min(BUDGET_WINDOW_MS);
        // Rounded down: a minute's rounds together never take more than `per_minute`.
        let share = u64::from(per_minute) * round_ms / BUDGET_WINDOW_MS;
        ReadAllowance {
            per_minute,
            per_round: share.clamp(1, u64::from(per_minute)) as u32,
            round_ms,
        }
    }

    /// The same allowance with `reads` a minute left to another poller (at least one
    /// read a minute stays).
    pub fn set_aside(self, reads: u32) -> ReadAllowance {
        let round_ms = (self.round_ms < BUDGET_WINDOW_MS).then_some(self.round_ms);
        ReadAllowance::new(self.per_minute.saturating_sub(reads).max(1), round_ms)
    }
}

/// The reads a minute of a poller that reads once every `interval_ms` (none when off).
pub fn reads_a_minute(interval_ms: Option<u64>) -> u32 {
    interval_ms.map_or(0, |ms| {
        BUDGET_WINDOW_MS
            .div_ceil(ms.max(1))
            .min(u64::from(u32::MAX)) as u32
    })
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: u64,
    used: u32,
    round_start_ms: u64,
    round_used: u32,
    blocked_until_ms: u64,
}

impl Window {
    fn at(now_ms: u64) -> Window {
        Window {
            start_ms: now_ms,
            used: 0,
            round_start_ms: now_ms,
            round_used: 0,
            blocked_until_ms: 0,
        }
    }
}

/// The reads spent per tenant (its Orchestrator URL) in the current minute.
#[derive(Debug, Default)]
pub struct PollBudget {
    tenants: RefCell<Keyed<Window>>,
}

impl PollBudget {
    /// Takes one read for `tenant` at `now_ms`; false when the minute's or the round's
    /// reads are spent or a 429 said to wait.
    pub fn take(&self, tenant: &str, allowance: ReadAllowance, now_ms: u64) -> bool {
        let mut tenants = self.tenants.borrow_mut();
        if tenants.get(tenant).is_none() && tenants.len() >= 256 {
            tenants.retain(|_, w| {
                now_ms < w.start_ms + BUDGET_WINDOW_MS || now_ms < w.blocked_until_ms
            });
        }
        let w = tenants.get_or_insert_with(tenant, || Window::at(now_ms));
        if now_ms < w.blocked_until_ms {
            return false;
        }
        if now_ms >= w.start_ms + BUDGET_WINDOW_MS {
            w.start_ms = now_ms;
            w.used = 0;
        }
        if now_ms >= w.round_start_ms + allowance.round_ms {
            w.round_start_ms = now_ms;
            w.round_used = 0;
        }
        if w.used >= allowance.per_minute || w.round_used >= allowance.per_round {
            return false;
        }
        w.used += 1;
        w.round_used += 1;
        true
    }

    /// Whether a 429 for `tenant` still says to wait at `now_ms`.
    pub fn is_blocked(&self, tenant: &str, now_ms: u64) -> bool {
        self.tenants
            .borrow()
            .get(tenant)
            .is_some_and(|w| now_ms < w.blocked_until_ms)
    }

    /// A 429 for `tenant`: nothing is read until `until_ms`.
    pub fn block(&self, tenant: &str, until_ms: u64) {
        let mut tenants = self.tenants.borrow_mut();
        let w = tenants.get_or_insert_with(tenant, || Window::at(until_ms));
        w.blocked_until_ms = w.blocked_until_ms.max(until_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_s_budget_per_tenant_and_a_429_waits_its_retry_after() {
        let b = PollBudget::default();
        let all = ReadAllowance::new(60, None);
        let taken = (0..100).filter(|i| b.take("t1", all, 1_000 + i)).count();
        assert_eq!(taken, 60);
        assert!(b.take("t2", all, 1_100), "another tenant has its own");
        assert!(b.take("t1", all, 61_000), "the next minute");
        b.block("t1", 200_000);
        assert!(!b.take("t1", all, 199_999));
        assert!(b.take("t1", all, 200_000));
    }

    #[test]
    fn a_round_spends_its_share_of_the_minute() {
        assert_eq!(ReadAllowance::new(60, Some(30_000)).per_round, 30);
        assert_eq!(ReadAllowance::new(60, Some(5_000)).per_round, 5);
        assert_eq!(ReadAllowance::new(60, Some(100)).per_round, 1);
        assert_eq!(ReadAllowance::new(60, Some(3_600_000)).per_round, 60);
        assert_eq!(
            ReadAllowance::new(54, Some(5_000)).per_round,
            4,
            "4.5 rounded down"
        );
        let b = PollBudget::default();
        let a = ReadAllowance::new(60, Some(30_000));
        // Two servers' rounds, 30 s apart, in one minute: 60 reads in all.
        let first = (0..100).filter(|i| b.take("t", a, 1_000 + i)).count();
        let other = PollBudget::default();
        let second = (0..100).filter(|i| other.take("t", a, 31_000 + i)).count();
        assert_eq!((first, second), (30, 30));
        assert!(b.take("t", a, 31_000), "this server's next round");
    }

    #[test]
    fn the_task_look_s_reads_are_set_aside_and_a_429_is_seen_by_every_poller() {
        assert_eq!(reads_a_minute(Some(10_000)), 6);
        assert_eq!(reads_a_minute(Some(7_000)), 9);
        assert_eq!(reads_a_minute(Some(120_000)), 1);
        assert_eq!(reads_a_minute(None), 0);
        let a = ReadAllowance::new(60, Some(30_000)).set_aside(6);
        assert_eq!((a.per_minute, a.per_round, a.round_ms), (54, 27, 30_000));
        let off = ReadAllowance::new(60, None).set_aside(6);
        assert_eq!((off.per_minute, off.per_round), (54, 54));
        assert_eq!(
            ReadAllowance::new(5, Some(1_000)).set_aside(60).per_minute,
            1
        );
        let b = PollBudget::default();
        assert!(!b.is_blocked("t", 0));
        b.block("t", 5_000);
        assert!(b.is_blocked("t", 4_999) && !b.is_blocked("t", 5_000));
        assert!(!b.is_blocked("other", 10));
    }
}
