//! The store at the other end: its endpoints ([`Store`]) and a client of the SPARQL 1.1 Protocol (queries and
//! updates as form POSTs) and of the Graph Store Protocol (N-Triples into a named graph), which reads the answers
//! and names the store's refusals.

use oxigraph::model::NamedNode;

use super::display;
use super::error::PushError;
use super::http::{Answer, Body, Client, HttpError, MOST_BODY_BYTES, Repeat};

/// The store's endpoints.
#[derive(Debug, Clone)]
pub struct Store {
    /// The Graph Store Protocol endpoint (graphs named with `?graph=`).
    pub gsp: String,
    /// The SPARQL 1.1 Update endpoint.
    pub update: String,
    /// The SPARQL 1.1 Query endpoint (sizes and records are read there).
    pub query: String,
}

impl Store {
    /// The endpoints; the query endpoint defaults to the update endpoint, or to `…/query` beside `…/update` (as
    /// the Oxigraph server names them).
    pub fn new(gsp: &str, update: &str, query: Option<&str>) -> Self {
        let query = query.map_or_else(
            || match update.strip_suffix("/update") {
                Some(root) => format!("{root}/query"),
                None => update.to_owned(),
            },
            str::to_owned,
        );
        Self {
            gsp: gsp.to_owned(),
            update: update.to_owned(),
            query,
        }
    }
}

/// A client of one store's endpoints.
pub(crate) struct Remote {
    client: Client,
    store: Store,
    /// Whether the store said it is the Oxigraph server (its `Server` header), whose Graph Store Protocol takes
    /// `no_transaction` and carries out each request in one transaction.
    oxigraph: bool,
}

impl Remote {
    pub(crate) fn new(client: Client, store: Store) -> Self {
        Self {
            client,
            store,
            oxigraph: false,
        }
    }

    /// Whether the store has said it is the Oxigraph server.
    pub(crate) fn oxigraph(&self) -> bool {
        self.oxigraph
    }

    /// The Graph Store Protocol URL of `graph`.
    pub(crate) fn graph_url(&self, graph: &NamedNode) -> String {
        gsp_url(&self.store.gsp, graph)
    }

    /// Sends N-Triples to a Graph Store Protocol URL (`POST` adds them to the graph, `PUT` replaces it); the answer,
    /// whatever its status.
    pub(crate) fn send_triples(&mut self, method: &str, url: &str, body: Body<'_>) -> Result<Answer, HttpError> {
        let answer = self.client.send(
            method,
            url,
            &[("Content-Type", "application/n-triples")],
            body,
            Repeat::Allowed,
        )?;
        self.oxigraph |= answer.server.starts_with("Oxigraph/");
        Ok(answer)
    }

    /// POSTs whole lines of N-Triples to a Graph Store Protocol URL; a 413 splits them in two halves at a line's
    /// end, each sent in turn. Returns the number of requests that carried data.
    pub(crate) fn post_lines(&mut self, url: &str, lines: &[u8]) -> Result<u64, PushError> {
        let answer = self.send_triples("POST", url, Body::Bytes(lines))?;
        if answer.status == 413 {
            let middle = lines.len() / 2;
            let cut = lines[..middle].iter().rposition(|b| *b == b'\n').map(|i| i + 1);
            if let Some(cut) = cut.filter(|c| *c > 0) {
                return Ok(self.post_lines(url, &lines[..cut])? + self.post_lines(url, &lines[cut..])?);
            }
        }
        if !answer.ok() {
            return Err(store_error(url, &answer, "a Graph Store Protocol POST of N-Triples"));
        }
        Ok(1)
    }

    /// Sends a SPARQL 1.1 Update request.
    pub(crate) fn update(&mut self, update: &str, what: &str) -> Result<(), PushError> {
        self.protocol("update", update, &format!("a SPARQL update ({what})"), Repeat::Allowed)
            .map(drop)
    }

    /// Sends the one update request that must not be repeated (see [`Repeat::Never`]).
    pub(crate) fn update_once(&mut self, update: &str, what: &str) -> Result<(), PushError> {
        self.protocol("update", update, &format!("a SPARQL update ({what})"), Repeat::Never)
            .map(drop)
    }

    /// A SPARQL 1.1 Protocol request, `query` or `update`, as a URL-encoded form POST to its endpoint; the answer
    /// when it is 2xx.
    fn protocol(&mut self, field: &str, text: &str, what: &str, repeat: Repeat) -> Result<Answer, PushError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair(field, text)
            .finish();
        let url = if field == "query" {
            &self.store.query
        } else {
            &self.store.update
        };
        let answer = self.client.send(
            "POST",
            url,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/sparql-results+json"),
            ],
            Body::Bytes(body.as_bytes()),
            repeat,
        )?;
        self.oxigraph |= answer.server.starts_with("Oxigraph/");
        if !answer.ok() {
            return Err(store_error(url, &answer, what));
        }
        Ok(answer)
    }

    /// Runs a SELECT and gives the values of `variables` in its first row.
    pub(crate) fn select_row(
        &mut self,
        query: &str,
        what: &str,
        variables: &[&str],
    ) -> Result<Vec<Option<String>>, PushError> {
        let answer = self.protocol("query", query, &format!("a SPARQL query ({what})"), Repeat::Allowed)?;
        let not_results = |detail: String| PushError::Answer {
            url: display::url(&self.store.query),
            status: answer.status,
            expected: "SPARQL query results in JSON",
            what: what.to_owned(),
            detail: if answer.truncated {
                format!("{detail} (its first {MOST_BODY_BYTES} bytes read)")
            } else {
                detail
            },
        };
        let json: serde_json::Value = serde_json::from_str(&answer.body)
            .map_err(|e| not_results(format!("{e}: \"{}\"", display::remote(&excerpt(&answer.body)))))?;
        // Without `results.bindings` nothing says the store found no row: it did not answer the query.
        let Some(bindings) = json["results"]["bindings"].as_array() else {
            return Err(not_results(format!(
                "no results.bindings: \"{}\"",
                display::remote(&excerpt(&answer.body))
            )));
        };
        let row = bindings.first().unwrap_or(&serde_json::Value::Null);
        Ok(variables
            .iter()
            .map(|v| row[*v]["value"].as_str().map(str::to_owned))
            .collect())
    }

    /// The number of triples of a graph in the store (0 when it has none).
    pub(crate) fn count(&mut self, graph: &NamedNode) -> Result<u64, PushError> {
        let what = format!("counting the triples of {graph}");
        let row = self.select_row(
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"),
            &what,
            &["n"],
        )?;
        let text = row.into_iter().next().flatten().unwrap_or_else(|| "0".to_owned());
        text.parse().map_err(|_| PushError::Answer {
            url: display::url(&self.store.query),
            status: 200,
            expected: "a count",
            what,
            detail: format!("\"{}\" is not a number of triples", display::remote(&text)),
        })
    }
}

/// The first 200 characters of a body, for a message (which [`display::remote`] then makes safe).
fn excerpt(body: &str) -> String {
    body.chars().take(200).collect()
}

/// `gsp?graph=IRI`, the IRI percent-encoded.
pub(crate) fn gsp_url(gsp: &str, graph: &NamedNode) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("graph", graph.as_str())
        .finish();
    let separator = if gsp.contains('?') { '&' } else { '?' };
    format!("{gsp}{separator}{query}")
}

/// The store's error status as one line, with what it means for the request.
pub(crate) fn store_error(url: &str, answer: &Answer, what: &str) -> PushError {
    let meaning = match answer.status {
        404 => " (no such endpoint: check the URL)",
        405 => " (the endpoint does not take this method: is it the right endpoint?)",
        413 => " (the request is too large even for one line)",
        415 => " (the endpoint does not take this content type)",
        _ => "",
    };
    PushError::Store {
        url: display::url(url.split('?').next().unwrap_or(url)),
        status: answer.status,
        what: format!("{what}{meaning}"),
        detail: answer.quoted(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::http::scripted::{answering, client};
    use super::*;
    use crate::publish::Keyring;

    #[test]
    fn endpoints_default_as_the_stores_name_them() {
        let oxigraph = Store::new("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/update", None);
        assert_eq!(oxigraph.query, "http://127.0.0.1:7878/query");
        let virtuoso = Store::new(
            "http://127.0.0.1:8890/sparql-graph-crud-auth",
            "http://127.0.0.1:8890/sparql-auth",
            None,
        );
        assert_eq!(virtuoso.query, "http://127.0.0.1:8890/sparql-auth");
    }

    #[test]
    fn a_200_answer_that_is_not_query_results_is_named_as_such() {
        let graph = NamedNode::new_unchecked("https://example.org/powkg/graph/data");
        for body in [
            &b"\xff\xfe\x00garbage"[..],
            b"{}",
            b"<html>\x1b[2J\x1b]0;pwned\x07 oops</html>",
        ] {
            let root = answering(body);
            let query = root.replace("http://", "http://u:secret@") + "/query";
            let store = Store::new(&format!("{root}/store"), &format!("{root}/update"), Some(&query));
            let error = Remote::new(client(Keyring::default()), store)
                .count(&graph)
                .unwrap_err()
                .to_string();
            let expected =
                format!("{root}/query: the store answered 200 with a body that is not SPARQL query results in JSON");
            assert!(error.starts_with(&expected), "{error}");
            assert!(
                !error.contains("secret") && !error.chars().any(char::is_control),
                "{error:?}"
            );
        }
    }
}
