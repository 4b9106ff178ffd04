//! The markup of Wikibase statements: each property's table (value in words, qualifiers, rank, sources), the
//! pairs where the sources disagree side by side with a chart of their figures, and a statement's own section.

use std::collections::{BTreeMap, HashMap};

use maud::{Markup, html};
use oxigraph::model::{NamedNode, Term};

use super::chrome::{View, anchor, group_digits};
use crate::build::model::Date;
use crate::rdf::vocab::{pk, pkpr, pr, rdf, wikibase, xsd};
use crate::web::render::read::dataset::Role;
use crate::web::render::read::statement::{Facts, Statement, as_iri, claimed_by, facts_of, objects};

impl View<'_> {
    /// A statement's value in words: "up to 100,000 (upper bound 100,000)", "1867 (precision: year)", a link.
    pub(super) fn value(&self, facts: &Facts, s: &Statement) -> Markup {
        let node = s.value_node.as_ref().map(NamedNode::as_str).unwrap_or_default();
        let minter = &self.r.minter;
        let bound = objects(facts, node, minter.term(pk::BOUND_KIND).as_ref())
            .first()
            .and_then(|t| as_iri(t))
            .cloned();
        let lower = objects(facts, node, wikibase::QUANTITY_LOWER_BOUND).first().copied();
        let upper = objects(facts, node, wikibase::QUANTITY_UPPER_BOUND).first().copied();
        let precision = objects(facts, node, wikibase::TIME_PRECISION).first().copied();
        html! {
            @if let Some(bound) = &bound {
                @if *bound != minter.term(pk::EXACT) {
                    @if let Some(l) = self.name(bound) { span lang=[l.language()] { (l.value()) } " " }
                }
            }
            @if let Some(v) = &s.value { strong { (self.time_or_term(facts, v, s.value_node.iter())) } }
            @if lower.is_some() || upper.is_some() {
                " " span.detail {
                    "("
                    @if let Some(l) = lower { "lower bound " (self.term(l)) }
                    @if lower.is_some() && upper.is_some() { ", " }
                    @if let Some(u) = upper { "upper bound " (self.term(u)) }
                    ")"
                }
            }
            @if let Some(Term::Literal(p)) = precision {
                " " span.detail { "(precision: " (match p.value() { "9" => "year", "10" => "month", "11" => "day", other => other }) ")" }
            }
        }
    }

    /// A value; a time value in words at the precision its value node gives ("July 1863", never 1 July 1863),
    /// with the `xsd:dateTime` it is stored as in the `datetime` attribute.
    pub(super) fn time_or_term<'n>(
        &self,
        facts: &Facts,
        value: &Term,
        nodes: impl Iterator<Item = &'n NamedNode>,
    ) -> Markup {
        if let Term::Literal(l) = value
            && l.datatype() == xsd::DATE_TIME
        {
            for node in nodes {
                let node = node.as_str();
                let same = objects(facts, node, wikibase::TIME_VALUE_PROP).first() == Some(&value);
                let precision = objects(facts, node, wikibase::TIME_PRECISION)
                    .first()
                    .and_then(|p| match p {
                        Term::Literal(p) => p.value().parse::<u8>().ok(),
                        _ => None,
                    });
                if let (true, Some(date)) = (same, precision.and_then(|p| Date::from_time_value(l.value(), p))) {
                    return html! { time datetime=(date.to_string()) { (date.in_words()) } };
                }
            }
        }
        self.term(value)
    }

    /// The works a statement's references name (the article it was read in, else the project), in words: what a
    /// table comparing two statements is headed by.
    pub(super) fn sources_of(&self, facts: &Facts, s: &Statement) -> Markup {
        let works = self.works_of(facts, s);
        html! {
            @if works.is_empty() { (local_id(&s.iri)) }
            @for (i, w) in works.iter().enumerate() {
                @if i > 0 { "; " }
                @match self.name(w) { Some(l) => span lang=[l.language()] { (l.value()) }, None => (self.short(w)) }
            }
        }
    }

    /// The same in plain text, for a chart.
    pub(super) fn source_text(&self, facts: &Facts, s: &Statement) -> String {
        let works = self.works_of(facts, s);
        if works.is_empty() {
            return local_id(&s.iri).to_owned();
        }
        works
            .iter()
            .map(|w| self.name(w).map_or_else(|| self.short(w), |l| l.value().to_owned()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The articles (else the projects) a statement's references name.
    pub(super) fn works_of<'f>(&self, facts: &'f Facts, s: &Statement) -> Vec<&'f NamedNode> {
        let article = self.r.minter.term(pkpr::ARTICLE);
        let mut works: Vec<&NamedNode> = s
            .references
            .iter()
            .flat_map(|r| {
                let named = objects(facts, r.as_str(), article.as_ref());
                let named = if named.is_empty() {
                    objects(facts, r.as_str(), pr::IMPORTED_FROM)
                } else {
                    named
                };
                named.into_iter().filter_map(as_iri)
            })
            .collect();
        works.sort();
        works.dedup();
        works
    }

    /// A statement's quantity as a chart's bar: its value, bounds and words ("up to 100,000"); `None` unless its
    /// value is a number.
    pub(super) fn bar(&self, facts: &Facts, s: &Statement) -> Option<crate::web::render::charts::Bar> {
        let Some(Term::Literal(value)) = &s.value else {
            return None;
        };
        let amount: f64 = value.value().parse().ok()?;
        let node = s.value_node.as_ref().map(NamedNode::as_str).unwrap_or_default();
        let number = |p| match objects(facts, node, p).first() {
            Some(Term::Literal(l)) => l.value().parse::<f64>().ok(),
            _ => None,
        };
        let minter = &self.r.minter;
        let bound = objects(facts, node, minter.term(pk::BOUND_KIND).as_ref())
            .first()
            .and_then(|t| as_iri(t))
            .filter(|b| **b != minter.term(pk::EXACT))
            .and_then(|b| self.name(b))
            .map(|l| format!("{} ", l.value()))
            .unwrap_or_default();
        // The project the article belongs to ("English Wikipedia") names the source in few words.
        let projects: Vec<String> = s
            .references
            .iter()
            .flat_map(|r| objects(facts, r.as_str(), pr::IMPORTED_FROM))
            .filter_map(as_iri)
            .map(|p| self.name(p).map_or_else(|| self.short(p), |l| l.value().to_owned()))
            .collect();
        let source = if projects.is_empty() {
            self.source_text(facts, s)
        } else {
            projects.join("; ")
        };
        Some(crate::web::render::charts::Bar {
            source,
            words: format!("{bound}{}", group_digits(value.value())),
            amount,
            lower: number(wikibase::QUANTITY_LOWER_BOUND),
            upper: number(wikibase::QUANTITY_UPPER_BOUND),
        })
    }

    /// A reference: each of its facts, the quotation as a block quote.
    pub(super) fn reference(&self, facts: &Facts, reference: &NamedNode) -> Markup {
        let pairs = facts.get(reference.as_str()).map(Vec::as_slice).unwrap_or_default();
        html! {
            ul.reference {
                @for (p, o) in pairs {
                    @if *p != rdf::TYPE {
                        @match o {
                            Term::Literal(l) if l.language().is_some() => li { (self.link(p)) ": " blockquote lang=[l.language()] { (l.value()) } },
                            _ => li { (self.link(p)) ": " (self.term(o)) },
                        }
                    }
                }
            }
        }
    }

    pub(super) fn statement_cells(&self, facts: &Facts, s: &Statement) -> Markup {
        html! {
            td { (self.value(facts, s)) }
            td {
                @if !s.qualifiers.is_empty() {
                    ul.qualifiers { @for (p, v) in &s.qualifiers { li { (self.link(p)) ": " (self.time_or_term(facts, v, s.qualifier_nodes.iter())) } } }
                }
            }
            td {
                @if let Some(rank) = &s.rank {
                    (anchor(self.href(rank).as_deref(), rank.as_str(), &html! { (rank_name(rank)) }))
                }
                @if s.best { br; span.detail { "best rank" } }
            }
            td {
                @for r in &s.references { (self.reference(facts, r)) }
                @for c in &s.conflicts {
                    p.conflict { "Disagrees with " a href={ "#" (local_id(c)) } { (local_id(c)) } }
                }
            }
        }
    }

    /// The statements of `subject`, one table per property; conflicting pairs again side by side above them.
    pub(super) fn statements(&self, facts: &Facts, subject: &NamedNode) -> Markup {
        let service = self.r;
        let mut by_property: BTreeMap<String, (NamedNode, Vec<Statement>)> = BTreeMap::new();
        for (p, o) in facts.get(subject.as_str()).map(Vec::as_slice).unwrap_or_default() {
            if let (Some((property, Role::Claim)), Some(stmt)) = (service.dataset.roles.get(p), as_iri(o)) {
                let name = self
                    .name(property)
                    .map_or_else(|| self.short(property), |l| l.value().to_owned());
                by_property
                    .entry(format!("{name}\u{0}{}", property.as_str()))
                    .or_insert_with(|| (property.clone(), Vec::new()))
                    .1
                    .push(Statement::read(&service.reader(), &service.dataset, facts, stmt));
            }
        }
        if by_property.is_empty() {
            return html! {};
        }
        let all: HashMap<&str, &Statement> = by_property
            .values()
            .flat_map(|(_, ss)| ss.iter())
            .map(|s| (s.iri.as_str(), s))
            .collect();
        let mut pairs: Vec<(&Statement, &Statement)> = Vec::new();
        for s in all.values() {
            for c in &s.conflicts {
                if let Some(other) = all.get(c.as_str())
                    && s.iri.as_str() < other.iri.as_str()
                {
                    pairs.push((s, other));
                }
            }
        }
        pairs.sort_by_key(|(a, _)| a.iri.as_str());
        html! {
            @if !pairs.is_empty() {
                section aria-labelledby="disagreements" {
                    h2 #disagreements { "Where the sources disagree" }
                    @for (a, b) in &pairs {
                        @if let (Some(bar_a), Some(bar_b)) = (self.bar(facts, a), self.bar(facts, b)) {
                            @let title = a.property.as_ref().and_then(|p| self.name(p)).map_or_else(|| "The figure each source gives".to_owned(), |l| l.value().to_owned());
                            figure.chart {
                                (crate::web::render::charts::figures(&format!("figure-{}", local_id(&a.iri)), &title, &[bar_a, bar_b]))
                                figcaption { (title) ", as each source gives it: the dot is the figure, the bar its bounds." }
                            }
                        }
                        table.side-by-side {
                            caption { @if let Some(p) = &a.property { (self.link(p)) } }
                            thead { tr {
                                th scope="col" { a href={ "#" (local_id(&a.iri)) } { (self.sources_of(facts, a)) } }
                                th scope="col" { a href={ "#" (local_id(&b.iri)) } { (self.sources_of(facts, b)) } }
                            } }
                            tbody {
                                tr { td { (self.value(facts, a)) } td { (self.value(facts, b)) } }
                                @if !a.qualifiers.is_empty() || !b.qualifiers.is_empty() {
                                    tr {
                                        td { @if !a.qualifiers.is_empty() { ul.qualifiers { @for (p, v) in &a.qualifiers { li { (self.link(p)) ": " (self.term(v)) } } } } }
                                        td { @if !b.qualifiers.is_empty() { ul.qualifiers { @for (p, v) in &b.qualifiers { li { (self.link(p)) ": " (self.term(v)) } } } } }
                                    }
                                }
                                @if !a.references.is_empty() || !b.references.is_empty() {
                                    tr {
                                        td { @for r in &a.references { (self.reference(facts, r)) } }
                                        td { @for r in &b.references { (self.reference(facts, r)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="statements" {
                h2 #statements { "Statements" }
                @for (property, statements) in by_property.values() {
                    table.statements {
                        caption { (self.link(property)) }
                        thead { tr { th scope="col" { "Value" } th scope="col" { "Qualifiers" } th scope="col" { "Rank" } th scope="col" { "Sources" } } }
                        tbody {
                            @for s in statements {
                                tr #(local_id(&s.iri)) .conflicting[!s.conflicts.is_empty()] {
                                    (self.statement_cells(facts, s))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A table of `subject`'s facts not shown elsewhere on the page.
    pub(super) fn other_facts(
        &self,
        facts: &Facts,
        subject: &NamedNode,
        shown: &[oxigraph::model::NamedNodeRef<'_>],
    ) -> Markup {
        let roles = &self.r.dataset.roles;
        let own = facts.get(subject.as_str()).into_iter().flatten();
        // A truthy value (wdt:, pkdt:) repeats a statement shown above; one without a statement (a register
        // record's mapped field) is the fact itself, and is shown here.
        let with_statements: Vec<&NamedNode> = own
            .clone()
            .filter_map(|(p, _)| match roles.get(p) {
                Some((property, Role::Claim)) => Some(property),
                _ => None,
            })
            .collect();
        let pairs: Vec<&(NamedNode, Term)> = own
            .filter(|(p, _)| !shown.contains(&p.as_ref()))
            .filter(|(p, _)| match roles.get(p) {
                Some((_, Role::Claim)) => false,
                Some((property, Role::Direct)) => !with_statements.contains(&property),
                _ => true,
            })
            .collect();
        html! {
            @if !pairs.is_empty() {
                table.facts {
                    caption { "Facts" }
                    thead { tr { th scope="col" { "Property" } th scope="col" { "Value" } } }
                    tbody { @for (p, o) in pairs { tr { th scope="row" { (self.link(p)) } td { (self.term(o)) } } } }
                }
            }
        }
    }
}

impl View<'_> {
    /// A statement's own page: what it is about, the claim in full, and each statement it disagrees with beside it.
    pub(super) fn statement_section(&self, facts: &Facts, iri: &NamedNode, s: &Statement) -> Markup {
        let (service, view) = (self.r, self);
        let reader = service.reader();
        let subject_of_statement = claimed_by(&reader, &service.dataset, iri).map(|(subject, _)| subject);
        html! {
        section aria-labelledby="statement" {
            h2 #statement { "Statement" }
            @if let Some(subject) = &subject_of_statement { p { "About " (view.link(subject)) @if let Some(p) = &s.property { ", property " (view.link(p)) } "." } }
            table.statements {
                caption { "The claim, its qualifiers, rank and sources" }
                thead { tr { th scope="col" { "Value" } th scope="col" { "Qualifiers" } th scope="col" { "Rank" } th scope="col" { "Sources" } } }
                tbody { tr #(local_id(iri)) { (view.statement_cells(facts, s)) } }
            }
            @for c in &s.conflicts {
                p.conflict { "Disagrees with " (view.link(c)) ":" }
                @let other_facts = facts_of(&reader, c);
                @let other = Statement::read(&reader, &service.dataset, &other_facts, c);
                table.side-by-side {
                    caption { "This statement and the one it disagrees with" }
                    thead { tr { th scope="col" { (view.sources_of(facts, s)) } th scope="col" { (view.sources_of(&other_facts, &other)) } } }
                    tbody { tr { td { (view.value(facts, s)) } td { (view.value(&other_facts, &other)) } } }
                }
            }
        }
        }
    }
}

/// `normal`, `preferred` or `deprecated` for a Wikibase rank.
pub(super) fn rank_name(rank: &NamedNode) -> String {
    let local = rank.as_str().strip_prefix(wikibase::NS).unwrap_or(rank.as_str());
    local.strip_suffix("Rank").unwrap_or(local).to_ascii_lowercase()
}

/// The last segment of an IRI, used as an anchor.
pub(super) fn local_id(iri: &NamedNode) -> &str {
    iri.as_str().rsplit(['/', '#']).next().unwrap_or(iri.as_str())
}
