//! ISR size over time as a small inline SVG: the sum of ISR sizes (solid line, circle) and the
//! number of under-replicated partitions (dashed line, square). Okabe–Ito colours, and the two
//! series also differ by dash pattern and marker shape.

use crate::i18n::{text, Label, Lang};
use crate::isr_history::Sample;
use yew::prelude::*;

const W: f64 = 480.0;
const H: f64 = 150.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 36.0;
/// The x axis spans at least this much virtual time.
const MIN_SPAN_MS: u64 = 10_000;

#[derive(Properties, PartialEq)]
pub struct IsrChartProps {
    pub lang: Lang,
    pub samples: Vec<Sample>,
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (at least 2, so the middle tick is whole).
pub fn nice_ceiling(v: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for m in [1, 2, 5] {
            let c = m * step;
            if c >= v.max(2) {
                return c;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// The plot's scales: virtual ms → x, value → y.
struct Scale {
    t0: u64,
    span: u64,
    max: u32,
}

impl Scale {
    fn new(samples: &[Sample]) -> Scale {
        let t0 = samples.first().map_or(0, |s| s.t_ms);
        let t1 = samples.last().map_or(0, |s| s.t_ms);
        let max = samples
            .iter()
            .map(|s| s.isr.max(s.under_replicated))
            .max()
            .unwrap_or(0);
        Scale {
            t0,
            span: (t1 - t0).max(MIN_SPAN_MS),
            max: nice_ceiling(max),
        }
    }

    fn x(&self, t: u64) -> f64 {
        LEFT + (t - self.t0) as f64 / self.span as f64 * (W - LEFT - RIGHT)
    }

    fn y(&self, v: u32) -> f64 {
        H - BOTTOM - f64::from(v) / f64::from(self.max) * (H - TOP - BOTTOM)
    }

    fn points(&self, samples: &[Sample], value: fn(&Sample) -> u32) -> String {
        samples
            .iter()
            .map(|s| format!("{:.1},{:.1}", self.x(s.t_ms), self.y(value(s))))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn seconds(ms: u64) -> String {
    format!("{}", ms / 1000)
}

/// A short line in a series' style, for the legend.
fn swatch(class: &'static str) -> Html {
    html! {
        <svg class="swatch" width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">
            <line class={classes!("series", class)} x1="1" y1="6" x2="33" y2="6" />
        </svg>
    }
}

#[function_component(IsrChart)]
pub fn isr_chart(props: &IsrChartProps) -> Html {
    let l = props.lang;
    let samples = &props.samples;
    let Some(last) = samples.last() else {
        return html! {
            <figure class="isr-chart">
                <figcaption>{ text(l, Label::IsrChart) }</figcaption>
                <p class="empty">{ text(l, Label::NoSamples) }</p>
            </figure>
        };
    };
    let scale = Scale::new(samples);
    let summary = format!(
        "{}: {} {} s: {} {}, {} {}",
        text(l, Label::IsrChart),
        text(l, Label::VirtualTime),
        seconds(last.t_ms),
        text(l, Label::IsrSum),
        last.isr,
        text(l, Label::UnderReplicatedSeries),
        last.under_replicated
    );
    let bottom = H - BOTTOM;
    let t_end = scale.t0 + scale.span;
    let y_ticks = [0, scale.max / 2, scale.max];
    let x_ticks = [scale.t0, scale.t0 + scale.span / 2, t_end];
    let (lx, ly_isr, ly_under) = (
        scale.x(last.t_ms),
        scale.y(last.isr),
        scale.y(last.under_replicated),
    );
    html! {
        <figure class="isr-chart">
            <figcaption>{ text(l, Label::IsrChart) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={summary}>
                { for y_ticks.iter().map(|v| {
                    let y = format!("{:.1}", scale.y(*v));
                    html! {
                        <>
                            <line class="grid" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.clone()} y2={y.clone()} />
                            <text class="tick" x={(LEFT - 5.0).to_string()} y={y} dy="4" text-anchor="end">{ v.to_string() }</text>
                        </>
                    }
                }) }
                { for x_ticks.iter().enumerate().map(|(i, t)| {
                    let anchor = ["start", "middle", "end"][i];
                    html! {
                        <text class="tick" x={format!("{:.1}", scale.x(*t))} y={(bottom + 14.0).to_string()} text-anchor={anchor}>
                            { format!("{} s", seconds(*t)) }
                        </text>
                    }
                }) }
                <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
                <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
                <text class="axis-title" x={(LEFT + (W - LEFT - RIGHT) / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle">
                    { text(l, Label::SecondsAxis) }
                </text>
                <polyline class="series isr" points={scale.points(samples, |s| s.isr)} />
                <polyline class="series under" points={scale.points(samples, |s| s.under_replicated)} />
                <circle class="marker isr" cx={format!("{lx:.1}")} cy={format!("{ly_isr:.1}")} r="3.5" />
                <rect class="marker under" x={format!("{:.1}", lx - 3.5)} y={format!("{:.1}", ly_under - 3.5)} width="7" height="7" />
            </svg>
            <ul class="chart-legend">
                <li>{ swatch("isr") }{ format!("{}: {}", text(l, Label::IsrSum), last.isr) }</li>
                <li>{ swatch("under") }{ format!("{}: {}", text(l, Label::UnderReplicatedSeries), last.under_replicated) }</li>
            </ul>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0), 2);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(6), 10);
        assert_eq!(nice_ceiling(150), 200);
    }

    #[test]
    fn scale_maps_the_window_onto_the_plot() {
        let samples = [
            Sample {
                t_ms: 5_000,
                isr: 6,
                under_replicated: 0,
            },
            Sample {
                t_ms: 25_000,
                isr: 4,
                under_replicated: 2,
            },
        ];
        let s = Scale::new(&samples);
        assert_eq!((s.t0, s.span, s.max), (5_000, 20_000, 10));
        assert_eq!(s.x(5_000), LEFT);
        assert_eq!(s.x(25_000), W - RIGHT);
        assert_eq!(s.y(0), H - BOTTOM);
        assert_eq!(s.y(10), TOP);
    }
}
