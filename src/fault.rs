//! Failures injected by tests, so that what duban does when the machine fails under it
//! (a reader child that dies, a disk that fills, a process killed mid-write) is tested on
//! the real binary and not only argued.
//!
//! `DUBAN_FAULT=place:action[,place:action…]` arms a fault; without the variable nothing
//! here has any effect. The places are named by the code that calls [`at`].

/// The action armed at `place`, if any (`DUBAN_FAULT=read-child:abort` → `Some("abort")`).
pub fn at(place: &str) -> Option<String> {
    let spec = std::env::var("DUBAN_FAULT").ok()?;
    spec.split(',').find_map(|item| {
        let (p, action) = item.split_once(':')?;
        (p.trim() == place).then(|| action.trim().to_string())
    })
}

/// Whether `place` is armed with `action`.
pub fn armed(place: &str, action: &str) -> bool {
    at(place).is_some_and(|a| a == action)
}
