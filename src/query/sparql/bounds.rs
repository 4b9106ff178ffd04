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

use super::rewrite::{MAX_DEPTH, Refusal};

/// A kind of list in a query whose length is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The keys of one `ORDER BY`.
    OrderKeys,
    /// The keys of one `GROUP BY`.
    GroupKeys,
    /// The aggregates of one group (`COUNT`, `SUM`, … in `SELECT`, `HAVING` and `ORDER BY`).
    Aggregates,
    /// The variables one `SELECT` (or `DESCRIBE`) names.
    Projection,
    /// The variables of one `VALUES` block.
    ValuesVariables,
    /// The rows of one `VALUES` block.
    ValuesRows,
    /// The arguments of one function call (`CONCAT`, `COALESCE`, a custom function).
    Arguments,
    /// The members of one `IN` or `NOT IN` list.
    InMembers,
    /// The branches of `UNION`s in the whole query.
    UnionBranches,
    /// The steps of one property path (each IRI, `|` alternative and `/` step).
    PathSteps,
    /// The IRIs of one negated property set (`!(a|b|…)`).
    NegatedIris,
    /// The triples of a `CONSTRUCT` template.
    TemplateTriples,
    /// The graphs a query's `FROM` and `FROM NAMED` clauses name.
    DatasetGraphs,
    /// Triple terms nested in one another (`<<( … <<( … )>> … )>>`).
    TripleTermNesting,
    /// The distinct variables of the whole query (checked on the text: see [`super::syntax::too_long`]).
    Variables,
    /// The IRIs and variables one `DESCRIBE` names (checked on the text).
    DescribeTargets,
}

impl List {
    /// Every kind of list, in the order the README lists them.
    pub const ALL: [Self; 16] = [
        Self::OrderKeys,
        Self::GroupKeys,
        Self::Aggregates,
        Self::Projection,
        Self::ValuesVariables,
        Self::ValuesRows,
        Self::Arguments,
        Self::InMembers,
        Self::UnionBranches,
        Self::PathSteps,
        Self::NegatedIris,
        Self::TemplateTriples,
        Self::DatasetGraphs,
        Self::TripleTermNesting,
        Self::Variables,
        Self::DescribeTargets,
    ];

    /// The most entries the list may have.
    pub const fn limit(self) -> usize {
        match self {
            Self::OrderKeys | Self::GroupKeys => 32,
            Self::Aggregates
            | Self::ValuesVariables
            | Self::Arguments
            | Self::PathSteps
            | Self::NegatedIris
            | Self::DatasetGraphs => 64,
            Self::Projection | Self::UnionBranches | Self::TemplateTriples | Self::DescribeTargets => 256,
            Self::InMembers | Self::Variables => 1_000,
            Self::ValuesRows => 10_000,
            Self::TripleTermNesting => 16,
        }
    }

    /// What the list is, in the words of a refusal: "more than 32 {name}".
    pub const fn name(self) -> &'static str {
        match self {
            Self::OrderKeys => "ORDER BY keys in one ORDER BY",
            Self::GroupKeys => "GROUP BY keys in one GROUP BY",
            Self::Aggregates => "aggregates over one group",
            Self::Projection => "variables or expressions in one SELECT",
            Self::ValuesVariables => "variables in one VALUES block",
            Self::ValuesRows => "rows in one VALUES block",
            Self::Arguments => "arguments to one function call",
            Self::InMembers => "members of one IN list",
            Self::UnionBranches => "UNION branches",
            Self::PathSteps => "steps in one property path",
            Self::NegatedIris => "IRIs in one negated property set",
            Self::TemplateTriples => "triples in the CONSTRUCT template",
            Self::DatasetGraphs => "graphs named by FROM and FROM NAMED",
            Self::TripleTermNesting => "levels of triple terms nested in one another",
            Self::Variables => "distinct variables",
            Self::DescribeTargets => "IRIs or variables in one DESCRIBE",
        }
    }
}

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
            GraphPattern::Union { left, right } => {
                self.unions += 1;
                // n UNIONs join n + 1 branches.
                within(List::UnionBranches, self.unions + 1)?;
                self.pattern(left, d)?;
                self.pattern(right, d)?;
            }
            GraphPattern::Join { left, right }
            | GraphPattern::Minus { left, right }
            | GraphPattern::Lateral { left, right } => {
                self.pattern(left, d)?;
                self.pattern(right, d)?;
            }
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                self.pattern(left, d)?;
                self.pattern(right, d)?;
                if let Some(e) = expression {
                    self.expression(e, d)?;
                }
            }
            GraphPattern::Filter { expr, inner } => {
                self.pattern(inner, d)?;
                self.expression(expr, d)?;
            }
            GraphPattern::Extend { inner, expression, .. } => {
                self.pattern(inner, d)?;
                self.expression(expression, d)?;
            }
            GraphPattern::Project { inner, variables } => {
                within(List::Projection, variables.len())?;
                self.pattern(inner, d)?;
            }
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Service { inner, .. } => self.pattern(inner, d)?,
            GraphPattern::Group {
                inner,
                variables,
                aggregates,
            } => {
                within(List::GroupKeys, variables.len())?;
                within(List::Aggregates, aggregates.len())?;
                self.pattern(inner, d)?;
                for (_, aggregate) in aggregates {
                    if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                        self.expression(expr, d)?;
                    }
                }
            }
            GraphPattern::OrderBy { inner, expression } => {
                within(List::OrderKeys, expression.len())?;
                self.pattern(inner, d)?;
                for order in expression {
                    let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = order;
                    self.expression(e, d)?;
                }
            }
        }
        Ok(())
    }

    fn expression(&mut self, e: &Expression, depth: usize) -> Result<(), Refusal> {
        let d = deeper(depth)?;
        match e {
            Expression::NamedNode(_) | Expression::Literal(_) | Expression::Variable(_) | Expression::Bound(_) => {}
            Expression::Or(a, b)
            | Expression::And(a, b)
            | Expression::Equal(a, b)
            | Expression::SameTerm(a, b)
            | Expression::Greater(a, b)
            | Expression::GreaterOrEqual(a, b)
            | Expression::Less(a, b)
            | Expression::LessOrEqual(a, b)
            | Expression::Add(a, b)
            | Expression::Subtract(a, b)
            | Expression::Multiply(a, b)
            | Expression::Divide(a, b) => {
                self.expression(a, d)?;
                self.expression(b, d)?;
            }
            Expression::In(a, list) => {
                within(List::InMembers, list.len())?;
                self.expression(a, d)?;
                for x in list {
                    self.expression(x, d)?;
                }
            }
            Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => self.expression(a, d)?,
            Expression::Exists(p) => self.pattern(p, d)?,
            Expression::If(condition, then, otherwise) => {
                self.expression(condition, d)?;
                self.expression(then, d)?;
                self.expression(otherwise, d)?;
            }
            Expression::Coalesce(args) | Expression::FunctionCall(_, args) => {
                within(List::Arguments, args.len())?;
                for x in args {
                    self.expression(x, d)?;
                }
            }
        }
        Ok(())
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
