//! What a document may cost, priced before anything else looks at it (rule F2), by
//! `super::executor` right after parsing and before async-graphql's validation.
//!
//! The price is the number of fields the document would resolve with every fragment spread expanded
//! as often as it is spread (`__typename` included), the aliases among them, and the input values
//! they carry (arguments, the items of list and object values, directives, variable definitions),
//! which validation checks one by one. It is computed with
//! each fragment priced once (memoized), so pricing costs a walk of the document as written, never
//! of its expansion: a 646-byte fragment bomb that expands to 10^8 selections is priced in
//! microseconds and refused. async-graphql's own checks (depth, complexity, the validation rules)
//! expand fragments; they only ever see documents already known to be small.
//!
//! Fragments that no operation spreads are priced too: validation walks them before it refuses
//! them. With introspection switched off (HEARTH_INTROSPECTION=false), an introspection query is
//! refused with an error saying so, rather than answered with nulls.

use async_graphql::ServerError;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use async_graphql_value::Value;
use std::collections::HashMap;

/// The most aliased fields a document may hold, fragments expanded: the same query aliased ten
/// times in one request is refused.
pub const MAX_ALIASES: usize = 8;

/// The default of HEARTH_MAX_SELECTIONS. The benchmark's four-level traversal resolves 20 fields,
/// GraphiQL's introspection query 181 (`scripts/front-door-costs.py`): 2,000 leaves room for any
/// dashboard's query and refuses a bomb.
pub const DEFAULT_MAX_SELECTIONS: usize = 2_000;

/// The most input values a document may carry, fragments expanded: far more than any of the
/// API's inputs needs (an intake with its household is a few dozen), far fewer than the hundred
/// thousand arguments a hostile megabyte holds.
pub const MAX_INPUT_VALUES: usize = 10_000;

/// How deep fragments may spread one another. A fragment chain is no deeper than the query (depth
/// 15) in any real document; a chain of thousands would otherwise recurse as deep.
const MAX_FRAGMENT_NESTING: usize = 32;

/// Hearth's limits on a document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Most fields a document may resolve, fragments expanded.
    pub max_selections: usize,
    /// Whether introspection is answered.
    pub introspection: bool,
}

/// What a document (or a part of it) would resolve, fragments expanded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Price {
    pub fields: usize,
    pub aliases: usize,
    pub inputs: usize,
}

impl Price {
    fn add(self, other: Price) -> Price {
        Price {
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            inputs: self.inputs.saturating_add(other.inputs),
        }
    }

    fn inputs(inputs: usize) -> Price {
        Price {
            inputs,
            ..Price::default()
        }
    }
}

/// A value and everything inside it. Values nest no deeper than the parser allows.
fn value_size(value: &Value) -> usize {
    1 + match value {
        Value::List(items) => items.iter().map(value_size).sum(),
        Value::Object(fields) => fields.values().map(value_size).sum(),
        _ => 0,
    }
}

fn arguments_size(arguments: &[(Positioned<Name>, Positioned<Value>)]) -> usize {
    arguments
        .iter()
        .map(|(_, value)| value_size(&value.node))
        .sum()
}

fn directives_size(directives: &[Positioned<Directive>]) -> usize {
    directives
        .iter()
        .map(|directive| 1 + arguments_size(&directive.node.arguments))
        .sum()
}

/// Checks a parsed document against Hearth's limits.
pub fn check(document: &ExecutableDocument, limits: DocumentLimits) -> Result<(), ServerError> {
    let price = price(document)?;
    if price.fields > limits.max_selections {
        return Err(ServerError::new(
            format!(
                "The query would resolve {} fields with its fragments expanded; at most {} are \
                 allowed (HEARTH_MAX_SELECTIONS). Ask for fewer fields or split it into several \
                 requests",
                price.fields, limits.max_selections
            ),
            None,
        ));
    }
    if price.aliases > MAX_ALIASES {
        return Err(ServerError::new(
            format!(
                "The query uses {} aliases with its fragments expanded; at most {MAX_ALIASES} are \
                 allowed. Split it into several requests",
                price.aliases
            ),
            None,
        ));
    }
    if price.inputs > MAX_INPUT_VALUES {
        return Err(ServerError::new(
            format!(
                "The query carries {} argument values, directives and variables with its \
                 fragments expanded; at most {MAX_INPUT_VALUES} are allowed",
                price.inputs
            ),
            None,
        ));
    }
    if !limits.introspection && asks_introspection(document) {
        return Err(ServerError::new(
            "Introspection is switched off on this server (HEARTH_INTROSPECTION=false); use the \
             published schema.graphql",
            None,
        ));
    }
    Ok(())
}

/// The price of `document`: its operations with fragments expanded, plus the fragments no operation
/// spreads (validation refuses them, but walks them first).
pub fn price(document: &ExecutableDocument) -> Result<Price, ServerError> {
    let mut pricer = Pricer {
        document,
        fragments: HashMap::new(),
    };
    let mut total = Price::default();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let variables: usize = operation
            .variable_definitions
            .iter()
            .map(|variable| {
                1 + directives_size(&variable.node.directives)
                    + variable
                        .node
                        .default_value
                        .as_ref()
                        .map_or(0, |value| value_size(&value.node.clone().into_value()))
            })
            .sum();
        total = total
            .add(Price::inputs(
                variables + directives_size(&operation.directives),
            ))
            .add(pricer.selection_set(&operation.selection_set, 0)?);
    }
    // Each fragment no operation spreads is priced whole, including the others it spreads.
    let unspread: Vec<&Name> = document
        .fragments
        .keys()
        .filter(|name| !pricer.fragments.contains_key(name))
        .collect();
    for name in unspread {
        total = total.add(pricer.fragment(name, 0)?);
    }
    Ok(total)
}

struct Pricer<'a> {
    document: &'a ExecutableDocument,
    /// Each fragment's price once known; `None` while it is being priced (a spread of it then is a
    /// cycle).
    fragments: HashMap<&'a Name, Option<Price>>,
}

impl<'a> Pricer<'a> {
    fn selection_set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        nesting: usize,
    ) -> Result<Price, ServerError> {
        let mut price = Price::default();
        // Field nesting recurses as deep as the document nests, which the parser bounds.
        for selection in &set.node.items {
            let part = match &selection.node {
                Selection::Field(field) => Price {
                    fields: 1,
                    aliases: usize::from(field.node.alias.is_some()),
                    inputs: arguments_size(&field.node.arguments)
                        + directives_size(&field.node.directives),
                }
                .add(self.selection_set(&field.node.selection_set, nesting)?),
                Selection::InlineFragment(fragment) => {
                    Price::inputs(directives_size(&fragment.node.directives))
                        .add(self.selection_set(&fragment.node.selection_set, nesting)?)
                }
                Selection::FragmentSpread(spread) => {
                    Price::inputs(directives_size(&spread.node.directives))
                        .add(self.fragment(&spread.node.fragment_name.node, nesting + 1)?)
                }
            };
            price = price.add(part);
        }
        Ok(price)
    }

    fn fragment(&mut self, name: &'a Name, nesting: usize) -> Result<Price, ServerError> {
        match self.fragments.get(name) {
            Some(Some(price)) => return Ok(*price),
            Some(None) => {
                return Err(ServerError::new(
                    format!("Fragment \"{name}\" spreads itself (directly or through others)"),
                    None,
                ));
            }
            None => {}
        }
        if nesting > MAX_FRAGMENT_NESTING {
            return Err(ServerError::new(
                format!(
                    "Fragments spread one another more than {MAX_FRAGMENT_NESTING} deep; flatten \
                     the query"
                ),
                None,
            ));
        }
        // An unknown fragment costs nothing here; validation names it.
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(Price::default());
        };
        self.fragments.insert(name, None);
        let price = self.selection_set(&definition.node.selection_set, nesting)?;
        self.fragments.insert(name, Some(price));
        Ok(price)
    }
}

fn introspects(set: &SelectionSet) -> bool {
    set.items.iter().any(|selection| match &selection.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(fragment) => introspects(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

/// Whether a document only reads the schema: every operation a query whose root selects only
/// `__schema`, `__type` and `__typename` (through fragments too). Such a document is answered
/// without a token when introspection is on (rule R1's one exception): the schema is public, it is
/// `schema.graphql`, and nothing else can be reached from those fields. Each fragment is judged
/// once (a fragment bomb costs its size), and a fragment that spreads itself is not introspection.
pub fn only_introspection(document: &ExecutableDocument) -> bool {
    let mut judged = HashMap::new();
    document.operations.iter().all(|(_, operation)| {
        operation.node.ty == OperationType::Query
            && reads_only_schema(document, &operation.node.selection_set.node, 0, &mut judged)
    })
}

fn reads_only_schema<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    nesting: usize,
    judged: &mut HashMap<&'a Name, bool>,
) -> bool {
    set.items.iter().all(|selection| match &selection.node {
        Selection::Field(field) => matches!(
            field.node.name.node.as_str(),
            "__schema" | "__type" | "__typename"
        ),
        Selection::InlineFragment(fragment) => {
            reads_only_schema(document, &fragment.node.selection_set.node, nesting, judged)
        }
        Selection::FragmentSpread(spread) => {
            let name = &spread.node.fragment_name.node;
            if let Some(verdict) = judged.get(name) {
                return *verdict;
            }
            let Some(definition) = document.fragments.get(name) else {
                return false;
            };
            if nesting >= MAX_FRAGMENT_NESTING {
                return false;
            }
            // Judged false while it is walked: a cycle through it is no introspection.
            judged.insert(name, false);
            let verdict = reads_only_schema(
                document,
                &definition.node.selection_set.node,
                nesting + 1,
                judged,
            );
            judged.insert(name, verdict);
            verdict
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn priced(query: &str) -> Result<Price, ServerError> {
        price(&parse_query(query).expect("the test query parses"))
    }

    /// `levels` fragments, each spreading the next `fanout` times, the last selecting `__typename`.
    fn bomb(levels: usize, fanout: usize) -> String {
        let mut query = String::from("query { ...F0 }\n");
        for level in 0..levels {
            let spreads = format!(" ...F{}", level + 1).repeat(fanout);
            query.push_str(&format!("fragment F{level} on Query {{{spreads} }}\n"));
        }
        query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
        query
    }

    #[test]
    fn fields_are_counted_with_fragments_expanded() {
        let price = priced(
            "query { a: me { id } ...M } fragment M on Query { me { id ...U } ...U } \
             fragment U on Query { __typename }",
        )
        .expect("prices");
        // a, a.id, then M: me, me.id, U, U.
        assert_eq!(price.fields, 6);
        assert_eq!(price.aliases, 1);
    }

    #[test]
    fn a_fragment_bomb_is_priced_by_its_size_not_its_expansion() {
        let price = priced(&bomb(8, 10)).expect("prices");
        // The operation alone expands to 10^8 `__typename`s.
        assert_eq!(price.fields, 100_000_000);
        let huge = priced(&bomb(20, 10)).expect("saturates rather than overflows");
        assert_eq!(huge.fields, usize::MAX);
    }

    #[test]
    fn aliases_inside_spread_fragments_count_each_time() {
        let price =
            priced("query { ...A ...A ...A } fragment A on Query { x: __typename y: __typename }")
                .expect("prices");
        assert_eq!(price.aliases, 3 * 2);
    }

    #[test]
    fn input_values_are_counted_inside_lists_objects_and_directives() {
        let price = priced(
            "query($a: Int = 1, $b: [Int]) { f(x: [1, 2, {y: 3}]) @include(if: true) { __typename } }",
        )
        .expect("prices");
        // $a and its default (2), $b (1); the list with its three items and the object's field (5);
        // the directive and its argument (2).
        assert_eq!(price.inputs, 2 + 1 + 5 + 2);
    }

    #[test]
    fn fragments_no_operation_spreads_are_priced_too() {
        let price = priced(
            "query { __typename } fragment Unused on Query { ...U ...U } \
             fragment U on Query { __typename }",
        )
        .expect("prices");
        // The operation (1), Unused with its spreads (2), U on its own (1).
        assert_eq!(price.fields, 1 + 2 + 1);
    }

    #[test]
    fn cycles_and_deep_chains_are_refused_without_recursing_forever() {
        assert!(
            priced("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
                .is_err()
        );
        let mut chain = String::from("query { ...F0 }");
        for i in 0..5_000 {
            chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        assert!(priced(&chain).is_err());
    }

    fn schema_only(query: &str) -> bool {
        only_introspection(&parse_query(query).expect("parses"))
    }

    #[test]
    fn documents_that_only_read_the_schema_are_told_apart() {
        for query in [
            "{ __typename }",
            "{ __schema { types { name } } }",
            "query IntrospectionQuery { __schema { queryType { name } } __type(name: \"Client\") { name } }",
            "{ ...Schema } fragment Schema on Query { __schema { types { name } } }",
            "{ ... on Query { __typename } }",
        ] {
            assert!(schema_only(query), "{query}");
        }
        for query in [
            "{ me { role } }",
            "{ __typename me { role } }",
            "{ ... on Query { me { role } } }",
            "{ ...F } fragment F on Query { me { role } }",
            "{ ...Missing }",
            "{ ...A } fragment A on Query { ...A }",
            "mutation { __typename }",
            "subscription { __typename }",
            "query A { __typename } query B { me { role } }",
        ] {
            assert!(!schema_only(query), "{query}");
        }
        let mut chain = String::from("{ ...F0 }");
        for i in 0..100 {
            chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F100 on Query { __typename }");
        assert!(
            !schema_only(&chain),
            "a chain deeper than the nesting limit"
        );
    }
}
