//! What changed, as a curator thinks of it: entities added, removed or relabelled; claims added, removed or changed
//! (value, bound, rank, qualifiers, references) with their sources; conflicts that appeared or were resolved;
//! sources; register records (counted, and named up to a limit); the rest by graph. Read from the subjects that
//! differ ([`super::diff`]) and, for names, from each side's store.
//!
//! The JSON form is versioned ([`FORMAT`], [`VERSION`]); `docs/changes.md` documents its schema.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oxigraph::model::{NamedNode, NamedNodeRef, Quad, Term};
use serde::Serialize;

use super::diff::{Side, SubjectChange};
use super::state::{self, Effort};
use crate::rdf::iri::{IriKind, Minter, shorten};
use crate::rdf::vocab::{pk, prov, rdf, rdfs, skos, wikibase};
use crate::store::StoreError;

/// The `format` of the JSON report.
pub const FORMAT: &str = "powkg-diff";
/// The `version` of the JSON report's schema.
pub const VERSION: u32 = 1;

/// A thing named in the report: its id, IRI and label.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Thing {
    /// Its id under its kind's path (`riverside` for `entity/riverside`), or its IRI's last segment.
    pub id: String,
    /// Its IRI.
    pub iri: String,
    /// Its label in the language asked for, or its first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// An entity whose labels changed.
#[derive(Debug, Clone, Serialize)]
pub struct Relabelled {
    /// The entity.
    #[serde(flatten)]
    pub thing: Thing,
    /// Its labels before, `"text"@lang`.
    pub old: Vec<String>,
    /// Its labels after.
    pub new: Vec<String>,
}

/// Added, removed and otherwise changed things of one kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Things {
    /// In the new graph only.
    pub added: Vec<Thing>,
    /// In the old graph only.
    pub removed: Vec<Thing>,
    /// In both, with other triples (for entities: besides their labels and the links to their claims).
    pub changed: Vec<ThingChange>,
}

/// A thing in both graphs whose own triples changed.
#[derive(Debug, Clone, Serialize)]
pub struct ThingChange {
    /// The thing.
    #[serde(flatten)]
    pub thing: Thing,
    /// The predicates whose values changed, shortened.
    pub predicates: Vec<String>,
}

/// The entities' changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Entities {
    /// Added, removed and otherwise changed.
    #[serde(flatten)]
    pub things: Things,
    /// Whose labels changed.
    pub relabelled: Vec<Relabelled>,
}

/// A claim as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// The claim's id.
    pub id: String,
    /// Its statement's IRI.
    pub iri: String,
    /// The entity it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Thing>,
    /// Its property.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<Thing>,
    /// Its main value(s), as text.
    pub value: Vec<String>,
    /// The sources its references name (their labels).
    pub source: Vec<String>,
}

/// One part of a claim that changed.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// `value`, `bound`, `rank`, `qualifier`, `reference`, `conflict`, `note`, `label` or `other`.
    pub part: &'static str,
    /// The qualifier's property, or the predicate of an `other` part, shortened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// The values before.
    pub old: Vec<String>,
    /// The values after.
    pub new: Vec<String>,
}

/// A claim in both graphs that changed.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimChange {
    /// The claim, as the new graph has it.
    #[serde(flatten)]
    pub claim: Claim,
    /// What changed.
    pub changes: Vec<Part>,
}

/// The claims' changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Claims {
    /// In the new graph only.
    pub added: Vec<Claim>,
    /// In the old graph only.
    pub removed: Vec<Claim>,
    /// In both, changed.
    pub changed: Vec<ClaimChange>,
}

/// Pairs of claims (by id) that conflict in one graph and not the other.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Conflicts {
    /// Conflicting in the new graph only.
    pub appeared: Vec<[String; 2]>,
    /// Conflicting in the old graph only.
    pub resolved: Vec<[String; 2]>,
}

/// Counted records, with the first ones named.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counted {
    /// How many.
    pub count: u64,
    /// The first of them by IRI, up to the report's limit: their ids.
    pub first: Vec<String>,
}

/// One register's changed records.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterChanges {
    /// The register's graph.
    pub graph: String,
    /// Records added.
    pub added: Counted,
    /// Records removed.
    pub removed: Counted,
    /// Records changed.
    pub changed: Counted,
}

/// Changes that are none of the above, by graph (the ontology, the dataset description, …).
#[derive(Debug, Clone, Serialize)]
pub struct OtherChanges {
    /// The graph (empty for the default graph).
    pub graph: String,
    /// Subjects changed.
    pub subjects: u64,
    /// Triples removed.
    pub removed: u64,
    /// Triples added.
    pub added: u64,
    /// The first subjects, up to the report's limit.
    pub first: Vec<String>,
}

/// Triples added and removed.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Triples {
    /// Only in the new graph.
    pub added: u64,
    /// Only in the old graph.
    pub removed: u64,
}

/// What was read to find the changes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cost {
    /// Buckets compared.
    pub buckets: u64,
    /// Buckets that differ.
    pub differing_buckets: u64,
    /// Subjects read from them.
    pub subjects_read: u64,
    /// Subjects that differ.
    pub subjects_changed: u64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`FORMAT`].
    pub format: &'static str,
    /// [`VERSION`].
    pub version: u32,
    /// The old graph, as named on the command line.
    pub old: String,
    /// The new graph.
    pub new: String,
    /// Whether the graphs are equal.
    pub equal: bool,
    /// Triples added and removed, over every graph.
    pub triples: Triples,
    /// Entities.
    pub entities: Entities,
    /// Claims.
    pub claims: Claims,
    /// Conflicts.
    pub conflicts: Conflicts,
    /// Sources (and their citations).
    pub sources: Things,
    /// Registers' records.
    pub registers: Vec<RegisterChanges>,
    /// The rest, by graph.
    pub other: Vec<OtherChanges>,
    /// What was read.
    pub cost: Cost,
}

/// How the report names things.
pub struct Naming<'a> {
    /// The minter of both graphs.
    pub minter: &'a Minter,
    /// The language labels are shown in, when a thing has one in it.
    pub language: Option<&'a str>,
    /// Most records or subjects named per list.
    pub limit: usize,
}

/// Reads names from one side's store.
struct Reader<'a> {
    side: &'a Side,
    naming: &'a Naming<'a>,
    prefixes: &'a [(String, String)],
}

impl Reader<'_> {
    fn label(&self, iri: &str) -> Result<Option<String>, StoreError> {
        let labels = self.side.store.objects(NamedNodeRef::new_unchecked(iri), rdfs::LABEL)?;
        let mut texts: Vec<(String, String)> = labels
            .into_iter()
            .filter_map(|t| match t {
                Term::Literal(l) => Some((l.language().unwrap_or_default().to_owned(), l.value().to_owned())),
                _ => None,
            })
            .collect();
        texts.sort();
        let wanted = self
            .naming
            .language
            .and_then(|lang| texts.iter().find(|(l, _)| l == lang));
        Ok(wanted.or(texts.first()).map(|(_, text)| text.clone()))
    }

    fn thing(&self, iri: &str) -> Result<Thing, StoreError> {
        Ok(Thing {
            id: self.naming.minter.local_id(iri).to_owned(),
            iri: iri.to_owned(),
            label: self.label(iri)?,
        })
    }

    fn short(&self, iri: &str) -> String {
        shorten(iri, self.prefixes).unwrap_or_else(|| format!("<{iri}>"))
    }

    /// A value as text: a literal's lexical form (and language), a thing's label, or a shortened IRI.
    fn text(&self, term: &Term) -> Result<String, StoreError> {
        Ok(match term {
            Term::Literal(l) => match l.language() {
                Some(lang) => format!("{}@{lang}", l.value()),
                None => l.value().to_owned(),
            },
            Term::NamedNode(n) => match self.label(n.as_str())? {
                Some(label) => format!("{label} ({})", self.short(n.as_str())),
                None => self.short(n.as_str()),
            },
            other => other.to_string(),
        })
    }

    /// A value node (a bound, a date's precision) as `predicate value` pairs.
    fn node_text(&self, term: &Term) -> Result<String, StoreError> {
        let Term::NamedNode(node) = term else {
            return self.text(term);
        };
        let mut parts = Vec::new();
        for q in self.side.store.about(node.as_ref())? {
            if q.predicate.as_ref() == rdf::TYPE || q.predicate.as_ref() == rdfs::LABEL {
                continue;
            }
            parts.push(format!(
                "{} {}",
                self.short(q.predicate.as_str()),
                self.text(&q.object)?
            ));
        }
        parts.sort();
        parts.dedup();
        Ok(parts.join(", "))
    }

    /// A claim as this side has it: its subject and property (from the link to it), its values and sources.
    fn claim(&self, iri: &str) -> Result<Claim, StoreError> {
        let node = NamedNodeRef::new_unchecked(iri);
        let mut subject = None;
        let mut property = None;
        for q in self.side.store.pointing_at(node)? {
            if let Some((1, p)) = self.naming.minter.family_of(q.predicate.as_str()) {
                subject = Some(self.thing(&q.subject.to_string_without_brackets())?);
                property = Some(self.thing(p.as_str())?);
                break;
            }
        }
        let mut value = Vec::new();
        let mut source = Vec::new();
        for q in self.side.store.about(node)? {
            match self.naming.minter.family_of(q.predicate.as_str()) {
                Some((2, _)) => value.push(self.text(&q.object)?),
                _ if q.predicate.as_ref() == prov::WAS_DERIVED_FROM => {
                    if let Term::NamedNode(r) = &q.object {
                        source.push(self.label(r.as_str())?.unwrap_or_else(|| self.short(r.as_str())));
                    }
                }
                _ => {}
            }
        }
        value.sort();
        value.dedup();
        source.sort();
        source.dedup();
        Ok(Claim {
            id: self.naming.minter.local_id(iri).to_owned(),
            iri: iri.to_owned(),
            subject,
            property,
            value,
            source,
        })
    }
}

trait SubjectText {
    fn to_string_without_brackets(&self) -> String;
}

impl SubjectText for oxigraph::model::NamedOrBlankNode {
    fn to_string_without_brackets(&self) -> String {
        match self {
            Self::NamedNode(n) => n.as_str().to_owned(),
            Self::BlankNode(b) => b.to_string(),
        }
    }
}

/// The part of a claim a predicate of its statement is.
fn claim_part(minter: &Minter, predicate: &NamedNode, object: &Term) -> (&'static str, Option<NamedNode>) {
    if let Some((family, property)) = minter.family_of(predicate.as_str()) {
        return match family {
            2 => ("value", Some(property)),
            3 => ("bound", Some(property)),
            4 | 5 => ("qualifier", Some(property)),
            _ => ("other", Some(predicate.clone())),
        };
    }
    let p = predicate.as_ref();
    let part = if p == wikibase::RANK
        || (p == rdf::TYPE && matches!(object, Term::NamedNode(n) if n.as_ref() == wikibase::BEST_RANK))
    {
        "rank"
    } else if p == prov::WAS_DERIVED_FROM {
        "reference"
    } else if p.as_str() == minter.term(pk::CONFLICTS_WITH).as_str() {
        "conflict"
    } else if p.as_str() == minter.term(pk::BOUND_KIND).as_str() {
        "bound"
    } else if p == skos::EDITORIAL_NOTE {
        "note"
    } else if p == rdfs::LABEL {
        "label"
    } else {
        return ("other", Some(predicate.clone()));
    };
    (part, None)
}

/// Builds the report of `changes` between `old` and `new`.
pub fn report(
    names: (&str, &str),
    old: &Side,
    new: &Side,
    changes: &[SubjectChange],
    effort: Effort,
    naming: &Naming<'_>,
) -> Result<Report, StoreError> {
    let prefixes = naming.minter.prefixes();
    let before = Reader {
        side: old,
        naming,
        prefixes: &prefixes,
    };
    let after = Reader {
        side: new,
        naming,
        prefixes: &prefixes,
    };
    let minter = naming.minter;
    let conflicts_with = minter.term(pk::CONFLICTS_WITH);
    let mut triples = Triples::default();
    let mut entities = Entities::default();
    let mut claims = Claims::default();
    let mut sources = Things::default();
    let mut conflicts: [BTreeSet<[String; 2]>; 2] = Default::default();
    let mut registers: BTreeMap<String, RegisterChanges> = BTreeMap::new();
    let mut other: BTreeMap<String, OtherChanges> = BTreeMap::new();
    let limit = naming.limit;
    for change in changes {
        triples.added += change.added.len() as u64;
        triples.removed += change.removed.len() as u64;
        conflict_pairs(minter, change, &conflicts_with, &mut conflicts);
        let in_register = minter
            .graph_name(&change.graph)
            .is_some_and(|name| name.starts_with("register/"));
        let kind = minter.kind(&change.subject);
        if in_register && !matches!(kind, Some(IriKind::Reference | IriKind::Value | IriKind::Statement)) {
            register_record(minter, change, &mut registers, limit);
            continue;
        }
        match kind {
            Some(IriKind::Entity) => entity(&before, &after, change, &mut entities)?,
            Some(IriKind::Statement) => claim(&before, &after, change, &mut claims)?,
            Some(IriKind::Source) => source(&before, &after, change, &mut sources)?,
            // Reference and value nodes are named by content: their changes show as the claims' that use them.
            Some(IriKind::Reference | IriKind::Value) => {}
            _ => other_change(&after, change, &mut other, limit),
        }
    }
    let [appeared, resolved] = conflicts;
    Ok(Report {
        format: FORMAT,
        version: VERSION,
        old: names.0.to_owned(),
        new: names.1.to_owned(),
        equal: changes.is_empty(),
        triples,
        entities,
        claims,
        conflicts: Conflicts {
            appeared: appeared.difference(&resolved).cloned().collect(),
            resolved: resolved.difference(&appeared).cloned().collect(),
        },
        sources,
        registers: registers.into_values().collect(),
        other: other.into_values().collect(),
        cost: Cost {
            buckets: effort.buckets,
            differing_buckets: effort.differing,
            subjects_read: effort.subjects_read,
            subjects_changed: changes.len() as u64,
        },
    })
}

/// The conflict pairs a change adds (`[0]`) or removes (`[1]`), from either claim of the pair.
fn conflict_pairs(
    minter: &Minter,
    change: &SubjectChange,
    conflicts_with: &NamedNode,
    conflicts: &mut [BTreeSet<[String; 2]>; 2],
) {
    for (i, quads) in [&change.added, &change.removed].into_iter().enumerate() {
        for q in quads.iter().filter(|q| &q.predicate == conflicts_with) {
            if let Term::NamedNode(other) = &q.object {
                let (a, b) = (minter.local_id(&change.subject), minter.local_id(other.as_str()));
                let pair = if a <= b { [a, b] } else { [b, a] };
                conflicts[i].insert(pair.map(str::to_owned));
            }
        }
    }
}

/// Counts a changed record of a register's graph.
fn register_record(
    minter: &Minter,
    change: &SubjectChange,
    registers: &mut BTreeMap<String, RegisterChanges>,
    limit: usize,
) {
    let entry = registers
        .entry(change.graph.clone())
        .or_insert_with(|| RegisterChanges {
            graph: change.graph.clone(),
            added: Counted::default(),
            removed: Counted::default(),
            changed: Counted::default(),
        });
    let counted = match (change.in_old, change.in_new) {
        (false, _) => &mut entry.added,
        (_, false) => &mut entry.removed,
        _ => &mut entry.changed,
    };
    counted.count += 1;
    if counted.first.len() < limit {
        counted.first.push(minter.local_id(&change.subject).to_owned());
    }
}

fn source(before: &Reader<'_>, after: &Reader<'_>, change: &SubjectChange, out: &mut Things) -> Result<(), StoreError> {
    match (change.in_old, change.in_new) {
        (false, _) => out.added.push(after.thing(&change.subject)?),
        (_, false) => out.removed.push(before.thing(&change.subject)?),
        _ => out.changed.push(ThingChange {
            thing: after.thing(&change.subject)?,
            predicates: predicates(after, change),
        }),
    }
    Ok(())
}

/// Counts a change that is none of the kinds the report names, by graph.
fn other_change(after: &Reader<'_>, change: &SubjectChange, other: &mut BTreeMap<String, OtherChanges>, limit: usize) {
    let entry = other.entry(change.graph.clone()).or_insert_with(|| OtherChanges {
        graph: change.graph.clone(),
        subjects: 0,
        removed: 0,
        added: 0,
        first: Vec::new(),
    });
    entry.subjects += 1;
    entry.removed += change.removed.len() as u64;
    entry.added += change.added.len() as u64;
    if entry.first.len() < limit {
        entry.first.push(after.short(&change.subject));
    }
}

/// The predicates of a change, shortened, each once.
fn predicates(reader: &Reader<'_>, change: &SubjectChange) -> Vec<String> {
    let set: BTreeSet<String> = change
        .added
        .iter()
        .chain(&change.removed)
        .map(|q| reader.short(q.predicate.as_str()))
        .collect();
    set.into_iter().collect()
}

fn entity(
    before: &Reader<'_>,
    after: &Reader<'_>,
    change: &SubjectChange,
    out: &mut Entities,
) -> Result<(), StoreError> {
    match (change.in_old, change.in_new) {
        (false, _) => out.things.added.push(after.thing(&change.subject)?),
        (_, false) => out.things.removed.push(before.thing(&change.subject)?),
        _ => {
            let labels = |quads: &[Quad]| -> Vec<String> {
                quads
                    .iter()
                    .filter(|q| q.predicate.as_ref() == rdfs::LABEL)
                    .map(|q| q.object.to_string())
                    .collect()
            };
            let (old, new) = (labels(&change.removed), labels(&change.added));
            if !old.is_empty() || !new.is_empty() {
                out.relabelled.push(Relabelled {
                    thing: after.thing(&change.subject)?,
                    old,
                    new,
                });
            }
            // The links to claims (`p:`, `wdt:` and the like) change with the claims, which are reported as such.
            let minter = after.naming.minter;
            let own: Vec<String> = predicates(after, change)
                .into_iter()
                .filter(|p| p != &after.short(rdfs::LABEL.as_str()))
                .collect();
            let own: Vec<String> = own
                .into_iter()
                .filter(|short| {
                    let claim_link = change.added.iter().chain(&change.removed).any(|q| {
                        &after.short(q.predicate.as_str()) == short && minter.family_of(q.predicate.as_str()).is_some()
                    });
                    !claim_link
                })
                .collect();
            if !own.is_empty() {
                out.things.changed.push(ThingChange {
                    thing: after.thing(&change.subject)?,
                    predicates: own,
                });
            }
        }
    }
    Ok(())
}

/// A claim's part and, for a qualifier or an `other` part, its property.
type PartKey = (&'static str, Option<String>);

fn claim(before: &Reader<'_>, after: &Reader<'_>, change: &SubjectChange, out: &mut Claims) -> Result<(), StoreError> {
    match (change.in_old, change.in_new) {
        (false, _) => out.added.push(after.claim(&change.subject)?),
        (_, false) => out.removed.push(before.claim(&change.subject)?),
        _ => {
            let minter = after.naming.minter;
            // (part, property) → (old values, new values)
            let mut parts: BTreeMap<PartKey, (Vec<String>, Vec<String>)> = BTreeMap::new();
            for (side, reader, quads) in [(0, before, &change.removed), (1, after, &change.added)] {
                for q in quads {
                    let (part, property) = claim_part(minter, &q.predicate, &q.object);
                    let text = match part {
                        "bound" if minter.family_of(q.predicate.as_str()).is_some() => reader.node_text(&q.object)?,
                        "qualifier" if minter.family_of(q.predicate.as_str()).is_some_and(|(f, _)| f == 5) => {
                            reader.node_text(&q.object)?
                        }
                        "reference" => match &q.object {
                            Term::NamedNode(r) => reader.label(r.as_str())?.unwrap_or_else(|| reader.short(r.as_str())),
                            other => other.to_string(),
                        },
                        "conflict" => match &q.object {
                            Term::NamedNode(n) => minter.local_id(n.as_str()).to_owned(),
                            other => other.to_string(),
                        },
                        _ => reader.text(&q.object)?,
                    };
                    let key = (part, property.map(|p| reader.short(p.as_str())));
                    let entry = parts.entry(key).or_default();
                    if side == 0 { &mut entry.0 } else { &mut entry.1 }.push(text);
                }
            }
            // A changed value makes a new value node: the bound is shown only when the value itself stayed. The
            // statement's label is made from its parts: it is shown only when nothing else changed.
            let value_changed: BTreeSet<Option<String>> = parts
                .keys()
                .filter(|(part, _)| *part == "value")
                .map(|(_, p)| p.clone())
                .collect();
            let only_labels = parts.keys().all(|(part, _)| *part == "label");
            let mut changes = Vec::new();
            for ((part, property), (mut old, mut new)) in parts {
                if (part == "bound" && value_changed.contains(&property)) || (part == "label" && !only_labels) {
                    continue;
                }
                old.sort();
                new.sort();
                changes.push(Part {
                    part,
                    property: property.filter(|_| part != "value" && part != "bound"),
                    old,
                    new,
                });
            }
            // Qualifier value nodes repeat their qualifier: keep one entry per qualifier property when both changed.
            changes.dedup_by(|b, a| a.part == "qualifier" && b.part == "qualifier" && a.property == b.property);
            out.changed.push(ClaimChange {
                claim: after.claim(&change.subject)?,
                changes,
            });
        }
    }
    Ok(())
}

impl Report {
    /// The report as text, for a terminal.
    pub fn text(&self) -> String {
        let mut r = String::new();
        let _ = writeln!(r, "powkg diff {} {}", self.old, self.new);
        if self.equal {
            let _ = writeln!(r, "  the graphs are equal");
            return r;
        }
        self.things_text(&mut r);
        self.claims_text(&mut r);
        self.records_text(&mut r);
        let _ = writeln!(
            r,
            "  triples    {} removed, {} added",
            self.triples.removed, self.triples.added
        );
        let _ = writeln!(
            r,
            "  read       {} of {} buckets differ, {} subjects read, {} changed",
            self.cost.differing_buckets, self.cost.buckets, self.cost.subjects_read, self.cost.subjects_changed
        );
        r
    }

    /// Entities and sources.
    fn things_text(&self, r: &mut String) {
        let changed = |x: &ThingChange| format!("{}: {}", thing_name(&x.thing), x.predicates.join(", "));
        let e = &self.entities;
        section(r, "entities added", e.things.added.iter().map(thing_name));
        section(r, "entities removed", e.things.removed.iter().map(thing_name));
        section(
            r,
            "entities relabelled",
            e.relabelled
                .iter()
                .map(|x| format!("{}: {} → {}", x.thing.id, x.old.join(", "), x.new.join(", "))),
        );
        section(r, "entities changed", e.things.changed.iter().map(changed));
        section(r, "sources added", self.sources.added.iter().map(thing_name));
        section(r, "sources removed", self.sources.removed.iter().map(thing_name));
        section(r, "sources changed", self.sources.changed.iter().map(changed));
    }

    /// Claims and conflicts.
    fn claims_text(&self, r: &mut String) {
        section(r, "claims added", self.claims.added.iter().map(claim_line));
        section(r, "claims removed", self.claims.removed.iter().map(claim_line));
        let show = |v: &[String]| {
            if v.is_empty() {
                "(none)".to_owned()
            } else {
                v.join(", ")
            }
        };
        section(
            r,
            "claims changed",
            self.claims.changed.iter().map(|c| {
                let mut line = claim_line(&c.claim);
                for p in &c.changes {
                    let what = match &p.property {
                        Some(prop) => format!("{} {prop}", p.part),
                        None => p.part.to_owned(),
                    };
                    let _ = write!(line, "\n      {what}: {} → {}", show(&p.old), show(&p.new));
                }
                line
            }),
        );
        let pair = |p: &[String; 2]| format!("{} ⟷ {}", p[0], p[1]);
        section(r, "conflicts appeared", self.conflicts.appeared.iter().map(pair));
        section(r, "conflicts resolved", self.conflicts.resolved.iter().map(pair));
    }

    /// Register records and the rest.
    fn records_text(&self, r: &mut String) {
        for reg in &self.registers {
            let _ = writeln!(
                r,
                "  register <{}>: {} records added, {} removed, {} changed",
                reg.graph, reg.added.count, reg.removed.count, reg.changed.count
            );
            for (what, c) in [
                ("added", &reg.added),
                ("removed", &reg.removed),
                ("changed", &reg.changed),
            ] {
                if !c.first.is_empty() {
                    let more = if c.count > c.first.len() as u64 { ", …" } else { "" };
                    let _ = writeln!(r, "    {what}: {}{more}", c.first.join(", "));
                }
            }
        }
        for o in &self.other {
            let graph = if o.graph == state::DEFAULT_GRAPH {
                "the default graph".to_owned()
            } else {
                format!("<{}>", o.graph)
            };
            let _ = writeln!(
                r,
                "  other changes in {graph}: {} subjects, {} triples removed, {} added ({})",
                o.subjects,
                o.removed,
                o.added,
                o.first.join(", ")
            );
        }
    }
}

/// `id "label"`, or the id alone.
fn thing_name(t: &Thing) -> String {
    match &t.label {
        Some(label) => format!("{} \"{label}\"", t.id),
        None => t.id.clone(),
    }
}

/// `id subject – property: values  [source: …]`.
fn claim_line(c: &Claim) -> String {
    let about = match (&c.subject, &c.property) {
        (Some(s), Some(p)) => format!(
            " {} – {}",
            s.label.as_deref().unwrap_or(&s.id),
            p.label.as_deref().unwrap_or(&p.id)
        ),
        _ => String::new(),
    };
    format!(
        "{}{about}: {}  [source: {}]",
        c.id,
        c.value.join(", "),
        c.source.join("; ")
    )
}

fn section(r: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(r, "  {title} ({})", lines.len());
    for line in lines {
        let _ = writeln!(r, "    {line}");
    }
}
