//! What the loaded package keeps between calls, for the whole process (one per Botpress
//! server; the wasm runs on one thread): the access-token and release cache, and the
//! refusal log's windows, the pollers' budget of filtered reads.

use std::cell::RefCell;
use std::rc::Rc;

use crate::flow::{PollBudget, TokenCache};
use crate::module::log::RefusalLog;

thread_local! {
    static TOKENS: Rc<TokenCache> = Rc::new(TokenCache::default());
    static REFUSALS: RefCell<RefusalLog> = RefCell::new(RefusalLog::default());
    static BUDGET: Rc<PollBudget> = Rc::new(PollBudget::default());
}

/// The filtered reads the server's pollers spent, per tenant.
pub fn budget() -> Rc<PollBudget> {
    BUDGET.with(Rc::clone)
}

/// The process's token and release cache.
pub fn tokens() -> Rc<TokenCache> {
    TOKENS.with(Rc::clone)
}

/// Runs `f` with the process's refusal log.
pub fn with_refusals<R>(f: impl FnOnce(&mut RefusalLog) -> R) -> R {
    REFUSALS.with(|r| f(&mut r.borrow_mut()))
}
