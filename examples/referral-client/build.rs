//! Registers Hearth's schema (the repository's `schema.graphql`, kept in step with the server by a
//! test) so that every query below is checked against it at compile time.

fn main() {
    cynic_codegen::register_schema("hearth")
        .from_sdl_file("../../schema.graphql")
        .expect("read ../../schema.graphql")
        .as_default()
        .expect("register the schema");
}
