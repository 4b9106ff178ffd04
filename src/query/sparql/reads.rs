//! What a query may read: the triple patterns of its algebra (after the label service is rewritten into the patterns
//! it stands for), each with its constant subject, predicate and object, and what its variable subject or object
//! must have where the patterns every solution of their scope matches say so (`?station a ex:Station ; ex:onLine ?n` guards
//! `OPTIONAL { ?station rdfs:label ?l }`: only a thing with both can bind `?station`; a variable that is a subject there
//! is never a literal). A changed triple that matches none of them, or whose subject or object has what the pattern
//! needs neither before nor after the change, cannot change the query's answer, so a static site brings a bundled
//! query's results up to date only when a changed triple matches ([`Reads::may_match`]). A query that calls a
//! service (powkg's search, whose hits come from the index, or an endpoint) or walks a negated property set may read
//! anything.

use std::collections::HashMap;

use oxigraph::model::{NamedNode, Term, Triple};
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, PropertyPathExpression};
use spargebra::term::{NamedNodePattern, TermPattern, Variable};

use super::operators::two_operands;

/// What a thing must have: each a predicate and, where constant, its object.
pub type Needs = [(NamedNode, Option<Term>)];

/// One triple pattern: its constants (`None`: a variable, or anything), and what its variable subject and object
/// must have (empty: nothing known).
#[derive(Debug, Clone)]
struct Pattern {
    subject: Option<Term>,
    predicate: Option<NamedNode>,
    object: Option<Term>,
    subject_needs: Vec<(NamedNode, Option<Term>)>,
    object_needs: Vec<(NamedNode, Option<Term>)>,
    /// Whether its variable object is the subject of a pattern every solution matches, so never a literal.
    object_resource: bool,
}

impl Pattern {
    fn matches(&self, triple: &Triple, has: &dyn Fn(&Term, &Needs) -> bool) -> bool {
        let subject = Term::from(triple.subject.clone());
        let can_be = |term: &Term, needs: &Needs| needs.is_empty() || has(term, needs);
        self.subject.as_ref().is_none_or(|s| *s == subject)
            && self.predicate.as_ref().is_none_or(|p| *p == triple.predicate)
            && self.object.as_ref().is_none_or(|o| *o == triple.object)
            && can_be(&subject, &self.subject_needs)
            && can_be(&triple.object, &self.object_needs)
            && !(self.object_resource && triple.object.is_literal())
    }
}

/// What the patterns every solution of a scope matches say of its variables: what each must have, and those that
/// are a subject (never a literal).
#[derive(Debug, Clone, Default)]
struct Guards {
    needs: HashMap<Variable, Vec<(NamedNode, Option<Term>)>>,
    resources: std::collections::HashSet<Variable>,
}

/// The triples a query may read.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    patterns: Vec<Pattern>,
    /// Whether it may read any triple.
    everything: bool,
}

impl Reads {
    /// What `query` may read.
    pub fn of(query: &spargebra::Query) -> Self {
        let mut reads = Self::default();
        match query {
            spargebra::Query::Select { pattern, .. }
            | spargebra::Query::Construct { pattern, .. }
            | spargebra::Query::Ask { pattern, .. } => reads.pattern(pattern, &Guards::default()),
            // A description reads whatever is about the things it describes.
            spargebra::Query::Describe { .. } => reads.everything = true,
        }
        reads
    }

    /// Whether `triple` may be one the query reads, `has` telling whether a term has all it needs before or after
    /// the change (each a predicate with, where given, its object).
    pub fn may_match(&self, triple: &Triple, has: &dyn Fn(&Term, &Needs) -> bool) -> bool {
        self.everything || self.patterns.iter().any(|p| p.matches(triple, has))
    }

    fn push(&mut self, subject: &TermPattern, predicate: Option<NamedNode>, object: &TermPattern, guards: &Guards) {
        let needs = |t: &TermPattern| match t {
            TermPattern::Variable(v) => guards.needs.get(v).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        self.patterns.push(Pattern {
            subject: constant(subject),
            predicate,
            object: constant(object),
            subject_needs: needs(subject),
            object_needs: needs(object),
            object_resource: matches!(object, TermPattern::Variable(v) if guards.resources.contains(v)),
        });
    }

    fn pattern(&mut self, p: &GraphPattern, outer: &Guards) {
        let guards = with(outer, p);
        match p {
            GraphPattern::Bgp { patterns } => {
                for t in patterns {
                    let predicate = match &t.predicate {
                        NamedNodePattern::NamedNode(n) => Some(n.clone()),
                        NamedNodePattern::Variable(_) => None,
                    };
                    self.push(&t.subject, predicate, &t.object, &guards);
                }
            }
            GraphPattern::Path { subject, path, object } => match path {
                PropertyPathExpression::NamedNode(n) => self.push(subject, Some(n.clone()), object, &guards),
                _ => self.path(path),
            },
            GraphPattern::Join { left, right } | GraphPattern::Lateral { left, right } => {
                self.pattern(left, &guards);
                self.pattern(right, &guards);
            }
            GraphPattern::Union { left, right } | GraphPattern::Minus { left, right } => {
                self.pattern(left, outer);
                self.pattern(right, outer);
            }
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                self.pattern(left, &guards);
                let inside = with(&guards, right);
                self.pattern(right, &inside);
                if let Some(e) = expression {
                    self.expression(e, &inside);
                }
            }
            GraphPattern::Filter { expr, inner } => {
                self.expression(expr, &guards);
                self.pattern(inner, &guards);
            }
            GraphPattern::Extend { inner, expression, .. } => {
                self.expression(expression, &guards);
                self.pattern(inner, &guards);
            }
            GraphPattern::OrderBy { inner, expression } => {
                for key in expression {
                    match key {
                        spargebra::algebra::OrderExpression::Asc(e) | spargebra::algebra::OrderExpression::Desc(e) => {
                            self.expression(e, &guards);
                        }
                    }
                }
                self.pattern(inner, &guards);
            }
            GraphPattern::Group { inner, aggregates, .. } => {
                for (_, aggregate) in aggregates {
                    if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                        self.expression(expr, &guards);
                    }
                }
                self.pattern(inner, &guards);
            }
            // A subquery's variables are its own but for those it projects.
            GraphPattern::Project { inner, variables } => {
                let projected = Guards {
                    needs: guards
                        .needs
                        .iter()
                        .filter(|(v, _)| variables.contains(v))
                        .map(|(v, c)| (v.clone(), c.clone()))
                        .collect(),
                    resources: guards
                        .resources
                        .iter()
                        .filter(|v| variables.contains(v))
                        .cloned()
                        .collect(),
                };
                self.pattern(inner, &projected);
            }
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. } => self.pattern(inner, &guards),
            GraphPattern::Values { .. } => {}
            GraphPattern::Service { .. } => self.everything = true,
        }
    }

    /// The predicates a path walks, each between any two nodes.
    fn path(&mut self, path: &PropertyPathExpression) {
        match path {
            PropertyPathExpression::NamedNode(n) => self.patterns.push(Pattern {
                subject: None,
                predicate: Some(n.clone()),
                object: None,
                subject_needs: Vec::new(),
                object_needs: Vec::new(),
                object_resource: false,
            }),
            PropertyPathExpression::Reverse(p)
            | PropertyPathExpression::ZeroOrMore(p)
            | PropertyPathExpression::OneOrMore(p)
            | PropertyPathExpression::ZeroOrOne(p) => self.path(p),
            PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
                self.path(a);
                self.path(b);
            }
            PropertyPathExpression::NegatedPropertySet(_) => self.everything = true,
        }
    }

    fn expression(&mut self, e: &Expression, guards: &Guards) {
        match e {
            Expression::NamedNode(_) | Expression::Literal(_) | Expression::Variable(_) | Expression::Bound(_) => {}
            two_operands!(a, b) => {
                self.expression(a, guards);
                self.expression(b, guards);
            }
            Expression::In(a, list) => {
                self.expression(a, guards);
                for x in list {
                    self.expression(x, guards);
                }
            }
            Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => self.expression(a, guards),
            Expression::Exists(p) => self.pattern(p, guards),
            Expression::If(a, b, c) => {
                self.expression(a, guards);
                self.expression(b, guards);
                self.expression(c, guards);
            }
            Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
                for x in list {
                    self.expression(x, guards);
                }
            }
        }
    }
}

/// `outer` with what every solution of `p` says of its variables (`?v a ex:C` in a group it must match).
fn with(outer: &Guards, p: &GraphPattern) -> Guards {
    let mut guards = outer.clone();
    required_classes(p, &mut guards);
    guards
}

fn required_classes(p: &GraphPattern, out: &mut Guards) {
    match p {
        GraphPattern::Bgp { patterns } => {
            for t in patterns {
                if let TermPattern::Variable(v) = &t.subject {
                    out.resources.insert(v.clone());
                    if let NamedNodePattern::NamedNode(p) = &t.predicate {
                        out.needs
                            .entry(v.clone())
                            .or_default()
                            .push((p.clone(), constant(&t.object)));
                    }
                }
            }
        }
        GraphPattern::Join { left, right } | GraphPattern::Lateral { left, right } => {
            required_classes(left, out);
            required_classes(right, out);
        }
        GraphPattern::LeftJoin { left, .. } | GraphPattern::Minus { left, .. } => required_classes(left, out),
        // A copy of a variable, or the first bound of it and constants (the label service's join key), is of its
        // classes where it is bound from it; a constant is no thing of the graph.
        GraphPattern::Extend {
            inner,
            variable,
            expression,
        } => {
            required_classes(inner, out);
            let source = match expression {
                Expression::Variable(v) => Some(v),
                Expression::Coalesce(list) => match list.as_slice() {
                    [Expression::Variable(v), rest @ ..]
                        if rest
                            .iter()
                            .all(|e| matches!(e, Expression::NamedNode(_) | Expression::Literal(_))) =>
                    {
                        Some(v)
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(needs) = source.and_then(|v| out.needs.get(v)).cloned() {
                out.needs.entry(variable.clone()).or_default().extend(needs);
            }
        }
        GraphPattern::Filter { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => required_classes(inner, out),
        // A subquery's, a union's and a group's solutions guard nothing here (their variables may be others').
        _ => {}
    }
}

/// The constant of a pattern's position; `None` for a variable, a blank node (which stands for one) or a triple term.
fn constant(term: &TermPattern) -> Option<Term> {
    match term {
        TermPattern::NamedNode(n) => Some(n.clone().into()),
        TermPattern::Literal(l) => Some(l.clone().into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::Literal;

    fn reads(text: &str) -> Reads {
        let query = spargebra::SparqlParser::new()
            .with_prefix("ex", "http://example.org/")
            .unwrap()
            .parse_query(text)
            .unwrap();
        Reads::of(&query)
    }

    fn triple(s: &str, p: &str, o: Term) -> Triple {
        Triple::new(
            NamedNode::new_unchecked(format!("http://example.org/{s}")),
            NamedNode::new_unchecked(format!("http://example.org/{p}")),
            o,
        )
    }

    impl Reads {
        /// Whether `triple` may match, everything being a town with every predicate.
        fn may_match_any(&self, triple: &Triple) -> bool {
            self.may_match(triple, &of(&["Town"]))
        }
    }

    /// Things of `classes` (local names) that have every other predicate.
    fn of(classes: &[&str]) -> impl Fn(&Term, &Needs) -> bool {
        let classes: Vec<NamedNode> = classes
            .iter()
            .map(|c| NamedNode::new_unchecked(format!("http://example.org/{c}")))
            .collect();
        move |_, needs| {
            needs.iter().all(|(p, o)| match o {
                Some(Term::NamedNode(c)) if *p == oxigraph::model::vocab::rdf::TYPE => classes.contains(c),
                _ => true,
            })
        }
    }

    #[test]
    fn a_pattern_guarded_by_a_class_matches_only_things_of_it() {
        let q = reads("SELECT * WHERE { ?station a ex:Station OPTIONAL { ?station ex:label ?l } }");
        let label = triple("t", "label", Literal::new_simple_literal("T").into());
        assert!(q.may_match(&label, &of(&["Station"])));
        assert!(!q.may_match(&label, &of(&["Train"])));
        // Unguarded in a union's other branch, or in a subquery that does not project the variable.
        let q = reads("SELECT * WHERE { { ?station a ex:Station } UNION { ?station ex:label ?l } }");
        assert!(q.may_match(&label, &of(&[])));
        let q = reads("SELECT * WHERE { ?station a ex:Station { SELECT ?x WHERE { ?station ex:label ?x } } }");
        assert!(q.may_match(&label, &of(&[])));
        // A copy of the variable, as the label service joins on, keeps the guard.
        let q = reads(
            "SELECT * WHERE { ?station a ex:Station BIND(COALESCE(?station, ex:none) AS ?key) OPTIONAL { ?key ex:label ?l } }",
        );
        assert!(!q.may_match(&label, &of(&["Train"])));
        assert!(q.may_match(&label, &of(&["Station"])));
        // A thing without a predicate the group needs cannot bind it.
        let q = reads("SELECT * WHERE { ?e ex:sameAs ?w OPTIONAL { ?e ex:label ?l } }");
        assert!(!q.may_match(&label, &|_, needs: &Needs| needs.is_empty()));
        assert!(q.may_match(&label, &|_, _: &Needs| true));
        // A variable that is a subject elsewhere in the group is never a literal.
        let q = reads("SELECT * WHERE { ?st ex:at ?station . ?thing ?claim ?st }");
        assert!(!q.may_match(&label, &of(&[])));
        let claim = triple("t", "claim", NamedNode::new_unchecked("http://example.org/s").into());
        assert!(q.may_match(&claim, &of(&[])));
    }

    #[test]
    fn a_triple_matches_a_pattern_of_the_query_or_of_what_it_filters_on() {
        let q = reads(
            "SELECT ?x WHERE { ?x a ex:Town ; ex:population ?n FILTER NOT EXISTS { ?x ex:label ?l } } ORDER BY ?x",
        );
        let population = triple("t", "population", Literal::from(12).into());
        assert!(q.may_match_any(&population));
        assert!(q.may_match_any(&triple("t", "label", Literal::new_simple_literal("T").into())));
        assert!(!q.may_match_any(&triple("t", "name", Literal::new_simple_literal("T").into())));
        // `a ex:Town` reads types of towns only.
        let type_of = |class: &str| {
            Triple::new(
                NamedNode::new_unchecked("http://example.org/t"),
                oxigraph::model::vocab::rdf::TYPE,
                NamedNode::new_unchecked(format!("http://example.org/{class}")),
            )
        };
        assert!(q.may_match_any(&type_of("Town")));
        assert!(!q.may_match_any(&type_of("River")));
    }

    #[test]
    fn paths_services_and_variable_predicates_read_what_they_may() {
        let label = triple("t", "label", Literal::new_simple_literal("T").into());
        assert!(reads("SELECT * WHERE { ?x ex:a/ex:label ?y }").may_match_any(&label));
        assert!(!reads("SELECT * WHERE { ?x ex:a/ex:b ?y }").may_match_any(&label));
        assert!(reads("SELECT * WHERE { ?x !ex:a ?y }").may_match_any(&label));
        assert!(reads("SELECT * WHERE { ?x ?p ?y }").may_match_any(&label));
        assert!(reads("SELECT * WHERE { SERVICE <http://example.org/s> { ?x ex:b ?y } }").may_match_any(&label));
        assert!(
            reads("SELECT (COUNT(?y) AS ?n) WHERE { ?x ex:b ?y } GROUP BY ?x").may_match_any(&triple(
                "t",
                "b",
                Literal::from(1).into()
            ))
        );
    }
}
