//! One test binary: each module drives the real `duban` on files it builds itself.

// tests/samples.rs includes examples/make_samples.rs, which brings its own copy of the
// returns builder (the example must build on its own).
#![allow(clippy::duplicate_mod)]

mod workdir;

mod catalog;
mod check;
mod collect;
mod intake;
mod mail;
mod merge;
mod returns;
mod samples;
mod structure;
mod templates;
