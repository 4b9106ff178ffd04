//! What a query may read: the triple patterns of its algebra (after the label service is rewritten into the patterns
//! it stands for), each with its constant subject, predicate and object, and what its variable subject or object
//! must have where the patterns every solution of their scope matches say so (`?station a ex:Station ; ex:onLine ?n` guards
//! `OPTIONAL { ?station rdfs:label ?l }`: only a thing with both can bind `?station`; a variable that is a subject there
//! is never a literal). A changed triple that matches none of them, or whose subject or object has what the pattern
//! needs neither before nor after the change, cannot change the query's answer, so a static site brings a bundled
//! query's results up to date only when a changed triple matches ([`Reads::may_match`]). A query that calls a
//! service (powkg's search, whose hits come from the index, or an endpoint) or walks a negated property set may read
//! anything.
//!
//! Two more things narrow what a pattern may match, both read from the query:
//! - a language guard: where every solution of a scope passes `FILTER(LANG(?v) = "en")`, a pattern there binding
//!   `?v` matches only literals tagged `en` (`OPTIONAL { ?e rdfs:label ?l FILTER(LANG(?l) = "en") }` is not
//!   changed by a German label);
//! - a shape-only object: a variable object that the query uses nowhere but in `LANG`, `DATATYPE`, `BOUND` and
//!   the `is…` tests, in no other pattern and no projection, reads only the kind of its value (its language and
//!   datatype). For such a pattern a change counts only if it changes how many of the pattern's triples each
//!   subject, predicate and kind have: a label replaced by another in the same language changes nothing there
//!   ([`Reads::may_change`]).

use std::collections::{HashMap, HashSet};

use oxigraph::model::{NamedNode, Term, Triple};
use spargebra::algebra::{AggregateExpression, Expression, Function, GraphPattern, PropertyPathExpression};
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
    /// The language its variable object must have, where a filter over every solution of its scope says so.
    object_language: Option<String>,
    /// Its variable object, if any (to tell, once the whole query is read, whether only its kind is read).
    object_variable: Option<Variable>,
    /// Whether the query reads only the kind of its object (see the module's documentation).
    shape_only: bool,
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
            && self
                .object_language
                .as_ref()
                .is_none_or(|language| match &triple.object {
                    Term::Literal(l) => l.language().is_some_and(|tag| tag.eq_ignore_ascii_case(language)),
                    _ => false,
                })
    }
}

/// What a shape-only pattern reads of a triple: its subject, its predicate and the kind of its object.
fn shape(triple: &Triple) -> (String, String, String) {
    let kind = match &triple.object {
        Term::Literal(l) => format!("{}@{}", l.datatype().as_str(), l.language().unwrap_or_default()),
        Term::NamedNode(_) => "iri".to_owned(),
        Term::BlankNode(_) => "blank".to_owned(),
        Term::Triple(_) => "triple".to_owned(),
    };
    (triple.subject.to_string(), triple.predicate.as_str().to_owned(), kind)
}

/// What the patterns every solution of a scope matches say of its variables: what each must have, and those that
/// are a subject (never a literal).
#[derive(Debug, Clone, Default)]
struct Guards {
    needs: HashMap<Variable, Vec<(NamedNode, Option<Term>)>>,
    resources: HashSet<Variable>,
    /// The language tag each variable's value has in every solution (`FILTER(LANG(?v) = "en")`).
    languages: HashMap<Variable, String>,
}

/// The triples a query may read.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    patterns: Vec<Pattern>,
    /// Whether it may read any triple.
    everything: bool,
    /// How many times each variable's value is read (anything but the kind-only functions' arguments), and how
    /// many patterns it is in.
    uses: HashMap<Variable, usize>,
    /// Whether the query reads every variable's value (`COUNT(DISTINCT *)`).
    all_values: bool,
}

impl Reads {
    /// What `query` may read.
    pub fn of(query: &spargebra::Query) -> Self {
        let mut reads = Self::default();
        match query {
            spargebra::Query::Construct { template, pattern, .. } => {
                for t in template {
                    reads.used_in(&t.subject);
                    reads.used_in(&t.object);
                    if let NamedNodePattern::Variable(v) = &t.predicate {
                        reads.used(v);
                    }
                }
                reads.pattern(pattern, &Guards::default());
            }
            spargebra::Query::Select { pattern, .. } | spargebra::Query::Ask { pattern, .. } => {
                reads.pattern(pattern, &Guards::default());
            }
            // A description reads whatever is about the things it describes.
            spargebra::Query::Describe { .. } => reads.everything = true,
        }
        let uses = std::mem::take(&mut reads.uses);
        let all_values = std::mem::take(&mut reads.all_values);
        for pattern in reads.patterns.iter_mut().filter(|_| !all_values) {
            // Once as this pattern's object, and nowhere else.
            pattern.shape_only = pattern
                .object_variable
                .as_ref()
                .is_some_and(|v| uses.get(v).copied() == Some(1));
        }
        reads
    }

    /// Whether removing the triples `removed` and adding `added` may change the query's answer: whether one of them
    /// matches a pattern, or, for a pattern that reads only the kind of its object, whether the triples it matches
    /// differ in number by subject, predicate and kind. `has` is as for [`Reads::may_match`].
    pub fn may_change(&self, removed: &[Triple], added: &[Triple], has: &dyn Fn(&Term, &Needs) -> bool) -> bool {
        if self.everything {
            return true;
        }
        self.patterns.iter().any(|p| {
            if p.shape_only {
                let shapes = |triples: &[Triple]| {
                    let mut all: Vec<_> = triples.iter().filter(|t| p.matches(t, has)).map(shape).collect();
                    all.sort();
                    all
                };
                shapes(removed) != shapes(added)
            } else {
                removed.iter().chain(added).any(|t| p.matches(t, has))
            }
        })
    }

    /// A triple pattern of a basic graph pattern.
    fn triple(&mut self, t: &spargebra::term::TriplePattern, guards: &Guards) {
        let predicate = match &t.predicate {
            NamedNodePattern::NamedNode(n) => Some(n.clone()),
            NamedNodePattern::Variable(v) => {
                self.used(v);
                None
            }
        };
        self.push(&t.subject, predicate, &t.object, guards);
    }

    /// Counts a read of `variable`'s value.
    fn used(&mut self, variable: &Variable) {
        *self.uses.entry(variable.clone()).or_default() += 1;
    }

    /// Counts the variables of a pattern's position.
    fn used_in(&mut self, term: &TermPattern) {
        if let TermPattern::Variable(v) = term {
            self.used(v);
        }
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
        let object_variable = match object {
            TermPattern::Variable(v) => Some(v.clone()),
            _ => None,
        };
        self.patterns.push(Pattern {
            subject: constant(subject),
            predicate,
            object: constant(object),
            subject_needs: needs(subject),
            object_needs: needs(object),
            object_resource: matches!(object, TermPattern::Variable(v) if guards.resources.contains(v)),
            object_language: object_variable.as_ref().and_then(|v| guards.languages.get(v).cloned()),
            object_variable,
            shape_only: false,
        });
        self.used_in(subject);
        self.used_in(object);
    }

    fn pattern(&mut self, p: &GraphPattern, outer: &Guards) {
        let guards = with(outer, p);
        match p {
            GraphPattern::Bgp { patterns } => {
                for t in patterns {
                    self.triple(t, &guards);
                }
            }
            GraphPattern::Path { subject, path, object } => {
                if let PropertyPathExpression::NamedNode(n) = path {
                    self.push(subject, Some(n.clone()), object, &guards);
                } else {
                    self.used_in(subject);
                    self.used_in(object);
                    self.path(path);
                }
            }
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
                let mut inside = with(&guards, right);
                if let Some(e) = expression {
                    languages(e, &mut inside.languages);
                }
                self.pattern(right, &inside);
                if let Some(e) = expression {
                    self.expression(e, &inside);
                }
            }
            GraphPattern::Filter { expr, inner } => {
                self.expression(expr, &guards);
                self.pattern(inner, &guards);
            }
            GraphPattern::Extend {
                inner,
                expression,
                variable,
            } => {
                self.used(variable);
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
            GraphPattern::Group {
                inner,
                aggregates,
                variables,
            } => {
                for v in variables {
                    self.used(v);
                }
                for (_, aggregate) in aggregates {
                    match aggregate {
                        AggregateExpression::FunctionCall { expr, .. } => self.expression(expr, &guards),
                        AggregateExpression::CountSolutions { distinct } => self.all_values |= *distinct,
                    }
                }
                self.pattern(inner, &guards);
            }
            // A subquery's variables are its own but for those it projects.
            GraphPattern::Project { inner, variables } => {
                for v in variables {
                    self.used(v);
                }
                self.pattern(inner, &projected(&guards, variables));
            }
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. } => self.pattern(inner, &guards),
            GraphPattern::Values { variables, .. } => {
                for v in variables {
                    self.used(v);
                }
            }
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
                object_language: None,
                object_variable: None,
                shape_only: false,
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
            Expression::Variable(v) => self.used(v),
            // Only the kind of the value is read.
            Expression::FunctionCall(
                Function::Lang | Function::Datatype | Function::IsIri | Function::IsBlank | Function::IsLiteral,
                args,
            ) if matches!(args.as_slice(), [Expression::Variable(_)]) => {}
            Expression::NamedNode(_) | Expression::Literal(_) | Expression::Bound(_) => {}
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

/// What a subquery projecting `variables` knows of them from `guards`: its other variables are its own.
fn projected(guards: &Guards, variables: &[Variable]) -> Guards {
    fn only<T: Clone>(map: &HashMap<Variable, T>, variables: &[Variable]) -> HashMap<Variable, T> {
        map.iter()
            .filter(|(v, _)| variables.contains(v))
            .map(|(v, t)| (v.clone(), t.clone()))
            .collect()
    }
    Guards {
        needs: only(&guards.needs, variables),
        resources: guards
            .resources
            .iter()
            .filter(|v| variables.contains(v))
            .cloned()
            .collect(),
        languages: only(&guards.languages, variables),
    }
}

/// `outer` with what every solution of `p` says of its variables (`?v a ex:C` in a group it must match,
/// `FILTER(LANG(?v) = "en")` over it).
fn with(outer: &Guards, p: &GraphPattern) -> Guards {
    let mut guards = outer.clone();
    required_classes(p, &mut guards);
    if let GraphPattern::Filter { expr, .. } = p {
        languages(expr, &mut guards.languages);
    }
    guards
}

/// The language tags that `e`, a filter, requires of variables: `LANG(?v) = "tag"` (either way round), alone or
/// among `&&`.
fn languages(e: &Expression, out: &mut HashMap<Variable, String>) {
    match e {
        Expression::And(a, b) => {
            languages(a, out);
            languages(b, out);
        }
        Expression::Equal(a, b) => {
            let lang_of = |x: &Expression| match x {
                Expression::FunctionCall(Function::Lang, args) => match args.as_slice() {
                    [Expression::Variable(v)] => Some(v.clone()),
                    _ => None,
                },
                _ => None,
            };
            let tag = |x: &Expression| match x {
                Expression::Literal(l) if l.language().is_none() && !l.value().is_empty() => {
                    Some(l.value().to_ascii_lowercase())
                }
                _ => None,
            };
            if let Some((v, t)) = lang_of(a).zip(tag(b)).or_else(|| lang_of(b).zip(tag(a))) {
                out.insert(v, t);
            }
        }
        _ => {}
    }
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

    #[test]
    fn a_language_filter_guards_the_patterns_of_its_scope() {
        let tagged = |lang: &str| {
            triple(
                "t",
                "label",
                Literal::new_language_tagged_literal("T", lang).unwrap().into(),
            )
        };
        let any = |_: &Term, _: &Needs| true;
        let q = reads("SELECT ?e ?l WHERE { ?e ex:a ?x OPTIONAL { ?e ex:label ?l FILTER(LANG(?l) = \"en\") } }");
        assert!(q.may_change(&[tagged("en")], &[], &any));
        assert!(!q.may_change(&[tagged("it")], &[tagged("it")], &any));
        let q = reads("SELECT ?l WHERE { ?e ex:label ?l FILTER(\"EN\" = LANG(?l) && BOUND(?e)) }");
        assert!(!q.may_change(&[], &[tagged("it")], &any));
        assert!(q.may_change(&[], &[tagged("en")], &any));
        // A filter on another scope guards nothing here.
        let q = reads("SELECT ?l WHERE { { ?e ex:label ?l } UNION { ?e ex:name ?l FILTER(LANG(?l) = \"en\") } }");
        assert!(q.may_change(&[], &[tagged("it")], &any));
    }

    #[test]
    fn a_pattern_whose_object_only_its_kind_is_read_sees_a_value_replaced_by_one_of_its_kind_as_no_change() {
        let label = |text: &str, lang: &str| {
            triple(
                "t",
                "label",
                Literal::new_language_tagged_literal(text, lang).unwrap().into(),
            )
        };
        let any = |_: &Term, _: &Needs| true;
        let shape_only = [
            "SELECT DISTINCT ?language WHERE { ?e ex:label ?l BIND(LANG(?l) AS ?language) }",
            "SELECT ?e WHERE { ?e ex:a ?x FILTER NOT EXISTS { ?e ex:label ?l FILTER(LANG(?l) = ?x) } }",
            "SELECT (COUNT(*) AS ?n) WHERE { ?e ex:label ?l FILTER(isLiteral(?l)) }",
        ];
        for text in shape_only {
            let q = reads(text);
            assert!(!q.may_change(&[label("A", "it")], &[label("B", "it")], &any), "{text}");
            assert!(q.may_change(&[label("A", "it")], &[label("A", "en")], &any), "{text}");
            assert!(q.may_change(&[label("A", "it")], &[], &any), "{text}");
            assert!(
                q.may_change(&[label("A", "it")], &[label("B", "it"), label("C", "it")], &any),
                "{text}"
            );
        }
        // The value itself is read: projected, joined, compared, ordered by, counted distinct or constructed.
        let value_read = [
            "SELECT ?l WHERE { ?e ex:label ?l }",
            "SELECT ?e WHERE { ?e ex:label ?l . ?f ex:name ?l }",
            "SELECT ?e WHERE { ?e ex:label ?l FILTER(STR(?l) = \"A\") }",
            "SELECT ?e WHERE { ?e ex:label ?l } ORDER BY ?l",
            "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?e ex:label ?l }",
            "CONSTRUCT { ?e ex:said ?l } WHERE { ?e ex:label ?l }",
            "SELECT * WHERE { ?e ex:label ?l }",
        ];
        for text in value_read {
            let q = reads(text);
            assert!(q.may_change(&[label("A", "it")], &[label("B", "it")], &any), "{text}");
        }
    }
}
