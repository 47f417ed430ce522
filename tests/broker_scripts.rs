//! The native runner on the brokers walkthrough script (tests/scripts/brokers_walkthrough.txt).

use std::process::Command;

fn exec(seed: u64) -> (String, String, i32) {
    let script = format!(
        "{}/tests/scripts/brokers_walkthrough.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kafka-playground"))
        .args(["exec", &script, "--seed", &seed.to_string()])
        .output()
        .expect("run kafka-playground");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn the_walkthrough_runs_end_to_end() {
    for seed in [1, 2, 7] {
        let (out, err, code) = exec(seed);
        assert_eq!(code, 0, "seed {seed}\n{out}\n{err}");
        assert_eq!(out.matches("[1, 2, 3]\n").count(), 2, "{out}");
        assert!(out.contains("{\"version\":1,\"brokerid\":"), "{out}");
        assert!(out.contains("Created topic my-topic.\n"), "{out}");
        assert!(
            out.contains("\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: \n"),
            "{out}"
        );
        assert!(out.contains("my-topic\n"), "{out}");
        let parts: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("\tTopic: my-topic"))
            .collect();
        // 3 (all up) + 3 (kafka2 stopped) + 2 under-replicated + 0 after the restart.
        assert_eq!(parts.len(), 8, "{out}");
        for l in &parts[3..6] {
            assert!(!l.contains("Leader: 2\t"), "{l}");
            assert!(!l.ends_with(",2") && !l.contains("Isr: 2"), "{l}");
        }
    }
}
