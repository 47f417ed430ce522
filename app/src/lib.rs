//! The Yew page of Kafka Playground. It only drives the core's `Cluster` and draws its snapshots.

pub mod components;
pub mod driver;
pub mod i18n;
pub mod message_kind;

pub use components::app::App;
