//! One test binary: each module drives the real `duban` on files it builds itself.

// tests/samples.rs includes examples/make_samples.rs, which brings its own copy of the
// returns builder (the example must build on its own).
#![allow(clippy::duplicate_mod)]

mod checked;
mod workdir;

mod bulletin;
mod catalog;
mod check;
mod collect;
mod contacts;
mod errors;
mod help;
mod intake;
mod mail;
mod merge;
mod outputs;
mod paper;
mod returns;
mod samples;
mod structure;
mod tables;
mod templates;
mod workspace;
