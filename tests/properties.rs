//! Property-based tests: random and hostile inputs to every mutation of the contract, through the real
//! HTTP endpoint with GraphQL variables.
//!
//! Every answer must be a valid success or a clean GraphQL error whose `extensions.code` is one of
//! UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT or CONFLICT: never a 5xx, never
//! INTERNAL_SERVER_ERROR, never a dropped connection. After every case the whole visible state is read
//! back as ADMIN and checked: the workflow's invariants hold, a refused mutation changed nothing (not
//! even the audit trail), and a successful one changed exactly the counts it should.
//!
//! One server per property (one `#[test]`), driven from a tokio runtime built here: proptest's runner
//! calls `block_on` for each case. Inputs are generated as abstract choices ("the 3rd client", "a lone
//! surrogate", "a 100 000-character string") and resolved against the records that exist when the case
//! runs, so ids of real records, of records of another kind, and of nothing are all exercised.
//!
//! Reproducible: the seed is fixed per property (override with `PROPTEST_RNG_SEED`), 64 cases each
//! (override with `PROPTEST_CASES`), and failures are not persisted to files.

mod common;

#[path = "properties/answers.rs"]
mod answers;
#[path = "properties/args.rs"]
mod args;
#[path = "properties/edge_inputs.rs"]
mod edge_inputs;
#[path = "properties/every_mutation.rs"]
mod every_mutation;
#[path = "properties/invariants.rs"]
mod invariants;
#[path = "properties/mutations.rs"]
mod mutations;
#[path = "properties/state.rs"]
mod state;
#[path = "properties/strategies.rs"]
mod strategies;
#[path = "properties/successes.rs"]
mod successes;
#[path = "properties/world.rs"]
mod world;

use common::*;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

// The names the topic modules share. Explicit, not globs: `strategies::date` (a date field's
// strategy) and `common::date` (parse a date) would clash.
use args::{ActorArg, Arg, Case, IdForm, Input, KINDS, Kind};
use invariants::check_invariants;
use mutations::{Mutation, fitting_project_types};
use state::Snapshot;
use strategies::{PERMANENT_HOUSING, REFERRAL_TYPES, date_of};
use successes::clean_text;
use world::World;
