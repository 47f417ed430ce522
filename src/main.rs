//! `kafka-playground`: the native runner of the virtual Kafka cluster.

use clap::{Parser, Subcommand};
use kafka_playground_core::Cluster;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "kafka-playground", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the cluster's snapshot (hosts, addresses, status) as JSON.
    Snapshot {
        /// Seed of the run's pseudo-random generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Snapshot { seed } => {
            let snap = Cluster::seed_cluster(seed).snapshot();
            match serde_json::to_string_pretty(&snap) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("kafka-playground: cannot serialise snapshot: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
