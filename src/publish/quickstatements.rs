//! `powkg export --format quickstatements`: the graph's statements as QuickStatements V1 commands (Wikidata's
//! `Help:QuickStatements`), for a curator to hand to Wikidata what they sourced, and a report of every statement
//! left out and why.
//!
//! One command per line, its fields separated by tabs: the subject item, the property, the value, then pairs of
//! a qualifier property (`P…`) and its value, then pairs of a reference property (`S…`) and its value. Values are
//! written as the syntax says: an item `Q42`; a time `+1863-01-10T00:00:00Z/11` (the precision after the slash); a
//! quantity `61662`, or `61662~500` where its bounds are the amount plus and minus one tolerance; a string or URL
//! `"text"`; a monolingual text `en:"text"`. A statement with several references gives one line per reference
//! (QuickStatements adds each to the one statement).
//!
//! A statement goes out only if Wikidata can hold it as the graph does:
//! - its subject, and every item among its values, qualifiers' values and references' values, has a checked
//!   Wikidata item (`owl:sameAs wd:Q…`), except a reference's `stated in` (`S248`), which is dropped where the work
//!   has none (the reference keeps its other parts, but not the pages cited in that work, `S304`); a sourced
//!   statement none of whose references keeps a part is left out rather than written unsourced;
//! - its property is a Wikidata property (`wd:P…`), or powkg's own declared `owl:equivalentProperty` to one;
//! - its rank is normal (QuickStatements V1 writes no rank);
//! - its values can be written: no quantity with bounds other than one tolerance, no string with a double quote,
//!   a tab or a line break (the syntax has no escape).
//!
//! The reference parts that powkg keeps in its own predicates become Wikidata's where Wikidata has one: the quotation
//! (`pkpr:quotation`) is `S1683`; the article read (`pkpr:article`) and the footnote (`pkpr:footnote`) have none and
//! are not written.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use oxigraph::model::{Literal, Term};
use oxigraph::sparql::QuerySolution;

use crate::query::select::rows;
use crate::query::sparql::{Engine, Request, SparqlError};
use crate::rdf::iri::{Minter, wikidata_id};
use crate::rdf::vocab::{pkpr, wikibase, xsd};
use crate::store::GraphStore;

/// What the export gives.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// The commands, one per line, each ending with a line break.
    pub commands: String,
    /// Statements written (each as one line per reference, or one line).
    pub statements: usize,
    /// Statements left out: the statement's id and why.
    pub left_out: Vec<(String, String)>,
}

/// The statements of the graph: subject, property, value, rank and the value node's precision and bounds.
const STATEMENTS: &str = r"
SELECT ?statement ?subject ?property ?equivalent ?type ?value ?rank ?precision ?lower ?upper WHERE {
  ?property wikibase:claim ?claim ;
            wikibase:statementProperty ?statementProperty ;
            wikibase:propertyType ?type .
  ?subject ?claim ?statement .
  ?statement ?statementProperty ?value ;
             wikibase:rank ?rank .
  OPTIONAL { ?property owl:equivalentProperty ?equivalent }
  OPTIONAL {
    ?property wikibase:statementValue ?statementValue .
    ?statement ?statementValue ?node .
    OPTIONAL { ?node wikibase:timePrecision ?precision }
    OPTIONAL { ?node wikibase:quantityLowerBound ?lower }
    OPTIONAL { ?node wikibase:quantityUpperBound ?upper }
  }
}
";

/// The qualifiers of every statement.
const QUALIFIERS: &str = r"
SELECT ?statement ?property ?equivalent ?type ?value ?precision ?lower ?upper WHERE {
  ?property wikibase:qualifier ?qualifier ;
            wikibase:propertyType ?type .
  ?statement a wikibase:Statement ;
             ?qualifier ?value .
  OPTIONAL { ?property owl:equivalentProperty ?equivalent }
  OPTIONAL {
    ?property wikibase:qualifierValue ?qualifierValue .
    ?statement ?qualifierValue ?node .
    OPTIONAL { ?node wikibase:timePrecision ?precision }
    OPTIONAL { ?node wikibase:quantityLowerBound ?lower }
    OPTIONAL { ?node wikibase:quantityUpperBound ?upper }
  }
}
";

/// The parts of every statement's references: by a declared property, or by powkg's quotation predicate.
const REFERENCES: &str = r"
SELECT ?statement ?reference ?property ?equivalent ?type ?predicate ?value ?precision WHERE {
  ?statement a wikibase:Statement ;
             prov:wasDerivedFrom ?reference .
  ?reference ?predicate ?value .
  OPTIONAL {
    ?property wikibase:reference ?predicate ;
              wikibase:propertyType ?type .
    OPTIONAL { ?property owl:equivalentProperty ?equivalent }
    OPTIONAL {
      ?property wikibase:referenceValue ?referenceValue .
      ?reference ?referenceValue ?node .
      ?node wikibase:timePrecision ?precision .
    }
  }
}
";

/// Every entity linked to a Wikidata item.
const ITEMS: &str = "SELECT ?entity ?item WHERE { ?entity owl:sameAs ?item }";

/// Wikidata's property for a quotation in a reference.
const QUOTATION: &str = "P1683";
/// Wikidata's property for the work a statement is stated in.
const STATED_IN: &str = "P248";
/// Wikidata's property for the pages of that work.
const PAGES: &str = "P304";

/// A snak on its way out: a property id and its value as QuickStatements writes it.
type Snak = (String, String);

/// Writes the graph of `store` as QuickStatements commands.
pub fn export(store: &GraphStore, engine: &Engine, minter: &Minter) -> Result<Exported, SparqlError> {
    let run = |text: &str| {
        rows(
            engine,
            store,
            &Request {
                path: "quickstatements",
                text,
                ..Request::default()
            },
        )
    };
    let items: HashMap<Term, String> = run(ITEMS)?
        .iter()
        .filter_map(|row| {
            let Some(Term::NamedNode(item)) = row.get("item") else {
                return None;
            };
            let id = wikidata_id(item.as_str()).filter(|id| id.starts_with('Q'))?;
            Some((row.get("entity")?.clone(), id.to_owned()))
        })
        .collect();
    let context = Context { items: &items };
    let mut qualifiers: HashMap<Term, Vec<Result<Snak, String>>> = HashMap::new();
    for row in run(QUALIFIERS)? {
        let Some(statement) = row.get("statement") else {
            continue;
        };
        qualifiers
            .entry(statement.clone())
            .or_default()
            .push(context.snak(&row, "qualifier"));
    }
    // Each statement's references, each a list of parts (a part that cannot go out is `Err`, an unwritten one
    // is left out).
    let mut references: HashMap<Term, HashMap<Term, Vec<Result<Snak, String>>>> = HashMap::new();
    let quotation = minter.term(pkpr::QUOTATION);
    let mut unnamed_works = HashSet::new();
    // The statements that have a reference, writable or not.
    let mut sourced: HashSet<Term> = HashSet::new();
    for row in run(REFERENCES)? {
        let (Some(statement), Some(reference)) = (row.get("statement"), row.get("reference")) else {
            continue;
        };
        sourced.insert(statement.clone());
        let part = if row.get("predicate") == Some(&Term::NamedNode(quotation.clone())) {
            match row.get("value") {
                Some(Term::Literal(l)) => monolingual(l).map(|v| (QUOTATION.to_owned(), v)),
                _ => continue,
            }
        } else if row.get("property").is_some() && Context::property(&row).is_some() {
            match context.snak(&row, "reference part") {
                // A work with no Wikidata item: the reference goes without it, and without the pages cited in it.
                Err(_) if Context::property(&row).as_deref() == Some(STATED_IN) => {
                    unnamed_works.insert(reference.clone());
                    continue;
                }
                part => part,
            }
        } else {
            // powkg's own parts (the article read, the footnote): Wikidata has no property for them.
            continue;
        };
        references
            .entry(statement.clone())
            .or_default()
            .entry(reference.clone())
            .or_default()
            .push(part);
    }
    for (reference, parts) in references.values_mut().flat_map(|r| r.iter_mut()) {
        if unnamed_works.contains(reference) {
            parts.retain(|part| !matches!(part, Ok((p, _)) if p == PAGES));
        }
    }
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut exported = Exported::default();
    for row in run(STATEMENTS)? {
        let Some(Term::NamedNode(statement)) = row.get("statement") else {
            continue;
        };
        let id = minter.local_id(statement.as_str()).to_owned();
        let key = Term::NamedNode(statement.clone());
        let line = context.statement(&row, qualifiers.get(&key), references.get(&key), sourced.contains(&key));
        match line {
            Ok(written) => {
                exported.statements += 1;
                lines.extend(written.into_iter().map(|l| (id.clone(), l)));
            }
            Err(why) => exported.left_out.push((id, why)),
        }
    }
    lines.sort();
    for (_, line) in lines {
        let _ = writeln!(exported.commands, "{line}");
    }
    exported.left_out.sort();
    Ok(exported)
}

struct Context<'a> {
    /// The Wikidata item of each entity that has one.
    items: &'a HashMap<Term, String>,
}

impl Context<'_> {
    /// The statement of `row` as lines (one per reference), or why it cannot go out. A statement the graph sources
    /// (`sourced`) none of whose references has a part Wikidata can hold is not written unsourced.
    fn statement(
        &self,
        row: &QuerySolution,
        qualifiers: Option<&Vec<Result<Snak, String>>>,
        references: Option<&HashMap<Term, Vec<Result<Snak, String>>>>,
        sourced: bool,
    ) -> Result<Vec<String>, String> {
        match row.get("rank") {
            Some(Term::NamedNode(rank)) if *rank == wikibase::NORMAL_RANK => {}
            Some(Term::NamedNode(rank)) => {
                return Err(format!(
                    "its rank is {}, which QuickStatements V1 cannot write",
                    rank.as_str().rsplit('#').next().unwrap_or_default()
                ));
            }
            _ => return Err("it has no rank".to_owned()),
        }
        let subject = row.get("subject").ok_or("it has no subject")?;
        let subject = self
            .items
            .get(subject)
            .ok_or_else(|| format!("its subject {} has no Wikidata item", shown(subject)))?;
        let (property, value) = self.snak(row, "value")?;
        let mut head = format!("{subject}\t{property}\t{value}");
        let mut qualifiers: Vec<Snak> = qualifiers.into_iter().flatten().cloned().collect::<Result<_, _>>()?;
        qualifiers.sort();
        for (p, v) in qualifiers {
            let _ = write!(head, "\t{p}\t{v}");
        }
        let references: Vec<&Vec<Result<Snak, String>>> = references
            .into_iter()
            .flat_map(HashMap::values)
            .filter(|parts| !parts.is_empty())
            .collect();
        if references.is_empty() {
            if sourced {
                return Err(
                    "none of its references has a part Wikidata can hold (their works have no Wikidata \
                            item), and it would go unsourced"
                        .to_owned(),
                );
            }
            return Ok(vec![head]);
        }
        let mut lines = Vec::with_capacity(references.len());
        for parts in references {
            let mut parts: Vec<Snak> = parts.iter().cloned().collect::<Result<_, _>>()?;
            parts.sort();
            let mut line = head.clone();
            for (p, v) in parts {
                let _ = write!(line, "\tS{}\t{v}", p.trim_start_matches('P'));
            }
            lines.push(line);
        }
        Ok(lines)
    }

    /// The Wikidata id of the property of `row` (`?property`, or the Wikidata property it is equivalent to).
    fn property(row: &QuerySolution) -> Option<String> {
        ["property", "equivalent"].iter().find_map(|v| match row.get(*v) {
            Some(Term::NamedNode(p)) => wikidata_id(p.as_str())
                .filter(|id| id.starts_with('P'))
                .map(str::to_owned),
            _ => None,
        })
    }

    /// The property and value of `row` as QuickStatements writes them, or why they cannot be (`what` names the
    /// snak in the reason).
    fn snak(&self, row: &QuerySolution, what: &str) -> Result<Snak, String> {
        let shown_property = row.get("property").map(shown).unwrap_or_default();
        let property = Self::property(row)
            .ok_or_else(|| format!("its {what} property {shown_property} is not a Wikidata property"))?;
        let value = row.get("value").ok_or_else(|| format!("its {what} has no value"))?;
        let kind = match row.get("type") {
            Some(Term::NamedNode(t)) => t.as_str().rsplit('#').next().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        let written = match (kind.as_str(), value) {
            ("WikibaseItem", item) => self.items.get(item).cloned().or_else(|| match item {
                Term::NamedNode(n) => wikidata_id(n.as_str())
                    .filter(|id| id.starts_with('Q'))
                    .map(str::to_owned),
                _ => None,
            }),
            ("Time", Term::Literal(l)) => time(l, row.get("precision")),
            ("Quantity", Term::Literal(l)) => quantity(l, row.get("lower"), row.get("upper")),
            ("String" | "ExternalId" | "Url", Term::Literal(l)) => string(l.value()),
            ("Url", Term::NamedNode(n)) => string(n.as_str()),
            ("Monolingualtext", Term::Literal(l)) => monolingual(l).ok(),
            _ => None,
        };
        let written = written.ok_or_else(|| match kind.as_str() {
            "WikibaseItem" => format!("its {what} {} ({property}) has no Wikidata item", shown(value)),
            "Quantity" => format!(
                "its {what} {} ({property}) has bounds QuickStatements V1 cannot write (only one tolerance)",
                shown(value)
            ),
            _ => format!(
                "its {what} {} ({property}) cannot be written in QuickStatements V1",
                shown(value)
            ),
        })?;
        Ok((property, written))
    }
}

/// A term as the report shows it: an IRI's last segment, a literal's text.
fn shown(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().rsplit(['/', '#']).next().unwrap_or_default().to_owned(),
        Term::Literal(l) => format!("\"{}\"", l.value()),
        other => other.to_string(),
    }
}

/// `"text"`, where the text has no character the syntax cannot hold.
fn string(text: &str) -> Option<String> {
    (!text.contains(['"', '\t', '\n', '\r'])).then(|| format!("\"{text}\""))
}

/// `lang:"text"`.
fn monolingual(l: &Literal) -> Result<String, String> {
    let language = l
        .language()
        .ok_or_else(|| format!("\"{}\" has no language", l.value()))?;
    let text = string(l.value()).ok_or_else(|| format!("\"{}\" cannot be written in QuickStatements V1", l.value()))?;
    Ok(format!("{language}:{text}"))
}

/// `+YYYY-MM-DDT00:00:00Z/precision` from an `xsd:dateTime` and its value node's precision.
fn time(l: &Literal, precision: Option<&Term>) -> Option<String> {
    if l.datatype() != xsd::DATE_TIME {
        return None;
    }
    let Some(Term::Literal(precision)) = precision else {
        return None;
    };
    let precision: u8 = precision.value().parse().ok()?;
    let value = l.value();
    let sign = if value.starts_with('-') { "" } else { "+" };
    Some(format!("{sign}{value}/{precision}"))
}

/// The amount, and `~tolerance` where the bounds are the amount plus and minus one tolerance.
fn quantity(amount: &Literal, lower: Option<&Term>, upper: Option<&Term>) -> Option<String> {
    let number = |t: &Term| match t {
        Term::Literal(l) => l.value().parse::<f64>().ok().map(|n| (n, l.value().to_owned())),
        _ => None,
    };
    let (value, text) = number(&Term::Literal(amount.clone()))?;
    match (lower.map(number), upper.map(number)) {
        (None, None) => Some(text),
        (Some(Some((low, _))), Some(Some((high, _)))) => {
            let (below, above) = (value - low, high - value);
            ((below - above).abs() <= f64::EPSILON * value.abs().max(1.0) && below >= 0.0)
                .then(|| format!("{text}~{}", trim(below)))
        }
        _ => None,
    }
}

/// A tolerance without trailing zeros.
fn trim(n: f64) -> String {
    let text = format!("{n}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_the_syntax_says() {
        let day = Literal::new_typed_literal("1863-01-10T00:00:00Z", xsd::DATE_TIME);
        let eleven = Term::Literal(Literal::new_typed_literal("11", xsd::INTEGER));
        assert_eq!(time(&day, Some(&eleven)).as_deref(), Some("+1863-01-10T00:00:00Z/11"));
        assert_eq!(time(&day, None), None);
        let amount = Literal::new_typed_literal("100", xsd::DECIMAL);
        let n = |v: &str| Term::Literal(Literal::new_typed_literal(v, xsd::DECIMAL));
        assert_eq!(quantity(&amount, None, None).as_deref(), Some("100"));
        assert_eq!(
            quantity(&amount, Some(&n("95")), Some(&n("105"))).as_deref(),
            Some("100~5")
        );
        assert_eq!(quantity(&amount, None, Some(&n("100"))), None, "an upper bound alone");
        assert_eq!(
            quantity(&amount, Some(&n("90")), Some(&n("105"))),
            None,
            "uneven bounds"
        );
        let tagged = Literal::new_language_tagged_literal("a line", "en").unwrap();
        assert_eq!(monolingual(&tagged).as_deref(), Ok("en:\"a line\""));
        assert_eq!(string("say \"no\""), None);
    }

    #[test]
    fn a_sourced_statement_whose_references_cannot_be_written_is_left_out_not_written_unsourced() {
        use oxigraph::model::{NamedNode, Variable};
        let iri = |s: &str| Term::NamedNode(NamedNode::new(s).unwrap());
        let (subject, value) = (iri("http://example.org/e/a"), iri("http://example.org/e/b"));
        let items: HashMap<Term, String> =
            [(subject.clone(), "Q1".to_owned()), (value.clone(), "Q2".to_owned())].into();
        let names = ["subject", "property", "type", "value", "rank"];
        let row = QuerySolution::from((
            names.iter().map(|n| Variable::new(*n).unwrap()).collect::<Vec<_>>(),
            vec![
                Some(subject),
                Some(iri("http://www.wikidata.org/entity/P17")),
                Some(iri("http://wikiba.se/ontology#WikibaseItem")),
                Some(value),
                Some(iri("http://wikiba.se/ontology#NormalRank")),
            ],
        ));
        let context = Context { items: &items };
        assert_eq!(
            context.statement(&row, None, None, false),
            Ok(vec!["Q1\tP17\tQ2".to_owned()])
        );
        let emptied: HashMap<Term, Vec<Result<Snak, String>>> = [(iri("http://example.org/r/1"), Vec::new())].into();
        assert!(context.statement(&row, None, Some(&emptied), true).is_err());
        assert!(context.statement(&row, None, None, true).is_err());
    }
}
