//! Claims as Wikibase statements: `entity p:P statement`, `statement ps:P value`, value nodes (`psv:`/`pqv:`) for
//! dates and figures, qualifiers (`pq:`), rank, references (`prov:wasDerivedFrom`) as Wikidata holds a fact read in
//! Wikipedia, the truthy `wdt:` triple for best-rank statements, `pk:conflictsWith` between statements that
//! disagree, and a readable `rdfs:label` on statements and references.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use oxigraph::model::{Literal, NamedNode, Term};

use super::names::{Names, WORDS, is_wikimedia_article};
use super::writer::{Writer, text, time};
use crate::build::model::{Bound, Claim, Model, Quantity, Rank, Reference, Value};
use crate::build::ontology::{PropertyDef, Schema};
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{pk, pkpr, pr, prov, prv, rdf, rdfs, skos, wikibase, xsd};

pub(super) fn map_all(model: &Model, names: &Names<'_>, schema: &Schema, minter: &Minter, out: &mut Writer) {
    // Best rank per (subject, property): preferred if any, else normal; deprecated never.
    let mut best: BTreeMap<(&str, &str), Rank> = BTreeMap::new();
    for claim in &model.claims {
        if claim.rank != Rank::Deprecated {
            let entry = best.entry((&claim.subject, &claim.main.property)).or_insert(claim.rank);
            *entry = (*entry).min(claim.rank);
        }
    }
    for claim in &model.claims {
        let is_best = best.get(&(claim.subject.as_str(), claim.main.property.as_str())) == Some(&claim.rank);
        map_claim(claim, is_best, names, schema, minter, out);
    }
}

fn map_claim(claim: &Claim, is_best: bool, names: &Names<'_>, schema: &Schema, minter: &Minter, out: &mut Writer) {
    // The model only admits claims whose properties the schema declares.
    let Some(def) = schema.properties.get(&claim.main.property) else {
        return;
    };
    let subject = minter.entity(&claim.subject);
    let st = minter.statement(&claim.id);
    out.add(&subject, def.claim.clone(), st.clone());
    out.add(&st, rdf::TYPE, wikibase::STATEMENT);
    for label in statement_labels(claim, def, names) {
        out.add(&st, rdfs::LABEL, label);
    }
    out.add(
        &st,
        wikibase::RANK,
        match claim.rank {
            Rank::Preferred => wikibase::PREFERRED_RANK,
            Rank::Normal => wikibase::NORMAL_RANK,
            Rank::Deprecated => wikibase::DEPRECATED_RANK,
        },
    );
    let simple = simple_value(&claim.main.value, minter);
    out.add(&st, def.statement.clone(), simple.clone());
    if let (Some(p), Some(node)) = (&def.statement_value, value_node(&claim.main.value, minter, out)) {
        out.add(&st, p.clone(), node);
    }
    if is_best {
        out.add(&st, rdf::TYPE, wikibase::BEST_RANK);
        out.add(&subject, def.direct.clone(), simple);
    }
    for q in &claim.qualifiers {
        let Some(qdef) = schema.properties.get(&q.property) else {
            continue;
        };
        out.add(&st, qdef.qualifier.clone(), simple_value(&q.value, minter));
        if let (Some(p), Some(node)) = (&qdef.qualifier_value, value_node(&q.value, minter, out)) {
            out.add(&st, p.clone(), node);
        }
    }
    for reference in &claim.references {
        let node = reference_node(reference, names, minter, out);
        out.add(&st, prov::WAS_DERIVED_FROM, node);
    }
    for other in &claim.conflicts_with {
        let other = minter.statement(other);
        out.add(&st, out.term(pk::CONFLICTS_WITH), other.clone());
        out.add(&other, out.term(pk::CONFLICTS_WITH), st.clone());
    }
    if let Some(note) = &claim.note {
        out.add(&st, skos::EDITORIAL_NOTE, text(note, "en"));
    }
}

/// The simple value (`ps:`, `pq:`, `wdt:`).
fn simple_value(value: &Value, minter: &Minter) -> Term {
    match value {
        Value::Item(id) => minter.entity(id).into(),
        Value::Time(d) => time(*d).into(),
        Value::Quantity(q) => decimal(&q.amount).into(),
        Value::Text { text: t, lang } => text(t, lang).into(),
        Value::String(s) => Literal::new_simple_literal(s).into(),
        Value::Url(u) => NamedNode::new_unchecked(u).into(),
    }
}

fn decimal(amount: &str) -> Literal {
    Literal::new_typed_literal(amount, xsd::DECIMAL)
}

/// The full value node (`psv:`, `pqv:`) for dates and figures, minted from its content and shared like `wdv:`.
fn value_node(value: &Value, minter: &Minter, out: &mut Writer) -> Option<NamedNode> {
    match value {
        Value::Time(d) => {
            let node = minter.value(&format!("time|{d}"));
            out.add(&node, rdf::TYPE, wikibase::TIME_VALUE);
            out.add(&node, wikibase::TIME_VALUE_PROP, time(*d));
            out.add(
                &node,
                wikibase::TIME_PRECISION,
                Literal::new_typed_literal((d.precision() as u8).to_string(), xsd::INTEGER),
            );
            // Dates are written in UTC, as Wikidata writes every time value.
            out.add(
                &node,
                wikibase::TIME_TIMEZONE,
                Literal::new_typed_literal("0", xsd::INTEGER),
            );
            Some(node)
        }
        Value::Quantity(Quantity { amount, bound }) => {
            let bound_name = Bound::NAMES.iter().find(|(_, b)| b == bound).map_or("", |(n, _)| n);
            let node = minter.value(&format!("quantity|{amount}|{bound_name}"));
            out.add(&node, rdf::TYPE, wikibase::QUANTITY_VALUE);
            out.add(&node, wikibase::QUANTITY_AMOUNT, decimal(amount));
            let (lower, upper) = bound.bounds();
            if lower {
                out.add(&node, wikibase::QUANTITY_LOWER_BOUND, decimal(amount));
            }
            if upper {
                out.add(&node, wikibase::QUANTITY_UPPER_BOUND, decimal(amount));
            }
            out.add(
                &node,
                out.term(pk::BOUND_KIND),
                out.term(match bound {
                    Bound::Exact => pk::EXACT,
                    Bound::About => pk::ABOUT,
                    Bound::Over => pk::OVER,
                    Bound::AtLeast => pk::AT_LEAST,
                    Bound::UpTo => pk::UP_TO,
                    Bound::Almost => pk::ALMOST,
                }),
            );
            Some(node)
        }
        _ => None,
    }
}

/// A reference node as Wikidata holds a fact read in Wikipedia: the project the article belongs to (`pr:P143`) and
/// the article's address (`pr:P4656`); the work its footnote cites (`pr:P248`), with the page (`pr:P304`), the
/// work's address (`pr:P854`) and the date it was retrieved (`pr:P813`). powkg's own `pkpr:` properties hold what
/// Wikidata has no property for: powkg's description of the article, the footnote number and the article's words.
/// Minted from its content, so equal references are shared.
fn reference_node(reference: &Reference, names: &Names<'_>, minter: &Minter, out: &mut Writer) -> NamedNode {
    // The hashed text names every field explicitly, so that the IRI stays the same across Rust versions.
    let (quote, quote_lang) = reference
        .quote
        .as_ref()
        .map_or(("", ""), |(q, l)| (q.as_str(), l.as_str()));
    let node = minter.reference(&format!(
        "source={}\nfootnote={}\ncites={}\npage={}\nquote@{quote_lang}={quote}",
        reference.source,
        reference.footnote.map(|f| f.to_string()).unwrap_or_default(),
        reference.cites.as_deref().unwrap_or_default(),
        reference.page.as_deref().unwrap_or_default(),
    ));
    out.add(&node, rdf::TYPE, wikibase::REFERENCE);
    for label in reference_labels(reference, names) {
        out.add(&node, rdfs::LABEL, label);
    }
    out.add(&node, out.term(pkpr::ARTICLE), minter.source(&reference.source));
    let read = names.sources.get(reference.source.as_str());
    let wikimedia = read.is_some_and(|s| is_wikimedia_article(s));
    if let Some(article) = read.filter(|_| wikimedia) {
        if let Some(project) = &article.publisher {
            out.add(&node, pr::IMPORTED_FROM, minter.entity(project));
        }
        if let Some(url) = &article.url {
            out.add(&node, pr::IMPORT_URL, NamedNode::new_unchecked(url));
        }
    }
    if let Some(footnote) = reference.footnote {
        out.add(
            &node,
            out.term(pkpr::FOOTNOTE),
            Literal::new_typed_literal(footnote.to_string(), xsd::INTEGER),
        );
    }
    // "Stated in": the work its footnote cites, else the source itself when it is not a Wikimedia project's article.
    let stated_in = reference
        .cites
        .as_ref()
        .or_else(|| (!wikimedia).then_some(&reference.source));
    if let Some(cites) = stated_in {
        out.add(&node, pr::STATED_IN, minter.source(cites));
        if let Some(work) = names.sources.get(cites.as_str()) {
            if let Some(url) = &work.url {
                out.add(&node, pr::REFERENCE_URL, NamedNode::new_unchecked(url));
            }
            if let Some(retrieved) = work.retrieved {
                out.add(&node, pr::RETRIEVED, time(retrieved));
                let value = Value::Time(retrieved);
                if let Some(value_node) = value_node(&value, minter, out) {
                    out.add(&node, prv::RETRIEVED, value_node);
                }
            }
        }
    }
    if let Some(page) = &reference.page {
        out.add(&node, pr::PAGES, Literal::new_simple_literal(page));
    }
    if let Some((quote, lang)) = &reference.quote {
        out.add(&node, out.term(pkpr::QUOTATION), text(quote, lang));
    }
    node
}

/// A statement's labels, one per language in which its property and its subject both have a label of their own:
/// "subject – property – value (where it was read)", e.g. "Riverside line – length – 42 (A History of the Line)";
/// in the property's first language when there is none.
fn statement_labels(claim: &Claim, def: &PropertyDef, names: &Names<'_>) -> Vec<Literal> {
    let mut languages: Vec<&str> = def
        .labels
        .keys()
        .map(String::as_str)
        .filter(|lang| names.entity_has(&claim.subject, lang))
        .collect();
    if languages.is_empty() {
        languages.extend(def.labels.keys().map(String::as_str).take(1));
    }
    languages
        .into_iter()
        .filter_map(|lang| {
            let property = def.labels.get(lang)?;
            let subject = names.entity(&claim.subject, lang);
            let value = value_words(&claim.main.value, names, lang);
            let mut label = format!("{subject} – {property} – {value}");
            if let Some(first) = claim.references.first() {
                let _ = write!(label, " ({})", names.publication(&first.source, lang));
            }
            Some(text(&label, lang))
        })
        .collect()
}

/// A reference's labels: "Railway Gazette, footnote 1: A History of the Line, p. 81", in each language powkg has
/// the words for in which the source read has a name of its own (in English when there is none).
fn reference_labels(reference: &Reference, names: &Names<'_>) -> Vec<Literal> {
    let own: Vec<_> = WORDS
        .iter()
        .filter(|(lang, _, _)| names.publication_has(&reference.source, lang))
        .collect();
    let words = if own.is_empty() {
        WORDS.iter().take(1).collect()
    } else {
        own
    };
    words
        .into_iter()
        .map(|(lang, footnote, page)| {
            let mut label = names.publication(&reference.source, lang).to_owned();
            if let Some(n) = reference.footnote {
                let _ = write!(label, ", {footnote} {n}");
            }
            if let Some(cites) = &reference.cites {
                let _ = write!(label, ": {}", names.title(cites));
            }
            if let Some(p) = &reference.page {
                let _ = write!(label, ", {page} {p}");
            }
            text(&label, lang)
        })
        .collect()
}

/// A value in a label's words: an entity's name, a date as written, a figure with its bound as a sign
/// ("≤ 100000" for "up to 100,000"), a text shortened to 80 characters.
fn value_words(value: &Value, names: &Names<'_>, lang: &str) -> String {
    match value {
        Value::Item(id) => names.entity(id, lang).to_owned(),
        Value::Time(d) => d.to_string(),
        Value::Quantity(Quantity { amount, bound }) => {
            let sign = match bound {
                Bound::Exact => "",
                Bound::About => "~ ",
                Bound::Over => "> ",
                Bound::AtLeast => "≥ ",
                Bound::UpTo => "≤ ",
                Bound::Almost => "< ",
            };
            format!("{sign}{amount}")
        }
        Value::Text { text: t, .. } | Value::String(t) => {
            const MAX: usize = 80;
            match t.char_indices().nth(MAX) {
                Some((at, _)) => format!("{}…", &t[..at]),
                None => t.clone(),
            }
        }
        Value::Url(u) => u.clone(),
    }
}
