//! The Kafka browser's "New topic" form, as Kafdrop has one (the seed: "kafdrop(localhost:9000)
//! 에 접속해서도 토픽을 생성할 수 있음"): name, partitions, replication factor. The page creates the
//! topic with the command it stands for (journaled like a typed one), so the brokers answer as
//! they answer `kafka-topics --create`, errors included.

use crate::driver::said;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cli::CommandOutput;
use kafka_playground_core::kafka::topic_name;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the form asks the cluster for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTopic {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i16,
}

impl NewTopic {
    /// Reads the form's fields. A name Kafka refuses gets Kafka's own message
    /// (`Topic.validate`), and only a legal name — ASCII letters, digits, `.`, `_`, `-` — ever
    /// reaches a command line, so nothing typed here can become another word of it.
    pub fn parse(name: &str, partitions: &str, replication: &str) -> Result<NewTopic, String> {
        let name = name.trim();
        topic_name::validate(name)?;
        let partitions = partitions
            .trim()
            .parse::<i32>()
            .map_err(|_| format!("partitions: not a number of type INT32: {partitions}"))?;
        let replication_factor = replication.trim().parse::<i16>().map_err(|_| {
            format!("replication factor: not a number of type INT16: {replication}")
        })?;
        Ok(NewTopic {
            name: name.to_string(),
            partitions,
            replication_factor,
        })
    }

    /// The `kafka-topics` line that creates it through `bootstrap` (comma-separated brokers).
    pub fn command(&self, bootstrap: &str) -> String {
        format!(
            "kafka-topics --bootstrap-server {bootstrap} --create --topic {} --partitions {} --replication-factor {}",
            self.name, self.partitions, self.replication_factor
        )
    }
}

#[derive(Properties, PartialEq)]
pub struct NewTopicFormProps {
    pub lang: Lang,
    /// The brokers to send the request to (`host:port,…`).
    pub bootstrap: String,
    /// Runs the command line the form stands for.
    pub on_command: Callback<String, CommandOutput>,
}

#[function_component(NewTopicForm)]
pub fn new_topic_form(props: &NewTopicFormProps) -> Html {
    let l = props.lang;
    let open = use_state(|| false);
    // The fields live in state (controlled inputs), so the page's redraws never reset them.
    let name = use_state(String::new);
    let partitions = use_state(|| "3".to_string());
    let replication = use_state(|| "2".to_string());
    let outcome = use_state(|| None::<Result<String, String>>);
    let field = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let toggle = {
        let (open, outcome) = (open.clone(), outcome.clone());
        Callback::from(move |_| {
            open.set(!*open);
            outcome.set(None);
        })
    };
    let onsubmit = {
        let (name, partitions, replication) =
            (name.clone(), partitions.clone(), replication.clone());
        let (outcome, cb, bootstrap) = (
            outcome.clone(),
            props.on_command.clone(),
            props.bootstrap.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let asked = NewTopic::parse(&name, &partitions, &replication);
            outcome.set(Some(
                asked.and_then(|t| said(&cb.emit(t.command(&bootstrap)))),
            ));
        })
    };
    html! {
        <div class="kd-new-topic">
            <button id="kd-new-topic" type="button" class="kd-new" aria-expanded={open.to_string()}
                onclick={toggle}>{ if *open { "− " } else { "+ " } }{ text(l, Label::NewTopic) }</button>
            if *open {
                <form class="kd-new-form" {onsubmit}>
                    <label>{ text(l, Label::TopicName) }
                        <input id="kd-new-name" value={(*name).clone()} oninput={field(&name)} required=true
                            autocomplete="off" spellcheck="false" maxlength="249" placeholder="my-topic" /></label>
                    <label>{ text(l, Label::PartitionsCol) }
                        <input id="kd-new-partitions" type="number" min="1" value={(*partitions).clone()} oninput={field(&partitions)} /></label>
                    <label>{ text(l, Label::ReplicationCol) }
                        <input id="kd-new-replication" type="number" min="1" value={(*replication).clone()} oninput={field(&replication)} /></label>
                    <button id="kd-new-create" type="submit" class="primary">{ text(l, Label::CreateTopic) }</button>
                </form>
                {
                    match &*outcome {
                        Some(Ok(said)) => html! { <pre class="kd-new-result ok" role="status">{ said.clone() }</pre> },
                        Some(Err(said)) => html! { <pre class="kd-new-result error" role="alert">{ said.clone() }</pre> },
                        None => html! {},
                    }
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_legal_name_and_numbers_become_a_command() {
        let t = NewTopic::parse(" orders ", "3", "2").unwrap();
        assert_eq!(
            t.command("kafka1:19091,kafka2:19092"),
            "kafka-topics --bootstrap-server kafka1:19091,kafka2:19092 --create --topic orders --partitions 3 --replication-factor 2"
        );
        for hostile in [
            "x; docker compose kill kafka1",
            "a b",
            "x &",
            "<<EOF",
            "'q'",
            "카프카",
        ] {
            let e = NewTopic::parse(hostile, "1", "1").unwrap_err();
            assert!(e.contains("is illegal"), "{hostile}: {e}");
        }
        assert_eq!(
            NewTopic::parse("", "1", "1").unwrap_err(),
            "Topic name is illegal, it can't be empty"
        );
        assert!(NewTopic::parse("t", "three", "1").is_err());
        assert!(NewTopic::parse("t", "1", "40000").is_err());
        // Zero and negative counts go to the brokers, which refuse them as Kafka does.
        assert_eq!(NewTopic::parse("t", "0", "-1").unwrap().partitions, 0);
    }
}
