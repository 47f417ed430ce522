fn main() {
    yew::Renderer::<kafka_playground_app::App>::new().render();
}
