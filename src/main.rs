//! `kafka-playground`: the native runner of the virtual Kafka cluster.

use clap::{Parser, Subcommand};
use kafka_playground_core::cli::run_script;
use kafka_playground_core::Cluster;
use std::io::{Read, Write};
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
        /// Virtual milliseconds to run before taking the snapshot.
        #[arg(long, default_value_t = 0)]
        at_ms: u64,
    },
    /// Run a script of playground commands (one per line, `#` comments, here-documents) and
    /// print what each command prints. `help` inside a script lists the commands.
    Exec {
        /// Script file, or `-` for standard input.
        #[arg(default_value = "-")]
        file: String,
        /// Seed of the run's pseudo-random generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print `$ command` before each command's output.
        #[arg(long)]
        echo: bool,
        /// After the script, print the structured event log (one line per event) to stderr.
        #[arg(long)]
        events: bool,
        /// Start the script at virtual time 0, while the ensemble is still booting, instead of
        /// once every ZooKeeper serves (as after `docker compose up -d` and a short wait).
        #[arg(long)]
        no_wait: bool,
        /// Boot only the ZooKeeper ensemble (`docker compose up -d zookeeper1 zookeeper2
        /// zookeeper3`), without the Kafka brokers.
        #[arg(long)]
        no_brokers: bool,
    },
    /// Run tutorial notebooks headlessly: every cell against a fresh seeded cluster, checking
    /// expected outputs and goals; failures are printed as FILE:LINE.
    Notebook {
        /// Notebook files (Markdown), e.g. www/notebooks/*/*.md.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Notebook { files } => run_notebooks(&files),
        Command::Snapshot { seed, at_ms } => {
            let mut cluster = Cluster::seed_cluster(seed);
            cluster.run_until(at_ms);
            match serde_json::to_string_pretty(&cluster.snapshot()) {
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
        Command::Exec {
            file,
            seed,
            echo,
            events,
            no_wait,
            no_brokers,
        } => {
            let text = if file == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!("kafka-playground: cannot read standard input: {e}");
                    return ExitCode::from(2);
                }
                s
            } else {
                match std::fs::read_to_string(&file) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("kafka-playground: cannot read {file}: {e}");
                        return ExitCode::from(2);
                    }
                }
            };
            let mut config = kafka_playground_core::ClusterConfig::seed();
            if no_brokers {
                config.brokers.clear();
            }
            let mut cluster = Cluster::new(config, seed);
            if !no_wait {
                cluster.wait_until_ready(60_000);
                cluster.wait_until_brokers_ready(60_000);
            }
            let out = run_script(&mut cluster, &text, echo);
            let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
            if out.commands.is_empty() {
                let _ = stderr.write_all(out.stderr.as_bytes());
            }
            for c in &out.commands {
                if echo {
                    let _ = writeln!(stdout, "$ {}", c.command);
                }
                let _ = stdout.write_all(c.output.stdout.as_bytes());
                let _ = stdout.flush();
                let _ = stderr.write_all(c.output.stderr.as_bytes());
                let _ = stderr.flush();
            }
            if events {
                for e in cluster.events() {
                    eprintln!("{:>8}ms {:<11} {}", e.time_ms, e.host, e.text("en"));
                }
            }
            ExitCode::from(out.exit_code.clamp(0, 255) as u8)
        }
    }
}

/// `kafka-playground notebook FILE…`: one line per notebook, each failure as FILE:LINE, and a
/// closing `notebooks: N passed, M failed` (checks: cells, expected outputs, goals).
fn run_notebooks(files: &[String]) -> ExitCode {
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let report = match std::fs::read_to_string(file) {
            Ok(text) => kafka_playground_core::notebook::run_notebook(&text),
            Err(e) => kafka_playground_core::notebook::NotebookReport {
                passed: 0,
                failures: vec![format!("line 0: cannot read: {e}")],
            },
        };
        passed += report.passed;
        failed += report.failures.len();
        if report.failures.is_empty() {
            println!("ok   {file} ({} checks)", report.passed);
        } else {
            println!(
                "FAIL {file} ({} passed, {} failed)",
                report.passed,
                report.failures.len()
            );
            for f in &report.failures {
                // Failures start with "line N: "; show them as FILE:N: like a compiler would.
                let located = f
                    .strip_prefix("line ")
                    .and_then(|rest| rest.split_once(": "))
                    .map(|(n, msg)| format!("{file}:{n}: {msg}"))
                    .unwrap_or_else(|| format!("{file}: {f}"));
                println!("  {located}");
            }
        }
    }
    println!("notebooks: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
