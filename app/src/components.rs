//! One component per file.

pub mod app;
pub mod cluster_view;
pub mod compose_editor;
pub mod consumer_panel;
pub mod controls;
pub mod event_log;
pub mod flow_charts;
pub mod group_views;
pub mod host_controls;
pub mod isr_chart;
pub mod kafdrop;
pub mod kafdrop_new_topic;
pub mod legend;
pub mod link_controls;
pub mod producer_panel;
pub mod terminal;
pub mod tutorial;
pub mod zk_browser;
