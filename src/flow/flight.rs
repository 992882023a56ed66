//! Single flight: concurrent calls on one thread that need the same thing (an access
//! token, a release) share one request. Nothing is kept once it lands: a success is
//! cached by its owner, a failure reaches only the calls that were waiting for it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::error::{Error, ErrorCode, Result};
use crate::keyed::Keyed;

/// The requests in flight, by key.
#[derive(Debug)]
pub(super) struct Flights<V> {
    pending: RefCell<Keyed<Rc<Slot<V>>>>,
}

impl<V> Default for Flights<V> {
    fn default() -> Self {
        Flights {
            pending: RefCell::new(Keyed::default()),
        }
    }
}

#[derive(Debug)]
struct Slot<V> {
    result: RefCell<Option<Result<V>>>,
    wakers: RefCell<Vec<Waker>>,
}

impl<V: Clone> Flights<V> {
    /// Joins the flight for `key` if there is one; otherwise runs `start` as the flight
    /// and hands its result to every call that joined meanwhile.
    pub(super) async fn run<F: Future<Output = Result<V>>>(
        &self,
        key: &str,
        start: impl FnOnce() -> F,
    ) -> Result<V> {
        let joined = self.pending.borrow().get(key).cloned();
        if let Some(slot) = joined {
            return Wait(slot).await;
        }
        let slot = Rc::new(Slot {
            result: RefCell::new(None),
            wakers: RefCell::new(Vec::new()),
        });
        self.pending
            .borrow_mut()
            .insert(key.to_string(), slot.clone());
        let guard = Landing {
            flights: self,
            key,
            slot,
        };
        let result = start().await;
        guard.land(result.clone());
        result
    }
}

/// Lands the flight exactly once, also when the leading call is dropped midway (its
/// followers then get an error instead of waiting forever).
struct Landing<'f, V: Clone> {
    flights: &'f Flights<V>,
    key: &'f str,
    slot: Rc<Slot<V>>,
}

impl<V: Clone> Landing<'_, V> {
    fn land(&self, result: Result<V>) {
        if self.slot.result.borrow().is_some() {
            return;
        }
        self.flights.pending.borrow_mut().remove(self.key);
        *self.slot.result.borrow_mut() = Some(result);
        for w in self.slot.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }
}

impl<V: Clone> Drop for Landing<'_, V> {
    fn drop(&mut self) {
        self.land(Err(Error::new(
            ErrorCode::Network,
            "the shared request was abandoned by the call that sent it",
        )));
    }
}

struct Wait<V>(Rc<Slot<V>>);

impl<V: Clone> Future for Wait<V> {
    type Output = Result<V>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(r) = self.0.result.borrow().as_ref() {
            return Poll::Ready(r.clone());
        }
        self.0.wakers.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;
    use std::cell::Cell;

    #[test]
    fn concurrent_calls_share_one_flight_and_failures_are_not_kept() {
        let flights: Flights<u32> = Flights::default();
        let started = Cell::new(0);
        let (gate_tx, gate_rx) = futures_channel_like();
        let run = || {
            flights.run("k", || async {
                started.set(started.get() + 1);
                gate_rx.clone().await;
                Ok(7)
            })
        };
        // Polled in order: the leader stops at the gate, the follower joins, then the gate opens.
        let (a, b, ()) = block_on(futures_util::future::join3(run(), run(), async {
            gate_tx.open()
        }));
        assert_eq!((a.unwrap(), b.unwrap(), started.get()), (7, 7, 1));
        let failed: Result<u32> = block_on(flights.run("k", || async { Err(Error::config("x")) }));
        assert!(failed.is_err());
        assert_eq!(
            block_on(flights.run("k", || async { Ok(8) })).unwrap(),
            8,
            "a failure is not kept"
        );
    }

    /// A gate that opens once; clones wait for it.
    #[derive(Clone)]
    struct Gate(Rc<Cell<bool>>);
    struct Opener(Rc<Cell<bool>>);
    impl Opener {
        fn open(&self) {
            self.0.set(true);
        }
    }
    impl Future for Gate {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0.get() {
                Poll::Ready(())
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
    fn futures_channel_like() -> (Opener, Gate) {
        let flag = Rc::new(Cell::new(false));
        (Opener(flag.clone()), Gate(flag))
    }
}
