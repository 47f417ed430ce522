//! `kafka-console-producer`, `kafka-console-consumer` and the seed's `python producer.py` /
//! `python consumer.py`, each on its own client process.

use crate::cli::consumer_programs::{ConsoleFormat, ConsumerProgram, ProgramKind};
use crate::cli::kafka_topics::log_time;
use crate::cli::python_repr::{dumps_pair, repr_pair};
use crate::cli::session::{ConsoleProducer, Foreground};
use crate::cli::CommandOutput;
use crate::client::consumer::{Assignment, OffsetReset};
use crate::client::membership::Membership;
use crate::client::producer::ProducerConfig;
use crate::cluster::Cluster;
use crate::kafka::assignor::Strategy;
use crate::sim::node::HostId;

/// How long a foreground program may run in a script before it is interrupted.
const FOREGROUND_LIMIT_MS: u64 = 600_000;
/// The seed scripts' `bootstrap_servers`.
const SEED_BOOTSTRAP: [&str; 3] = ["127.0.0.1:9091", "127.0.0.1:9092", "127.0.0.1:9093"];

#[derive(Default, Debug)]
struct Opts {
    bootstrap: Option<String>,
    topic: Option<String>,
    properties: Vec<(String, String)>,
    client_properties: Vec<(String, String)>,
    from_beginning: bool,
    group: Option<String>,
    partition: Option<i32>,
    offset: Option<String>,
    max_messages: Option<usize>,
    timeout_ms: Option<u64>,
}

fn key_value(s: &str, flag: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("Invalid {flag} '{s}': expected key=value"))
}

/// `--help` of the console producer (the options the playground models).
pub const PRODUCER_HELP: &str = "Reads lines from standard input and sends each one as a record.
Option                                   Description
------                                   -----------
--bootstrap-server <host:port,...>       REQUIRED: the servers to bootstrap from
--topic <topic>                          REQUIRED: the topic to produce to
--property parse.key=true                each line is KEY<separator>VALUE
--property key.separator=<sep>           the separator (default: TAB)
--producer-property <k=v>                e.g. acks=all|1|0, linger.ms, retries, batch.size
--request-required-acks <acks>           same as --producer-property acks=...
";

/// `--help` of the console consumer.
pub const CONSUMER_HELP: &str = "Reads records and prints them to standard output.
Option                                   Description
------                                   -----------
--bootstrap-server <host:port,...>       REQUIRED: the servers to bootstrap from
--topic <topic>                          the topic to consume
--from-beginning                         start at the earliest offset when nothing is committed
--group <group>                          join this consumer group (commits offsets)
--partition <p> [--offset <o>]           read one partition from an offset (or earliest|latest)
--max-messages <n>                       stop after n records
--timeout-ms <ms>                        stop when no record came for this long
--property print.key|print.partition|print.offset|print.timestamp=true, key.separator=<sep>
--consumer-property <k=v>                e.g. auto.offset.reset, partition.assignment.strategy
Without --max-messages or --timeout-ms it runs until Ctrl-C: use `&` and `kill %N` in scripts.
";

fn parse(args: &[&str], consumer: bool) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let mut value = || -> Result<String, String> {
            i += 1;
            args.get(i)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("Option {a} requires an argument"))
        };
        match a {
            "--bootstrap-server" | "--broker-list" => o.bootstrap = Some(value()?),
            "--topic" => o.topic = Some(value()?),
            "--property" => o.properties.push(key_value(&value()?, "property")?),
            "--producer-property" | "--consumer-property" => {
                o.client_properties.push(key_value(&value()?, a)?)
            }
            "--request-required-acks" if !consumer => {
                o.client_properties.push(("acks".into(), value()?))
            }
            "--sync" if !consumer => {}
            "--from-beginning" if consumer => o.from_beginning = true,
            "--group" if consumer => o.group = Some(value()?),
            "--partition" if consumer => {
                let v = value()?;
                o.partition = Some(
                    v.parse()
                        .map_err(|_| format!("Invalid value '{v}' for --partition"))?,
                )
            }
            "--offset" if consumer => o.offset = Some(value()?),
            "--max-messages" if consumer => {
                let v = value()?;
                o.max_messages = Some(
                    v.parse()
                        .map_err(|_| format!("Invalid value '{v}' for --max-messages"))?,
                )
            }
            "--timeout-ms" if consumer => {
                let v = value()?;
                o.timeout_ms = Some(
                    v.parse()
                        .map_err(|_| format!("Invalid value '{v}' for --timeout-ms"))?,
                )
            }
            f if f.starts_with('-') => {
                return Err(format!(
                    "{} is not a recognized option",
                    f.trim_start_matches('-')
                ))
            }
            f => return Err(format!("Found non-option argument '{f}'")),
        }
        i += 1;
    }
    Ok(o)
}

fn servers(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn missing(what: &str) -> CommandOutput {
    CommandOutput::err(1, format!("Missing required argument \"[{what}]\"\n"))
}

fn no_bootstrap(client: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        format!("org.apache.kafka.common.KafkaException: Failed to construct kafka {client}\nCaused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers\n"),
    )
}

/// Java exception class and message for an error name (as the clients log them).
pub fn exception(error: &str) -> (String, String) {
    let (class, msg) = match error {
        "NOT_ENOUGH_REPLICAS" => ("NotEnoughReplicasException", "Messages are rejected since there are fewer in-sync replicas than required."),
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => ("NotEnoughReplicasAfterAppendException", "Messages are written to the log, but to fewer in-sync replicas than required."),
        "NOT_LEADER_OR_FOLLOWER" => ("NotLeaderOrFollowerException", "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition."),
        "REQUEST_TIMED_OUT" => ("TimeoutException", "The request timed out."),
        "NETWORK_EXCEPTION" => ("NetworkException", "The server disconnected before a response was received."),
        "LEADER_NOT_AVAILABLE" => ("LeaderNotAvailableException", "There is no leader for this topic-partition as we are in the middle of a leadership election."),
        "UNKNOWN_TOPIC_OR_PARTITION" => ("UnknownTopicOrPartitionException", "This server does not host this topic-partition."),
        other => ("TimeoutException", other),
    };
    (
        format!("org.apache.kafka.common.errors.{class}"),
        msg.to_string(),
    )
}

/// `kafka-console-producer`: one record per line of standard input.
pub fn console_producer(
    c: &mut Cluster,
    args: &[&str],
    stdin: Option<&str>,
    inside: Option<&str>,
) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(PRODUCER_HELP);
    }
    let o = match parse(args, false) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(2, format!("{e}\n")),
    };
    let Some(bootstrap) = o.bootstrap.as_deref() else {
        return missing("bootstrap-server");
    };
    let Some(topic) = o.topic.clone() else {
        return missing("topic");
    };
    let mut config = ProducerConfig::console();
    for (k, v) in &o.client_properties {
        if let Err(e) = config.set(k, v) {
            return CommandOutput::err(
                1,
                format!("org.apache.kafka.common.config.ConfigException: {e}\n"),
            );
        }
    }
    let prop = |k: &str| o.properties.iter().find(|p| p.0 == k).map(|p| p.1.clone());
    let parse_key = prop("parse.key").is_some_and(|v| v == "true");
    let separator = prop("key.separator").unwrap_or_else(|| "\t".into());
    let Ok(h) = c.start_producer("console-producer", &servers(bootstrap), config, inside) else {
        return no_bootstrap("producer");
    };
    if stdin.is_none() && c.tty {
        // Typed at a terminal: it prompts `>` and sends each line until Ctrl-D or Ctrl-C.
        c.started = Some(Foreground::ConsoleProducer(ConsoleProducer::new(
            h, topic, parse_key, separator,
        )));
        return CommandOutput::default();
    }
    let mut out = CommandOutput::default();
    let lines: Vec<&str> = stdin.map(|s| s.lines().collect()).unwrap_or_default();
    let mut sent: Vec<(u64, Option<String>, usize)> = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        out.stdout.push('>');
        let (key, value) = if parse_key {
            match line.split_once(separator.as_str()) {
                Some((k, v)) => (Some(k.to_string()), v.to_string()),
                None => {
                    out.stdout.push('\n');
                    out.stderr.push_str(&format!(
                        "org.apache.kafka.common.KafkaException: No key separator found on line number {}: '{line}'\n",
                        n + 1
                    ));
                    out.exit_code = 1;
                    break;
                }
            }
        } else {
            (None, line.to_string())
        };
        let len = value.len();
        if let Some(id) = c.produce(h, &topic, None, key.clone(), Some(value)) {
            sent.push((id, key, len));
        }
    }
    if out.exit_code == 0 {
        out.stdout.push_str(">\n");
    }
    c.flush_producer(h, 180_000);
    for (id, r) in c.take_producer_results(h) {
        let Err((_, _, e)) = r else {
            continue;
        };
        let (key, len) = sent
            .iter()
            .find(|s| s.0 == id)
            .map(|s| (s.1.clone(), s.2))
            .unwrap_or((None, 0));
        out.stderr
            .push_str(&send_error(c.now_ms(), &topic, key.as_deref(), len, &e));
    }
    c.stop_client(h);
    out
}

/// The console producer's ErrorLoggingCallback line for a failed send.
pub(crate) fn send_error(
    now_ms: u64,
    topic: &str,
    key: Option<&str>,
    len: usize,
    error: &str,
) -> String {
    let (class, msg) = exception(error);
    format!(
        "[{}] ERROR Error when sending message to topic {topic} with key: {}, value: {len} bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n{class}: {msg}\n",
        log_time(now_ms),
        key.map_or("null".to_string(), |k| format!("{} bytes", k.len())),
    )
}

/// `kafka-console-consumer`: foreground with `--max-messages`/`--timeout-ms`, or `&`.
pub fn console_consumer(
    c: &mut Cluster,
    args: &[&str],
    line: &str,
    background: bool,
    inside: Option<&str>,
) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(CONSUMER_HELP);
    }
    let o = match parse(args, true) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(2, format!("{e}\n")),
    };
    let Some(bootstrap) = o.bootstrap.as_deref() else {
        return missing("bootstrap-server");
    };
    let Some(topic) = o.topic.clone() else {
        return CommandOutput::err(1, "Exactly one of whitelist/topic is required.\n");
    };
    if o.group.is_some() && o.partition.is_some() {
        return CommandOutput::err(
            1,
            "Options group and partition cannot be specified together.\n",
        );
    }
    let mut strategies = Vec::new();
    for (k, v) in &o.client_properties {
        if k == "partition.assignment.strategy" {
            // A LIST config: split at commas (blanks around them dropped), then each entry is
            // loaded as a class (`getAssignorInstances`): the Java client knows no short names.
            for name in v.trim().split(',').map(str::trim) {
                match Strategy::ALL.into_iter().find(|st| st.class_name() == name) {
                    Some(st) => strategies.push(st),
                    None => {
                        return CommandOutput::err(
                            1,
                            format!("org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\nCaused by: org.apache.kafka.common.KafkaException: {name} ClassNotFoundException exception occurred\nCaused by: java.lang.ClassNotFoundException: {name}\n"),
                        )
                    }
                }
            }
        }
    }
    let mut reset = if o.from_beginning {
        OffsetReset::Earliest
    } else {
        OffsetReset::Latest
    };
    for (k, v) in &o.client_properties {
        if k == "auto.offset.reset" {
            reset = match v.as_str() {
                "earliest" => OffsetReset::Earliest,
                "latest" => OffsetReset::Latest,
                _ => return CommandOutput::err(1, format!("org.apache.kafka.common.config.ConfigException: Invalid value {v} for configuration auto.offset.reset: String must be one of: latest, earliest, none\n")),
            }
        }
    }
    let assignment = match o.partition {
        Some(p) => {
            let offset = match o.offset.as_deref() {
                None | Some("latest") => {
                    if o.from_beginning {
                        reset = OffsetReset::Earliest;
                    }
                    None
                }
                Some("earliest") => {
                    reset = OffsetReset::Earliest;
                    None
                }
                Some(n) => match n.parse::<i64>() {
                    Ok(v) if v >= 0 => Some(v),
                    _ => {
                        return CommandOutput::err(
                            1,
                            format!("The provided offset value '{n}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.\n"),
                        )
                    }
                },
            };
            Assignment::Partition {
                topic: topic.clone(),
                partition: p,
                offset,
            }
        }
        None if o.offset.is_some() => {
            return CommandOutput::err(1, "The partition is required when offset is specified.\n")
        }
        None => Assignment::Topic(topic.clone()),
    };
    let prop = |k: &str| {
        o.properties
            .iter()
            .find(|p| p.0 == k)
            .map(|p| p.1 == "true")
    };
    let format = ConsoleFormat {
        print_timestamp: prop("print.timestamp").unwrap_or(false),
        print_partition: prop("print.partition").unwrap_or(false),
        print_offset: prop("print.offset").unwrap_or(false),
        print_key: prop("print.key").unwrap_or(false),
        key_separator: o
            .properties
            .iter()
            .find(|p| p.0 == "key.separator")
            .map(|p| p.1.clone()),
    };
    let kind = ProgramKind::Console {
        format,
        max_messages: o.max_messages,
        timeout_ms: o.timeout_ms,
    };
    let bounded = o.max_messages.is_some() || o.timeout_ms.is_some();
    if !background && !bounded && !c.tty {
        return runs_until_interrupted("kafka-console-consumer");
    }
    let started = match &o.group {
        Some(g) => {
            let m = Membership::new(g, &format!("consumer-{g}-1"), strategies);
            c.start_group_consumer(
                "console-consumer",
                &servers(bootstrap),
                &topic,
                reset,
                m,
                inside,
            )
        }
        None => c.start_consumer(
            "console-consumer",
            &servers(bootstrap),
            assignment,
            reset,
            inside,
        ),
    };
    let Ok(h) = started else {
        return no_bootstrap("consumer");
    };
    let program = ConsumerProgram::new(kind, c.now_ms());
    if background {
        c.add_job(line, h, program)
    } else if c.tty {
        c.start_foreground(h, program)
    } else {
        c.run_program(h, program, FOREGROUND_LIMIT_MS)
    }
}

fn runs_until_interrupted(program: &str) -> CommandOutput {
    CommandOutput::err(
        2,
        format!("{program} runs until Ctrl-C: in a script, run it in the background with `&` (stop it with `kill %1`), or give --max-messages N or --timeout-ms MS\n"),
    )
}

/// `python producer.py` / `python consumer.py` (also `python3`).
pub fn python(
    c: &mut Cluster,
    args: &[&str],
    stdin: Option<&str>,
    line: &str,
    background: bool,
) -> CommandOutput {
    let script = args.first().map(|s| s.rsplit('/').next().unwrap_or(s));
    match script {
        // Python's own options; after the script's name, arguments are the script's (the
        // seed's scripts ignore them).
        Some("-h" | "--help" | "-?") => CommandOutput::out(PYTHON_HELP),
        Some("producer.py") if stdin.is_none() && c.tty => {
            // Typed at a terminal: it asks for a key, then a value, until Ctrl-C or Ctrl-D.
            let seed: Vec<String> = SEED_BOOTSTRAP.iter().map(|s| s.to_string()).collect();
            let Ok(h) = c.start_producer(
                "python-producer",
                &seed,
                ProducerConfig::kafka_python(),
                None,
            ) else {
                return no_bootstrap("producer");
            };
            c.started = Some(Foreground::PythonProducer { host: h, key: None });
            CommandOutput::out(PYTHON_PRODUCER_BANNER)
        }
        Some("producer.py") => python_producer(c, stdin),
        Some("consumer.py") => {
            if !background && !c.tty {
                return runs_until_interrupted("python consumer.py");
            }
            let seed: Vec<String> = SEED_BOOTSTRAP.iter().map(|s| s.to_string()).collect();
            let assignment = Assignment::Topic("test".into());
            let Ok(h) = c.start_consumer(
                "python-consumer",
                &seed,
                assignment,
                OffsetReset::Earliest,
                None,
            ) else {
                return no_bootstrap("consumer");
            };
            let program = ConsumerProgram::new(ProgramKind::PythonConsumer, c.now_ms());
            if background {
                c.add_job(line, h, program)
            } else {
                c.start_foreground(h, program)
            }
        }
        Some(other) => CommandOutput::err(
            2,
            format!("python: can't open file '{other}': [Errno 2] No such file or directory (the playground runs the seed's producer.py and consumer.py)\n"),
        ),
        None => CommandOutput::err(
            2,
            "python: the playground runs only the seed's scripts: python producer.py | python consumer.py\n",
        ),
    }
}

/// `python --help`, shortened to what the playground runs.
pub const PYTHON_HELP: &str = "usage: python [option] ... [-c cmd | -m mod | file | -] [arg] ...
Options and arguments:
-h     : print this help message and exit (also -? or --help)
file   : program read from script file
arg ...: arguments passed to program in sys.argv[1:]

The playground runs the seed tutorial's two kafka-python scripts (bootstrap_servers
127.0.0.1:9091-9093, topic test):
  python producer.py    asks for a key, then a value; sends {key: value} as JSON and flushes;
                        again, until Ctrl-C (or Ctrl-D, or the end of a here-document)
  python consumer.py    prints every message of test from the earliest offset until Ctrl-C
";

/// What producer.py prints first.
const PYTHON_PRODUCER_BANNER: &str = "topic: test(defualt)\n";
/// producer.py's two `input()` calls: (line, code).
pub(crate) const KEY_INPUT: (u32, &str) = (21, "key = input(\"key: (quit -> q)\")");
pub(crate) const VALUE_INPUT: (u32, &str) = (22, "value = input(\"value: \")");

/// producer.py's traceback when `input()` raises `error` (EOFError at the end of standard
/// input, KeyboardInterrupt on Ctrl-C).
pub(crate) fn input_traceback((line_no, code): (u32, &str), error: &str) -> String {
    format!("Traceback (most recent call last):\n  File \"producer.py\", line {line_no}, in <module>\n    {code}\n{error}\n")
}

fn eof_traceback(at: (u32, &str)) -> String {
    input_traceback(at, "EOFError: EOF when reading a line")
}

/// producer.py's `send_message({key: value})`: send, flush, print. Err is the traceback the
/// script dies with (the metadata of `test` never came).
pub(crate) fn python_send(
    c: &mut Cluster,
    h: HostId,
    key: &str,
    value: &str,
) -> Result<String, String> {
    c.produce(h, "test", None, None, Some(dumps_pair(key, value)));
    c.flush_producer(h, 120_000);
    let results = c.take_producer_results(h);
    if let Some((_, Err((_, _, e)))) = results.first() {
        if e.contains("not present in metadata") {
            return Err("Traceback (most recent call last):\n  File \"producer.py\", line 23, in <module>\n    send_message({key : value})\n  File \"producer.py\", line 13, in send_message\n    producer.send('test', value=test_message) # test토픽에 보냄\nkafka.errors.KafkaTimeoutError: KafkaTimeoutError: Failed to update metadata after 60.0 secs.\n".into());
        }
    }
    // The script never looks at the future: it prints even if the send failed.
    Ok(format!("Message sent: {}\n", repr_pair(key, value)))
}

/// The seed's producer.py: `key`, `value` pairs from standard input, each sent as JSON
/// `{key: value}` without a message key, then flushed.
fn python_producer(c: &mut Cluster, stdin: Option<&str>) -> CommandOutput {
    let seed: Vec<String> = SEED_BOOTSTRAP.iter().map(|s| s.to_string()).collect();
    let Ok(h) = c.start_producer(
        "python-producer",
        &seed,
        ProducerConfig::kafka_python(),
        None,
    ) else {
        return no_bootstrap("producer");
    };
    let mut out = CommandOutput::out(PYTHON_PRODUCER_BANNER);
    let mut lines = stdin
        .map(|s| s.lines().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter();
    loop {
        out.stdout.push_str("key: (quit -> q)");
        let Some(key) = lines.next() else {
            out.stdout.push('\n');
            out.stderr.push_str(&eof_traceback(KEY_INPUT));
            out.exit_code = 1;
            break;
        };
        out.stdout.push_str("value: ");
        let Some(value) = lines.next() else {
            out.stdout.push('\n');
            out.stderr.push_str(&eof_traceback(VALUE_INPUT));
            out.exit_code = 1;
            break;
        };
        match python_send(c, h, key, value) {
            Ok(sent) => out.stdout.push_str(&sent),
            Err(traceback) => {
                out.stdout.push('\n');
                out.stderr.push_str(&traceback);
                out.exit_code = 1;
                break;
            }
        }
    }
    c.stop_client(h);
    out
}
