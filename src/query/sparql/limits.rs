//! The bounds a query is held to before it runs, and the refusal that names the one it went past: its depth and
//! size (checked by [`super::rewrite`]) and the length of each of its lists (checked by [`super::bounds`] on the
//! algebra and by [`super::syntax`] on the text).

use oxigraph::model::NamedNode;

/// The deepest algebra (patterns, expressions and property paths nested in one another) a query may have. Every
/// later stage (optimiser, evaluator, drop) recurses on it; on a query thread's stack the deepest query this lets
/// through uses a small part of it. Generated queries with a thousand `UNION` branches stay well inside.
pub const MAX_DEPTH: usize = 4096;

/// The most triple patterns a query may have (property paths count as the patterns they expand to), and the most
/// graph patterns (groups, joins, `OPTIONAL`, `UNION`, `FILTER`, `BIND`, subqueries...). Oxigraph's optimiser takes
/// time cubic in the size of a group and cannot be cancelled: on this project's machine a group of 500 triple
/// patterns took 4.4 s and one of 1,000 took 45 s, 128 groups each with an `OPTIONAL` 9.8 s, while 256 triple
/// patterns took 0.6 s and 60 such groups 0.6 s (120 joins; 240 joins took 8.3 s). Real queries stay far below
/// these bounds.
pub const MAX_TRIPLE_PATTERNS: usize = 256;
/// See [`MAX_TRIPLE_PATTERNS`].
pub const MAX_PATTERNS: usize = 512;
/// Joins of groups, `OPTIONAL`s, `MINUS`es and `LATERAL`s: see [`MAX_TRIPLE_PATTERNS`].
pub const MAX_JOINS: usize = 128;

/// Why a query is refused before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More triple patterns than [`MAX_TRIPLE_PATTERNS`].
    TooManyTriplePatterns,
    /// More graph patterns than [`MAX_PATTERNS`].
    TooManyPatterns,
    /// More joins than [`MAX_JOINS`].
    TooManyJoins,
    /// A list longer than its bound (checked by `bounds.rs`).
    TooLong(List),
    /// A `SERVICE` whose endpoint is not allowed (`None`: a variable).
    Service(Option<NamedNode>),
}

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
