//! Pictures drawn on the server as SVG inside the page: they need no JavaScript, follow the page's colours through
//! presentation attributes (the Content-Security-Policy allows no inline style), and each has a text alternative
//! (`role="img"` with a title and a description, and the same data in a table or list beside it).
//!
//! - [`timeline`]: the dated statements of the graph on an axis of years, each drawn over the span its precision
//!   gives (a year, a month, a day);
//! - [`figures`]: a disputed figure, one row per source, with its value and its bounds ("up to 100,000" is a bar
//!   from 0, "about 140,000" a point).

use std::fmt::Write as _;

use maud::{Markup, PreEscaped, html};

use crate::build::model::Date;

/// One dated statement on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// What the statement says, in words.
    pub label: String,
    /// When, at its precision.
    pub date: Date,
}

/// One source's figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// Who says it (the article).
    pub source: String,
    /// The figure in the source's words ("up to 100,000").
    pub words: String,
    /// The value stated.
    pub amount: f64,
    /// The lower bound, if any.
    pub lower: Option<f64>,
    /// The upper bound, if any.
    pub upper: Option<f64>,
}

const WIDTH: f64 = 880.0;
const LEFT: f64 = 20.0;
const ROW: f64 = 22.0;
const TOP: f64 = 34.0;

/// A row count as a coordinate (charts have a few hundred rows at most).
fn rows(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// `text` with the characters XML gives meaning to escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Days since the start of year `from` to the start of the date's period, and the period's length in days.
fn span(date: Date, from: u16) -> (f64, f64) {
    let year_days = f64::from(date.year.saturating_sub(from)) * 365.25;
    match (date.month, date.day) {
        (Some(m), Some(d)) => (year_days + f64::from(m - 1) * 30.44 + f64::from(d - 1), 1.0),
        (Some(m), None) => (year_days + f64::from(m - 1) * 30.44, 30.44),
        _ => (year_days, 365.25),
    }
}

/// The timeline of `events` from `from` to `to` (years, inclusive), with `title` as its accessible name.
pub(crate) fn timeline(title: &str, events: &[Event], from: u16, to: u16) -> Markup {
    let years = f64::from(to.saturating_sub(from) + 1);
    let scale = (WIDTH - 2.0 * LEFT) / (years * 365.25);
    let height = TOP + ROW * rows(events.len()) + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"timeline-title \
         timeline-desc\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"timeline-title\">{}</title><desc id=\"timeline-desc\">{} dated statements from {from} to {to}, \
         listed in the table below.</desc>",
        escape(title),
        events.len()
    );
    // At most about 20 year marks, however many years the dates span.
    let span_years = to.saturating_sub(from);
    let step = [1u16, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|s| span_years / s <= 20)
        .unwrap_or(1000);
    for year in (from..=to).step_by(usize::from(step)) {
        let x = LEFT + f64::from(year - from) * 365.25 * scale;
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{height:.1}\" stroke=\"#ccc\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"16\" font-size=\"11\" fill=\"#333\">{year}</text>",
            TOP - 12.0,
            x + 2.0
        );
    }
    for (i, event) in events.iter().enumerate() {
        let y = TOP + ROW * rows(i);
        let (start, length) = span(event.date, from);
        let x = LEFT + start * scale;
        let w = (length * scale).max(3.0);
        let label = escape(&format!("{} — {}", event.date.in_words(), event.label));
        let mark = format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"10\" fill=\"#1a5fb4\"><title>{label}</title></rect>",
            y + 2.0
        );
        // The label goes right of the mark while it fits, left of it past the middle.
        let (tx, anchor) = if x + w < WIDTH / 2.0 {
            (x + w + 4.0, "start")
        } else {
            (x - 4.0, "end")
        };
        let text = format!(
            "<text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#111\">{}</text>",
            y + 11.0,
            escape(&shorten(&format!("{}: {}", event.date.in_words(), event.label), 80))
        );
        // No links inside the picture (an image holds nothing interactive): the table beside it links each one.
        svg.push_str(&mark);
        svg.push_str(&text);
    }
    svg.push_str("</svg>");
    html! { (PreEscaped(svg)) }
}

/// `text` cut to `most` characters, with an ellipsis where cut.
fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(most - 1).collect();
    cut.push('…');
    cut
}

/// A disputed figure: one row per source, the value as a dot, its bounds as a bar ("up to" from 0 to the bound).
pub(crate) fn figures(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let most = bars
        .iter()
        .flat_map(|b| [Some(b.amount), b.lower, b.upper])
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let label_width = 250.0;
    let plot = WIDTH - label_width - 2.0 * LEFT;
    let x = |v: f64| label_width + LEFT + v / most * plot;
    let height = TOP + ROW * 1.8 * rows(bars.len());
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title \
         {id}-desc\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(
            &bars
                .iter()
                .map(|b| format!("{}: {}", b.source, b.words))
                .collect::<Vec<_>>()
                .join("; ")
        )
    );
    for step in 0..=4 {
        let v = most / 1.1 * f64::from(step) / 4.0;
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{height:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{0:.1}\" y=\"{2:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{3}</text>",
            x(v),
            TOP - 14.0,
            TOP - 18.0,
            group(v)
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * 1.8 * rows(i);
        let _ = write!(
            svg,
            "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"12\" fill=\"#111\">{}</text>\
             <text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\" fill=\"#111\">{}</text>",
            y + 6.0,
            escape(&shorten(&bar.source, 38)),
            y + 20.0,
            escape(&shorten(&bar.words, 38))
        );
        // A figure with only an upper bound ("up to") spans from zero; with only a lower bound ("over"), to the edge.
        let (low, high) = match (bar.lower, bar.upper) {
            (Some(l), Some(u)) => (l, u),
            (None, Some(u)) => (0.0, u),
            (Some(l), None) => (l, most),
            (None, None) => (bar.amount, bar.amount),
        };
        if high > low {
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#99c1f1\"/>",
                x(low),
                y + 2.0,
                x(high) - x(low)
            );
        }
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#1a5fb4\"><title>{}</title></circle>",
            x(bar.amount),
            y + 8.0,
            escape(&bar.words)
        );
    }
    svg.push_str("</svg>");
    html! { (PreEscaped(svg)) }
}

/// A whole number with thousands separators.
fn group(value: f64) -> String {
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_draws_each_event_over_its_precision() {
        let events = vec![
            Event {
                label: "Opening <of the line> & more".into(),
                date: Date::parse("1810-06").expect("date"),
            },
            Event {
                label: "closing".into(),
                date: Date::parse("1825").expect("date"),
            },
        ];
        let svg = timeline("Timeline", &events, 1809, 1825).into_string();
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"timeline-title\">Timeline</title>"));
        assert!(svg.contains("&lt;of the line&gt; &amp; more"), "labels are escaped");
        assert!(!svg.contains("<of the line>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("June 1810"));
        assert!(!svg.contains("<a "), "nothing interactive inside the picture");
        // A month is a twelfth of a year wide.
        let width = |s: &str, n: usize| -> f64 {
            s.split("<rect")
                .nth(n)
                .and_then(|r| r.split("width=\"").nth(1))
                .and_then(|w| w.split('"').next())
                .and_then(|w| w.parse().ok())
                .expect("a width")
        };
        let (month, year) = (width(&svg, 1), width(&svg, 2));
        assert!((year / month - 12.0).abs() < 0.5, "{month} vs {year}");
    }

    #[test]
    fn figures_draw_bounds_from_zero_and_points() {
        let bars = vec![
            Bar {
                source: "Source A".into(),
                words: "up to 100,000".into(),
                amount: 100_000.0,
                lower: Some(0.0),
                upper: Some(100_000.0),
            },
            Bar {
                source: "Source B".into(),
                words: "about 140,000".into(),
                amount: 140_000.0,
                lower: None,
                upper: None,
            },
        ];
        let svg = figures("f1", "Figures after the opening", &bars).into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("<rect").count(), 1, "only the bounded figure has a bar");
        let up_to = Bar {
            lower: None,
            ..bars[0].clone()
        };
        let svg = figures("f2", "t", &[up_to, bars[1].clone()]).into_string();
        let x = svg
            .split("<rect x=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse::<f64>().ok());
        assert_eq!(x, Some(250.0 + LEFT), "\"up to\" starts at zero");
        assert!(
            svg.contains("Source A: up to 100,000; Source B: about 140,000"),
            "the description says it in words"
        );
        assert!(
            svg.contains(">140,000<") || svg.contains(">100,000<"),
            "the axis is labelled"
        );
    }
}
