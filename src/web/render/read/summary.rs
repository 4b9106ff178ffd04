//! The landing page's counts and lists ([`Summary`]): computed on first need, through the endpoint's own evaluation
//! (each query under the query timeout, each list bounded), and kept: the store never changes while served.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::QuerySolution;

use super::queries::PageQuery;
use super::reader::Reader;
use crate::build::model::Date;
use crate::query::select::Slice;
use crate::rdf::iri::GraphKind;
use crate::rdf::vocab::{pk, wikibase};

/// Most entities of one class, and most sources, listed on the landing page; the count is of the whole.
pub(crate) const LISTED: usize = 500;

/// Most dated statements read for the timeline.
const TIMELINE_ROWS: usize = 2000;

/// A figure of the landing page, or why it is missing (its query failed or ran out of time).
pub(crate) type Figure = Result<usize, String>;

/// Some members of a set and how many it has.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    /// At most [`LISTED`] members (the first the store yields, not the first by IRI: finding those would sort the
    /// whole set), sorted by IRI.
    pub members: Vec<NamedNode>,
    /// How many the set has.
    pub count: Figure,
}

/// The entities of one class.
#[derive(Debug, Clone)]
pub(crate) struct ClassGroup {
    /// The class.
    pub class: NamedNode,
    /// Its entities.
    pub entities: Listing,
}

/// The counts and lists of the landing page.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    /// Named counts: quads, quads per graph, entities, statements, sources, conflicting statements.
    pub counts: Vec<(String, Figure)>,
    /// Entities by class, or why they could not be listed.
    pub classes: Result<Vec<ClassGroup>, String>,
    /// Sources.
    pub sources: Listing,
    /// The dated statements of the curated graph: each statement, its English label, its date at its precision;
    /// sorted by date. Or why they could not be read.
    pub timeline: Result<Vec<(NamedNode, String, Date)>, String>,
}

/// The integer `?n` of the first row; none is a count of 0 (a group of nothing has no row).
fn figure(rows: &[QuerySolution]) -> Figure {
    match rows.first().and_then(|row| row.get("n")) {
        Some(Term::Literal(l)) => l.value().parse().map_err(|_| format!("not a count: {}", l.value())),
        _ => Ok(0),
    }
}

impl Summary {
    /// Counts and lists the graph through the endpoint's evaluation: each query under the query timeout, each
    /// list bounded (and no ORDER BY over the whole graph: the members shown are sorted after).
    pub(crate) fn compute(reader: &Reader<'_>, entity_classes: &[NamedNode]) -> Self {
        let run = |query: PageQuery, params: &[(&str, Term)], slice: Slice| {
            reader
                .select(query, params, slice)
                .map_err(|failure| failure.message().to_owned())
        };
        let count = |query: PageQuery, params: &[(&str, Term)]| {
            run(query, params, Slice::default()).and_then(|rows| figure(&rows))
        };
        // The total scans every quad: on a very large store it may run past the query timeout ("not counted"),
        // while the curated graphs are counted at once.
        let mut counts = vec![("quads".to_owned(), count(PageQuery::CountQuads, &[]))];
        // Every named graph: the curated ones first, then each register's (and any other graph the store holds).
        let curated: Vec<NamedNode> = GraphKind::ALL.iter().map(|k| reader.minter.graph(*k)).collect();
        let others = reader.store.graph_names().map(|(names, _)| names).unwrap_or_default();
        for graph in curated.iter().chain(others.iter().filter(|g| !curated.contains(g))) {
            let name = reader
                .minter
                .graph_name(graph.as_str())
                .unwrap_or(graph.as_str())
                .to_owned();
            counts.push((
                format!("quads in graph {name}"),
                count(PageQuery::CountGraph, &[("graph", graph.clone().into())]),
            ));
        }
        for (name, class) in [
            ("entities", wikibase::ITEM.into_owned()),
            ("statements", wikibase::STATEMENT.into_owned()),
            ("sources", reader.minter.term(pk::SOURCE)),
        ] {
            counts.push((
                name.to_owned(),
                count(PageQuery::CountMembers, &[("class", class.into())]),
            ));
        }
        counts.push((
            "statements that conflict with another".to_owned(),
            count(PageQuery::CountConflicting, &[]),
        ));
        let listing = |class: &NamedNode| {
            let class: &[(&str, Term)] = &[("class", class.clone().into())];
            let count = count(PageQuery::CountMembers, class);
            let mut members = run(PageQuery::Members, class, Slice::first(LISTED))
                .map(|rows| iris(&rows, "s"))
                .unwrap_or_default();
            members.sort();
            Listing { members, count }
        };
        let classes: Result<Vec<ClassGroup>, String> = Ok(entity_classes
            .iter()
            .map(|class| ClassGroup {
                class: class.clone(),
                entities: listing(class),
            })
            .filter(|group| group.entities.count != Ok(0))
            .collect());
        let sources = listing(&reader.minter.term(pk::SOURCE));
        let timeline = run(PageQuery::Timeline, &[], Slice::first(TIMELINE_ROWS)).map(|rows| timeline(&rows));
        Self {
            counts,
            classes,
            sources,
            timeline,
        }
    }

    /// The total of quads, if counted.
    pub(crate) fn quads(&self) -> Option<usize> {
        self.counts.first().and_then(|(_, n)| n.as_ref().ok().copied())
    }
}

/// The IRIs `variable` takes in `rows`.
fn iris(rows: &[QuerySolution], variable: &str) -> Vec<NamedNode> {
    rows.iter()
        .filter_map(|row| match row.get(variable) {
            Some(Term::NamedNode(n)) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// The dated statements, each date once per statement, sorted by date then label.
fn timeline(rows: &[QuerySolution]) -> Vec<(NamedNode, String, Date)> {
    let mut events: Vec<(NamedNode, String, Date)> = rows
        .iter()
        .filter_map(|row| {
            let (Some(Term::NamedNode(statement)), Some(Term::Literal(date)), Some(Term::Literal(precision))) =
                (row.get("statement"), row.get("date"), row.get("precision"))
            else {
                return None;
            };
            let date = Date::from_time_value(date.value(), precision.value().parse().ok()?)?;
            let label = match row.get("label") {
                Some(Term::Literal(l)) => l.value().to_owned(),
                _ => statement.as_str().rsplit('/').next().unwrap_or_default().to_owned(),
            };
            Some((statement.clone(), label, date))
        })
        .collect();
    events.sort_by(|a, b| (a.2.to_string(), &a.1, &a.0).cmp(&(b.2.to_string(), &b.1, &b.0)));
    events.dedup();
    events
}

/// Where the [`Summary`] is kept.
#[derive(Default)]
pub(crate) struct SummaryCell {
    state: Mutex<SummaryState>,
    done: Condvar,
}

#[derive(Default)]
enum SummaryState {
    #[default]
    NotStarted,
    Computing,
    Ready(Arc<Summary>),
}

impl SummaryCell {
    /// The summary if it is ready.
    pub(crate) fn ready(&self) -> Option<Arc<Summary>> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            SummaryState::Ready(summary) => Some(Arc::clone(summary)),
            _ => None,
        }
    }

    /// The summary, computed by what `start()` returns on a thread of its own if nobody has started it; waits
    /// for it at most `wait`.
    pub(crate) fn get<F: FnOnce() -> Summary + Send + 'static>(
        self: &Arc<Self>,
        wait: Duration,
        start: impl FnOnce() -> F,
    ) -> Option<Arc<Summary>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*state, SummaryState::NotStarted) {
            *state = SummaryState::Computing;
            let compute = start();
            let cell = Arc::clone(self);
            let spawned = std::thread::Builder::new()
                .name("powkg summary".to_owned())
                .spawn(move || {
                    let summary = std::panic::catch_unwind(std::panic::AssertUnwindSafe(compute));
                    let mut state = cell.state.lock().unwrap_or_else(PoisonError::into_inner);
                    // After a panic (reported by the panic hook) the next request starts again.
                    *state = summary.map_or(SummaryState::NotStarted, |s| SummaryState::Ready(Arc::new(s)));
                    cell.done.notify_all();
                });
            if spawned.is_err() {
                *state = SummaryState::NotStarted;
                return None;
            }
        }
        let until = Instant::now() + wait;
        loop {
            match &*state {
                SummaryState::Ready(summary) => return Some(Arc::clone(summary)),
                SummaryState::NotStarted => return None,
                SummaryState::Computing => {}
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .done
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}
