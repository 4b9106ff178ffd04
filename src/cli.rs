//! The command line as clap parses it. Nothing here runs anything: `commands` turns these into library calls.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use powkg::rdf::format::ExportFormat;
use powkg::rdf::iri::DEFAULT_BASE_IRI;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the run worked but found problems (an ASK query answered false; SHACL violations)
  2  usage or input error (bad curated data, ontology, query, parameter, base IRI or store; a query refused or
     stopped at its limits); nothing was written
A closed output pipe (powkg query … | head) is not an error.";

/// Builds a sourced, Wikibase-shaped RDF knowledge graph from a project's curated facts, ontology, queries and
/// registers, loads it into an embedded Oxigraph store, runs its SPARQL queries and writes deterministic RDF. Every
/// command works on the project whose powkg.toml is in the working directory or above it (or --project DIR).
#[derive(Debug, Parser)]
#[command(name = "powkg", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project: powkg.toml, a dataset, a source, an entity, two conflicting claims, a class, a
    /// property and a query with its expected results, each commented; it builds and validates as written.
    #[command(after_help = EXIT_CODES)]
    New(NewArgs),
    /// Build the graph from the curated data and ontology, print a build report, optionally write RDF or an
    /// on-disk store.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Write a synthetic register (CSV and its mapping description) for tests and benchmarks, from a profile of
    /// the project's words; it describes no real person and says so in the data it produces.
    GenerateRegister(GenerateRegisterArgs),
    /// List the queries: the built-in ones and the project's, with name, title and parameters.
    Queries(QueriesArgs),
    /// Run a query by name (built in or the project's), a query file, or inline SPARQL text.
    #[command(after_help = EXIT_CODES)]
    Query(QueryArgs),
    /// Find entities, sources, quotations and register records by name: folded (case, diacritics,
    /// punctuation), one typo tolerated in words of five letters or more, every word required, `"…"` a phrase.
    #[command(after_help = EXIT_CODES)]
    Search(SearchArgs),
    /// Write the whole graph in an RDF format.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Tell what changed between two graphs, each a store, an RDF file or a project: entities, claims (value,
    /// bound, rank, qualifiers, references, with their sources), conflicts, sources and register records; or the
    /// patch that turns OLD into NEW. Exit 0 when they are equal, 1 when they differ, 2 on an error.
    Diff(DiffArgs),
    /// Reports on the graph: `labels`, the multilingual completeness of labels and descriptions.
    Report(ReportArgs),
    /// Serve the graph read-only: a SPARQL 1.1 endpoint, linked-data pages for every IRI, a query page, the
    /// dataset description and a dump. Stops on Ctrl-C or SIGTERM.
    #[command(after_help = EXIT_CODES)]
    Serve(ServeArgs),
    /// Write the graph as a static linked-data site: every thing's page and documents, the landing page, class
    /// indexes, the bundled queries with their results, the dataset description, the dump, sitemaps, and the nginx
    /// and Apache configurations that negotiate like `powkg serve`. Written beside OUT and swapped in whole.
    #[command(after_help = EXIT_CODES)]
    Site(SiteArgs),
    /// Push every named graph of the build (and registers) into a SPARQL store by the Graph Store Protocol and
    /// SPARQL Update: each graph replaced atomically through a staging graph, unchanged graphs not sent again.
    /// Credentials come from `POWKG_PUSH_USER` and `POWKG_PUSH_PASSWORD`, `POWKG_PUSH_TOKEN`, or a netrc entry.
    #[command(after_help = EXIT_CODES)]
    Push(PushArgs),
    /// Validate the graph against SHACL shapes: exit 0 when it conforms, 1 on violations, 2 on errors.
    #[cfg(feature = "shacl")]
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
}

/// Which project to build, and under which base IRI.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The project directory (holding powkg.toml) [default: the nearest one from the working directory upwards]
    #[arg(long, value_name = "DIR", env = "POWKG_PROJECT")]
    pub project: Option<PathBuf>,
    /// Directory of curated `*.toml` files [default: the project's data directory]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Directory of the project's classes and properties (`*.ttl`, `*.toml`) and extra shapes (`*.shapes.ttl`)
    /// [default: the project's ontology directory]
    #[arg(long, value_name = "DIR")]
    pub ontology: Option<PathBuf>,
    /// Base IRI under which entity, statement, source and graph IRIs are minted [default: the project's
    /// `base_iri`, else <https://example.org/powkg/>]
    #[arg(long, value_name = "IRI")]
    pub base_iri: Option<String>,
}

/// `powkg new`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The directory to create (it must not exist, or be empty)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The dataset's title [default: the directory's name]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The base IRI the graph is minted under
    #[arg(long, value_name = "IRI", default_value = DEFAULT_BASE_IRI)]
    pub base_iri: String,
    /// The languages every entity, the dataset and the project's terms are labelled in, comma-separated
    #[arg(long, value_name = "TAGS", value_delimiter = ',', default_value = "en")]
    pub languages: Vec<String>,
}

/// The graph to read: a fresh in-memory build, or an on-disk store.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Read this on-disk store (made by `powkg build --store DIR`) instead of building in memory
    #[arg(long, value_name = "DIR", conflicts_with = "data")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub graph: GraphArgs,
}

/// An RDF format by name: the names and help texts come from the format table ([`ExportFormat::TABLE`]).
#[derive(Debug, Clone, Copy)]
pub struct RdfFormatArg(pub ExportFormat);

/// Every format, as `--format` values.
const RDF_FORMAT_ARGS: [RdfFormatArg; 6] = {
    let mut all = [RdfFormatArg(ExportFormat::Turtle); 6];
    let mut i = 0;
    while i < all.len() {
        all[i] = RdfFormatArg(ExportFormat::ALL[i]);
        i += 1;
    }
    all
};

impl ValueEnum for RdfFormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &RDF_FORMAT_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let info = self.0.info();
        let help = if info.keeps_graphs {
            format!("{} (keeps the named graphs)", info.title)
        } else {
            info.title.to_owned()
        };
        Some(PossibleValue::new(info.name).help(help))
    }
}

impl From<RdfFormatArg> for ExportFormat {
    fn from(f: RdfFormatArg) -> Self {
        f.0
    }
}

/// What `powkg export` writes: an RDF format, or QuickStatements commands for Wikidata.
#[derive(Debug, Clone, Copy)]
pub enum ExportFormatArg {
    /// The graph in an RDF format.
    Rdf(RdfFormatArg),
    /// The statements Wikidata can hold, as QuickStatements V1 commands.
    QuickStatements,
}

/// Every `powkg export --format` value: the RDF formats, then QuickStatements.
const EXPORT_FORMAT_ARGS: [ExportFormatArg; 7] = {
    let mut all = [ExportFormatArg::QuickStatements; 7];
    let mut i = 0;
    while i < RDF_FORMAT_ARGS.len() {
        all[i] = ExportFormatArg::Rdf(RDF_FORMAT_ARGS[i]);
        i += 1;
    }
    all
};

impl ValueEnum for ExportFormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &EXPORT_FORMAT_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        match self {
            Self::Rdf(f) => f.to_possible_value(),
            Self::QuickStatements => {
                Some(PossibleValue::new("quickstatements").help(
                    "QuickStatements V1 commands for the statements Wikidata can hold; those left out are reported",
                ))
            }
        }
    }
}

impl ExportFormatArg {
    /// The RDF format, unless QuickStatements.
    pub fn rdf(self) -> Option<RdfFormatArg> {
        match self {
            Self::Rdf(f) => Some(f),
            Self::QuickStatements => None,
        }
    }
}

/// Report formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// For people
    Text,
    /// For scripts
    Json,
}

/// `powkg build`
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// Also write the graph to this file (`-` for standard output); the format comes from the extension or --format
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Format of --out [default: from the extension]
    #[arg(long, value_enum)]
    pub format: Option<RdfFormatArg>,
    /// Build into this on-disk Oxigraph store, replacing a previous build atomically
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Build the --store without its search index (`powkg search` and the `pks:search` service then refuse it):
    /// for a store that is never searched, and for measuring what the index costs
    #[arg(long, requires = "store")]
    pub no_search_index: bool,
    /// Keep no change feed with the --store, and drop the one an earlier build kept (the state of its subjects is
    /// still recorded, for `powkg diff`)
    #[arg(long, requires = "store")]
    pub no_feed: bool,
    /// Members per page of the change feed (LDES) the --store keeps
    #[arg(long, value_name = "N", default_value_t = powkg::changes::feed::PAGE_SIZE, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub feed_page_size: u64,
    /// Drop the change feed's full pages whose newest member is older than this many days [default: keep all]
    #[arg(long, value_name = "DAYS", requires = "store")]
    pub feed_retention_days: Option<u32>,
    /// Build report format (written to standard error when --out is `-`)
    #[arg(long, value_enum, default_value = "text")]
    pub report: ReportFormat,
    #[command(flatten)]
    pub validation: ValidationArgs,
    #[command(flatten)]
    pub registers: RegisterArgs,
}

/// The SHACL gate of `build` and `push`.
#[derive(Debug, Args)]
pub struct ValidationArgs {
    /// Skip the SHACL validation that otherwise gates every build and push (the report says so)
    #[cfg(feature = "shacl")]
    #[arg(long)]
    pub no_validate: bool,
    /// SHACL shapes to validate against [default: powkg's core shapes, those derived from the project and the
    /// project's own `ontology/*.shapes.ttl`]
    #[cfg(feature = "shacl")]
    #[arg(long, value_name = "FILE")]
    pub shapes: Option<PathBuf>,
}

/// Registers streamed beside the curated graph (`build`, `export --shards`).
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Also stream this register into the graph (repeatable): a CSV file with its mapping description beside it
    /// (FILE.toml). With --out, the format must be N-Triples or N-Quads
    #[arg(long, value_name = "FILE.csv")]
    pub register: Vec<PathBuf>,
    /// Register rows that may be rejected before the build fails; rejected rows go to --rejected with their reason
    #[arg(long, value_name = "N", default_value = "0", requires = "register")]
    pub max_errors: u64,
    /// Where rejected register rows go [default: REGISTER.rejected.csv beside each register]
    #[arg(long, value_name = "FILE", requires = "register")]
    pub rejected: Option<PathBuf>,
}

/// `powkg push`
#[derive(Debug, Args)]
pub struct PushArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// The store's SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph server: …/store; Virtuoso:
    /// …/sparql-graph-crud-auth)
    #[arg(long, value_name = "URL", value_parser = EndpointParser)]
    pub store_url: oxigraph::model::NamedNode,
    /// The store's SPARQL 1.1 Update endpoint (Oxigraph server: …/update; Virtuoso: …/sparql-auth)
    #[arg(long, value_name = "URL", value_parser = EndpointParser)]
    pub update_url: oxigraph::model::NamedNode,
    /// The store's SPARQL 1.1 Query endpoint [default: …/query beside …/update, else the update URL]
    #[arg(long, value_name = "URL", value_parser = EndpointParser)]
    pub query_url: Option<oxigraph::model::NamedNode>,
    /// Push only this graph (repeatable): ontology, data, metadata, a register's id, or a graph IRI
    #[arg(long = "graph", value_name = "NAME")]
    pub graphs: Vec<String>,
    /// Say what would be sent, per graph, and why; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Load each graph the store does not hold yet through the store's fastest path (the Oxigraph server's bulk
    /// loader; large Graph Store Protocol chunks elsewhere), straight into the graph: NOT atomic, a reader may see
    /// it half loaded and a failed push leaves part of it (the next push replaces it atomically). Graphs the store
    /// holds take the atomic routes as always; the push is recorded, so later pushes send only what changed
    #[arg(long)]
    pub bulk: bool,
    /// N-Triples per Graph Store Protocol request into a staging graph, in bytes or with a unit (a 413 halves it);
    /// the Oxigraph server takes each graph in one request
    #[arg(long, value_name = "SIZE", default_value = "8M", value_parser = parse_size)]
    pub chunk_size: usize,
    /// Seconds for connecting and for each request; a graph's replacement, in which the store copies the whole
    /// graph, and the answer to a whole graph sent in one request may take ten times as long (each write of that
    /// request must go through within it)
    #[arg(long, value_name = "SECONDS", default_value = "120", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Attempts after the first when the store answers 5xx or drops the connection (pauses from 0.5 s, doubling,
    /// each at most 30 s)
    #[arg(long, value_name = "N", default_value = "4")]
    pub retries: u32,
    /// Send Basic credentials or a bearer token over plain http:// to a host other than this machine (where anyone
    /// on the way can read them); without it powkg refuses, and sends them only over https:// or to loopback
    #[arg(long)]
    pub allow_insecure_auth: bool,
    /// Push report format
    #[arg(long, value_enum, default_value = "text")]
    pub report: ReportFormat,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// Registers to push, each into its own graph (`--register`, `--max-errors`, `--rejected` as for build)
    #[command(flatten)]
    pub registers: RegisterArgs,
}

/// `powkg generate-register`
#[derive(Debug, Args)]
pub struct GenerateRegisterArgs {
    /// Number of rows
    #[arg(long, value_name = "N")]
    pub rows: u64,
    /// Seed of the generator: the same seed gives the same file
    #[arg(long, value_name = "N", default_value = "7")]
    pub seed: u64,
    /// The profile the rows are made of: the project's words, column names and mapping description (the bundled
    /// project's is data/registers/synthetic.profile.toml)
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,
    /// The CSV file to write; its mapping description is written beside it (FILE.toml)
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
}

/// `powkg validate`
#[cfg(feature = "shacl")]
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// SHACL shapes to validate against [default: powkg's core shapes, those derived from the project (its
    /// languages and properties) and the project's own `ontology/*.shapes.ttl`]
    #[arg(long, value_name = "FILE")]
    pub shapes: Option<PathBuf>,
    /// Also write the shapes validated against, as one Turtle file (relative IRIs resolved), for other SHACL tools
    #[arg(long, value_name = "FILE")]
    pub write_shapes: Option<PathBuf>,
    /// Also write the standard SHACL validation report, in Turtle, to this file
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Summary format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Validate this RDF file (format from its extension) instead of the curated graph
    #[arg(long, value_name = "FILE", conflicts_with_all = ["store", "data"])]
    pub rdf: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `powkg queries`
#[derive(Debug, Args)]
pub struct QueriesArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// List format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

/// `powkg query`
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A query's name (built in or the project's), or SPARQL text
    #[arg(
        value_name = "NAME|SPARQL",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub query: Option<String>,
    /// Read the query from this file
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Bind a declared parameter (repeatable); entity and source parameters take an id or an IRI
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// table, csv, tsv, json or xml for SELECT/ASK; an RDF format for CONSTRUCT/DESCRIBE [default: table on a
    /// terminal, tsv otherwise; turtle for graphs]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Write the results to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The language `[AUTO_LANGUAGE]` stands for in the label service (`SERVICE wikibase:label`)
    #[arg(long, value_name = "TAG", default_value = "en")]
    pub lang: String,
    #[command(flatten)]
    pub sparql: SparqlArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `powkg search`
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The words to look for (a phrase in double quotes); at most 500 characters and 32 words
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Most hits to show
    #[arg(long, value_name = "N", default_value = "20", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub limit: u64,
    /// Only things of this class, and statements about them: a class's local name as the ontology writes it, a
    /// prefixed name (`pk:NAME`, `wikibase:Statement`) or a full IRI; an unknown class is refused, naming the
    /// known ones
    #[arg(long, value_name = "CLASS")]
    pub class: Option<String>,
    /// The language of the labels that name the hits, where they have one (English otherwise, then any)
    #[arg(long, value_name = "TAG")]
    pub lang: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: SearchFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `powkg search --format`
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SearchFormat {
    /// Rank, score, class, label, IRI, then the snippet with matches in [brackets]
    Text,
    /// An array of hit objects (snippet marks as byte ranges of the snippet text)
    Json,
    /// One hit a line: rank, score, class, label, IRI, field, snippet
    Tsv,
}

/// What a query may take and reach (`powkg query` and `powkg serve`).
#[derive(Debug, Args)]
pub struct SparqlArgs {
    /// Let queries call this SPARQL endpoint with SERVICE (repeatable). Without it powkg makes no request: a query
    /// naming any other endpoint is refused
    #[arg(long = "allow-service", value_name = "URL", value_parser = parse_endpoint)]
    pub allow_service: Vec<oxigraph::model::NamedNode>,
    /// Memory one query may take, in bytes or with a unit (512M, 2G); past it the query is stopped
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_query_memory: usize,
}

/// An endpoint URL; a bad one is named without the user and password it may carry (clap's own message, which
/// repeats the value, is not used).
#[derive(Clone)]
struct EndpointParser;

impl clap::builder::TypedValueParser for EndpointParser {
    type Value = oxigraph::model::NamedNode;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let text = value.to_string_lossy();
        parse_endpoint(&text).map_err(|message| {
            let option = arg.map_or_else(|| "an endpoint".to_owned(), |a| format!("--{}", a.get_id()));
            let option = option.replace('_', "-");
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{option}: {message}\n"),
            )
            .with_cmd(cmd)
        })
    }
}

fn parse_endpoint(text: &str) -> Result<oxigraph::model::NamedNode, String> {
    let shown = powkg::publish::display::url(text);
    let iri = oxigraph::model::NamedNode::new(text).map_err(|e| format!("\"{shown}\" is not an IRI: {e}"))?;
    if !(iri.as_str().starts_with("http://") || iri.as_str().starts_with("https://")) {
        return Err(format!("expected an http:// or https:// endpoint URL, got \"{shown}\""));
    }
    Ok(iri)
}

/// A size in bytes, with an optional unit: K, M, G (powers of 1024), with or without a trailing `iB` or `B`.
fn parse_size(text: &str) -> Result<usize, String> {
    let error = || format!("expected a size such as 536870912, 512M or 2G, got \"{text}\"");
    let trimmed = text.trim();
    let upper = trimmed.to_ascii_uppercase();
    let number = upper.trim_end_matches("IB").trim_end_matches('B');
    let (digits, shift) = match number.chars().last() {
        Some('K') => (&number[..number.len() - 1], 10),
        Some('M') => (&number[..number.len() - 1], 20),
        Some('G') => (&number[..number.len() - 1], 30),
        _ => (number, 0),
    };
    let n: usize = digits.trim().parse().map_err(|_| error())?;
    match n.checked_mul(1usize << shift) {
        Some(bytes) if bytes > 0 => Ok(bytes),
        _ => Err(error()),
    }
}

/// `powkg export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format [default: from the --out extension, else turtle; nquads for a sharded dump]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormatArg>,
    /// Output file (`-` for standard output); for a sharded dump, the directory to write (replaced atomically)
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// Write a sharded dump for bulk loaders into the directory --out: each named graph as N files
    /// GRAPH.K.nt (or .nq), with the .graph files of Virtuoso's bulk loader and a manifest.tsv
    #[arg(long, value_name = "N", conflicts_with = "shard_size", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub shards: Option<u32>,
    /// Write a sharded dump whose files hold at most this many statements each (instead of --shards)
    #[arg(long, value_name = "TRIPLES", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_size: Option<u64>,
    /// Compress each file of a sharded dump with gzip (.nt.gz, .nq.gz)
    #[arg(long)]
    pub gzip: bool,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Registers streamed into a sharded dump, each into its own graph's files (not with --store)
    #[command(flatten)]
    pub registers: RegisterArgs,
}

/// `powkg serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (repeatable). Loopback unless told otherwise; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub bind: Vec<SocketAddr>,
    /// Seconds a query may run before it is cancelled and answered with 503
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    pub query_timeout: Duration,
    /// Seconds from a request's head to its answer: a request still being read or handled then gets 503 [default:
    /// the query timeout plus 5]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub request_timeout: Option<Duration>,
    /// Seconds a client has to send a request's head; also how long an idle kept-alive connection stays open
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub header_timeout: Duration,
    /// Seconds a client may read nothing of an answer before it is disconnected
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub send_timeout: Duration,
    /// Largest request body accepted, in bytes (413 beyond)
    #[arg(long, value_name = "BYTES", default_value = "1048576")]
    pub max_request_bytes: u64,
    /// Largest query result sent, in bytes (500 beyond: the query should use LIMIT)
    #[arg(long, value_name = "BYTES", default_value = "16777216")]
    pub max_result_bytes: usize,
    /// Most connections served at once; a newcomer that finds them all open has the connection idle the longest
    /// closed for it, or waits (503 after the header timeout) while all are busy
    #[arg(long, value_name = "N", default_value = "128", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections: u16,
    /// Most connections from one client address (IPv6: one /64) at once; past it, that client's idle kept-alive
    /// connections are closed first, and it gets 503 when all of them are busy (behind a reverse proxy, every
    /// client has the proxy's address: raise it to --max-connections)
    #[arg(long, value_name = "N", default_value = "32", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections_per_client: u16,
    /// Requests answered on one kept-alive connection; the last answer says `Connection: close`
    #[arg(long, value_name = "N", default_value = "1000", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_requests_per_connection: u64,
    /// Seconds a connection may stay open; then it takes no new request (the one in progress is answered) and closes
    #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = parse_seconds)]
    pub max_connection_seconds: Duration,
    /// Access-Control-Allow-Origin sent to browser clients; `none` sends no CORS headers
    #[arg(long, value_name = "ORIGIN", default_value = "*")]
    pub cors_origin: String,
    /// Most queries evaluated at once (endpoint and pages); others wait for a slot until their deadline
    #[arg(long, value_name = "N", default_value = "8", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent_queries: u16,
    #[command(flatten)]
    pub sparql: SparqlArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "expected a number of seconds between 0 and 86400, got \"{text}\""
        )),
    }
}

/// `powkg site`
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's directory: written beside it and swapped in, so a failed or killed run leaves the old one
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write the whole site, even over an earlier one that would be brought up to date by writing only what changed
    #[arg(long)]
    pub whole: bool,
    /// Seconds each query of the pages (the counts, the bundled queries' results) may run; past it the page says so
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub query_timeout: Duration,
    #[command(flatten)]
    pub sparql: SparqlArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// What `powkg report` reports on.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportKind {
    /// Per language: the entities lacking a label or a description, and the share covered
    Labels,
}

/// What `powkg diff` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// A report to read
    Text,
    /// The report as JSON (`"format": "powkg-diff"`, with a schema version; docs/changes.md)
    Json,
    /// An RDF Patch (Apache Jena's format) that turns OLD into NEW
    RdfPatch,
    /// A SPARQL 1.1 Update (DELETE DATA, then INSERT DATA) that turns OLD into NEW
    SparqlUpdate,
}

/// `powkg diff`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old graph: a store directory (made by `powkg build --store`), an RDF file (its format from its name) or
    /// a project directory (holding powkg.toml; built, with its registers, for the comparison)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new graph, as OLD
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// What to write
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Most register records (and other subjects) named per list; all are counted
    #[arg(long, value_name = "N", default_value = "20")]
    pub limit: usize,
    /// The language labels are shown in [default: the project's first language]
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// The project (or --base-iri) whose IRIs tell entities, claims and sources apart
    #[command(flatten)]
    pub graph: GraphArgs,
}

/// `powkg report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report
    #[arg(value_enum)]
    pub kind: ReportKind,
    /// Report format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.trim_start_matches('?').to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got \"{text}\"")),
    }
}
