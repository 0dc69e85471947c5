//! One test binary: each module drives the real `duban` on files it builds itself.

mod workdir;

mod catalog;
mod check;
mod merge;
mod returns;
mod samples;
mod templates;
