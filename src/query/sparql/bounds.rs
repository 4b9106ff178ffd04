//! The bounds on the lists a query holds (`ORDER BY` keys, projected variables, `VALUES` rows, function
//! arguments, …), checked on the parsed algebra before anything else walks it.
//!
//! Every later stage (the local services' rewrites, the total order of `ORDER BY`, the optimiser, the evaluator)
//! walks these lists, and some turn a list into a chain: each `ORDER BY` key becomes two nested bindings, each
//! `GROUP BY` expression and each projected expression one. A request of the server's size (1 MiB) could hold
//! 300,000 keys, whose chain overflowed the query thread's stack, and 20,000 keys kept a core busy for 90 s after
//! the deadline in the optimiser, which cannot be cancelled. Real queries stay far below every bound here.
//!
//! The walk is read-only and stops at [`MAX_DEPTH`](super::MAX_DEPTH), so it never recurses further than the
//! bound it checks.

use spargebra::Query;
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression, PropertyPathExpression};
use spargebra::term::{GroundTerm, TermPattern, TriplePattern};

use super::limits::{List, MAX_DEPTH, Refusal};
use super::operators::two_operands;

/// Checks every list of `query` against its bound, and its depth against [`MAX_DEPTH`].
pub fn check(query: &Query) -> Result<(), Refusal> {
    let mut walk = Walk { unions: 0 };
    let (dataset, pattern) = match query {
        Query::Select { dataset, pattern, .. }
        | Query::Describe { dataset, pattern, .. }
        | Query::Ask { dataset, pattern, .. } => (dataset, pattern),
        Query::Construct {
            template,
            dataset,
            pattern,
            ..
        } => {
            within(List::TemplateTriples, template.len())?;
            for triple in template {
                triple_pattern(triple)?;
            }
            (dataset, pattern)
        }
    };
    if let Some(dataset) = dataset {
        within(
            List::DatasetGraphs,
            dataset.default.len() + dataset.named.as_ref().map_or(0, Vec::len),
        )?;
    }
    walk.pattern(pattern, 0)
}

fn within(list: List, len: usize) -> Result<(), Refusal> {
    if len > list.limit() {
        return Err(Refusal::TooLong(list));
    }
    Ok(())
}

fn deeper(depth: usize) -> Result<usize, Refusal> {
    if depth >= MAX_DEPTH {
        return Err(Refusal::TooDeep);
    }
    Ok(depth + 1)
}

fn triple_pattern(triple: &TriplePattern) -> Result<(), Refusal> {
    term_nesting(&triple.subject, 0)?;
    term_nesting(&triple.object, 0)
}

/// Triple terms nest only through their subjects and objects; the bound keeps each well inside the stack.
fn term_nesting(term: &TermPattern, depth: usize) -> Result<(), Refusal> {
    match term {
        TermPattern::Triple(triple) => {
            if depth >= List::TripleTermNesting.limit() {
                return Err(Refusal::TooLong(List::TripleTermNesting));
            }
            term_nesting(&triple.subject, depth + 1)?;
            term_nesting(&triple.object, depth + 1)
        }
        _ => Ok(()),
    }
}

fn ground_nesting(term: &GroundTerm, depth: usize) -> Result<(), Refusal> {
    match term {
        GroundTerm::Triple(triple) => {
            if depth >= List::TripleTermNesting.limit() {
                return Err(Refusal::TooLong(List::TripleTermNesting));
            }
            ground_nesting(&triple.object, depth + 1)
        }
        _ => Ok(()),
    }
}

struct Walk {
    unions: usize,
}

impl Walk {
    fn pattern(&mut self, p: &GraphPattern, depth: usize) -> Result<(), Refusal> {
        let d = deeper(depth)?;
        self.lists(p, d)?;
        let (patterns, expressions) = parts(p);
        for inner in patterns {
            self.pattern(inner, d)?;
        }
        for e in expressions {
            self.expression(e, d)?;
        }
        Ok(())
    }

    /// The lists of `p` itself, each against its bound (what it holds is walked by [`Walk::pattern`]); a property
    /// path's steps count from the depth `d` of what `p` holds.
    fn lists(&mut self, p: &GraphPattern, d: usize) -> Result<(), Refusal> {
        match p {
            GraphPattern::Bgp { patterns } => {
                for triple in patterns {
                    triple_pattern(triple)?;
                }
            }
            GraphPattern::Path {
                subject, path, object, ..
            } => {
                term_nesting(subject, 0)?;
                term_nesting(object, 0)?;
                let mut steps = 0;
                path_steps(path, d, &mut steps)?;
            }
            GraphPattern::Values { variables, bindings } => {
                within(List::ValuesVariables, variables.len())?;
                within(List::ValuesRows, bindings.len())?;
                for row in bindings {
                    for term in row.iter().flatten() {
                        ground_nesting(term, 0)?;
                    }
                }
            }
            GraphPattern::Union { .. } => {
                self.unions += 1;
                // n UNIONs join n + 1 branches.
                within(List::UnionBranches, self.unions + 1)?;
            }
            GraphPattern::Project { variables, .. } => within(List::Projection, variables.len())?,
            GraphPattern::Group {
                variables, aggregates, ..
            } => {
                within(List::GroupKeys, variables.len())?;
                within(List::Aggregates, aggregates.len())?;
            }
            GraphPattern::OrderBy { expression, .. } => within(List::OrderKeys, expression.len())?,
            _ => {}
        }
        Ok(())
    }

    fn expression(&mut self, e: &Expression, depth: usize) -> Result<(), Refusal> {
        let d = deeper(depth)?;
        match e {
            Expression::In(_, list) => within(List::InMembers, list.len())?,
            Expression::Coalesce(args) | Expression::FunctionCall(_, args) => within(List::Arguments, args.len())?,
            _ => {}
        }
        let (operands, pattern) = operands(e);
        for x in operands {
            self.expression(x, d)?;
        }
        match pattern {
            Some(p) => self.pattern(p, d),
            None => Ok(()),
        }
    }
}

/// The expressions directly inside `e`, and the pattern of an `EXISTS`.
fn operands(e: &Expression) -> (Vec<&Expression>, Option<&GraphPattern>) {
    match e {
        Expression::NamedNode(_) | Expression::Literal(_) | Expression::Variable(_) | Expression::Bound(_) => {
            (Vec::new(), None)
        }
        two_operands!(a, b) => (vec![&**a, &**b], None),
        Expression::In(a, list) => (std::iter::once(&**a).chain(list).collect(), None),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => (vec![&**a], None),
        Expression::Exists(p) => (Vec::new(), Some(&**p)),
        Expression::If(condition, then, otherwise) => (vec![&**condition, &**then, &**otherwise], None),
        Expression::Coalesce(args) | Expression::FunctionCall(_, args) => (args.iter().collect(), None),
    }
}

/// The patterns and the expressions directly inside `p`, in the order its evaluation meets them.
fn parts(p: &GraphPattern) -> (Vec<&GraphPattern>, Vec<&Expression>) {
    match p {
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => (Vec::new(), Vec::new()),
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right }
        | GraphPattern::Lateral { left, right } => (vec![&**left, &**right], Vec::new()),
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => (vec![&**left, &**right], expression.iter().collect()),
        GraphPattern::Filter { expr, inner } => (vec![&**inner], vec![expr]),
        GraphPattern::Extend { inner, expression, .. } => (vec![&**inner], vec![expression]),
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => (vec![&**inner], Vec::new()),
        GraphPattern::Group { inner, aggregates, .. } => (
            vec![&**inner],
            aggregates
                .iter()
                .filter_map(|(_, aggregate)| match aggregate {
                    AggregateExpression::FunctionCall { expr, .. } => Some(expr),
                    AggregateExpression::CountSolutions { .. } => None,
                })
                .collect(),
        ),
        GraphPattern::OrderBy { inner, expression } => (
            vec![&**inner],
            expression
                .iter()
                .map(|order| {
                    let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = order;
                    e
                })
                .collect(),
        ),
    }
}

fn path_steps(path: &PropertyPathExpression, depth: usize, steps: &mut usize) -> Result<(), Refusal> {
    let d = deeper(depth)?;
    *steps += 1;
    within(List::PathSteps, *steps)?;
    match path {
        PropertyPathExpression::NamedNode(_) => Ok(()),
        PropertyPathExpression::NegatedPropertySet(iris) => within(List::NegatedIris, iris.len()),
        PropertyPathExpression::Reverse(p)
        | PropertyPathExpression::ZeroOrMore(p)
        | PropertyPathExpression::OneOrMore(p)
        | PropertyPathExpression::ZeroOrOne(p) => path_steps(p, d, steps),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            path_steps(a, d, steps)?;
            path_steps(b, d, steps)
        }
    }
}
