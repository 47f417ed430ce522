//! The two consuming programs: `kafka-console-consumer` and the seed's consumer.py. Each
//! turns the records its consumer process receives into the lines the real program prints,
//! and knows how it ends (enough messages, a timeout, or Ctrl-C).

use crate::cli::kafka_topics::log_time;
use crate::cli::python_repr::value_repr;
use crate::client::consumer::{ClientNote, ConsumedRecord};

/// `--property print.*` and separators of the console consumer's DefaultMessageFormatter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsoleFormat {
    pub print_timestamp: bool,
    pub print_partition: bool,
    pub print_offset: bool,
    pub print_key: bool,
    pub key_separator: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramKind {
    Console {
        format: ConsoleFormat,
        max_messages: Option<usize>,
        /// `--timeout-ms`: give up after this long without a message.
        timeout_ms: Option<u64>,
    },
    /// consumer.py: `Received message: {repr} at offset N`.
    PythonConsumer,
}

/// A running consuming program and what it has printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerProgram {
    pub kind: ProgramKind,
    pub count: usize,
    pub last_message_ms: u64,
    pub finished: bool,
}

/// Output produced by a step of a program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
}

impl ConsumerProgram {
    pub fn new(kind: ProgramKind, now_ms: u64) -> Self {
        ConsumerProgram {
            kind,
            count: 0,
            last_message_ms: now_ms,
            finished: false,
        }
    }

    /// What the program prints when it starts.
    pub fn banner(&self) -> Printed {
        match self.kind {
            ProgramKind::PythonConsumer => Printed {
                stdout: "Topic default: test\n".into(),
                stderr: String::new(),
            },
            ProgramKind::Console { .. } => Printed::default(),
        }
    }

    /// Whether it takes no more records (max messages reached, or it crashed).
    pub fn wants_more(&self) -> bool {
        if self.finished {
            return false;
        }
        match &self.kind {
            ProgramKind::Console {
                max_messages: Some(m),
                ..
            } => self.count < *m,
            _ => true,
        }
    }

    /// Prints received records; ends the program when it has had enough.
    pub fn on_records(&mut self, records: &[ConsumedRecord], now_ms: u64) -> Printed {
        let mut p = Printed::default();
        for r in records {
            if !self.wants_more() {
                break;
            }
            self.count += 1;
            self.last_message_ms = now_ms;
            match &self.kind {
                ProgramKind::Console { format, .. } => {
                    p.stdout.push_str(&console_line(format, r));
                    p.stdout.push('\n');
                }
                ProgramKind::PythonConsumer => {
                    let raw = r.record.value.clone().unwrap_or_default();
                    match serde_json::from_str::<serde_json::Value>(&raw) {
                        Ok(v) => p.stdout.push_str(&format!(
                            "Received message: {} at offset {}\n",
                            value_repr(&v),
                            r.record.offset
                        )),
                        Err(_) => {
                            // json.loads fails inside the loop: `finally` closes, then the
                            // traceback.
                            p.stdout.push_str("Consumer closed.\n");
                            p.stderr.push_str(&json_decode_traceback());
                            self.finished = true;
                        }
                    }
                }
            }
        }
        if let ProgramKind::Console {
            max_messages: Some(m),
            ..
        } = &self.kind
        {
            if self.count >= *m && !self.finished {
                self.finished = true;
                p.stderr
                    .push_str(&format!("Processed a total of {} messages\n", self.count));
            }
        }
        p
    }

    /// What the consumer logged (WARN/ERROR lines, on standard error as the tools' log4j
    /// prints them) or threw from `poll()`: the console consumer then ends as its `process`
    /// loop does. consumer.py (kafka-python, no group) has none.
    pub fn on_notes(&mut self, notes: &[ClientNote]) -> Printed {
        let mut p = Printed::default();
        if !matches!(self.kind, ProgramKind::Console { .. }) {
            return p;
        }
        for n in notes {
            if self.finished {
                break;
            }
            match n {
                ClientNote::Log { at_ms, line } => {
                    p.stderr
                        .push_str(&format!("[{}] {line}\n", log_time(*at_ms)));
                }
                ClientNote::Fatal { at_ms, exception } => {
                    self.finished = true;
                    p.stderr.push_str(&format!(
                        "[{}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\n{exception}\nProcessed a total of {} messages\n",
                        log_time(*at_ms),
                        self.count
                    ));
                }
            }
        }
        p
    }

    /// `--timeout-ms` expired: when the program should give up, if it has a timeout.
    pub fn deadline(&self) -> Option<u64> {
        match &self.kind {
            ProgramKind::Console {
                timeout_ms: Some(t),
                ..
            } if !self.finished => Some(self.last_message_ms + t),
            _ => None,
        }
    }

    /// The consumer timed out (`--timeout-ms`).
    pub fn on_timeout(&mut self, now_ms: u64) -> Printed {
        self.finished = true;
        Printed {
            stdout: String::new(),
            stderr: format!(
                "[{}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.TimeoutException\nProcessed a total of {} messages\n",
                log_time(now_ms),
                self.count
            ),
        }
    }

    /// Ctrl-C (or the end of a script).
    pub fn interrupt(&mut self) -> Printed {
        if self.finished {
            return Printed::default();
        }
        self.finished = true;
        match self.kind {
            ProgramKind::Console { .. } => Printed {
                stdout: String::new(),
                stderr: format!("Processed a total of {} messages\n", self.count),
            },
            ProgramKind::PythonConsumer => Printed {
                stdout: "Interrupted, closing consumer...\nConsumer closed.\n".into(),
                stderr: String::new(),
            },
        }
    }
}

/// One record as DefaultMessageFormatter prints it: `CreateTime:…`, `Partition:…`,
/// `Offset:…`, key, each followed by a tab (the key by `key.separator`), then the value.
pub fn console_line(f: &ConsoleFormat, r: &ConsumedRecord) -> String {
    let mut s = String::new();
    if f.print_timestamp {
        s.push_str(&format!("CreateTime:{}\t", r.record.timestamp));
    }
    if f.print_partition {
        s.push_str(&format!("Partition:{}\t", r.partition));
    }
    if f.print_offset {
        s.push_str(&format!("Offset:{}\t", r.record.offset));
    }
    if f.print_key {
        s.push_str(r.record.key.as_deref().unwrap_or("null"));
        s.push_str(f.key_separator.as_deref().unwrap_or("\t"));
    }
    s.push_str(r.record.value.as_deref().unwrap_or("null"));
    s
}

fn json_decode_traceback() -> String {
    "Traceback (most recent call last):\n  File \"consumer.py\", line 19, in <module>\n    for message in consumer:\n  File \"consumer.py\", line 11, in <lambda>\n    value_deserializer=lambda v: json.loads(v.decode('utf-8'))\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n".into()
}
