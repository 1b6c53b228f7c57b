//! Panics inside a dependency, contained. A reader of a damaged download may panic where its
//! authors did not expect the bytes it meets; that is the file's problem to report, not a crash
//! of `kpi`. Work run through [`contain`] that panics gives back the panic's message, and the
//! binary's panic hook stays silent for it ([`in_contained_work`]); a panic anywhere else is a
//! bug, and the hook says so.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// How many [`contain`] calls the current thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The message of the last panic contained on this thread.
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// `work`'s result, or the message of the panic that stopped it.
pub fn contain<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|depth| depth.set(depth.get() - 1));
    outcome.map_err(|payload| {
        let recorded = MESSAGE.with(|message| message.borrow_mut().take());
        recorded.unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

/// Whether the current thread is running contained work: the panic hook then records the
/// message with [`record`] instead of reporting a bug.
pub fn in_contained_work() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Keeps a contained panic's message (with the place in the dependency's code it came from),
/// for [`contain`] to return.
pub fn record(message: String) {
    MESSAGE.with(|slot| *slot.borrow_mut() = Some(message));
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => text.to_string(),
        (_, Some(text)) => text.clone(),
        _ => "it panicked".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_contained_work_is_its_message() {
        assert_eq!(contain(|| 2 + 2), Ok(4));
        let message = contain(|| -> usize { panic!("index out of bounds") }).unwrap_err();
        assert!(message.contains("index out of bounds"), "{message}");
        assert!(!in_contained_work());
    }
}
