//! Puts each object's fields in the order of the query's selection set, as the GraphQL specification
//! says a response should be serialised. async-graphql resolves an object's fields concurrently and
//! keeps them in the order they finish; the executor (`super::executor`) reorders the data once
//! execution is done, from the parsed document of the request.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};
use std::cell::OnceCell;
use std::collections::HashMap;

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Reorders the `data` of a response to the operation `operation_name` selects in `document`.
pub fn reorder_response(
    data: &mut Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    };
    if let Some(operation) = operation {
        Order::new(
            vec![&operation.node.selection_set.node],
            &document.fragments,
        )
        .apply(data);
    }
}

/// The order of the keys of the objects one selection reaches (the items of a list all share it),
/// with the order of each key's own objects worked out once, when first needed.
struct Order<'a> {
    keys: Vec<(&'a str, Vec<&'a SelectionSet>)>,
    below: OnceCell<Vec<Order<'a>>>,
    fragments: &'a Fragments,
}

impl<'a> Order<'a> {
    fn new(sets: Vec<&'a SelectionSet>, fragments: &'a Fragments) -> Self {
        let mut keys = Vec::new();
        for set in sets {
            collect_keys(set, fragments, &mut keys);
        }
        Order {
            keys,
            below: OnceCell::new(),
            fragments,
        }
    }

    fn below(&self) -> &[Order<'a>] {
        self.below.get_or_init(|| {
            self.keys
                .iter()
                .map(|(_, sets)| Order::new(sets.clone(), self.fragments))
                .collect()
        })
    }

    fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Object(object) => {
                let in_order = object.len() == self.keys.len()
                    && object
                        .keys()
                        .zip(&self.keys)
                        .all(|(have, (want, _))| have.as_str() == *want);
                if !in_order {
                    let mut unordered = std::mem::take(object);
                    for (key, _) in &self.keys {
                        if let Some((name, field)) = unordered.shift_remove_entry(*key) {
                            object.insert(name, field);
                        }
                    }
                    // Anything the selection did not name (there should be none) stays at the end.
                    object.extend(unordered);
                }
                let below = self.below();
                for ((key, _), order) in self.keys.iter().zip(below) {
                    if order.keys.is_empty() {
                        continue;
                    }
                    if let Some(field) = object.get_mut(*key) {
                        order.apply(field);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The response keys a selection set asks for, in order, with the selection sets below each key
/// (a key selected twice, or through fragments, merges its sub-selections).
fn collect_keys<'a>(
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
                collect_keys(&fragment.node.selection_set.node, fragments, out)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect_keys(&fragment.node.selection_set.node, fragments, out);
                }
            }
        }
    }
}
