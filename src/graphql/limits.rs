//! Limits on what one request may ask, checked before anything runs (by `super::executor`). Depth,
//! complexity and directives are async-graphql's own limits (set in `build_schema`); aliases are
//! counted here, because a query repeated under many aliases multiplies the work of one request.
//! With introspection switched off (HEARTH_INTROSPECTION=false), an introspection query is refused
//! with an error saying so, rather than answered with nulls.

use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The most aliased fields a document may hold (across its operations and fragments).
pub const MAX_ALIASES: usize = 8;

/// Checks a parsed document against Hearth's own limits.
pub fn check(document: &ExecutableDocument, introspection: bool) -> Result<(), ServerError> {
    let aliases = aliases_in(document);
    if aliases > MAX_ALIASES {
        return Err(ServerError::new(
            format!(
                "The query uses {aliases} aliases; at most {MAX_ALIASES} are allowed. Split it \
                 into several requests"
            ),
            None,
        ));
    }
    if !introspection && asks_introspection(document) {
        return Err(ServerError::new(
            "Introspection is switched off on this server (HEARTH_INTROSPECTION=false); use the \
             published schema.graphql",
            None,
        ));
    }
    Ok(())
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some())
                    + count_aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn aliases_in(document: &ExecutableDocument) -> usize {
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

fn introspects(set: &SelectionSet) -> bool {
    set.items.iter().any(|selection| match &selection.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(fragment) => introspects(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

fn asks_introspection(document: &ExecutableDocument) -> bool {
    document
        .operations
        .iter()
        .any(|(_, op)| introspects(&op.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|f| introspects(&f.node.selection_set.node))
}
