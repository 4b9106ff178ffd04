//! Bringing an earlier site up to date: only the documents whose content may have changed are rendered, and only
//! those whose bytes did are written.
//!
//! Every site records, in [`DIRECTORY`] at its root, the state of the store it was written from (per-subject
//! hashes in buckets, [`crate::changes::state`]), a fingerprint of what its pages depend on besides the store (the
//! powkg version, the base IRI, the bundled queries, the dataset's title, licence and classes, the search box's
//! examples, the run's settings), the dumps' segment ranges, the number of its files, and a generation naming all
//! of these. A later run over the same `--out` with the same fingerprint compares the two states (reading only the
//! buckets that differ), and:
//!
//! - renders nothing when no subject changed (the site is verified current against the store's state);
//! - otherwise renders the things that changed, the things that show them (what points at them, and what they point
//!   at, whose pages list them), and up through statements, references and value nodes to the things they belong
//!   to; the pages of the class indexes and of the lists of mentions that list a changed thing (all of them where
//!   members or links came or went); the bundled queries whose answer the change may alter
//!   ([`crate::query::sparql::Reads::may_change`]); the landing page, the dataset description, the feed, the
//!   segments of the dumps whose buckets changed, and the sitemaps where things came or went. Each file is compared
//!   with the one there and written only where it differs;
//! - writes the whole site instead where a change may show on every page (the ontology, the dataset's description
//!   or the search box's examples, a blank node, a subject outside the base) or the fingerprint differs.
//!
//! The update is atomic as a whole site is: it is written into a copy of the site kept beside it
//! (`.{name}.site.copy`, whose files are hard links to the live site's, so it costs a link per file and no space;
//! a whole site links it before it is swapped in, so that no update waits for it), then the copy and the site are
//! exchanged in one rename, and the files written are linked into the copy
//! that was the site, which so becomes the new site's twin. A run killed before the exchange leaves the site as it
//! was and the copy marked stale (its generation file removed first), removed by the next run.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term, Triple};
use sha2::{Digest, Sha256};

use super::target::{self, MARKER, RECORD as DIRECTORY, SiteError, Target};
use super::written::{Files, Written};
use crate::changes::state::{self, State};
use crate::files::output::{exchange_or_rename, parent_and_name, remove_tree};
use crate::rdf::iri::{GraphKind, IriKind};
use crate::rdf::vocab::rdf;
use crate::web::render::Renderer;

/// The fingerprint file's first line.
const FINGERPRINT_HEADER: &str = "powkg-site\t1";

/// What [`prepare`] found.
pub(super) enum Outcome {
    /// Nothing changed since the earlier site, which holds this many files.
    Unchanged(u64),
    /// The site must be written whole, for this reason (none: there is no earlier site).
    Whole(Option<String>),
    /// The site is brought up to date by writing into its copy.
    Update(Box<Update>),
}

/// An update made ready: the copy to write into, what to write, and the feed to write.
pub(super) struct Update {
    /// The copy of the site, as the site is.
    pub copy: PathBuf,
    /// What to render.
    pub plan: Plan,
    /// The store's change feed.
    pub feed: Option<crate::changes::feed::Feed>,
    /// The earlier site's files.
    files: u64,
    /// The subjects that changed.
    pub changed: usize,
}

/// What an update renders besides the pages every run renders: the things whose documents may have changed, the
/// classes whose indexes may have, and whether the sitemaps must be written again (things came or went).
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Things to render (or to remove, where the graph no longer describes them).
    pub things: Vec<NamedNode>,
    /// Classes whose index pages to render.
    pub classes: BTreeSet<NamedNode>,
    /// Whether the sitemaps are written again.
    pub relist: bool,
    /// The triples removed (and those of subjects whose quads only changed graphs) and the triples added: a bundled
    /// query none of whose patterns they may change keeps its results.
    pub removed: Vec<Triple>,
    pub added: Vec<Triple>,
    /// The subjects that changed.
    pub subjects: BTreeSet<NamedNode>,
    /// The classes that gained or lost members.
    pub membership: BTreeSet<NamedNode>,
    /// The things a link to which was added or removed: their lists of what points at them changed, not only the
    /// labels in them.
    pub linked: BTreeSet<NamedNode>,
    /// The triples each changed subject had before (predicate and object).
    pub before: std::collections::HashMap<NamedNode, Vec<(NamedNode, Term)>>,
    /// And has now.
    pub after: std::collections::HashMap<NamedNode, Vec<(NamedNode, Term)>>,
    /// The buckets of the subjects that changed, and the earlier site's dumps' ranges, whose other buckets' segments
    /// are copied; `None`: every bucket is rendered.
    pub dumps: Option<(PathBuf, super::dumps::Ranges, BTreeSet<usize>)>,
}

impl Plan {
    /// Whether the answer of the bundled query `def` may have changed: whether a changed triple matches one of its
    /// patterns (any, where what it reads cannot be told).
    pub fn may_change(&self, renderer: &Renderer, def: &crate::query::QueryDef) -> bool {
        let has = |term: &Term, needs: &crate::query::sparql::Needs| -> bool {
            let thing = match term {
                Term::NamedNode(n) => n,
                // A blank node's triples cannot be looked up here; a literal is no subject.
                Term::BlankNode(_) => return true,
                _ => return false,
            };
            let all = |triples: &[(NamedNode, Term)]| {
                needs.iter().all(|(p, o)| {
                    triples
                        .iter()
                        .any(|(tp, to)| tp == p && o.as_ref().is_none_or(|o| o == to))
                })
            };
            if let (Some(before), Some(after)) = (self.before.get(thing), self.after.get(thing)) {
                return all(before) || all(after);
            }
            // A thing that did not change has the same triples before and after.
            let now: Vec<(NamedNode, Term)> = renderer
                .store()
                .about(thing.as_ref())
                .unwrap_or_default()
                .into_iter()
                .map(|q| (q.predicate, q.object))
                .collect();
            all(&now)
        };
        renderer
            .engine()
            .reads(&def.text)
            .map_or(true, |reads| reads.may_change(&self.removed, &self.added, &has))
    }
}

/// The state of `renderer`'s store: recorded with an on-disk store by `powkg build --store`, else read from it.
pub(super) fn state_of(renderer: &Renderer) -> io::Result<State> {
    if let Some(dir) = renderer.store().directory()
        && let Some(state) = State::read(dir)?
    {
        return Ok(state);
    }
    State::of_store(renderer.store()).map_err(io::Error::other)
}

/// What the site's pages depend on besides the store's subjects: a later run with another fingerprint writes the
/// site whole.
pub(super) fn fingerprint(renderer: &Renderer, settings: &str) -> String {
    let dataset = renderer.dataset();
    let mut described: Vec<&str> = dataset.described.iter().map(NamedNode::as_str).collect();
    described.sort_unstable();
    let mut roles: Vec<String> = dataset.roles.iter().map(|(p, r)| format!("{p} {r:?}")).collect();
    roles.sort_unstable();
    let shown = format!(
        "{:?}",
        (
            &dataset.dataset,
            &dataset.titles,
            &dataset.descriptions,
            &dataset.licence,
            &dataset.rights,
            &dataset.created,
            described,
            roles,
            &dataset.entity_classes,
            &dataset.search_examples,
        )
    );
    let queries: Vec<String> = renderer
        .queries()
        .iter()
        .map(|q| format!("{}\n{}", q.name, q.text))
        .collect();
    let digest = |text: &str| hex(&Sha256::digest(text.as_bytes()));
    format!(
        "{FINGERPRINT_HEADER}\nversion\t{}\nbase\t{}\nsettings\t{}\nqueries\t{}\ndataset\t{}\n",
        env!("CARGO_PKG_VERSION"),
        renderer.minter().base(),
        settings.replace(['\t', '\n'], " "),
        digest(&queries.join("\n\u{0}")),
        digest(&shown),
    )
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Records, in `root`'s [`DIRECTORY`] (replaced), the store state a site was written from, its fingerprint, the
/// number of its files and a new generation.
pub(super) fn record(
    root: &Path,
    state: &State,
    fingerprint: &str,
    files: u64,
    ranges: &super::dumps::Ranges,
) -> io::Result<()> {
    let dir = root.join(DIRECTORY);
    if dir.exists() {
        remove_tree(&dir)?;
    }
    fs::create_dir(&dir)?;
    state.write(&dir)?;
    ranges.write(&dir)?;
    fs::write(dir.join("fingerprint"), fingerprint)?;
    fs::write(dir.join("files"), format!("{files}\n"))?;
    // The generation names what the site holds, so that two sites of one store are byte-identical, record and all.
    let mut digest = Sha256::new();
    for part in [state::DIRECTORY, "fingerprint", "files", super::dumps::RANGES] {
        let path = if part == state::DIRECTORY {
            dir.join(part).join("index.tsv")
        } else {
            dir.join(part)
        };
        digest.update(fs::read(path)?);
    }
    fs::write(dir.join("generation"), format!("{}\n", hex(&digest.finalize())))
}

/// The lock beside a site (`.NAME.site.lock`), held while a run writes it (two runs over one site would write into
/// one copy), and removed when the run ends, so that nothing is left beside a site but the site and its copy.
pub(super) struct Lock {
    path: PathBuf,
    _file: fs::File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Takes the lock of the site at `out`, making the folder it is in.
pub(super) fn lock(out: &Path) -> Result<Lock, SiteError> {
    let (parent, name) = parent_and_name(out, "site");
    let io_error = |e: io::Error| SiteError::Output {
        path: out.to_owned(),
        source: e,
    };
    fs::create_dir_all(&parent).map_err(io_error)?;
    let path = parent.join(format!(".{name}.site.lock"));
    let file = fs::File::create(&path).map_err(io_error)?;
    if file.try_lock().is_err() {
        return Err(SiteError::Target {
            path: out.to_owned(),
            why: "another powkg site is writing this site now".to_owned(),
        });
    }
    Ok(Lock { path, _file: file })
}

/// The copy kept beside the site at `out`.
fn copy_path(out: &Path) -> PathBuf {
    let (parent, name) = parent_and_name(out, "site");
    parent.join(format!(".{name}.site.copy"))
}

/// Removes the copy kept beside the site at `out`, stale once the site is written whole.
pub(super) fn forget_copy(out: &Path) {
    let copy = copy_path(out);
    if copy.exists() {
        let _ = remove_tree(&copy);
    }
}

fn generation(root: &Path) -> Option<String> {
    fs::read_to_string(root.join(DIRECTORY).join("generation")).ok()
}

/// Tells how the earlier site at `target` is brought up to date with the store whose state is `state`, and makes
/// an update ready: see the module's documentation.
pub(super) fn prepare(
    renderer: &Renderer,
    target: &Target,
    state: &State,
    fingerprint: &str,
) -> Result<Outcome, SiteError> {
    let out = target.path();
    if !out.join(MARKER).is_file() {
        return Ok(Outcome::Whole(None));
    }
    let io_error = |e: io::Error| SiteError::Output {
        path: out.to_owned(),
        source: e,
    };
    let recorded = out.join(DIRECTORY);
    let Ok(earlier) = fs::read_to_string(recorded.join("fingerprint")) else {
        return Ok(Outcome::Whole(Some(
            "the earlier site records no state to update it from".to_owned(),
        )));
    };
    if earlier != fingerprint {
        return Ok(Outcome::Whole(Some(
            "the earlier site was written by another powkg, from other queries, dataset description or settings"
                .to_owned(),
        )));
    }
    let (Some(old), Some(files)) = (
        State::read(&recorded).map_err(io_error)?,
        fs::read_to_string(recorded.join("files"))
            .ok()
            .and_then(|n| n.trim().parse::<u64>().ok()),
    ) else {
        return Ok(Outcome::Whole(Some(
            "the earlier site's recorded state is incomplete".to_owned(),
        )));
    };
    // A copy an update left stale (killed before the exchange) is linked again when next needed: until then it goes.
    if generation(&copy_path(out)) != generation(out) {
        forget_copy(out);
    }
    let (changed, _) = state::compare(&old, state).map_err(io_error)?;
    if changed.is_empty() {
        return Ok(Outcome::Unchanged(files));
    }
    let mut plan = match plan(renderer, &changed, out).map_err(|e| e.into_site_error(out))? {
        Ok(plan) => plan,
        Err(why) => return Ok(Outcome::Whole(Some(why))),
    };
    let copy = ready_copy(out).map_err(io_error)?;
    // The dumps' segments of the buckets that did not change are copied from the site (the copy's files are its).
    plan.dumps = super::dumps::Ranges::read(&recorded).map(|ranges| {
        let buckets = changed.iter().map(|c| state::bucket_of(&c.subject)).collect();
        (out.to_owned(), ranges, buckets)
    });
    let feed = match renderer.store().directory() {
        Some(dir) => crate::changes::feed::Feed::read(dir).map_err(io_error)?,
        None => None,
    };
    Ok(Outcome::Update(Box::new(Update {
        copy,
        plan,
        feed,
        files,
        changed: changed.len(),
    })))
}

/// Swaps in the copy an update wrote into (`written`, whose files an update `report`ed written and removed; the
/// dumps' `ranges`), after recording in it the state it is of; the files the site now holds.
pub(super) fn finish(
    out: &Path,
    update: &Update,
    written: Files,
    removed: usize,
    state: &State,
    fingerprint: &str,
    ranges: &super::dumps::Ranges,
) -> Result<u64, SiteError> {
    let copy = &update.copy;
    let io_error = |e: io::Error| SiteError::Output {
        path: out.to_owned(),
        source: e,
    };
    let copy_error = |e: io::Error| SiteError::Output {
        path: copy.clone(),
        source: e,
    };
    let touched = written.into_touched();
    let created = touched.iter().filter(|t| t.created).count() as u64;
    let total = (update.files + created).saturating_sub(removed as u64);
    record(copy, state, fingerprint, total, ranges).map_err(copy_error)?;
    exchange_or_rename(copy, out).map_err(io_error)?;
    // The copy is now the earlier site: what this run wrote and removed is carried over, the generation last.
    carry_over(out, copy, &touched).map_err(copy_error)?;
    Ok(total)
}

/// The copy beside the site at `out`, as the site is: kept from the last update where its generation is the
/// site's, else linked anew. Its generation is removed before anything in it changes.
fn ready_copy(out: &Path) -> io::Result<PathBuf> {
    let copy = copy_path(out);
    let current = generation(out);
    if current.is_none() || generation(&copy) != current {
        if copy.exists() {
            remove_tree(&copy)?;
        }
        link_tree(out, &copy)?;
    }
    fs::remove_file(copy.join(DIRECTORY).join("generation"))?;
    Ok(copy)
}

/// Links the copy of the site at `out` from `site`, a whole site about to be swapped in there (whose files the site
/// will then be): the next update finds it current and writes into it. A copy that cannot be made is removed; the
/// next update links one.
pub(super) fn link_copy(site: &Path, out: &Path) {
    let copy = copy_path(out);
    if link_tree(site, &copy).is_err() {
        let _ = remove_tree(&copy);
    }
}

/// Makes `to` a tree of hard links to the files of `from`, the entries of each folder on every core.
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    fs::create_dir(to)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(to, fs::Permissions::from_mode(0o755))?;
    }
    let entries = fs::read_dir(from)?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            link_tree(&source, &target)
        } else {
            fs::hard_link(&source, &target)
        }
    })
}

/// Carries what an update wrote into the site at `site` (links) and removed over to `copy`, the earlier site; then
/// the site's record, its generation last.
fn carry_over(site: &Path, copy: &Path, touched: &[super::written::Touched]) -> io::Result<()> {
    let _ = fs::remove_file(copy.join(DIRECTORY).join("generation"));
    for t in touched {
        let (from, to) = (
            target::inside(site, &t.path).map_err(io::Error::other)?,
            target::inside(copy, &t.path).map_err(io::Error::other)?,
        );
        if !t.written {
            match fs::remove_file(&to) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => continue,
            }
        }
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir)?;
        }
        let beside = to.with_file_name(format!(".powkg-link-{}.tmp", std::process::id()));
        let _ = fs::remove_file(&beside);
        fs::hard_link(&from, &beside)?;
        fs::rename(&beside, &to)?;
    }
    let dir = copy.join(DIRECTORY);
    remove_tree(&dir)?;
    link_tree(&site.join(DIRECTORY), &dir)?;
    Ok(())
}

/// What an update renders for the subjects in `changed`, or why the site must be written whole.
fn plan(renderer: &Renderer, changed: &[state::Changed], out: &Path) -> Result<Result<Plan, String>, Written> {
    let minter = renderer.minter();
    let store = renderer.store();
    let ontology = minter.graph(GraphKind::Ontology);
    let mut plan = Plan::default();
    let mut subjects: BTreeSet<NamedNode> = BTreeSet::new();
    for c in changed {
        plan.relist |= c.in_old != c.in_new;
        if c.subject == state::BLANK {
            return Ok(Err(format!(
                "triples of a blank node changed in {}, whose pages powkg cannot tell",
                graph_name(&c.graph)
            )));
        }
        if c.graph == ontology.as_str() {
            return Ok(Err(
                "the ontology changed, whose classes and properties every page may show".to_owned(),
            ));
        }
        let subject = NamedNode::new_unchecked(c.subject.clone());
        match minter.kind(subject.as_str()) {
            Some(IriKind::Ontology | IriKind::Term | IriKind::Predicate | IriKind::Shapes) => {
                return Ok(Err(format!(
                    "<{}> changed, which every page may show",
                    subject.as_str()
                )));
            }
            _ if renderer.page_path(&subject).is_none() => {
                return Ok(Err(format!(
                    "<{}>, outside the base IRI, changed: the site has no document of it to tell what it said",
                    subject.as_str()
                )));
            }
            _ => {}
        }
        subjects.insert(subject);
    }
    let mut things: BTreeSet<NamedNode> = BTreeSet::new();
    for subject in &subjects {
        things.insert(subject.clone());
        // What it said before, from its N-Triples document in the earlier site, and what it says now.
        let mut before = described_before(renderer, subject, out)?;
        let now: Vec<(NamedNode, NamedNode, Term)> = store
            .about(subject.as_ref())?
            .into_iter()
            .filter_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(s) => Some((s, q.predicate, q.object)),
                NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();
        let types = |triples: &[(NamedNode, NamedNode, Term)]| -> BTreeSet<NamedNode> {
            triples
                .iter()
                .filter(|(s, p, _)| s == subject && *p == rdf::TYPE)
                .filter_map(|(_, _, o)| match o {
                    Term::NamedNode(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        };
        let (old_types, new_types) = (types(&before), types(&now));
        plan.relist |= old_types != new_types;
        plan.membership
            .extend(old_types.symmetric_difference(&new_types).cloned());
        let (was, is) = (own(subject, &before), own(subject, &now));
        changed_triples(subject, &was, &is, &mut plan.removed, &mut plan.added);
        plan.classes.extend(old_types.iter().cloned());
        plan.classes.extend(new_types.iter().cloned());
        plan.before.insert(subject.clone(), was);
        plan.after.insert(subject.clone(), is);
        before.extend(now);
        // The things it points at list it among what points at them.
        for (_, _, object) in before {
            if let Term::NamedNode(o) = object
                && renderer.page_path(&o).is_some()
            {
                things.insert(o);
            }
        }
        // The things that point at it show it.
        for quad in store.pointing_at_lazily(subject) {
            if let NamedOrBlankNode::NamedNode(s) = quad?.subject {
                things.insert(s);
            }
        }
    }
    owners(renderer, &mut things)?;
    plan.things = things.into_iter().collect();
    plan.linked = plan
        .removed
        .iter()
        .chain(&plan.added)
        .filter_map(|t| match &t.object {
            Term::NamedNode(o) => Some(o.clone()),
            _ => None,
        })
        .collect();
    plan.subjects = subjects;
    Ok(Ok(plan))
}

/// Adds to `things` what they belong to: up from statements, references and value nodes to what points at them, and
/// from a source's citations to it.
fn owners(renderer: &Renderer, things: &mut BTreeSet<NamedNode>) -> Result<(), Written> {
    let (minter, store) = (renderer.minter(), renderer.store());
    let mut todo: Vec<NamedNode> = things.iter().cloned().collect();
    while let Some(node) = todo.pop() {
        match minter.kind(node.as_str()) {
            Some(IriKind::Statement | IriKind::Reference | IriKind::Value) => {
                for quad in store.pointing_at_lazily(&node) {
                    if let NamedOrBlankNode::NamedNode(s) = quad?.subject
                        && things.insert(s.clone())
                    {
                        todo.push(s);
                    }
                }
            }
            Some(IriKind::Source) => {
                let mut parent = node.as_str();
                while let Some((up, _)) = parent.rsplit_once('/') {
                    parent = up;
                    let up = NamedNode::new_unchecked(up);
                    if minter.kind(up.as_str()) != Some(IriKind::Source) {
                        break;
                    }
                    if !store.about(up.as_ref())?.is_empty() && things.insert(up.clone()) {
                        todo.push(up);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The predicates and objects of `subject`'s own triples among `triples`.
fn own(subject: &NamedNode, triples: &[(NamedNode, NamedNode, Term)]) -> Vec<(NamedNode, Term)> {
    triples
        .iter()
        .filter(|(s, _, _)| s == subject)
        .map(|(_, p, o)| (p.clone(), o.clone()))
        .collect()
}

/// Adds to `removed` the triples of `subject` that `before` has and `now` has not, and to `added` the other way
/// round; where there are none such (its quads changed graphs only), all of them to `removed`, which a query reading
/// them then counts as changed.
fn changed_triples(
    subject: &NamedNode,
    before: &[(NamedNode, Term)],
    now: &[(NamedNode, Term)],
    removed: &mut Vec<Triple>,
    added: &mut Vec<Triple>,
) {
    let (before, now): (std::collections::HashSet<_>, std::collections::HashSet<_>) =
        (before.iter().collect(), now.iter().collect());
    let triple = |(p, o): &&(NamedNode, Term)| Triple::new(subject.clone(), p.clone(), o.clone());
    let gone: Vec<Triple> = before.difference(&now).map(triple).collect();
    let came: Vec<Triple> = now.difference(&before).map(triple).collect();
    if gone.is_empty() && came.is_empty() {
        removed.extend(before.union(&now).map(triple));
        return;
    }
    removed.extend(gone);
    added.extend(came);
}

/// The triples of the N-Triples document the earlier site at `out` holds for `subject` (its description); none when
/// it holds none.
fn described_before(
    renderer: &Renderer,
    subject: &NamedNode,
    out: &Path,
) -> Result<Vec<(NamedNode, NamedNode, Term)>, Written> {
    let Some(path) = renderer.page_path(subject) else {
        return Ok(Vec::new());
    };
    let site_path = format!("{path}.nt");
    let file = match fs::File::open(target::inside(out, &site_path)?) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Written::File(site_path, e)),
    };
    let mut triples = Vec::new();
    for triple in RdfParser::from_format(RdfFormat::NTriples).for_reader(io::BufReader::new(file)) {
        let triple = triple.map_err(|e| Written::File(site_path.clone(), io::Error::other(e)))?;
        if let NamedOrBlankNode::NamedNode(s) = triple.subject {
            triples.push((s, triple.predicate, triple.object));
        }
    }
    Ok(triples)
}

fn graph_name(key: &str) -> String {
    state::graph_node(key).map_or_else(|| "the default graph".to_owned(), |g| format!("<{g}>"))
}
