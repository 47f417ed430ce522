//! Keyboard shortcuts for the classroom: a teacher drives the page from the keyboard (or a
//! presentation clicker, which sends arrow keys) without aiming the mouse.

use crate::driver::SPEEDS;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    NextStep,
    PreviousStep,
    /// Run the first cell of the step that has not run yet.
    RunCell,
    TogglePlay,
    SingleStep,
    Faster,
    Slower,
    Presenter,
    Help,
    /// Fast-forward ten virtual seconds (or ten more).
    FastForward,
    /// Stop a fast-forward where it got to.
    CancelFastForward,
}

/// The shortcut bound to a `KeyboardEvent.key`, if any.
pub fn shortcut_for(key: &str) -> Option<Shortcut> {
    Some(match key {
        "ArrowRight" | "PageDown" | "n" => Shortcut::NextStep,
        "ArrowLeft" | "PageUp" | "b" => Shortcut::PreviousStep,
        "r" | "Enter" => Shortcut::RunCell,
        " " | "k" => Shortcut::TogglePlay,
        "." | "s" => Shortcut::SingleStep,
        "+" | "=" | "]" => Shortcut::Faster,
        "-" | "[" => Shortcut::Slower,
        "p" => Shortcut::Presenter,
        "?" | "h" => Shortcut::Help,
        "f" => Shortcut::FastForward,
        "Escape" => Shortcut::CancelFastForward,
        _ => return None,
    })
}

/// The next speed up (`faster`) or down from `speed`, staying within [`SPEEDS`].
pub fn next_speed(speed: f64, faster: bool) -> f64 {
    let i = SPEEDS
        .iter()
        .position(|s| (s - speed).abs() < 1e-9)
        .unwrap_or(3);
    let j = if faster {
        (i + 1).min(SPEEDS.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    SPEEDS[j]
}

/// (keys, English, Korean) for the help overlay.
pub const HELP: &[(&str, &str, &str)] = &[
    ("→ / n", "next step", "다음 단계"),
    ("← / b", "previous step", "이전 단계"),
    ("r / Enter", "run the next cell", "다음 셀 실행"),
    ("Space / k", "pause or play", "일시 정지 / 재생"),
    (". / s", "one event", "한 단계 진행"),
    ("+ / -", "faster / slower", "빠르게 / 느리게"),
    ("f", "fast-forward 10 s", "10초 빨리 감기"),
    ("Esc", "cancel the fast-forward", "빨리 감기 취소"),
    ("p", "presenter mode", "발표자 모드"),
    ("? / h", "this help", "이 도움말"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_shortcuts() {
        assert_eq!(shortcut_for("ArrowRight"), Some(Shortcut::NextStep));
        assert_eq!(shortcut_for(" "), Some(Shortcut::TogglePlay));
        assert_eq!(shortcut_for("f"), Some(Shortcut::FastForward));
        assert_eq!(shortcut_for("x"), None);
    }

    #[test]
    fn speed_steps_stay_in_range() {
        assert_eq!(next_speed(1.0, true), 2.0);
        assert_eq!(next_speed(1.0, false), 0.5);
        assert_eq!(next_speed(100.0, true), 100.0);
        assert_eq!(next_speed(0.1, false), 0.1);
        assert_eq!(next_speed(3.3, true), 2.0);
    }
}
