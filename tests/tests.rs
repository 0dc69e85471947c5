//! One test binary: each module drives the real `duban` on files it builds itself.

// tests/samples.rs includes examples/make_samples.rs, which brings its own copy of the
// returns builder (the example must build on its own).
#![allow(clippy::duplicate_mod)]

mod checked;
mod workdir;

mod bulletin;
mod catalog;
mod catalog_import;
mod check;
mod collect;
mod collect_bounce;
mod collect_year;
mod contacts;
mod errors;
mod help;
mod hostile;
mod intake;
mod lateness;
mod layers;
mod mail;
mod merge;
mod new_year;
mod outputs;
mod page;
mod paper;
mod printed;
mod remind;
mod returns;
mod rounds;
mod samples;
mod score;
mod structure;
mod tables;
mod templates;
mod toml_words;
mod workspace;
mod year;
mod year_four;
