//! The native runner on the scripts in tests/scripts: what the "done when" asks for.

use std::process::Command;

fn exec(script: &str, seed: u64) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_kafka-playground"))
        // The ensemble alone: these scripts are about ZooKeeper (no broker znodes).
        .args(["exec", script, "--seed", &seed.to_string(), "--no-brokers"])
        .output()
        .expect("run kafka-playground");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn script(name: &str) -> String {
    format!("{}/tests/scripts/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn quorum_script_elects_one_leader_and_needs_a_majority_to_write() {
    for seed in [1, 2, 3, 42] {
        let (out, err, code) = exec(&script("zookeeper_quorum.txt"), seed);
        assert_eq!(code, 0, "seed {seed}\n{out}\n{err}");
        // The first three commands: exactly one leader, two followers.
        let first: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("Mode: "))
            .take(3)
            .collect();
        assert_eq!(
            first.iter().filter(|l| **l == "Mode: leader").count(),
            1,
            "{out}"
        );
        assert_eq!(
            first.iter().filter(|l| **l == "Mode: follower").count(),
            2,
            "{out}"
        );
        assert!(out.contains("Created /all-up\n"), "{out}");
        assert!(out.contains("Created /one-down\n"), "{out}");
        assert!(out.contains("[all-up, one-down, zookeeper]\n"), "{out}");
        // Two down: no success, the survivor does not serve.
        assert!(!out.contains("Created /two-down"), "{out}");
        assert!(
            err.contains("KeeperErrorCode = ConnectionLoss for /two-down\n"),
            "{err}"
        );
        assert!(
            out.contains("Error contacting service. It is probably not running.\n"),
            "{out}"
        );
        // Back to a majority: what succeeded is there, what failed is not.
        assert!(out.contains("two servers\n"), "{out}");
        assert!(out.contains("cZxid = 0x1"), "{out}");
        assert_eq!(
            out.matches("[all-up, one-down, zookeeper]\n").count(),
            3,
            "{out}"
        );
        assert!(err.contains("ZooKeeper JMX enabled by default\nUsing config: /conf/zoo.cfg\n"));
    }
}

#[test]
fn a_script_error_names_its_line_and_exits_non_zero() {
    let dir = std::env::temp_dir().join(format!("kp-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.txt");
    std::fs::write(
        &f,
        "sleep 1\n# comment\nzookeeper-shell zookeeper1:2181 ls /\nfrobnicate now\nsleep 1\n",
    )
    .unwrap();
    let (out, err, code) = exec(f.to_str().unwrap(), 1);
    assert_eq!(code, 127);
    assert!(out.contains("[zookeeper]"));
    assert!(err.contains("line 4"), "{err}");
    std::fs::write(&f, "zookeeper-shell zookeeper1:2181 <<EOF\nls /\n").unwrap();
    let (_, err, code) = exec(f.to_str().unwrap(), 1);
    assert_eq!(code, 2);
    assert!(err.contains("line 1"), "{err}");
}
