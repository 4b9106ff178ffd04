//! The `ORDER BY` of a `SELECT`, sorted outside the evaluator.
//!
//! The evaluator compares two rows by evaluating each key on both, and a key's value is held in the store as a
//! number for its text: a comparison of two strings reads both from the store. A sort of n rows makes n log n such
//! reads, and with 200,000 rows they took three quarters of a query's time. Here the query's keys become
//! projected variables and its solutions come out of the evaluator unsorted, their values read once each; they are
//! then sorted in memory by the same order the evaluator uses (SPARQL's, made total by the rewrite's keys: see
//! `rewrite.rs`), and projected, made distinct and sliced as the query says.
//!
//! Only the outermost `ORDER BY` of a `SELECT` is taken out: a subquery's order matters only with its own slice,
//! which the evaluator applies.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::str::FromStr as _;
use std::sync::Arc;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, Term, Variable};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QuerySolutionIter};
use oxsdatatypes::{
    Date, DateTime, DayTimeDuration, Decimal, Double, Duration, Float, GDay, GMonth, GMonthDay, GYear, GYearMonth,
    Integer, Time, YearMonthDuration,
};
use spargebra::Query;
use spargebra::algebra::{Expression, Function, GraphPattern, OrderExpression};

use super::worker;

/// Where this stage's own variables start (the rewrite's start with `__powkg_`).
const FRESH: &str = "__powkg_sort_";

/// How to finish a `SELECT` whose outermost `ORDER BY` was taken out of its algebra.
#[derive(Debug, Clone)]
pub(super) struct Sort {
    /// The variables the query projects, in its order: the first columns of each solution.
    variables: Arc<[Variable]>,
    /// The variables the evaluator now projects: the query's, then the keys' that are not among them.
    evaluated: Vec<Variable>,
    /// Each key: its variable (among `evaluated`) and whether it sorts descending.
    keys: Vec<(Variable, bool)>,
    /// `DISTINCT` or `REDUCED` after the projection.
    dedup: Dedup,
    /// `OFFSET` and `LIMIT`.
    start: usize,
    length: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dedup {
    None,
    Distinct,
    Reduced,
}

/// Takes the outermost `ORDER BY` (and the `DISTINCT`, `REDUCED`, `OFFSET` and `LIMIT` around it) out of a
/// `SELECT`, leaving its algebra projecting the keys too; `None` (the query as it was) for any other query.
pub(super) fn take_order(query: &mut Query) -> Option<Sort> {
    let Query::Select { pattern, .. } = query else {
        return None;
    };
    // The shape the parser gives a SELECT: [Slice] [Distinct | Reduced] Project(OrderBy(…)).
    let mut at: &GraphPattern = pattern;
    let (mut start, mut length) = (0, None);
    if let GraphPattern::Slice {
        inner,
        start: s,
        length: l,
    } = at
    {
        (start, length) = (*s, *l);
        at = inner;
    }
    let dedup = match at {
        GraphPattern::Distinct { inner } => {
            at = inner;
            Dedup::Distinct
        }
        GraphPattern::Reduced { inner } => {
            at = inner;
            Dedup::Reduced
        }
        _ => Dedup::None,
    };
    let GraphPattern::Project { inner, variables } = at else {
        return None;
    };
    let GraphPattern::OrderBy { inner, expression } = &**inner else {
        return None;
    };
    let variables: Vec<Variable> = variables.clone();
    let mut sorted = (**inner).clone();
    let mut evaluated = variables.clone();
    let mut keys = Vec::with_capacity(expression.len());
    for (i, order) in expression.iter().enumerate() {
        let (e, descending) = match order {
            OrderExpression::Asc(e) => (e, false),
            OrderExpression::Desc(e) => (e, true),
        };
        let variable = match e {
            // The rewrite's checkpoint gives no value; the sort below checks the deadline itself.
            Expression::FunctionCall(Function::Custom(f), _) if *f == super::functions::iri("checkpoint") => continue,
            Expression::Variable(v) => v.clone(),
            e => {
                let v = Variable::new_unchecked(format!("{FRESH}{i}"));
                sorted = GraphPattern::Extend {
                    inner: Box::new(sorted),
                    variable: v.clone(),
                    expression: e.clone(),
                };
                v
            }
        };
        if !evaluated.contains(&variable) {
            evaluated.push(variable.clone());
        }
        keys.push((variable, descending));
    }
    *pattern = GraphPattern::Project {
        inner: Box::new(sorted),
        variables: evaluated.clone(),
    };
    Some(Sort {
        variables: variables.into(),
        evaluated,
        keys,
        dedup,
        start,
        length,
    })
}

/// Comparisons between two checks of the query's deadline and budget.
const CHECK_EVERY: u32 = 4096;

impl Sort {
    /// `results` (the evaluator's, of the query [`take_order`] changed) sorted, projected, made distinct and sliced
    /// as the query asked. Reads every row first; an evaluation error ends the results, as the evaluator's own
    /// sort would give it first.
    pub(super) fn apply(&self, results: QueryResults<'static>) -> QueryResults<'static> {
        let QueryResults::Solutions(rows) = results else {
            return results;
        };
        let columns: Vec<Option<usize>> = {
            let given = rows.variables();
            self.evaluated
                .iter()
                .map(|v| given.iter().position(|g| g == v))
                .collect()
        };
        let key_columns: Vec<(usize, bool)> = self
            .keys
            .iter()
            .filter_map(|(v, descending)| Some((self.evaluated.iter().position(|e| e == v)?, *descending)))
            .collect();
        let mut table: Vec<Vec<Option<Term>>> = Vec::new();
        for row in rows {
            match row {
                Ok(solution) => {
                    let values = solution.values();
                    table.push(
                        columns
                            .iter()
                            .map(|c| c.and_then(|c| values.get(c).cloned().flatten()))
                            .collect(),
                    );
                }
                Err(e) => return error(&self.variables, e),
            }
        }
        let mut compared = 0u32;
        table.sort_by(|a, b| {
            compared = compared.wrapping_add(1);
            if compared.is_multiple_of(CHECK_EVERY) {
                worker::checkpoint();
            }
            for &(column, descending) in &key_columns {
                let order = compare(a[column].as_ref(), b[column].as_ref());
                if order != Ordering::Equal {
                    return if descending { order.reverse() } else { order };
                }
            }
            Ordering::Equal
        });
        let width = self.variables.len();
        for row in &mut table {
            row.truncate(width);
        }
        match self.dedup {
            Dedup::None => {}
            Dedup::Reduced => table.dedup(),
            Dedup::Distinct => {
                let mut seen = HashSet::with_capacity(table.len());
                table.retain(|row| seen.insert(row.clone()));
            }
        }
        let rows = table
            .into_iter()
            .skip(self.start)
            .take(self.length.unwrap_or(usize::MAX))
            .map(Ok);
        QuerySolutionIter::from_tuples(Arc::clone(&self.variables), rows).into()
    }
}

/// Results that are only `e`.
fn error(variables: &Arc<[Variable]>, e: QueryEvaluationError) -> QueryResults<'static> {
    QuerySolutionIter::from_tuples(Arc::clone(variables), std::iter::once(Err(e))).into()
}

/// SPARQL's order of two key values, as the evaluator compares them: nothing first, then blank nodes, IRIs and
/// literals; blank nodes and IRIs by their text; literals of one comparable type by value, others by text,
/// datatype and language.
fn compare(a: Option<&Term>, b: Option<&Term>) -> Ordering {
    let rank = |t: &Term| match t {
        Term::BlankNode(_) => 0,
        Term::NamedNode(_) => 1,
        Term::Literal(_) => 2,
        Term::Triple(_) => 3,
    };
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (a, b) {
            (Term::BlankNode(a), Term::BlankNode(b)) => a.as_str().cmp(b.as_str()),
            (Term::NamedNode(a), Term::NamedNode(b)) => a.as_str().cmp(b.as_str()),
            (Term::Literal(a), Term::Literal(b)) => compare_literals(a, b).unwrap_or_else(|| {
                (a.value(), a.datatype(), a.language()).cmp(&(b.value(), b.datatype(), b.language()))
            }),
            (Term::Triple(a), Term::Triple(b)) => {
                let subject = |t: &oxigraph::model::Triple| match &t.subject {
                    oxigraph::model::NamedOrBlankNode::BlankNode(n) => (0, n.as_str().to_owned()),
                    oxigraph::model::NamedOrBlankNode::NamedNode(n) => (1, n.as_str().to_owned()),
                };
                subject(a)
                    .cmp(&subject(b))
                    .then_with(|| a.predicate.as_str().cmp(b.predicate.as_str()))
                    .then_with(|| compare(Some(&a.object), Some(&b.object)))
            }
            (a, b) => rank(a).cmp(&rank(b)),
        },
    }
}

/// The value order of two literals of comparable types (strings, strings of one language, numbers, calendar
/// values of one type, durations), where they have one.
fn compare_literals(a: &Literal, b: &Literal) -> Option<Ordering> {
    match (a.language(), b.language()) {
        (Some(la), Some(lb)) => {
            return (la == lb && a.direction() == b.direction()).then(|| a.value().cmp(b.value()));
        }
        (None, None) => {}
        _ => return None,
    }
    let (da, db) = (a.datatype(), b.datatype());
    if da == xsd::STRING && db == xsd::STRING {
        return Some(a.value().cmp(b.value()));
    }
    if let (Some(x), Some(y)) = (Number::of(a), Number::of(b)) {
        return x.partial_cmp(&y);
    }
    if let (Some(x), Some(y)) = (Span::of(a), Span::of(b)) {
        return x.partial_cmp(&y);
    }
    if da != db {
        return None;
    }
    let (va, vb) = (a.value(), b.value());
    if da == xsd::DATE_TIME || da == xsd::DATE_TIME_STAMP {
        by::<DateTime>(va, vb)
    } else if da == xsd::DATE {
        by::<Date>(va, vb)
    } else if da == xsd::TIME {
        by::<Time>(va, vb)
    } else if da == xsd::G_YEAR_MONTH {
        by::<GYearMonth>(va, vb)
    } else if da == xsd::G_YEAR {
        by::<GYear>(va, vb)
    } else if da == xsd::G_MONTH_DAY {
        by::<GMonthDay>(va, vb)
    } else if da == xsd::G_MONTH {
        by::<GMonth>(va, vb)
    } else if da == xsd::G_DAY {
        by::<GDay>(va, vb)
    } else {
        None
    }
}

/// Two lexical forms of one type compared by value, if both are valid.
fn by<T: std::str::FromStr + PartialOrd>(a: &str, b: &str) -> Option<Ordering> {
    T::from_str(a).ok()?.partial_cmp(&T::from_str(b).ok()?)
}

/// A numeric literal's value in the type the evaluator compares it in.
#[derive(Debug, Clone, Copy)]
enum Number {
    Integer(Integer),
    Decimal(Decimal),
    Float(Float),
    Double(Double),
}

impl Number {
    fn of(l: &Literal) -> Option<Self> {
        let (v, d) = (l.value(), l.datatype());
        if super::functions::is_integer_type(d) {
            Integer::from_str(v).ok().map(Self::Integer)
        } else if d == xsd::DECIMAL {
            Decimal::from_str(v).ok().map(Self::Decimal)
        } else if d == xsd::FLOAT {
            Float::from_str(v).ok().map(Self::Float)
        } else if d == xsd::DOUBLE {
            Double::from_str(v).ok().map(Self::Double)
        } else {
            None
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Number {
    /// Two numbers compared in the wider of their types (integer, decimal, float, double), as `XPath` promotes them.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        use Number::{Decimal as De, Double as Do, Float as Fl, Integer as In};
        match (*self, *other) {
            (In(a), In(b)) => a.partial_cmp(&b),
            (In(a), De(b)) => Decimal::from(a).partial_cmp(&b),
            (De(a), In(b)) => a.partial_cmp(&Decimal::from(b)),
            (De(a), De(b)) => a.partial_cmp(&b),
            (Do(a), b) => a.partial_cmp(&b.double()),
            (a, Do(b)) => a.double().partial_cmp(&b),
            (Fl(a), b) => a.partial_cmp(&b.float()?),
            (a, Fl(b)) => a.float()?.partial_cmp(&b),
        }
    }
}

impl Number {
    fn double(self) -> Double {
        match self {
            Self::Integer(x) => x.into(),
            Self::Decimal(x) => x.into(),
            Self::Float(x) => x.into(),
            Self::Double(x) => x,
        }
    }

    /// The value as a float; a double is not narrowed (a double against a float compares as doubles).
    fn float(self) -> Option<Float> {
        match self {
            Self::Integer(x) => Some(x.into()),
            Self::Decimal(x) => Some(x.into()),
            Self::Float(x) => Some(x),
            Self::Double(_) => None,
        }
    }
}

/// A duration literal's value: any two of the three duration types compare with each other.
#[derive(Debug, Clone, Copy)]
struct Span(Duration);

impl Span {
    fn of(l: &Literal) -> Option<Self> {
        let (v, d) = (l.value(), l.datatype());
        if d == xsd::DURATION {
            Duration::from_str(v).ok().map(Self)
        } else if d == xsd::YEAR_MONTH_DURATION {
            YearMonthDuration::from_str(v).ok().map(|x| Self(x.into()))
        } else if d == xsd::DAY_TIME_DURATION {
            DayTimeDuration::from_str(v).ok().map(|x| Self(x.into()))
        } else {
            None
        }
    }
}

impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.0.partial_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{BlankNode, NamedNode};
    use spargebra::SparqlParser;

    use super::*;

    fn typed(value: &str, datatype: oxigraph::model::NamedNodeRef<'_>) -> Term {
        Literal::new_typed_literal(value, datatype).into()
    }

    #[test]
    fn keys_order_as_sparql_says() {
        let iri = |s: &str| Term::from(NamedNode::new(s).unwrap());
        let ordered = [
            None,
            Some(Term::from(BlankNode::new("a").unwrap())),
            Some(iri("http://example.com/a")),
            Some(iri("http://example.com/b")),
            Some(typed("9", xsd::INTEGER)),
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(compare(a.as_ref(), b.as_ref()), i.cmp(&j), "{a:?} against {b:?}");
            }
        }
        // Numbers by value across their types, not by their text.
        let nine = typed("9", xsd::INTEGER);
        let ten = typed("10.0", xsd::DECIMAL);
        let half = typed("9.5", xsd::DOUBLE);
        let float = typed("9.25", xsd::FLOAT);
        assert_eq!(compare(Some(&nine), Some(&ten)), Ordering::Less);
        assert_eq!(compare(Some(&half), Some(&ten)), Ordering::Less);
        assert_eq!(compare(Some(&nine), Some(&float)), Ordering::Less);
        assert_eq!(compare(Some(&float), Some(&half)), Ordering::Less);
        assert_eq!(compare(Some(&typed("10", xsd::INT)), Some(&ten)), Ordering::Equal);
        // Calendar values by time, durations across their types.
        let early = typed("1863-01-10T12:00:00+02:00", xsd::DATE_TIME);
        let late = typed("1863-01-10T11:00:00Z", xsd::DATE_TIME);
        assert_eq!(compare(Some(&early), Some(&late)), Ordering::Less);
        assert_eq!(
            compare(
                Some(&typed("P1M", xsd::YEAR_MONTH_DURATION)),
                Some(&typed("P40D", xsd::DURATION))
            ),
            Ordering::Less
        );
        // Strings by text; tagged strings of one language by text, of two by text, datatype and tag.
        let plain = |s: &str| Term::from(Literal::new_simple_literal(s));
        let tagged = |s: &str, l: &str| Term::from(Literal::new_language_tagged_literal(s, l).unwrap());
        assert_eq!(compare(Some(&plain("B")), Some(&plain("a"))), Ordering::Less);
        assert_eq!(
            compare(Some(&tagged("b", "en")), Some(&tagged("a", "en"))),
            Ordering::Greater
        );
        assert_eq!(
            compare(Some(&tagged("a", "it")), Some(&tagged("a", "en"))),
            Ordering::Greater
        );
        assert_eq!(
            compare(Some(&tagged("a", "it")), Some(&tagged("b", "en"))),
            Ordering::Less
        );
        // Booleans and literals of no comparable type by text, then datatype.
        assert_eq!(
            compare(Some(&typed("false", xsd::BOOLEAN)), Some(&typed("true", xsd::BOOLEAN))),
            Ordering::Less
        );
    }

    fn taken(text: &str) -> (Query, Option<Sort>) {
        let mut query = SparqlParser::new().parse_query(text).unwrap();
        let sort = take_order(&mut query);
        (query, sort)
    }

    #[test]
    fn the_outer_order_is_taken_out_with_its_distinct_and_slice() {
        let (query, sort) = taken("SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY DESC(STR(?o)) ?s LIMIT 5 OFFSET 2");
        let sort = sort.unwrap();
        assert_eq!(sort.dedup, Dedup::Distinct);
        assert_eq!((sort.start, sort.length), (2, Some(5)));
        assert_eq!(sort.variables.len(), 1);
        let names: Vec<&str> = sort.evaluated.iter().map(Variable::as_str).collect();
        assert_eq!(names, ["s", "__powkg_sort_0"]);
        assert_eq!(
            sort.keys.iter().map(|(v, d)| (v.as_str(), *d)).collect::<Vec<_>>(),
            [("__powkg_sort_0", true), ("s", false)]
        );
        let text = query.to_string();
        assert!(
            !text.contains("ORDER BY") && !text.contains("DISTINCT") && !text.contains("LIMIT"),
            "{text}"
        );
    }

    #[test]
    fn other_queries_and_inner_orders_stay_with_the_evaluator() {
        assert!(taken("SELECT ?s WHERE { ?s ?p ?o }").1.is_none());
        assert!(taken("ASK { ?s ?p ?o }").1.is_none());
        assert!(
            taken("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s")
                .1
                .is_none()
        );
        let (query, sort) = taken("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 1 } }");
        assert!(sort.is_none());
        assert!(query.to_string().contains("ORDER BY"));
    }
}
