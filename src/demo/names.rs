//! The names of the people seeded communities are made of: the demo's clients and the benchmark's.

/// Given names, one per demo client; the benchmark's seeder draws from them too.
pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Ben", "Carmen", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Imani", "Jonah",
    "Keisha", "Luis", "Maya", "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Samuel", "Tanya",
    "Uriel", "Vera", "Wesley", "Ximena", "Yusuf", "Zoe", "Andre", "Bianca", "Cyrus", "Delia",
    "Emeka", "Fiona", "Gabriel", "Hallie", "Ivan", "Jada",
];
/// Family names, given in turn.
pub const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Lindgren",
    "Reyes",
    "Petrov",
    "Cohen",
    "Haddad",
    "Whitfield",
    "Tanaka",
    "Mensah",
    "Brooks",
    "Washington",
    "Ortega",
    "Patel",
    "Novak",
    "Farouk",
    "Silva",
    "Murphy",
    "Alvarez",
    "Adeyemi",
    "Kowalski",
    "Navarro",
    "Ivanova",
    "Hughes",
    "Castillo",
    "Rahman",
    "Bennett",
];
