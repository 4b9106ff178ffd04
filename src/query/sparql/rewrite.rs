//! Checks and rewrites of a parsed query's algebra, before it is evaluated: a bound on its depth, the `SERVICE`
//! policy, a total order for `ORDER BY`, checkpoints in joins that read no quads and memory guards before the string functions
//! that build large values.

use oxigraph::model::{Literal, NamedNode, Variable};
use spargebra::Query;
use spargebra::algebra::{Expression, Function, GraphPattern, OrderExpression, PropertyPathExpression};
use spargebra::term::NamedNodePattern;

use super::functions;
use super::limits::{MAX_DEPTH, MAX_JOINS, MAX_PATTERNS, MAX_TRIPLE_PATTERNS, Refusal};
use super::operators::two_operands;

/// Where the rewrite's own variables start: a name no query uses by accident.
const FRESH: &str = "__powkg_";

/// Checks `query` against the bounds and, unless `allowed_services` is `None` (a check of a query file, not a
/// run), the allowed `SERVICE` endpoints; then rewrites it in place.
pub fn rewrite(query: &mut Query, allowed_services: Option<&[NamedNode]>) -> Result<(), Refusal> {
    let mut rewriter = Rewriter {
        allowed: allowed_services,
        fresh: 0,
        patterns: 0,
        triple_patterns: 0,
        joins: 0,
    };
    rewriter.pattern(pattern_of(query), 0)
}

struct Rewriter<'a> {
    allowed: Option<&'a [NamedNode]>,
    fresh: usize,
    patterns: usize,
    triple_patterns: usize,
    joins: usize,
}

fn custom(local: &str, args: Vec<Expression>) -> Expression {
    Expression::FunctionCall(Function::Custom(functions::iri(local)), args)
}

/// `p`, leaving an empty group in its place.
pub(super) fn take(p: &mut GraphPattern) -> GraphPattern {
    std::mem::replace(p, GraphPattern::Bgp { patterns: Vec::new() })
}

/// The graph pattern of a query, whatever its form.
pub(super) fn pattern_of(query: &mut Query) -> &mut GraphPattern {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    }
}

/// The patterns directly inside `p` (none for a basic graph pattern, a path or `VALUES`): what the local services'
/// rewrites (labels, search) walk down through.
pub(super) fn children(p: &mut GraphPattern) -> Vec<&mut GraphPattern> {
    match p {
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::LeftJoin { left, right, .. } => vec![&mut **left, &mut **right],
        GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Service { inner, .. } => vec![&mut **inner],
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => Vec::new(),
    }
}

impl Rewriter<'_> {
    fn count_triple_patterns(&mut self, n: usize) -> Result<(), Refusal> {
        self.triple_patterns += n;
        if self.triple_patterns > MAX_TRIPLE_PATTERNS {
            return Err(Refusal::TooManyTriplePatterns);
        }
        Ok(())
    }

    fn fresh(&mut self, what: &str) -> Variable {
        self.fresh += 1;
        Variable::new_unchecked(format!("{FRESH}{what}_{}", self.fresh))
    }

    fn pattern(&mut self, p: &mut GraphPattern, depth: usize) -> Result<(), Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal::TooDeep);
        }
        self.patterns += 1;
        if self.patterns > MAX_PATTERNS {
            return Err(Refusal::TooManyPatterns);
        }
        if matches!(
            p,
            GraphPattern::Join { .. }
                | GraphPattern::LeftJoin { .. }
                | GraphPattern::Minus { .. }
                | GraphPattern::Lateral { .. }
        ) {
            self.joins += 1;
            if self.joins > MAX_JOINS {
                return Err(Refusal::TooManyJoins);
            }
        }
        let d = depth + 1;
        match p {
            GraphPattern::Bgp { patterns } => self.count_triple_patterns(patterns.len())?,
            GraphPattern::Values { .. } => {}
            GraphPattern::Path { path, .. } => {
                self.count_triple_patterns(1)?;
                path_depth(path, d)?;
            }
            GraphPattern::Join { left, right }
            | GraphPattern::Union { left, right }
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
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. } => self.pattern(inner, d)?,
            GraphPattern::Group { inner, aggregates, .. } => {
                self.pattern(inner, d)?;
                for (_, aggregate) in aggregates {
                    if let spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } = aggregate {
                        self.expression(expr, d)?;
                    }
                }
            }
            GraphPattern::OrderBy { inner, expression } => {
                self.pattern(inner, d)?;
                for order in expression.iter_mut() {
                    let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = order;
                    self.expression(e, d)?;
                }
            }
            GraphPattern::Service { name, inner, .. } => {
                if let Some(allowed) = self.allowed {
                    match name {
                        NamedNodePattern::NamedNode(n) if allowed.contains(n) => {}
                        NamedNodePattern::NamedNode(n) => return Err(Refusal::Service(Some(n.clone()))),
                        NamedNodePattern::Variable(_) => return Err(Refusal::Service(None)),
                    }
                }
                self.pattern(inner, d)?;
            }
        }
        if matches!(p, GraphPattern::OrderBy { .. }) {
            self.total_order(p);
        }
        if needs_checkpoint(p) {
            let variable = self.fresh("checkpoint");
            *p = GraphPattern::Extend {
                inner: Box::new(take(p)),
                variable,
                expression: custom("checkpoint", Vec::new()),
            };
        }
        Ok(())
    }

    /// Replaces each `ORDER BY` key whose values may be of several kinds by two keys, the kind and the value within
    /// it (see [`functions`]), bound once per row to variables of the rewrite's own, so that sorting compares bound
    /// values and calls no function. The evaluator's comparison alone is not transitive across kinds of literals
    /// (9 < 10 < "10" < 9), and Rust's sort panics on such an order ("user-provided comparison function does not
    /// correctly implement a total order"). A key that can only give values of one kind (`STR(?x)`, `LANG(?x)`,
    /// `STRLEN(?x)`, a constant) is left as it is.
    fn total_order(&mut self, p: &mut GraphPattern) {
        let GraphPattern::OrderBy { inner, expression } = p else {
            return;
        };
        // A first key that gives no value but lets the query be stopped: the evaluator compares rows with no check
        // of its own, and a sort of many rows could otherwise outlive the deadline by seconds.
        let mut keys = Vec::with_capacity(expression.len() * 2 + 1);
        keys.push(OrderExpression::Asc(custom("checkpoint", Vec::new())));
        for order in expression.drain(..) {
            let (descending, e) = match order {
                OrderExpression::Asc(e) => (false, e),
                OrderExpression::Desc(e) => (true, e),
            };
            let direct = |e: Expression| {
                if descending {
                    OrderExpression::Desc(e)
                } else {
                    OrderExpression::Asc(e)
                }
            };
            if of_one_kind(&e) {
                keys.push(direct(e));
                continue;
            }
            let mut bind = |variable: Variable, expression: Expression| {
                **inner = GraphPattern::Extend {
                    inner: Box::new(take(inner)),
                    variable,
                    expression,
                };
            };
            let value = if let Expression::Variable(v) = e {
                v
            } else {
                let v = self.fresh("order");
                bind(v.clone(), e);
                v
            };
            for function in ["order-class", "order-value"] {
                let key = self.fresh("key");
                bind(key.clone(), custom(function, vec![Expression::Variable(value.clone())]));
                keys.push(direct(Expression::Variable(key)));
            }
        }
        *expression = keys;
    }

    fn expression(&mut self, e: &mut Expression, depth: usize) -> Result<(), Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal::TooDeep);
        }
        let d = depth + 1;
        match e {
            Expression::NamedNode(_) | Expression::Literal(_) | Expression::Variable(_) | Expression::Bound(_) => {}
            two_operands!(a, b) => {
                self.expression(a, d)?;
                self.expression(b, d)?;
            }
            Expression::In(a, list) => {
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
            Expression::Coalesce(list) => {
                for x in list {
                    self.expression(x, d)?;
                }
            }
            Expression::FunctionCall(function, args) => {
                for x in args.iter_mut() {
                    self.expression(x, d)?;
                }
                guard(function, args);
            }
        }
        Ok(())
    }
}

/// Whether a checkpoint must follow the rows of `p`. Reading a quad is where the evaluator checks its cancellation
/// token, so a join one of whose sides reads the store gives at most one side's rows (bounded by the store) between
/// two checks; a join of two sides that read nothing themselves (`VALUES` against `VALUES`, or joins of joins)
/// can give any number, and gets a checkpoint on every row it gives.
fn needs_checkpoint(p: &GraphPattern) -> bool {
    fn reads_quads(p: &GraphPattern) -> bool {
        match p {
            GraphPattern::Bgp { patterns } => !patterns.is_empty(),
            GraphPattern::Path { .. } => true,
            GraphPattern::Graph { inner, .. } | GraphPattern::Filter { inner, .. } => reads_quads(inner),
            _ => false,
        }
    }
    match p {
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Lateral { left, right } => !reads_quads(left) && !reads_quads(right),
        _ => false,
    }
}

/// Whether every value `e` can give is of one kind that the evaluator orders totally: plain strings (`STR`, `LANG`,
/// `LCASE`, `UCASE`, `CONCAT` of such), integers (`STRLEN`), a constant.
fn of_one_kind(e: &Expression) -> bool {
    match e {
        Expression::Literal(_)
        | Expression::NamedNode(_)
        | Expression::FunctionCall(Function::Str | Function::Lang | Function::StrLen | Function::EncodeForUri, _) => {
            true
        }
        Expression::FunctionCall(Function::UCase | Function::LCase, args) => args.iter().all(of_one_kind),
        _ => false,
    }
}

/// Puts the memory guards of [`functions`] before the string functions whose result can be much larger than their
/// arguments, so that a value the budget cannot hold is refused before it is built.
fn guard(function: &mut Function, args: &mut [Expression]) {
    let factor = |n: i64| Expression::Literal(Literal::from(n));
    match function {
        Function::Concat => *function = Function::Custom(functions::iri("concat")),
        Function::UCase | Function::LCase | Function::EncodeForUri if !args.is_empty() => {
            let x = std::mem::replace(&mut args[0], factor(0));
            args[0] = custom("grow", vec![x, factor(3)]);
        }
        Function::Replace if args.len() >= 3 => {
            let x = std::mem::replace(&mut args[0], factor(0));
            let replacement = args[2].clone();
            args[0] = custom("grow", vec![x, factor(1), replacement]);
        }
        _ => {}
    }
}

fn path_depth(path: &PropertyPathExpression, depth: usize) -> Result<(), Refusal> {
    if depth > MAX_DEPTH {
        return Err(Refusal::TooDeep);
    }
    match path {
        PropertyPathExpression::NamedNode(_) | PropertyPathExpression::NegatedPropertySet(_) => Ok(()),
        PropertyPathExpression::Reverse(p)
        | PropertyPathExpression::ZeroOrMore(p)
        | PropertyPathExpression::OneOrMore(p)
        | PropertyPathExpression::ZeroOrOne(p) => path_depth(p, depth + 1),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            path_depth(a, depth + 1)?;
            path_depth(b, depth + 1)
        }
    }
}
