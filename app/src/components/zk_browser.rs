//! The ZooKeeper tree as one server sees it: every znode, its data and its stat. Each server
//! serves reads from its own copy, so a follower that lags or a server that is down shows it.

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cli::zookeeper_shell::format_stat;
use kafka_playground_core::cluster::ZnodeView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ZkBrowserProps {
    pub lang: Lang,
    pub servers: Vec<String>,
    pub server: String,
    pub znodes: Vec<ZnodeView>,
    pub on_server: Callback<String>,
}

/// Depth of a path: `/` is 0, `/a` 1, `/a/b` 2.
fn depth(path: &str) -> usize {
    path.matches('/').count() - usize::from(path == "/")
}

fn name(path: &str) -> &str {
    if path == "/" {
        "/"
    } else {
        path.rsplit('/').next().unwrap_or(path)
    }
}

#[function_component(ZkBrowser)]
pub fn zk_browser(props: &ZkBrowserProps) -> Html {
    let l = props.lang;
    let selected = use_state(|| "/".to_string());
    let on_server = props.on_server.reform(|e: Event| {
        e.target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value()
    });
    let current = props.znodes.iter().find(|z| z.path == *selected);
    html! {
        <div class="zk-browser">
            <label class="zk-server">{ text(l, Label::ReadFrom) }
                <select id="zk-server" onchange={on_server}>
                    { for props.servers.iter().map(|s| html! {
                        <option value={s.clone()} selected={*s == props.server}>{ s.clone() }</option>
                    }) }
                </select>
            </label>
            if props.znodes.is_empty() {
                <p class="empty">{ text(l, Label::ServerDown) }</p>
            } else {
                <div class="zk-split">
                    <ul class="zk-tree" role="tree">
                        { for props.znodes.iter().map(|z| {
                            let path = z.path.clone();
                            let sel = selected.clone();
                            let is_sel = *selected == z.path;
                            html! {
                                <li role="treeitem" aria-selected={is_sel.to_string()}
                                    style={format!("padding-left: {}em", depth(&z.path) as f32 * 0.9)}>
                                    <button class={classes!("znode", is_sel.then_some("selected"), (z.stat.ephemeral_owner != 0).then_some("ephemeral"))}
                                        data-path={z.path.clone()} onclick={Callback::from(move |_| sel.set(path.clone()))}>
                                        { name(&z.path) }
                                        if z.stat.num_children > 0 { <span class="count">{ format!(" ({})", z.stat.num_children) }</span> }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                    <div class="zk-detail">
                        if let Some(z) = current {
                            <h3>{ z.path.clone() }</h3>
                            <pre class="zk-data">{ z.data.clone().unwrap_or_else(|| "null".into()) }</pre>
                            <pre class="zk-stat">{ format_stat(&z.stat) }</pre>
                        } else {
                            <p class="empty">{ text(l, Label::PickZnode) }</p>
                        }
                    </div>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_and_name() {
        assert_eq!((depth("/"), name("/")), (0, "/"));
        assert_eq!((depth("/brokers"), name("/brokers")), (1, "brokers"));
        assert_eq!((depth("/brokers/ids/1"), name("/brokers/ids/1")), (3, "1"));
    }
}
