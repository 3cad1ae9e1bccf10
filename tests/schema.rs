//! The SDL in `schema.graphql` is the code's, and it holds every name and type of the contract.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use std::collections::BTreeMap;

/// Parts of `../shared/contract.graphql` that no issue has built yet. Each must be absent from the
/// schema (so that the list stays honest) and leaves this list when it is built.
/// Whole types are named as in `members` ("type Household", "enum Sex", "input FooInput"); members
/// of built types one by one.
const NOT_YET_BUILT: &[&str] = &[
    // Everything in the contract is built (issue 18 built the last: 4.19, the priority list, the CE
    // APR). A part of a future contract not built yet is listed here, as "type X" or "Query.field".
];

/// Every member of an SDL document, as "Type.field(arg: Type): Type", "Enum.VALUE", "type Name".
fn members(sdl: &str) -> BTreeMap<String, String> {
    let document = parse_schema(sdl).expect("the SDL parses");
    let mut members = BTreeMap::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let ty = definition.node;
        let name = ty.name.node.to_string();
        let kind = match &ty.kind {
            TypeKind::Scalar => "scalar",
            TypeKind::Object(_) => "type",
            TypeKind::Interface(_) => "interface",
            TypeKind::Union(_) => "union",
            TypeKind::Enum(_) => "enum",
            TypeKind::InputObject(_) => "input",
        };
        members.insert(format!("{kind} {name}"), String::new());
        match ty.kind {
            TypeKind::Object(object) => {
                for field in object.fields {
                    let field = field.node;
                    for arg in &field.arguments {
                        members.insert(
                            format!("{name}.{}({})", field.name.node, arg.node.name.node),
                            arg.node.ty.node.to_string(),
                        );
                    }
                    members.insert(
                        format!("{name}.{}", field.name.node),
                        field.ty.node.to_string(),
                    );
                }
            }
            TypeKind::InputObject(input) => {
                for field in input.fields {
                    members.insert(
                        format!("{name}.{}", field.node.name.node),
                        field.node.ty.node.to_string(),
                    );
                }
            }
            TypeKind::Enum(values) => {
                for value in values.values {
                    members.insert(format!("{name}.{}", value.node.value.node), String::new());
                }
            }
            _ => {}
        }
    }
    members
}

fn built(member: &str) -> bool {
    !NOT_YET_BUILT.iter().any(|pending| {
        member == *pending || member.starts_with(&format!("{pending}(")) || {
            let type_name = ["type ", "enum ", "input "]
                .iter()
                .find_map(|kind| pending.strip_prefix(kind))
                .unwrap_or("-");
            member.starts_with(&format!("{type_name}."))
        }
    })
}

#[test]
fn schema_graphql_is_the_sdl_of_the_code() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    assert!(
        on_disk == hearth::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -- print-schema > schema.graphql`"
    );
}

#[test]
fn schema_holds_every_built_part_of_the_contract_with_the_same_types() {
    let contract_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/contract.graphql");
    let contract =
        std::fs::read_to_string(contract_path).expect("../shared/contract.graphql exists");
    let contract = members(&contract);
    assert!(
        contract.len() > 200,
        "the contract parsed into too few members"
    );
    let schema = members(&hearth::graphql::sdl());
    let mut missing = Vec::new();
    for (member, ty) in &contract {
        if !built(member) {
            assert!(
                !schema.contains_key(member),
                "{member} is built: take it off NOT_YET_BUILT"
            );
            continue;
        }
        match schema.get(member) {
            Some(found) if found == ty => {}
            Some(found) => missing.push(format!("{member}: contract {ty}, schema {found}")),
            None => missing.push(format!("{member} is missing")),
        }
    }
    assert!(
        missing.is_empty(),
        "schema differs from the contract:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_type_and_field_has_a_description() {
    let document = parse_schema(hearth::graphql::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let ty = definition.node;
        let name = ty.name.node.to_string();
        if ty.description.is_none() && !matches!(name.as_str(), "DateTime") {
            undocumented.push(name.clone());
        }
        match ty.kind {
            TypeKind::Object(object) => undocumented.extend(
                object
                    .fields
                    .iter()
                    .filter(|f| f.node.description.is_none())
                    .map(|f| format!("{name}.{}", f.node.name.node)),
            ),
            TypeKind::Enum(values) => undocumented.extend(
                values
                    .values
                    .iter()
                    .filter(|v| v.node.description.is_none())
                    .map(|v| format!("{name}.{}", v.node.value.node)),
            ),
            _ => {}
        }
    }
    assert!(
        undocumented.is_empty(),
        "without a description: {undocumented:?}"
    );
}

/// Every argument and input field says what it is for (graphql-schema-linter's description rules):
/// SPA developers read them in their editor's completion.
#[test]
fn every_argument_and_input_field_has_a_description() {
    let document = parse_schema(hearth::graphql::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let ty = definition.node;
        let name = ty.name.node.to_string();
        match ty.kind {
            TypeKind::Object(object) => {
                for field in object.fields {
                    let field = field.node;
                    undocumented.extend(
                        field
                            .arguments
                            .iter()
                            .filter(|arg| arg.node.description.is_none())
                            .map(|arg| {
                                format!("{name}.{}({})", field.name.node, arg.node.name.node)
                            }),
                    );
                }
            }
            TypeKind::InputObject(input) => undocumented.extend(
                input
                    .fields
                    .iter()
                    .filter(|f| f.node.description.is_none())
                    .map(|f| format!("{name}.{}", f.node.name.node)),
            ),
            _ => {}
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} without a description:\n{}",
        undocumented.len(),
        undocumented.join("\n")
    );
}
