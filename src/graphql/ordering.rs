//! Puts each object's fields in the order of the query's selection set, as the GraphQL specification
//! says a response should be serialised. async-graphql resolves a query's fields concurrently and
//! keeps them in the order they finish; this extension remembers the parsed document of the request
//! and reorders the data once execution is done.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Response, ServerResult, Value, Variables};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct SelectionOrder;

impl ExtensionFactory for SelectionOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SelectionOrderExtension::default())
    }
}

#[derive(Default)]
struct SelectionOrderExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The response keys a selection set asks for, in order, with the selection sets below each key
/// (a key selected twice, or through fragments, merges its sub-selections).
fn keys<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    out: &mut Vec<(&'a str, Vec<&'a SelectionSet>)>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.as_str();
                let below = &field.node.selection_set.node;
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(below),
                    None => out.push((key, vec![below])),
                }
            }
            Selection::InlineFragment(fragment) => {
                keys(&fragment.node.selection_set.node, fragments, out)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    keys(&fragment.node.selection_set.node, fragments, out);
                }
            }
        }
    }
}

fn reorder(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder(item, sets, fragments);
            }
        }
        Value::Object(object) => {
            let mut order = Vec::new();
            for set in sets {
                keys(set, fragments, &mut order);
            }
            let mut unordered = std::mem::take(object);
            for (key, below) in order {
                if let Some((name, mut field)) = unordered.shift_remove_entry(key) {
                    reorder(&mut field, &below, fragments);
                    object.insert(name, field);
                }
            }
            // Anything the selection did not name (there should be none) keeps its place at the end.
            object.extend(unordered);
        }
        _ => {}
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for SelectionOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut kept| kept.take());
        let Some(document) = document else {
            return response;
        };
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(op), _) => Some(op),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
            _ => None,
        };
        if let Some(operation) = operation {
            reorder(
                &mut response.data,
                &[&operation.node.selection_set.node],
                &document.fragments,
            );
        }
        response
    }
}
