//! One component per file.

pub mod app;
pub mod cluster_view;
