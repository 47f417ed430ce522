//! The Yew page of Kafka Playground. It only drives the core's `Cluster` and draws its snapshots.

pub mod components;
pub mod i18n;

pub use components::app::App;
