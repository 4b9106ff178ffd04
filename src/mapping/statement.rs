//! Claims as Wikibase statements: `entity p:P statement`, `statement ps:P value`, value nodes (`psv:`/`pqv:`) for
//! dates and figures, qualifiers (`pq:`), rank, references (`prov:wasDerivedFrom`), the truthy `wdt:` triple for
//! best-rank statements, and `pk:conflictsWith` between statements that disagree.

use std::collections::BTreeMap;

use oxigraph::model::{Literal, NamedNode, Term};

use super::{Writer, date, text};
use crate::iri::Minter;
use crate::model::{Bound, Claim, Model, Quantity, Rank, Reference, Value};
use crate::ontology::Schema;
use crate::vocab::{pk, pkpr, pr, prov, rdf, skos, wikibase, xsd};

pub(super) fn map_all(model: &Model, schema: &Schema, minter: &Minter, out: &mut Writer) {
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
        map_claim(claim, is_best, model, schema, minter, out);
    }
}

fn map_claim(claim: &Claim, is_best: bool, model: &Model, schema: &Schema, minter: &Minter, out: &mut Writer) {
    // The model only admits claims whose properties the schema declares.
    let Some(def) = schema.properties.get(&claim.main.property) else {
        return;
    };
    let subject = minter.entity(&claim.subject);
    let st = minter.statement(&claim.id);
    out.add(&subject, def.claim.clone(), st.clone());
    out.add(&st, rdf::TYPE, wikibase::STATEMENT);
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
        let node = reference_node(reference, model, minter, out);
        out.add(&st, prov::WAS_DERIVED_FROM, node);
    }
    for other in &claim.conflicts_with {
        let other = minter.statement(other);
        out.add(&st, pk::CONFLICTS_WITH, other.clone());
        out.add(&other, pk::CONFLICTS_WITH, st.clone());
    }
    if let Some(note) = &claim.note {
        out.add(&st, skos::EDITORIAL_NOTE, text(note, "en"));
    }
}

/// The simple value (`ps:`, `pq:`, `wdt:`).
fn simple_value(value: &Value, minter: &Minter) -> Term {
    match value {
        Value::Item(id) => minter.entity(id).into(),
        Value::Time(d) => date(*d).into(),
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
            out.add(
                &node,
                wikibase::TIME_VALUE_PROP,
                Literal::new_typed_literal(d.start_date_time(), xsd::DATE_TIME),
            );
            out.add(
                &node,
                wikibase::TIME_PRECISION,
                Literal::new_typed_literal((d.precision() as u8).to_string(), xsd::INTEGER),
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
                pk::BOUND_KIND,
                match bound {
                    Bound::Exact => pk::EXACT,
                    Bound::About => pk::ABOUT,
                    Bound::Over => pk::OVER,
                    Bound::AtLeast => pk::AT_LEAST,
                    Bound::UpTo => pk::UP_TO,
                    Bound::Almost => pk::ALMOST,
                },
            );
            Some(node)
        }
        _ => None,
    }
}

/// A reference node: the article the claim was read in (`pr:P248`, and its URL as `pr:P854`), the footnote, the
/// work it cites, the page and the article's own words. Minted from its content, so equal references are shared.
fn reference_node(reference: &Reference, model: &Model, minter: &Minter, out: &mut Writer) -> NamedNode {
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
    out.add(&node, pr::STATED_IN, minter.source(&reference.source));
    if let Some(url) = model.source(&reference.source).and_then(|s| s.url.as_ref()) {
        out.add(&node, pr::REFERENCE_URL, NamedNode::new_unchecked(url));
    }
    if let Some(footnote) = reference.footnote {
        out.add(
            &node,
            pkpr::FOOTNOTE,
            Literal::new_typed_literal(footnote.to_string(), xsd::INTEGER),
        );
    }
    if let Some(cites) = &reference.cites {
        out.add(&node, pkpr::CITED_WORK, minter.source(cites));
    }
    if let Some(page) = &reference.page {
        out.add(&node, pkpr::PAGE, Literal::new_simple_literal(page));
    }
    if let Some((quote, lang)) = &reference.quote {
        out.add(&node, pkpr::QUOTATION, text(quote, lang));
    }
    node
}
