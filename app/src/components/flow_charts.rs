//! Produce and consume rates, and consumer lag per group, over virtual time: small inline SVG
//! line charts drawn like the ISR chart. Okabe–Ito colours, and every series also has its own
//! dash pattern and marker shape (circle, square, triangle, diamond), so none depends on colour.

use crate::components::isr_chart::nice_ceiling;
use crate::flow_history::FlowSample;
use crate::i18n::{text, Label, Lang};
use crate::i18n_groups::{gtext, G};
use yew::prelude::*;

const W: f64 = 480.0;
const H: f64 = 150.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 36.0;
/// The x axis spans at least this much virtual time.
const MIN_SPAN_MS: u64 = 10_000;
/// Distinct series styles; the lag chart draws at most this many groups.
pub const STYLES: usize = 4;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// 0..STYLES: colour, dash and marker.
    pub style: usize,
    /// (virtual ms, value), oldest first.
    pub points: Vec<(u64, i64)>,
}

struct Scale {
    t0: u64,
    span: u64,
    max: u32,
}

impl Scale {
    /// Fits the series; `range` (first and last sample time) widens the time axis to it.
    fn new(series: &[Series], range: Option<(u64, u64)>) -> Scale {
        let all = || series.iter().flat_map(|s| s.points.iter());
        let t0 = all()
            .map(|p| p.0)
            .chain(range.map(|r| r.0))
            .min()
            .unwrap_or(0);
        let t1 = all()
            .map(|p| p.0)
            .chain(range.map(|r| r.1))
            .max()
            .unwrap_or(0);
        let max = all()
            .map(|p| p.1.clamp(0, i64::from(u32::MAX / 2)) as u32)
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

    fn y(&self, v: i64) -> f64 {
        let v = v.clamp(0, i64::from(self.max)) as f64;
        H - BOTTOM - v / f64::from(self.max) * (H - TOP - BOTTOM)
    }

    fn points(&self, s: &Series) -> String {
        s.points
            .iter()
            .map(|&(t, v)| format!("{:.1},{:.1}", self.x(t), self.y(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The marker of a series' last point: circle, square, triangle or diamond.
fn marker(style: usize, x: f64, y: f64) -> Html {
    let class = classes!("marker", format!("s{style}"));
    match style % STYLES {
        0 => {
            html! { <circle class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3.5" /> }
        }
        1 => {
            html! { <rect class={class} x={format!("{:.1}", x - 3.5)} y={format!("{:.1}", y - 3.5)} width="7" height="7" /> }
        }
        2 => {
            html! { <polygon class={class} points={format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", x, y - 4.5, x + 4.5, y + 3.5, x - 4.5, y + 3.5)} /> }
        }
        _ => {
            html! { <polygon class={class} points={format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", x, y - 5.0, x + 5.0, y, x, y + 5.0, x - 5.0, y)} /> }
        }
    }
}

/// A short line and marker in a series' style, for the legend.
fn swatch(style: usize) -> Html {
    html! {
        <svg class="swatch" width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">
            <line class={classes!("series", format!("s{style}"))} x1="1" y1="6" x2="33" y2="6" />
            { marker(style, 17.0, 6.0) }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    pub lang: Lang,
    /// The figure's id.
    pub id: &'static str,
    pub caption: String,
    /// Said after each value (`records/s`).
    pub unit: String,
    pub series: Vec<Series>,
    /// Shown instead of the plot when there is nothing to draw.
    pub empty: String,
    /// A line under the legend (what was left out, how the values are computed).
    #[prop_or_default]
    pub note: Option<String>,
    /// The time axis spans at least this (first and last sample), as the other charts do.
    #[prop_or_default]
    pub t_range: Option<(u64, u64)>,
}

#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let l = props.lang;
    let series: Vec<&Series> = props
        .series
        .iter()
        .filter(|s| !s.points.is_empty())
        .collect();
    if series.is_empty() {
        return html! {
            <figure class="flow-chart" id={props.id}>
                <figcaption>{ props.caption.clone() }</figcaption>
                <p class="empty">{ props.empty.clone() }</p>
            </figure>
        };
    }
    let owned: Vec<Series> = series.iter().map(|s| (*s).clone()).collect();
    let scale = Scale::new(&owned, props.t_range);
    let last_t = owned
        .iter()
        .filter_map(|s| s.points.last())
        .map(|p| p.0)
        .max()
        .unwrap_or(0);
    let lasts: Vec<String> = owned
        .iter()
        .map(|s| {
            format!(
                "{}: {} {}",
                s.label,
                s.points.last().map_or(0, |p| p.1),
                props.unit
            )
        })
        .collect();
    let summary = format!(
        "{}: {} {} s: {}",
        props.caption,
        text(l, Label::VirtualTime),
        last_t / 1000,
        lasts.join(", ")
    );
    let peak = owned
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|p| p.1)
        .max()
        .unwrap_or(0);
    let bottom = H - BOTTOM;
    let y_ticks = [0, scale.max / 2, scale.max];
    let x_ticks = [scale.t0, scale.t0 + scale.span / 2, scale.t0 + scale.span];
    html! {
        <figure class="flow-chart" id={props.id}>
            <figcaption>{ format!("{} ({})", props.caption, props.unit) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={summary} data-peak={peak.to_string()}>
                { for y_ticks.iter().map(|v| {
                    let y = format!("{:.1}", scale.y(i64::from(*v)));
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
                            { format!("{} s", t / 1000) }
                        </text>
                    }
                }) }
                <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
                <line class="axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
                <text class="axis-title" x={(LEFT + (W - LEFT - RIGHT) / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle">
                    { text(l, Label::SecondsAxis) }
                </text>
                { for owned.iter().map(|s| html! {
                    <polyline class={classes!("series", format!("s{}", s.style))} data-series={s.label.clone()} points={scale.points(s)} />
                }) }
                { for owned.iter().filter_map(|s| {
                    let &(t, v) = s.points.last()?;
                    Some(marker(s.style, scale.x(t), scale.y(v)))
                }) }
            </svg>
            <ul class="chart-legend">
                { for owned.iter().zip(&lasts).map(|(s, last)| html! {
                    <li data-series={s.label.clone()}>{ swatch(s.style) }<span class="legend-text">{ last.clone() }</span></li>
                }) }
            </ul>
            if let Some(note) = &props.note {
                <p class="chart-note">{ note.clone() }</p>
            }
        </figure>
    }
}

/// The produce and consume rate series of the samples.
pub fn flow_series(l: Lang, samples: &[FlowSample]) -> Vec<Series> {
    let series = |label: G, style, value: fn(&FlowSample) -> u32| Series {
        label: gtext(l, label).to_string(),
        style,
        points: samples
            .iter()
            .map(|s| (s.t_ms, i64::from(value(s))))
            .collect(),
    };
    vec![
        series(G::ProducedSeries, 0, |s| s.produced),
        series(G::ConsumedAll, 1, |s| s.consumed),
    ]
}

/// One lag series per group (the first [`STYLES`] by id among those in the samples), and how
/// many groups were left out.
pub fn lag_series(samples: &[FlowSample]) -> (Vec<Series>, usize) {
    let mut ids: Vec<&str> = samples
        .iter()
        .flat_map(|s| s.lags.iter().map(|(g, _)| g.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let left_out = ids.len().saturating_sub(STYLES);
    let series = ids
        .into_iter()
        .take(STYLES)
        .enumerate()
        .map(|(i, g)| Series {
            label: g.to_string(),
            style: i,
            points: samples
                .iter()
                .filter_map(|s| {
                    let lag = s.lags.iter().find(|(id, _)| id == g)?.1;
                    Some((s.t_ms, lag))
                })
                .collect(),
        })
        .collect();
    (series, left_out)
}

#[derive(Properties, PartialEq)]
pub struct FlowChartsProps {
    pub lang: Lang,
    pub samples: Vec<FlowSample>,
}

/// The rate chart and the lag chart.
#[function_component(FlowCharts)]
pub fn flow_charts(props: &FlowChartsProps) -> Html {
    let l = props.lang;
    let (lags, left_out) = lag_series(&props.samples);
    let note = format!(
        "{}{}",
        gtext(l, G::LagChartNote),
        if left_out > 0 {
            format!(" (+{left_out})")
        } else {
            String::new()
        }
    );
    let t_range = props
        .samples
        .first()
        .zip(props.samples.last())
        .map(|(a, b)| (a.t_ms, b.t_ms));
    html! {
        <>
            <LineChart lang={l} id="flow-chart" caption={gtext(l, G::FlowChart).to_string()}
                unit={gtext(l, G::RecordsPerSecond).to_string()} series={flow_series(l, &props.samples)}
                empty={text(l, Label::NoSamples).to_string()} />
            <LineChart lang={l} id="lag-chart" caption={gtext(l, G::LagChart).to_string()}
                unit={gtext(l, G::Records).to_string()} series={lags}
                empty={gtext(l, G::NoGroupSamples).to_string()} note={Some(note)} {t_range} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(t_ms: u64, lags: &[(&str, i64)]) -> FlowSample {
        FlowSample {
            t_ms,
            produced: 3,
            consumed: 2,
            lags: lags.iter().map(|(g, v)| (g.to_string(), *v)).collect(),
        }
    }

    #[test]
    fn lag_series_are_per_group_and_capped() {
        let samples = [
            sample(1_000, &[("b", 4)]),
            sample(2_000, &[("a", 1), ("b", 0), ("c", 2), ("d", 0), ("e", 9)]),
        ];
        let (series, left_out) = lag_series(&samples);
        let labels: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "c", "d"]);
        assert_eq!(left_out, 1);
        assert_eq!(series[1].points, vec![(1_000, 4), (2_000, 0)]);
        assert_eq!(series[1].style, 1);
    }

    #[test]
    fn the_scale_fits_the_highest_value() {
        let s = Series {
            label: "x".into(),
            style: 0,
            points: vec![(0, 0), (20_000, 37)],
        };
        let scale = Scale::new(std::slice::from_ref(&s), None);
        assert_eq!((scale.t0, scale.span, scale.max), (0, 20_000, 50));
        assert_eq!(scale.y(50), TOP);
        assert_eq!(scale.y(-3), H - BOTTOM);
    }
}
