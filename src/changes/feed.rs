//! The change feed: a Linked Data Event Stream (LDES 1.0) that each build into a store appends to, one member per
//! changed thing, so that a harvester can follow the graph without taking it whole again.
//!
//! - The stream is `{base}feed` (`ldes:EventStream`): members are version objects (`dcterms:isVersionOf` the
//!   thing, `dcterms:created` the build's time, typed `as:Create`, `as:Update` or `as:Delete`), each holding, in the
//!   named graph of the member's IRI, every triple of the thing as the build has it: its own, and those of the
//!   statements, references and value nodes it links to (`p:`, `prov:wasDerivedFrom`, the value families).
//! - A thing is anything that is not such a dependent node: an entity, a source, a register record, an ontology
//!   term, the dataset. A changed statement, reference or value node gives a member to each thing that links to it.
//! - The root node `{base}feed/root` links to the first page kept; pages `{base}feed/page/N` hold
//!   [`Options::page_size`] members each, and link to the next. A page is immutable once the next one exists
//!   (`ldes:immutable true`, and `Cache-Control: immutable` where served).
//! - The files live in the store's directory, `feed/`: `meta.tsv` (the pages kept, their counts and time spans) and
//!   `pages/N.nq` (each page's members, as N-Quads). A build copies the previous store's pages into its staging
//!   directory (linking the full ones) and appends; the documents' own triples (the node, its relation) are written
//!   when a page is served or written to a site ([`Feed::page`]).
//! - Retention: with [`Options::retention_days`], full pages whose newest member is older are dropped, and the root
//!   says so (`ldes:retentionPolicy` with `ldes:fullLogDuration`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use oxigraph::model::{NamedNode, NamedNodeRef, Quad, Term};

use super::state::{self, Changed, State};
use crate::rdf::iri::{IriKind, Minter};
use crate::rdf::ntriples;
use crate::rdf::vocab::{dcterms, prov, rdf};
use crate::store::{GraphStore, StoreError};

/// The subdirectory of a store's directory that holds its feed.
pub const DIRECTORY: &str = "feed";

const HEADER: &str = "powkg-feed\t1";

/// The LDES namespace.
pub const LDES: &str = "https://w3id.org/ldes#";
/// The TREE namespace.
pub const TREE: &str = "https://w3id.org/tree#";
/// Activity Streams, whose `Create`, `Update` and `Delete` type the members.
pub const AS: &str = "https://www.w3.org/ns/activitystreams#";
const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_DURATION: &str = "http://www.w3.org/2001/XMLSchema#duration";

/// How a build appends to the feed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Members per page.
    pub page_size: usize,
    /// Full pages whose newest member is older than this many days are dropped; `None` keeps every page.
    pub retention_days: Option<u32>,
    /// The build's time, `YYYY-MM-DDThh:mm:ssZ`.
    pub time: String,
}

/// The default number of members per page.
pub const PAGE_SIZE: u64 = 500;

/// One page kept, as `meta.tsv` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMeta {
    /// Its number.
    pub number: u64,
    /// Members on it.
    pub count: usize,
    /// Its oldest member's time.
    pub first: String,
    /// Its newest member's time.
    pub last: String,
}

/// A store's feed, as its `meta.tsv` describes it.
#[derive(Debug, Clone)]
pub struct Feed {
    dir: PathBuf,
    /// Members per page.
    pub page_size: usize,
    /// The retention in days, if any.
    pub retention_days: Option<u32>,
    /// Members ever appended (the next member's number).
    pub members: u64,
    /// The pages kept, oldest first; the last one is open.
    pub pages: Vec<PageMeta>,
}

/// What a build appended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Appended {
    /// Members appended.
    pub members: u64,
    /// Of them, deletions.
    pub deleted: u64,
    /// Pages dropped by the retention.
    pub dropped: u64,
}

impl Feed {
    /// Reads the feed kept in a store's directory; `None` when it keeps none.
    pub fn read(store_dir: &Path) -> io::Result<Option<Self>> {
        let dir = store_dir.join(DIRECTORY);
        let path = dir.join("meta.tsv");
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, l)| l) != Some(HEADER) {
            return Err(state::bad(&path, 1, "the header `powkg-feed<TAB>1`"));
        }
        let mut feed = Self {
            dir,
            page_size: usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX),
            retention_days: None,
            members: 0,
            pages: Vec::new(),
        };
        for (n, line) in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            let bad = || {
                state::bad(
                    &path,
                    n + 1,
                    "`page_size`, `retention_days`, `members` or `page` and its fields",
                )
            };
            match fields[..] {
                ["page_size", v] => feed.page_size = v.parse().ok().filter(|v| *v > 0).ok_or_else(bad)?,
                ["retention_days", "-"] => feed.retention_days = None,
                ["retention_days", v] => feed.retention_days = Some(v.parse().map_err(|_| bad())?),
                ["members", v] => feed.members = v.parse().map_err(|_| bad())?,
                ["page", number, count, first, last] => feed.pages.push(PageMeta {
                    number: number.parse().map_err(|_| bad())?,
                    count: count.parse().map_err(|_| bad())?,
                    first: first.to_owned(),
                    last: last.to_owned(),
                }),
                _ => return Err(bad()),
            }
        }
        Ok(Some(feed))
    }

    fn write_meta(&self) -> io::Result<()> {
        let mut out = BufWriter::new(File::create(self.dir.join("meta.tsv"))?);
        writeln!(out, "{HEADER}")?;
        writeln!(out, "page_size\t{}", self.page_size)?;
        match self.retention_days {
            Some(d) => writeln!(out, "retention_days\t{d}")?,
            None => writeln!(out, "retention_days\t-")?,
        }
        writeln!(out, "members\t{}", self.members)?;
        for p in &self.pages {
            writeln!(out, "page\t{}\t{}\t{}\t{}", p.number, p.count, p.first, p.last)?;
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
    }

    fn page_file(&self, number: u64) -> PathBuf {
        self.dir.join("pages").join(format!("{number}.nq"))
    }

    /// Whether page `number` is kept and immutable (the next one exists).
    pub fn is_immutable(&self, number: u64) -> bool {
        self.pages.iter().any(|p| p.number == number) && self.pages.last().is_some_and(|p| p.number > number)
    }

    /// The stream's IRI, `{base}feed`.
    pub fn stream(minter: &Minter) -> NamedNode {
        minter.own("feed", "")
    }

    /// The root node's IRI, `{base}feed/root`.
    pub fn root_node(minter: &Minter) -> NamedNode {
        minter.own("feed/", "root")
    }

    /// A page's IRI, `{base}feed/page/N`.
    pub fn page_node(minter: &Minter, number: u64) -> NamedNode {
        minter.own("feed/page/", &number.to_string())
    }

    /// The document of the stream (`{base}feed`) or of its root node (`{base}feed/root`), as N-Quads: the stream's
    /// description, its view, the retention and the relation to the first page kept.
    pub fn root(&self, minter: &Minter) -> Vec<u8> {
        let stream = Self::stream(minter);
        let root = Self::root_node(minter);
        let mut out = Vec::new();
        let iri = |s: &str| NamedNode::new_unchecked(s);
        let mut triple = |s: &NamedNode, p: &str, o: Term| {
            ntriples::push_statement(&mut out, s.as_ref().into(), iri(p).as_ref(), o.as_ref(), b" .\n");
        };
        triple(&stream, rdf::TYPE.as_str(), iri(&format!("{LDES}EventStream")).into());
        triple(&stream, &format!("{TREE}view"), root.clone().into());
        triple(
            &stream,
            &format!("{LDES}timestampPath"),
            dcterms::CREATED.into_owned().into(),
        );
        triple(
            &stream,
            &format!("{LDES}versionOfPath"),
            dcterms::IS_VERSION_OF.into_owned().into(),
        );
        for kind in ["Create", "Update", "Delete"] {
            triple(
                &stream,
                &format!("{LDES}version{kind}Path"),
                rdf::TYPE.into_owned().into(),
            );
            triple(
                &stream,
                &format!("{LDES}version{kind}Object"),
                iri(&format!("{AS}{kind}")).into(),
            );
        }
        triple(&root, rdf::TYPE.as_str(), iri(&format!("{TREE}Node")).into());
        if let Some(days) = self.retention_days {
            let policy = iri(&format!("{}#retention", root.as_str()));
            triple(&root, &format!("{LDES}retentionPolicy"), policy.clone().into());
            triple(
                &policy,
                &format!("{LDES}fullLogDuration"),
                oxigraph::model::Literal::new_typed_literal(format!("P{days}D"), iri(XSD_DURATION)).into(),
            );
        }
        if let Some(first) = self.pages.first() {
            relation(&mut out, &root, &Self::page_node(minter, first.number), &first.first);
        }
        out
    }

    /// The document of page `number`, as N-Quads: the node, its relation to the next page and immutability once
    /// that page exists, then its members; `None` for a page not kept.
    pub fn page(&self, minter: &Minter, number: u64) -> io::Result<Option<Vec<u8>>> {
        let Some(i) = self.pages.iter().position(|p| p.number == number) else {
            return Ok(None);
        };
        let node = Self::page_node(minter, number);
        let mut out = Vec::new();
        let stream = Self::stream(minter);
        ntriples::push_statement(
            &mut out,
            stream.as_ref().into(),
            rdf::TYPE,
            NamedNode::new_unchecked(format!("{LDES}EventStream")).as_ref().into(),
            b" .\n",
        );
        ntriples::push_statement(
            &mut out,
            node.as_ref().into(),
            rdf::TYPE,
            NamedNode::new_unchecked(format!("{TREE}Node")).as_ref().into(),
            b" .\n",
        );
        if let Some(next) = self.pages.get(i + 1) {
            let immutable = oxigraph::model::Literal::new_typed_literal("true", NamedNode::new_unchecked(XSD_BOOLEAN));
            ntriples::push_statement(
                &mut out,
                node.as_ref().into(),
                NamedNode::new_unchecked(format!("{LDES}immutable")).as_ref(),
                immutable.as_ref().into(),
                b" .\n",
            );
            relation(
                &mut out,
                &node,
                &Self::page_node(minter, next.number),
                &self.pages[i].last,
            );
        }
        let members = match fs::read(self.page_file(number)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        out.extend_from_slice(&members);
        Ok(Some(out))
    }
}

/// `node tree:relation _:r . _:r a tree:GreaterThanOrEqualToRelation ; tree:node to ; tree:path dcterms:created ;
/// tree:value time`.
fn relation(out: &mut Vec<u8>, node: &NamedNode, to: &NamedNode, time: &str) {
    let r = oxigraph::model::BlankNode::new_unchecked("r");
    let iri = |s: String| NamedNode::new_unchecked(s);
    ntriples::push_statement(
        out,
        node.as_ref().into(),
        iri(format!("{TREE}relation")).as_ref(),
        r.as_ref().into(),
        b" .\n",
    );
    let mut on_r = |p: String, o: Term| {
        ntriples::push_statement(out, r.as_ref().into(), iri(p).as_ref(), o.as_ref(), b" .\n");
    };
    on_r(
        rdf::TYPE.as_str().to_owned(),
        iri(format!("{TREE}GreaterThanOrEqualToRelation")).into(),
    );
    on_r(format!("{TREE}node"), to.clone().into());
    on_r(format!("{TREE}path"), dcterms::CREATED.into_owned().into());
    on_r(
        format!("{TREE}value"),
        oxigraph::model::Literal::new_typed_literal(time, iri(XSD_DATE_TIME.to_owned())).into(),
    );
}

/// Whether a thing minted under the base is a dependent node (a statement, a reference, a value), whose triples are
/// part of the things that link to it.
fn is_dependent(minter: &Minter, iri: &str) -> bool {
    matches!(
        minter.kind(iri),
        Some(IriKind::Statement | IriKind::Reference | IriKind::Value)
    )
}

/// Whether `predicate` links a thing to a dependent node of it: a claim (`p:`), a value node (`psv:`, `pqv:`,
/// `prv:`) or a reference (`prov:wasDerivedFrom`).
fn is_link(minter: &Minter, predicate: NamedNodeRef<'_>) -> bool {
    predicate == prov::WAS_DERIVED_FROM || matches!(minter.family_of(predicate.as_str()), Some((1 | 3 | 5 | 7, _)))
}

/// The things a changed subject belongs to, found through the links to it in `store` (itself, when it is no
/// dependent node or nothing links to it).
fn owners(minter: &Minter, store: &GraphStore, iri: &str, out: &mut BTreeSet<String>) -> Result<(), StoreError> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![iri.to_owned()];
    while let Some(node) = stack.pop() {
        if !seen.insert(node.clone()) {
            continue;
        }
        if !is_dependent(minter, &node) {
            out.insert(node);
            continue;
        }
        let mut linked = false;
        for q in store.pointing_at(NamedNodeRef::new_unchecked(&node))? {
            if is_link(minter, q.predicate.as_ref())
                && let oxigraph::model::NamedOrBlankNode::NamedNode(s) = q.subject
            {
                linked = true;
                stack.push(s.into_string());
            }
        }
        if !linked {
            out.insert(node);
        }
    }
    Ok(())
}

/// Every triple of a thing as `store` has it: its own and those of the dependent nodes it links to, each once.
pub fn description(minter: &Minter, store: &GraphStore, thing: &str) -> Result<Vec<Quad>, StoreError> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![thing.to_owned()];
    let mut lines = BTreeMap::new();
    while let Some(node) = stack.pop() {
        if !seen.insert(node.clone()) {
            continue;
        }
        for q in store.about(NamedNodeRef::new_unchecked(&node))? {
            if let Term::NamedNode(o) = &q.object
                && is_link(minter, q.predicate.as_ref())
                && is_dependent(minter, o.as_str())
            {
                stack.push(o.as_str().to_owned());
            }
            let mut line = Vec::new();
            ntriples::push_triple(&mut line, q.as_ref().into());
            lines.entry(line).or_insert(q);
        }
    }
    Ok(lines.into_values().collect())
}

/// Appends to the feed the members of the things that changed from `old` to `new` (every thing when there is no
/// `old`), in `staging/feed/`, after copying the previous feed of `previous` (the store being replaced) there.
pub fn append(
    minter: &Minter,
    previous: Option<&Path>,
    staging: &Path,
    old: Option<&State>,
    new_state: &State,
    new: &GraphStore,
    options: &Options,
) -> Result<Appended, AppendError> {
    let (things, in_old) = changed_things(minter, old, new_state, new)?;
    let previous_feed = previous.map(Feed::read).transpose().map_err(AppendError::Io)?.flatten();
    let mut feed = Feed::carry(previous_feed.as_ref(), &staging.join(DIRECTORY), options).map_err(AppendError::Io)?;
    // A clock set back must not put members before earlier ones.
    let time = match feed.pages.last() {
        Some(p) if p.last > options.time => p.last.clone(),
        _ => options.time.clone(),
    };
    let mut appended = Appended::default();
    let mut writer: Option<(u64, BufWriter<File>)> = None;
    for thing in &things {
        let quads = description(minter, new, thing)?;
        let own = quads
            .iter()
            .any(|q| matches!(&q.subject, oxigraph::model::NamedOrBlankNode::NamedNode(n) if n.as_str() == thing));
        let kind = match (own, in_old.get(thing.as_str()).copied()) {
            (false, _) => "Delete",
            (true, Some(false)) => "Create",
            _ => "Update",
        };
        let page = feed.open_page(&time);
        if writer.as_ref().is_none_or(|(n, _)| *n != page) {
            if let Some((_, mut w)) = writer.take() {
                w.flush().map_err(AppendError::Io)?;
            }
            let file = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(feed.page_file(page))
                .map_err(AppendError::Io)?;
            writer = Some((page, BufWriter::new(file)));
        }
        let member = minter.own("feed/member/", &feed.members.to_string());
        let mut out = Vec::new();
        let quads: &[Quad] = if kind == "Delete" { &[] } else { &quads };
        member_quads(&mut out, minter, &member, thing, kind, &time, quads);
        if let Some((_, w)) = &mut writer {
            w.write_all(&out).map_err(AppendError::Io)?;
        }
        feed.members += 1;
        appended.members += 1;
        appended.deleted += u64::from(kind == "Delete");
        if let Some(open) = feed.pages.last_mut() {
            open.count += 1;
            open.last.clone_from(&time);
        }
    }
    if let Some((_, w)) = writer.take() {
        w.into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|f| f.sync_all())
            .map_err(AppendError::Io)?;
    }
    appended.dropped = feed.retain(&time);
    feed.write_meta().map_err(AppendError::Io)?;
    Ok(appended)
}

/// The things whose members a build appends, each once and in order, and whether each changed subject was in the
/// old state.
fn changed_things(
    minter: &Minter,
    old: Option<&State>,
    new_state: &State,
    new: &GraphStore,
) -> Result<(BTreeSet<String>, BTreeMap<String, bool>), AppendError> {
    let empty = State::default();
    let (changed, _) = state::compare(old.unwrap_or(&empty), new_state).map_err(AppendError::Io)?;
    let mut things = BTreeSet::new();
    let mut in_old: BTreeMap<String, bool> = BTreeMap::new();
    for Changed {
        subject,
        in_old: was,
        in_new,
        ..
    } in changed
    {
        // A dependent node that is gone changed the things that linked to it, which are in the list themselves.
        if subject == state::BLANK || (!in_new && is_dependent(minter, &subject)) {
            continue;
        }
        owners(minter, new, &subject, &mut things)?;
        *in_old.entry(subject).or_default() |= was;
    }
    Ok((things, in_old))
}

impl Feed {
    /// The feed in `dir` (a new store's staging directory), with the pages of `previous` carried over: the full
    /// ones linked (they never change), the open one copied (it is appended to).
    fn carry(previous: Option<&Feed>, dir: &Path, options: &Options) -> io::Result<Self> {
        fs::create_dir_all(dir.join("pages"))?;
        let mut feed = Feed {
            dir: dir.to_owned(),
            page_size: options.page_size,
            retention_days: options.retention_days,
            members: 0,
            pages: Vec::new(),
        };
        let Some(prev) = previous else {
            return Ok(feed);
        };
        feed.members = prev.members;
        feed.pages.clone_from(&prev.pages);
        for (i, page) in prev.pages.iter().enumerate() {
            let (from, to) = (prev.page_file(page.number), feed.page_file(page.number));
            let result = if i + 1 < prev.pages.len() {
                fs::hard_link(&from, &to).or_else(|_| fs::copy(&from, &to).map(|_| ()))
            } else {
                fs::copy(&from, &to).map(|_| ())
            };
            match result {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(feed)
    }

    /// The number of the page the next member goes on: the last one, or a new one when it is full (or there is
    /// none), begun at `time`.
    fn open_page(&mut self, time: &str) -> u64 {
        match self.pages.last() {
            Some(p) if p.count < self.page_size => return p.number,
            _ => {}
        }
        let number = self.pages.last().map_or(0, |p| p.number + 1);
        self.pages.push(PageMeta {
            number,
            count: 0,
            first: time.to_owned(),
            last: time.to_owned(),
        });
        number
    }

    /// Drops the full pages whose newest member is older than the retention before `time` (the open page always
    /// stays); how many.
    fn retain(&mut self, time: &str) -> u64 {
        let Some(days) = self.retention_days else {
            return 0;
        };
        let cutoff = shift_days(time, -i64::from(days));
        let mut dropped = 0;
        while self.pages.len() > 1 && self.pages[0].last < cutoff {
            let page = self.pages.remove(0);
            let _ = fs::remove_file(self.page_file(page.number));
            dropped += 1;
        }
        dropped
    }
}

/// The member's own quads and, in its named graph, the thing's triples.
fn member_quads(
    out: &mut Vec<u8>,
    minter: &Minter,
    member: &NamedNode,
    thing: &str,
    kind: &str,
    time: &str,
    quads: &[Quad],
) {
    let iri = |s: String| NamedNode::new_unchecked(s);
    let stream = Feed::stream(minter);
    let end = b" .\n";
    ntriples::push_statement(
        out,
        stream.as_ref().into(),
        iri(format!("{TREE}member")).as_ref(),
        member.as_ref().into(),
        end,
    );
    ntriples::push_statement(
        out,
        member.as_ref().into(),
        rdf::TYPE,
        iri(format!("{AS}{kind}")).as_ref().into(),
        end,
    );
    ntriples::push_statement(
        out,
        member.as_ref().into(),
        dcterms::IS_VERSION_OF,
        NamedNodeRef::new_unchecked(thing).into(),
        end,
    );
    let created = oxigraph::model::Literal::new_typed_literal(time, iri(XSD_DATE_TIME.to_owned()));
    ntriples::push_statement(
        out,
        member.as_ref().into(),
        dcterms::CREATED,
        created.as_ref().into(),
        end,
    );
    let graph_end = ntriples::line_end(Some(member));
    for q in quads {
        ntriples::push_statement(
            out,
            q.subject.as_ref(),
            q.predicate.as_ref(),
            q.object.as_ref(),
            graph_end.as_bytes(),
        );
    }
}

/// `time` (`YYYY-MM-DDThh:mm:ssZ`) moved by `days`; `time` itself when it is not in that form.
fn shift_days(time: &str, days: i64) -> String {
    let parsed = (|| {
        let (date, rest) = time.split_once('T')?;
        let mut parts = date.splitn(3, '-');
        let (y, m, d) = (
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
        );
        Some((crate::build::register::generate::days_from_civil(y, m, d), rest))
    })();
    match parsed {
        Some((day, rest)) => format!("{}T{rest}", crate::build::register::generate::iso(day + days)),
        None => time.to_owned(),
    }
}

/// The current time (UTC), `YYYY-MM-DDThh:mm:ssZ`.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::build::register::generate::iso(i64::try_from(days).unwrap_or(0)),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Why the feed could not be appended to.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file of the feed could not be read or written.
    #[error("cannot write the change feed: {0}")]
    Io(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_moves_a_time_by_whole_days() {
        assert_eq!(shift_days("2026-03-01T10:00:00Z", -1), "2026-02-28T10:00:00Z");
        assert_eq!(shift_days("2024-03-01T10:00:00Z", -1), "2024-02-29T10:00:00Z");
        assert_eq!(shift_days("not a time", 5), "not a time");
        assert!(now().ends_with('Z') && now().len() == 20, "{}", now());
    }
}
