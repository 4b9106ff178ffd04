//! The item template of a register (RFC 6570, `{+base}person/{record_id}`): checked against the CSV header when the
//! description is compiled, and expanded on every row into the item's IRI.

use iri_string::spec::IriSpec;
use iri_string::template::UriTemplateString;
use iri_string::template::context::{Context, Visitor};

use super::description::RegisterTable;
use super::row::RowError;
use crate::files::diagnostic::{Diagnostic, Diagnostics};

/// A checked item template, with what its variables stand for.
#[derive(Debug)]
pub(super) struct ItemTemplate {
    template: UriTemplateString,
    /// The columns the template names, in template order: the columns a bad item IRI may be blamed on.
    pub(super) columns: Vec<usize>,
    /// The CSV header: a variable naming a column takes the row's field at its position.
    header: Vec<String>,
    /// `{base}`: the build's base IRI.
    base: String,
    /// `{register}`: the register's id.
    register: String,
}

impl ItemTemplate {
    /// The item template of the `[register]` table `r`, checked against `header`; `None`, with the problems pushed,
    /// when it is no template.
    pub(super) fn parse(
        r: &RegisterTable,
        header: &[String],
        base: &str,
        at: &dyn Fn(std::ops::Range<usize>, String) -> Diagnostic,
        problems: &mut Diagnostics,
    ) -> Option<Self> {
        let template = match UriTemplateString::try_from(r.item.get_ref().as_str()) {
            Ok(t) => t,
            Err(e) => {
                problems.push(at(r.item.span(), format!("invalid RFC 6570 template: {e}")));
                return None;
            }
        };
        let mut columns = Vec::new();
        for var in template.variables() {
            let var = var.as_str();
            match header.iter().position(|h| h == var) {
                Some(i) if !columns.contains(&i) => columns.push(i),
                Some(_) => {}
                None if var == "base" || var == "register" => {}
                None => problems.push(at(
                    r.item.span(),
                    format!("template variable \"{var}\" is neither base, register nor a column of the header"),
                )),
            }
        }
        Some(Self {
            template,
            columns,
            header: header.to_vec(),
            base: base.to_owned(),
            register: r.id.get_ref().clone(),
        })
    }

    /// Expands the template on a row's `fields` (in header order) into `out`.
    pub(super) fn expand(&self, fields: &[&[u8]], out: &mut String) -> Result<(), RowError> {
        struct Row<'r> {
            template: &'r ItemTemplate,
            fields: &'r [&'r [u8]],
        }
        impl Context for Row<'_> {
            fn visit<V: Visitor>(&self, visitor: V) -> V::Result {
                match visitor.var_name().as_str() {
                    "base" => visitor.visit_string(&self.template.base),
                    "register" => visitor.visit_string(&self.template.register),
                    name => match self
                        .template
                        .header
                        .iter()
                        .position(|c| c == name)
                        .and_then(|i| self.fields.get(i))
                        .and_then(|f| std::str::from_utf8(f).ok())
                        .filter(|v| !v.is_empty())
                    {
                        Some(value) => visitor.visit_string(value),
                        None => visitor.visit_undefined(),
                    },
                }
            }
        }
        out.clear();
        let context = Row { template: self, fields };
        let expanded = self.template.expand::<IriSpec, _>(&context).map_err(|e| RowError {
            column: None,
            message: format!("cannot expand the item template: {e}"),
        })?;
        std::fmt::write(out, format_args!("{expanded}")).map_err(|_| RowError {
            column: None,
            message: "cannot expand the item template".to_owned(),
        })
    }
}
