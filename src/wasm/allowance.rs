//! What a bot's module config lets its pollers read a minute (`pollBudget`, UiPath's
//! rate limit): the job and queue-item pollers' share, after the reads the look for
//! open tasks takes.

use serde_json::Value;

use crate::error::Result;
use crate::flow::{self, ReadAllowance};
use crate::module::{JobEndSettings, TaskSettings};

/// The job and queue-item pollers' allowance: `pollBudget` spread over `pollInterval`,
/// less the task look's reads a minute. A robot's nudge takes from it too.
pub fn read_allowance(config: &Value) -> Result<ReadAllowance> {
    let settings = JobEndSettings::parse(config)?;
    Ok(
        ReadAllowance::new(settings.poll_budget, settings.poll_interval_ms)
            .set_aside(task_reads_a_minute(config)),
    )
}

/// The filtered reads a minute the look for a bot's open tasks takes: one per
/// `taskPollInterval` while it has a catalog (none when off, or when its settings are
/// wrong and it does not look).
fn task_reads_a_minute(config: &Value) -> u32 {
    match TaskSettings::parse(config) {
        Ok(s) if s.catalog.is_some() => flow::reads_a_minute(s.poll_interval_ms),
        _ => 0,
    }
}
