//! Wikidata items named by their Wikidata IRI: a query that writes `wd:Q…` finds the entity the graph links to that
//! item (`?entity owl:sameAs wd:Q…`), as a query on the Wikidata Query Service finds the item itself.
//!
//! The graph keeps its own IRIs for its entities (they dereference to its pages) and links each entity with a
//! checked Wikidata identifier by `owl:sameAs`. Here, before evaluation, every `wd:Q…` constant of a triple pattern,
//! a property path's ends, a `VALUES` column or an equality test stands for the entity linked to it, or for itself
//! where no entity is linked:
//!
//! - in a triple or path pattern, the constant becomes a variable of the rewrite's own, bound first (a `LATERAL`
//!   join, so the pattern is evaluated with it bound) to the linked entity or else the constant;
//! - in `VALUES`, a column holding such a constant is bound the same way, row by row;
//! - `?x = wd:Q…`, `sameTerm(?x, wd:Q…)` and `?x IN (…, wd:Q…, …)` also hold where `?x owl:sameAs wd:Q…`.
//!
//! The object of an `owl:sameAs` pattern is left as written: that pattern is the link itself. Each constant costs
//! one lookup of the link by its object. Property IRIs (`wd:P…`) are the graph's own terms and are left alone.

use oxigraph::model::{NamedNode, Variable};
use spargebra::Query;
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern};

use super::rewrite::{pattern_of, take};
use crate::rdf::iri::wikidata_id;
use crate::rdf::vocab::owl;

/// Where this rewrite's own variables start.
const FRESH: &str = "__powkg_item_";

/// Rewrites every `wd:Q…` constant of `query` as the module says.
pub(super) fn rewrite(query: &mut Query) {
    let mut aliases = Aliases { fresh: 0 };
    aliases.pattern(pattern_of(query));
}

/// Whether `iri` names a Wikidata item (`wd:Q` and digits).
fn is_item(iri: &NamedNode) -> bool {
    wikidata_id(iri.as_str()).is_some_and(|id| id.starts_with('Q'))
}

fn same_as() -> NamedNodePattern {
    NamedNodePattern::NamedNode(owl::SAME_AS.into_owned())
}

struct Aliases {
    fresh: usize,
}

impl Aliases {
    fn fresh(&mut self) -> Variable {
        self.fresh += 1;
        Variable::new_unchecked(format!("{FRESH}{}", self.fresh))
    }

    fn pattern(&mut self, p: &mut GraphPattern) {
        match p {
            GraphPattern::Bgp { patterns } => {
                let mut bound = Vec::new();
                for triple in patterns.iter_mut() {
                    let link = matches!(&triple.predicate, NamedNodePattern::NamedNode(n) if *n == owl::SAME_AS);
                    self.term(&mut triple.subject, &mut bound);
                    if !link {
                        self.term(&mut triple.object, &mut bound);
                    }
                }
                Self::bind_first(p, bound);
            }
            GraphPattern::Path { subject, object, .. } => {
                let mut bound = Vec::new();
                self.term(subject, &mut bound);
                self.term(object, &mut bound);
                Self::bind_first(p, bound);
            }
            GraphPattern::Values { variables, bindings } => {
                let mut bound = Vec::new();
                for (i, variable) in variables.iter_mut().enumerate() {
                    let names_item = bindings
                        .iter()
                        .any(|row| matches!(row.get(i), Some(Some(GroundTerm::NamedNode(n))) if is_item(n)));
                    if names_item {
                        let written = self.fresh();
                        bound.push((
                            std::mem::replace(variable, written.clone()),
                            TermPattern::Variable(written),
                        ));
                    }
                }
                if !bound.is_empty() {
                    let values = take(p);
                    *p = bound
                        .into_iter()
                        .fold(values, |left, (variable, name)| GraphPattern::Lateral {
                            left: Box::new(left),
                            right: Box::new(resolved(&variable, &name)),
                        });
                }
            }
            GraphPattern::Filter { expr, inner } => {
                self.expression(expr);
                self.pattern(inner);
            }
            GraphPattern::Extend { inner, expression, .. } => {
                self.expression(expression);
                self.pattern(inner);
            }
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                if let Some(e) = expression {
                    self.expression(e);
                }
                self.pattern(left);
                self.pattern(right);
            }
            GraphPattern::OrderBy { inner, expression } => {
                for order in expression {
                    let (spargebra::algebra::OrderExpression::Asc(e) | spargebra::algebra::OrderExpression::Desc(e)) =
                        order;
                    self.expression(e);
                }
                self.pattern(inner);
            }
            GraphPattern::Group { inner, aggregates, .. } => {
                for (_, aggregate) in aggregates {
                    if let spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } = aggregate {
                        self.expression(expr);
                    }
                }
                self.pattern(inner);
            }
            other => {
                for child in super::rewrite::children(other) {
                    self.pattern(child);
                }
            }
        }
    }

    /// Replaces `term` by a variable of the rewrite's own if it is an item constant, noting what to bind it to.
    fn term(&mut self, term: &mut TermPattern, bound: &mut Vec<(Variable, TermPattern)>) {
        if let TermPattern::NamedNode(n) = term
            && is_item(n)
        {
            let variable = self.fresh();
            bound.push((variable.clone(), TermPattern::NamedNode(n.clone())));
            *term = TermPattern::Variable(variable);
        }
    }

    /// `p` evaluated after its item variables are bound.
    fn bind_first(p: &mut GraphPattern, bound: Vec<(Variable, TermPattern)>) {
        if bound.is_empty() {
            return;
        }
        let right = take(p);
        let left = bound
            .into_iter()
            .map(|(variable, name)| resolved(&variable, &name))
            .reduce(|a, b| GraphPattern::Join {
                left: Box::new(a),
                right: Box::new(b),
            });
        if let Some(left) = left {
            *p = GraphPattern::Lateral {
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn expression(&mut self, expression: &mut Expression) {
        match expression {
            Expression::Equal(left, right) | Expression::SameTerm(left, right) => {
                self.expression(left);
                self.expression(right);
                let link = match (&**left, &**right) {
                    (Expression::Variable(variable), Expression::NamedNode(item))
                    | (Expression::NamedNode(item), Expression::Variable(variable))
                        if is_item(item) =>
                    {
                        Some(linked(variable, item))
                    }
                    _ => None,
                };
                if let Some(link) = link {
                    let test = std::mem::replace(expression, Expression::Literal(false.into()));
                    *expression = Expression::Or(Box::new(test), Box::new(link));
                }
            }
            Expression::In(tested, list) => {
                self.expression(tested);
                for member in list.iter_mut() {
                    self.expression(member);
                }
                if let Expression::Variable(variable) = &**tested {
                    let links: Vec<Expression> = list
                        .iter()
                        .filter_map(|member| match member {
                            Expression::NamedNode(item) if is_item(item) => Some(linked(variable, item)),
                            _ => None,
                        })
                        .collect();
                    if !links.is_empty() {
                        let test = std::mem::replace(expression, Expression::Literal(false.into()));
                        *expression = links
                            .into_iter()
                            .fold(test, |all, link| Expression::Or(Box::new(all), Box::new(link)));
                    }
                }
            }
            Expression::Exists(p) => self.pattern(p),
            Expression::NamedNode(_) | Expression::Literal(_) | Expression::Variable(_) | Expression::Bound(_) => {}
            Expression::Or(a, b)
            | Expression::And(a, b)
            | Expression::Greater(a, b)
            | Expression::GreaterOrEqual(a, b)
            | Expression::Less(a, b)
            | Expression::LessOrEqual(a, b)
            | Expression::Add(a, b)
            | Expression::Subtract(a, b)
            | Expression::Multiply(a, b)
            | Expression::Divide(a, b) => {
                self.expression(a);
                self.expression(b);
            }
            Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => self.expression(a),
            Expression::If(a, b, c) => {
                self.expression(a);
                self.expression(b);
                self.expression(c);
            }
            Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
                for x in list {
                    self.expression(x);
                }
            }
        }
    }
}

/// `EXISTS { ?v owl:sameAs <item> }`.
fn linked(v: &Variable, item: &NamedNode) -> Expression {
    Expression::Exists(Box::new(GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject: TermPattern::Variable(v.clone()),
            predicate: same_as(),
            object: TermPattern::NamedNode(item.clone()),
        }],
    }))
}

/// `variable` bound to the entity linked to the item `name` (a constant, or a variable bound before), or to `name`
/// itself where no entity is linked to it or it is not an item:
/// `{ FILTER(BOUND(NAME)) } LATERAL { ?variable owl:sameAs NAME } UNION
///  { FILTER(!BOUND(NAME) || NOT EXISTS { ?linked owl:sameAs NAME }) BIND(NAME AS ?variable) }`
/// (an `UNDEF` of `VALUES` leaves the variable unbound).
fn resolved(variable: &Variable, name: &TermPattern) -> GraphPattern {
    let (value, bound) = match name {
        TermPattern::Variable(v) => (Expression::Variable(v.clone()), Expression::Bound(v.clone())),
        TermPattern::NamedNode(n) => (Expression::NamedNode(n.clone()), Expression::Literal(true.into())),
        // Only the two above are passed.
        _ => (Expression::Variable(variable.clone()), Expression::Literal(true.into())),
    };
    let link_of = |subject: Variable| GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject: TermPattern::Variable(subject),
            predicate: same_as(),
            object: name.clone(),
        }],
    };
    // Where the name is a variable, the link is looked up only where it is bound (the test comes first: after the
    // lookup, an unbound name would be bound by it to every link).
    let link = match name {
        TermPattern::Variable(_) => GraphPattern::Lateral {
            left: Box::new(GraphPattern::Filter {
                expr: bound.clone(),
                inner: Box::new(GraphPattern::Bgp { patterns: Vec::new() }),
            }),
            right: Box::new(link_of(variable.clone())),
        },
        _ => link_of(variable.clone()),
    };
    let unlinked = Expression::Not(Box::new(Expression::Exists(Box::new(link_of(
        Variable::new_unchecked(format!("{FRESH}linked")),
    )))));
    let itself = GraphPattern::Filter {
        expr: Expression::Or(Box::new(Expression::Not(Box::new(bound))), Box::new(unlinked)),
        inner: Box::new(GraphPattern::Extend {
            inner: Box::new(GraphPattern::Bgp { patterns: Vec::new() }),
            variable: variable.clone(),
            expression: value,
        }),
    };
    GraphPattern::Union {
        left: Box::new(link),
        right: Box::new(itself),
    }
}
