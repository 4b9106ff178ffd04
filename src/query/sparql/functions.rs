//! The functions that [`super::rewrite`] puts into queries: checkpoints that let a query be stopped between rows,
//! the keys of a total order for `ORDER BY`, and `CONCAT` and guards that refuse a value the memory budget cannot
//! hold before it is built. They are registered on every evaluator and named under `urn:powkg:fn:`.

use std::str::FromStr;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term};
use oxigraph::sparql::SparqlEvaluator;
use oxsdatatypes::{
    Boolean, Date, DateTime, DayTimeDuration, Decimal, Double, Duration, Float, GDay, GMonth, GMonthDay, GYear,
    GYearMonth, Integer, Time, YearMonthDuration,
};

use super::worker;

/// The namespace of these functions.
pub(crate) const NS: &str = "urn:powkg:fn:";

/// A function as the evaluator calls it: arguments in, a value or an error (`None`) out.
type Function = fn(&[Term]) -> Option<Term>;

/// Every function, by local name.
const FUNCTIONS: [(&str, Function); 5] = [
    ("checkpoint", checkpoint),
    ("order-class", order_class),
    ("order-value", order_value),
    ("concat", concat),
    ("grow", grow),
];

/// The IRI of function `local`.
pub(crate) fn iri(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{NS}{local}"))
}

/// `evaluator` with every function registered.
pub(crate) fn register(mut evaluator: SparqlEvaluator) -> SparqlEvaluator {
    for (local, function) in FUNCTIONS {
        evaluator = evaluator.with_custom_function(iri(local), function);
    }
    evaluator
}

/// Stops the query if it was cancelled or went over its budget; otherwise no value, so that the variable the
/// rewrite binds it to stays unbound and nothing is allocated or stored for the row.
fn checkpoint(_: &[Term]) -> Option<Term> {
    worker::checkpoint();
    None
}

/// The rank of a term's kind in the order: blank nodes, IRIs, then literals by comparable family (numbers,
/// booleans, each calendar type with and without a timezone apart, durations, strings, language-tagged strings,
/// anything else), triples last. Within one family the evaluator's own comparison is total; across families it
/// is not (an integer against a string falls back to comparing lexical forms), which is why `ORDER BY` sorted
/// with it alone can break Rust's sort.
fn order_class(args: &[Term]) -> Option<Term> {
    let rank: i64 = match args.first()? {
        Term::BlankNode(_) => 0,
        Term::NamedNode(_) => 1,
        Term::Literal(l) => literal_class(l),
        Term::Triple(_) => 90,
    };
    Some(Literal::from(rank).into())
}

const NUMBER: i64 = 10;
const DURATION: i64 = 40;

fn literal_class(l: &Literal) -> i64 {
    if l.language().is_some() {
        return if l.direction().is_some() { 52 } else { 51 };
    }
    let v = l.value();
    let d = l.datatype();
    let tz = |offset: Option<oxsdatatypes::TimezoneOffset>| i64::from(offset.is_none());
    if let Some(n) = number(l) {
        return if n.is_nan() { NUMBER + 1 } else { NUMBER };
    }
    let class = if d == xsd::STRING {
        Some(50)
    } else if d == xsd::BOOLEAN {
        Boolean::from_str(v).ok().map(|_| 12)
    } else if d == xsd::DATE_TIME || d == xsd::DATE_TIME_STAMP {
        DateTime::from_str(v).ok().map(|x| 20 + tz(x.timezone_offset()))
    } else if d == xsd::DATE {
        Date::from_str(v).ok().map(|x| 22 + tz(x.timezone_offset()))
    } else if d == xsd::TIME {
        Time::from_str(v).ok().map(|x| 24 + tz(x.timezone_offset()))
    } else if d == xsd::G_YEAR_MONTH {
        GYearMonth::from_str(v).ok().map(|x| 26 + tz(x.timezone_offset()))
    } else if d == xsd::G_YEAR {
        GYear::from_str(v).ok().map(|x| 28 + tz(x.timezone_offset()))
    } else if d == xsd::G_MONTH_DAY {
        GMonthDay::from_str(v).ok().map(|x| 30 + tz(x.timezone_offset()))
    } else if d == xsd::G_MONTH {
        GMonth::from_str(v).ok().map(|x| 32 + tz(x.timezone_offset()))
    } else if d == xsd::G_DAY {
        GDay::from_str(v).ok().map(|x| 34 + tz(x.timezone_offset()))
    } else {
        duration_seconds(l).map(|_| DURATION)
    };
    class.unwrap_or(60)
}

/// Whether `d` is `xsd:integer` or one of the types derived from it that the evaluator reads as integers.
pub(super) fn is_integer_type(d: NamedNodeRef<'_>) -> bool {
    const INTEGERS: [NamedNodeRef<'static>; 13] = [
        xsd::INTEGER,
        xsd::BYTE,
        xsd::SHORT,
        xsd::INT,
        xsd::LONG,
        xsd::UNSIGNED_BYTE,
        xsd::UNSIGNED_SHORT,
        xsd::UNSIGNED_INT,
        xsd::UNSIGNED_LONG,
        xsd::POSITIVE_INTEGER,
        xsd::NEGATIVE_INTEGER,
        xsd::NON_POSITIVE_INTEGER,
        xsd::NON_NEGATIVE_INTEGER,
    ];
    INTEGERS.contains(&d)
}

/// The value of a numeric literal as a double (the one type every number converts to, totally ordered but for NaN).
fn number(l: &Literal) -> Option<f64> {
    let (v, d) = (l.value(), l.datatype());
    if is_integer_type(d) {
        Integer::from_str(v).ok().map(|i| f64::from(Double::from(i)))
    } else if d == xsd::DECIMAL {
        Decimal::from_str(v).ok().map(|x| f64::from(Double::from(x)))
    } else if d == xsd::FLOAT {
        Float::from_str(v).ok().map(|x| f64::from(Double::from(x)))
    } else if d == xsd::DOUBLE {
        Double::from_str(v).ok().map(f64::from)
    } else {
        None
    }
}

/// A duration in seconds, a month counted as its average length: a total order that agrees with every comparison
/// XML Schema can decide (`P1M` < `P40D`) and orders the others (`P1M` against `P30D`) one fixed way.
fn duration_seconds(l: &Literal) -> Option<f64> {
    const MONTH: f64 = 2_629_746.0;
    #[expect(
        clippy::cast_precision_loss,
        reason = "an order key: counts past 2^53 are beyond any calendar"
    )]
    let float = |n: i64| n as f64;
    let seconds = |d: i64, h: i64, m: i64, s: Decimal| {
        float(d) * 86_400.0 + float(h) * 3_600.0 + float(m) * 60.0 + f64::from(Double::from(s))
    };
    let (v, d) = (l.value(), l.datatype());
    if d == xsd::DURATION {
        Duration::from_str(v).ok().map(|x| {
            float(x.years() * 12 + x.months()) * MONTH + seconds(x.days(), x.hours(), x.minutes(), x.seconds())
        })
    } else if d == xsd::YEAR_MONTH_DURATION {
        YearMonthDuration::from_str(v)
            .ok()
            .map(|x| float(x.years() * 12 + x.months()) * MONTH)
    } else if d == xsd::DAY_TIME_DURATION {
        DayTimeDuration::from_str(v)
            .ok()
            .map(|x| seconds(x.days(), x.hours(), x.minutes(), x.seconds()))
    } else {
        None
    }
}

/// The value to compare within a family: a double for numbers and durations (NaN alone in its family: nothing), the
/// term itself otherwise. Within one family the evaluator orders these totally: by value for booleans, calendar
/// values and strings, by (text, language) for language-tagged strings, by text for IRIs, blank nodes and literals
/// of no family.
fn order_value(args: &[Term]) -> Option<Term> {
    let term = args.first()?;
    if let Term::Literal(l) = term
        && l.language().is_none()
        && let Some(n) = number(l).or_else(|| duration_seconds(l))
    {
        return (!n.is_nan()).then(|| Literal::from(n).into());
    }
    Some(term.clone())
}

/// SPARQL's `CONCAT`, which refuses a result larger than the query's remaining memory before building it. The
/// result keeps a language tag (and direction) that all arguments share, and is a plain string otherwise.
fn concat(args: &[Term]) -> Option<Term> {
    let mut size = 0usize;
    for arg in args {
        let Term::Literal(l) = arg else { return None };
        if l.language().is_none() && l.datatype() != xsd::STRING {
            return None;
        }
        size = size.saturating_add(l.value().len());
    }
    worker::reserve(size);
    let mut value = String::with_capacity(size);
    let mut shared = None;
    for (i, arg) in args.iter().enumerate() {
        let Term::Literal(l) = arg else { return None };
        value.push_str(l.value());
        let tag = l.language().map(|lang| (lang, l.direction()));
        shared = if i == 0 {
            tag
        } else {
            shared.filter(|s| Some(*s) == tag)
        };
    }
    Some(
        match shared {
            Some((lang, Some(direction))) => {
                Literal::new_directional_language_tagged_literal_unchecked(value, lang, direction)
            }
            Some((lang, None)) => Literal::new_language_tagged_literal_unchecked(value, lang),
            None => Literal::new_simple_literal(value),
        }
        .into(),
    )
}

/// `grow(x, n)` is `x`, once a string `n` times as long as `x` is known to fit the query's remaining memory: the
/// guard the rewrite puts before `UCASE`, `LCASE`, `ENCODE_FOR_URI` and `REPLACE`, which build such strings.
fn grow(args: &[Term]) -> Option<Term> {
    let (Some(x), Some(Term::Literal(factor))) = (args.first(), args.get(1)) else {
        return None;
    };
    let factor: usize = factor.value().parse().ok()?;
    let len = match x {
        Term::Literal(l) => l.value().len(),
        Term::NamedNode(n) => n.as_str().len(),
        _ => 0,
    };
    // REPLACE: at most one replacement per character and one at the end, each at most as long as the
    // replacement text, with every group reference (`$1`) standing for the whole input.
    let bound = match args.get(2) {
        Some(Term::Literal(r)) => {
            let each = if r.value().contains('$') {
                r.value().len().saturating_mul(len.saturating_add(1))
            } else {
                r.value().len()
            };
            len.saturating_add(1).saturating_mul(each).saturating_add(len)
        }
        _ => len.saturating_mul(factor),
    };
    worker::reserve(bound);
    Some(x.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(v: &str, d: NamedNodeRef<'_>) -> Term {
        Literal::new_typed_literal(v, d).into()
    }

    fn class(t: &Term) -> i64 {
        match order_class(std::slice::from_ref(t)) {
            Some(Term::Literal(l)) => l.value().parse().unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_of_every_type_share_a_family_and_strings_do_not() {
        let ten = typed("10", xsd::INTEGER);
        let nine = typed("9", xsd::INT);
        let s = typed("9", xsd::STRING);
        assert_eq!(class(&ten), class(&nine));
        assert_ne!(class(&ten), class(&s));
        assert_eq!(
            class(&typed("abc", xsd::INTEGER)),
            60,
            "an ill-typed number is of no family"
        );
        assert_ne!(class(&typed("NaN", xsd::DOUBLE)), class(&typed("1", xsd::DOUBLE)));
    }

    #[test]
    fn calendar_values_with_and_without_timezone_are_apart() {
        assert_ne!(
            class(&typed("1863-06-22T00:00:00Z", xsd::DATE_TIME)),
            class(&typed("1863-06-22T00:00:00", xsd::DATE_TIME))
        );
        assert_eq!(class(&typed("1863", xsd::G_YEAR)), class(&typed("1878", xsd::G_YEAR)));
    }

    #[test]
    fn concat_keeps_a_shared_language_and_drops_a_mixed_one() {
        let en = |v: &str| Term::from(Literal::new_language_tagged_literal_unchecked(v, "en"));
        let it = Term::from(Literal::new_language_tagged_literal_unchecked("b", "it"));
        assert_eq!(concat(&[en("a"), en("b")]), Some(en("ab")));
        assert_eq!(concat(&[en("a"), it]), Some(Literal::new_simple_literal("ab").into()));
        assert_eq!(concat(&[]), Some(Literal::new_simple_literal("").into()));
        assert_eq!(concat(&[typed("1", xsd::INTEGER)]), None, "CONCAT takes strings only");
    }

    #[test]
    fn durations_order_by_their_average_length() {
        let month = duration_seconds(&Literal::new_typed_literal("P1M", xsd::DURATION)).unwrap();
        let forty_days = duration_seconds(&Literal::new_typed_literal("P40D", xsd::DURATION)).unwrap();
        assert!(month < forty_days, "{month} {forty_days}");
        let year = duration_seconds(&Literal::new_typed_literal("P1Y1M", xsd::DURATION)).unwrap();
        let days = duration_seconds(&Literal::new_typed_literal("P400DT1H", xsd::DURATION)).unwrap();
        assert!(year < days, "{year} {days}");
    }
}
