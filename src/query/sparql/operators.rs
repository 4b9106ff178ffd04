//! The one list of SPARQL's operators of two operands, for the walks over the algebra that treat them alike
//! (`bounds.rs` reads it, `rewrite.rs` rewrites it): a new operator is added here once.

/// A pattern matching every [`Expression`](spargebra::algebra::Expression) of two operands (`||`, `&&`, `=`,
/// `sameTerm`, comparisons and arithmetic), binding the operands to `$a` and `$b`.
macro_rules! two_operands {
    ($a:ident, $b:ident) => {
        spargebra::algebra::Expression::Or($a, $b)
            | spargebra::algebra::Expression::And($a, $b)
            | spargebra::algebra::Expression::Equal($a, $b)
            | spargebra::algebra::Expression::SameTerm($a, $b)
            | spargebra::algebra::Expression::Greater($a, $b)
            | spargebra::algebra::Expression::GreaterOrEqual($a, $b)
            | spargebra::algebra::Expression::Less($a, $b)
            | spargebra::algebra::Expression::LessOrEqual($a, $b)
            | spargebra::algebra::Expression::Add($a, $b)
            | spargebra::algebra::Expression::Subtract($a, $b)
            | spargebra::algebra::Expression::Multiply($a, $b)
            | spargebra::algebra::Expression::Divide($a, $b)
    };
}

pub(super) use two_operands;
