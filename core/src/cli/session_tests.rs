//! Terminal sessions: foreground programs streaming as time passes, typed input, Ctrl-C and
//! Ctrl-D, per-terminal jobs, and replay from a journal giving the same run.

use super::{Ended, Session};
use crate::cluster::Cluster;

const B: &str = "--bootstrap-server 127.0.0.1:9091";

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    let out = c.run_command(
        &format!("kafka-topics {B} --create --topic test --partitions 1 --replication-factor 3"),
        None,
    );
    assert!(out.ok(), "{out:?}");
    c.run_for(2_000);
    c
}

/// Lets virtual time pass in steps, polling like the page does each frame.
fn pass(c: &mut Cluster, s: &mut Session, ms: u64) -> String {
    let mut text = String::new();
    for _ in 0..ms / 100 {
        c.run_for(100);
        let (out, ended) = s.poll(c, true);
        text.push_str(&out.stdout);
        text.push_str(&out.stderr);
        for e in ended {
            let o = s.end(c, e);
            text.push_str(&o.stdout);
            text.push_str(&o.stderr);
        }
    }
    text
}

fn running_clients(c: &Cluster) -> usize {
    c.sim
        .hosts()
        .iter()
        .filter(|h| {
            h.process
                .as_ref()
                .is_some_and(|p| p.as_consumer().is_some() || p.as_producer().is_some())
        })
        .count()
}

#[test]
fn a_foreground_consumer_streams_what_another_terminal_produces_until_ctrl_c() {
    let mut c = booted(3);
    let clients = running_clients(&c);
    let (mut t1, mut t2) = (Session::default(), Session::default());
    let out = t1.run(&mut c, &format!("kafka-console-consumer {B} --topic test"));
    assert!(out.ok() && out.stdout.is_empty(), "{out:?}");
    assert!(t1.busy());
    assert_eq!(t1.prompt(), None);
    // A busy terminal runs no other command.
    assert!(!t1.run(&mut c, "sleep 1").ok());
    assert_eq!(pass(&mut c, &mut t1, 3_000), "");

    let out = t2.run(&mut c, &format!("kafka-console-producer {B} --topic test"));
    assert!(out.ok() && out.stdout.is_empty(), "{out:?}");
    assert_eq!(t2.prompt(), Some(">"));
    for line in ["hello", "world"] {
        let out = t2.input(&mut c, line);
        assert!(out.ok(), "{out:?}");
    }
    assert_eq!(pass(&mut c, &mut t1, 3_000), "hello\nworld\n");
    assert!(t1.busy(), "the consumer keeps running");
    assert_eq!(running_clients(&c), clients + 2);

    let out = t1.interrupt(&mut c);
    assert_eq!(out.stderr, "Processed a total of 2 messages\n");
    assert!(!t1.busy());
    let out = t2.eof(&mut c);
    assert_eq!(out.stderr, "");
    assert!(!t2.busy());
    assert_eq!(running_clients(&c), clients);
    // The shell is back.
    assert!(t1.run(&mut c, "jobs").ok());
}

#[test]
fn a_bounded_consumer_ends_by_itself_and_a_timeout_prints_the_tool_s_error() {
    let mut c = booted(4);
    let mut t = Session::default();
    t.run(
        &mut c,
        &format!("kafka-console-consumer {B} --topic test --from-beginning --max-messages 1"),
    );
    let out = c.run_command(
        &format!("kafka-console-producer {B} --topic test"),
        Some("one\ntwo\n"),
    );
    assert!(out.ok(), "{out:?}");
    let text = pass(&mut c, &mut t, 3_000);
    assert_eq!(text, "one\nProcessed a total of 1 messages\n");
    assert!(!t.busy());

    t.run(
        &mut c,
        &format!("kafka-console-consumer {B} --topic test --timeout-ms 2000"),
    );
    let text = pass(&mut c, &mut t, 4_000);
    assert!(
        text.contains(
            "org.apache.kafka.common.errors.TimeoutException\nProcessed a total of 0 messages\n"
        ),
        "{text}"
    );
    assert!(!t.busy());
}

#[test]
fn the_seed_s_scripts_prompt_send_and_stop_as_python_does() {
    let mut c = booted(5);
    let (mut cons, mut prod) = (Session::default(), Session::default());
    let out = cons.run(&mut c, "python consumer.py");
    assert_eq!(out.stdout, "Topic default: test\n");
    assert!(cons.busy());
    let out = prod.run(&mut c, "python producer.py");
    assert_eq!(out.stdout, "topic: test(defualt)\n");
    assert_eq!(prod.prompt(), Some("key: (quit -> q)"));
    assert!(prod.input(&mut c, "k").stdout.is_empty());
    assert_eq!(prod.prompt(), Some("value: "));
    let out = prod.input(&mut c, "v");
    assert_eq!(out.stdout, "Message sent: {'k': 'v'}\n");
    assert_eq!(prod.prompt(), Some("key: (quit -> q)"));
    assert_eq!(
        pass(&mut c, &mut cons, 3_000),
        "Received message: {'k': 'v'} at offset 0\n"
    );
    let out = prod.interrupt(&mut c);
    assert!(
        out.stderr.ends_with(
            "line 21, in <module>\n    key = input(\"key: (quit -> q)\")\nKeyboardInterrupt\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!prod.busy());
    let out = cons.interrupt(&mut c);
    assert_eq!(
        out.stdout,
        "Interrupted, closing consumer...\nConsumer closed.\n"
    );
    // Ctrl-D at the value prompt: EOFError.
    prod.run(&mut c, "python producer.py");
    prod.input(&mut c, "k");
    let out = prod.eof(&mut c);
    assert!(
        out.stderr
            .ends_with("    value = input(\"value: \")\nEOFError: EOF when reading a line\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_line_without_the_key_separator_ends_the_console_producer() {
    let mut c = booted(6);
    let mut t = Session::default();
    t.run(
        &mut c,
        &format!("kafka-console-producer {B} --topic test --property parse.key=true --property key.separator=:"),
    );
    assert!(t.input(&mut c, "a:1").ok());
    let out = t.input(&mut c, "no separator");
    assert_eq!(
        out.stderr,
        "org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'no separator'\n"
    );
    assert!(!t.busy());
    // A consumer ignores typed lines and Ctrl-D.
    t.run(&mut c, &format!("kafka-console-consumer {B} --topic test"));
    assert_eq!(t.input(&mut c, "typed").stdout, "");
    assert_eq!(t.eof(&mut c).stdout, "");
    assert!(t.busy());
    t.hang_up(&mut c);
    assert!(!t.busy());
}

#[test]
fn each_terminal_has_its_own_jobs() {
    let mut c = booted(7);
    let (mut t1, mut t2) = (Session::default(), Session::default());
    let a = t1.run(
        &mut c,
        &format!("kafka-console-consumer {B} --topic test &"),
    );
    let b = t2.run(
        &mut c,
        &format!("kafka-console-consumer {B} --topic test &"),
    );
    assert!(a.stdout.starts_with("[1] "), "{a:?}");
    assert!(b.stdout.starts_with("[1] "), "{b:?}");
    let a2 = t1.run(&mut c, "python consumer.py &");
    assert!(a2.stdout.starts_with("[2] "), "{a2:?}");
    assert!(!t1.busy());
    assert_eq!(t1.job_list().len(), 2);
    let jobs = t2.run(&mut c, "jobs");
    assert_eq!(
        jobs.stdout,
        format!("[1]   Running                 kafka-console-consumer {B} --topic test &\n")
    );
    c.run_command(
        &format!("kafka-console-producer {B} --topic test"),
        Some("7\n"),
    );
    let text = pass(&mut c, &mut t1, 3_000);
    assert!(
        text.contains("7\n") && text.contains("Received message: 7 at offset 0\n"),
        "{text}"
    );
    let out = t1.run(&mut c, "kill %1");
    assert!(out.stdout.ends_with("[1]+  Interrupt               kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic test\n"), "{out:?}");
    assert_eq!(t1.job_list().len(), 1);
    assert_eq!(t2.job_list().len(), 1);
    // Scripts are not sessions: a program that runs until Ctrl-C is still refused there.
    let out = c.run_command(&format!("kafka-console-consumer {B} --topic test"), None);
    assert_eq!(out.exit_code, 2);
    assert!(c.jobs.is_empty());
}

/// What a page does: commands and ends journaled with their virtual time.
#[derive(Clone, Debug)]
enum Act {
    Run(usize, String),
    Input(usize, String),
    Interrupt(usize),
    End(usize, Ended),
}

fn apply(c: &mut Cluster, t: &mut [Session], a: &Act) -> String {
    let out = match a {
        Act::Run(i, l) => t[*i].run(c, l),
        Act::Input(i, l) => t[*i].input(c, l),
        Act::Interrupt(i) => t[*i].interrupt(c),
        Act::End(i, e) => t[*i].end(c, *e),
    };
    out.stdout + &out.stderr
}

#[test]
fn replaying_the_journal_at_other_poll_times_gives_the_same_run_and_text() {
    let script: Vec<(u64, Act)> = vec![
        (
            0,
            Act::Run(
                0,
                format!("kafka-console-consumer {B} --topic test --max-messages 2"),
            ),
        ),
        (
            0,
            Act::Run(
                1,
                format!("kafka-console-consumer {B} --topic test --group g --timeout-ms 4000 &"),
            ),
        ),
        (
            500,
            Act::Run(2, format!("kafka-console-producer {B} --topic test")),
        ),
        (1_700, Act::Input(2, "1".into())),
        (2_300, Act::Input(2, "2".into())),
        (2_900, Act::Input(2, "3".into())),
        (9_000, Act::Interrupt(2)),
        (9_500, Act::Run(0, "python consumer.py".into())),
        (12_000, Act::Interrupt(0)),
    ];
    // Live: polled every 100 ms; ends found by the polls are journaled.
    let mut c = booted(8);
    let start = c.now_ms();
    let mut t = vec![Session::default(), Session::default(), Session::default()];
    let mut journal: Vec<(u64, Act)> = Vec::new();
    let mut text = vec![String::new(); 3];
    let mut pending = script.into_iter().peekable();
    while c.now_ms() < start + 14_000 {
        while let Some((at, a)) = pending.next_if(|(at, _)| start + at <= c.now_ms()) {
            let _ = at;
            journal.push((c.now_ms(), a.clone()));
            let i = match &a {
                Act::Run(i, _) | Act::Input(i, _) | Act::Interrupt(i) | Act::End(i, _) => *i,
            };
            text[i].push_str(&apply(&mut c, &mut t, &a));
        }
        c.run_for(100);
        for (i, s) in t.iter_mut().enumerate() {
            let (out, ended) = s.poll(&mut c, true);
            text[i].push_str(&(out.stdout + &out.stderr));
            for e in ended {
                journal.push((c.now_ms(), Act::End(i, e)));
                let o = s.end(&mut c, e);
                text[i].push_str(&(o.stdout + &o.stderr));
            }
        }
    }
    let end = c.now_ms();
    assert!(
        journal
            .iter()
            .any(|(_, a)| matches!(a, Act::End(1, Ended::Job(1)))),
        "the group job times out: {journal:?}"
    );
    assert!(journal
        .iter()
        .any(|(_, a)| matches!(a, Act::End(0, Ended::Foreground))));
    assert!(
        text[0].contains("1\n2\nProcessed a total of 2 messages\n"),
        "{}",
        text[0]
    );
    assert!(
        text[0].contains("Interrupted, closing consumer...\n"),
        "{}",
        text[0]
    );

    // Replay: only the journal's instants, polled (not live) just before each entry.
    let mut r = booted(8);
    let mut rt = vec![Session::default(), Session::default(), Session::default()];
    let mut rtext = vec![String::new(); 3];
    for (at, a) in &journal {
        if *at > r.now_ms() {
            r.run_until(*at);
        }
        for (i, s) in rt.iter_mut().enumerate() {
            let (out, ended) = s.poll(&mut r, false);
            assert!(ended.is_empty());
            rtext[i].push_str(&(out.stdout + &out.stderr));
        }
        let i = match a {
            Act::Run(i, _) | Act::Input(i, _) | Act::Interrupt(i) | Act::End(i, _) => *i,
        };
        rtext[i].push_str(&apply(&mut r, &mut rt, a));
    }
    r.run_until(end);
    for (i, s) in rt.iter_mut().enumerate() {
        let out = s.poll(&mut r, false).0;
        rtext[i].push_str(&(out.stdout + &out.stderr));
    }
    assert_eq!(r.event_log_hash(), c.event_log_hash());
    assert_eq!(rtext, text);
}

#[test]
fn docker_exec_bash_opens_the_containers_shell_as_the_seed_does() {
    let mut c = booted(3);
    let mut t = Session::default();
    assert_eq!(t.shell_prompt(), "$ ");
    let out = t.run(&mut c, "docker exec -it kafka2 bash");
    assert!(out.ok(), "{out:?}");
    assert_eq!(t.container(), Some("kafka2"));
    assert_eq!(t.shell_prompt(), "[appuser@kafka2 ~]$ ");
    // The seed: kafka-topics from /usr/bin, bootstrapping on kafka2's internal listener.
    assert!(t.run(&mut c, "cd /usr/bin").ok());
    assert_eq!(t.shell_prompt(), "[appuser@kafka2 bin]$ ");
    assert_eq!(t.run(&mut c, "pwd").stdout, "/usr/bin\n");
    let out = t.run(
        &mut c,
        "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2",
    );
    assert_eq!(out.stdout, "Created topic my-topic.\n", "{out:?}");
    // The container has no docker and no python; unix tools it has are named as not simulated.
    let out = t.run(&mut c, "docker ps");
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (127, "bash: docker: command not found\n")
    );
    assert!(t.run(&mut c, "ls").stderr.contains("not its files"));
    assert!(t
        .run(&mut c, "help")
        .stdout
        .contains("kafka-console-consumer"));
    // A consumer inside the container holds the terminal until Ctrl-C, as on the host.
    let out = t.run(
        &mut c,
        "kafka-console-consumer --bootstrap-server kafka2:19092 --topic my-topic --from-beginning",
    );
    assert!(out.ok(), "{out:?}");
    assert!(t.busy());
    t.interrupt(&mut c);
    assert_eq!(t.container(), Some("kafka2"));
    assert_eq!(t.run(&mut c, "exit").stdout, "exit\n");
    assert_eq!(t.container(), None);
    assert_eq!(t.shell_prompt(), "$ ");
    // The host has the tools too (the playground's convenience) and docker.
    assert!(t.run(&mut c, "docker ps").ok());
}

#[test]
fn a_containers_shell_ends_with_the_container_and_with_ctrl_d() {
    let mut c = booted(3);
    let mut t = Session::default();
    t.run(&mut c, "docker exec -it zookeeper1 bash");
    assert_eq!(
        t.shell_prompt(),
        "root@zookeeper1:/apache-zookeeper-3.7.0-bin# "
    );
    let out = t.run(&mut c, "zkServer.sh status");
    assert!(out.stdout.contains("Mode: "), "{out:?}");
    assert_eq!(
        t.run(
            &mut c,
            "kafka-topics --list --bootstrap-server kafka1:19091"
        )
        .stderr,
        "bash: kafka-topics: command not found\n"
    );
    assert_eq!(t.eof(&mut c).stdout, "exit\n");
    assert_eq!(t.container(), None);
    t.run(&mut c, "docker exec -it kafka1 bash");
    let mut other = Session::default();
    assert!(other.run(&mut c, "docker stop kafka1").ok());
    assert!(t.leave_stopped_container(&c));
    assert_eq!(t.shell_prompt(), "$ ");
    // Without a terminal, -t is refused as docker refuses it; a here-document runs inside.
    let out = c.run_command("docker exec -it kafka2 bash", None);
    assert_eq!(out.stderr, "the input device is not a TTY\n");
    let out = c.run_command(
        "docker exec -i kafka2 bash",
        Some("hostname\nkafka-topics --list --bootstrap-server localhost:19092\n"),
    );
    assert_eq!(out.stdout, "kafka2\ntest\n", "{out:?}");
}

#[test]
fn netem_names_a_background_job_s_client_as_percent_n_in_its_own_terminal_only() {
    let mut c = booted(4);
    let (mut one, mut two) = (Session::default(), Session::default());
    let started = one.run(
        &mut c,
        &format!("kafka-console-consumer {B} --topic test --group app &"),
    );
    // `[1] console-consumer-N`: the job's client process, whatever its number.
    let host = started
        .stdout
        .trim()
        .strip_prefix("[1] ")
        .expect("a job line")
        .to_string();
    let cut = one.run(&mut c, "netem cut %1 kafka2");
    assert_eq!(cut.stdout, format!("cut {host} <-> kafka2\n"), "{cut:?}");
    assert!(c
        .snapshot()
        .network
        .cuts
        .contains(&(host.clone(), "kafka2".to_string())));
    // Another terminal has no job 1; an unknown job changes nothing.
    let other = two.run(&mut c, "netem heal %1 kafka2");
    assert_eq!(other.exit_code, 1);
    assert_eq!(other.stderr, "netem: %1: no such job\n");
    assert!(one
        .run(&mut c, "netem cut %x kafka1")
        .stderr
        .contains("%x: no such job"));
    assert!(c
        .snapshot()
        .network
        .cuts
        .contains(&(host.clone(), "kafka2".to_string())));
    let healed = one.run(&mut c, "netem heal %1 kafka2");
    assert_eq!(healed.stdout, format!("healed {host} <-> kafka2\n"));
}
