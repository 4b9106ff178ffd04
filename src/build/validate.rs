//! SHACL validation of the graph: SHACL Core shapes (`ontology/shapes.ttl` by default) checked by rudof's engine
//! against the union of the graph's named graphs. Each violation keeps its focus node, shape, path, value and
//! message, so that the command can say where in the curated files the offending fact was written; the standard
//! SHACL validation report is available as Turtle.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use oxigraph::model::{NamedOrBlankNode, Quad, Term, Triple};
use rudof_rdf::rdf_core::{BuildRDF, RDFFormat};
use rudof_rdf::rdf_impl::{OxigraphInMemory, ReaderMode};
use serde::Serialize;
use shacl::validator::processor::{GraphValidation, ShaclProcessor};
use shacl::validator::report::ValidationReport;
use shacl::validator::store::{Graph, ShaclDataManager};
use shacl::validator::{ShaclConfig, ShaclValidationMode};

use crate::build::ontology::parse_turtle_files;
use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::InputSet;
use crate::rdf::format::{self, ExportFormat};
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{owl, rdf, rdfs};

/// Why validation could not run (as opposed to finding violations).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The shapes could not be read or compiled.
    #[error("{0}")]
    Shapes(Diagnostics),
    /// The engine failed.
    #[error("SHACL validation failed: {0}")]
    Engine(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// One result of the validation report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Violation {
    /// The shape whose constraint failed (`sh:sourceShape`), when named.
    pub shape: Option<String>,
    /// The node that failed (`sh:focusNode`).
    pub focus: String,
    /// `sh:resultPath`, when the constraint is on a property.
    pub path: Option<String>,
    /// `sh:value`, the offending value.
    pub value: Option<String>,
    /// `sh:sourceConstraintComponent`.
    pub component: String,
    /// `sh:resultSeverity` (Violation, Warning, Info).
    pub severity: String,
    /// The shape's own English `sh:message` where it has one, else the engine's message.
    pub message: Option<String>,
    /// The engine's `sh:resultMessage`, which says what exactly failed.
    pub detail: Option<String>,
}

/// The outcome of a validation.
#[derive(Debug)]
pub struct Validation {
    /// Every result, sorted by shape, focus node and path.
    pub violations: Vec<Violation>,
    report: ValidationReport,
}

impl Validation {
    /// True when nothing of severity Violation was found.
    pub fn conforms(&self) -> bool {
        self.report.conforms()
    }

    /// The standard SHACL validation report, as Turtle.
    pub fn report_turtle(&self) -> Result<Vec<u8>, ValidateError> {
        let mut graph = OxigraphInMemory::new();
        self.report
            .to_rdf(&mut graph)
            .map_err(|e| ValidateError::Engine(e.into()))?;
        let mut out = Vec::new();
        BuildRDF::serialize(&graph, &RDFFormat::Turtle, &mut out).map_err(|e| ValidateError::Engine(e.into()))?;
        Ok(out)
    }
}

/// Validates `quads` (all named graphs merged) against the shapes in `shapes` (Turtle files), whose relative IRIs
/// (powkg's own terms) resolve against the base IRI of `minter`, as the graph's do.
pub fn validate(quads: &[Quad], shapes: &InputSet, minter: &Minter) -> Result<Validation, ValidateError> {
    // Syntax errors are reported by powkg's own Turtle reader first, with file, line and column.
    let (shape_triples, syntax) = parse_turtle_files(shapes, minter);
    if !syntax.is_empty() {
        return Err(ValidateError::Shapes(syntax));
    }
    // Shapes that name no shape, or none with a target, check nothing, and the graph would pass as conforming.
    if let Some(problem) = checks_nothing(&shape_triples) {
        let path = shapes
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ValidateError::Shapes(Diagnostics(vec![Diagnostic::file(
            if path.is_empty() { "shapes" } else { &path },
            problem,
        )])));
    }
    let shape_messages: HashMap<String, String> = shape_messages(&shape_triples).into_iter().collect();
    let mut shape_text = String::new();
    for file in &shapes.files {
        shape_text.push_str(&file.text);
        shape_text.push('\n');
    }
    let schema = ShaclDataManager::load(
        &mut Cursor::new(shape_text.as_bytes()),
        "shapes",
        &RDFFormat::Turtle,
        Some(minter.base()),
    )
    .map_err(|e| {
        let path = shapes.files.first().map_or("shapes", |f| f.path.as_str());
        ValidateError::Shapes(Diagnostics(vec![Diagnostic::file(
            path,
            format!("invalid SHACL shapes: {e}"),
        )]))
    })?;
    let mut data = Vec::new();
    format::write(quads, ExportFormat::NTriples, &[], &mut data).map_err(|e| ValidateError::Engine(e.into()))?;
    let data = String::from_utf8(data).map_err(|e| ValidateError::Engine(e.into()))?;
    let graph = OxigraphInMemory::from_str(&data, &RDFFormat::NTriples, None, &ReaderMode::default())
        .map_err(|e| ValidateError::Engine(e.into()))?;
    let report = GraphValidation::new(Graph::from(graph))
        .validate(&schema, &ShaclValidationMode::Native, &ShaclConfig::new())
        .map_err(|e| ValidateError::Engine(e.into()))?;
    let mut violations: Vec<Violation> = report
        .results()
        .iter()
        .map(|r| Violation {
            shape: r.source().map(|s| bare(&s.to_string())),
            focus: bare(&r.focus_node().to_string()),
            path: r.path().map(|p| bare(&p.to_string())),
            value: r.value().map(|v| bare(&v.to_string())),
            component: bare(&r.constraint_component().to_string()),
            severity: format!("{:?}", r.severity()),
            message: r
                .source()
                .and_then(|s| shape_messages.get(&bare(&s.to_string())).cloned())
                .or_else(|| message(r.message())),
            detail: message(r.message()),
        })
        .collect();
    violations.sort();
    violations.dedup();
    Ok(Validation { violations, report })
}

/// The shapes as one Turtle document that other SHACL tools read without being told the base IRI: each file's
/// triples (relative IRIs resolved against the build's base), written as N-Triples, which is Turtle.
pub fn shapes_turtle(shapes: &InputSet, minter: &Minter) -> Result<String, ValidateError> {
    let (triples, syntax) = parse_turtle_files(shapes, minter);
    if !syntax.is_empty() {
        return Err(ValidateError::Shapes(syntax));
    }
    let mut text = String::new();
    for t in triples {
        text.push_str(&t.to_string());
        text.push_str(" .\n");
    }
    Ok(text)
}

/// Why shapes written as `triples` would check nothing: no shape at all, or no shape with a target (a shape
/// without one is checked only where another shape refers to it). `None` when some shape has a target.
fn checks_nothing(triples: &[Triple]) -> Option<&'static str> {
    const SH: &str = "http://www.w3.org/ns/shacl#";
    let is = |iri: &str, local: &str| iri.strip_prefix(SH) == Some(local);
    let mut shapes = 0usize;
    let mut classes = HashSet::new();
    let mut class_shapes = HashSet::new();
    for t in triples {
        let p = t.predicate.as_str();
        if ["targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"]
            .iter()
            .any(|local| is(p, local))
        {
            return None;
        }
        if p == rdf::TYPE.as_str()
            && let Term::NamedNode(class) = &t.object
        {
            if is(class.as_str(), "NodeShape") || is(class.as_str(), "PropertyShape") {
                shapes += 1;
                if is(class.as_str(), "NodeShape") {
                    class_shapes.insert(t.subject.clone());
                }
            }
            if class.as_str() == owl::CLASS.as_str() || class.as_str().strip_prefix(rdfs::NS) == Some("Class") {
                classes.insert(t.subject.clone());
            }
        }
        if ["property", "path", "node"].iter().any(|local| is(p, local)) {
            shapes += 1;
        }
    }
    // A node shape that is also a class targets its instances (SHACL's implicit class target).
    if class_shapes.iter().any(|s| classes.contains(s)) {
        return None;
    }
    Some(if shapes == 0 {
        "no SHACL shape in the shapes: nothing would be checked, and any graph would conform; give shapes \
         (sh:NodeShape or sh:PropertyShape)"
    } else {
        "no SHACL shape has a target (sh:targetClass, sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf, or a \
         node shape that is also a class): nothing would be checked, and any graph would conform"
    })
}

/// Each shape's English `sh:message` (or its only one), by shape IRI.
fn shape_messages(triples: &[Triple]) -> HashMap<String, String> {
    let mut messages: HashMap<String, (bool, String)> = HashMap::new();
    for t in triples {
        if t.predicate.as_str() != "http://www.w3.org/ns/shacl#message" {
            continue;
        }
        if let (NamedOrBlankNode::NamedNode(shape), Term::Literal(text)) = (&t.subject, &t.object) {
            let english = text.language() == Some("en");
            let entry = messages
                .entry(shape.as_str().to_owned())
                .or_insert((english, text.value().to_owned()));
            if english && !entry.0 {
                *entry = (true, text.value().to_owned());
            }
        }
    }
    messages.into_iter().map(|(shape, (_, text))| (shape, text)).collect()
}

/// The English message of a result (or any message when it has no English one).
fn message(map: &shacl::types::MessageMap) -> Option<String> {
    let mut messages: Vec<(&Option<_>, &String)> = map.iter().collect();
    messages.sort_by_key(|(lang, _)| lang.as_ref().map_or(2, |l| usize::from(l.to_string() != "en")));
    messages.first().map(|(_, m)| (*m).clone())
}

/// An IRI without its angle brackets, as the rest of powkg prints IRIs in reports.
fn bare(text: &str) -> String {
    text.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use oxigraph::io::{RdfFormat, RdfParser};

    use super::*;

    fn triples(turtle: &str) -> Vec<Triple> {
        RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .map(|q| Triple::from(q.unwrap()))
            .collect()
    }

    const PREFIXES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> . \
                            @prefix owl: <http://www.w3.org/2002/07/owl#> .\n";

    #[test]
    fn shapes_that_check_nothing_are_told_from_shapes_that_check_something() {
        let check = |body: &str| checks_nothing(&triples(&format!("{PREFIXES}{body}")));
        assert!(check("").unwrap().starts_with("no SHACL shape in the shapes"));
        assert!(
            check("ex:a ex:b ex:c .")
                .unwrap()
                .starts_with("no SHACL shape in the shapes")
        );
        let untargeted = "ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .";
        assert!(check(untargeted).unwrap().starts_with("no SHACL shape has a target"));
        assert_eq!(check(&format!("{untargeted} ex:S sh:targetClass ex:C .")), None);
        assert_eq!(
            check("ex:S a sh:PropertyShape ; sh:path ex:p ; sh:targetNode ex:n ."),
            None
        );
        assert_eq!(check("ex:C a sh:NodeShape, owl:Class ; sh:closed true ."), None);
    }
}
