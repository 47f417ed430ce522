//! The native runner as a user calls it.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kafka-playground"))
        .args(args)
        .output()
        .expect("kafka-playground runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn version_names_the_program_and_crate_version() {
    let (ok, stdout, _) = run(&["--version"]);
    assert!(ok);
    assert_eq!(
        stdout.trim(),
        format!("kafka-playground {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_only_subcommands_that_work() {
    let (ok, stdout, _) = run(&["--help"]);
    assert!(ok);
    assert!(stdout.contains("Usage: kafka-playground"));
    // Every listed subcommand answers its own --help successfully.
    let commands: Vec<String> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(!commands.is_empty());
    for c in commands {
        let (ok, out, err) = run(&[&c, "--help"]);
        assert!(ok, "{c} --help failed: {err}");
        assert!(out.contains("Usage:"), "{c} --help printed {out}");
    }
}

#[test]
fn snapshot_prints_the_six_hosts_as_json() {
    let (ok, stdout, _) = run(&["snapshot", "--seed", "42"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["seed"], 42);
    let names: Vec<&str> = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "zookeeper1",
            "zookeeper2",
            "zookeeper3",
            "kafka1",
            "kafka2",
            "kafka3"
        ]
    );
}

#[test]
fn unknown_subcommand_is_an_error_not_a_panic() {
    let (ok, _, stderr) = run(&["frobnicate"]);
    assert!(!ok);
    assert!(stderr.contains("unrecognized subcommand"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}
