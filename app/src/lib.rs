//! The Yew page of Kafka Playground. It only drives the core's `Cluster` and draws its snapshots.

pub mod chapters;
pub mod components;
pub mod driver;
pub mod flow_history;
pub mod i18n;
pub mod i18n_groups;
pub mod isr_history;
pub mod message_kind;
pub mod panel_clients;
pub mod share;
pub mod shortcuts;
pub mod terminals;
pub mod tutorial_state;

pub use components::app::App;
