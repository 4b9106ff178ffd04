//! The Wikidata Query Service's label service, `SERVICE wikibase:label { bd:serviceParam wikibase:language "…" }`,
//! answered locally by rewriting the algebra: it never makes a request, and it is not a `SERVICE` call as far as
//! the policy on outbound calls goes.
//!
//! As on WDQS, in the automatic form every variable `?xLabel`, `?xDescription` or `?xAltLabel` the query names gets
//! the label (`rdfs:label`), description (`schema:description`) or aliases (`skos:altLabel`, joined with ", ") of
//! `?x`, when `?x` is in scope where the service is written; in the explicit form the service's own triples say
//! which (`?x rdfs:label ?name`). Languages are tried in the order given; `[AUTO_LANGUAGE]` stands for the
//! request's language. A label falls back to the IRI's local name (`Q42`), or to the literal's text; descriptions
//! and aliases have no fallback. Where an entity has several labels in one language, each gives a row (powkg's
//! graphs hold one per language).

use std::collections::HashSet;

use oxigraph::model::vocab::rdfs;
use oxigraph::model::{Literal, NamedNode, Variable};
use spargebra::Query;
use spargebra::algebra::{AggregateExpression, AggregateFunction, Expression, Function, GraphPattern};
use spargebra::term::{NamedNodePattern, TermPattern, TriplePattern};

use super::rewrite::take;

/// The service's IRI.
const SERVICE: &str = "http://wikiba.se/ontology#label";
const LANGUAGE: &str = "http://wikiba.se/ontology#language";
const SERVICE_PARAM: &str = "http://www.bigdata.com/rdf#serviceParam";
const DESCRIPTION: &str = "http://schema.org/description";
const ALT_LABEL: &str = "http://www.w3.org/2004/02/skos/core#altLabel";
/// What a lookup joins on where the subject is unbound: an IRI nothing describes.
const NOTHING: &str = "urn:powkg:fn:nothing";

/// What the service gives for a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Label,
    Description,
    AltLabel,
}

impl Kind {
    const SUFFIXES: [(&'static str, Self); 3] = [
        ("AltLabel", Self::AltLabel),
        ("Label", Self::Label),
        ("Description", Self::Description),
    ];

    fn predicate(self) -> NamedNode {
        NamedNode::new_unchecked(match self {
            Self::Label => rdfs::LABEL.as_str(),
            Self::Description => DESCRIPTION,
            Self::AltLabel => ALT_LABEL,
        })
    }

    fn from_predicate(p: &NamedNode) -> Option<Self> {
        [Self::Label, Self::Description, Self::AltLabel]
            .into_iter()
            .find(|k| k.predicate() == *p)
    }
}

/// One value the service must give: `output` is the `kind` of `subject`.
struct Wanted {
    subject: TermPattern,
    kind: Kind,
    output: Variable,
}

/// Replaces every label service of `query` by the patterns that give its values. `named` are the variable names
/// the query's text uses; `auto_language` stands for `[AUTO_LANGUAGE]`.
pub(crate) fn rewrite(query: &mut Query, named: &HashSet<String>, auto_language: &str) {
    let mut fresh = 0;
    visit(super::rewrite::pattern_of(query), named, auto_language, &mut fresh);
}

fn is_label_service(p: &GraphPattern) -> bool {
    matches!(p, GraphPattern::Service { name: NamedNodePattern::NamedNode(n), .. } if n.as_str() == SERVICE)
}

/// Walks the algebra; at each group that joins a label service, takes the service out and adds its lookups.
fn visit(p: &mut GraphPattern, named: &HashSet<String>, auto_language: &str, fresh: &mut usize) {
    match p {
        GraphPattern::Join { .. } if has_label_service(p) => {
            let mut operands = Vec::new();
            flatten(take(p), &mut operands);
            let (services, mut rest): (Vec<_>, Vec<_>) = operands.into_iter().partition(is_label_service);
            for operand in &mut rest {
                visit(operand, named, auto_language, fresh);
            }
            let mut group = rest
                .into_iter()
                .reduce(|left, right| GraphPattern::Join {
                    left: Box::new(left),
                    right: Box::new(right),
                })
                .unwrap_or(GraphPattern::Bgp { patterns: Vec::new() });
            for service in services {
                group = apply(group, &service, named, auto_language, fresh);
            }
            *p = group;
        }
        _ => {
            for child in super::rewrite::children(p) {
                visit(child, named, auto_language, fresh);
            }
        }
    }
    if is_label_service(p) {
        // A group holding nothing but the service: its explicit form with constant subjects.
        let service = take(p);
        *p = apply(
            GraphPattern::Bgp { patterns: Vec::new() },
            &service,
            named,
            auto_language,
            fresh,
        );
    }
}

fn has_label_service(p: &GraphPattern) -> bool {
    match p {
        GraphPattern::Join { left, right } => has_label_service(left) || has_label_service(right),
        other => is_label_service(other),
    }
}

fn flatten(p: GraphPattern, into: &mut Vec<GraphPattern>) {
    match p {
        GraphPattern::Join { left, right } => {
            flatten(*left, into);
            flatten(*right, into);
        }
        other => into.push(other),
    }
}

/// `group` with the values the label service `service` gives.
fn apply(
    group: GraphPattern,
    service: &GraphPattern,
    named: &HashSet<String>,
    auto_language: &str,
    fresh: &mut usize,
) -> GraphPattern {
    let GraphPattern::Service { inner, .. } = service else {
        return group;
    };
    let mut languages = Vec::new();
    let mut wanted = Vec::new();
    if let GraphPattern::Bgp { patterns } = inner.as_ref() {
        for t in patterns {
            let predicate = match &t.predicate {
                NamedNodePattern::NamedNode(n) => n,
                NamedNodePattern::Variable(_) => continue,
            };
            if predicate.as_str() == LANGUAGE
                && let TermPattern::Literal(list) = &t.object
            {
                for language in list.value().split(',').map(str::trim).filter(|l| !l.is_empty()) {
                    let language = if language.eq_ignore_ascii_case("[AUTO_LANGUAGE]") {
                        auto_language
                    } else {
                        language
                    };
                    languages.push(language.to_ascii_lowercase());
                }
            } else if predicate.as_str() != SERVICE_PARAM
                && let (Some(kind), TermPattern::Variable(output)) = (Kind::from_predicate(predicate), &t.object)
            {
                wanted.push(Wanted {
                    subject: t.subject.clone(),
                    kind,
                    output: output.clone(),
                });
            }
        }
    }
    if languages.is_empty() {
        languages.push(auto_language.to_ascii_lowercase());
    }
    // The automatic form: every `?xLabel` (…) the query names whose `?x` is in scope here and not bound yet.
    let mut in_scope = HashSet::new();
    group.on_in_scope_variable(|v| {
        in_scope.insert(v.as_str().to_owned());
    });
    let explicit: HashSet<String> = wanted.iter().map(|w| w.output.as_str().to_owned()).collect();
    let mut used: Vec<&String> = named.iter().collect();
    used.sort();
    for name in used {
        if in_scope.contains(name.as_str()) || explicit.contains(name.as_str()) {
            continue;
        }
        let found = Kind::SUFFIXES.iter().find_map(|(suffix, kind)| {
            let base = name.strip_suffix(suffix)?;
            (!base.is_empty() && in_scope.contains(base)).then_some((base, *kind))
        });
        if let Some((base, kind)) = found {
            wanted.push(Wanted {
                subject: TermPattern::Variable(Variable::new_unchecked(base)),
                kind,
                output: Variable::new_unchecked(name.as_str()),
            });
        }
    }
    let mut group = group;
    for w in wanted {
        group = lookup(group, &w, &languages, fresh);
    }
    group
}

fn term(t: &TermPattern) -> Expression {
    match t {
        TermPattern::Variable(v) => Expression::Variable(v.clone()),
        TermPattern::NamedNode(n) => Expression::NamedNode(n.clone()),
        TermPattern::Literal(l) => Expression::Literal(l.clone()),
        other => Expression::Literal(Literal::new_simple_literal(other.to_string())),
    }
}

/// `subject kind ?object`, `?object` in `language`.
fn values_in(subject: &TermPattern, kind: Kind, object: &Variable, language: &str) -> GraphPattern {
    let language_of_object = Expression::FunctionCall(
        Function::LCase,
        vec![Expression::FunctionCall(
            Function::Lang,
            vec![Expression::Variable(object.clone())],
        )],
    );
    GraphPattern::Filter {
        expr: Expression::Equal(
            Box::new(language_of_object),
            Box::new(Expression::Literal(Literal::new_simple_literal(language))),
        ),
        inner: Box::new(GraphPattern::Bgp {
            patterns: vec![TriplePattern {
                subject: subject.clone(),
                predicate: NamedNodePattern::NamedNode(kind.predicate()),
                object: TermPattern::Variable(object.clone()),
            }],
        }),
    }
}

/// `group` with `w.output` bound to the first value found in `languages` (and the fallback of labels).
fn lookup(group: GraphPattern, w: &Wanted, languages: &[String], fresh: &mut usize) -> GraphPattern {
    let mut fresh_variable = |what: &str| {
        *fresh += 1;
        Variable::new_unchecked(format!("__powkg_{what}_{fresh}"))
    };
    let mut group = group;
    // The lookups are OPTIONAL joins on the subject; a subject variable unbound in a row (bound in another branch of
    // a UNION, or in an OPTIONAL that did not match) would be bound by them to every labelled thing. So they join on
    // a copy that is never unbound: the subject, or an IRI that has no label.
    let subject = match &w.subject {
        TermPattern::Variable(v) => {
            let key = fresh_variable("subject");
            group = GraphPattern::Extend {
                inner: Box::new(group),
                variable: key.clone(),
                expression: Expression::Coalesce(vec![
                    Expression::Variable(v.clone()),
                    Expression::NamedNode(NamedNode::new_unchecked(NOTHING)),
                ]),
            };
            TermPattern::Variable(key)
        }
        other => other.clone(),
    };
    let mut found = Vec::new();
    for language in languages {
        let value = fresh_variable("label");
        let right = if w.kind == Kind::AltLabel {
            // Every alias in the language, joined: grouped per subject (an uncorrelated subquery, joined on it).
            let TermPattern::Variable(key) = &subject else {
                continue;
            };
            let text = fresh_variable("text");
            let pattern = values_in(&subject, w.kind, &text, language);
            GraphPattern::Project {
                inner: Box::new(GraphPattern::Group {
                    inner: Box::new(pattern),
                    variables: vec![key.clone()],
                    aggregates: vec![(
                        value.clone(),
                        AggregateExpression::FunctionCall {
                            name: AggregateFunction::GroupConcat {
                                separator: Some(", ".to_owned()),
                            },
                            expr: Expression::Variable(text),
                            distinct: true,
                        },
                    )],
                }),
                variables: vec![key.clone(), value.clone()],
            }
        } else {
            values_in(&subject, w.kind, &value, language)
        };
        group = GraphPattern::LeftJoin {
            left: Box::new(group),
            right: Box::new(right),
            expression: None,
        };
        found.push(Expression::Variable(value));
    }
    if w.kind == Kind::Label {
        // No label in any language: the IRI's local name (`Q42`), or the literal's text.
        let subject = term(&w.subject);
        found.push(Expression::If(
            Box::new(Expression::FunctionCall(Function::IsIri, vec![subject.clone()])),
            Box::new(Expression::FunctionCall(
                Function::Replace,
                vec![
                    Expression::FunctionCall(Function::Str, vec![subject.clone()]),
                    Expression::Literal(Literal::new_simple_literal("^.*[/#]")),
                    Expression::Literal(Literal::new_simple_literal("")),
                ],
            )),
            Box::new(Expression::FunctionCall(Function::Str, vec![subject])),
        ));
    }
    GraphPattern::Extend {
        inner: Box::new(group),
        variable: w.output.clone(),
        expression: Expression::Coalesce(found),
    }
}

#[cfg(test)]
mod tests {
    //! The rewrite checked on the algebra: where each lookup lands decides which rows get which labels.

    use std::collections::HashSet;

    use spargebra::algebra::GraphPattern;
    use spargebra::{Query, SparqlParser};

    use super::{SERVICE, rewrite};
    use crate::query::sparql::syntax;

    /// `text` parsed with the WDQS prefixes it uses and rewritten with `it` for `[AUTO_LANGUAGE]`.
    fn rewritten(text: &str) -> GraphPattern {
        let mut parser = SparqlParser::new();
        for (prefix, namespace) in [
            ("wikibase", "http://wikiba.se/ontology#"),
            ("bd", "http://www.bigdata.com/rdf#"),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("ex", "http://example.org/"),
        ] {
            parser = parser.with_prefix(prefix, namespace).unwrap();
        }
        let mut query = parser.parse_query(text).unwrap();
        rewrite(&mut query, &syntax::variables(text), "it");
        let Query::Select { pattern, .. } = query else {
            panic!("a SELECT query")
        };
        pattern
    }

    fn scope(p: &GraphPattern) -> HashSet<String> {
        let mut names = HashSet::new();
        p.on_in_scope_variable(|v| {
            names.insert(v.as_str().to_owned());
        });
        names
    }

    /// A copy of the first pattern `found` accepts, walking down the algebra as the rewrites do.
    fn find(p: &GraphPattern, found: &dyn Fn(&GraphPattern) -> bool) -> Option<GraphPattern> {
        fn walk(p: &mut GraphPattern, found: &dyn Fn(&GraphPattern) -> bool) -> Option<GraphPattern> {
            if found(p) {
                return Some(p.clone());
            }
            crate::query::sparql::rewrite::children(p)
                .into_iter()
                .find_map(|c| walk(c, found))
        }
        walk(&mut p.clone(), found)
    }

    fn no_service_left(p: &GraphPattern) -> bool {
        find(p, &|p| matches!(p, GraphPattern::Service { .. })).is_none() && !p.to_string().contains(SERVICE)
    }

    const AUTO: &str = "SERVICE wikibase:label { bd:serviceParam wikibase:language \"[AUTO_LANGUAGE],en\" . }";

    #[test]
    fn the_service_leaves_the_algebra_and_the_languages_keep_their_order() {
        let p = rewritten(&format!("SELECT ?x ?xLabel WHERE {{ ?x a ex:Site . {AUTO} }}"));
        assert!(no_service_left(&p), "{p}");
        assert!(scope(&p).contains("xLabel"), "{p}");
        // [AUTO_LANGUAGE] became the request's language, tried before the next one of the list.
        let text = p.to_string();
        let (it, en) = (text.find("\"it\"").unwrap(), text.find("\"en\"").unwrap());
        assert!(it < en, "{text}");
    }

    #[test]
    fn a_service_in_a_nested_group_labels_that_group_only() {
        // A nested group of plain triples is one join with its parent (SPARQL's algebra flattens it); a filter keeps
        // it a group of its own, and the service written in it works there.
        let p = rewritten(&format!(
            "SELECT ?x ?xLabel ?y WHERE {{ ?y a ex:Place . {{ ?x a ex:Site . FILTER(?x != ex:a) {AUTO} }} }}"
        ));
        assert!(no_service_left(&p), "{p}");
        // The lookup sits inside the inner group: a pattern binding ?xLabel does not bind ?y.
        let inner = find(&p, &|q| {
            let s = scope(q);
            s.contains("xLabel") && !s.contains("y")
        });
        assert!(inner.is_some(), "{p}");
        assert!(
            !scope(&p).contains("yLabel"),
            "?yLabel is not named, so it is not made: {p}"
        );
    }

    #[test]
    fn a_service_inside_optional_labels_only_what_the_optional_part_binds() {
        let p = rewritten(&format!(
            "SELECT ?s ?o ?oLabel WHERE {{ ?s ex:p ?o . OPTIONAL {{ ?o a ex:Site . {AUTO} }} }}"
        ));
        assert!(no_service_left(&p), "{p}");
        let Some(GraphPattern::LeftJoin { left, right, .. }) =
            find(&p, &|q| matches!(q, GraphPattern::LeftJoin { .. }))
        else {
            panic!("an OPTIONAL stays a left join: {p}")
        };
        assert!(scope(&right).contains("oLabel"), "{p}");
        assert!(!scope(&left).contains("oLabel"), "{p}");
    }

    #[test]
    fn a_variable_bound_in_one_union_branch_is_labelled_after_the_union() {
        let p = rewritten(&format!(
            "SELECT ?x ?xLabel ?y ?yLabel WHERE {{ {{ ?x a ex:Site }} UNION {{ ?y a ex:Site }} {AUTO} }}"
        ));
        assert!(no_service_left(&p), "{p}");
        // Both labels are looked up over the union's rows, each where its variable is bound.
        let union = find(&p, &|q| matches!(q, GraphPattern::Union { .. })).expect("the union stays");
        assert!(
            !scope(&union).contains("xLabel") && !scope(&union).contains("yLabel"),
            "{p}"
        );
        assert!(scope(&p).contains("xLabel") && scope(&p).contains("yLabel"), "{p}");
        // The lookup of a variable that may be unbound joins on a stand-in, never on the unbound variable itself.
        assert!(p.to_string().contains(super::NOTHING), "{p}");
    }

    #[test]
    fn a_service_in_a_subquery_labels_inside_the_subquery() {
        let p = rewritten(&format!(
            "SELECT ?xLabel WHERE {{ {{ SELECT ?x ?xLabel WHERE {{ ?x a ex:Site . {AUTO} }} }} }}"
        ));
        assert!(no_service_left(&p), "{p}");
        // The inner projection already holds ?xLabel: the subquery answered it, not the outer query.
        let inner = find(
            &p,
            &|q| matches!(q, GraphPattern::Project { variables, .. } if variables.len() == 2),
        )
        .expect("the subquery's projection");
        assert!(scope(&inner).contains("xLabel"), "{p}");
    }

    #[test]
    fn labels_are_bound_before_grouping_so_aggregates_and_group_keys_can_use_them() {
        let p = rewritten(&format!(
            "SELECT ?xLabel (COUNT(?s) AS ?n) (GROUP_CONCAT(?sLabel) AS ?names) WHERE {{ ?s ex:in ?x . {AUTO} }} \
             GROUP BY ?xLabel"
        ));
        assert!(no_service_left(&p), "{p}");
        let Some(GraphPattern::Group { inner, .. }) = find(&p, &|q| matches!(q, GraphPattern::Group { .. })) else {
            panic!("a grouping: {p}")
        };
        let s = scope(&inner);
        assert!(s.contains("xLabel") && s.contains("sLabel"), "{p}");
    }

    #[test]
    fn the_explicit_form_binds_only_the_variables_it_names() {
        let p = rewritten(
            "SELECT ?x ?name WHERE { ?x a ex:Site . SERVICE wikibase:label { \
             bd:serviceParam wikibase:language \"ro,it\" . ?x rdfs:label ?name } }",
        );
        assert!(no_service_left(&p), "{p}");
        let s = scope(&p);
        assert!(s.contains("name") && !s.contains("xLabel"), "{p}");
        let text = p.to_string();
        assert!(text.find("\"ro\"").unwrap() < text.find("\"it\"").unwrap(), "{text}");
    }
}
